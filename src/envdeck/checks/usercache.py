"""What the costly checks keep between runs, in the user's cache directory.

Each answer is kept under a key made of what would change it:

* ``uv.lock`` as parsed: its content;
* ``venv-relocation``'s experiment: the interpreter, the tool, the shell, ``PATH``
  and the check's code;
* ``packages``' import probe: the interpreter, ``sys.path`` and the installed
  distributions; ``jupyter``'s kernel search: its folders and settings;
* ``lockfile``'s ``uv lock --check`` answer: the files uv reads, its settings and
  uv itself;
* ``system-libs``' walk for extension modules: the distributions installed (an
  install, uninstall or reinstall changes a ``*.dist-info`` folder), and used only
  while every module found is still there.  A module copied into the venv by hand,
  outside any install, is found at the next install;
* ``system-libs``' reading of each module's ELF headers: every module's file;
* ``system-libs``' ldd listings: the modules, ldd and the loader's settings, used
  only while every library they name is the same file;
* ``gpu``'s "libcuda cannot be loaded", on Linux: the loader's cache, its folders and
  ``LD_LIBRARY_PATH``'s, the NVIDIA device files and the interpreter (a library found
  is never kept: the GPUs are asked every time).

Keys are hashes.  An ldd listing names library files as ldd printed them, some
under the venv: it stays on this machine, and a result never names this directory.

The directory: ``$ENVDECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/envdeck``, else the
platform's cache directory.  A directory that cannot be written turns the cache
off: the checks then do their work every time, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import __version__

#: Bumped when what is kept changes shape.
VERSION = "1"


def cache_dir() -> Path:
    explicit = os.environ.get("ENVDECK_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "envdeck"
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "envdeck"
    if os.name == "nt":
        local = os.environ.get("LOCALAPPDATA")
        return (Path(local) if local else home / "AppData" / "Local") / "envdeck" / "Cache"
    return home / ".cache" / "envdeck"


def module_stamp(name: str) -> list[Any]:
    """envdeck's version and the file of module ``name``: what was kept of that code's
    work is stale once envdeck is upgraded or the file edited."""
    path = getattr(sys.modules.get(name), "__file__", None)
    stamp: list[Any] = [__version__]
    if path:
        try:
            st = os.stat(path)
            stamp += [st.st_mtime_ns, st.st_size]
        except OSError:
            pass
    return stamp


def key_of(*parts: Any) -> str:
    """A short hash of ``parts`` (JSON-able), as a file name."""
    blob = json.dumps([VERSION, *parts], sort_keys=True, default=str).encode("utf8")
    return hashlib.sha256(blob).hexdigest()[:24]


def entry(kind: str, key: str) -> Path | None:
    """``<cache>/<kind>/<key>``, its parent made; None when it cannot be made."""
    folder = cache_dir() / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder / key


def load(kind: str, key: str) -> Any:
    """The JSON value stored under ``kind``/``key``; None when there is none."""
    path = entry(kind, key)
    if path is None:
        return None
    try:
        return json.loads(path.with_suffix(".json").read_text("utf8"))
    except (OSError, ValueError):
        return None


def store(kind: str, key: str, value: Any) -> None:
    """Keep ``value`` (JSON-able) under ``kind``/``key``; silently not, if unwritable."""
    path = entry(kind, key)
    if path is not None:
        write_whole(path.with_suffix(".json"), json.dumps(value).encode("utf8"))


def write_whole(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` whole, then rename it into place: a concurrent
    reader sees the old file or the new one.  Silently nothing, if unwritable."""
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on ``path``.lock; yields False where locks are unavailable
    (the caller then works without the cache)."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield False
        return
    try:
        handle = open(path.with_suffix(".lock"), "a+")  # noqa: SIM115 (held across the yield)
    except OSError:
        yield False
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
