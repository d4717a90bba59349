"""The nodes an envcheck leaves in a doctree, and the writers' handlers for them.

The two placeholders never reach a writer (:mod:`.render` replaces them after
reading); a facts table already written as HTML reaches only HTML builders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class envcheck_node(nodes.General, nodes.Element):
    """Placeholder for an ``envcheck``; RenderEnvchecks replaces it for every builder."""


class envcheck_report_node(nodes.General, nodes.Element):
    """Placeholder for an ``envcheck-report``; RenderEnvchecks replaces it."""


class written_facts(nodes.raw):
    """A facts table as the HTML its builder wrote once (:class:`.render.FactsHTML`);
    only HTML builders get it.  The class ``no-search`` keeps it out of the search index."""


def visit_written_facts(self: Any, node: written_facts) -> None:
    # As it was written: no wrapper element (docutils wraps a raw node with classes).
    self.body.append(node.astext())
    raise nodes.SkipNode


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


_SKIP = (_skip, None)


def add_nodes(app: Sphinx) -> None:
    # The placeholders never reach a writer (RenderEnvchecks replaces them); if one
    # ever did, it is skipped rather than failing the build.
    for node in (envcheck_node, envcheck_report_node):
        app.add_node(node, html=_SKIP, latex=_SKIP, text=_SKIP, man=_SKIP, texinfo=_SKIP)
    # Only HTML builders get written facts; the others never see one.
    app.add_node(
        written_facts, html=(visit_written_facts, None), latex=_SKIP, text=_SKIP, man=_SKIP,
        texinfo=_SKIP,
    )  # fmt: skip
