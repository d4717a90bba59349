"""The Jinja stage never stops a build: literal Jinja stays as written, errors are warnings."""

from __future__ import annotations

import inspect

import jinja2.exceptions
import pytest

# autosummary's documented template line, a test Jinja lacks, and an rST page showing both.
LITERAL_FOREIGN_JINJA = {
    "index.md": "# T\n\n```{toctree}\nsummary\ntests\nrst\n```\n",
    "summary.md": "# Summary\n\n```jinja\n{{ fullname | underline }}\n```\n",
    "tests.md": "# Tests\n\nWrite `{% if item is tuple_like %}` to branch.\n",
    "rst.rst": "RST\n===\n\n.. code-block:: jinja\n\n   {{ objname | escape | underline }}\n",
}


@pytest.mark.parametrize("parallel", [0, 2], ids=["serial", "parallel"])
def test_literal_jinja_with_unknown_filters_and_tests_is_left_as_written(build, parallel):
    built = build(LITERAL_FOREIGN_JINJA, parallel=parallel)
    assert "{{ fullname | underline }}" in built.html("summary").select_one("pre").get_text()
    assert "{% if item is tuple_like %}" in built.html("tests").get_text()
    assert "{{ objname | escape | underline }}" in built.html("rst").select_one("pre").get_text()


def test_literal_jinja_nested_too_deep_to_decide_is_left_as_written(build):
    deep = "[" * 2000 + "]" * 2000
    built = build({"index.md": f"# T\n\n`{{{{ {deep} }}}}`\n"})
    assert deep in built.html().get_text()


# Pages that use the flag and raise each kind of error Jinja has, and a few of Python's.
NATURAL_ERRORS = {
    "TemplateSyntaxError": "{% if slide %}\n{% endfi %}",
    "TemplateAssertionError": "{{ prose | underline }}",
    "UndefinedError": "{% if prose %}{{ nope }}{% endif %}",
    "SecurityError": "{{ prose }}{{ prose.__class__.__mro__ }}",
    "FilterArgumentError": "{% if prose %}{{ [1] | map | list }}{% endif %}",
    "TemplateRuntimeError": "{% if prose %}{% set ns = 1 %}{% set ns.x = 1 %}{% endif %}",
    # The bounded stage refuses the amplification before Python runs out of memory.
    "JinjaLimitError": '{% if prose %}{{ "x" * 2 ** 62 }}{% endif %}',
    "OverflowError": "{% if prose %}{{ range(10 ** 6) | list }}{% endif %}",
    "RecursionError": "{% macro f() %}{{ f() }}{% endmacro %}{% if prose %}{{ f() }}{% endif %}",
}


def _assert_warned_and_went_on(built, line, name):
    lines = [w for w in built.warning_lines() if "index.md" in w]
    assert len(lines) == 1, built.warnings
    assert f"index.md:{line}:" in lines[0] and name in lines[0]
    assert lines[0].endswith("[envdeck.jinja]")
    assert "Traceback" not in built.warnings + built.status
    assert (built.outdir / "index.html").exists() and (built.outdir / "other.html").exists()


@pytest.mark.parametrize(("name", "jinja"), NATURAL_ERRORS.items(), ids=NATURAL_ERRORS.keys())
def test_each_error_of_a_template_is_a_warning_at_its_line(build, name, jinja):
    page = f"# T\n\nText.\n\n{jinja}\n"
    built = build({"index.md": page, "other.md": "# Other\n"})
    _assert_warned_and_went_on(built, 5 if name != "TemplateSyntaxError" else 6, name)
    # the page is used as written
    assert "Text." in built.html().get_text()


JINJA_ERRORS = [
    cls
    for _, cls in inspect.getmembers(jinja2.exceptions, inspect.isclass)
    if issubclass(cls, jinja2.exceptions.TemplateError)
]


@pytest.mark.parametrize("cls", JINJA_ERRORS, ids=lambda cls: cls.__name__)
def test_every_jinja_exception_class_raised_while_rendering_is_a_warning(build, cls):
    # The classes no page can raise by itself (no loader: TemplateNotFound) come
    # from a context callable, as a filter or a global of a course could raise them.
    args = {"TemplatesNotFound": ([],), "TemplateNotFound": ("x.html",)}.get(
        cls.__name__, ("boom",)
    )
    if issubclass(cls, jinja2.exceptions.TemplateSyntaxError):
        args = ("boom", 5)
    conf = (
        'extensions = ["envdeck"]\n'
        "import jinja2.exceptions\n"
        "def boom():\n"
        f"    raise jinja2.exceptions.{cls.__name__}(*{args!r})\n"
        'envdeck_context = {"boom": boom}\n'
    )
    built = build({"index.md": "# T\n\nText.\n\n{{ boom() }}\n", "other.md": "# O\n"}, conf=conf)
    _assert_warned_and_went_on(built, 5, cls.__name__)


@pytest.mark.parametrize("cls", [MemoryError, OverflowError, RecursionError, SystemExit])
def test_python_errors_raised_by_a_context_callable_are_warnings(build, cls):
    conf = (
        'extensions = ["envdeck"]\n'
        "def boom():\n"
        f"    raise {cls.__name__}('boom')\n"
        'envdeck_context = {"boom": boom}\n'
    )
    built = build({"index.md": "# T\n\nText.\n\n{{ boom() }}\n", "other.md": "# O\n"}, conf=conf)
    _assert_warned_and_went_on(built, 5, cls.__name__)


def test_the_list_of_jinja_exception_classes_is_complete():
    names = {cls.__name__ for cls in JINJA_ERRORS}
    assert set(NATURAL_ERRORS) | {"TemplateNotFound", "TemplatesNotFound"} >= names - {
        "TemplateError"
    }
