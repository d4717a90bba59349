"""A check result's fingerprint: what the build cache keys a result on."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from . import inputs, usercache
from .base import Check, CheckContext, get_check


def fingerprint(name: str, ctx: CheckContext) -> str:
    """A cheap hash of everything check ``name``'s result depends on here.

    No subprocess: it stats and hashes a few files.  A cache re-runs the check
    only when this changes.
    """
    parts: list[Any] = [
        "envdeck-check-1",
        name,
        sorted(ctx.options.items()),
        sorted(ctx.env_allowlist),
    ]
    try:
        check = get_check(name)
    except KeyError:
        check = None
    if check is not None:
        parts.append(code_stamp(check))
        project = Path(ctx.project).expanduser().absolute()
        for input_name in check.depends_on:
            try:
                parts.append([input_name, inputs.describe(input_name, project, ctx.options)])
            except OSError as err:
                parts.append([input_name, f"unreadable: {type(err).__name__}"])
    blob = json.dumps(parts, sort_keys=True, default=str).encode("utf8")
    return hashlib.sha256(blob).hexdigest()[:32]


def code_stamp(check: Check) -> list[Any]:
    """envdeck's version and the check's module file: a changed check (an upgrade of
    envdeck, or editing it) invalidates what was kept of it."""
    return usercache.module_stamp(check.func.__module__)
