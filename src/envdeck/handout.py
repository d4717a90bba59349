"""The prose handout on paper: envdeck's print style sheet.

Added for HTML-format builders in prose mode only: the deck has its own PDF export
(``envdeck pdf``), and LaTeX paginates by itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .assets import add_css
from .slides import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx

PRINT_CSS = "envdeck-print.css"


def add_print_css(app: Sphinx) -> None:
    if app.builder.format != "html" or app.config.slide or is_deck(app.builder):
        return
    add_css(app, PRINT_CSS, media="print")


def setup_handout(app: Sphinx) -> None:
    app.connect("builder-inited", add_print_css)
