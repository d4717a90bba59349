"""envdeck: teach Python environments from one MyST source, as a deck or a handout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    """Sphinx entry point: ``extensions = ["envdeck"]``."""
    # Imported here so `import envdeck` (the CLI, the check library) stays free of Sphinx.
    from .extension import setup_extension

    return setup_extension(app)
