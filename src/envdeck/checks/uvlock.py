"""Just enough of ``uv.lock`` for the ``lockfile`` and ``freeze`` checks.

On Python 3.11+ the file is parsed with :mod:`tomllib` (so a broken file is
caught with its line), on Python 3.10 with ``tomli`` when it is installed; with
neither (envdeck adds no dependency for it), a small line-based reader takes what
the checks need from the layout uv writes.  Both give a :class:`Lock`.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .tools import normalize

# The one TOML reader of the checks (uv.lock here, pyproject.toml in locking.py).
try:
    import tomllib
except ImportError:  # Python 3.10: tomli when something installed it (Sphinx does)
    try:
        import tomli as tomllib  # type: ignore[no-redef]
    except ImportError:
        tomllib = None  # type: ignore[assignment]


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
    #: requirements); None when read with the line reader
    metadata: dict[str, Any] | None = field(default=None, compare=False, repr=False)


@dataclass
class Lock:
    version: str | None = None
    requires_python: str | None = None
    #: resolution forks (one per Python version / platform range)
    forks: int = 0
    packages: list[Locked] = field(default_factory=list)
    #: "tomllib", "tomli" or "line reader (Python 3.10)"
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


def read_lock(path: Path, *, force_line_reader: bool = False) -> Lock:
    """Read ``path``; :class:`LockError` when it is not a lockfile uv wrote.

    Parsed once per process while the file is unchanged (``lockfile`` and ``freeze``
    both read it); each caller gets its own copy.
    """
    data = path.read_bytes()
    # Keyed on the content: a file rewritten within the clock's granularity keeps
    # its modification time.
    key = (hashlib.sha256(data).hexdigest(), force_line_reader)
    with _READ_LOCK:
        lock = _READ.get(key)
    if lock is None:
        lock = _parse(path.name, data, force_line_reader)
        with _READ_LOCK:
            _READ.clear()  # one lockfile at a time is the common case
            _READ[key] = lock
    return copy.deepcopy(lock)


_READ: dict[tuple[str, bool], Lock] = {}
_READ_LOCK = threading.Lock()


def _parse(name: str, data: bytes, force_line_reader: bool) -> Lock:
    try:
        text = data.decode("utf8")
    except UnicodeDecodeError as err:
        raise LockError(f"{name} is not UTF-8 text: {err}") from None
    if tomllib is not None and not force_line_reader:
        return _from_toml(text)
    return _from_lines(text)


def _from_toml(text: str) -> Lock:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise LockError(f"not valid TOML: {err}") from None
    if "version" not in data:
        raise LockError("no lockfile `version`: not a uv.lock")
    lock = Lock(
        version=str(data["version"]),
        requires_python=data.get("requires-python"),
        forks=len(data.get("resolution-markers", [])),
        parser=tomllib.__name__,
        members=frozenset(
            normalize(str(m)) for m in (data.get("manifest") or {}).get("members") or []
        ),
    )
    for entry in data.get("package", []):
        if not isinstance(entry, dict) or "name" not in entry:
            raise LockError("a [[package]] without a name")
        artifacts = [entry["sdist"]] if isinstance(entry.get("sdist"), dict) else []
        artifacts += [w for w in entry.get("wheels", []) if isinstance(w, dict)]
        deps: list[Any] = list(entry.get("dependencies", []))
        for extra in (entry.get("optional-dependencies") or {}).values():
            deps += extra
        for group in (entry.get("dev-dependencies") or {}).values():
            deps += group
        source = entry.get("source") or {}
        lock.packages.append(
            Locked(
                name=str(entry["name"]),
                version=str(entry["version"]) if "version" in entry else None,
                source=next(iter(source), "unknown") if isinstance(source, dict) else "unknown",
                location=str(next(iter(source.values()), "")) if isinstance(source, dict) else "",
                artifacts=len(artifacts),
                hashed=sum(1 for a in artifacts if a.get("hash")),
                markers=sum(1 for d in deps if isinstance(d, dict) and d.get("marker")),
                metadata=entry["metadata"] if isinstance(entry.get("metadata"), dict) else {},
            )
        )
    return lock


_HEADER = re.compile(r"\[\[([A-Za-z0-9_.-]+)\]\]|\[([A-Za-z0-9_.-]+)\]")
_KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*=\s*(.*)$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _from_lines(text: str) -> Lock:
    lock = Lock(parser="line reader (Python 3.10)")
    current: Locked | None = None
    table = ""  # the table the lines belong to
    array_key = ""  # a multi-line array being read
    depth = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if depth > 0:
            depth += _brackets(line)
            _array_line(current, array_key, table, line, lock)
            continue
        if line.startswith("["):
            header = _HEADER.fullmatch(line)
            if not header:
                raise LockError(f"line {number}: not a table header: {line[:60]!r}")
            table = header.group(1) or header.group(2)
            if line == "[[package]]":
                current = Locked(name="", version=None, source="unknown")
                lock.packages.append(current)
            elif not table.startswith("package."):
                current = None
            continue
        match = _KEY.match(line)
        if not match:
            raise LockError(f"line {number}: cannot read {raw.strip()[:60]!r}")
        key, value = match.groups()
        if len(re.findall(r'(?<!\\)"', value)) % 2:
            raise LockError(f"line {number}: an unclosed string")
        depth = _brackets(value)
        array_key = key
        if table == "" and key == "version":
            lock.version = value.strip()
        elif table == "" and key == "requires-python":
            lock.requires_python = _first_string(value)
        elif table == "" and key == "resolution-markers":
            lock.forks += len(_STRING.findall(value))
        elif table == "package" and current is not None:
            if key == "name":
                current.name = _first_string(value) or ""
            elif key == "version":
                current.version = _first_string(value)
            elif key == "source":
                found = re.match(r"\{\s*([A-Za-z-]+)\s*=", value)
                current.source = found.group(1) if found else "unknown"
                current.location = _first_string(value) or ""
            elif key in ("sdist", "wheels", "dependencies"):
                _array_line(current, key, table, value, lock)
        elif table == "manifest" and key == "members":
            _array_line(current, key, table, value, lock)
        elif current is not None and table in (
            "package.optional-dependencies",
            "package.dev-dependencies",
        ):
            _array_line(current, "dependencies", "package", value, lock)
    if depth > 0:
        raise LockError("an array is not closed at the end of the file")
    if lock.version is None:
        raise LockError("no lockfile `version`: not a uv.lock")
    for package in lock.packages:
        if not package.name:
            raise LockError("a [[package]] without a name")
    return lock


def _array_line(current: Locked | None, key: str, table: str, text: str, lock: Lock) -> None:
    if table == "" and key == "resolution-markers":
        lock.forks += len(_STRING.findall(text))
        return
    if table == "manifest" and key == "members":
        lock.members |= {normalize(name) for name in _STRING.findall(text)}
        return
    if current is None:
        return
    if key in ("sdist", "wheels") and table == "package":
        entries = re.findall(r"\{[^{}]*\}", text)
        current.artifacts += len(entries)
        current.hashed += sum(1 for e in entries if re.search(r'\bhash\s*=\s*"', e))
    elif key == "dependencies" or table in (
        "package.optional-dependencies",
        "package.dev-dependencies",
    ):
        current.markers += len(re.findall(r'\bmarker\s*=\s*"', text))


def _first_string(value: str) -> str | None:
    match = _STRING.search(value)
    return match.group(1) if match else None


def _brackets(text: str) -> int:
    """Net open ``[`` in ``text``, outside strings."""
    depth = 0
    for part in re.split(r'"(?:[^"\\]|\\.)*"', text):
        depth += part.count("[") - part.count("]")
    return depth
