"""Wires envdeck's features into Sphinx; each feature lives in its own module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import __version__
from .assets import setup_assets
from .config import setup_config
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
    # A course needs nothing but `extensions = ["envdeck"]`.
    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_design")
    setup_config(app)
    setup_assets(app)
    setup_myst(app)
    setup_templating(app)
    setup_slides(app)
    setup_offline_math(app)
    setup_notes(app)
    setup_envcheck(app)
    setup_reference(app)
    setup_handout(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
