"""The reveal.js slide deck: with ``-D slide=1`` the ``html`` builder writes a deck.

The engine is sphinx-revealjs.  envdeck subclasses its builder and registers the
subclass under the names ``html`` and ``dirhtml`` (when the ``slide`` flag is on;
any other builder then warns that it writes no deck) and under
sphinx-revealjs's own names ``revealjs`` / ``dirrevealjs``, so that every
extension's HTML node handlers still apply and ``-b revealjs`` builds the same deck.

What the subclass changes, and why:

* it reads the ``revealjs_*`` options (sphinx-revealjs's configuration), with
  envdeck's ``envdeck_theme`` / ``_transition`` / ``_aspect_ratio`` /
  ``_slide_numbers`` as defaults that a user's own ``revealjs_*`` values override;
* offline and small: code is coloured by Pygments at build time (not by the 1 MB
  highlight.js plugin), math is rendered by MathJax from ``_static`` (see
  offline_math), and only the reveal.js files the deck uses are copied, theme fonts that
  reveal.js would fetch from Google Fonts are left out;
* a MyST ``---`` (a docutils transition) between a slide's blocks breaks the slide
  without a heading; inside a directive it stays a rule;
* ``envdeck-deck.js`` scales down slides taller than the frame.

A deck page loads what it uses and nothing more: Pygments' style sheet only where
there is highlighted code, ``envcheck.css`` only where there is an envcheck,
sphinx-design's script only where there are tabs and of its style sheet only the
rules of the components on the page, and reveal.js's speaker view only when it is
asked for.  A feature that adds a file to the deck adds it to
:data:`envdeck.deck_assets.WHERE_USED` too, unless every page needs it; the choice
is made at ``html-page-context``, after the other extensions added a page's own
files (MathJax, sphinx-tabs'), from the page's HTML (:mod:`envdeck.deck_assets`).

Everything envdeck takes from sphinx-revealjs's internals goes through
:mod:`envdeck.revealjs`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import MethodType
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.builders.dirhtml import DirectoryHTMLBuilder
from sphinx.writers.html5 import HTML5Translator

from . import deck_assets, deck_code
from .assets import copy_static
from .build_cache import KeptHighlights, KeptTemplates, highlight_kept, keep_compiled_templates
from .config import user_set
from .deck_course import setup_deck_course
from .deck_extensions import add_extension_scripts, setup_deck_extensions, theme_as_asset
from .deck_fonts import IMPORT, convert_early, copy_font_css, theme_fonts
from .deck_templates import plain_page_html
from .revealjs import (
    BUILDER_NAMES,
    REVEALJS_STATIC,
    RevealjsBuilder,
    SlideTranslator,
    deck_handlers,
    drop_bundled_static,
    engine,
    is_deck,
    page_context,
    setup_revealjs,
    themes_of_pages,
)
from .translations import _, __
from .warnings_ import LOGGER, EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

DECK_CSS = "envdeck-deck.css"
DECK_JS = "envdeck-deck.js"

#: Logical slide size per aspect ratio; reveal.js scales it to the window.
ASPECT_SIZES = {"16:9": (1280, 720), "16:10": (1280, 800), "4:3": (1024, 768)}

#: reveal.js's speaker view (``S`` key): shows ``<aside class="notes">``.
NOTES_PLUGIN = {"name": "RevealNotes", "src": "revealjs/plugin/notes/notes.js"}
#: envdeck's plugin that continues a slide too tall for the frame on the next ones:
#: written into the page's head (deck_assets.INLINE), registered there too.
SPLIT_JS = "envdeck-split.js"
#: reveal.js's highlight.js plugin (1 MB) and its style sheets: envdeck colours code
#: when it builds (deck_code.py, line-number steps included), so the plugin finds no
#: ``pre code`` to colour.  Decks written for sphinx-revealjs list them.
HIGHLIGHT_PLUGIN = "RevealHighlight"
HIGHLIGHT_FILES = "revealjs/plugin/highlight/"

#: reveal.js themes with a dark background, which get a dark Pygments style.
DARK_THEMES = frozenset({"black", "black-contrast", "blood", "dracula", "league", "moon", "night"})
#: Pygments styles whose every token has a contrast ratio of at least 4.5:1 on the
#: style's own background (WCAG AA); "friendly" has comments at 2.6:1.
PYGMENTS_LIGHT, PYGMENTS_DARK = "xcode", "monokai"


def deck_script_conf(config: Config) -> dict[str, Any]:
    """reveal.js's ``Reveal.initialize`` options that envdeck's config values give."""
    width, height = ASPECT_SIZES[config.envdeck_aspect_ratio]
    return {
        "width": width,
        "height": height,
        "transition": config.envdeck_transition,
        "slideNumber": "c/t" if config.envdeck_slide_numbers else False,
        # Reload keeps the slide; the arrow keys walk every slide in reading order,
        # including the vertical ones that `###` and `---` make.
        "hash": True,
        "navigationMode": "linear",
        # One PDF page per slide (envdeck-deck.js scales tall slides down instead).
        "pdfMaxPagesPerSlide": 1,
        "pdfSeparateFragments": False,
        # sphinx-revealjs sets this itself; setting it here keeps the config that
        # the environment pickles identical from one build to the next.
        "scrollActivationWidth": None,
        # envdeck-split.js's words after a continued slide's title, in the pages'
        # language (the project's catalogue is in by config-inited).
        "envdeckContinued": _("(cont.)"),
    }


def configure_revealjs(app: Sphinx, config: Config) -> None:
    """Fill the ``revealjs_*`` options from ``envdeck_*`` ones; register the html deck."""
    if not user_set(config, "revealjs_style_theme"):
        config.revealjs_style_theme = config.envdeck_theme

    ours = deck_script_conf(config)
    theirs = config.revealjs_script_conf if user_set(config, "revealjs_script_conf") else None
    if isinstance(theirs, dict):
        config.revealjs_script_conf = {**ours, **theirs}
    elif isinstance(theirs, str) and theirs.strip():
        # sphinx-revealjs accepts JavaScript source here: merge in the browser.
        config.revealjs_script_conf = f"Object.assign({json.dumps(ours)}, ({theirs}))"
    else:
        config.revealjs_script_conf = ours

    if not user_set(config, "revealjs_use_section_ids"):
        # Links to a section (toctree entries, cross-references) open its slide.
        config.revealjs_use_section_ids = True

    plugins = leave_out_highlight_js(app, config)
    if not any(p.get("name") == NOTES_PLUGIN["name"] for p in plugins if isinstance(p, dict)):
        plugins.append(dict(NOTES_PLUGIN))
    config.revealjs_script_plugins = plugins

    if config.slide:
        # Before the builder is created: `-D slide=1` with `html` (the default)
        # or `dirhtml` gives the deck, as `revealjs` / `dirrevealjs` do.
        app.add_builder(HTMLDeckBuilder, override=True)
        app.add_builder(DirectoryHTMLDeckBuilder, override=True)


def leave_out_highlight_js(app: Sphinx, config: Config) -> list[Any]:
    """The user's reveal.js plugins without :data:`HIGHLIGHT_PLUGIN`; its style sheets
    leave ``revealjs_css_files`` too (at config-inited: changed later, the config would
    differ from the one the environment kept, and every build would read every page).
    A deck build says so in one line (:func:`check_deck_flag`)."""
    plugins = list(config.revealjs_script_plugins or [])
    kept = [p for p in plugins if not (isinstance(p, dict) and p.get("name") == HIGHLIGHT_PLUGIN)]
    css = list(config.revealjs_css_files or [])
    kept_css = [c for c in css if not (isinstance(c, str) and c.startswith(HIGHLIGHT_FILES))]
    if len(kept) < len(plugins) or len(kept_css) < len(css):
        config.revealjs_css_files = kept_css
        app._envdeck_left_out_highlight_js = True  # type: ignore[attr-defined]
    return kept


def check_deck_flag(app: Sphinx) -> None:
    builder = app.builder
    if is_deck(builder) and not app.config.slide:
        warn(
            __(
                "the {name!r} builder writes a slide deck but the 'slide' flag "
                "is off, so pages render their prose branch; add -D slide=1"
            ).format(name=builder.name),
            EnvdeckWarning.SLIDES,
        )
    elif app.config.slide and not is_deck(builder):
        warn(
            __(
                "the {name!r} builder does not write a slide deck: with the 'slide' "
                "flag on it writes the pages' slide branches in its own format; a deck "
                "comes from the html, dirhtml, revealjs or dirrevealjs builder"
            ).format(name=builder.name),
            EnvdeckWarning.SLIDES,
        )
    if isinstance(builder, DeckBuilder):
        # sphinx-revealjs turns both off: neither is a slide.
        pages = (
            (__("the general index"), builder.use_index),
            (__("the search page"), builder.search),
        )
        left_out = [page for page, kept in pages if not kept]
        if left_out:
            LOGGER.info(__("envdeck: the deck leaves out %s"), __(" and ").join(left_out))
        if getattr(app, "_envdeck_left_out_highlight_js", False):
            LOGGER.info(
                __(
                    "envdeck: the deck leaves out reveal.js's highlight plugin (%s), "
                    "which conf.py lists: envdeck colours code when it builds"
                ),
                HIGHLIGHT_PLUGIN,
            )


# --- the translator -----------------------------------------------------------


class DeckTranslator(SlideTranslator):
    """sphinx-revealjs's section-to-slide translator, with Pygments and ``---`` breaks."""

    # sphinx-revealjs writes bare <code> for highlight.js (a 1 MB plugin); envdeck
    # colours code at build time with Pygments, as every other HTML page does.
    # revealjs-code-block's line numbers, steps and data-id: see deck_code.
    visit_literal_block = deck_code.visit_literal_block
    depart_literal_block = HTML5Translator.depart_literal_block

    def visit_section(self, node: nodes.section) -> None:
        super().visit_section(node)
        # A <section> keeps one id (or none below ###): the others — a `(label)=`
        # target above the heading — become anchors inside the slide, which
        # reveal.js follows to their slide (`page.html#label`).
        ids = list(node.get("ids", ()))
        if self.section_level < 4 and ids and self.config.revealjs_use_section_ids:
            ids.pop()
        self.body.extend(f'<span id="{self.attval(id_)}"></span>' for id_ in ids)

    def visit_transition(self, node: nodes.transition) -> None:
        # Only a `---` between a slide's blocks breaks it: inside a card, an
        # admonition or a tab, closing the <section> would close the directive's
        # <div>s and the deck's div.slides with it.  There it stays a rule.
        if self.section_level < 1 or not isinstance(node.parent, (nodes.section, nodes.document)):
            super().visit_transition(node)
            return
        # End this slide and go on in a new one, below it (like `revealjs-break`).
        self.body.append("</section>\n<section>\n")
        raise nodes.SkipNode


# --- the builders ---------------------------------------------------------------


class DeckHighlighter(deck_code.DeckPygmentsBridge):
    """Sphinx's Pygments bridge, with one HTML formatter per set of options.

    Sphinx makes a new formatter for every code block, and a Pygments HTML
    formatter computes its style's whole style sheet when it is made: half the
    cost of colouring a short block.  A formatter keeps nothing of what it wrote.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._formatters: dict[Any, Any] = {}
        #: Set by the builder: the blocks kept from earlier builds (build_cache.py).
        self.kept: KeptHighlights | None = None

    def highlight_block(
        self,
        source: str,
        lang: str,
        opts: dict[str, Any] | None = None,
        force: bool = False,
        location: Any = None,
        **kwargs: Any,
    ) -> str:
        def colour() -> str:
            return super(DeckHighlighter, self).highlight_block(
                source, lang, opts, force, location, **kwargs
            )

        return highlight_kept(self.kept, colour, source, lang, opts, force, kwargs)

    def get_formatter(self, **kwargs: Any) -> Any:
        try:
            key = tuple(sorted((k, _hashable(v)) for k, v in kwargs.items()))
            formatter = self._formatters.get(key)
        except TypeError:  # an option that cannot be a key: as Sphinx does
            return super().get_formatter(**kwargs)
        if formatter is None:
            formatter = self._formatters[key] = super().get_formatter(**kwargs)
        return formatter


def _plain_title_key(node: nodes.Node | None) -> tuple[str, str] | None:
    """What a title of text alone renders from; None for any other node."""
    if not isinstance(node, nodes.title) or type(node) is not nodes.title:
        return None
    if not all(type(child) is nodes.Text for child in node.children):
        return None
    return node.astext(), repr(sorted(node.attributes.items()))


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, set)) else value


def _registry(builder: Any) -> Any:
    # Sphinx 9 deprecates Builder.app; 8.1 has no Builder._registry.
    return getattr(builder, "_registry", None) or builder.app.registry


class DeckBuilder(RevealjsBuilder):
    """sphinx-revealjs's builder, made offline, small and configured by envdeck."""

    name = "revealjs"
    default_translator_class = DeckTranslator
    # No "show source" link on a slide: the page sources are not copied (_sources/).
    copysource = False

    def init(self) -> None:
        super().init()
        # copy_static_files() copies only the reveal.js files the deck uses; a
        # separate list, as extensions append their own static dirs to it.
        self.config.html_static_path = list(drop_bundled_static(self.config))
        keep_compiled_templates(self.templates)
        if self.config.envdeck_woff2:
            # The theme's fonts convert while Sphinx reads the pages (deck_fonts.py).
            theme = f"{engine(self).theme_dir}/{self.config.revealjs_style_theme}.css"
            convert_early(theme_fonts(REVEALJS_STATIC / theme))
        self._plain_titles: dict[tuple[str, str], dict[str, str]] = {}

    def release_page_caches(self) -> None:
        """Let go of what was kept for writing pages (made again if it writes more)."""
        self._plain_titles = {}
        deck_assets.forget(self)

    def create_template_bridge(self) -> None:
        if self.config.template_bridge:
            super().create_template_bridge()  # the author's own: theirs to keep
        else:
            self.templates = KeptTemplates()

    def render_partial(self, node: nodes.Node | None) -> dict[str, str]:
        # Sphinx renders a page's title and those of its neighbours and parents with
        # a docutils document and a translator each, several times for each page:
        # one in nine seconds of a 1,000-page deck.  A title of plain text renders
        # the same every time, so each distinct one is rendered once per build.
        key = _plain_title_key(node)
        if key is None:
            return super().render_partial(node)
        parts = self._plain_titles.get(key)
        if parts is None:
            # A copy: before Sphinx 9 the parts are the docutils writer's own dict,
            # which the next rendering fills anew.
            parts = self._plain_titles[key] = dict(super().render_partial(node))
        return dict(parts)

    def get_builder_config(self, option: str, default: str) -> Any:
        # Under the name `html` this builder must still read `revealjs_*` options.
        try:
            return getattr(self.config, f"revealjs_{option}")
        except AttributeError:
            return super().get_builder_config(option, default)

    def init_highlighter(self) -> None:
        super().init_highlighter()
        style = self.config.pygments_style
        if style is None:
            # sphinx-revealjs's theme names no style, which leaves code uncoloured.
            dark = deck_code.custom_theme_is_dark(self.config, self.srcdir)
            if dark is None:
                dark = self.config.revealjs_style_theme in DARK_THEMES
            style = PYGMENTS_DARK if dark else PYGMENTS_LIGHT
        self.highlighter = DeckHighlighter("html", style)
        self.highlighter.kept = KeptHighlights.for_project(
            self.srcdir, self.highlighter.formatter, self.highlighter.formatter_args["style"]
        )

    def init_css_files(self) -> None:
        # As sphinx-revealjs's, plus what it leaves out: Pygments, the style sheets
        # extensions register in setup(), and envdeck's.  Sphinx's priorities order
        # them: reveal.css, the theme, Pygments, extensions' (500), envdeck's, and
        # the user's last, so that theirs win.
        files: list[Any] = []
        self._css_files = files
        self.add_css_file(engine(self).css_path, priority=100)
        self.add_css_file("pygments.css", priority=200)
        for filename, attrs in _registry(self).css_files:
            self.add_css_file(filename, **attrs)
        self.add_css_file(DECK_CSS, priority=700)
        for filename in self.config.revealjs_css_files:
            self.add_css_file(filename, priority=800)

    def handle_page(
        self,
        pagename: str,
        addctx: dict[str, Any],
        templatename: str = "page.html",
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if pagename in self.env.all_docs and templatename == "page.html":
            super().handle_page(pagename, addctx, templatename, *args, **kwargs)
            return
        # A page that is no document (viewcode's _modules/…, from any
        # html-collect-pages handler) has no slides: the deck's page.html would show
        # nothing (and needs `revealjs`), so it is a plain page instead.
        addctx = {"revealjs": page_context(self), **addctx}
        with plain_page_html(self.templates):
            super().handle_page(pagename, addctx, templatename, *args, **kwargs)

    def get_doc_context(self, docname: str, body: str, metatags: str) -> dict[str, Any]:
        ctx = super().get_doc_context(docname, body, metatags)
        # sphinx-revealjs hands the page a copy, which loses the style sheets that
        # extensions add at html-page-context (sphinx-tabs on pages with tabs).
        ctx["css_files"] = self._css_files
        return ctx

    def update_page_context(
        self, pagename: str, templatename: str, ctx: dict[str, Any], event_arg: Any
    ) -> None:
        super().update_page_context(pagename, templatename, ctx, event_arg)
        theme_as_asset(self, ctx)
        # A deck has no sidebars; html_sidebars may name templates only the doc
        # set's own theme has (a template that replaces page.html renders them).
        ctx["sidebars"] = []

    def init_js_files(self) -> None:
        # As sphinx-revealjs's, without Builder.app (deprecated in Sphinx 9).
        files: list[Any] = []
        self._js_files = files
        for filename, attrs in _registry(self).js_files:
            self.add_js_file(filename, **attrs)
        for filename, attrs in self.config.revealjs_js_files:
            self.add_js_file(filename, **attrs)
        add_extension_scripts(self)
        self.add_js_file(DECK_JS)
        self.add_js_file(SPLIT_JS)

    def create_translator(self, *args: Any) -> nodes.NodeVisitor:
        translator = super().create_translator(*args)
        if self.name in BUILDER_NAMES:
            return translator
        # Registered as `html`, Sphinx gave the translator the html handlers; put
        # back the ones sphinx-revealjs registers for decks (e.g. revealjs-break).
        for name, (visit, depart) in deck_handlers(_registry(self)):
            setattr(translator, f"visit_{name}", MethodType(visit, translator))
            if depart:
                setattr(translator, f"depart_{name}", MethodType(depart, translator))
        return translator

    def copy_static_files(self) -> None:
        # The deck's own files come with the builder's static files; the features'
        # CSS (envcheck badges) comes through assets.add_css, as in every HTML build.
        # Extensions for decks add their folders at builder-inited, after init()
        # made html_static_path a separate list (sphinx_revealjs.ext.footnotes).
        for folder in self.config.revealjs_static_path:
            if folder not in self.config.html_static_path:
                self.config.html_static_path.append(folder)
        super().copy_static_files()
        static = Path(self.outdir, "_static")
        for name in (DECK_CSS, DECK_JS, SPLIT_JS):
            copy_static(name, static)
        for relpath in sorted(self.revealjs_files()):
            copy_revealjs_file(relpath, static, woff2=self.config.envdeck_woff2)

    def revealjs_files(self) -> set[str]:
        """The files under ``revealjs/`` that the deck's pages load."""
        paths = engine(self)
        wanted = {paths.js_path, paths.css_path}
        for theme in self.used_themes():
            if theme.startswith(("http://", "https://")):
                wanted.add(theme)
            elif not theme.endswith(".css"):  # else a file of the user's static path
                wanted.add(f"{paths.theme_dir}/{theme}.css")
        config = self.config
        wanted.update(
            p.get("src", "") for p in config.revealjs_script_plugins if isinstance(p, dict)
        )
        wanted.update(config.revealjs_script_files)
        wanted.update(name for name, _ in config.revealjs_js_files)
        wanted.update(
            entry if isinstance(entry, str) else entry[0] for entry in config.revealjs_css_files
        )
        for url in sorted(wanted):
            if url.startswith(("http://", "https://", "//")):
                warn(
                    __("the deck loads {url} from the network when it is viewed").format(url=url),
                    EnvdeckWarning.SLIDES,
                    once=True,
                )
        return {path for path in wanted if path.startswith("revealjs/")}

    def used_themes(self) -> set[str]:
        # sphinx-revealjs's `revealjs-slide` directive can set a page's theme.
        return {self.config.revealjs_style_theme} | themes_of_pages(self.env)


class HTMLDeckBuilder(DeckBuilder):
    """The deck under the name ``html``: what ``-D slide=1`` builds."""

    name = "html"


class DirectoryDeckBuilder(DirectoryHTMLBuilder, DeckBuilder):  # type: ignore[misc]
    """The deck as ``<page>/index.html`` files, as sphinx-revealjs's ``dirrevealjs``."""

    name = "dirrevealjs"  # type: ignore[misc]


class DirectoryHTMLDeckBuilder(DirectoryDeckBuilder):
    """The directory deck under the name ``dirhtml``: ``-b dirhtml -D slide=1``."""

    name = "dirhtml"  # type: ignore[misc]


# --- copying the reveal.js files a deck uses ------------------------------------


def copy_revealjs_file(relpath: str, static: Path, *, woff2: bool = True) -> None:
    """Copy ``revealjs/<relpath>`` from sphinx-revealjs into ``static``, trimmed.

    A theme's remote ``@import`` (Google Fonts) is dropped, so the deck never
    fetches it (the theme's fallback fonts are used); a local font's CSS keeps only
    its WOFF files, with WOFF2 files in front of them (deck_fonts.py).
    """
    source = REVEALJS_STATIC / relpath
    if not source.is_file():
        warn(
            __("the deck refers to {path!r}, which sphinx-revealjs does not ship").format(
                path=relpath
            ),
            EnvdeckWarning.SLIDES,
            once=True,
        )
        return
    target = static / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.suffix != ".css":
        shutil.copyfile(source, target)
        return
    text = source.read_text("utf8")
    for match in IMPORT.finditer(text):
        url = match.group(1)
        if "://" not in url and not url.startswith("//"):
            copy_font_css(source.parent / url, target.parent / url, woff2=woff2)
    text = IMPORT.sub(
        lambda m: m.group(0) if "://" not in m.group(1) and not m.group(1).startswith("//") else "",
        text,
    )
    target.write_text(text, "utf8")


def choose_page_assets(
    app: Sphinx, pagename: str, templatename: str, ctx: dict[str, Any], doctree: Any
) -> None:
    """What a deck page loads: what it uses (deck_assets.py).

    Chosen at html-page-context after the other extensions' handlers, which add a
    page's own files there (MathJax on a page with math, sphinx-tabs' files on a
    page with tabs) to the builder's list that ``ctx`` holds.
    """
    if not isinstance(app.builder, DeckBuilder):
        return
    # configure_theme() inserted the theme as a plain string, which stops Sphinx
    # from sorting the style sheets by priority (theme_as_asset made it an asset).
    ctx["css_files"] = sorted(ctx["css_files"], key=lambda css: getattr(css, "priority", 150))
    deck_assets.page_assets(app.builder, ctx, NOTES_PLUGIN["name"])


def release_page_caches(app: Sphinx, exception: Exception | None) -> None:
    """Let go of what the deck builder kept for writing its pages, once they are written.

    The application outlives its build (Sphinx's logging holds it until the next
    one starts), and Python's full collections, at exit among others, walk all it
    holds: the parsed style sheets alone are some thousand objects.
    """
    if isinstance(app.builder, DeckBuilder):
        app.builder.release_page_caches()


def keep_highlights(app: Sphinx, exception: Exception | None) -> None:
    """Write the code blocks this deck build coloured, for the next build to reuse."""
    kept = getattr(getattr(app.builder, "highlighter", None), "kept", None)
    if exception is None and isinstance(kept, KeptHighlights):
        kept.save()


def setup_slides(app: Sphinx) -> None:
    setup_revealjs(app)
    app.add_builder(DeckBuilder, override=True)
    app.add_builder(DirectoryDeckBuilder, override=True)
    # After config.py converted the values (priority 100), before sphinx-revealjs
    # reads its own (priority 500).
    app.connect("config-inited", configure_revealjs, priority=150)
    app.connect("builder-inited", check_deck_flag)
    app.connect("build-finished", keep_highlights)
    app.connect("build-finished", release_page_caches, priority=900)
    # Late: after every extension added its page's files; before the deck's
    # network check (priority 900) sees what the page loads.
    app.connect("html-page-context", choose_page_assets, priority=800)
    setup_deck_extensions(app)
    setup_deck_course(app)
