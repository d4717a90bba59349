"""Values as people write them, read the same way by the config, the command line and
the checks: seconds, yes and no, and the project a directory belongs to.

A leaf of the check library, as :mod:`.errors` is: the Sphinx extension reads its
config with it on every build without loading the checks.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from .errors import MAX_TIMEOUT


def parse_seconds(value: Any, limit: float = MAX_TIMEOUT) -> float:
    """A timeout: a finite number of seconds above 0 and at most ``limit``.

    ``ValueError`` with the valid range otherwise (``inf``, ``nan``, ``1e10``, ``-1``,
    a word).  The config, the command line and the check runner all read timeouts here.
    """
    expected = f"a number of seconds above 0 and at most {limit:g}"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected {expected}, got {value!r}")
    try:
        seconds = float(value)
    except (ValueError, OverflowError):
        raise ValueError(f"expected {expected}, got {value!r}") from None
    if not (math.isfinite(seconds) and 0 < seconds <= limit):
        raise ValueError(f"expected {expected}, got {value!r}")
    return seconds


#: How a person writes yes and no: in options, on the command line, in the environment.
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def flag_word(value: str) -> bool | None:
    """``value`` read as yes (True) or no (False), in any case; None for another word."""
    word = value.strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def find_project(start: Path) -> Path:
    """The nearest directory upwards from ``start`` (itself included) with a
    pyproject.toml or uv.lock; ``start`` when none has one."""
    start = start.absolute()
    for directory in (start, *start.parents):
        if (directory / "pyproject.toml").is_file() or (directory / "uv.lock").is_file():
            return directory
    return start
