"""What a check raises, and the running check's deadline.

A leaf of the check library: every other module may import it, it imports none of them.
"""

from __future__ import annotations

import contextvars
import time

#: The longest timeout a check may be given: an hour.  Far more than any check needs,
#: and far below what threads can wait (``threading.TIMEOUT_MAX``).
MAX_TIMEOUT = 3600.0


class CheckSkipped(Exception):
    """Raised inside a check: it does not apply here (``skip`` with this reason)."""


class ToolMissing(CheckSkipped):
    """A program the check needs is not on PATH."""

    def __init__(self, tool: str) -> None:
        super().__init__(f"{tool} is not installed (not found on PATH)")
        self.tool = tool


class CheckTimeout(Exception):
    """The check ran out of time (``error``)."""


#: when the running check must be done (time.monotonic()), for subprocess timeouts
_DEADLINE: contextvars.ContextVar[float] = contextvars.ContextVar("envdeck_check_deadline")


def start_clock(seconds: float) -> None:
    """Give the check running in this context ``seconds`` from now."""
    _DEADLINE.set(time.monotonic() + seconds)


def remaining_time() -> float:
    """Seconds the running check has left (for subprocess timeouts)."""
    deadline = _DEADLINE.get(None)
    if deadline is None:
        return MAX_TIMEOUT
    left = deadline - time.monotonic()
    if left <= 0:
        raise CheckTimeout("the check ran out of time")
    return left
