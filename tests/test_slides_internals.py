"""What envdeck relies on inside sphinx-revealjs (and Sphinx) must still be there.

envdeck subclasses sphinx-revealjs's builder and translator and reads its files.
Upgrading sphinx-revealjs (pinned >=3.2,<3.3) or Sphinx must fail HERE, with a
message naming what changed, rather than as a broken deck.
"""

from __future__ import annotations

import inspect

import sphinx_revealjs
from packaging.version import Version
from sphinx.config import Config
from sphinx_revealjs.builders import RevealjsHTMLBuilder
from sphinx_revealjs.contexts import RevealjsEngine
from sphinx_revealjs.nodes import revealjs_break, revealjs_slide
from sphinx_revealjs.writers import RevealjsSlideTranslator

from envdeck import slides


def test_sphinx_revealjs_version_is_the_tested_range():
    version = Version(sphinx_revealjs.__version__)
    assert Version("3.2") <= version < Version("3.3"), (
        f"sphinx-revealjs {version}: envdeck is tested with 3.2.x; re-check "
        "envdeck.slides.REVEALJS_INTERNALS before widening the pin"
    )


def test_builder_methods_envdeck_overrides_or_calls_exist():
    for name in (
        "init",
        "init_css_files",
        "init_js_files",
        "get_theme_config",
        "configure_theme",
        "update_page_context",
        "get_doc_context",
    ):
        assert callable(getattr(RevealjsHTMLBuilder, name, None)), (
            f"RevealjsHTMLBuilder.{name} is gone"
        )
    # init() appends the bundled static dir to revealjs_static_path (envdeck takes it out).
    assert "revealjs_static_path.append" in inspect.getsource(RevealjsHTMLBuilder.init)
    # configure_theme() reads revealjs_style_theme and the per-page theme attribute.
    source = inspect.getsource(RevealjsHTMLBuilder.configure_theme)
    assert "revealjs_style_theme" in source and '"theme"' in source


def test_bundled_revealjs_files_are_where_envdeck_copies_them_from():
    engine = RevealjsEngine.from_version(4)
    static = slides.REVEALJS_STATIC
    for path in (
        engine.js_path,
        engine.css_path,
        f"{engine.theme_dir}/white.css",
        slides.NOTES_PLUGIN["src"],
    ):
        assert (static / path).is_file(), f"sphinx-revealjs no longer ships {path}"
    from envdeck.config import OPTIONS_BY_NAME

    for theme in OPTIONS_BY_NAME["envdeck_theme"].choices:
        assert (static / engine.theme_dir / f"{theme}.css").is_file(), theme
    # Reveal.js 5 is what envdeck-deck.js and the print view were written for.
    head = (static / engine.js_path).read_text("utf8")[:200]
    assert "reveal.js 5." in head


def test_translator_keeps_the_section_nesting_envdeck_breaks_into():
    assert issubclass(slides.DeckTranslator, RevealjsSlideTranslator)
    source = inspect.getsource(RevealjsSlideTranslator.visit_section)
    assert "_nest_step" in source and "section_level" in source
    assert RevealjsSlideTranslator.visit_literal_block is not None


def test_config_values_envdeck_fills_are_registered(build):
    built = build({"index.md": "# T\n"})
    config = built.app.config
    for name in (
        "revealjs_style_theme",
        "revealjs_script_conf",
        "revealjs_script_plugins",
        "revealjs_static_path",
        "revealjs_css_files",
        "revealjs_js_files",
        "revealjs_script_files",
        "revealjs_html_theme",
    ):
        assert name in config, f"sphinx-revealjs no longer registers {name}"
    # envdeck.slides.user_set() reads these private Config attributes.
    assert isinstance(getattr(config, "_raw_config", None), dict)
    assert isinstance(getattr(config, "_overrides", None), dict)
    assert "_raw_config" in inspect.getsource(Config.__init__)


def test_deck_node_handlers_are_registered_under_revealjs(build):
    built = build({"index.md": "# T\n"}, confoverrides={"slide": "1"})
    handlers = built.app.registry.translation_handlers
    assert revealjs_break.__name__ in handlers["revealjs"]
    # sphinx-revealjs copies every html handler into `revealjs` at config-inited.
    assert set(handlers["html"]) <= set(handlers["revealjs"])
    assert revealjs_slide.__name__ in handlers["html"]
