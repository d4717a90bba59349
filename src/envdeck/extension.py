"""Wires envdeck's features into Sphinx; each feature lives in its own module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import __version__
from .assets import setup_assets
from .checker_download import setup_checker_download
from .config import setup_config
from .deck_templates import setup_deck_templates
from .design import setup_design
from .envcheck import setup_envcheck
from .handout import setup_handout
from .myst import setup_myst
from .notes import setup_notes
from .offline_math import setup_offline_math
from .reference import setup_reference
from .slides import setup_slides
from .templating import setup_templating

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_extension(app: Sphinx) -> dict[str, Any]:
    # The oldest Sphinx that CI builds with (a Sphinx 7.3 venv).
    app.require_sphinx("7.3")
    setup_myst(app)
    setup_design(app)
    setup_config(app)
    setup_assets(app)
    setup_templating(app)
    setup_slides(app)
    setup_deck_templates(app)
    setup_offline_math(app)
    setup_notes(app)
    setup_envcheck(app)
    setup_reference(app)
    setup_handout(app)
    setup_checker_download(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,
    }
