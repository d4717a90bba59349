"""The check library's modules import one another without a cycle, and without
imports hidden in functions to dodge one: each module can be imported first."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import envdeck.checks

PACKAGE = Path(envdeck.checks.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _own_imports(statements: list[ast.stmt]) -> set[str]:
    """The package's modules that these statements import (``from . import x``,
    ``from .x import y``), at this level and in ``try``/``if`` blocks, but not under
    ``if TYPE_CHECKING``, which never runs."""
    found: set[str] = set()
    for node in statements:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            found |= _own_imports(node.body) | _own_imports(node.orelse)
        elif isinstance(node, ast.Try):
            found |= _own_imports(node.body)
            for handler in node.handlers:
                found |= _own_imports(handler.body)
    return found & set(MODULES)


def _tree(module: str) -> ast.Module:
    return ast.parse((PACKAGE / f"{module}.py").read_text("utf8"))


def _graph() -> dict[str, set[str]]:
    return {module: _own_imports(_tree(module).body) for module in MODULES}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (a depth-first search), None when it has none."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        state[module] = "done"
        path.pop()
        return None

    for module in graph:
        if module not in state and (found := visit(module)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_check_modules_import_one_another_without_a_cycle() -> None:
    graph = _graph()
    assert graph["base"] >= {"errors"} and "inputs" not in graph["base"]
    assert graph["errors"] == set()  # the leaf: exceptions and the deadline
    assert _cycle(graph) is None, f"an import cycle: {' -> '.join(_cycle(graph) or [])}"


def test_no_module_of_the_package_is_imported_inside_a_function() -> None:
    hidden = []
    for module in MODULES:
        for node in ast.walk(_tree(module)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and inner.level >= 1:
                        hidden.append(f"{module}.{node.name}: line {inner.lineno}")
    assert hidden == []


def test_each_module_imports_first_in_a_fresh_interpreter() -> None:
    # One interpreter, emptied of envdeck between imports: each module comes first once.
    script = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('envdeck')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module('envdeck.checks.' + name)\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_importing_the_library_registers_no_check_yet() -> None:
    # The check modules load on first use of the registry (base.CHECK_MODULES).
    script = (
        "import sys, envdeck.checks\n"
        "print(sorted(m for m in sys.modules if m.startswith('envdeck.checks.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = {name.rsplit(".", 1)[1] for name in eval(done.stdout)}
    assert loaded.isdisjoint(envdeck.checks.base.CHECK_MODULES), loaded
