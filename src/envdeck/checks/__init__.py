"""envdeck's environment checks, usable without Sphinx.

>>> from pathlib import Path
>>> from envdeck.checks import CheckContext, run_check
>>> run_check("python", CheckContext(project=Path("."))).status  # doctest: +SKIP
<Status.PASS: 'pass'>

Every check measures the environment that runs it (the build's interpreter) and
the project directory given in :class:`CheckContext`.  :func:`run_check` never
raises and never holds much longer than ``ctx.timeout``; every result is
redacted (no home directory, user name, host name or environment value).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import (
        Check,
        CheckContext,
        CheckResult,
        Outcome,
        Status,
        check_names,
        get_check,
        run_check,
    )
    from .fingerprints import fingerprint
    from .redact import Redactor

__all__ = [
    "Check",
    "CheckContext",
    "CheckResult",
    "Outcome",
    "Redactor",
    "Status",
    "check_names",
    "fingerprint",
    "get_check",
    "run_check",
]

#: Where each name of the library lives.  They load when first used, as the check
#: modules load when the registry is (base.CHECK_MODULES): a Sphinx build whose pages
#: have no envcheck, or that only keeps files in the user cache, does without them.
_HOMES = {
    "Check": "base",
    "CheckContext": "base",
    "CheckResult": "base",
    "Outcome": "base",
    "Status": "base",
    "check_names": "base",
    "get_check": "base",
    "run_check": "base",
    "fingerprint": "fingerprints",
    "Redactor": "redact",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
