"""Property-based tests (Hypothesis): whatever the input, a typed warning or a clean error.

* generated Jinja templates and literal code blocks: nothing escapes ``source-read``
  (envdeck's handler, called as Sphinx calls it) as an exception; a page that is not
  a template is left byte for byte;
* generated config values, through conf.py and ``-D``: an ``[envdeck.config]`` warning
  or, for ``slide``, a ``ConfigError``; never a traceback, and the value in use is valid;
* generated command lines: exit 0, 1 or 2, with valid ``--json``.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp
from sphinx.util import logging as sphinx_logging

from envdeck import cli
from envdeck.config import OPTIONS
from envdeck.templating import render_document

FAST = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TYPED = re.compile(r"\[envdeck\.\w+\]$")


# --- Jinja templates ------------------------------------------------------------------

numbers = st.sampled_from(["0", "1", "-1", "9", "10**6", "10**9", "2**64", "10**(10**6)", "1.5"])
strings = st.sampled_from(["''", "'a'", "'{}'", "'%s'", "'x' * 10**6", "'\\n'", "'{0.__class__}'"])
names = st.sampled_from(["slide", "prose", "course", "nowhere", "self", "range", "lipsum"])
atoms = st.one_of(numbers, strings, names, st.just("[1, 2]"), st.just("{'a': 1}"))
filters = st.sampled_from(
    ["upper", "string", "list", "length", "center(10**9)", "join(', ')", "indent(8)",
     "replace('a', 'bb')", "format(1)", "tojson", "first", "attr('__class__')", "int", "sum"]
)  # fmt: skip
operators = st.sampled_from(["*", "**", "+", "~", "%", "/", "//", "-", "and", "==", "in"])


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 2:
        return draw(atoms)
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(atoms)
    inner = draw(expressions(depth + 1))
    if kind == 1:
        return f"({inner} {draw(operators)} {draw(expressions(depth + 1))})"
    if kind == 2:
        return f"{inner}|{draw(filters)}"
    if kind == 3:
        attr = draw(st.sampled_from(["__class__", "center", "upper", "format", "__globals__"]))
        return f"{inner}.{attr}"
    return f"{inner}({draw(expressions(depth + 1))})"


text_lines = st.text(
    alphabet=st.sampled_from([*"ab {}%#-\n\t`:", "\ue000", "\ue001", "\x00", "é", "5"]),
    max_size=40,
)


@st.composite
def pieces(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 7))
    if kind == 0:
        return f"{{{{ {draw(expressions())} }}}}"
    if kind == 1:
        return (
            f"{{% if {draw(names)} %}}{draw(text_lines)}{{% else %}}{draw(text_lines)}{{% endif %}}"
        )
    if kind == 2:
        n = draw(st.sampled_from(["3", "99999", "10**6"]))
        return f"{{% for i in range({n}) %}}{draw(text_lines)}{{{{ i }}}}{{% endfor %}}"
    if kind == 3:
        return f"{{% set x = {draw(expressions())} %}}{{{{ x }}}}"
    if kind == 4:
        return f"{{% raw %}}{draw(text_lines)}{{% endraw %}}"
    if kind == 5:  # a dangling tag
        return draw(st.sampled_from(["{%", "{{", "%}", "}}", "{##", "{% endif %}", "{% if %}"]))
    return draw(text_lines)


pages = st.lists(pieces(), min_size=1, max_size=8).map("\n".join)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SphinxTestApp]:
    srcdir = tmp_path_factory.mktemp("properties")
    (srcdir / "conf.py").write_text('extensions = ["envdeck"]\nenvdeck_context = {"course": "C"}\n')
    overrides = {"envdeck_jinja_timeout": "0.2", "envdeck_jinja_max_output": "100000"}
    made = SphinxTestApp("html", srcdir=srcdir, confoverrides=overrides,
                         status=io.StringIO(), warning=io.StringIO())  # fmt: skip
    yield made
    made.cleanup()


def read_page(app: SphinxTestApp, page: str, mode: str) -> tuple[str, list[str]]:
    """The page after source-read, and the warnings it logged."""
    warnings = io.StringIO()
    sphinx_logging.setup(app, io.StringIO(), warnings)
    app.config.envdeck_templates = mode
    source = [page]
    render_document(app, "page", source)  # any exception fails the test
    return source[0], ANSI.sub("", warnings.getvalue()).splitlines()


@FAST
@given(page=pages, mode=st.sampled_from(["auto", "all"]))
def test_no_template_escapes_source_read(app: SphinxTestApp, page: str, mode: str):
    result, warnings = read_page(app, page, mode)
    for line in warnings:
        assert line.endswith("[envdeck.jinja]"), line
        assert "WARNING: Jinja" in line
    if warnings:
        assert result == page  # used as written
    assert not re.search("\ue000[0-9]{1,9}\ue001", result.replace(page, "")) or result == page


code_bodies = st.lists(st.one_of(pieces(), text_lines), min_size=1, max_size=6).map("\n".join)


@FAST
@given(body=code_bodies, fence=st.sampled_from(["```", "````", "~~~"]))
def test_a_literal_code_block_page_is_left_byte_for_byte(app, body: str, fence: str):
    # A page about Jinja that never uses the flag: no template, whatever its code shows.
    body = re.sub(r"\b(slide|prose|course)\b", "deck", body)
    page = f"# Jinja in code\n\n{fence}jinja\n{body}\n{fence}\n"
    result, warnings = read_page(app, page, "auto")
    assert result == page
    for line in warnings:  # only a flag-like syntax error may warn
        assert line.endswith("[envdeck.jinja]"), line


# --- config values through conf.py and -D --------------------------------------------------

python_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=12),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)
command_line_texts = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["1e10", "inf", "-inf", "nan", "0", "-1", "1e-300", "1e309", "{", "{}",
                     '{"a": 1}', "[1]", "yes", "no", "", " ", "a,b", "10**9"]),
)  # fmt: skip
option_names = st.sampled_from([option.name for option in OPTIONS])


def make_config_app(tmp_path: Path, conf: str, overrides: dict[str, str]) -> str | None:
    """The warnings of an app made with ``conf``; None when it is a ConfigError."""
    (tmp_path / "conf.py").write_text(conf, "utf8")
    try:
        made = SphinxTestApp("html", srcdir=tmp_path, confoverrides=overrides,
                             status=io.StringIO(), warning=io.StringIO())  # fmt: skip
    except ConfigError as err:
        assert "invalid value for 'slide'" in str(err)
        return None
    try:
        for option in OPTIONS:  # every value in use is one its converter accepts
            option.convert(made.config[option.name])
        return ANSI.sub("", made._warning.getvalue())
    finally:
        made.cleanup()


def assert_typed(warnings: str | None) -> None:
    if warnings is None:
        return
    for line in warnings.splitlines():
        assert TYPED.search(line), line


CONFIG = settings(FAST, max_examples=12)


@CONFIG
@given(name=option_names, value=python_values)
def test_any_conf_py_value_is_a_typed_warning(tmp_path: Path, name: str, value):
    conf = f'extensions = ["envdeck"]\n{name} = {value!r}\n'
    if "nan" in conf or "inf" in conf:
        conf = "from math import inf, nan\n" + conf
    assert_typed(make_config_app(tmp_path, conf, {}))


@CONFIG
@given(name=option_names, text=command_line_texts)
def test_any_dash_d_value_is_a_typed_warning(tmp_path: Path, name: str, text: str):
    assert_typed(make_config_app(tmp_path, 'extensions = ["envdeck"]\n', {name: text}))


# --- command lines ---------------------------------------------------------------------

quick_checks = st.sampled_from(["python", "platform", "venv", "venv-paths", "nope", ""])
arguments = st.one_of(
    st.just("--strict"),
    st.just("-v"),
    st.tuples(st.just("--timeout"), command_line_texts),
    st.tuples(st.just("-o"), st.sampled_from(["venv=.venv", "target=Not A Tag", "x=y", "=",
                                              "venv", "packages=a"])),
    st.tuples(st.just("--allow-env"), st.text(max_size=6)),
    st.tuples(st.just("--project"), st.sampled_from([".", "/no/such", "", "\x00"])),
)  # fmt: skip


def flatten(parts: list[str | tuple[str, str]]) -> list[str]:
    argv: list[str] = []
    for part in parts:
        argv.extend(part if isinstance(part, tuple) else (part,))
    return argv


@settings(FAST, max_examples=40)
@given(names=st.lists(quick_checks, min_size=1, max_size=3), parts=st.lists(arguments, max_size=4))
def test_any_command_line_exits_0_1_or_2_with_valid_json(names: list[str], parts):
    argv = ["check", *names, "--json", *flatten(parts)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exit:
            code = exit.code
    assert code in (0, 1, 2), (argv, code, err.getvalue())
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert err.getvalue().strip()
    else:
        document = json.loads(out.getvalue())
        assert [r["name"] for r in document["results"]] == list(dict.fromkeys(names))
