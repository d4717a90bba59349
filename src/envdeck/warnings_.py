"""The typed warnings envdeck emits: ``[envdeck.<subtype>]``.

Each can be silenced with ``suppress_warnings = ["envdeck.<subtype>"]`` and is
turned into a build failure by ``-W``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sphinx.util import logging

LOGGER = logging.getLogger("envdeck")


class EnvdeckWarning(Enum):
    """Warning subtypes; the value is what ``suppress_warnings`` names after ``envdeck.``."""

    CONFIG = "config"
    """A configuration value is invalid; its default is used instead."""
    JINJA = "jinja"
    """A page's Jinja template failed to parse or render; the page is built from its source."""
    DIRECTIVE = "directive"
    """A directive got an unknown argument or a bad option value."""
    CHECK = "check"
    """An envcheck failed, errored, or did not give the outcome named by ``:expect:``."""
    CHECKER = "checker"
    """The standalone checker (``envdeck-check.pyz``) could not be written."""
    SLIDES = "slides"
    """The deck could not be set up as asked (for example an unknown reveal.js option)."""

    @property
    def type_name(self) -> str:
        return f"envdeck.{self.value}"


def warn(
    message: str,
    subtype: EnvdeckWarning,
    location: Any = None,
    *,
    once: bool = False,
    error: bool = False,
) -> None:
    """Log a typed envdeck warning (or error) at ``location``.

    ``location`` is a node, a docname, ``(docname, line)`` or a ``"path:line"`` string.
    """
    log = LOGGER.error if error else LOGGER.warning
    log(message, type="envdeck", subtype=subtype.value, location=location, once=once)
