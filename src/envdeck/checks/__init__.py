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

# The check modules register their checks when the registry is first used
# (base.CHECK_MODULES): importing the library costs little.
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
