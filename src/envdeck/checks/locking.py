"""Reproducibility checks: ``lockfile`` (uv.lock) and ``freeze`` (a pip-freeze-style capture).

Freshness is uv's word (``uv lock --check --offline``).  Without uv, or when uv cannot
decide offline, pyproject.toml's requirements are compared with uv.lock's record of
them; markers and ``[tool.uv]`` constraints, overrides and sources are not, so the
comparison can only prove a lock stale, never fresh.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from . import inputs, usercache
from .base import CheckContext, Findings, Outcome, Status, check
from .environment import Environment, project_environment
from .errors import CheckSkipped, ToolMissing
from .toml import read_pyproject
from .tools import (
    dist_name,
    dist_text,
    names_unreadable,
    normalize,
    plural,
    run,
    shorten,
    tool_path,
)
from .uvlock import Lock, Locked, LockError, read_lock


def _version_equal(a: str, b: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def _load_lock(project: Path) -> Lock:
    path = project / "uv.lock"
    if not path.is_file():
        raise FileNotFoundError(path)
    return read_lock(path)


def _freshness(project: Path, lock: Lock) -> tuple[str, str]:
    """(state, text): state is "fresh", "stale", "unknown" or "unchecked"."""
    try:
        uv = tool_path("uv")
    except ToolMissing as err:
        return "unchecked", f"not checked: {err}"
    key = _freshness_key(project, uv, lock)
    kept = usercache.load("uv-lock-check", key)
    if isinstance(kept, list) and len(kept) == 2 and kept[0] in ("fresh", "stale"):
        return str(kept[0]), str(kept[1])
    # --offline: a build must not reach the network; --check writes nothing.
    checked = run(
        [uv, "lock", "--check", "--offline", "--no-python-downloads", "--python",
         sys.executable, "--quiet"],
        cwd=project,
    )  # fmt: skip
    if checked.ok:
        answer = ("fresh", "up to date with pyproject.toml (uv lock --check)")
    elif "needs to be updated" in checked.output:
        answer = ("stale", "out of date: pyproject.toml asks for something else (uv lock --check)")
    else:
        # Not kept: what uv could not decide offline, it may decide next time.
        output = checked.output
        first = output.splitlines()[0] if output else f"exit {checked.returncode}"
        return "unknown", f"could not be checked offline: {first.removeprefix('error: ')}"
    usercache.store("uv-lock-check", key, list(answer))
    return answer


def _uv_settings() -> list[Path]:
    """uv's settings files outside the project: the user's and the system's."""
    env = os.environ
    found = [Path(env["UV_CONFIG_FILE"])] if env.get("UV_CONFIG_FILE") else []
    # expanduser, not Path.home(): that raises where no home directory is known.
    home = os.path.expanduser("~")
    config = Path(env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"))
    found.append(config / "uv" / "uv.toml")
    for folder in env.get("XDG_CONFIG_DIRS", "/etc/xdg").split(os.pathsep):
        if folder:
            found.append(Path(folder, "uv", "uv.toml"))
    found.append(Path("/etc/uv/uv.toml"))
    for name in ("APPDATA", "PROGRAMDATA"):
        if env.get(name):
            found.append(Path(env[name], "uv", "uv.toml"))
    return found


def _freshness_key(project: Path, uv: str, lock: Lock) -> str:
    """What uv's answer depends on: the files it reads (the project's, its workspace's
    and local packages' metadata, uv's settings), uv's ``UV_*`` environment, uv itself
    and the interpreter.  Only hashed: the key never shows a value."""
    local = [
        project / package.location
        for package in lock.packages
        if package.source in ("editable", "virtual", "directory", "path") and package.location
    ]
    read = [project / "uv.lock", project / "uv.toml", *_uv_settings()]
    # uv finds a workspace's root in a parent folder's pyproject.toml.
    read += [folder / "pyproject.toml" for folder in (project, *project.parents)]
    for path in dict.fromkeys(local):
        read += [path / name for name in ("pyproject.toml", "setup.py", "setup.cfg")]
    return usercache.key_of(
        "uv-lock-check",
        [inputs.content_of(path) for path in read],
        [inputs.stat_of(path) for path in local],
        sorted((name, value) for name, value in os.environ.items() if name.startswith("UV_")),
        [inputs.stat_of(Path(path)) for path in dict.fromkeys([uv, os.path.realpath(uv)])],
        inputs.interpreter(project, {}),
        usercache.module_stamp(__name__),
    )


#: Python versions requires-python is compared on (uv rewrites ``~=3.10`` as
#: ``>=3.10, <4``: the same versions, not the same text).
_PYTHONS = [f"{major}.{minor}{patch}" for major in (2, 3, 4) for minor in range(0, 31)
            for patch in ("", ".0", ".1", ".5", ".20")]  # fmt: skip


def _requirement_sets(
    project: dict[str, Any], pyproject: dict[str, Any]
) -> dict[str, set[tuple[str, frozenset[str], Any]]]:
    """pyproject.toml's requirements by where they are declared ("dependencies",
    "extra X", "group G"): (name, extras, specifier set), markers left to uv."""
    from packaging.requirements import Requirement

    def key(text: str) -> tuple[str, frozenset[str], Any]:
        req = Requirement(text)
        return normalize(req.name), frozenset(map(normalize, req.extras)), req.specifier

    sets: dict[str, set[tuple[str, frozenset[str], Any]]] = {
        "dependencies": {key(r) for r in project.get("dependencies") or []}
    }
    for extra, reqs in (project.get("optional-dependencies") or {}).items():
        sets[f"extra {normalize(extra)}"] = {key(r) for r in reqs}
    groups: dict[str, list[Any]] = pyproject.get("dependency-groups") or {}

    def expand(group: str, seen: tuple[str, ...] = ()) -> list[str]:
        out: list[str] = []
        for item in groups.get(group, []):
            if isinstance(item, dict) and item.get("include-group") not in (*seen, group):
                out += expand(str(item["include-group"]), (*seen, group))
            elif isinstance(item, str):
                out.append(item)
        return out

    for group in groups:
        sets[f"group {normalize(group)}"] = {key(r) for r in expand(group)}
    legacy = ((pyproject.get("tool") or {}).get("uv") or {}).get("dev-dependencies") or []
    if legacy:
        sets.setdefault("group dev", set()).update(key(r) for r in legacy)
    return sets


def _locked_sets(metadata: dict[str, Any]) -> dict[str, set[tuple[str, frozenset[str], Any]]]:
    """The same, from the project's ``[package.metadata]`` in uv.lock."""
    from packaging.specifiers import SpecifierSet

    def key(entry: dict[str, Any]) -> tuple[str, frozenset[str], Any]:
        return (
            normalize(str(entry["name"])),
            frozenset(normalize(str(e)) for e in entry.get("extras") or []),
            SpecifierSet(str(entry.get("specifier", ""))),
        )

    sets: dict[str, set[tuple[str, frozenset[str], Any]]] = {"dependencies": set()}
    for entry in metadata.get("requires-dist") or []:
        extras = re.findall(r"\bextra\s*==\s*['\"]([^'\"]+)['\"]", str(entry.get("marker", "")))
        for where in [f"extra {normalize(e)}" for e in extras] or ["dependencies"]:
            sets.setdefault(where, set()).add(key(entry))
    for group, entries in (metadata.get("requires-dev") or {}).items():
        sets[f"group {normalize(group)}"] = {key(e) for e in entries}
    return sets


def _show(requirement: tuple[str, frozenset[str], Any]) -> str:
    name, extras, specifier = requirement
    return name + (f"[{','.join(sorted(extras))}]" if extras else "") + str(specifier)


def declared_differences(project: Path, lock: Lock | None = None) -> list[str] | None:
    """How pyproject.toml's requirements (dependencies, extras, dependency groups,
    requires-python) differ from what uv.lock (``lock``, read from ``project`` when not
    given) records of them, compared without uv; None when they cannot be compared here
    (dynamic dependencies, a file that does not parse).

    Markers and ``[tool.uv]`` (constraints, overrides, sources) are not compared: a
    difference proves the lock stale, an empty list proves nothing."""
    from packaging.requirements import InvalidRequirement
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        pyproject = read_pyproject(project)
        if lock is None:
            lock = read_lock(project / "uv.lock")
    except (OSError, ValueError):
        return None
    if pyproject is None:
        return None
    table = pyproject.get("project")
    if not isinstance(table, dict) or "name" not in table:
        return None
    if {"dependencies", "optional-dependencies"} & set(table.get("dynamic") or []):
        return None
    name = normalize(str(table["name"]))
    root = next((p for p in lock.own if normalize(p.name) == name), None)
    if root is None:
        return [f"uv.lock has no package {name}"]
    differences: list[str] = []
    try:
        declared = _requirement_sets(table, pyproject)
        locked = _locked_sets(root.metadata)
        wanted, recorded = table.get("requires-python"), lock.requires_python
        if wanted and recorded:
            a, b = SpecifierSet(str(wanted)), SpecifierSet(str(recorded))
            if any(a.contains(v, prereleases=True) != b.contains(v, prereleases=True)
                   for v in _PYTHONS):  # fmt: skip
                differences.append(f"requires-python {wanted} (uv.lock: {recorded})")
    except (InvalidRequirement, InvalidSpecifier, KeyError, TypeError, AttributeError):
        return None
    # An extra or group without requirements may or may not be recorded (older uv).
    declared = {k: v for k, v in declared.items() if v or k == "dependencies"}
    locked = {k: v for k, v in locked.items() if v or k == "dependencies"}
    for where in sorted(set(declared) | set(locked)):
        new = sorted(map(_show, declared.get(where, set()) - locked.get(where, set())))
        old = sorted(map(_show, locked.get(where, set()) - declared.get(where, set())))
        if new or old:
            change = ", ".join(new) or "nothing"
            differences.append(f"{where}: {change} (uv.lock: {', '.join(old) or 'nothing'})")
    return differences


def _distinct(packages: list[Locked]) -> int:
    return len({normalize(p.name) for p in packages})


def pins(lock: Lock) -> str:
    """``47 packages``, or ``47 packages (57 entries)`` when uv locked some of them at
    several versions (one per Python version or platform of a resolution fork)."""
    distinct = _distinct(lock.packages)
    text = plural(distinct, "package")
    if distinct == len(lock.packages):
        return text
    return f"{text} ({len(lock.packages)} entries)"


@check(
    "lockfile",
    "The lockfile",
    depends_on=("project", "uv.lock", "pyproject.toml", "distributions", "tool:uv"),
    key_facts=("packages", "hashes", "fresh", "installed"),
)
@names_unreadable
def lockfile_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """Whether the project's ``uv.lock`` is there and readable, how many packages it
    pins, whether every downloaded distribution in it is hashed, whether it is fresh
    against ``pyproject.toml`` (``uv lock --check --offline``) and whether the installed
    distributions (the project's ``.venv``, else the running environment) have the
    locked versions. Without uv, or when uv cannot decide offline, pyproject.toml's
    requirements, extras, dependency groups and requires-python are compared with what
    uv.lock records of them: a difference proves the lock stale; no difference proves
    nothing (markers and ``[tool.uv]`` are not compared), so freshness stays not
    checked. Fails on a missing, unreadable or stale lock or a version mismatch; warns
    on unhashed distributions, packages installed by hand or a freshness uv could not
    decide offline. Skips outside a Python project."""
    project = ctx.project
    if not (project / "uv.lock").exists() and not (project / "pyproject.toml").exists():
        raise CheckSkipped(f"{project} has no pyproject.toml and no uv.lock")
    try:
        lock = _load_lock(project)
    except FileNotFoundError:
        return Outcome(
            Status.FAIL,
            "no uv.lock: this environment cannot be reproduced exactly; run `uv lock` and "
            "commit uv.lock",
            {"lockfile": "missing"},
        )
    except LockError as err:
        return Outcome(Status.FAIL, f"uv.lock cannot be read: {err}", {"lockfile": "unreadable"})
    found = Findings(_lock_facts(lock))
    _hashes(lock, found)
    fresh = _fresh(project, lock, found)
    env = project_environment(project)
    _installed(lock, env, found)
    return found.outcome(
        f"uv.lock pins {pins(lock)}, all hashed, "
        + ("fresh, " if fresh else "")
        + f"and {env.label} matches it"
    )


def _lock_facts(lock: Lock) -> dict[str, str]:
    distinct = _distinct(lock.packages)
    several = len(lock.packages) != distinct
    return {
        "lockfile": f"uv.lock, format version {lock.version} (read with {lock.parser})",
        "packages": f"{distinct} ({_distinct(lock.third_party)} third-party, "
        f"{len(lock.own)} the project's own)"
        + (f"; {len(lock.packages)} entries: some locked at several versions" if several else ""),
        "requires-python": lock.requires_python or "(not recorded)",
        "resolution forks": str(lock.forks),
    }


def _hashes(lock: Lock, found: Findings) -> None:
    third = lock.third_party
    artifacts = sum(p.artifacts for p in third)
    hashed = sum(p.hashed for p in third)
    unhashed = sorted({p.name for p in third if p.hashed < p.artifacts})
    unpinned = sorted({p.name for p in third if p.artifacts == 0})
    found.facts["hashes"] = f"{hashed} of {artifacts} distributions (sdists and wheels) hashed"
    if unhashed:
        found.facts["unhashed"] = shorten(unhashed, 5)
        found.warns.append(
            f"{plural(len(unhashed), 'package')} without hashes ({shorten(unhashed, 3)})"
        )
    if unpinned:
        found.facts["no artifacts"] = (
            f"{shorten(unpinned, 5)} (git, path, directory or editable sources)"
        )


def _fresh(project: Path, lock: Lock, found: Findings) -> bool:
    """Whether uv found the lock fresh; a stale lock fails, one uv could not decide warns."""
    state, text = _freshness(project, lock)
    stale = "uv.lock is out of date with pyproject.toml (run `uv lock`)"
    if state in ("unknown", "unchecked"):
        # Without uv's answer, compare what pyproject.toml asks for with what uv.lock
        # records of it: an edited requirement is the usual reason for a stale lock.
        # Markers and [tool.uv] are not compared, so a difference proves the lock stale
        # and no difference proves nothing: the outcome stays uv's "not checked".
        differences = declared_differences(project, lock)
        why = "uv is not installed" if state == "unchecked" else "uv could not check offline"
        if differences is not None:
            found.facts["uv lock --check"] = text
        if differences:
            state = "stale"
            text = (
                f"out of date: {shorten(differences, 2)} ({why}; compared pyproject.toml "
                "with uv.lock's record of it)"
            )
            stale = f"uv.lock is out of date with pyproject.toml ({differences[0]}): run `uv lock`"
        elif differences is not None:
            found.facts["requirements"] = (
                "no difference found between pyproject.toml's requirements and uv.lock's "
                "record of them (markers, [tool.uv] not compared)"
            )
    found.facts["fresh"] = text
    if state == "stale":
        found.fails.append(stale)
    elif state == "unknown":
        found.warns.append("uv could not check offline whether uv.lock is fresh")
    return state == "fresh"


def _installed(lock: Lock, env: Environment, found: Findings) -> None:
    """The installed distributions against the locked versions."""
    installed = env.installed()
    # Every locked name counts, with or without a version: uv records none for a
    # path, directory or editable source whose version is dynamic.
    locked: dict[str, list[str]] = {}
    for package in lock.third_party:
        versions = locked.setdefault(normalize(package.name), [])
        if package.version:
            versions.append(package.version)
    own = {normalize(p.name) for p in lock.own}
    mismatched = [
        f"{dist_name(dist)} {dist.version} (locked {' or '.join(versions)})"
        for name, versions in sorted(locked.items())
        if (dist := installed.get(name)) is not None and versions
        and not any(_version_equal(dist.version, v) for v in versions)
    ]  # fmt: skip
    missing = [n for n in locked if n not in installed]
    extra = sorted(
        dist_name(d) for n, d in installed.items() if n not in locked and n not in own
        and n not in ("pip", "setuptools", "wheel")
    )  # fmt: skip
    facts = found.facts
    facts["environment"] = f"{env.prefix} ({env.label})"
    matching = len(locked) - len(missing) - len(mismatched)
    facts["installed"] = f"{matching} of {len(locked)} locked packages at the locked version"
    unversioned = sorted(n for n, v in locked.items() if not v and n in installed)
    if unversioned:
        facts["installed"] += (
            f" ({shorten(unversioned, 3)}: from a local source whose version uv does not lock)"
        )
    if missing:
        facts["not installed"] = (
            f"{len(missing)} (other platforms, Python versions, extras or groups)"
        )
    if mismatched:
        facts["version mismatches"] = shorten(mismatched, 5)
        found.fails.append(
            f"{plural(len(mismatched), 'installed package')} "
            f"{'differs' if len(mismatched) == 1 else 'differ'} from the lock "
            f"({shorten(mismatched, 2)}): run `uv sync`"
        )
    if extra:
        facts["not in the lock"] = shorten(extra, 5)
        found.warns.append(
            f"{plural(len(extra), 'package')} installed outside the lock ({shorten(extra, 3)})"
        )


# --- freeze ----------------------------------------------------------------------------


def freeze_line(dist: metadata.Distribution) -> tuple[str, bool]:
    """(line, portable) as ``pip freeze`` would write it for ``dist``."""
    name = dist_name(dist)
    text = dist_text(dist, "direct_url.json")
    if text:
        try:
            direct = json.loads(text)
        except ValueError:
            direct = {}
        url = str(direct.get("url", ""))
        if direct.get("dir_info", {}).get("editable"):
            path = unquote(urlparse(url).path) if url.startswith("file:") else url
            return f"-e {path}", False
        if "vcs_info" in direct:
            info = direct["vcs_info"]
            return f"{name} @ {info.get('vcs', 'git')}+{url}@{info.get('commit_id', '')}", True
        if url.startswith("file:"):
            return f"{name} @ {url}", False
        if url:  # an archive from a URL
            return f"{name} @ {url}", True
    return f"{name}=={dist.version}", True


@check(
    "freeze",
    "A pip freeze of this environment, against the lockfile",
    depends_on=("project", "uv.lock", "distributions"),
    key_facts=("freeze lines", "hashes", "markers", "missing from the freeze"),
)
@names_unreadable
def freeze_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """What a ``pip freeze``-style capture of the environment (the project's ``.venv``,
    else the running one) records, measured with ``importlib.metadata`` (no pip
    needed), set against ``uv.lock``: the freeze has no hashes, no environment
    markers, no index URLs, no Python version, and only this platform's packages; the
    lock has them all. Warns when the freeze names local paths that exist only here."""
    env = project_environment(ctx.project)
    lines: list[tuple[str, str, bool]] = []
    for key, dist in sorted(env.installed().items()):
        if key == "pip":  # pip freeze leaves pip itself out
            continue
        line, portable = freeze_line(dist)
        lines.append((key, line, portable))
    try:
        lock: Lock | None = _load_lock(ctx.project)
    except (FileNotFoundError, LockError):
        lock = None
    own = {normalize(p.name) for p in lock.own} if lock else set()
    local = [line for key, line, portable in lines if not portable and key not in own]
    # The project's own `-e <path>` (uv installs it so): expected, but a path that
    # exists only on this machine all the same, so the freeze cannot rebuild it.
    own_local = [line for key, line, portable in lines if not portable and key in own]
    pinned = sum(1 for _key, line, portable in lines if portable and "==" in line)
    urls = sum(1 for _key, line, portable in lines if portable and "==" not in line)
    facts = {
        "environment": f"{env.prefix} ({env.label})",
        "freeze lines": f"{len(lines)} ({_line_kinds(pinned, urls, len(local) + len(own_local))})",
    }
    if own_local:
        facts["the project's own"] = f"{shorten(own_local, 2)}: a path on this machine only"
    details = "\n".join(line for _key, line, _portable in lines)
    _against_the_lock(lock, {key for key, _line, _portable in lines}, own, facts)
    if local:
        facts["local paths"] = shorten(local, 3)
        return Outcome(
            Status.WARN,
            f"the freeze names {plural(len(local), 'local path')} that "
            f"{'exists' if len(local) == 1 else 'exist'} only on this machine: it cannot "
            "rebuild this environment elsewhere",
            facts,
            details,
        )
    summary = _freeze_summary(_line_kinds(pinned, urls, 0), own_local, lock)
    return Outcome(Status.PASS, summary, facts, details)


def _freeze_summary(recorded: str, own_local: list[str], lock: Lock | None) -> str:
    """What the freeze records (``recorded``: its kinds of lines), set against the lock."""
    if own_local:
        # In backticks: a page shows it as code, and a terminal keeps it on one line.
        quoted = [f"`{line}`" for line in own_local]
        paths = "a path" if len(own_local) == 1 else "paths"
        recorded += f" and {shorten(quoted, 1)}, {paths} only this machine has,"
    if lock is None:
        summary = f"a freeze records {recorded}: no hashes, no markers, no Python version"
    else:
        summary = (
            f"a freeze records {recorded} and nothing else; "
            f"uv.lock pins {pins(lock)} with "
            f"{plural(sum(p.hashed for p in lock.third_party), 'hash', 'hashes')} and "
            f"{plural(lock.forks, 'resolution fork')}"
        )
    return summary


def _against_the_lock(
    lock: Lock | None, frozen: set[str], own: set[str], facts: dict[str, str]
) -> None:
    """What the lock records that the freeze (``frozen``: its names) does not."""
    if lock is None:
        facts["lockfile"] = "none to compare (no readable uv.lock)"
        facts["hashes"] = "freeze: none"
        facts["markers"] = "freeze: none (one platform's result)"
        return
    locked = {normalize(p.name) for p in lock.third_party}
    hashed = sum(p.hashed for p in lock.third_party)
    markers = sum(p.markers for p in lock.packages)
    missing = sorted(locked - frozen)
    facts["lock packages"] = pins(lock)
    facts["hashes"] = f"lock: {hashed}; freeze: none"
    facts["markers"] = (
        f"lock: {markers} dependency markers, {lock.forks} resolution forks; freeze: none"
    )
    facts["python"] = f"lock: {lock.requires_python or '-'}; freeze: not recorded"
    facts["index"] = "lock: each package's source; freeze: not recorded"
    facts["missing from the freeze"] = (
        f"{len(missing)} locked packages ({shorten(missing, 4)}): other platforms, "
        "Python versions, extras or groups"
        if missing
        else "none"
    )
    extra = sorted(frozen - locked - own)
    if extra:
        facts["only in the freeze"] = shorten(extra, 5)


def _line_kinds(pinned: int, urls: int, paths: int) -> str:
    """``52 name==version lines, 1 URL line, 1 local path``."""
    kinds = [plural(pinned, "name==version line")]
    if urls:
        kinds.append(plural(urls, "URL line"))
    if paths:
        kinds.append(plural(paths, "local path"))
    return ", ".join(kinds)
