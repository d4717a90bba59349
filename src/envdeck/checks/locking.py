"""Reproducibility checks: ``lockfile`` (uv.lock) and ``freeze`` (a pip-freeze-style capture)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from .base import CheckContext, CheckSkipped, Outcome, Status, ToolMissing, check
from .tools import (
    dist_name,
    distributions,
    normalize,
    plural,
    project_venv,
    run,
    shorten,
    site_dirs,
    tool_path,
)
from .uvlock import Lock, LockError, read_lock


@dataclass(frozen=True)
class Environment:
    """The environment whose installed distributions are compared with the lock."""

    label: str
    prefix: Path
    site_dirs: tuple[Path, ...]

    def installed(self) -> dict[str, metadata.Distribution]:
        return {normalize(dist_name(d)): d for d in distributions(list(self.site_dirs))}


def project_environment(project: Path) -> Environment:
    """The project's ``.venv`` when it has one, else the environment running the build."""
    venv = project_venv(project)
    if (venv / "pyvenv.cfg").is_file():
        candidates = [
            *sorted(venv.glob("lib/python*/site-packages")),
            *sorted(venv.glob("lib64/python*/site-packages")),  # often a link to lib
            venv / "Lib" / "site-packages",
        ]
        dirs: dict[Path, Path] = {}
        for candidate in candidates:
            if candidate.is_dir():
                dirs.setdefault(candidate.resolve(), candidate)
        return Environment(f"the project's {venv.name}", venv, tuple(dirs.values()))
    return Environment("the running environment", Path(sys.prefix), tuple(site_dirs()))


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


def _freshness(project: Path) -> tuple[str, str]:
    """(state, text): state is "fresh", "stale", "unknown" or "unchecked"."""
    try:
        uv = tool_path("uv")
    except ToolMissing as err:
        return "unchecked", f"not checked: {err}"
    # --offline: a build must not reach the network; --check writes nothing.
    checked = run(
        [uv, "lock", "--check", "--offline", "--no-python-downloads", "--python",
         sys.executable, "--quiet"],
        cwd=project,
    )  # fmt: skip
    if checked.ok:
        return "fresh", "up to date with pyproject.toml (uv lock --check)"
    output = checked.output
    if "needs to be updated" in output:
        return "stale", "out of date: pyproject.toml asks for something else (uv lock --check)"
    first = output.splitlines()[0] if output else f"exit {checked.returncode}"
    return "unknown", f"could not be checked offline: {first.removeprefix('error: ')}"


@check(
    "lockfile",
    "The lockfile",
    depends_on=("project", "uv.lock", "pyproject.toml", "distributions", "tool:uv"),
    key_facts=("packages", "hashes", "fresh", "installed"),
)
def lockfile_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """Whether the project's ``uv.lock`` is there and readable, how many packages it
    pins, whether every downloaded distribution in it is hashed, whether it is fresh
    against ``pyproject.toml`` (``uv lock --check --offline``, when uv is installed) and
    whether the installed distributions (the project's ``.venv``, else the running
    environment) have the locked versions. Fails on a missing, unreadable or stale lock
    or a version mismatch; warns on unhashed distributions, packages installed by hand
    or a freshness uv could not decide offline. Skips outside a Python project."""
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
    fails: list[str] = []
    warns: list[str] = []
    third = lock.third_party
    facts = {
        "lockfile": f"uv.lock, format version {lock.version} (read with {lock.parser})",
        "packages": f"{len(lock.packages)} ({len(third)} third-party, {len(lock.own)} the "
        "project's own)",
        "requires-python": lock.requires_python or "(not recorded)",
        "resolution forks": str(lock.forks),
    }
    artifacts = sum(p.artifacts for p in third)
    hashed = sum(p.hashed for p in third)
    unhashed = sorted({p.name for p in third if p.hashed < p.artifacts})
    unpinned = sorted({p.name for p in third if p.artifacts == 0})
    facts["hashes"] = f"{hashed} of {artifacts} distributions (sdists and wheels) hashed"
    if unhashed:
        facts["unhashed"] = shorten(unhashed, 5)
        warns.append(f"{plural(len(unhashed), 'package')} without hashes ({shorten(unhashed, 3)})")
    if unpinned:
        facts["no artifacts"] = f"{shorten(unpinned, 5)} (git, path or directory sources)"

    state, text = _freshness(project)
    facts["fresh"] = text
    if state == "stale":
        fails.append("uv.lock is out of date with pyproject.toml (run `uv lock`)")
    elif state == "unknown":
        warns.append("uv could not check offline whether uv.lock is fresh")

    env = project_environment(project)
    installed = env.installed()
    locked: dict[str, list[str]] = {}
    for package in third:
        if package.version:
            locked.setdefault(normalize(package.name), []).append(package.version)
    own = {normalize(p.name) for p in lock.own}
    mismatched = []
    for name, versions in sorted(locked.items()):
        dist = installed.get(name)
        if dist is None:
            continue
        version = dist.version
        if not any(_version_equal(version, v) for v in versions):
            mismatched.append(f"{dist_name(dist)} {version} (locked {' or '.join(versions)})")
    missing = [n for n in locked if n not in installed]
    extra = sorted(
        dist_name(d) for n, d in installed.items() if n not in locked and n not in own
        and n not in ("pip", "setuptools", "wheel")
    )  # fmt: skip
    facts["environment"] = f"{env.prefix} ({env.label})"
    matching = len(locked) - len(missing) - len(mismatched)
    facts["installed"] = f"{matching} of {len(locked)} locked packages at the locked version"
    if missing:
        facts["not installed"] = (
            f"{len(missing)} (other platforms, Python versions, extras or groups)"
        )
    if mismatched:
        facts["version mismatches"] = shorten(mismatched, 5)
        fails.append(
            f"{plural(len(mismatched), 'installed package')} differ from the lock "
            f"({shorten(mismatched, 2)}): run `uv sync`"
        )
    if extra:
        facts["not in the lock"] = shorten(extra, 5)
        warns.append(
            f"{plural(len(extra), 'package')} installed outside the lock ({shorten(extra, 3)})"
        )

    if fails:
        return Outcome(Status.FAIL, "; ".join(fails), facts)
    if warns:
        return Outcome(Status.WARN, "; ".join(warns), facts)
    return Outcome(
        Status.PASS,
        f"uv.lock pins {len(lock.packages)} packages, all hashed, "
        + ("fresh, " if state == "fresh" else "")
        + f"and {env.label} matches it",
        facts,
    )


# --- freeze ----------------------------------------------------------------------------


def freeze_line(dist: metadata.Distribution) -> tuple[str, bool]:
    """(line, portable) as ``pip freeze`` would write it for ``dist``."""
    name = dist_name(dist)
    text = dist.read_text("direct_url.json")
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
    return f"{name}=={dist.version}", True


@check(
    "freeze",
    "A pip freeze of this environment, against the lockfile",
    depends_on=("project", "uv.lock", "distributions"),
    key_facts=("freeze lines", "hashes", "markers", "missing from the freeze"),
)
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
    facts = {
        "environment": f"{env.prefix} ({env.label})",
        "freeze lines": str(len(lines)),
    }
    details = "\n".join(line for _key, line, _portable in lines)
    if lock is None:
        facts["lockfile"] = "none to compare (no readable uv.lock)"
        facts["hashes"] = "freeze: none"
        facts["markers"] = "freeze: none (one platform's result)"
    else:
        locked = {normalize(p.name) for p in lock.third_party}
        frozen = {key for key, _line, _portable in lines}
        hashed = sum(p.hashed for p in lock.third_party)
        markers = sum(p.markers for p in lock.packages)
        missing = sorted(locked - frozen)
        facts["lock packages"] = str(len(lock.packages))
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
    if lock is None:
        summary = (
            f"a freeze records {plural(len(lines), 'name==version line')}: no hashes, no markers, "
            "no Python version"
        )
    else:
        summary = (
            f"a freeze records {plural(len(lines), 'name==version line')} and nothing else; "
            f"uv.lock pins "
            f"{len(lock.packages)} packages with {sum(p.hashed for p in lock.third_party)} "
            f"hashes and {lock.forks} resolution forks"
        )
    return Outcome(Status.PASS, summary, facts, details)
