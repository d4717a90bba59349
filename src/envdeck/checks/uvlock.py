"""Just enough of ``uv.lock`` for the ``lockfile`` and ``freeze`` checks, read with
the checks' TOML reader (:mod:`~envdeck.checks.toml`): a broken file is caught with
its line."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import toml, usercache
from .tools import normalize


class LockError(ValueError):
    """uv.lock cannot be read."""


@dataclass
class Locked:
    """One ``[[package]]`` of uv.lock."""

    name: str
    version: str | None
    #: "registry", "editable", "virtual", "git", "path", "directory", "url", ...
    source: str
    #: where it comes from: the source's value ("." for the project itself, a path,
    #: a URL); "" when not read
    location: str = ""
    #: sdist and wheels listed for it
    artifacts: int = 0
    #: of those, how many carry a hash
    hashed: int = 0
    #: dependency edges guarded by an environment marker
    markers: int = 0
    #: its ``[package.metadata]`` table (what uv recorded of the project's declared
    #: requirements)
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class Lock:
    version: str | None = None
    requires_python: str | None = None
    #: resolution forks (one per Python version / platform range)
    forks: int = 0
    packages: list[Locked] = field(default_factory=list)
    #: "tomllib" or "tomli"
    parser: str = ""
    #: the workspace's members (``[manifest] members``), normalised names
    members: frozenset[str] = frozenset()

    def is_own(self, package: Locked) -> bool:
        """The project itself or a member of its workspace, not a dependency (an
        editable path dependency is editable too, but not the project's own)."""
        if package.source not in ("editable", "virtual"):
            return False
        return package.location in (".", "") or normalize(package.name) in self.members

    @property
    def own(self) -> list[Locked]:
        """The project's own packages: the project and its workspace members."""
        return [p for p in self.packages if self.is_own(p)]

    @property
    def third_party(self) -> list[Locked]:
        """Everything else: from an index, a path, a git repository or a URL."""
        return [p for p in self.packages if not self.is_own(p)]


def read_lock(path: Path) -> Lock:
    """Read ``path``; :class:`LockError` when it is not a lockfile uv wrote.

    Parsed once per process while the file is unchanged (``lockfile`` and ``freeze``
    both read it), and kept between runs (:func:`_parsed_or_kept`); each caller gets
    its own copy.
    """
    data = path.read_bytes()
    # Keyed on the content: a file rewritten within the clock's granularity keeps
    # its modification time.
    key = hashlib.sha256(data).hexdigest()
    with _READ_LOCK:
        lock = _READ.get(key)
    if lock is None:
        lock = _parsed_or_kept(path.name, data, key)
        with _READ_LOCK:
            _READ.clear()  # one lockfile at a time is the common case
            _READ[key] = lock
    return copy.deepcopy(lock)


_READ: dict[str, Lock] = {}
_READ_LOCK = threading.Lock()


def _parsed_or_kept(name: str, data: bytes, digest: str) -> Lock:
    """The lock as an earlier run parsed it, kept on its content's hash: TOML parsed
    in pure Python costs a lockfile of 100 packages 0.1 s, its JSON a millisecond."""
    key = usercache.key_of("uv-lock", digest, toml.READER, usercache.module_stamp(__name__))
    kept = usercache.load("uv-lock", key)
    if isinstance(kept, dict):
        with contextlib.suppress(KeyError, TypeError, ValueError):
            return _from_kept(kept)
    lock = _parse(name, data)  # a LockError is raised, not kept
    record = dataclasses.asdict(lock)
    record["members"] = sorted(lock.members)
    try:
        json.dumps(record)
    except (TypeError, ValueError):  # a TOML date in a package's metadata: not kept
        return lock
    usercache.store("uv-lock", key, record)
    return lock


def _from_kept(record: dict[str, Any]) -> Lock:
    packages = [Locked(**package) for package in record.pop("packages")]
    return Lock(**{**record, "members": frozenset(record["members"]), "packages": packages})


def _parse(name: str, data: bytes) -> Lock:
    try:
        text = data.decode("utf8")
    except UnicodeDecodeError as err:
        raise LockError(f"{name} is not UTF-8 text: {err}") from None
    try:
        table = toml.loads(text)
    except toml.TOMLDecodeError as err:
        raise LockError(f"not valid TOML: {err}") from None
    return _from_table(table)


def _from_table(data: dict[str, Any]) -> Lock:
    if "version" not in data:
        raise LockError("no lockfile `version`: not a uv.lock")
    lock = Lock(
        version=str(data["version"]),
        requires_python=data.get("requires-python"),
        forks=len(data.get("resolution-markers", [])),
        parser=toml.READER,
        members=frozenset(
            normalize(str(m)) for m in (data.get("manifest") or {}).get("members") or []
        ),
    )
    lock.packages = [_locked(entry) for entry in data.get("package", [])]
    return lock


def _locked(entry: Any) -> Locked:
    """One ``[[package]]`` table."""
    if not isinstance(entry, dict) or "name" not in entry:
        raise LockError("a [[package]] without a name")
    artifacts = [entry["sdist"]] if isinstance(entry.get("sdist"), dict) else []
    artifacts += [w for w in entry.get("wheels", []) if isinstance(w, dict)]
    deps: list[Any] = list(entry.get("dependencies", []))
    for extra in (entry.get("optional-dependencies") or {}).values():
        deps += extra
    for group in (entry.get("dev-dependencies") or {}).values():
        deps += group
    source = entry.get("source")
    if not isinstance(source, dict):
        source = {}
    return Locked(
        name=str(entry["name"]),
        version=str(entry["version"]) if "version" in entry else None,
        source=next(iter(source), "unknown"),
        location=str(next(iter(source.values()), "")),
        artifacts=len(artifacts),
        hashed=sum(1 for a in artifacts if a.get("hash")),
        markers=sum(1 for d in deps if isinstance(d, dict) and d.get("marker")),
        metadata=entry["metadata"] if isinstance(entry.get("metadata"), dict) else {},
    )
