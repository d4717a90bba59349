"""What ``envdeck check`` writes to a terminal: status colours, wrapping, plain text.

Colours are a handful of ANSI codes for five status words, so no colour library is
added for them. They follow the conventions participants' tools follow: ``NO_COLOR``
(https://no-color.org) turns them off, ``FORCE_COLOR`` on, and otherwise they show
only when stdout is a terminal that is not ``TERM=dumb``.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Mapping
from typing import TextIO

from .checks import Status

#: SGR codes of each status word.
COLOURS: Mapping[Status, str] = {
    Status.PASS: "32",  # green
    Status.WARN: "33",  # yellow
    Status.FAIL: "1;31",  # bold red
    Status.SKIP: "2",  # dim
    Status.ERROR: "1;35",  # bold magenta
}


def wants_colour(out: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour what goes to ``out``."""
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def colour(status: Status, text: str, enabled: bool) -> str:
    """``text`` in ``status``'s colour when ``enabled``."""
    return f"\x1b[{COLOURS[status]}m{text}\x1b[0m" if enabled else text


# A command in `backticks`, as check summaries quote what a participant is to run.
_COMMAND = re.compile(r"`[^`\n]+`")
_NBSP = "\xa0"  # textwrap breaks lines only at ASCII whitespace


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters where it can be, never broken
    inside a `command` (nor at the hyphens of ``--options``): a participant copies a
    command from one line. A command longer than the line keeps a line to itself."""
    protected = _COMMAND.sub(lambda m: m.group(0).replace(" ", _NBSP), text)
    lines = textwrap.wrap(protected, max(width, 20), break_long_words=False, break_on_hyphens=False)
    return [line.replace(_NBSP, " ") for line in lines] or [""]


_LITERAL = re.compile(r"``(.+?)``")
_ROLE = re.compile(r":[a-z:]+:`(?:[^`<]*<)?([^`>]+)>?`")


def plain(text: str) -> str:
    """reStructuredText as docstrings write it (````literal````, ``:role:`target```),
    as plain text for a terminal."""
    return _ROLE.sub(r"\1", _LITERAL.sub(r"\1", text))
