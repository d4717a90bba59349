"""The deck's page templates come before templates that extensions inject.

Some extensions put a templates folder of their own in front of the theme's at
``builder-inited`` (ABlog's ``page.html``, which extends ``layout.html``, is one):
written for HTML themes, it would replace the deck's page template, and every page
of the deck would be a plain HTML page without slides.  In a deck, such folders go
after the deck theme's, where they still serve the templates that only they have.
The author's own ``templates_path`` keeps its place: it may be written for the deck.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.jinja2glue import BuiltinTemplateLoader

from .slides import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _folders(loader: object) -> frozenset[str]:
    return frozenset(str(path) for path in getattr(loader, "searchpath", ()))


def put_deck_templates_first(app: Sphinx) -> None:
    builder = app.builder
    templates = getattr(builder, "templates", None)
    theme = getattr(builder, "theme", None)
    if not is_deck(builder) or not isinstance(templates, BuiltinTemplateLoader) or not theme:
        return
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


def setup_deck_templates(app: Sphinx) -> None:
    # After the extensions that inject their folders at builder-inited (default 500).
    app.connect("builder-inited", put_deck_templates_first, priority=900)
