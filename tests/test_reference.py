"""The configuration and warning reference is generated from the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BuildFn

from envdeck import config
from envdeck.config import OPTIONS, Option
from envdeck.reference import warning_docs
from envdeck.warnings_ import EnvdeckWarning

PAGE_MD = """# Reference

```{envdeck-config}
```

```{envdeck-warnings}
```
"""

PAGE_RST = """Reference
=========

.. envdeck-config::

.. envdeck-warnings::
"""


def rows(soup, table_index: int) -> list[list[str]]:
    table = soup.select("table")[table_index]
    return [
        [" ".join(cell.get_text().split()) for cell in tr.find_all("td")]
        for tr in table.select("tbody tr")
    ]


@pytest.mark.parametrize("page", ["index.md", "index.rst"])
def test_config_table_has_every_option(build: BuildFn, page: str) -> None:
    built = build({page: PAGE_MD if page.endswith(".md") else PAGE_RST})
    assert built.warning_lines() == []
    soup = built.html()
    table = rows(soup, 0)
    assert [row[0] for row in table] == [option.name for option in OPTIONS]
    for row, option in zip(table, OPTIONS, strict=True):
        assert row[2] == repr(option.default)
        if option.choices:
            assert row[3].split(", ") == list(option.choices)
        else:
            assert row[3] == "—"
    by_name = {row[0]: row for row in table}
    assert by_name["slide"][1].startswith("flag")
    assert by_name["envdeck_check_timeout"][1] == "seconds: a number > 0, at most 3600"
    assert by_name["envdeck_jinja_max_output"][1] == "whole number from 1,000 to 1,000,000,000"
    # ``-D slide=1`` in a description is inline code, in MyST and rST alike.
    slide_cell = soup.select("table")[0].select("tbody tr")[0].find_all("td")[4]
    assert "-D slide=1" in [code.get_text() for code in slide_cell.select("code")]


def test_warnings_table_has_every_type_with_its_docstring(build: BuildFn) -> None:
    built = build({"index.md": PAGE_MD})
    table = rows(built.html(), 1)
    assert [row[0] for row in table] == [m.type_name for m in EnvdeckWarning]
    docs = warning_docs()
    for row, member in zip(table, EnvdeckWarning, strict=True):
        assert docs[member.name], f"{member.name} has no docstring"
        # Smart quotes turn the docstring's ' into ’ on the page.
        assert row[1].replace("’", "'") == docs[member.name].replace("``", "")


def test_a_new_option_appears_without_editing_the_docs(
    build: BuildFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = Option(
        "envdeck_demo_value", 3, int, "A value that exists only in this test.", types=(int,)
    )
    monkeypatch.setattr(config, "OPTIONS", [*OPTIONS, extra])
    table = rows(build({"index.md": PAGE_MD}).html(), 0)
    assert table[-1][:3] == ["envdeck_demo_value", "int", "3"]
    assert table[-1][4] == "A value that exists only in this test."


def test_the_page_depends_on_the_code_it_documents(build: BuildFn) -> None:
    built = build({"index.md": PAGE_MD})
    deps = {Path(dep).name for dep in built.app.env.dependencies["index"]}
    assert {"config.py", "warnings_.py"} <= deps


@pytest.mark.parametrize(
    ("buildername", "output"),
    [("text", "*.txt"), ("latex", "*.tex"), ("man", "*.1"), ("texinfo", "*.texi")],
)
def test_every_builder_writes_the_tables(build: BuildFn, buildername: str, output: str) -> None:
    built = build({"index.md": PAGE_MD}, buildername=buildername)
    assert built.warning_lines() == []
    text = next(built.outdir.glob(output)).read_text("utf8")
    # Short names: the text builder wraps long ones inside their cell.
    for name in ("envdeck_theme", "envdeck.jinja"):
        escaped = name.replace("_", r"\_") if buildername == "latex" else name
        assert escaped in text or name in text, (buildername, name)


def test_named_options_only_in_the_order_given(build: BuildFn) -> None:
    page = "```{envdeck-config} envdeck_transition, envdeck_theme\n```\n"
    built = build({"index.md": "# Deck options\n\n" + page})
    assert built.warning_lines() == []
    assert [row[0] for row in rows(built.html(), 0)] == ["envdeck_transition", "envdeck_theme"]


def test_an_unknown_name_is_a_typed_warning_at_its_line(build: BuildFn) -> None:
    page = "# Options\n\n```{envdeck-config} envdeck_theme envdeck_colour\n```\n"
    built = build({"index.md": page})
    (line,) = built.warning_lines()
    assert "index.md:3:" in line and "[envdeck.directive]" in line
    assert "'envdeck_colour'" in line and "envdeck_theme" in line
    # The known name is still shown.
    assert [row[0] for row in rows(built.html(), 0)] == ["envdeck_theme"]
