"""Named packages: installed, where, importable: ``packages``."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from . import inputs, usercache
from .base import CheckContext, Outcome, Status, check
from .errors import CheckSkipped
from .toml import PyprojectError, read_dependencies
from .tools import plural, run, shorten
from .values import flag_word

_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")

#: Imports run in a child: a package's import may hang, crash or change global state.
_IMPORT_PROBE = r"""
import importlib, json, sys
out = {}
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
        out[name] = ["ok", getattr(module, "__file__", None) or ""]
    except BaseException as err:
        out[name] = ["fail", f"{type(err).__name__}: {err}"]
print(json.dumps(out))
"""


def package_list(value: str) -> tuple[str, ...]:
    """Distribution names separated by commas or spaces (``numpy, pandas``)."""
    names = tuple(n for n in re.split(r"[,\s]+", value) if n)
    bad = [n for n in names if not _NAME.match(n)]
    if not names or bad:
        raise ValueError(
            "expected distribution names separated by commas or spaces, such as "
            f"'numpy, pandas', got {value!r}"
        )
    return names


def import_flag(value: str) -> bool:
    """``yes`` (try importing each package, in a child process) or ``no``."""
    flag = flag_word(value) if value.strip() else None
    if flag is not None:
        return flag
    raise ValueError(f"expected one of 'yes', 'no', got {value!r}")


def _top_level(dist: metadata.Distribution) -> list[str]:
    """The modules a distribution provides (top_level.txt, else its RECORD)."""
    text = dist.read_text("top_level.txt")
    if text:
        return [line.strip() for line in text.splitlines() if line.strip()]
    names: list[str] = []
    # RECORD's first column, read as csv (dist.files makes a path object of each of
    # its lines: thousands for a large package, for the first part of each).
    record = dist.read_text("RECORD") or ""
    for row in csv.reader(record.splitlines()):
        parts = row[0].replace("\\", "/").split("/") if row and row[0] else []
        if not parts or parts[0].endswith((".dist-info", ".data")) or parts[0] == "..":
            continue
        top = parts[0]
        if len(parts) == 1:
            if not top.endswith(".py"):
                continue
            top = top[:-3]
        if top.isidentifier() and top not in names and not top.startswith("__"):
            names.append(top)
    return names


def import_probe(project: Path, modules: list[str]) -> dict[str, list[str]]:
    """Module -> ["ok", its file] or ["fail", why], from importing each in a child.

    The outcome is kept in the user's cache, keyed on all that decides it: the
    interpreter, ``sys.path``, the installed distributions (an install, upgrade or
    removal changes their listing) and each module's own file.
    """
    key = usercache.key_of(
        "import-probe",
        modules,
        sys.path,
        inputs.interpreter(project, {}),
        inputs.distributions(project, {}),
        [_origin_stamp(module) for module in modules],
    )
    kept = usercache.load("import-probe", key)
    if isinstance(kept, dict) and set(kept) == set(modules):
        return kept
    probe = run([sys.executable, "-c", _IMPORT_PROBE, *modules])
    try:
        imported: dict[str, list[str]] = json.loads(probe.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        detail = probe.stderr.strip().splitlines()[-1:] or ["no output"]
        # A probe that died (killed, out of memory) is not kept: the next run tries again.
        return {m: ["fail", f"the import probe died: {detail[0]}"] for m in modules}
    usercache.store("import-probe", key, imported)
    return imported


def _origin_stamp(module: str) -> list[Any]:
    """Where ``module`` would be imported from, and that file's size and time (no import)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return [module, None]
    origin = spec.origin if spec is not None else None
    if not origin or not os.path.exists(origin):
        return [module, origin]
    st = os.stat(origin)
    return [module, origin, st.st_size, st.st_mtime_ns]


def _project_dependencies(project: Path) -> tuple[str, ...]:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        declared = read_dependencies(project)
    except PyprojectError as err:
        raise CheckSkipped(f"no packages named (option packages), and {err}") from None
    if declared is None:
        raise CheckSkipped("no packages named (option packages) and no pyproject.toml")
    names = []
    for text in declared:
        try:
            names.append(Requirement(text).name)
        except InvalidRequirement:
            continue
    if not names:
        raise CheckSkipped("no packages named (option packages), and the project declares none")
    return tuple(dict.fromkeys(names))


@check(
    "packages",
    "Packages",
    options={"packages": package_list, "import": import_flag},
    defaults={"import": True},
    depends_on=("interpreter", "distributions", "pyproject.toml"),
)
def packages_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """For each distribution named in the ``packages`` option (comma or space
    separated; default: the project's dependencies in ``pyproject.toml``): the
    installed version, where it is installed, and whether its modules
    import (in a child process of this interpreter; option ``import: no`` skips that).
    Fails when one is not installed or does not import."""
    names: tuple[str, ...] = options.get("packages", ())
    if not names:
        names = _project_dependencies(ctx.project)
    facts: dict[str, str] = {}
    problems: list[str] = []
    modules: dict[str, list[str]] = {}
    found: dict[str, tuple[str, str]] = {}
    for name in names:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            facts[name] = "not installed"
            problems.append(f"{name} is not installed")
            continue
        meta = dist.metadata  # parsed once: dist.version parses it again each time
        found[name] = (meta["Name"], meta["Version"])
        location = dist.locate_file("")
        facts[name] = f"{meta['Version']} in {location}"
        modules[name] = _top_level(dist)
    wanted = sorted({m for mods in modules.values() for m in mods})
    if options["import"] and wanted:
        imported = import_probe(ctx.project, wanted)
        for name, mods in modules.items():
            failed = [(m, imported.get(m, ["fail", "?"])[1]) for m in mods
                      if imported.get(m, ["fail"])[0] != "ok"]  # fmt: skip
            if not mods:
                facts[name] += "; provides no importable module"
            elif failed:
                facts[name] += f"; import {failed[0][0]} fails: {failed[0][1]}"
                problems.append(f"{name} does not import ({failed[0][1]})")
            else:
                facts[name] += f"; imports ({shorten(mods, 3)})"
    key = tuple(names[:4])
    if problems:
        return Outcome(Status.FAIL, "; ".join(problems), facts, key_facts=key)
    versions = ", ".join(f"{found[n][0]} {found[n][1]}" for n in names)
    verb = "installed and importable" if options["import"] else "installed"
    return Outcome(
        Status.PASS,
        f"{plural(len(names), 'package')} {verb}: {versions}",
        facts,
        key_facts=key,
    )
