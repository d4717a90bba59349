"""The ``ide`` check: which interpreter VS Code and PyCharm are told to use.

VS Code reads ``python.defaultInterpreterPath`` from ``.vscode/settings.json`` or a
``*.code-workspace`` file; PyCharm names a project SDK in ``.idea/misc.xml``, whose
path lives in PyCharm's own ``jdk.table.xml`` (outside the project). Both find a
``.venv`` in the project root by themselves, so no configuration is also a good one.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from .base import CheckContext, Outcome, Status, check
from .environment import jetbrains_config_dirs, same_place
from .tools import project_venv, windows_layout

#: VS Code's keys for the interpreter (``python.pythonPath`` is the old one, still read
#: by older extensions).
VSCODE_KEYS = ("python.defaultInterpreterPath", "python.pythonPath")

#: strings, line comments and block comments of JSONC (VS Code's settings format)
_COMMENTS = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
#: strings, and commas before a closing bracket
_TRAILING = re.compile(r'"(?:\\.|[^"\\])*"|,(?=\s*[}\]])')


def read_jsonc(text: str) -> Any:
    """JSON with comments and trailing commas, as VS Code writes its settings."""

    def keep_strings(match: re.Match[str]) -> str:
        return match.group(0) if match.group(0).startswith('"') else ""

    cleaned = _TRAILING.sub(keep_strings, _COMMENTS.sub(keep_strings, text))
    return json.loads(cleaned) if cleaned.strip() else {}


@dataclass(frozen=True)
class Pointer:
    """One IDE setting that names an interpreter."""

    #: e.g. ".vscode/settings.json python.defaultInterpreterPath"
    where: str
    #: the value as written
    value: str
    #: the venv directory it names (resolved against the folder VS Code opens)
    venv: Path


def _split(value: str) -> list[str]:
    # Settings written on Windows use backslashes; read them on any OS.
    return [part for part in re.split(r"[\\/]", value) if part]


def venv_of(value: str, base: Path) -> Path:
    """The environment an interpreter setting names: ``.venv/bin/python``,
    ``.venv\\Scripts\\python.exe`` or the ``.venv`` directory itself."""
    value = value.replace("${workspaceFolder}", str(base)).replace("${workspaceRoot}", str(base))
    value = re.sub(r"\$\{workspaceFolder:[^}]*\}", lambda _m: str(base), value)
    if value.startswith("~"):
        value = os.path.expanduser("~") + value[1:]
    windows_absolute = re.match(r"^[A-Za-z]:[\\/]", value) is not None
    parts = _split(value)
    if windows_absolute:
        path: PurePath = Path(parts[0] + os.sep, *parts[1:]) if os.name == "nt" else PurePath(value)
    elif value.startswith(("/", "\\")):
        path = Path("/", *parts)
    else:
        path = base.joinpath(*parts)
    name = path.name.lower()
    if name.startswith("python") and path.parent.name in ("bin", "Scripts"):
        path = path.parent.parent
    return Path(path)


def vscode_pointers(project: Path) -> Iterator[Pointer | str]:
    """VS Code's interpreter settings; a string for a file that cannot be read."""
    files = [project / ".vscode" / "settings.json", *sorted(project.glob("*.code-workspace"))]
    for path in files:
        if not path.is_file():
            continue
        where = path.relative_to(project).as_posix()
        try:
            data = read_jsonc(path.read_text("utf8"))
        except (OSError, ValueError) as err:
            yield f"{where} is not valid JSON ({type(err).__name__}: {err})"
            continue
        settings = data.get("settings", {}) if path.suffix == ".code-workspace" else data
        if not isinstance(settings, dict):
            continue
        for key in VSCODE_KEYS:
            value = settings.get(key)
            if isinstance(value, str) and value.strip():
                # ${workspaceFolder} and relative paths start at the folder VS Code opened.
                folder = project if path.parent.name == ".vscode" else path.parent
                yield Pointer(f"{where} {key}", value, venv_of(value.strip(), folder))


def pycharm_sdk(project: Path) -> str | None:
    """The project SDK's name in ``.idea/misc.xml``; None without one."""
    misc = project / ".idea" / "misc.xml"
    if not misc.is_file():
        return None
    root = ElementTree.parse(misc).getroot()
    for component in root.iter("component"):
        if component.get("name") == "ProjectRootManager":
            return component.get("project-jdk-name") or ""
    return ""


def sdk_home(name: str) -> tuple[str, str] | None:
    """(the interpreter path, which PyCharm's table) of the SDK called ``name``."""
    home = os.path.expanduser("~")
    for config in reversed(jetbrains_config_dirs()):  # the newest version first
        table = config / "options" / "jdk.table.xml"
        try:
            root = ElementTree.parse(table).getroot()
        except (OSError, ElementTree.ParseError):
            continue
        for jdk in root.iter("jdk"):
            name_node, path_node = jdk.find("name"), jdk.find("homePath")
            if name_node is None or path_node is None or name_node.get("value") != name:
                continue
            path = (path_node.get("value") or "").replace("$USER_HOME$", home)
            return path, config.name
    return None


def _fix(venv: Path) -> str:
    if windows_layout(venv):  # as JSON spells it: backslashes doubled
        python = "\\\\".join(["${workspaceFolder}", venv.name, "Scripts", "python.exe"])
    else:
        python = f"${{workspaceFolder}}/{venv.name}/bin/python"
    return (
        f'set "python.defaultInterpreterPath": "{python}" in .vscode/settings.json, '
        f"or pick {venv.name} in PyCharm's Python Interpreter settings"
    )


@check(
    "ide",
    "The IDE's interpreter: VS Code and PyCharm",
    depends_on=("project", "ide"),
    key_facts=("project venv", "VS Code", "PyCharm"),
)
def ide_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """Which interpreter the project tells VS Code (``python.defaultInterpreterPath``
    in ``.vscode/settings.json`` or a ``*.code-workspace``) and PyCharm (the project
    SDK of ``.idea/misc.xml``, looked up in PyCharm's ``jdk.table.xml``) to use, and
    whether it is the project's ``.venv``. Passes when it is, or when no IDE is
    configured and the ``.venv`` sits in the project root, where both IDEs look by
    default; warns with the fix when a setting names another interpreter, a file
    cannot be read, or there is no ``.venv`` for the IDEs to find."""
    venv = project_venv(ctx.project)
    has_venv = (venv / "pyvenv.cfg").is_file()
    facts: dict[str, str] = {
        "project venv": f"{venv} ({'exists' if has_venv else 'missing'})",
    }
    elsewhere: list[str] = []
    unreadable: list[str] = []
    vscode = _vscode_settings(ctx.project, venv, facts, elsewhere, unreadable)
    sdk = _pycharm_setting(ctx.project, venv, facts, elsewhere, unreadable)
    if unreadable:
        facts["unreadable"] = "; ".join(unreadable)
    if elsewhere:
        return Outcome(
            Status.WARN,
            f"{'; '.join(elsewhere)}, not the project's {venv.name}: {_fix(venv)}",
            facts,
        )
    if unreadable:
        return Outcome(Status.WARN, f"{'; '.join(unreadable)}: the IDE ignores it", facts)
    if not has_venv:
        return Outcome(
            Status.WARN,
            f"no {venv.name} in the project for the IDE to use: run `uv sync`, then "
            "reopen the folder",
            facts,
        )
    if vscode or sdk:
        return Outcome(Status.PASS, f"the IDE settings name the project's {venv.name}", facts)
    if not (same_place(venv.parent, ctx.project) and venv.name == ".venv"):
        return Outcome(
            Status.WARN,
            f"no IDE setting, and the venv is at {venv}, where neither VS Code nor PyCharm "
            f"looks by default: {_fix(venv)}",
            facts,
        )
    return Outcome(
        Status.PASS,
        "no IDE setting: VS Code and PyCharm both find the project's .venv by themselves",
        facts,
    )


def _vscode_settings(
    project: Path, venv: Path, facts: dict[str, str], elsewhere: list[str], unreadable: list[str]
) -> bool:
    """VS Code's interpreter settings into the facts; whether there is one."""
    vscode: list[str] = []
    for pointer in vscode_pointers(project):
        if isinstance(pointer, str):
            unreadable.append(pointer)
            continue
        ok = same_place(pointer.venv, venv)
        vscode.append(f"{pointer.where} = {pointer.value} "
                      f"({'the project venv' if ok else 'another interpreter'})")  # fmt: skip
        if not ok:
            elsewhere.append(f"VS Code's {pointer.where} names {pointer.value}")
    facts["VS Code"] = "; ".join(vscode) or (
        "no interpreter setting (it picks the workspace's .venv by itself)"
    )
    return bool(vscode)


def _pycharm_setting(
    project: Path, venv: Path, facts: dict[str, str], elsewhere: list[str], unreadable: list[str]
) -> bool:
    """PyCharm's project SDK into the facts; whether the project names one."""
    try:
        sdk = pycharm_sdk(project)
    except (OSError, ElementTree.ParseError) as err:
        sdk = None
        unreadable.append(f".idea/misc.xml cannot be read ({type(err).__name__})")
    if sdk is None:
        facts["PyCharm"] = "no .idea/misc.xml (it offers the project's .venv by itself)"
        return False
    if not sdk:
        facts["PyCharm"] = ".idea/misc.xml names no project SDK"
        return False
    found = sdk_home(sdk)
    if found is None:
        # The SDK's path is in PyCharm's settings, not in the project.
        facts["PyCharm"] = f"project SDK {sdk!r} (its path is not in this machine's settings)"
        return True
    path, table = found
    ok = same_place(venv_of(path, project), venv)
    facts["PyCharm"] = (
        f"project SDK {sdk!r} = {path} "
        f"({'the project venv' if ok else 'another interpreter'}; from {table})"
    )
    if not ok:
        elsewhere.append(f"PyCharm's project SDK {sdk!r} is {path}")
    return True
