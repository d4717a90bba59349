"""The architecture page (content/authoring/architecture.md) matches the code.

Read from the sources: every module of ``src/envdeck``, every ``app.connect`` with
its event and handler, every directive, role and post-transform registered.  The
page names each of them, and names nothing the code does not have.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
from conftest import CONTENT, REPO

PAGE = CONTENT / "authoring" / "architecture.md"
SRC = REPO / "src" / "envdeck"


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (``__main__`` aside)."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def registrations(method: str) -> set[tuple[str, ...]]:
    """``(module, first argument, handler)`` of every ``app.<method>(...)`` call."""
    found = set()
    for module, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text("utf8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == method
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "app"
                and node.args
            ):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant):
                name = str(first.value)
            elif isinstance(first, ast.Name):
                name = first.id
            else:
                continue
            handler = node.args[1] if len(node.args) > 1 else None
            handler_name = ast.unparse(handler).split(".")[-1] if handler is not None else ""
            found.add((module, name, handler_name))
    return found


def page_text() -> str:
    return PAGE.read_text("utf8")


def table_rows(first_cell: str) -> list[list[str]]:
    """The cells of the page's table rows whose first cell matches ``first_cell``."""
    rows = []
    for line in page_text().splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if re.fullmatch(first_cell, cells[0]):
            rows.append(cells)
    return rows


def code_words(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def test_the_page_is_in_the_authoring_toctree() -> None:
    index = (CONTENT / "authoring" / "index.md").read_text("utf8")
    toctree = index.split("```{toctree}", 1)[1].split("```", 1)[0]
    assert "architecture" in toctree.split()


def test_every_module_is_named_on_the_page() -> None:
    named = set(code_words(page_text()))
    missing = sorted(set(modules()) - named)
    assert not missing, f"modules missing from {PAGE.name}: {missing}"


def test_every_envdeck_name_on_the_page_exists() -> None:
    for word in sorted(set(code_words(page_text()))):
        if not re.fullmatch(r"envdeck(\.\w+)+", word):
            continue
        module_name, _, attribute = word.rpartition(".")
        if word in modules():
            continue
        module = importlib.import_module(module_name)
        assert hasattr(module, attribute), f"{PAGE.name} names {word}, which does not exist"


def test_the_events_table_is_every_connected_handler() -> None:
    in_code = {(event, module, handler) for module, event, handler in registrations("connect")}
    assert len(in_code) > 20  # the walk found them
    on_page = set()
    for event, module, what in table_rows(r"`[a-z]+(-[a-z]+)+`"):
        handler = code_words(what)[0]
        on_page.add((event.strip("`"), module.strip("`"), handler))
    assert sorted(in_code - on_page) == [], "connected, but not on the page"
    assert sorted(on_page - in_code) == [], "on the page, but not connected"


@pytest.mark.parametrize(
    ("kind", "method"),
    [
        ("directive", "add_directive"),
        ("role", "add_role"),
        ("post-transform", "add_post_transform"),
    ],
)
def test_the_registrations_table_is_what_setup_registers(kind: str, method: str) -> None:
    in_code = {(name, module) for module, name, _ in registrations(method)}
    assert in_code
    on_page = {
        (name, module.strip("`"))
        for _, names, module in table_rows(re.escape(kind))
        for name in code_words(names)
    }
    assert in_code == on_page
