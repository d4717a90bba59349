"""Code on slides: Pygments colours, with sphinx-revealjs's code features kept.

envdeck colours code at build time (no highlight.js plugin), so what
``revealjs-code-block`` / ``revealjs-literalinclude`` ask reveal.js's highlight
plugin for is done here, with the same result on the slide:

* ``:data-line-numbers: 1|2-3`` — line numbers, and one step per ``|``: the block
  is written once per step with that step's lines highlighted, the later ones as
  fragments stacked on the first (as the plugin's clones are);
* ``:data-line-numbers: 2,4`` (one step) — those lines highlighted;
* ``:data-ln-start-from: 47`` — line numbers from 47 (the steps count from there too);
* ``data-id`` (the option, else the section's id, as sphinx-revealjs sets it) on
  the ``<pre>``, which reveal.js's auto-animate pairs from slide to slide.

A custom theme (``revealjs_style_theme = "custom.css"``) is read for its background
colour, so a dark one gets the dark Pygments style, and the code's plain text gets
the style's own colour rather than the theme's.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from pygments.formatters import HtmlFormatter
from pygments.styles import get_style_by_name
from pygments.token import Token
from sphinx.highlighting import PygmentsBridge
from sphinx.writers.html5 import HTML5Translator

from .translations import __
from .warnings_ import EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.config import Config

_STEP = re.compile(r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$")
_BACKGROUND = re.compile(r"--r-background-color\s*:\s*(#[0-9a-fA-F]{3,8})")


def parse_steps(value: str) -> list[list[int]] | None:
    """``"1|2-3,5"`` as ``[[1], [2, 3, 5]]``; ``[]`` for none; ``None`` when malformed."""
    steps: list[list[int]] = []
    for step in value.split("|") if value.strip() else []:
        if not _STEP.match(step):
            return None
        lines: list[int] = []
        for part in step.split(","):
            first, _, last = part.partition("-")
            lines.extend(range(int(first), int(last or first) + 1))
        steps.append(lines)
    return steps


def _render(self: HTML5Translator, node: nodes.literal_block) -> str:
    """The html builder's rendering of ``node``, returned instead of written."""
    start = len(self.body)
    with contextlib.suppress(nodes.SkipNode):
        HTML5Translator.visit_literal_block(self, node)
    html = "".join(self.body[start:])
    del self.body[start:]
    return html


def _with_data_id(html: str, data_id: str, translator: HTML5Translator) -> str:
    return html.replace("<pre>", f'<pre data-id="{translator.attval(data_id)}">', 1)


def visit_literal_block(self: HTML5Translator, node: nodes.literal_block) -> None:
    wanted = ("data-line-numbers", "data-ln-start-from", "data-id")
    section = node.parent if isinstance(node.parent, nodes.section) else None
    section_id = section["ids"][0] if section is not None and section["ids"] else None
    parsed = node.rawsource != node.astext()
    if parsed or not (any(key in node for key in wanted) or section_id):
        HTML5Translator.visit_literal_block(self, node)
        return

    block = node.deepcopy()
    args = dict(block.get("highlight_args", {}))
    start = 1
    if "data-ln-start-from" in node:
        try:
            start = int(node["data-ln-start-from"])
        except ValueError:
            warn(
                __(
                    "data-ln-start-from {value!r} is not a line number; numbering starts at 1"
                ).format(value=node["data-ln-start-from"]),
                EnvdeckWarning.SLIDES,
                location=node,
            )
        args["linenostart"] = start
        block["linenos"] = True
    steps: list[list[int]] = []
    if "data-line-numbers" in node:
        block["linenos"] = True
        found = parse_steps(str(node["data-line-numbers"]))
        if found is None:
            warn(
                __(
                    "data-line-numbers {value!r} is not steps of line numbers such as "
                    "'1|2-3,5'; the code is shown without highlights"
                ).format(value=node["data-line-numbers"]),
                EnvdeckWarning.SLIDES,
                location=node,
            )
        else:
            steps = found
    data_id = node.get("data-id") or section_id or ""

    def rendered(lines: list[int], *, first: bool = True) -> str:
        step_args = dict(args)
        if lines:
            # Pygments counts highlighted lines from the block's first line.
            step_args["hl_lines"] = [n - start + 1 for n in lines]
        block["highlight_args"] = step_args
        html = _render(self, block)
        # One element per data-id: auto-animate pairs the block, not its steps.
        return _with_data_id(html, data_id, self) if data_id and first else html

    if len(steps) <= 1:
        self.body.append(rendered(steps[0] if steps else []))
        raise nodes.SkipNode
    # One copy per step, stacked: each later step is a fragment shown over the
    # previous one, as reveal.js's highlight plugin does with its clones.
    self.body.append('<div class="envdeck-code-steps r-stack">\n')
    for index, lines in enumerate(steps):
        classes = "envdeck-code-step"
        if index:
            classes += " fragment" + (" current-visible" if index < len(steps) - 1 else "")
        self.body.append(f'<div class="{classes}">\n{rendered(lines, first=not index)}</div>\n')
    self.body.append("</div>\n")
    raise nodes.SkipNode


# --- Pygments style for the deck's theme ------------------------------------------


def _luminance(colour: str) -> float:
    hex_ = colour.lstrip("#")
    if len(hex_) in (3, 4):
        hex_ = "".join(c * 2 for c in hex_[:3])
    red, green, blue = (int(hex_[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def custom_theme_is_dark(config: Config, srcdir: str | Path) -> bool | None:
    """Whether a theme CSS file of the user's static path has a dark background.

    ``None`` when the file or its ``--r-background-color`` is not found (reveal.js's
    themes, compiled from its Sass template, all set it).
    """
    theme = str(config.revealjs_style_theme)
    if not theme.endswith(".css") or "://" in theme:
        return None
    for folder in config.revealjs_static_path:
        path = Path(srcdir, folder, theme)
        if path.is_file():
            found = _BACKGROUND.search(path.read_text("utf8", errors="replace"))
            return _luminance(found.group(1)) < 0.2 if found else None
    return None


#: Tokens whose span a slide can do without where the style gives them nothing: the
#: text then takes the block's colour, as the span would.  A third of a slide's spans
#: are punctuation.  Other classes stay, styled or not: tools read them (the ``gp``
#: prompts that sphinx-copybutton leaves out of a copy).
BARE_TOKENS = frozenset({Token.Punctuation, Token.Text, Token.Text.Whitespace})


class DeckHtmlFormatter(HtmlFormatter):  # type: ignore[type-arg]
    """Pygments' HTML, without the spans that the style sheet gives nothing."""

    def _get_css_classes(self, ttype: Any) -> str:
        classes: str = super()._get_css_classes(ttype)
        if ttype in BARE_TOKENS and not any(name in self.class2style for name in classes.split()):
            return ""
        return classes


class DeckPygmentsBridge(PygmentsBridge):
    """Pygments for the deck: plain text in the style's colour, not the theme's."""

    html_formatter = DeckHtmlFormatter

    def get_stylesheet(self) -> str:
        style = self.formatter_args["style"]
        if isinstance(style, str):
            style = get_style_by_name(style)
        foreground = style.styles.get(Token) or style.styles.get(Token.Text) or ""
        colour = foreground.split()[-1] if foreground else ""
        if not colour.startswith("#"):
            colour = "#000000" if _luminance(style.background_color) > 0.2 else "#ffffff"
        return super().get_stylesheet() + f"\n.highlight {{ color: {colour}; }}\n"


def deck_highlighter(style: str) -> Any:
    return DeckPygmentsBridge("html", style)
