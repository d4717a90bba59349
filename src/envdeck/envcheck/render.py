"""envcheck results as standard docutils and sphinx-design nodes, for every builder.

Prose (the handout): a titled block (an admonition) with a status badge, the
summary, a facts table and, with ``:show: details``, the check's details.
Slides (a deck build, :func:`envdeck.revealjs.is_deck`): a compact sphinx-design
card with the status and the key facts, built from the same nodes sphinx-design's
``card`` directive makes.
The badge is an ``inline`` whose text is the status, so it reads without colour
(and in LaTeX, text and man output); ``envcheck.css`` colours it in HTML only.

Durations and times appear only with ``envdeck_timestamps`` on, so two builds of
the same environment give identical pages.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import new_document
from sphinx_design.shared import PassthroughTextElement, create_component

from ..assets import add_css
from ..config import source_date_epoch
from ..revealjs import is_deck
from ..translations import N_, _
from .nodes import envcheck_node, envcheck_report_node, written_facts
from .state import CachedResult, EnvcheckUse, get_data

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..checks import CheckResult

STATIC_CSS = "envcheck.css"

#: The words on the badges; colour alone never carries the status.
STATUS_LABELS = {
    "pass": N_("PASS"),
    "warn": N_("WARN"),
    "fail": N_("FAIL"),
    "skip": N_("SKIP"),
    "error": N_("ERROR"),
}

GRID_ROW_CLASSES = [
    "sd-row",
    *("sd-row-cols-1", "sd-row-cols-xs-1", "sd-row-cols-sm-2"),
    *("sd-row-cols-md-3", "sd-row-cols-lg-3"),
    *("sd-g-2", "sd-g-xs-2", "sd-g-sm-2", "sd-g-md-2", "sd-g-lg-2"),
]

#: Sphinx (8.2 and later) leaves nodes of this class out of the search index.  Facts
#: and summaries are paths, versions and tags of the build machine, repeated on every
#: page that shows the check: noise in search results, and most of the words to index
#: (and stem) in a course with many checks.  A check's title stays searchable.
NO_SEARCH = "no-search"

#: Facts a slide card shows when a check names no key facts.
DEFAULT_KEY_FACTS = 3


# --- pieces -----------------------------------------------------------------------


def badge(status: str) -> nodes.inline:
    label = _(STATUS_LABELS[status]) if status in STATUS_LABELS else status.upper()
    return nodes.inline(label, label, classes=["envdeck-badge", f"envdeck-badge-{status}"])


def paragraph(text: str, *classes: str) -> nodes.paragraph:
    return nodes.paragraph(text, text, classes=list(classes))


#: A `code` span, as checks write it for the terminal (``envdeck check``).
CODE_SPAN = re.compile(r"`([^`\n]+)`")


def check_text(text: str) -> list[nodes.Node]:
    """A check's text (summary, title, fact) as nodes: each `span` a ``literal``.

    Checks write Markdown-style backticks for the terminal; on a page they become
    code in every builder.  A backtick without its pair stays as it is.
    """
    parts: list[nodes.Node] = []
    start = 0
    for match in CODE_SPAN.finditer(text):
        if match.start() > start:
            parts.append(nodes.Text(text[start : match.start()]))
        parts.append(nodes.literal(match.group(1), match.group(1)))
        start = match.end()
    if start < len(text):
        parts.append(nodes.Text(text[start:]))
    return parts


def check_paragraph(text: str, *classes: str) -> nodes.paragraph:
    return nodes.paragraph(text, "", *check_text(text), classes=list(classes))


def facts_table(facts: Mapping[str, str]) -> nodes.table:
    table = nodes.table(classes=["envdeck-facts", NO_SEARCH])
    group = nodes.tgroup(cols=2)
    table += group
    group += nodes.colspec(colwidth=30)
    group += nodes.colspec(colwidth=70)
    group += nodes.thead("", _row(_("Fact"), _("Value")))
    rows = (_row(key, check_paragraph(value)) for key, value in facts.items())
    group += nodes.tbody("", *rows)
    return table


def _row(*cells: str | nodes.Node) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        content = paragraph(cell) if isinstance(cell, str) else cell
        row += nodes.entry("", content)
    return row


def key_facts(result: CheckResult, show: str) -> dict[str, str]:
    if show == "summary":
        return {}
    if show == "details":
        return dict(result.facts)
    names = [name for name in result.key_facts if name in result.facts]
    if not names:
        names = list(result.facts)[:DEFAULT_KEY_FACTS]
    return {name: result.facts[name] for name in names}


def stamp(cached: CachedResult) -> str:
    """When the check ran; SOURCE_DATE_EPOCH (a reproducible build) replaces the clock."""
    epoch = source_date_epoch()
    reproducible = epoch is not None
    when = epoch if epoch is not None else cached.checked_at
    text = datetime.fromtimestamp(when, timezone.utc).strftime(_("Checked %Y-%m-%d %H:%M UTC"))
    if not reproducible:
        # A duration differs on every run: not in a reproducible build.
        text += _(" in {seconds:.2f} s").format(seconds=cached.check_result.duration)
    return text + "."


def expected_note(expect: str | None, status: str) -> nodes.paragraph | None:
    if expect is None:
        return None
    if expect == status:
        text = _("This check is expected to {outcome} here.").format(outcome=expect)
    else:
        text = _("This check was expected to {outcome}.").format(outcome=expect)
    return paragraph(text, "envdeck-check-expect")


# --- an envcheck, both ways --------------------------------------------------------


def check_block(
    result: CheckResult,
    *,
    title: str,
    show: str,
    expect: str | None,
    when: str | None,
    facts: nodes.Element | None = None,
) -> nodes.admonition:
    """The handout's rendering: a titled block with a badge and a facts table (``facts``
    when given: the same table, already written)."""
    status = result.status.value
    block = nodes.admonition("", classes=["envdeck-check", f"envdeck-check-{status}"])
    block += nodes.title("", "", badge(status), nodes.Text(" "), *check_text(title))
    block += check_paragraph(result.summary, "envdeck-check-summary", NO_SEARCH)
    note = expected_note(expect, status)
    if note is not None:
        block += note
    if show != "summary" and result.facts:
        block += facts if facts is not None else facts_table(result.facts)
    if show == "details" and result.details:
        details = nodes.literal_block(result.details, result.details, classes=[NO_SEARCH])
        details["language"] = "text"
        block += details
    if when:
        block += paragraph(when, "envdeck-check-time")
    return block


def check_card(
    result: CheckResult,
    *,
    title: str,
    show: str,
    expect: str | None,
    when: str | None,
    classes: Sequence[str] = ("sd-mb-3",),
) -> nodes.container:
    """The deck's rendering: a sphinx-design card with the status and the key facts."""
    status = result.status.value
    card = create_component(
        "card",
        [
            "sd-card",
            "sd-sphinx-override",
            *classes,
            "sd-shadow-sm",
            "envdeck-check-card",
            f"envdeck-check-{status}",
        ],
    )
    body = create_component("card-body", ["sd-card-body"])
    card += body
    heading = create_component("card-title", ["sd-card-title", "sd-font-weight-bold"])
    heading += PassthroughTextElement("", "", badge(status), nodes.Text(" "), *check_text(title))
    body += heading
    body += check_paragraph(result.summary, "sd-card-text", "envdeck-check-summary", NO_SEARCH)
    note = expected_note(expect, status)
    if note is not None:
        note["classes"].insert(0, "sd-card-text")
        body += note
    facts = key_facts(result, show)
    if facts:
        items = nodes.bullet_list(classes=["envdeck-key-facts", NO_SEARCH])
        for name, value in facts.items():
            item = nodes.paragraph(
                "", "", nodes.strong(name, name), nodes.Text(": "), *check_text(value)
            )
            items += nodes.list_item("", item)
        body += items
    if when:
        body += paragraph(when, "sd-card-text", "envdeck-check-time")
    return card


def not_run() -> nodes.paragraph:
    # Only reachable if the cache lost a result after reading; the next build re-runs it.
    return paragraph(_("This check has no result in this build."), "envdeck-check-missing")


# --- the post-transform --------------------------------------------------------------


class FactsHTML:
    """Facts tables as the HTML the builder's translator writes for them, made once per
    distinct table in a build: a page of a course shows the same few checks again and
    again, and writing a table is most of what an envcheck costs a build.  The table is
    left out of the search index either way (:data:`NO_SEARCH`)."""

    def __init__(self, builder: Any) -> None:
        # Weak: kept per environment, and the builder holds the environment, which
        # would keep the whole build alive for the rest of the process.
        self._builder = weakref.ref(builder)
        self.written: dict[tuple[tuple[str, str], ...], str] = {}

    def table(self, facts: Mapping[str, str], document: nodes.document) -> nodes.Element:
        builder = self._builder()
        # The writer's settings (made in prepare_writing), as the page's own has them.
        settings = getattr(builder, "docsettings", None)
        if builder is None or settings is None:
            return facts_table(facts)
        key = tuple(facts.items())
        html = self.written.get(key)
        if html is None:
            table = facts_table(facts)
            scratch = new_document(document.get("source", ""), settings)
            scratch += table
            translator = builder.create_translator(scratch, builder)
            table.walkabout(translator)
            html = self.written[key] = "".join(translator.body)
        return written_facts("", html, format="html", classes=[NO_SEARCH])


#: The facts tables of each environment an HTML builder writes (set at builder-inited):
#: an HTML page's tables are written by its own translator, once per build.
_FACTS_HTML: weakref.WeakKeyDictionary[Any, FactsHTML] = weakref.WeakKeyDictionary()


def remember_html_builder(app: Sphinx) -> None:
    if app.builder.format == "html":
        _FACTS_HTML[app.env] = FactsHTML(app.builder)


def facts_html(env: Any) -> FactsHTML | None:
    """This build's :class:`FactsHTML`, where an HTML builder writes; else None."""
    return _FACTS_HTML.get(env)


class RenderEnvchecks(SphinxPostTransform):
    """Replace envcheck placeholders with their results, as standard nodes."""

    # Last: the blocks need no other post-transform, and a course with a thousand
    # envchecks would otherwise make each of them walk a thousand facts tables.
    default_priority = 900

    def run(self, **kwargs: Any) -> None:
        self.data = get_data(self.env)
        self.slide = is_deck(self.env)
        self.facts_html = facts_html(self.env)
        for node in list(self.document.findall(envcheck_node)):
            rendered = self.render(
                node["key"],
                title=node.get("title", ""),
                show=node.get("show", "facts"),
                expect=node.get("expect"),
                card=self.slide,
            )
            rendered["ids"] = list(node["ids"])
            rendered.source, rendered.line = node.source, node.line
            node.replace_self(rendered)

    def render(
        self, key: str, *, title: str, show: str, expect: str | None, card: bool
    ) -> nodes.Element:
        cached = self.data.results.get(key)
        if cached is None:
            return not_run()
        result = cached.check_result
        when = stamp(cached) if self.config.envdeck_timestamps else None
        if card:
            return check_card(
                result, title=title or result.title, show=show, expect=expect, when=when
            )
        writer = getattr(self, "facts_html", None)
        facts = None
        if writer is not None and show != "summary" and result.facts:
            facts = writer.table(result.facts, self.document)
        return check_block(
            result, title=title or result.title, show=show, expect=expect, when=when, facts=facts
        )


class RenderEnvcheckReports(RenderEnvchecks):
    """Replace ``envcheck-report`` placeholders with cards and a table."""

    # Before references are resolved (priority 10): the table links to each envcheck.
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        self.data = get_data(self.env)
        self.slide = is_deck(self.env)
        for report in list(self.document.findall(envcheck_report_node)):
            report.replace_self(self.report(report))

    def report(self, node: envcheck_report_node) -> list[nodes.Node]:
        cards = [
            self.render(key, title="", show="facts", expect=None, card=True) for key in node["keys"]
        ]
        grid = create_component("grid-container", ["sd-container-fluid", "sd-sphinx-override"])
        grid["classes"] += ["sd-mb-4", "envdeck-report-cards"]
        # As `::::{grid} 1 2 3 3` with `:gutter: 2` makes it.
        row = create_component("grid-row", GRID_ROW_CLASSES)
        grid += row
        for card in cards:
            if isinstance(card, nodes.container):
                card["classes"] = [c for c in card["classes"] if c != "sd-mb-3"] + ["sd-w-100"]
            row += create_component("grid-item", ["sd-col", "sd-d-flex-row"], children=[card])
        section = nodes.container("", classes=["envdeck-report"], ids=list(node["ids"]))
        if cards and node.get("cards", True):
            section += grid
        if node.get("table", True):
            section += self.report_table()
        return [section]

    def report_table(self) -> nodes.Element:
        uses = [use for use in self.data.all_uses() if not use.in_report]
        if not uses:
            return paragraph(_("No page shows an envcheck."), "envdeck-report-empty")
        table = nodes.table(classes=["envdeck-report-table", NO_SEARCH])
        group = nodes.tgroup(cols=3)
        table += group
        for width in (45, 35, 20):
            group += nodes.colspec(colwidth=width)
        group += nodes.thead("", _row(_("Page"), _("Check"), _("Status")))
        body = nodes.tbody()
        group += body
        for use in uses:
            cached = self.data.results.get(use.request.key)
            status = cached.status if cached else "error"
            title = use.title or (cached.result.get("title") if cached else "") or ""
            check = nodes.paragraph("", "", nodes.literal(use.request.name, use.request.name))
            if title:
                check += [nodes.Text(" "), *check_text(title)]
            state = nodes.paragraph("", "", badge(status))
            if use.expect is not None and use.expect == status:
                state += nodes.Text(_(" (expected)"))
            body += _row(self.page_link(use), check, state)
        return table

    def page_link(self, use: EnvcheckUse) -> nodes.paragraph:
        title_node = self.env.titles.get(use.docname)
        text = title_node.astext() if title_node is not None else use.docname
        # Resolved by Sphinx for each builder (an anchor in HTML, a hyperref in LaTeX).
        ref = addnodes.pending_xref(
            "",
            nodes.inline(text, text),
            refdomain="std",
            reftype="ref",
            reftarget=use.node_id,
            refexplicit=True,
            refwarn=True,
            refdoc=self.env.docname,
        )
        return nodes.paragraph("", "", ref)


def add_static_assets(app: Sphinx) -> None:
    """The badge colours, for HTML-format builders only (the deck included)."""
    if app.builder.format != "html":
        return
    add_css(app, STATIC_CSS)
