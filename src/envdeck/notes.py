"""Speaker notes: the ``notes`` directive.

In the deck a note is an ``<aside class="notes">``: reveal.js hides it on the slide
and its speaker view (``S`` key) shows it.  Everywhere else (the prose handout and
the latex, text, man and texinfo builders) a post-transform turns it into a
standard admonition titled "Instructor note", or removes it when
``envdeck_prose_notes = "hide"``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .revealjs import is_deck
from .translations import N_, _, __
from .warnings_ import EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

NOTES_TITLE = N_("Instructor note")
NOTES_CLASS = "envdeck-notes"
OPTION_LIKE = re.compile(r"^\s*:[\w-]+:(\s|$)")


class speaker_notes(nodes.Admonition, nodes.Element):
    """Notes for the presenter; only the deck keeps this node (see NotesForBuilder)."""


class NotesDirective(SphinxDirective):
    """``notes``: what the presenter says; the audience's slide does not show it."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        if not self.content:
            warn(
                __("the notes directive is empty; write the note in its body"),
                EnvdeckWarning.DIRECTIVE,
                location=self.get_location(),
            )
            return []
        if OPTION_LIKE.match(self.content[0]):
            # With no options declared, docutils and MyST pass `:name: value` as text.
            warn(
                __("the notes directive takes no options; {line!r} is part of the note").format(
                    line=self.content[0].strip()
                ),
                EnvdeckWarning.DIRECTIVE,
                location=self.get_location(),
            )
        node = speaker_notes("\n".join(self.content), classes=[NOTES_CLASS])
        self.set_source_info(node)
        # state.nested_parse, not parse_content_to_nodes(): Sphinx 7.3 lacks that.
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class NotesForBuilder(SphinxPostTransform):
    """Outside the deck, make notes a titled admonition, or drop them."""

    default_priority = 200

    def run(self, **kwargs: Any) -> None:
        if is_deck(self.env):
            return
        hide = self.config.envdeck_prose_notes == "hide"
        for node in list(self.document.findall(speaker_notes)):
            if hide:
                node.parent.remove(node)
                continue
            text = _(NOTES_TITLE)
            title = nodes.title(text, text)
            admonition = nodes.admonition(
                node.rawsource,
                title,
                *node.children,
                classes=[NOTES_CLASS, "admonition-instructor-note"],
            )
            admonition.source, admonition.line = node.source, node.line
            node.replace_self(admonition)


def visit_notes_deck(self: HTML5Translator, node: speaker_notes) -> None:
    self.body.append('<aside class="notes">\n')


def depart_notes_deck(self: HTML5Translator, node: speaker_notes) -> None:
    self.body.append("</aside>\n")


def setup_notes(app: Sphinx) -> None:
    # The node reaches only the deck's HTML translator; every other builder gets a
    # standard admonition from NotesForBuilder.
    app.add_node(speaker_notes, html=(visit_notes_deck, depart_notes_deck))
    app.add_directive("notes", NotesDirective)
    app.add_post_transform(NotesForBuilder)
