"""The prose handout on paper: envdeck's print style sheet.

Added for HTML-format builders in prose mode only: the deck has its own PDF export
(``envdeck pdf``), and LaTeX paginates by itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .slides import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx

PRINT_CSS = Path(__file__).parent / "static" / "envdeck-print.css"


def add_print_css(app: Sphinx) -> None:
    if app.builder.format != "html" or app.config.slide or is_deck(app.builder):
        return
    # The file alone: other files in static/ belong to other features.
    css = str(PRINT_CSS)
    if css not in app.config.html_static_path:
        app.config.html_static_path.append(css)
    app.add_css_file(PRINT_CSS.name, media="print")


def setup_handout(app: Sphinx) -> None:
    app.connect("builder-inited", add_print_css)
