"""The deck's page templates: before the templates that extensions inject, and kept
from the pages that are no document.

Some extensions put a templates folder of their own in front of the theme's at
``builder-inited`` (ABlog's ``page.html``, which extends ``layout.html``, is one):
written for HTML themes, it would replace the deck's page template, and every page
of the deck would be a plain HTML page without slides.  In a deck, such folders go
after the deck theme's, where they still serve the templates that only they have.
The author's own ``templates_path`` keeps its place: it may be written for the deck.

A page that is no document (viewcode's source pages, an extension's own pages) has
no slides: it is written as a plain page, and an extension's template that extends
``page.html`` (ABlog's catalogues) extends the plain page there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from jinja2 import BaseLoader, Environment
from sphinx.jinja2glue import BuiltinTemplateLoader

from .revealjs import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _folders(loader: object) -> frozenset[str]:
    return frozenset(str(path) for path in getattr(loader, "searchpath", ()))


def put_deck_templates_first(app: Sphinx) -> None:
    builder = app.builder
    templates = getattr(builder, "templates", None)
    theme = getattr(builder, "theme", None)
    if not is_deck(builder) or not theme:
        return
    if not isinstance(templates, BuiltinTemplateLoader):
        return  # a template bridge of the user's own: its order is theirs
    theme_dirs = [str(path) for path in theme.get_theme_dirs()]
    own = templates.loaders[: templates.templatepathlen]
    rest = templates.loaders[templates.templatepathlen :]
    injected = [loader for loader in rest if not _folders(loader) & set(theme_dirs)]
    first_theme = next((i for i, loader in enumerate(rest) if loader not in injected), None)
    if first_theme is None:
        return
    ahead = [loader for loader in rest[:first_theme] if loader in injected]
    if ahead:
        behind = [loader for loader in rest if loader not in ahead]
        templates.loaders = [*own, *behind, *ahead]


#: The template of a page that is no document: Sphinx's basic theme's.
PLAIN_PAGE = "basic/page.html"


class _PlainPageLoader(BaseLoader):
    """The builder's templates, with ``page.html`` read as the plain page."""

    def __init__(self, templates: BuiltinTemplateLoader) -> None:
        self.templates = templates

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        name = PLAIN_PAGE if template == "page.html" else template
        return self.templates.get_source(environment, name)


@contextmanager
def plain_page_html(templates: Any) -> Iterator[None]:
    """While a page that is no document is written, ``page.html`` is the plain page."""
    if not isinstance(templates, BuiltinTemplateLoader):
        yield
        return
    deck = templates.environment
    # An overlay has a cache of its own: the deck's page.html stays the deck's.
    templates.environment = deck.overlay(loader=_PlainPageLoader(templates))
    try:
        yield
    finally:
        templates.environment = deck


def setup_deck_templates(app: Sphinx) -> None:
    # After the extensions that inject their folders at builder-inited (default 500).
    app.connect("builder-inited", put_deck_templates_first, priority=900)
