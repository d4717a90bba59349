"""Redaction: results are published, so nothing personal may reach them.

One :class:`Redactor` is applied to every result by :func:`~envdeck.checks.run_check`:

* the home directory becomes ``~`` (also where it is reached through a symlink);
* the user name becomes ``<user>`` and the host name ``<host>`` wherever they
  stand as a word (``/tmp/pytest-of-alice`` -> ``/tmp/pytest-of-<user>``);
* the value of an environment variable becomes ``$NAME``, unless the variable
  is in the allow-list.  Paths are left to the rules above (they are what checks
  measure), and so are short values (``1``, ``true``) and a few variables whose
  values are ordinary public words (``TERM``, ``LANG``, ...), which would
  otherwise mangle unrelated text.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import platform
import re
import socket
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
        "UV_PROJECT_ENVIRONMENT",
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


def _is_path_like(value: str) -> bool:
    parts = [p for p in value.split(os.pathsep) if p]
    return bool(parts) and all(
        p.startswith(("/", "~", "\\")) or re.match(r"[A-Za-z]:[\\/]", p) for p in parts
    )


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
        environ = os.environ if environ is None else environ
        allowed = set(allowlist)
        rules: list[tuple[re.Pattern[str], str]] = []
        users, hosts = _user_names(), _host_names()
        # Environment values first: one may contain the user name (an e-mail address).
        # The user and host names themselves get their own rules below.
        identities = {n.lower() for n in users | hosts}
        values: dict[str, str] = {}
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
                or _is_path_like(value)
            ):
                continue
            values.setdefault(value, name)
        for value in sorted(values, key=len, reverse=True):
            rules.append((_word(value), f"${values[value]}"))
        for home in sorted(_homes(), key=len, reverse=True):
            # The home directory as a path prefix, not inside another word.
            pattern = re.compile(rf"(?<![\w.-]){re.escape(home)}(?=$|[/\\\s'\":;,)\]}}])")
            rules.append((pattern, "~"))
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
