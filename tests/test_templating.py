"""The Jinja stage: pages render per the ``slide`` flag, errors are typed warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import sphinx_build
from sphinx.errors import ConfigError

SEED = (Path(__file__).parent / "roots" / "seed" / "index.md").read_text("utf8")
SEED_SECTIONS = [
    "The Python-Domain Limitation",
    "Architecture and OS Incompatibility",
    "Path Dependency and Portability",
    "State Capture and Determinism",
    "The Execution Context Disconnect (Jupyter & IDEs)",
]

READ_LOG = """
extensions = ["envdeck"]
from pathlib import Path
def setup(app):
    def log(app, docname, source):
        with open(Path(app.srcdir) / "read.log", "a") as f:
            f.write(docname + "\\n")
    app.connect("source-read", log)
"""


def section_titles(soup):
    return [h.get_text().rstrip("#¶ ").strip() for h in soup.select("h2")]


def test_seed_slide_mode_is_a_grid_of_two_cards(build):
    built = build({"index.md": SEED}, confoverrides={"slide": True})
    soup = built.html()
    rows = soup.select(".sd-row")
    assert len(rows) == 1
    titles = [t.get_text(strip=True) for t in rows[0].select(".sd-card-title")]
    assert titles == ["Portability & Isolation Limits", "Lifecycle & Tooling Integration"]
    assert "hardcoded into its internal activation scripts" not in soup.get_text()
    assert built.warnings == ""


def test_seed_prose_mode_has_its_five_sections(build):
    built = build({"index.md": SEED})
    soup = built.html()
    assert section_titles(soup) == SEED_SECTIONS
    assert not soup.select(".sd-card")
    assert "{% if slide %}" not in soup.get_text()
    assert built.warnings == ""


@pytest.mark.parametrize("slide", [False, True])
def test_seed_doctree_per_flag(build, slide):
    from docutils import nodes

    built = build({"index.md": SEED}, confoverrides={"slide": slide})
    assert built.warnings == ""
    doctree = built.doctree()
    cards = [
        node for node in doctree.findall(nodes.container) if node.get("design_component") == "card"
    ]
    titles = [s[0].astext() for s in doctree.findall(nodes.section)][1:]
    if slide:
        assert len(cards) == 2
        assert "hardcoded" not in doctree.astext()
    else:
        assert not cards
        assert titles == SEED_SECTIONS


@pytest.mark.parametrize(
    ("value", "slide"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("On", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("OFF", False),
    ],
)
def test_slide_flag_words(build, value, slide):
    page = "# T\n\n{% if slide %}\nDECK\n{% else %}\nHANDOUT\n{% endif %}\n"
    built = build({"index.md": page}, confoverrides={"slide": value})
    text = built.html().get_text()
    assert ("DECK" in text) is slide
    assert ("HANDOUT" in text) is not slide
    assert built.app.config.slide is slide


def test_bad_slide_value_is_a_config_error_naming_slide(build):
    with pytest.raises(ConfigError, match="'slide'"):
        build({"index.md": "# T\n"}, confoverrides={"slide": "maybe"})


# Sphinx 7.x turns `-D name=<anything but 0>` into True for a plain bool value: the
# CI run on the lowest supported Sphinx runs this test too.
@pytest.mark.parametrize(
    ("value", "marker"),
    [("false", "HANDOUT"), ("off", "HANDOUT"), ("0", "HANDOUT"), ("1", "DECK"), ("yes", "DECK")],
)
def test_slide_flag_from_the_command_line(tmp_path, value, marker):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["envdeck"]\n')
    (src / "index.md").write_text("# T\n\n{% if slide %}\nDECK\n{% else %}\nHANDOUT\n{% endif %}\n")
    cmd = ["--no-color", "-q", "-b", "text", "-D", f"slide={value}"]
    proc = sphinx_build(*cmd, str(src), str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert marker in (tmp_path / "out" / "index.txt").read_text()


def test_bad_slide_value_on_the_command_line_fails_clearly(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["envdeck"]\n')
    (src / "index.md").write_text("# T\n")
    proc = sphinx_build("-q", "-D", "slide=perhaps", str(src), str(tmp_path / "o"))
    assert proc.returncode != 0
    # Sphinx's own configuration-error report, with envdeck's message in it
    assert "Configuration error" in proc.stderr
    assert "invalid value for 'slide'" in proc.stderr and "'perhaps'" in proc.stderr


LITERAL_PAGES = {
    "index.md": (
        "# Literal Jinja\n\n```{toctree}\nsubs\n```\n\n"
        "```jinja\n{% for x in items %}{{ x }}{% endfor %}\n{# comment #}\n```\n\n"
        "A LaTeX macro body `\\newcommand{\\a}[1]{#1}` and `{{ not_a_var }}` inline.\n\n"
        "(anchor)=\n## Section\n\nText {% raw %} and {% if ready %} shown as is.\n\n"
        "```jinja\n{% raw %}{{ page }}{% endraw %}\n{% for slide in slides %}\n```\n\n"
        "```jinja\n<h2>{{ slide.title }}</h2>{% if not slide.hidden %}{% endif %}\n```\n"
    ),
    "subs.md": "# Subs\n\nThe tool is {{ tool }}.\n",
}
LITERAL_CONF = (
    "myst_enable_extensions = ['colon_fence', 'substitution']\n"
    "myst_substitutions = {'tool': 'uv'}\n"
)


def _body(soup):
    return str(soup.select_one("div.body") or soup.select_one("[role=main]"))


def test_pages_without_the_flag_render_exactly_as_without_envdeck(build, tmp_path, make_app):
    with_envdeck = build(LITERAL_PAGES, conf="extensions = ['envdeck']\n" + LITERAL_CONF)
    plain_src = tmp_path / "plain"
    plain_src.mkdir()
    (plain_src / "conf.py").write_text(
        "extensions = ['myst_parser', 'sphinx_design']\n" + LITERAL_CONF
    )
    for name, body in LITERAL_PAGES.items():
        (plain_src / name).write_text(body)
    plain = make_app("html", srcdir=plain_src)
    plain.build()
    from bs4 import BeautifulSoup

    for doc in ("index", "subs"):
        ours = _body(with_envdeck.html(doc))
        theirs = _body(
            BeautifulSoup((Path(plain.outdir) / f"{doc}.html").read_text(), "html.parser")
        )
        assert ours == theirs
    assert "The tool is uv." in with_envdeck.html("subs").get_text()
    assert "{{ not_a_var }}" in with_envdeck.html().get_text()
    assert with_envdeck.warnings == ""
    assert "index.md" not in plain._warning.getvalue()


def test_raw_keeps_jinja_literal_in_a_template(build):
    page = (
        "# T\n\n{% if prose %}Prose.{% endif %}\n\n"
        "```\n{% raw %}{{ x }} {% if y %}{% endraw %}\n```\n"
    )
    soup = build({"index.md": page}).html()
    assert "{{ x }} {% if y %}" in soup.select_one("pre").get_text()
    assert "Prose." in soup.get_text()


@pytest.mark.parametrize(
    ("page", "name"),
    [
        (
            "---\nenvdeck: template\n---\n# T\n\n```\n{% raw %}{{ x }}{% endraw %}\n```\n",
            "index.md",
        ),
        (":envdeck: template\n\nT\n=\n\n::\n\n   {% raw %}{{ x }}{% endraw %}\n", "index.rst"),
    ],
    ids=["myst-front-matter", "rst-field"],
)
def test_a_page_opts_in_by_its_metadata(build, page, name):
    built = build({name: page})
    assert built.html().select_one("pre").get_text().strip() == "{{ x }}"
    assert built.warnings == ""


def test_a_page_opts_out_by_its_metadata(build):
    page = "---\nenvdeck: literal\n---\n# T\n\n`{% if slide %}` is how a lesson starts.\n"
    built = build({"index.md": page})
    assert "{% if slide %}" in built.html().get_text()
    assert built.warnings == ""


def test_an_unknown_metadata_word_is_a_typed_warning(build):
    page = "---\ntitle: T\nenvdeck: templat\n---\n# T\n\n{% if prose %}Prose.{% endif %}\n"
    built = build({"index.md": page})
    [line] = built.warning_lines()
    assert "index.md:3:" in line and "'templat'" in line and "template, literal" in line
    assert line.endswith("[envdeck.jinja]")
    # decided as without it: the page uses the flag, so it is rendered
    assert "Prose." in built.html().get_text() and "{% if" not in built.html().get_text()


def test_context_variable_syntax_error_warns(build):
    conf = 'extensions = ["envdeck"]\nenvdeck_context = {"course": "HPC"}\n'
    page = "# {{ course }}\n\n{% if course %}\nA\n{% endfi %}\n"
    built = build({"index.md": page}, conf=conf)
    assert "index.md:5:" in built.warnings and "[envdeck.jinja]" in built.warnings


def test_nesting_too_deep_for_jinja_is_a_warning_not_a_crash(build):
    page = "# T\n\n{% if slide %}x{% endif %}\n\n{{ " + "[" * 400 + "]" * 400 + " }}\n"
    built = build({"index.md": page, "other.md": "# Other\n"})
    assert "[envdeck.jinja]" in built.warnings and "index.md" in built.warnings
    assert "Traceback" not in built.warnings + built.status
    assert (built.outdir / "other.html").exists()


def test_system_exit_from_a_context_callable_is_a_warning(build):
    conf = 'extensions = ["envdeck"]\nimport sys\nenvdeck_context = {"bye": lambda: sys.exit(3)}\n'
    built = build({"index.md": "# T\n\n{{ bye() }}\n", "other.md": "# Other\n"}, conf=conf)
    assert "index.md:3:" in built.warnings and "SystemExit" in built.warnings
    assert (built.outdir / "other.html").exists()


@pytest.mark.parametrize(
    "source",
    [
        "A\n{%- if prose %}B{% endif %}\n",
        "{% if prose -%}\n    B\n{%- endif %}\nC\n",
        "A\n  {{- prose }}\n{## c -##}\n   D\n",
    ],
    ids=["left-strip", "right-strip-indented", "expression-and-comment"],
)
def test_whitespace_control_means_what_it_means_in_jinja(source):
    import jinja2

    from envdeck.templating import make_environment, mark_lines, restore_lines

    env = make_environment()
    plain = jinja2.Environment(
        comment_start_string="{##", comment_end_string="##}", keep_trailing_newline=True
    )
    ours = restore_lines(env.from_string(mark_lines(source)).render(prose=True))
    assert ours.replace("\n", "") == plain.from_string(source).render(prose=True).replace("\n", "")


def test_context_variables_and_template_modes(build):
    conf = 'extensions = ["envdeck"]\nenvdeck_context = {"course": "HPC onboarding"}\n'
    built = build({"index.md": "# {{ course }}\n"}, conf=conf)
    assert built.html().select_one("h1").get_text().startswith("HPC onboarding")
    none = build(
        {"index.md": "# {{ course }}\n"},
        conf=conf + 'envdeck_templates = "none"\n',
    )
    assert "{{ course }}" in none.html().select_one("h1").get_text()


def test_templates_all_renders_pages_without_the_flag(build):
    built = build(
        {"index.md": "# T\n\n{{ 6 * 7 }}\n"},
        conf='extensions = ["envdeck"]\nenvdeck_templates = "all"\n',
    )
    assert "42" in built.html().get_text()


def test_bad_template_mode_warns_and_falls_back(build):
    built = build(
        {"index.md": "# T\n\n{{ 6 * 7 }}\n"},
        conf='extensions = ["envdeck"]\nenvdeck_templates = "sometimes"\n',
    )
    assert "[envdeck.config]" in built.warnings and "envdeck_templates" in built.warnings
    # at the line of conf.py that set it
    assert "conf.py:2: WARNING: invalid value for 'envdeck_templates'" in built.warnings
    assert "{{ 6 * 7 }}" in built.html().get_text()


def test_bad_value_from_the_command_line_warns_without_a_conf_line(build):
    built = build(
        {"index.md": "# T\n"},
        conf='extensions = ["envdeck"]\nenvdeck_templates = "auto"\n',
        confoverrides={"envdeck_templates": "sometimes"},
    )
    [line] = built.warning_lines()
    assert line.startswith("WARNING: invalid value for 'envdeck_templates'"), line
    assert line.endswith("[envdeck.config]")


def test_jinja_comments_use_double_hash_so_myst_anchors_survive(build):
    page = "{#top}\n# T\n\n{% if prose %}\nKept.\n{% endif %}\n{## a comment ##}\n"
    built = build(
        {"index.md": page},
        conf='extensions = ["envdeck"]\nmyst_enable_extensions = ["attrs_block"]\n',
    )
    soup = built.html()
    assert "Kept." in soup.get_text() and "a comment" not in soup.get_text()
    assert soup.find(id="top") is not None


@pytest.mark.parametrize(
    ("page", "line", "words"),
    [
        ("# T\n\n{% if slide %}\nA\n{% endfi %}\n", 5, "syntax"),
        ("# T\n{% if slide %}\nA\n{% endif %}\n\n{{ 1 // 0 }}\n", 6, "ZeroDivisionError"),
        ("# T\n\n{% if prose %}\n\n{{ nope }}\n{% endif %}\n", 5, "'nope' is undefined"),
        ("# T\n\n{{ prose.__class__.__mro__ }}{{ slide }}\n", 3, "SecurityError"),
        (
            "# T\n\n{% macro f() %}{{ f() }}{% endmacro %}{% if prose %}{{ f() }}{% endif %}\n",
            3,
            "RecursionError",
        ),
    ],
    ids=["syntax", "runtime", "undefined", "sandbox", "recursion"],
)
def test_jinja_errors_are_typed_warnings_at_file_and_line(build, page, line, words):
    built = build({"index.md": page, "other.md": "# Other\n"})
    assert f"index.md:{line}:" in built.warnings
    assert "[envdeck.jinja]" in built.warnings
    assert words in built.warnings
    assert "Traceback" not in built.warnings + built.status
    # the build went on: the page and the others are written
    assert (built.outdir / "index.html").exists() and (built.outdir / "other.html").exists()


def test_error_raised_by_a_context_object(build):
    conf = (
        'extensions = ["envdeck"]\n'
        "def boom():\n"
        "    raise RuntimeError('boom')\n"
        'envdeck_context = {"thing": boom}\n'
    )
    built = build({"index.md": "# T\n\n\n{{ thing() }}\n"}, conf=conf)
    assert "index.md:4:" in built.warnings and "boom" in built.warnings
    assert "[envdeck.jinja]" in built.warnings


def test_jinja_error_in_an_included_file_names_that_file(build):
    built = build(
        {
            "index.md": "# T\n\n```{include} part.md\n```\n",
            "part.md": "Intro\n\n{% if slide %}\n{{ missing }}\n{% endif %}\n",
        },
        confoverrides={"slide": True},
        conf='extensions = ["envdeck"]\nexclude_patterns = ["part.md"]\n',
    )
    assert "part.md:4:" in built.warnings and "[envdeck.jinja]" in built.warnings


def test_included_files_are_rendered(build):
    built = build(
        {
            "index.md": "# T\n\n```{include} part.md\n```\n",
            "part.md": "{% if slide %}\nINCLUDED-DECK\n{% else %}\nINCLUDED-PROSE\n{% endif %}\n",
        },
        conf='extensions = ["envdeck"]\nexclude_patterns = ["part.md"]\n',
    )
    assert "INCLUDED-PROSE" in built.html().get_text()
    assert "INCLUDED-DECK" not in built.html().get_text()


def test_suppress_warnings_silences_jinja_errors(build):
    built = build(
        {"index.md": "# T\n\n{% if slide %}{{ nope }}{% endif %}{{ nope2 }}\n"},
        conf='extensions = ["envdeck"]\nsuppress_warnings = ["envdeck.jinja"]\n',
    )
    assert "envdeck.jinja" not in built.warnings


def test_dash_w_fails_the_build_on_a_jinja_error(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["envdeck"]\n')
    (src / "index.md").write_text("# T\n\n{% if slide %}\n{{ nope }}\n{% endif %}\n")
    base = ["--no-color", "-q", "-D", "slide=1", str(src)]
    ok = sphinx_build(*base, str(tmp_path / "a"))
    assert ok.returncode == 0 and "[envdeck.jinja]" in ok.stderr
    failed = sphinx_build(*base, str(tmp_path / "b"), "-W")
    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr


LINES_PAGE = """# Lines

{% if slide %}
Deck line one.

Deck line two {unknownroleA}`x`.

More deck.
{% else %}
Prose line.

{unknownroleB}`y`
{% endif %}

After {unknownroleC}`z`.
"""


@pytest.mark.parametrize("slide", [False, True])
def test_later_warnings_point_at_the_original_lines(build, slide):
    built = build({"index.md": LINES_PAGE}, confoverrides={"slide": slide})

    def at(line: int, role: str) -> bool:
        # MyST 4 on Sphinx 8.1 names the file "index.md.rst"; the line is what matters.
        pattern = rf"index\.md(\.rst)?:{line}: WARNING: Unknown interpreted text role \"{role}\""
        return re.search(pattern, built.warnings) is not None

    if slide:
        assert at(6, "unknownroleA")
    else:
        assert at(12, "unknownroleB")
    assert at(15, "unknownroleC")


def test_changing_the_flag_rereads_every_document(build):
    files = {"index.md": "# T\n\n```{toctree}\na\n```\n", "a.md": "# A\n\nplain page\n"}
    built = build(files, conf=READ_LOG)
    log = built.srcdir / "read.log"
    assert sorted(log.read_text().split()) == ["a", "index"]
    log.write_text("")
    build(None, confoverrides={"slide": "1"}, conf=READ_LOG, freshenv=False)
    assert sorted(log.read_text().split()) == ["a", "index"]
    log.write_text("")
    build(None, confoverrides={"slide": "yes"}, conf=READ_LOG, freshenv=False)
    assert log.read_text().split() == []


def test_only_directive_sees_the_slide_tag(build):
    page = "# T\n\n```{only} slide\nTAGGED-DECK\n```\n\n```{only} not slide\nTAGGED-PROSE\n```\n"
    deck = build({"index.md": page}, confoverrides={"slide": True}).html().get_text()
    assert "TAGGED-DECK" in deck and "TAGGED-PROSE" not in deck


@pytest.mark.parametrize("buildername", ["latex", "text"])
@pytest.mark.parametrize("slide", [False, True])
def test_other_builders_render_per_flag(build, buildername, slide):
    built = build({"index.md": SEED}, buildername=buildername, confoverrides={"slide": slide})
    out = "\n".join(p.read_text() for p in built.outdir.glob("*.t*x*"))
    assert (
        "Portability & Isolation Limits" in out or "Portability \\& Isolation Limits" in out
    ) is slide
    assert ("Architecture and OS Incompatibility" in out) is not slide
    assert "{% if" not in out
    assert built.warnings_besides_the_flag() == ""


def test_parallel_build_matches_serial(build, tmp_path, make_app):
    pages = {"index.md": "# T\n\n```{toctree}\n" + "\n".join(f"p{i}" for i in range(6)) + "\n```\n"}
    for i in range(6):
        pages[f"p{i}.md"] = f"# P{i}\n\n{{% if prose %}}\nProse {i}.\n{{% endif %}}\n"
    serial = build(pages)
    par_src = tmp_path / "par"
    par_src.mkdir()
    for name, body in {**pages, "conf.py": 'extensions = ["envdeck"]\n'}.items():
        (par_src / name).write_text(body)
    parallel = make_app("html", srcdir=par_src, parallel=2)
    parallel.build()
    for i in range(6):
        a = _body(serial.html(f"p{i}"))
        from bs4 import BeautifulSoup

        b = _body(BeautifulSoup((Path(parallel.outdir) / f"p{i}.html").read_text(), "html.parser"))
        assert a == b and f"Prose {i}." in a
