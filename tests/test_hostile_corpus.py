"""A regression corpus of hostile input: each case is refused with a clear, typed message.

Groups: Jinja pages (sandbox escapes, limits, syntax, huge and binary pages), directive
options (one real build of a page per case), config values (conf.py and ``-D``), command
line arguments, the environment (SOURCE_DATE_EPOCH, private markers in USER/HOME), and
tools (an empty PATH, a hanging or garbage-printing tool, a read-only project).  Never
a traceback, never a silently wrong page.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp
from sphinx.util import logging as sphinx_logging

from envdeck import cli
from envdeck.checks import CheckContext, Status, run_check
from envdeck.config import source_date_epoch
from envdeck.templating import render_document

REPO = Path(__file__).resolve().parent.parent

# --- Jinja pages ---------------------------------------------------------------------

#: (id, page, line of the warning, words in it); None: renders without a warning.
ESCAPE = "unsafe"
JINJA_CASES: list[tuple[str, str, int | None, str | None]] = [
    # sandbox escapes
    ("class", "# T\n\n{{ ''.__class__ }}\n", 3, ESCAPE),
    ("mro", "# T\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n", 2, ESCAPE),
    ("globals-self", "{{ self.__init__.__globals__ }}\n", 1, ESCAPE),
    ("globals-cycler", "\n\n{{ cycler.__init__.__globals__.os }}\n", 3, ESCAPE),
    ("globals-joiner", "{{ joiner.__init__.__globals__ }}\n", 1, ESCAPE),
    ("globals-namespace", "{{ namespace.__init__.__globals__ }}\n", 1, ESCAPE),
    ("globals-lipsum", "{{ lipsum.__globals__['os'].popen('id').read() }}\n", 1, ESCAPE),
    ("wrapped-lipsum", "{{ lipsum.__wrapped__ }}\n", 1, ESCAPE),
    ("subclasses", "{{ ().__class__.__base__.__subclasses__() }}\n", 1, ESCAPE),
    ("private-context", "{{ self._TemplateReference__context }}\n", 1, ESCAPE),
    ("attr-filter", "x\n{{ ''|attr('__class__') }}\n", 2, ESCAPE),
    ("format-escape", "{{ '{0.__class__}'.format('') }}\n", 1, "SecurityError"),
    ("format-map-escape", "{{ '{x.__class__}'.format_map({'x': ''}) }}\n", 1, "SecurityError"),
    ("set-dunder", "{% set x = ''.__class__ %}\n{{ x }}\n", 2, ESCAPE),
    ("dict-init", "{{ dict.__init__ }}\n", 1, ESCAPE),
    ("loop-subclasses", "{% for c in [].__class__.__base__.__subclasses__() %}{% endfor %}\n", 1,
     ESCAPE),
    ("self-dict", "{{ self.__dict__ }}\n", 1, ESCAPE),
    ("int-class", "{{ (1).__class__ }}\n", 1, ESCAPE),
    ("method-self", "{{ [].pop.__self__ }}\n", 1, ESCAPE),
    ("func-code", "{{ range.__code__ }}\n", 1, ESCAPE),
    ("include-file", "{% include '/etc/passwd' %}\n", 1, "Jinja error"),
    ("import-module", "\n{% import 'os' as os %}\n", 2, "Jinja error"),
    ("extends-file", "{% extends '/etc/hostname' %}\n", 1, "Jinja error"),
    ("from-import", "{% from 'x' import y %}\n", 1, "Jinja error"),
    # limits
    ("repeat-str", "# T\n\n{{ 'a' * 10**9 }}\n", 3, "'*' would make at least 1,000,000,000"),
    ("repeat-list", "{{ [0] * 10**9 }}\n", 1, "'*' would make"),
    ("repeat-reversed", "{{ 10**9 * 'ab' }}\n", 1, "'*' would make"),
    ("power", "{{ 10**(10**10) }}\n", 1, "cannot be printed"),
    ("power-float", "{{ 10.0**10000 }}\n", 1, "OverflowError"),
    ("center-method", "{{ 'x'.center(10**10) }}\n", 1, "str.center() would make"),
    ("center-filter", "{{ 'x'|center(10**10) }}\n", 1, "the center filter would make"),
    ("ljust", "{{ 'x'.ljust(10**10) }}\n", 1, "would make"),
    ("zfill", "{{ '1'.zfill(10**10) }}\n", 1, "would make"),
    ("expandtabs", "{{ ('\\t' * 1000).expandtabs(10**7) }}\n", 1, "would make"),
    ("format-width", "{{ '{:>9999999999}'.format(1) }}\n", 1, "str.format() would make"),
    ("format-nested-width", "{{ '{:{w}}'.format('x', w=10**10) }}\n", 1, "would make"),
    ("percent-width", "{{ '%9999999999s' % 'x' }}\n", 1, "'%' formatting would make"),
    ("percent-star", "{{ '%*s' % (10**10, 'x') }}\n", 1, "'%' formatting would make"),
    ("format-filter", "{{ '%9999999999d'|format(1) }}\n", 1, "the format filter would make"),
    ("replace-filter", "{{ ('a' * 10**5)|replace('a', 'b' * 10**3) }}\n", 1, "would make"),
    ("replace-method", "{{ ('a' * 10**5).replace('a', 'b' * 10**3) }}\n", 1, "would make"),
    ("replace-empty", "{{ ('a' * 10**5).replace('', 'b' * 10**3) }}\n", 1, "would make"),
    ("join-sep", "{{ range(99999)|join('x' * 10**4) }}\n", 1, "the join filter would make"),
    ("join-method", "{{ ('x' * 10**4).join(['a'] * 99999) }}\n", 1, "str.join() would make"),
    ("concat", "{% set b = 'a' * 10**5 %}{{ b ~ b ~ b }}\n", 1, "'~' would make"),
    ("plus-doubling", "{% set ns = namespace(s='a') %}{% for i in range(60) %}"
     "{% set ns.s = ns.s + ns.s %}{% endfor %}\n", 1, "'+' would make"),
    ("concat-doubling", "{% set ns = namespace(s='a') %}{% for i in range(60) %}"
     "{% set ns.s = ns.s ~ ns.s %}{% endfor %}\n", 1, "'~' would make"),
    ("alias-print", "{% set b = 'a' * 10**5 %}{{ [b] * 1000 }}\n", 1, "printing a value"),
    ("alias-string", "{% set b = 'a' * 10**5 %}{{ ([b] * 1000)|string }}\n", 1, "would make"),
    ("alias-upper", "{% set b = 'a' * 10**5 %}{{ ([b] * 1000)|upper }}\n", 1, "would make"),
    ("lipsum", "{{ lipsum(10**6) }}\n", 1, "lipsum() would make"),
    ("indent", "{{ ('a\\n' * 1000)|indent(10**6) }}\n", 1, "the indent filter would make"),
    ("tojson-indent", "{{ {'a': [1, 2]}|tojson(indent=10**9) }}\n", 1, "would make"),
    ("wordwrap", "{{ ('a ' * 10**4)|wordwrap(1, wrapstring='x' * 1000) }}\n", 1, "would make"),
    ("list-growth", "{% set x = [] %}{% for i in range(99999) %}"
     "{{ x.extend(range(99999)) or '' }}{% endfor %}\n", 1, "list.extend() would make"),
    ("range-cap", "{{ range(10**6)|list }}\n", 1, "Range too big"),
    ("nested-loops", "# T\n\n{% for i in range(99999) %}{% for j in range(99999) %}"
     "{% endfor %}{% endfor %}\n", 3, "ran longer than 0.3 s"),
    ("while-like", "{% for i in range(99999) %}{% for j in range(99999) %}{% set x = i * j %}"
     "{% endfor %}{% endfor %}\n", 1, "ran longer than"),
    ("flood", "# T\n{% for i in range(99999) %}\nline {{ i }}\n{% endfor %}\n", 4,
     "made more than 200,000 characters"),
    ("recursion", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}\n", 1, "RecursionError"),
    ("deep-nesting", "{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}\n", None, "Jinja"),
    # syntax and runtime errors, at their lines
    ("unclosed-if", "# T\n\n{% if slide %}\nx\n", 3, "Jinja syntax"),
    ("empty-expression", "a\n{{ }}\n", 2, "Jinja syntax"),
    ("lone-endif", "a\nb\n{% endif %}\n", 3, "Jinja syntax"),
    ("undefined", "a\n{{ nowhere }}\n", 2, "'nowhere' is undefined"),
    ("zero-division", "{{ 1 / 0 }}\n", 1, "ZeroDivisionError"),
    ("type-error", "\n{{ 'a' + 1 }}\n", 2, "TypeError"),
    ("unclosed-raw", "{% raw %}\nx\n", None, "Jinja syntax"),
    ("unclosed-comment", "{## never closed\n", None, "Jinja syntax"),
    ("lone-open", "{{\n", None, "Jinja syntax"),
    ("int-too-long", "{{ ('9' * 5000)|int }}\n", None, None),
    # pages that are large, binary or strange, but fine
    ("fine-ops", "{{ '-' * 40 }} {{ [1, 2]|join(',') }} {{ 2**64 }} {{ 'x'|center(9) }}\n", None,
     None),
    ("big-page", "{{ prose }}\n" + ("word " * 20 + "\n") * 1_500, None, None),
    ("long-line", "{{ prose }} " + "x" * 150_000 + "\n", None, None),
    ("control-chars", "{{ prose }}\n\x00\x01\x02\x7f text\n", None, None),
    ("surrogate", "{{ prose }}\n\ud800 lone surrogate\n", None, None),
    ("crlf", "{% if prose %}\r\nyes\r\n{% endif %}\r\n", None, None),
    ("bom", "\ufeff{{ prose }}\n", None, None),
    ("fake-marker", '{{ prose }}\n{{ "x\\n\\ue00099999999\\ue001" }} end\n', None, None),
    ("long-fake-marker", '{{ "x\\n\\ue000" ~ "9" * 5000 ~ "\\ue001" }}\n', None, None),
    ("many-lines", "{{ prose }}\n" + "\n" * 20_000, None, None),
]  # fmt: skip


@pytest.fixture(scope="module")
def jinja_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SphinxTestApp]:
    """One app for every page: render_document is what source-read calls."""
    srcdir = tmp_path_factory.mktemp("hostile")
    (srcdir / "conf.py").write_text('extensions = ["envdeck"]\n')
    app = SphinxTestApp(
        "html",
        srcdir=srcdir,
        confoverrides={
            "envdeck_templates": "all",
            "envdeck_jinja_timeout": "0.3",
            "envdeck_jinja_max_output": "200000",
        },
        status=io.StringIO(),
        warning=io.StringIO(),
    )
    yield app
    app.cleanup()


def logged(app: SphinxTestApp, run: Any) -> str:
    """What ``run()`` logs as warnings on ``app``, which no other test's app shares."""
    warnings = io.StringIO()
    sphinx_logging.setup(app, io.StringIO(), warnings)
    run()
    return re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue())


@pytest.mark.parametrize(
    "page, line, words", [case[1:] for case in JINJA_CASES], ids=[c[0] for c in JINJA_CASES]
)
def test_hostile_page(jinja_app: SphinxTestApp, page: str, line: int | None, words: str | None):
    source = [page]
    warnings = logged(jinja_app, lambda: render_document(jinja_app, "hostile", source))
    if words is None:
        assert warnings == ""
        assert not re.search("\ue000[0-9]{1,9}\ue001", source[0])  # no marker of ours left
        return
    lines = warnings.splitlines()
    assert len(lines) == 1, warnings
    assert words in lines[0] and lines[0].endswith("[envdeck.jinja]")
    where = rf"hostile\.\w+:{line}: WARNING" if line else r"hostile\.\w+(:\d+)?: WARNING"
    assert re.search(where, lines[0]), lines[0]
    assert source == [page]  # used as written


def test_the_corpus_is_large_enough():
    cases = (
        len(JINJA_CASES) + len(DIRECTIVE_CASES) + len(CONFIG_CASES) + len(CLI_CASES)
        + len(EPOCH_CASES) + len(TOOL_CASES) + 2  # privacy, read-only project
    )  # fmt: skip
    assert cases >= 100


# --- directive options: one real build, a page per case ---------------------------------

#: (id, directive text, words of its [envdeck.directive] warning)
DIRECTIVE_CASES: list[tuple[str, str, str]] = [
    ("unknown-check", "```{envcheck} nope\n```", "unknown check 'nope'"),
    ("no-check", "```{envcheck}\n```", "no check named"),
    ("bad-show", "```{envcheck} python\n:show: everything\n```", "invalid :show: 'everything'"),
    ("bad-expect", "```{envcheck} python\n:expect: glory\n```", "invalid :expect: 'glory'"),
    ("unknown-option", "```{envcheck} python\n:colour: red\n```", "has no :colour: option"),
    ("show-twice", "```{envcheck} python\n:show: summary\n:show: details\n```",
     ":show: is given more than once"),
    ("yaml-twice", "```{envcheck} python\n---\ntitle: a\ntitle: b\n---\n```",
     ":title: is given more than once"),
    ("missing-project", "```{envcheck} python\n:project: no/such/dir\n```", "does not exist"),
    ("bad-check-option", "```{envcheck} platform\n:target: Not A Tag\n```", "invalid :target:"),
    ("bad-packages", "```{envcheck} packages\n:packages: numpy\n:import: maybe\n```",
     "invalid :import:"),
    ("long-name", "```{envcheck} " + "n" * 5000 + "\n```", "unknown check"),
    ("control-name", "```{envcheck} py\x01thon\n```", "unknown check"),
    ("report-unknown", "```{envcheck-report} python nope\n```", "unknown check(s) 'nope'"),
    ("report-flag-value", "```{envcheck-report}\n:no-cards: yes\n:no-table:\n```",
     ":no-cards: takes no value"),
    ("report-option", "```{envcheck-report}\n:colour: red\n```", "no :colour: option"),
    ("report-twice", "```{envcheck-report}\n:no-cards:\n:no-cards:\n```",
     ":no-cards: is given more than once"),
    ("config-unknown", "```{envdeck-config} envdeck_nothing\n```",
     "unknown configuration value 'envdeck_nothing'"),
]  # fmt: skip


@pytest.fixture(scope="module")
def directive_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    srcdir = tmp_path_factory.mktemp("directives")
    (srcdir / "conf.py").write_text('extensions = ["envdeck"]\n')
    names = [case[0] for case in DIRECTIVE_CASES]
    toc = "\n".join(names)
    (srcdir / "index.md").write_text(f"# Cases\n\n```{{toctree}}\n{toc}\n```\n")
    for name, text, _words in DIRECTIVE_CASES:
        (srcdir / f"{name}.md").write_text(f"# {name}\n\n{text}\n", "utf8")
    app = SphinxTestApp("html", srcdir=srcdir, status=io.StringIO(), warning=io.StringIO())
    try:
        app.build()
        return srcdir, re.sub(r"\x1b\[[0-9;]*m", "", app._warning.getvalue())
    finally:
        app.cleanup()


@pytest.mark.parametrize(
    "name, words", [(c[0], c[2]) for c in DIRECTIVE_CASES], ids=[c[0] for c in DIRECTIVE_CASES]
)
def test_hostile_directive(directive_build: tuple[Path, str], name: str, words: str):
    srcdir, warnings = directive_build
    mine = [line for line in warnings.splitlines() if f"{srcdir}/{name}.md:" in line]
    assert any(
        words in line and line.endswith("[envdeck.directive]") and f"{name}.md:3: WARNING" in line
        for line in mine
    ), mine
    assert "Traceback" not in warnings and "Exception occurred" not in warnings


# --- config values: conf.py and -D ---------------------------------------------------------

#: (name, value in conf.py as Python source, or a -D string when it starts with "-D ")
CONFIG_CASES: list[tuple[str, str]] = [
    ("envdeck_check_timeout", "1e10"),
    ("envdeck_check_timeout", "float('inf')"),
    ("envdeck_check_timeout", "float('nan')"),
    ("envdeck_check_timeout", "-1"),
    ("envdeck_check_timeout", "[5]"),
    ("envdeck_check_timeout", "-D 1e309"),
    ("envdeck_check_timeout", "-D five"),
    ("envdeck_jinja_timeout", "0"),
    ("envdeck_jinja_timeout", "-D -inf"),
    ("envdeck_jinja_max_output", "10**12"),
    ("envdeck_jinja_max_output", "True"),
    ("envdeck_jinja_max_output", "-D many"),
    ("envdeck_jinja_max_output", "-D 0x10"),
    ("envdeck_context", "[1, 2]"),
    ("envdeck_context", "{1: 2}"),
    ("envdeck_context", "-D [1, 2]"),
    ("envdeck_context", "-D {'single': 'quotes'}"),
    ("envdeck_env_allowlist", "5"),
    ("envdeck_env_allowlist", "[1, 2]"),
    ("envdeck_templates", "'most'"),
    ("envdeck_theme", "None"),
    ("envdeck_slide_numbers", "-D maybe"),
    ("envdeck_timestamps", "2"),
    ("envdeck_check_failures", "-D loud"),
    ("slide", "-D maybe"),
    ("slide", "'sometimes'"),
]


@pytest.mark.parametrize("name, value", CONFIG_CASES)
def test_hostile_config_value(tmp_path: Path, name: str, value: str):
    conf = 'extensions = ["envdeck"]\n'
    overrides: dict[str, str] = {}
    if value.startswith("-D "):
        overrides[name] = value[3:]
    else:
        conf += f"{name} = {value}\n"
    (tmp_path / "conf.py").write_text(conf)
    if name == "slide":
        with pytest.raises(ConfigError, match="invalid value for 'slide'"):
            SphinxTestApp("html", srcdir=tmp_path, confoverrides=overrides,
                          status=io.StringIO(), warning=io.StringIO())  # fmt: skip
        return
    app = SphinxTestApp(
        "html", srcdir=tmp_path, confoverrides=overrides, status=io.StringIO(),
        warning=io.StringIO()
    )  # fmt: skip
    try:
        warnings = app._warning.getvalue()
        assert f"WARNING: invalid value for {name!r}" in warnings
        assert "[envdeck.config]" in warnings and "Traceback" not in warnings
        if not overrides:
            assert "conf.py:2: WARNING" in warnings
    finally:
        app.cleanup()


# --- command line arguments ----------------------------------------------------------------

#: (argv, allowed exit statuses, whether stdout is JSON)
CLI_CASES: list[tuple[list[str], set[int], bool]] = [
    ([], {2}, False),
    (["bogus-command"], {2}, False),
    (["check", "nope"], {2}, False),
    (["check", ""], {2}, False),
    (["check", "python", "--timeout", "inf"], {2}, False),
    (["check", "python", "--timeout", "nan"], {2}, False),
    (["check", "python", "--timeout", "1e10"], {2}, False),
    (["check", "python", "--timeout", "3600.0001"], {2}, False),
    (["check", "python", "--timeout"], {2}, False),
    (["check", "python", "-o"], {2}, False),
    (["check", "python", "-o", "=x"], {2}, False),
    (["check", "python", "-o", "packages=x"], {2}, False),
    (["check", "platform", "-o", "target=\x00"], {2}, False),
    (["check", "python", "--project", "/no/such/dir"], {2}, False),
    (["check", "python", "--json"], {0}, True),
    (["check", "python", "python", "--json", "--strict"], {0, 1}, True),
    (["check", "python", "--json", "-vvvvv"], {0}, True),
    (["check", "python", "--json", "--allow-env", ""], {0}, True),
    (["check", "python", "--json", "--timeout", "1e-9"], {0}, True),
    (["check", "--list"], {0}, False),
    (["--version"], {0}, False),
]


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exit:  # argparse's usage errors, --version
            code = int(exit.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "argv, codes, is_json", CLI_CASES, ids=[" ".join(c[0]) or "-" for c in CLI_CASES]
)
def test_hostile_command_line(argv: list[str], codes: set[int], is_json: bool):
    code, out, err = run_cli(argv)
    assert code in codes, (code, out, err)
    assert "Traceback" not in out + err
    if is_json:
        document = json.loads(out)
        assert {r["status"] for r in document["results"]} <= {
            "pass",
            "warn",
            "fail",
            "skip",
            "error",
        }
    if code == 2 and argv:
        assert err.strip(), "a usage error says what is wrong"


# --- the environment -------------------------------------------------------------------------

EPOCH_CASES: list[tuple[str, int | None]] = [
    ("", None),
    ("0", 0),
    (" 1700000000 ", 1700000000),
    ("-1", None),
    ("1e9", None),
    ("1000000000000000", None),
    ("253402300799", 253402300799),
    ("253402300800", None),
    ("²", None),
    ("٣", None),
    ("12 34", None),
]


@pytest.mark.parametrize("raw, expected", EPOCH_CASES)
def test_hostile_source_date_epoch(monkeypatch: pytest.MonkeyPatch, raw: str, expected):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", raw)
    assert source_date_epoch() == expected


def test_private_markers_in_user_and_home_never_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    marker = "zz-private-marker-41"
    home = tmp_path / marker
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USER", marker)
    monkeypatch.setenv("ENVDECK_SECRET", marker)
    project = home / "course"
    project.mkdir()
    for name in ("python", "venv", "venv-paths", "platform"):
        result = run_check(name, CheckContext(project=project, timeout=30))
        assert marker not in json.dumps(result.to_dict()), name


# --- tools: empty PATH, hanging and garbage-printing tools, read-only folders ----------------


def fake_tool(folder: Path, name: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text("#!/bin/sh\n" + body)
    tool.chmod(0o755)


GARBAGE = "printf '\\377\\376\\000garbage\\033[31m\\n\\302\\262, \\302\\262, x, \\302\\262\\n'\n"

#: (id, check, fake tools in an otherwise empty PATH: name -> shell body)
TOOL_CASES: list[tuple[str, str, dict[str, str]]] = [
    ("empty-path-lockfile", "lockfile", {}),
    ("empty-path-gitignore", "gitignore", {}),
    ("empty-path-system-libs", "system-libs", {}),
    ("empty-path-jupyter", "jupyter", {}),
    ("hanging-git", "gitignore", {"git": "sleep 30\n"}),
    ("garbage-git", "gitignore", {"git": GARBAGE}),
    ("garbage-uv", "lockfile", {"uv": GARBAGE}),
    ("garbage-ldd", "system-libs", {"ldd": GARBAGE}),
    ("failing-uv", "venv-relocation", {"uv": "echo nope >&2; exit 3\n"}),
    # FAKE: the NVIDIA driver cannot run here; this nvidia-smi prints garbage.
    ("fake-gpu-garbage-smi", "gpu", {"nvidia-smi": GARBAGE}),
]


@pytest.mark.parametrize(
    "check, tools", [c[1:] for c in TOOL_CASES], ids=[c[0] for c in TOOL_CASES]
)
def test_hostile_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check: str, tools):
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, body in tools.items():
        fake_tool(folder, name, body)
    monkeypatch.setenv("PATH", str(folder))
    result = run_check(check, CheckContext(project=REPO, timeout=2, options={}))
    assert "crashed" not in result.summary, result.summary
    assert result.duration < 2 + 1.5  # a hanging tool holds nothing much past the timeout
    if check != "gpu" and not tools:
        assert result.status in (Status.PASS, Status.WARN, Status.SKIP, Status.FAIL), result


def test_a_read_only_project(tmp_path: Path):
    project = tmp_path / "locked"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    project.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, out, err = run_cli(["check", "--project", str(project), "--json", "--timeout", "30"])
    finally:
        project.chmod(stat.S_IRWXU)
    assert code in (0, 1), err
    results = json.loads(out)["results"]
    assert not [r for r in results if "crashed" in r["summary"]]
    assert os.access(project, os.W_OK)
    assert sys.executable  # the same interpreter ran every check


@pytest.mark.parametrize(
    "page",
    [
        # Found by test_properties: the analysis of whether a page is a template folds
        # constants, and raised out of source-read on these.
        "```\n{{ 0|upper.__class__ }}\n```\n",
        "```\n{{ ([1, 2].center and 0)|upper }}\n```\n",
        "{{ ([1, 2].__class__ and 0)|upper }}\n",
    ],
)
def test_a_page_the_analysis_cannot_fold_is_left_as_written(jinja_app, page: str):
    jinja_app.config.envdeck_templates = "auto"
    try:
        source = [page]
        warnings = logged(jinja_app, lambda: render_document(jinja_app, "hostile", source))
    finally:
        jinja_app.config.envdeck_templates = "all"
    assert warnings == "" and source == [page]
