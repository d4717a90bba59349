"""What envdeck uses of sphinx-revealjs (all of it in envdeck.revealjs), as behaviour.

Each test builds a deck and looks at what a person gets: an upgrade of
sphinx-revealjs (pinned >=3.2,<3.3) or Sphinx that changes one of the internals
envdeck relies on fails here, naming what no longer works.
"""

from __future__ import annotations

import warnings

import sphinx_revealjs
from docutils import nodes
from packaging.version import Version

from envdeck import revealjs
from envdeck.config import OPTIONS_BY_NAME, user_set
from envdeck.slides import NOTES_PLUGIN, DeckTranslator, DirectoryDeckBuilder

PAGES = {
    "index.md": "# Deck\n\n## Second\n\n### Below\n\nText.\n\n```{toctree}\nother\n```\n",
    "other.md": "# Other\n\n```{revealjs-slide}\n:theme: moon\n```\n\n## Two\n\nMore.\n",
}

CHECKED = """\
# Checked

```{envcheck} python
```

:::{notes}
Say this.
:::
"""


def rendered(built, docname: str = "index") -> nodes.document:
    """The page's doctree as its builder writes it (post-transforms applied)."""
    with warnings.catch_warnings():  # Sphinx 9 asks for `tags`, which 7.3 lacks
        warnings.simplefilter("ignore")
        return built.app.env.get_and_resolve_doctree(docname, built.app.builder)


def classes_of(doctree: nodes.document) -> set[str]:
    return {c for node in doctree.findall(nodes.Element) for c in node.get("classes", ())}


def test_sphinx_revealjs_version_is_the_tested_range():
    version = Version(sphinx_revealjs.__version__)
    assert Version("3.2") <= version < Version("3.3"), (
        f"sphinx-revealjs {version}: envdeck is tested with 3.2.x; re-check "
        "envdeck.revealjs.INTERNALS before widening the pin"
    )


def test_the_bundled_reveal_js_is_where_the_deck_copies_it_from(build):
    built = build({"index.md": "# T\n"}, confoverrides={"slide": "1"})
    paths = revealjs.engine(built.app.builder)
    for path in (paths.js_path, paths.css_path, NOTES_PLUGIN["src"]):
        assert (revealjs.REVEALJS_STATIC / path).is_file(), f"no longer shipped: {path}"
    for theme in OPTIONS_BY_NAME["envdeck_theme"].choices:
        assert (revealjs.REVEALJS_STATIC / paths.theme_dir / f"{theme}.css").is_file(), theme
    # Reveal.js 5 is what envdeck-deck.js and the print view were written for.
    head = (revealjs.REVEALJS_STATIC / paths.js_path).read_text("utf8")[:200]
    assert "reveal.js 5." in head
    assert (built.outdir / "_static" / paths.js_path).is_file()


def test_the_bundled_tree_is_taken_out_of_the_static_path(build):
    # sphinx-revealjs appends its whole tree to revealjs_static_path in init();
    # envdeck takes it out again and copies only what the deck uses.
    built = build(PAGES, confoverrides={"slide": "1"})
    config = built.app.config
    internal = str(revealjs.REVEALJS_STATIC)
    assert internal not in config.revealjs_static_path
    assert internal not in config.html_static_path
    assert not (built.outdir / "_static/revealjs/plugin/highlight").exists()
    assert (built.outdir / "_static/revealjs/dist/reveal.js").is_file()


def test_the_deck_theme_and_a_page_s_own_theme(build):
    # sphinx-revealjs's configure_theme reads revealjs_style_theme, and a page's
    # `revealjs-slide :theme:`; envdeck copies both themes' files.
    conf = 'extensions = ["envdeck"]\nrevealjs_style_theme = "black"\n'
    built = build(PAGES, conf=conf, confoverrides={"slide": "1"})
    theme = "_static/revealjs/dist/theme"
    index, other = built.html("index"), built.html("other")
    assert index.select_one(f'link[href^="{theme}/black.css"]')
    assert not index.select_one(f'link[href^="{theme}/moon.css"]')
    assert other.select_one(f'link[href^="{theme}/moon.css"]')
    assert not other.select_one(f'link[href^="{theme}/black.css"]')
    for name in ("black", "moon"):
        assert (built.outdir / theme / f"{name}.css").is_file()
    assert revealjs.page_themes(built.doctree("other")) == {"moon"}


def test_page_themes_are_kept_as_pages_are_read_in_parallel_and_again(build):
    # The deck copies the themes' files from what the environment kept when the
    # pages were read (merged from -j readers), not from the doctrees on disk.
    orphan = "---\norphan: true\n---\n"
    pages = {**PAGES, **{f"p{n}.md": f"{orphan}# P{n}\n\nText.\n" for n in range(6)}}
    pages["p3.md"] = f"{orphan}# P3\n\n```{{revealjs-slide}}\n:theme: sky\n```\n\nText.\n"
    theme = "_static/revealjs/dist/theme"
    built = build(pages, confoverrides={"slide": "1"}, parallel=2)
    assert built.warnings == ""
    assert revealjs.themes_of_pages(built.app.env) == {"moon", "sky"}
    assert (built.outdir / theme / "sky.css").is_file()
    # The page no longer sets a theme: read again, it is forgotten.
    (built.srcdir / "p3.md").write_text(f"{orphan}# P3\n\nText.\n", "utf8")
    again = build(None, confoverrides={"slide": "1"})
    assert revealjs.themes_of_pages(again.app.env) == {"moon"}


def test_sections_nest_as_reveal_js_stacks(build):
    # RevealjsSlideTranslator nests `###` inside its `##`: a vertical stack.
    built = build(PAGES, confoverrides={"slide": "1"})
    slides = built.html().select_one("div.reveal > div.slides")
    stacks = slides.find_all("section", recursive=False)
    # the page's two, then envdeck's closing slide
    assert len(stacks) == 3 and "envdeck-closing-slide" in stacks[2]["class"]
    inner = stacks[1].find_all("section", recursive=False)
    assert [s.find(["h2", "h3"]).get_text(strip=True)[:6] for s in inner] == ["Second", "Below"]


def test_dirrevealjs_writes_the_deck_as_directories(build):
    built = build({**PAGES, "other.md": PAGES["other.md"] + CHECKED.replace("# Checked", "")},
                  buildername="dirrevealjs", confoverrides={"slide": "1"})  # fmt: skip
    builder = built.app.builder
    assert isinstance(builder, DirectoryDeckBuilder) and revealjs.is_deck(builder)
    assert issubclass(builder.get_translator_class(), DeckTranslator)
    other = (built.outdir / "other" / "index.html").read_text("utf8")
    assert 'class="reveal"' in other and '<aside class="notes">' in other
    assert 'src="../_static/revealjs/dist/reveal.js' in other
    assert "envdeck-check-card" in other
    assert (built.outdir / "index.html").is_file()
    assert not (built.outdir / "other.html").exists()
    assert built.warnings == ""


def test_dirrevealjs_without_the_flag_warns(build):
    built = build({"index.md": "# T\n"}, buildername="dirrevealjs")
    assert "the 'dirrevealjs' builder writes a slide deck" in built.warnings
    assert "[envdeck.slides]" in built.warnings


def test_the_builder_decides_what_a_deck_build_is(build):
    # The one test (revealjs.is_deck) that envchecks, notes and the handout ask:
    # the deck gets cards and speaker notes; `-b text -D slide=1` writes the slide
    # branch as text, with blocks and titled notes as every other non-deck builder.
    deck = build({"index.md": CHECKED}, confoverrides={"slide": "1"})
    assert revealjs.is_deck(deck.app.builder) and revealjs.is_deck(deck.app.env)
    assert revealjs.is_deck(type(deck.app.builder))
    found = classes_of(rendered(deck))
    assert "envdeck-check-card" in found and "admonition-instructor-note" not in found
    text = build(None, buildername="text", confoverrides={"slide": "1"})
    assert not revealjs.is_deck(text.app.builder) and not revealjs.is_deck(text.app.env)
    found = classes_of(rendered(text))
    assert "envdeck-check" in found and "envdeck-check-card" not in found
    assert "admonition-instructor-note" in found
    assert "Instructor note" in text.text("index.txt")
    text.warnings_besides_the_flag()


def test_revealjs_handlers_reach_the_deck_under_the_html_name(build):
    built = build({"index.md": "# T\n\n```{revealjs-break}\n```\n\nTwo.\n"},
                  confoverrides={"slide": "1"})  # fmt: skip
    names = dict(revealjs.deck_handlers(built.app.registry))
    # sphinx-revealjs handles a break in the deck, and skips it in html.
    assert "revealjs_break" in names
    slide = built.html().select_one("div.slides > section")
    assert len(slide.find_all("section", recursive=False)) == 2


def test_user_set_tells_the_user_s_values_from_defaults(build):
    # envdeck's revealjs_* defaults give way to what the user set (Config internals).
    conf = 'extensions = ["envdeck"]\nrevealjs_style_theme = "black"\n'
    built = build({"index.md": "# T\n"}, conf=conf, confoverrides={"envdeck_transition": "fade"})
    config = built.app.config
    assert user_set(config, "revealjs_style_theme")
    assert user_set(config, "envdeck_transition")
    assert not user_set(config, "revealjs_script_plugins")
    assert not user_set(config, "envdeck_theme")


def test_sphinx_revealjs_reads_in_parallel_and_builds_man_pages(build):
    pages = {
        "index.md": "# T\n\n```{toctree}\nb\n```\n\n```{revealjs-break}\n```\n\nx\n",
        "b.md": "# B\n\n```{revealjs-fragments}\n- one\n```\n",
    }
    built = build(pages, parallel=2)
    assert built.app.extensions["sphinx_revealjs"].parallel_read_safe
    man = build(None, buildername="man")
    assert man.warnings == ""
