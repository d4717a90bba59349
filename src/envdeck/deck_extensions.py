"""Other extensions' style sheets and scripts on deck pages, and the deck offline.

A deck page is an HTML page: what the html builder gives an extension's files
(``DOCUMENTATION_OPTIONS``, style sheets added per page at ``html-page-context``)
the deck gives them too, so that sphinx-copybutton, sphinx-tabs and the like work
on slides.  A file the deck would load from the network is named in one
``[envdeck.slides]`` warning: a deck is shown in rooms without a network.

A deck is written with reveal.js's theme, so the project's HTML theme is not loaded,
nor the directives it registers for its pages: those a deck knows how to show are
registered on their own (:func:`register_theme_directives`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx.util.docutils import is_directive_registered

from .translations import __
from .warnings_ import EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Sphinx's page options (URL root, file suffix, language): extensions' scripts
#: such as sphinx-copybutton read ``DOCUMENTATION_OPTIONS`` from it.
DOCUMENTATION_OPTIONS = "documentation_options.js"


def is_remote(url: str) -> bool:
    return "://" in url or url.startswith("//")


def _filename(asset: Any) -> str:
    return str(getattr(asset, "filename", asset) or "")


def add_extension_scripts(builder: Any) -> None:
    """Give extensions' scripts the page options that the html builder gives them."""
    if any(_filename(js) for js in builder._js_files):
        builder.add_js_file(DOCUMENTATION_OPTIONS, priority=200)


def theme_as_asset(builder: Any, ctx: dict[str, Any]) -> None:
    """Turn the reveal.js theme that sphinx-revealjs inserted as a string into an asset.

    As a string it stops Sphinx from sorting the style sheets by priority; as an
    asset at priority 150 it stays after reveal.css and before everything else.
    """
    files = ctx["css_files"]
    # Before Sphinx 8.2 assets are str subclasses: a plain str is the inserted theme.
    # Kept by identity, since comparing an asset with a str is deprecated there.
    themes = [css for css in files if type(css) is str]
    files[:] = [css for css in files if type(css) is not str]
    for theme in themes:
        builder.add_css_file(theme.removeprefix("_static/"), priority=150)


def warn_remote_assets(
    app: Sphinx, pagename: str, templatename: str, ctx: dict[str, Any], doctree: Any
) -> None:
    """Name each file a deck page would fetch from the network, once per build."""
    from .slides import is_deck

    if not is_deck(app.builder):
        return
    for asset in [*ctx.get("css_files", ()), *ctx.get("script_files", ())]:
        url = _filename(asset)
        if is_remote(url):
            warn(
                __("the deck loads {url} from the network when it is viewed").format(url=url),
                EnvdeckWarning.SLIDES,
                once=True,
            )


def register_theme_directives(app: Sphinx) -> None:
    """sphinx-book-theme's ``margin`` (Jupyter Book's too), a docutils sidebar: on a
    slide, a box beside the text.  Registered without loading the theme, whose page
    handlers expect its own templates."""
    from .slides import is_deck

    if not is_deck(app.builder) or app.config.html_theme != "sphinx_book_theme":
        return
    if is_directive_registered("margin"):
        return
    try:
        from sphinx_book_theme.directives import Margin
    except ImportError:
        return  # the theme is not installed: the html build fails the same way
    app.add_directive("margin", Margin)


def setup_deck_extensions(app: Sphinx) -> None:
    app.connect("builder-inited", register_theme_directives)
    # Last: after every extension has added its page's files.
    app.connect("html-page-context", warn_remote_assets, priority=900)
