"""Helpers the checks share: running programs, reading an environment's files."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import re
import shutil
import signal
import site
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .base import CheckContext, CheckFunc, Outcome, Status
from .errors import CheckTimeout, ToolMissing, remaining_time


@dataclass(frozen=True)
class Ran:
    """A finished program."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        return (self.stdout + self.stderr).strip()


def tool_path(tool: str, path: str | None = None) -> str:
    """Where ``tool`` is on PATH; :class:`ToolMissing` (a ``skip``) if it is not."""
    found = shutil.which(tool, path=path)
    if found is None:
        raise ToolMissing(tool)
    return found


def run(
    args: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    stdin: str | None = None,
) -> Ran:
    """Run a program (no shell), within the running check's time.

    A bare ``args[0]`` is looked up on PATH (:class:`ToolMissing` if absent); an
    explicit path that cannot be executed raises :class:`OSError`.  When the
    time is up, the program and everything it started are killed and
    :class:`CheckTimeout` is raised.
    """
    program = args[0]
    looked_up = os.sep not in program and not (os.altsep and os.altsep in program)
    if looked_up:
        program = tool_path(program)
    budget = remaining_time()
    if timeout is not None:
        budget = min(budget, timeout)
    full_env = _child_env(env, extra_env)
    try:
        proc = subprocess.Popen(
            [program, *args[1:]],
            cwd=cwd,
            env=full_env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            # its own process group, so a timeout kills what it started too
            start_new_session=os.name == "posix",
        )
    except FileNotFoundError:
        if looked_up:
            raise ToolMissing(Path(program).name) from None
        raise  # an explicit path: the caller says what its absence means
    try:
        stdout, stderr = proc.communicate(stdin, timeout=budget)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise CheckTimeout(f"{Path(program).name} did not finish") from None
    except BaseException:
        _kill(proc)
        raise
    return Ran(tuple(args), proc.returncode, stdout, stderr)


def _child_env(env: Mapping[str, str] | None, extra: Mapping[str, str] | None) -> dict[str, str]:
    full_env = dict(os.environ if env is None else env)
    # Messages in English, parseable; git must not wait for a password or take locks.
    full_env.update(
        {"LC_ALL": "C", "LANG": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    )
    full_env.update(extra or {})
    return full_env


def _kill(proc: subprocess.Popen[str]) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass
    with contextlib.suppress(subprocess.TimeoutExpired, ValueError, OSError):
        proc.communicate(timeout=2)


# --- this environment ---------------------------------------------------------------


def in_venv() -> bool:
    return sys.prefix != getattr(sys, "base_prefix", sys.prefix)


def project_venv(project: Path) -> Path:
    """Where the project's own venv is: ``.venv``, or uv's ``UV_PROJECT_ENVIRONMENT``."""
    configured = os.environ.get("UV_PROJECT_ENVIRONMENT")
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_absolute() else project / path
    return project / ".venv"


def site_dirs() -> list[Path]:
    """This environment's own site-packages (not PYTHONPATH, not a source checkout)."""
    dirs: list[str] = []
    # very old virtualenv's site.py has no getsitepackages
    with contextlib.suppress(AttributeError):
        dirs += site.getsitepackages()
    if site.ENABLE_USER_SITE and not in_venv():
        dirs.append(site.getusersitepackages())
    seen: dict[Path, Path] = {}
    for entry in dirs:
        path = Path(entry)
        if path.is_dir():
            seen.setdefault(path.resolve(), path)  # lib64 is often a link to lib
    return list(seen.values())


def normalize(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


#: the distributions the running check could not read (see :func:`names_unreadable`)
_UNREADABLE: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "envdeck_unreadable", default=None
)


def _note_unreadable(dist: metadata.Distribution, filename: str, err: Exception) -> None:
    noted = _UNREADABLE.get()
    if noted is None:
        return
    folder = getattr(dist, "_path", None)  # PathDistribution's own folder
    where = Path(folder).name if folder is not None else "a distribution"
    why = "is not UTF-8" if isinstance(err, UnicodeDecodeError) else f"({type(err).__name__})"
    noted.append(f"{where} ({filename} {why})")


class _ParsedOnce(metadata.PathDistribution):
    """A distribution whose METADATA is parsed once: ``importlib.metadata`` parses it
    again on every access to ``.metadata``, ``.version`` or ``.name``, and several
    checks read every installed distribution's."""

    @functools.cached_property
    def metadata(self) -> Any:  # type: ignore[override]
        return super().metadata


_DISTRIBUTIONS: dict[
    tuple[Any, ...],
    tuple[list[metadata.Distribution], list[tuple[metadata.Distribution, str, Exception]]],
] = {}
_DISTRIBUTIONS_LOCK = threading.Lock()


def distributions(paths: Sequence[Path] | None = None) -> Iterator[metadata.Distribution]:
    """The distributions installed in ``paths`` (default: this environment's site dirs),
    each once (the first found wins, as for imports).  One whose METADATA cannot be
    read is left out, and named by :func:`names_unreadable`.

    Read once per process for as long as the directories are unchanged (an install
    or removal changes a site directory's listing and time): the checks that run
    together (``envdeck check``, a build) share one reading.
    """
    search = [str(p) for p in (site_dirs() if paths is None else paths)]
    stamps: list[Any] = []
    for directory in search:
        # The names too: a directory's time has the clock's granularity.
        try:
            names = sorted(os.listdir(directory))
            stamps.append((directory, os.stat(directory).st_mtime_ns, tuple(names)))
        except OSError:
            stamps.append((directory, None))
    key = tuple(stamps)
    with _DISTRIBUTIONS_LOCK:
        found = _DISTRIBUTIONS.get(key)
        if found is None:
            unreadable: list[tuple[metadata.Distribution, str, Exception]] = []
            read = list(_read_distributions(search, unreadable))
            found = _DISTRIBUTIONS[key] = (read, unreadable)
    dists, unreadable = found
    # Named to every check that reads them, not only the first one.
    for dist, filename, err in unreadable:
        _note_unreadable(dist, filename, err)
    yield from dists


def _read_distributions(
    search: list[str], unreadable: list[tuple[metadata.Distribution, str, Exception]]
) -> Iterator[metadata.Distribution]:
    seen: set[str] = set()
    for found in metadata.distributions(path=search):
        path = getattr(found, "_path", None)
        dist = _ParsedOnce(path) if isinstance(found, metadata.PathDistribution) and path else found
        try:
            name = dist.metadata["Name"] if dist.metadata else None
        except (ValueError, OSError) as err:  # UnicodeDecodeError is a ValueError
            unreadable.append((dist, "METADATA", err))
            continue
        if not name:
            continue
        key = normalize(name)
        if key in seen:
            continue
        seen.add(key)
        yield dist


def dist_text(dist: metadata.Distribution, filename: str) -> str:
    """A file of a distribution's metadata folder; "" when it is missing or unreadable."""
    try:
        return dist.read_text(filename) or ""
    except (ValueError, OSError) as err:
        _note_unreadable(dist, filename, err)
        return ""


def names_unreadable(func: CheckFunc) -> CheckFunc:
    """For a check that reads installed distributions: one it could not read (its
    METADATA not UTF-8, say) is left out and named in a fact, and a pass becomes a warn,
    as the result is incomplete; the check itself goes on."""

    @functools.wraps(func)
    def checked(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
        token = _UNREADABLE.set([])
        try:
            outcome = func(ctx, options)
            unreadable = sorted(set(_UNREADABLE.get() or ()))
        finally:
            _UNREADABLE.reset(token)
        if unreadable and isinstance(outcome, Outcome):
            outcome.facts["unreadable metadata"] = shorten(unreadable, 3)
            if outcome.status is Status.PASS:
                outcome.status = Status.WARN
                outcome.summary += (
                    f"; but {plural(len(unreadable), 'distribution')} could not be read and "
                    f"{'is' if len(unreadable) == 1 else 'are'} left out ({shorten(unreadable, 2)})"
                )
        return outcome

    return checked


def dist_name(dist: metadata.Distribution) -> str:
    return str(dist.metadata["Name"])


def read_pyvenv_cfg(venv: Path) -> dict[str, str]:
    """The ``key = value`` lines of a venv's pyvenv.cfg (empty if it has none)."""
    values: dict[str, str] = {}
    try:
        text = (venv / "pyvenv.cfg").read_text("utf8", errors="replace")
    except OSError:
        return values
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values


def windows_layout(venv: Path) -> bool:
    """Whether ``venv`` has Windows' layout (``Scripts\\``, ``Lib\\site-packages``):
    made on Windows, here or on another machine it was copied from."""
    if os.name == "nt":
        return True
    return not (venv / "bin").is_dir() and (venv / "Scripts").is_dir()


def scripts_dir(venv: Path) -> Path:
    """``bin`` (POSIX) or ``Scripts`` (Windows) of a venv."""
    return venv / ("Scripts" if windows_layout(venv) else "bin")


def venv_program(venv: Path, name: str) -> Path:
    """A program of a venv: ``bin/NAME``, or ``Scripts\\NAME.exe`` on Windows."""
    return scripts_dir(venv) / (f"{name}.exe" if windows_layout(venv) else name)


def shorten(items: Sequence[str], limit: int = 8) -> str:
    """``a, b, c and 5 more``."""
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"
