"""The prose handout's style sheets: one for screen and paper, one for paper only.

Added for HTML-format builders in prose mode only: the deck has its own styles and PDF
export (``envdeck pdf``), and LaTeX paginates by itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .assets import add_css
from .slides import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx

HANDOUT_CSS = "envdeck-handout.css"
PRINT_CSS = "envdeck-print.css"


def add_handout_css(app: Sphinx) -> None:
    if app.builder.format != "html" or app.config.slide or is_deck(app.builder):
        return
    add_css(app, HANDOUT_CSS)
    add_css(app, PRINT_CSS, media="print")


def setup_handout(app: Sphinx) -> None:
    app.connect("builder-inited", add_handout_css)
