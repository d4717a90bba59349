"""The checks' one TOML reader, and what they read of ``pyproject.toml``.

:mod:`tomllib` from Python 3.11, ``tomli`` (the same parser, a dependency of envdeck
before 3.11 and bundled into ``envdeck-check.pyz``) on older Pythons.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

TOMLDecodeError = tomllib.TOMLDecodeError

#: "tomllib" or "tomli": named in the lockfile check's facts
READER = tomllib.__name__


class PyprojectError(ValueError):
    """pyproject.toml is there but cannot be read."""


def loads(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def read_pyproject(project: Path) -> dict[str, Any] | None:
    """The project's pyproject.toml; None without one, :class:`PyprojectError` when it
    cannot be read or is not TOML."""
    path = project / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        return loads(path.read_text("utf8"))
    except (OSError, UnicodeDecodeError) as err:
        raise PyprojectError(f"pyproject.toml cannot be read ({type(err).__name__})") from None
    except TOMLDecodeError as err:
        raise PyprojectError(f"pyproject.toml is not valid TOML ({err})") from None


def _project_table(project: Path) -> dict[str, Any] | None:
    data = read_pyproject(project)
    if data is None:
        return None
    table = data.get("project")
    return table if isinstance(table, dict) else {}


def read_dependencies(project: Path) -> list[str] | None:
    """``project.dependencies`` of pyproject.toml; None without a pyproject.toml."""
    table = _project_table(project)
    if table is None:
        return None
    declared = table.get("dependencies")
    return [d for d in declared if isinstance(d, str)] if isinstance(declared, list) else []


def read_requires_python(project: Path) -> str | None:
    """``project.requires-python`` of pyproject.toml, if it has one."""
    wanted = (_project_table(project) or {}).get("requires-python")
    return None if wanted is None else str(wanted)
