"""The ``envcheck`` directive: options, rendering in both modes and every builder, warnings.

Every build runs the real checks of this machine (envdeck.checks) in a tiny project.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import sphinx
from conftest import sphinx_build

from envdeck.assets import STATIC_DIR
from envdeck.checks import CheckContext, run_check
from envdeck.envcheck.state import get_data

PASSING = "```{envcheck} python\n```\n"
MISSING_PACKAGE = "envdeck-surely-not-installed-pkg"


def page(*blocks: str, title: str = "Checks") -> str:
    return f"# {title}\n\n" + "\n".join(blocks)


def envcheck(name: str, *options: str, fence: str = "```") -> str:
    lines = [f"{fence}{{envcheck}} {name}".rstrip(), *options, fence, ""]
    return "\n".join(lines)


def python_result(srcdir: Path):
    return run_check("python", CheckContext(project=srcdir))


# --- rendering ----------------------------------------------------------------------


def test_prose_block_shows_badge_summary_and_facts_table(build):
    built = build({"index.md": page(envcheck("python"))})
    assert built.warnings == ""
    expected = python_result(built.srcdir)
    block = built.html().select_one("div.admonition.envdeck-check")
    assert block is not None
    assert "envdeck-check-pass" in block["class"]
    title = block.select_one("p.admonition-title")
    assert title.select_one("span.envdeck-badge.envdeck-badge-pass").get_text() == "PASS"
    assert expected.title in title.get_text()
    assert block.select_one("p.envdeck-check-summary").get_text() == expected.summary
    rows = [
        [cell.get_text(strip=True) for cell in row.select("td")]
        for row in block.select("table.envdeck-facts tbody tr")
    ]
    assert rows == [[key, value] for key, value in expected.facts.items()]
    assert [th.get_text(strip=True) for th in block.select("thead th")] == ["Fact", "Value"]


def test_colon_fence_and_rst_forms(build):
    built = build(
        {
            "index.rst": "Checks\n======\n\n.. envcheck:: platform\n\n.. toctree::\n\n   fenced\n",
            "fenced.md": page(envcheck("python", fence=":::")),
        }
    )
    assert built.warnings == ""
    assert built.html("index").select_one("div.envdeck-check .envdeck-badge")
    assert built.html("fenced").select_one("div.envdeck-check .envdeck-badge")


def test_show_levels_and_title(build):
    built = build(
        {
            "index.md": page(
                envcheck("python", ":show: summary", ":title: Which Python builds this"),
                envcheck("python", ":show: details"),
            )
        }
    )
    assert built.warnings == ""
    expected = python_result(built.srcdir)
    short, full = built.html().select("div.envdeck-check")
    assert "Which Python builds this" in short.select_one(".admonition-title").get_text()
    assert short.select_one("table") is None
    assert full.select_one("table.envdeck-facts") is not None
    if expected.details:
        assert full.select_one("pre").get_text().strip() == expected.details.strip()


def test_slide_mode_renders_a_sphinx_design_card_with_key_facts(build):
    built = build({"index.md": page(envcheck("python"))}, confoverrides={"slide": True})
    assert built.warnings == ""
    expected = python_result(built.srcdir)
    card = built.html().select_one("div.sd-card.envdeck-check-card")
    assert card is not None
    assert card.select_one(".sd-card-body .sd-card-title .envdeck-badge").get_text() == "PASS"
    assert expected.title in card.select_one(".sd-card-title").get_text()
    assert card.select_one("p.sd-card-text").get_text() == expected.summary
    facts = [li.get_text() for li in card.select("ul.envdeck-key-facts li")]
    keys = [k for k in expected.key_facts if k in expected.facts] or list(expected.facts)[:3]
    assert facts == [f"{key}: {expected.facts[key]}" for key in keys]
    # compact: no prose block and no full facts table on the slide
    assert built.html().select_one("div.admonition.envdeck-check") is None
    assert card.select_one("table") is None


@pytest.mark.parametrize(
    ("builder", "output"),
    [
        ("latex", "python.tex"),
        ("text", "index.txt"),
        ("man", "python.1"),
        ("texinfo", "python.texi"),
        ("singlehtml", "index.html"),
    ],
)
@pytest.mark.parametrize("slide", [False, True])
def test_every_builder_renders_status_and_summary(build, builder, output, slide):
    conf = 'extensions = ["envdeck"]\nproject = "python"\n'
    built = build(
        {"index.md": page(envcheck("python"), "```{envcheck-report} python platform\n```\n")},
        conf=conf,
        buildername=builder,
        confoverrides={"slide": slide},
    )
    assert built.warnings_besides_the_flag() == ""
    expected = python_result(built.srcdir)
    text = (built.outdir / output).read_text("utf8")
    assert "PASS" in text
    assert expected.summary.split()[0] in text
    if builder != "singlehtml":
        # CSS is for HTML builders only; nothing of it reaches other outputs
        assert not list(built.outdir.rglob("envcheck.css"))
        assert "envcheck.css" not in text


def test_badge_css_is_added_for_html_builders(build):
    built = build({"index.md": page(envcheck("python"))})
    links = [link["href"] for link in built.html().select("link[rel=stylesheet]")]
    assert any(href.startswith("_static/envcheck.css") for href in links)
    css = (built.outdir / "_static" / "envcheck.css").read_text("utf8")
    assert ".envdeck-badge-fail" in css
    # only envdeck's own file: the deck's files are not copied into the handout
    assert not (built.outdir / "_static" / "envdeck-deck.js").exists()
    # copied, not added to html_static_path: conf.py's value stays as written (compared
    # as paths: the clone's own folder may be called envdeck, and sphinx-design's
    # static folder, under the clone's .venv, is on the list)
    ours = STATIC_DIR.resolve()
    listed = [Path(p).resolve() for p in built.app.config.html_static_path]
    assert not [p for p in listed if p == ours or ours in p.parents], listed


def test_badge_css_is_packed_into_an_epub(build):
    import zipfile

    conf = (
        'extensions = ["envdeck"]\ncopyright = "2026"\nversion = "1"\n'
        "envdeck_handout_style = True\n"
    )
    built = build({"index.md": page(envcheck("python"))}, conf=conf, buildername="epub")
    assert built.warnings == ""
    (epub,) = built.outdir.glob("*.epub")
    names = zipfile.ZipFile(epub).namelist()
    assert "_static/envcheck.css" in names, names
    assert "_static/envdeck-handout.css" in names, names


def test_badge_css_reaches_the_deck(build):
    built = build({"index.md": page(envcheck("python"))}, confoverrides={"slide": True})
    links = [link["href"] for link in built.html().select("link[rel=stylesheet]")]
    assert any(href.startswith("_static/envcheck.css") for href in links)
    assert (built.outdir / "_static" / "envcheck.css").is_file()


# --- options and bad input ---------------------------------------------------------


def test_check_specific_option_reaches_the_check(build):
    built = build({"index.md": page(envcheck("packages", ":packages: docutils"))})
    assert built.warnings == ""
    cells = [td.get_text(strip=True) for td in built.html().select("table.envdeck-facts td")]
    assert any("docutils" in cell for cell in cells)
    import docutils

    assert any(docutils.__version__ in cell for cell in cells)


def _warning_lines(built):
    return [line for line in built.warning_lines() if "WARNING" in line or "ERROR" in line]


def test_unknown_check_is_a_typed_warning_naming_the_checks_and_the_build_goes_on(build):
    built = build({"index.md": page("Before.\n", envcheck("lokfile"), "After.\n")})
    [line] = _warning_lines(built)
    assert re.search(r"index\.md:5: WARNING: .*unknown check 'lokfile'", line)
    assert line.endswith("[envdeck.directive]")
    for name in ("python", "lockfile", "venv-relocation", "packages"):
        assert name in line
    text = built.html().select_one("div.body").get_text()
    assert "Before." in text and "After." in text


def test_missing_check_name_is_a_typed_warning(build):
    built = build({"index.md": page(envcheck(""))})
    [line] = _warning_lines(built)
    assert "index.md:3:" in line and "[envdeck.directive]" in line and "python" in line


@pytest.mark.parametrize(
    ("option", "valid"),
    [
        (":expect: maybe", "pass, warn, fail, skip"),
        (":show: everything", "summary, facts, details"),
    ],
)
def test_bad_option_values_warn_with_the_choices_and_the_check_still_renders(build, option, valid):
    built = build({"index.md": page(envcheck("python", option))})
    [line] = _warning_lines(built)
    assert "index.md:3:" in line and valid in line and line.endswith("[envdeck.directive]")
    assert built.html().select_one("div.envdeck-check .envdeck-badge-pass")


def test_option_of_another_check_is_a_typed_warning(build):
    built = build({"index.md": page(envcheck("python", ":packages: numpy"))})
    [line] = _warning_lines(built)
    assert "index.md:3:" in line and "no :packages: option" in line
    assert line.endswith("[envdeck.directive]")
    assert built.html().select_one("div.envdeck-check")


def test_bad_check_option_value_is_a_typed_warning(build):
    built = build({"index.md": page(envcheck("packages", ":packages: ,"))})
    lines = _warning_lines(built)
    assert any(
        "index.md:3:" in line and "invalid :packages:" in line and "[envdeck.directive]" in line
        for line in lines
    ), lines


COMMON_OPTIONS = ":project:, :expect:, :show:, :title:"


@pytest.mark.parametrize(
    ("name", "own"), [("python", "none"), ("packages", ":packages:, :import:")]
)
def test_unknown_option_in_myst_is_a_typed_warning_naming_this_checks_options(build, name, own):
    built = build({"index.md": page(envcheck(name, ":colour: red", ":show: summary"))})
    [line] = _warning_lines(built)
    assert re.search(rf"index\.md:3: WARNING: envcheck: the '{name}' check has no :colour:", line)
    assert f"its own options: {own};" in line and COMMON_OPTIONS in line
    # not the options of every other check, as the MyST parser would list them
    for other in (":target:", ":venv:", ":tool:", ":path:"):
        assert other not in line
    assert line.endswith("[envdeck.directive]")
    # the build goes on, and the page's other options still apply
    block = built.html().select_one("div.envdeck-check")
    assert block is not None and block.select_one("table") is None


def test_unknown_option_in_rst_is_a_typed_warning_not_a_docutils_error(build):
    rst = "Checks\n======\n\n.. envcheck:: python\n   :colour: red\n   :show: summary\n"
    built = build({"index.rst": rst})
    [line] = _warning_lines(built)
    assert "index.rst:4: WARNING: envcheck: the 'python' check has no :colour: option" in line
    assert "its own options: none;" in line and COMMON_OPTIONS in line
    assert line.endswith("[envdeck.directive]")
    assert "Error in" not in built.warnings
    block = built.html().select_one("div.envdeck-check")
    assert block is not None and block.select_one("table") is None


def test_missing_project_directory_is_a_typed_warning(build):
    built = build({"index.md": page(envcheck("python", ":project: nowhere"))})
    [line] = _warning_lines(built)
    assert "index.md:3:" in line and "'nowhere'" in line and "[envdeck.directive]" in line
    assert built.html().select_one("div.envdeck-check") is None


# --- the project directory: a docs/ folder, envdeck_project ---------------------------


def _checked_projects(built) -> dict[str, set[str]]:
    """check name -> the project directories the build ran it for."""
    data = get_data(built.app.env)
    found: dict[str, set[str]] = {}
    for use in data.all_uses():
        found.setdefault(use.request.name, set()).add(use.request.project)
    return found


def test_conf_py_in_docs_checks_the_project_above_it(build, tmp_path: Path):
    # The common layout: pyproject.toml at the top, conf.py in a folder below it.
    (tmp_path / "pyproject.toml").write_text(UNLOCKED, "utf8")
    # Unlocked, so the lockfile check fails there; it would skip in the conf.py's
    # folder ("has no pyproject.toml and no uv.lock"), which :expect: would report.
    built = build(
        {
            "index.md": page(
                envcheck("lockfile", ":expect: fail"),
                "```{envcheck-report} lockfile\n:no-table:\n```\n",
            )
        }
    )
    assert built.srcdir.parent == tmp_path
    assert built.app.config.envdeck_project == str(tmp_path)
    assert _checked_projects(built) == {"lockfile": {str(tmp_path)}}
    card = built.html().select_one(".envdeck-check-card.envdeck-check-fail")
    assert card is not None, "the report's card checked the project above conf.py"
    # The report's card has no :expect:: its failure is the one warning.
    [line] = _warning_lines(built)
    assert "index.md:7:" in line and "envcheck 'lockfile' failed: no uv.lock" in line


def test_envdeck_project_names_the_project_relative_to_conf_py(build, tmp_path: Path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "pyproject.toml").write_text(UNLOCKED, "utf8")
    built = build(
        {"index.md": page(envcheck("lockfile", ":expect: fail"), envcheck("python"))},
        conf='extensions = ["envdeck"]\nenvdeck_project = "../course"\n',
    )
    assert _checked_projects(built) == {
        "lockfile": {str(tmp_path / "course")},
        "python": {str(tmp_path / "course")},
    }


def test_envdeck_project_that_does_not_exist_is_a_typed_warning(build, tmp_path: Path):
    built = build(
        {"index.md": page(envcheck("python"))},
        conf='extensions = ["envdeck"]\nenvdeck_project = "nowhere"\n',
    )
    [line] = _warning_lines(built)
    assert "conf.py:2:" in line and "[envdeck.config]" in line and "'nowhere'" in line
    # The build goes on, with the project found from conf.py's folder.
    assert _checked_projects(built) == {"python": {str(built.srcdir)}}


# --- code in check text ------------------------------------------------------------

UNLOCKED = '[project]\nname = "demo"\nversion = "0.1.0"\n'


def unlocked_project(srcdir: Path) -> None:
    # pyproject.toml without uv.lock: the summary says "run `uv lock`"
    (srcdir / "proj").mkdir(parents=True)
    (srcdir / "proj" / "pyproject.toml").write_text(UNLOCKED, "utf8")


CODE_BLOCKS = (
    envcheck("lockfile", ":project: proj", ":expect: fail", ":title: Is there a `uv.lock`?"),
    envcheck("python", ":title: A lone ` stays"),
    "```{envcheck-report} lockfile\n:project: proj\n```\n",
)
# (the report's card of the failing check would be a warning)
QUIET = 'extensions = ["envdeck"]\nenvdeck_check_failures = "silent"\n'


@pytest.mark.parametrize("slide", [False, True])
def test_backticks_in_check_text_are_code_in_html(build, tmp_path, slide):
    unlocked_project(tmp_path / "src")
    built = build({"index.md": page(*CODE_BLOCKS)}, conf=QUIET, confoverrides={"slide": slide})
    assert built.warnings == ""
    html = built.html()
    summaries = html.select(".envdeck-check-summary")
    # the envcheck and the report's card
    failing = [p for p in summaries if "no uv.lock" in p.get_text()]
    assert len(failing) == 2
    for summary in failing:
        assert [code.get_text() for code in summary.select("code")] == ["uv lock"]
        assert "`" not in summary.get_text()
        assert "run uv lock and commit" in summary.get_text()
    titles = html.select(".admonition-title, .sd-card-title")
    assert any(t.select_one("code") and "`" not in t.get_text() for t in titles)
    # a backtick without its pair stays as text
    [lone] = [t for t in titles if "lone" in t.get_text()]
    assert "A lone ` stays" in lone.get_text() and lone.select_one("code") is None
    # the report's table shows the title's code too
    cells = html.select("table.envdeck-report-table td")
    assert any(cell.select_one("code") and "uv.lock" in cell.get_text() for cell in cells)
    assert not any("`uv.lock`" in cell.get_text() for cell in cells)


def test_backticks_in_check_text_are_code_in_text_output(build, tmp_path):
    unlocked_project(tmp_path / "src")
    built = build({"index.md": page(*CODE_BLOCKS)}, conf=QUIET, buildername="text")
    assert built.warnings == ""
    text = built.text("index.txt")
    # the text builder quotes code
    assert 'run "uv lock" and commit' in text
    assert "`uv lock`" not in text and "`uv.lock`" not in text
    assert "A lone ` stays" in text


# --- failures ----------------------------------------------------------------------


def failing(*options: str) -> str:
    return envcheck("packages", f":packages: {MISSING_PACKAGE}", *options)


def test_failing_check_is_a_typed_warning_at_the_directive(build):
    built = build({"index.md": page("Intro.\n", failing())})
    [line] = _warning_lines(built)
    assert re.search(r"index\.md:5: WARNING: envcheck 'packages' failed", line)
    assert line.endswith("[envdeck.check]")
    assert built.html().select_one("div.envdeck-check-fail .envdeck-badge-fail").get_text() == (
        "FAIL"
    )


def test_expected_failure_is_not_a_warning_and_says_so(build):
    built = build({"index.md": page(failing(":expect: fail"))})
    assert built.warnings == ""
    block = built.html().select_one("div.envdeck-check-fail")
    assert "expected to fail" in block.select_one(".envdeck-check-expect").get_text()


def test_other_outcome_than_expected_is_a_typed_warning(build):
    built = build({"index.md": page(envcheck("python", ":expect: fail"))})
    [line] = _warning_lines(built)
    assert "index.md:3:" in line and "expected to fail but gave pass" in line
    assert line.endswith("[envdeck.check]")


def test_check_failures_error_makes_the_build_fail(build):
    built = build(
        {"index.md": page(failing())},
        conf='extensions = ["envdeck"]\nenvdeck_check_failures = "error"\n',
    )
    [line] = _warning_lines(built)
    assert "index.md:3: ERROR: envcheck 'packages' failed" in line
    assert line.endswith("[envdeck.check]")
    assert built.app.statuscode == 1


def test_check_failures_silent(build):
    built = build(
        {"index.md": page(failing())},
        conf='extensions = ["envdeck"]\nenvdeck_check_failures = "silent"\n',
    )
    assert built.warnings == ""
    assert built.app.statuscode == 0
    assert built.html().select_one("div.envdeck-check-fail")


def test_suppress_warnings_silences_check_failures(build):
    built = build(
        {"index.md": page(failing())},
        conf='extensions = ["envdeck"]\nsuppress_warnings = ["envdeck.check"]\n',
    )
    assert built.warnings == ""


def test_sphinx_build_W_fails_on_a_failing_check(tmp_path, monkeypatch):
    (tmp_path / "conf.py").write_text('extensions = ["envdeck"]\n', "utf8")
    (tmp_path / "index.md").write_text(page(failing()), "utf8")
    monkeypatch.chdir(tmp_path)
    # --keep-going: Sphinx 7 would stop at the first warning (exit 2), as 8 never does.
    flags = ["--no-color", "-W", "--keep-going", "-q", "-b", "html"]
    proc = sphinx_build(*flags, ".", "_build")
    assert proc.returncode == 1
    assert "index.md:3: WARNING: envcheck 'packages' failed" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_check_timeout_config_reaches_the_check(build):
    # gitignore runs git; no subprocess answers within a microsecond
    built = build(
        {"index.md": page(envcheck("gitignore"))},
        conf='extensions = ["envdeck"]\nenvdeck_check_timeout = 0.000001\n',
    )
    block = built.html().select_one("div.envdeck-check")
    assert "envdeck-check-error" in block["class"], block.get_text()
    assert "envdeck.check" in built.warnings


def test_env_allowlist_config_reaches_the_check(build, monkeypatch):
    # a stale activation: VIRTUAL_ENV names a directory other than this environment
    value = "/opt/envdeck-stale-activation"
    monkeypatch.setenv("VIRTUAL_ENV", value)
    files = {"index.md": page(envcheck("venv", ":show: details"))}
    shown = build(files, conf='extensions = ["envdeck"]\nenvdeck_env_allowlist = ["VIRTUAL_ENV"]\n')
    assert value in shown.html().select_one("div.envdeck-check").get_text()
    hidden = build(files, conf='extensions = ["envdeck"]\n', freshenv=True)
    hidden_text = hidden.html().select_one("div.envdeck-check").get_text()
    assert "VIRTUAL_ENV" in hidden_text
    assert value not in hidden_text


@pytest.mark.parametrize("slide", [False, True])
def test_the_author_docs_page_builds_cleanly_in_both_modes(build, slide):
    authoring = Path(__file__).parent.parent / "content" / "authoring"
    files = {"index.md": (authoring / "envcheck.md").read_text("utf8")}
    # the pages it links to, as stand-ins
    for linked in re.findall(r"\{doc\}`([^`]+)`", files["index.md"]):
        files[f"{linked}.md"] = f"---\norphan: true\n---\n# {linked}\n"
    built = build(files, confoverrides={"slide": slide})
    assert built.warnings == ""
    shown = built.html().select(".envdeck-check-card" if slide else "div.envdeck-check")
    # platform, the expected failure, and the report's two cards in the deck
    assert len(shown) == (4 if slide else 2)
    assert built.html().select_one(".envdeck-check-fail .envdeck-badge-fail")
    assert built.html().select("table.envdeck-report-table tbody tr")


@pytest.mark.skipif(
    sphinx.version_info < (8, 2), reason="Sphinx indexes 'no-search' nodes before 8.2"
)
def test_titles_are_searchable_but_measured_summaries_and_facts_are_not(build):
    built = build({"index.md": page(envcheck("packages", ":packages: docutils"))})
    raw = (built.outdir / "searchindex.js").read_text("utf8")
    index = json.loads(raw[raw.index("(") + 1 : raw.rindex(")")])
    terms = set(index["terms"]) | set(index["titleterms"])
    title = built.html().select_one("div.envdeck-check p.admonition-title").get_text().lower()
    assert "packages" in title and "packag" in terms
    # The summary is what the build machine measured (here: docutils' version, where
    # it is installed), as the facts are: it is on the page, not in the index.
    summary = built.html().select_one(".envdeck-check-summary").get_text().lower()
    assert "installed" in summary and "instal" not in terms
    # the facts table (its header words are nowhere else on the page) is not indexed
    headers = [th.get_text(strip=True) for th in built.html().select("table.envdeck-facts th")]
    assert headers == ["Fact", "Value"]
    assert "fact" not in terms and "valu" not in terms


def test_pages_show_no_user_home_or_host_names(build, tmp_path, monkeypatch):
    import socket

    user = "envdeck-secret-user"
    home = tmp_path / "home" / user
    project = home / "workshop"
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "w"\nversion = "1"\n', "utf8")
    subprocess.run(["git", "init", "-q", str(project)], check=False, capture_output=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USER", user)
    monkeypatch.setenv("LOGNAME", user)
    names = ["python", "venv", "gitignore", "lockfile", "packages"]
    blocks = [envcheck(name, f":project: {project}", ":show: details") for name in names]
    built = build({"index.md": page(*blocks, "```{envcheck-report}\n```\n")})
    assert len(built.html().select("div.envdeck-check")) == len(names)
    # the project's path is shown, from the home directory on
    assert "~/workshop" in built.html().select_one("div.body").get_text()
    host = socket.gethostname()
    for path in built.outdir.rglob("*"):
        # (_sources/ has the page's own source, which names the project directory)
        if path.suffix in {".html", ".js"}:
            text = path.read_text("utf8", errors="replace")
            assert user not in text, path
            assert str(home) not in text, path
            if len(host) > 4:
                assert host not in text, path
    # The build log too: the project has no uv.lock, and its warning says so safely.
    assert "envcheck 'lockfile' failed: no uv.lock" in built.warnings
    assert user not in built.warnings and str(home) not in built.warnings


# --- facts tables written once per build ---------------------------------------------------


def test_facts_tables_are_written_once_and_pages_stay_the_same(build, monkeypatch):
    from envdeck.envcheck import nodes as envcheck_nodes
    from envdeck.envcheck import render as envcheck_render

    pages = {
        "index.md": page(envcheck("python"), envcheck("platform", ":show: details"))
        + "\n```{toctree}\n:hidden:\n\nmore\n```\n",
        "more.md": page(envcheck("python"), envcheck("python", ":title: Again"), title="More"),
    }
    written = []
    table = envcheck_render.FactsHTML.table

    def counting(self, facts, document):
        node = table(self, facts, document)
        written.append(isinstance(node, envcheck_nodes.written_facts))
        return node

    monkeypatch.setattr(envcheck_render.FactsHTML, "table", counting)
    once = build(pages, freshenv=True)
    assert once.warnings == ""
    assert written == [True] * 4
    # Two distinct tables (python's, platform's) were written by the translator.
    assert len(envcheck_render._FACTS_HTML[once.app.env].written) == 2

    # The same pages with every table made of nodes and written where it stands.
    class Never(dict):
        def __setitem__(self, key, value):
            pass

    monkeypatch.setattr(envcheck_render, "_FACTS_HTML", Never())
    as_nodes = build(None, freshenv=True)
    assert as_nodes.warnings == ""
    for name in ("index", "more"):
        assert once.html(name).select("div.admonition") == as_nodes.html(name).select(
            "div.admonition"
        )
    search = "searchindex.js"
    assert once.text(search) == as_nodes.text(search)


def test_facts_tables_in_other_builders_are_nodes(build):
    built = build({"index.md": page(envcheck("python"))}, buildername="text")
    assert "Fact" in built.text("index.txt") and "Value" in built.text("index.txt")
