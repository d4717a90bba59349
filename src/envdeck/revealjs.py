"""Everything envdeck uses of sphinx-revealjs's internals, and nothing else.

sphinx-revealjs documents its directives and ``revealjs_*`` options, not its
Python classes; envdeck subclasses its builder and translator, reads the files
it bundles and mends its registration.  Those uses are here, behind small names,
so that an upgrade of sphinx-revealjs (pinned ``>=3.2,<3.3``) is checked in one
module: ``tests/test_revealjs_adapter.py`` builds decks that fail when one of
them breaks.  Every other module imports sphinx-revealjs only through this one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.environment import BuildEnvironment
from sphinx_revealjs.builders import RevealjsHTMLBuilder
from sphinx_revealjs.nodes import (
    revealjs_break,
    revealjs_fragments,
    revealjs_section,
    revealjs_slide,
    revealjs_vertical,
)
from sphinx_revealjs.utils import get_internal_static_path
from sphinx_revealjs.writers import RevealjsSlideTranslator, not_write, skip_node

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: sphinx-revealjs's builder: envdeck's deck builders subclass it.
RevealjsBuilder = RevealjsHTMLBuilder
#: Its translator (sections as nested ``<section>`` slides): envdeck's subclasses it.
SlideTranslator = RevealjsSlideTranslator

#: The reveal.js tree bundled in sphinx-revealjs (``_static/revealjs``).
REVEALJS_STATIC: Path = get_internal_static_path()

#: sphinx-revealjs's name for the builder and its translation handlers.
BUILDER_NAMES = ("revealjs", "dirrevealjs")

#: What envdeck relies on, for a person reviewing an upgrade.
INTERNALS = (
    "sphinx_revealjs.builders.RevealjsHTMLBuilder: init() appends the bundled static dir "
    "to revealjs_static_path; init_css_files, init_js_files, update_page_context, "
    "get_builder_config; revealjs_context.engine (js_path, css_path, theme_dir)",
    "sphinx_revealjs.writers.RevealjsSlideTranslator: visit_section nests slides by "
    "section_level; visit_transition; not_write, skip_node",
    "sphinx_revealjs.utils.get_internal_static_path() -> the bundled revealjs/ tree",
    "sphinx_revealjs.nodes: revealjs_slide (its 'theme'), _break, _section, _vertical, _fragments",
    "translation_handlers['revealjs'] filled from 'html' at config-inited",
    "the extension's metadata: parallel_read_safe (declared False)",
)


def is_deck(what: Any) -> bool:
    """Whether this build writes a reveal.js deck: THE test of "a deck build".

    ``what`` is a builder, a builder class, or the build environment (from a
    transform).  It is the builder, not the ``slide`` flag, that decides: ``-b text
    -D slide=1`` writes the pages' slide branches as text, with no deck around them.
    """
    if isinstance(what, BuildEnvironment):
        # Sphinx 9 deprecates env.app; Sphinx 8.1 has no env._builder_cls.
        what = getattr(what, "_builder_cls", None) or what.app.builder
    cls = what if isinstance(what, type) else type(what)
    return issubclass(cls, RevealjsHTMLBuilder)


def engine(builder: RevealjsHTMLBuilder) -> Any:
    """reveal.js's paths (``js_path``, ``css_path``, ``theme_dir``) under ``_static``."""
    return builder.revealjs_context.engine


def page_context(builder: RevealjsHTMLBuilder) -> Any:
    """What sphinx-revealjs's templates read as ``revealjs`` in a page's context."""
    return builder.revealjs_context


def drop_bundled_static(config: Config) -> list[str]:
    """Take the bundled tree out of ``revealjs_static_path``; return what is left.

    sphinx-revealjs appends the whole 5.5 MiB tree to the user's list (which also
    changes the pickled config on every build); envdeck copies only what a deck uses.
    """
    static_path: list[str] = config.revealjs_static_path
    internal = str(REVEALJS_STATIC)
    while internal in static_path:
        static_path.remove(internal)
    return static_path


def page_themes(doctree: nodes.document) -> set[str]:
    """The themes a page's ``revealjs-slide`` directives set."""
    return {str(node["theme"]) for node in doctree.findall(revealjs_slide) if node.get("theme")}


#: The themes each page sets, kept in the environment as pages are read: the deck
#: copies their files without reading every doctree back from disk.
_PAGE_THEMES = "envdeck_page_themes"


def _kept_themes(env: BuildEnvironment) -> dict[str, set[str]]:
    if not hasattr(env, _PAGE_THEMES):
        setattr(env, _PAGE_THEMES, {})
    kept: dict[str, set[str]] = getattr(env, _PAGE_THEMES)
    return kept


def note_page_themes(app: Sphinx, doctree: nodes.document) -> None:
    kept = _kept_themes(app.env)
    themes = page_themes(doctree)
    if themes:
        kept[app.env.docname] = themes
    else:
        kept.pop(app.env.docname, None)


def purge_page_themes(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _kept_themes(env).pop(docname, None)


def merge_page_themes(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    theirs = _kept_themes(other)
    _kept_themes(env).update({doc: theirs[doc] for doc in docnames if doc in theirs})


def themes_of_pages(env: BuildEnvironment) -> set[str]:
    """The themes the pages of the project set (:func:`page_themes`)."""
    return set().union(*_kept_themes(env).values())


def deck_handlers(registry: Any) -> Iterable[tuple[str, tuple[Callable[..., Any], Any]]]:
    """The node handlers sphinx-revealjs registers for decks and not for ``html``
    (``revealjs-break``, …): a deck builder named ``html`` puts them back."""
    handlers = registry.translation_handlers
    html = handlers.get("html", {})
    for name, pair in handlers.get(BUILDER_NAMES[0], {}).items():
        if html.get(name) != pair:
            yield name, pair


def setup_revealjs(app: Sphinx) -> None:
    """Load sphinx-revealjs and mend what its registration lacks."""
    app.setup_extension("sphinx_revealjs")
    # It declares parallel_read_safe False, which makes `-j` builds serial with a
    # warning (an error under -W).  Its directives only build nodes and keep nothing
    # in the environment (the page themes envdeck keeps are merged), so reading in
    # parallel is safe (tests/test_slides.py builds with parallel=2 under warning
    # checks).
    app.extensions["sphinx_revealjs"].parallel_read_safe = True
    # It gives its nodes no man-page handlers: a man build of a page using its
    # directives would crash.  Skip them, as its text handlers do.
    for node in (revealjs_vertical, revealjs_section, revealjs_break, revealjs_slide):
        app.add_node(node, override=True, man=(skip_node, None))
    app.add_node(revealjs_fragments, override=True, man=(not_write, not_write))
    app.connect("doctree-read", note_page_themes)
    app.connect("env-purge-doc", purge_page_themes)
    app.connect("env-merge-info", merge_page_themes)
