"""A course, not loose pages: a title slide, a closing slide, an index that lists lessons.

Each page of a course is a deck of its own.  envdeck frames it:

* a **title slide** first: the page's title, a subtitle and the author and date, from
  the page's front matter (``subtitle``, ``author``, ``date``) or else from
  ``conf.py`` (the ``project`` as subtitle of a lesson, ``author``, ``today``); a
  page with none of them keeps its first slide as its title;
* a **closing slide** last, linking on through the toctree: a page with a toctree
  (the course's index) lists its lessons; a lesson links the next page, and the
  last one leads back to the course's start.  A project of one page has none.

Both are plain ``<section>`` slides added around the page's body, so the speaker
view, the overview, fragments and ``envdeck pdf`` see them as any other slide.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .translations import _

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _text(title: nodes.Node) -> str:
    # Without raw HTML (sphinx-design's octicons): as text it is SVG source.
    texts = title.findall(nodes.Text)
    return "".join(t.astext() for t in texts if not isinstance(t.parent, nodes.raw)).strip()


def _title_of(app: Sphinx, docname: str) -> str:
    title = app.env.titles.get(docname)
    return escape(_text(title)) if title is not None else escape(docname)


def _link(app: Sphinx, pagename: str, docname: str) -> str:
    uri = app.builder.get_relative_uri(pagename, docname)
    return f'<a href="{escape(uri, quote=True)}">{_title_of(app, docname)}</a>'


def title_slide(app: Sphinx, pagename: str) -> str:
    from .slides import user_set

    config = app.config
    meta = app.env.metadata.get(pagename, {})
    subtitle = str(meta.get("subtitle") or "")
    if not subtitle and pagename != config.root_doc and user_set(config, "project"):
        subtitle = str(config.project)
    author = str(meta.get("author") or (config.author if user_set(config, "author") else ""))
    date = str(meta.get("date") or config.today or "")
    if not (meta.get("subtitle") or author or date):
        return ""
    title = app.env.titles.get(pagename)
    if title is not None and subtitle == _text(title):
        subtitle = ""  # the course's index, titled as the project
    parts = [f"<h1>{_title_of(app, pagename)}</h1>"]
    if subtitle:
        parts.append(f'<p class="envdeck-subtitle">{escape(subtitle)}</p>')
    byline = " · ".join(escape(part) for part in (author, date) if part)
    if byline:
        parts.append(f'<p class="envdeck-byline">{byline}</p>')
    return '<section class="envdeck-title-slide">\n' + "\n".join(parts) + "\n</section>\n"


def closing_slide(app: Sphinx, pagename: str) -> str:
    env = app.env
    children = [doc for doc in env.toctree_includes.get(pagename, []) if doc in env.titles]
    if children:
        items = "".join(f"<li>{_link(app, pagename, doc)}</li>\n" for doc in children)
        heading = _("Lessons")  # outside the f-string, where pybabel extract finds it
        return (
            f'<section class="envdeck-closing-slide">\n<h2>{escape(heading)}</h2>\n'
            f'<ol class="envdeck-lessons">\n{items}</ol>\n</section>\n'
        )
    # The HTML builder collects the relations once per build (prepare_writing);
    # collecting them again per page walks the whole toctree each time.
    all_relations = getattr(app.builder, "relations", None)
    if all_relations is None:
        all_relations = env.collect_relations()
    relations = all_relations.get(pagename)
    if not relations:
        return ""
    parent, _previous, following = relations
    if following:
        body = f'<p class="envdeck-next">{_link(app, pagename, following)}</p>'
        heading = _("Next")
    elif parent:
        # The words are escaped before the link, which is HTML, goes in.
        back = escape(_("Back to {link}")).format(link=_link(app, pagename, app.config.root_doc))
        body = f'<p class="envdeck-back">{back}</p>'
        heading = _("The end")
    else:
        return ""
    return (
        f'<section class="envdeck-closing-slide">\n<h2>{escape(heading)}</h2>\n{body}\n</section>\n'
    )


def frame_the_page(
    app: Sphinx, pagename: str, templatename: str, ctx: dict[str, Any], doctree: Any
) -> None:
    from .slides import is_deck

    if not is_deck(app.builder) or doctree is None or "body" not in ctx:
        return
    body = str(ctx["body"])
    closing = closing_slide(app, pagename)
    if closing:
        # sphinx-revealjs leaves the last slide's <section>s for the browser to
        # close: close them, so that the closing slide is one of the deck's own.
        body += "</section>\n" * max(body.count("<section") - body.count("</section>"), 0)
    ctx["body"] = title_slide(app, pagename) + body + closing


def setup_deck_course(app: Sphinx) -> None:
    app.connect("html-page-context", frame_the_page)
