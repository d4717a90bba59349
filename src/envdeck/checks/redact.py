"""Redaction: results are published, so nothing personal may reach them.

One :class:`Redactor` is applied to every result by :func:`~envdeck.checks.run_check`:

* the home directory becomes ``~`` (also where it is reached through a symlink);
* the user name becomes ``<user>`` and the host name ``<host>`` wherever they
  stand as a word (``/tmp/pytest-of-alice`` -> ``/tmp/pytest-of-<user>``);
* the value of an environment variable becomes ``$NAME``, unless the variable
  is in the allow-list.  A path value is replaced where it begins a path
  (``JUPYTER_PATH=/srv/acme/jupyter`` makes ``$JUPYTER_PATH/kernels/k1``; each
  entry of a list such as ``a:b`` likewise).  Left alone: short values (``1``,
  ``true``), numbers, a few variables whose values are ordinary public words
  (``TERM``, ``LANG``, ...) or name what the checks measure (``PATH``,
  ``VIRTUAL_ENV``, ...), and paths too shallow or too common to hide anything
  (``/``, ``/usr``, ``/tmp``, ``/usr/local``: see :func:`_redactable_path`), which
  as a prefix would garble every path in a result.  A value that is the home
  directory stays ``~``, and a path inside it is matched in its ``~`` form.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import os
import platform
import re
import socket
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import CheckResult

#: Values shorter than this are too common to be secret and too common to replace.
MIN_ENV_VALUE = 6

#: Variables whose values are public words; redacting them would garble other text.
PUBLIC_VARIABLES = frozenset(
    {
        "TERM",
        "COLORTERM",
        "TERM_PROGRAM",
        "LANG",
        "LANGUAGE",
        "SHELL",
        "SHLVL",
        "_",
        "PWD",
        "OLDPWD",
        "HOSTTYPE",
        "MACHTYPE",
        "OSTYPE",
        "PROCESSOR_ARCHITECTURE",
        "VIRTUAL_ENV_PROMPT",
        # Directories the checks measure and name (the venv, where programs are found);
        # hiding them would hide what the lesson shows.
        "UV_PROJECT_ENVIRONMENT",
        "VIRTUAL_ENV",
        "CONDA_PREFIX",
        "PATH",
        # Temporary directories: per-machine noise, not personal (on Windows they sit
        # in the home directory, which becomes ~).
        "TMPDIR",
        "TEMP",
        "TMP",
        "PYTHONIOENCODING",
        "XDG_SESSION_TYPE",
        "XDG_CURRENT_DESKTOP",
        "DESKTOP_SESSION",
        "PYTEST_CURRENT_TEST",
    }
)
PUBLIC_PREFIXES = ("LC_",)

#: numbers and versions (``3.11.7``, ``v2``, ``12.4.1+cu124``) are not secrets
_NUMBER = re.compile(r"[+-]?v?\d+(\.\d+)*([a-z+-][\w.+-]*)?", re.IGNORECASE)


def _word(text: str, flags: int = 0) -> re.Pattern[str]:
    # "a word": not glued to letters or digits on either side.
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(text)}(?![A-Za-z0-9])", flags)


def _path_prefix(path: str) -> re.Pattern[str]:
    # A path where it begins a path and ends at a separator: not inside another word,
    # and not /opt/acme inside /opt/acme-old.
    return re.compile(rf"(?<![\w.~-]){re.escape(path)}(?=$|[/\\\s'\":;,)\]}}])")


def _is_path_like(value: str) -> bool:
    parts = [p for p in value.split(os.pathsep) if p]
    return bool(parts) and all(
        p.startswith(("/", "~", "\\")) or re.match(r"[A-Za-z]:[\\/]", p) for p in parts
    )


#: Paths two levels deep that every machine of a kind has; a value naming one hides
#: nothing, and as a prefix it would turn most system paths into ``$NAME/...``.
SYSTEM_DIRS = frozenset(
    {
        "/usr/local", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/lib32",
        "/usr/libexec", "/usr/share", "/usr/include", "/usr/src", "/var/tmp", "/var/lib",
        "/var/cache", "/var/log", "/etc/ssl", "/opt/homebrew", "/opt/local", "/run/user",
        "/private/tmp", "/private/var", "/System/Library", "/Library/Frameworks",
    }
)  # fmt: skip


def _redactable_path(path: str) -> bool:
    """Whether a path value is worth hiding: at least two directories deep (``/`` and
    ``/usr``, ``/tmp``, ``/opt``, ``C:\\Users`` are not), at least
    :data:`MIN_ENV_VALUE` characters, and not one of :data:`SYSTEM_DIRS`."""
    rest = re.sub(r"^[A-Za-z]:", "", path)
    depth = len([part for part in re.split(r"[\\/]+", rest) if part])
    return depth >= 2 and len(path) >= MIN_ENV_VALUE and path not in SYSTEM_DIRS


def _path_forms(value: str, homes: set[str]) -> list[str]:
    """The forms a path value takes in a result after the home rule: as written and
    resolved, each inside a home directory as ``~/...``; none for a home itself, nor
    for the working directory (public as ``PWD``; pyenv copies it into ``PYENV_DIR``),
    nor for the running interpreter's prefixes and their ancestors (``PYENV_ROOT``,
    GitHub's ``pythonLocation``: the checks measure the interpreter's own paths)."""
    try:
        cwd = {os.getcwd(), os.path.realpath(os.getcwd())}
    except OSError:
        cwd = set()
    measured = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable)}
    interpreter = {os.path.realpath(p) for p in measured if p} | {p for p in measured if p}

    def interpreters(form: str) -> bool:
        """``form`` is one of the interpreter's prefixes or an ancestor of one."""
        return any(p == form or p.startswith((form + "/", form + "\\")) for p in interpreter)

    forms: list[str] = []
    for entry in value.split(os.pathsep):
        entry = os.path.expanduser(entry.strip())
        if not entry:
            continue
        for form in dict.fromkeys([entry, os.path.realpath(entry)]):
            form = form.rstrip("/\\") or form
            if form in homes or form in cwd or interpreters(form):
                continue  # the home rule makes a home ~
            for home in sorted(homes, key=len, reverse=True):
                if form.startswith(home) and form[len(home)] in "/\\":
                    form = "~" + form[len(home) :]
                    break
            if form.startswith("~") or _redactable_path(form):
                forms.append(form)
    return forms


def _user_names() -> set[str]:
    names = {os.environ.get(var, "") for var in ("USER", "LOGNAME", "USERNAME", "LNAME")}
    # getpass raises without a user database entry (containers)
    with contextlib.suppress(Exception):
        names.add(getpass.getuser())
    try:
        import pwd

        names.add(pwd.getpwuid(os.getuid()).pw_name)
    except Exception:
        pass
    return {n for n in names if n and n.strip()}


def _homes() -> set[str]:
    homes = {os.environ.get("HOME", ""), os.environ.get("USERPROFILE", "")}
    with contextlib.suppress(Exception):
        homes.add(os.path.expanduser("~"))
    try:
        import pwd

        homes.add(pwd.getpwuid(os.getuid()).pw_dir)
    except Exception:
        pass
    found = set()
    for home in homes:
        home = home.rstrip("/\\")
        # "/" or "" as home (some containers) must not turn every path into "~".
        if len(home) < 2:
            continue
        found.add(home)
        real = os.path.realpath(home)
        if len(real) >= 2:
            found.add(real)
    return found


def _host_names() -> set[str]:
    names = {socket.gethostname(), platform.node(), os.environ.get("HOSTNAME", "")}
    names |= {name.split(".")[0] for name in names}
    return {n for n in names if len(n) >= 2 and n.lower() != "localhost"}


@dataclass(frozen=True)
class Redactor:
    """Replaces personal strings in text; build it with :meth:`for_environment`."""

    #: (pattern, replacement), applied in order
    rules: tuple[tuple[re.Pattern[str], str], ...]

    @classmethod
    def for_environment(
        cls,
        allowlist: Iterable[str] = (),
        environ: Mapping[str, str] | None = None,
    ) -> Redactor:
        if environ is None:
            # Every check of a run builds one for the same environment: made once (a
            # path value's forms cost a realpath each), again when the environment,
            # the working directory or the allowlist differ.
            try:
                here = os.getcwd()
            except OSError:
                here = ""
            return _for_this_environment(
                frozenset(allowlist), tuple(sorted(os.environ.items())), here
            )
        return cls._build(allowlist, environ)

    @classmethod
    def _build(cls, allowlist: Iterable[str], environ: Mapping[str, str]) -> Redactor:
        allowed = set(allowlist)
        rules: list[tuple[re.Pattern[str], str]] = []
        users, hosts = _user_names(), _host_names()
        # Environment values first: one may contain the user name (an e-mail address).
        # The user and host names themselves get their own rules below.
        identities = {n.lower() for n in users | hosts}
        homes = _homes()
        values: dict[str, str] = {}
        paths: dict[str, str] = {}
        for name, value in environ.items():
            value = value.strip()
            if (
                value.lower() in identities
                or name in allowed
                or name in PUBLIC_VARIABLES
                or name.startswith(PUBLIC_PREFIXES)
                or len(value) < MIN_ENV_VALUE
                or _NUMBER.fullmatch(value)
                or value.lower() in ("true", "false", "yes", "no")
            ):
                continue
            if _is_path_like(value):
                for form in _path_forms(value, homes):
                    paths.setdefault(form, name)
            else:
                values.setdefault(value, name)
        for value in sorted(values, key=len, reverse=True):
            rules.append((_word(value), f"${values[value]}"))
        for home in sorted(homes, key=len, reverse=True):
            # The home directory as a path prefix, not inside another word.
            rules.append((_path_prefix(home), "~"))
        # After the home rule: a path inside the home is matched in its ~ form.
        for path in sorted(paths, key=len, reverse=True):
            rules.append((_path_prefix(path), f"${paths[path]}"))
        for user in sorted(users, key=len, reverse=True):
            rules.append((_word(user), "<user>"))
        for host in sorted(hosts, key=len, reverse=True):
            rules.append((_word(host, re.IGNORECASE), "<host>"))
        return cls(tuple(rules))

    def text(self, text: str) -> str:
        for pattern, replacement in self.rules:
            text = pattern.sub(replacement.replace("\\", "\\\\"), text)
        return text

    def result(self, result: CheckResult) -> CheckResult:
        clean: Callable[[str], str] = self.text
        return replace(
            result,
            title=clean(result.title),
            summary=clean(result.summary),
            facts={clean(k): clean(v) for k, v in result.facts.items()},
            details=clean(result.details),
            key_facts=tuple(clean(k) for k in result.key_facts),
        )


@functools.lru_cache(maxsize=8)
def _for_this_environment(
    allowlist: frozenset[str], environ: tuple[tuple[str, str], ...], cwd: str
) -> Redactor:
    return Redactor._build(allowlist, dict(environ))
