"""The prose handout: its style sheets, and characters for a LaTeX handout.

The style sheets (one for screen and paper, one for paper only) restyle the theme's
own elements, so they are added only when the author opts in
(``envdeck_handout_style = True``), for HTML-format builders in prose mode only: the
deck has its own styles and PDF export (``envdeck pdf``).  LaTeX paginates by itself,
but pdflatex, Sphinx's default engine, stops at characters its fonts lack; courses and
check summaries use a few of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .assets import add_css
from .revealjs import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

HANDOUT_CSS = "envdeck-handout.css"
PRINT_CSS = "envdeck-print.css"


def add_handout_css(app: Sphinx) -> None:
    # Only on the author's word: these sheets restyle the theme's own elements.
    if not app.config.envdeck_handout_style:
        return
    if app.builder.format != "html" or is_deck(app.builder):
        return
    add_css(app, HANDOUT_CSS)
    add_css(app, PRINT_CSS, media="print")


#: Characters of teaching text that pdflatex has no glyph for (``≤`` in "≤ 1.3 ×",
#: arrows in instructions, check marks), as the math or symbol it can typeset.
PDFLATEX_CHARACTERS = {
    "2264": r"\ensuremath{\leq}",
    "2265": r"\ensuremath{\geq}",
    "2260": r"\ensuremath{\neq}",
    "2248": r"\ensuremath{\approx}",
    "2192": r"\ensuremath{\rightarrow}",
    "2190": r"\ensuremath{\leftarrow}",
    "21D2": r"\ensuremath{\Rightarrow}",
    "2713": r"\ensuremath{\checkmark}",
    "2717": r"\ensuremath{\times}",
    "2212": r"\ensuremath{-}",
}


def add_latex_characters(app: Sphinx, config: Config) -> None:
    if config.latex_engine != "pdflatex":
        return  # xelatex and lualatex take them from the font
    elements: dict[str, Any] = dict(config.latex_elements)
    declared = "".join(
        rf"\DeclareUnicodeCharacter{{{code}}}{{{tex}}}" + "\n"
        for code, tex in PDFLATEX_CHARACTERS.items()
    )
    # Before the author's preamble, so that their own declarations win.
    elements["preamble"] = (
        "% envdeck: characters pdflatex lacks\n" + declared + elements.get("preamble", "")
    )
    config.latex_elements = elements


def setup_handout(app: Sphinx) -> None:
    app.connect("builder-inited", add_handout_css)
    app.connect("config-inited", add_latex_characters)
