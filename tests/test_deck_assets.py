"""What a deck page loads (envdeck.deck_assets): what it uses, and the same look.

The build tests read the pages' links; the browser tests check in headless Chromium
that a page looks the same with its cut of sphinx-design's style sheet as with the
whole of it, and that the speaker view still opens, and follows the deck to its next
page, with its plugin loaded on demand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LAUNCH_FLAGS, chromium_or_skip, open_deck, serve
from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from envdeck.deck_assets import css_for, parse_css

PLAIN = "# Plain\n\nOnly words on this slide.\n"
CODE = "# Code\n\n```python\nimport sys\n```\n"
CARDS = (
    "# Cards\n\n::::{grid} 2\n:::{grid-item-card} One\nA.\n:::\n"
    ":::{grid-item-card} Two\nB.\n:::\n::::\n"
)
TABS = "# Tabs\n\n::::{tab-set}\n:::{tab-item} uv\nfast\n:::\n:::{tab-item} pip\nslow\n:::\n::::\n"
CHECK = "# Check\n\n```{envcheck} python\n```\n"
TOCTREE = "\n```{toctree}\n:hidden:\n\ncode\ncards\nmore-cards\ntabs\ncheck\n```\n"


#: The start of the files written into a page rather than linked (minified; Pygments'
#: styles cut to the page's code).
INLINED = {
    "_static/pygments.css": "pre{ line-height: 125%; }",
    "_static/envdeck-deck.js": '(function(){"use strict";var MIN_SCALE=',
    "_static/envdeck-split.js": '(function(){"use strict";var SCALE_FIRST=',
    "_static/envdeck-deck.css": ".reveal{font-size:36px;",
}


def links(built: Any, page: str) -> tuple[list[str], list[str]]:
    """The style sheets and scripts of a page, linked or written into it."""
    soup = built.html(page)
    css = [link["href"].split("?")[0] for link in soup.find_all("link", rel="stylesheet")]
    js = [script["src"].split("?")[0] for script in soup.find_all("script", src=True)]
    for name, first in INLINED.items():
        found = [
            e for e in soup.find_all(["style", "script"]) if e.get_text().strip().startswith(first)
        ]
        if found:
            assert name not in css + js  # not both
            (css if found[0].name == "style" else js).append(f"inline:{name}")
    return css, js


@pytest.fixture
def deck(build: Any) -> Any:
    files = {"index.md": PLAIN + TOCTREE, "code.md": CODE, "cards.md": CARDS, "tabs.md": TABS}
    files["check.md"] = CHECK
    files["more-cards.md"] = CARDS.replace("# Cards", "# More cards")
    return build(files, confoverrides={"slide": "1"})


def test_a_page_links_only_the_style_sheets_and_scripts_it_uses(deck: Any) -> None:
    css, js = links(deck, "index")
    assert not [c for c in css if re.search(r"pygments|envcheck|design", c)], css
    assert "_static/design-tabs.js" not in js
    # What every page needs stays.
    assert {"inline:_static/envdeck-deck.css", "_static/revealjs/dist/reveal.css"} <= set(css)
    assert {"inline:_static/envdeck-deck.js", "inline:_static/envdeck-split.js"} <= set(js)
    # Written into the head, the split plugin is registered from the page.
    init = next(
        s.text for s in deck.html("index").find_all("script") if "Reveal.initialize" in s.text
    )
    assert "Reveal.registerPlugin(EnvdeckSplit)" in init

    css, js = links(deck, "code")
    assert "inline:_static/pygments.css" in css
    assert not [c for c in css if re.search(r"envcheck|design", c)]

    css, js = links(deck, "cards")
    [design] = [c for c in css if "design" in c]
    assert re.fullmatch(r"_static/envdeck-design-[0-9a-f]{12}\.css", design)
    assert (deck.outdir / design).is_file()
    assert "_static/design-tabs.js" not in js

    css, js = links(deck, "tabs")
    assert "_static/design-tabs.js" in js

    css, js = links(deck, "check")
    assert "_static/envcheck.css" in css
    assert any("envdeck-design-" in c for c in css)  # the slide's check is a card


def test_a_page_cuts_sphinx_designs_style_sheet_to_its_components(deck: Any) -> None:
    css, _ = links(deck, "cards")
    [design] = [c for c in css if "design" in c]
    cut = (deck.outdir / design).read_text("utf8")
    whole = (deck.outdir / "_static" / "sphinx-design.min.css").read_text("utf8")
    assert len(cut) < len(whole) / 4
    assert ".sd-card{" in cut and ":root{" in cut
    assert ".sd-tab-set" not in cut and ".sd-btn" not in cut
    # Pages with the same components share one file; others have their own.
    same, _ = links(deck, "more-cards")
    other, _ = links(deck, "check")
    assert design in same and design not in other


def test_the_speaker_view_plugin_is_loaded_on_demand(deck: Any) -> None:
    soup = deck.html("index")
    scripts = [s.get("src", "") for s in soup.find_all("script")]
    assert not any("notes.js" in s for s in scripts)
    init = next(s.text for s in soup.find_all("script") if "Reveal.initialize" in s.text)
    assert '"_static/revealjs/plugin/notes/notes.js"' in init
    assert "RevealNotes," not in init  # not among the plugins loaded with the page
    assert (deck.outdir / "_static/revealjs/plugin/notes/notes.js").is_file()


def test_the_handout_is_left_as_it_was(build: Any) -> None:
    built = build({"index.md": PLAIN + TOCTREE, "code.md": CODE, "cards.md": CARDS,
                   "more-cards.md": CARDS, "tabs.md": TABS, "check.md": CHECK})  # fmt: skip
    css, _ = links(built, "index")
    assert "_static/sphinx-design.min.css" in css and "_static/pygments.css" in css


def test_css_for_keeps_what_the_classes_can_match() -> None:
    rules = parse_css(
        ":root{--x:1}.sd-a{color:red}.sd-a .sd-b,.sd-c{margin:0}"
        "@media (min-width:576px){.sd-b{width:1px}.sd-a{width:2px}}"
        "@keyframes sd-k{0%{opacity:0}100%{opacity:1}}"
    )
    assert css_for(rules, {"sd-a"}) == (
        ":root{--x:1}.sd-a{color:red}@media (min-width:576px){.sd-a{width:2px}}"
        "@keyframes sd-k{0%{opacity:0}100%{opacity:1}}"
    )
    assert ".sd-a .sd-b,.sd-c{margin:0}" in css_for(rules, {"sd-c"})


SD_CLASSES = ["sd-a", "sd-b", "sd-card", "sd-row"]


@st.composite
def style_sheets(draw: st.DrawFn, depth: int = 0) -> tuple[str, str]:
    """Minified CSS of plain rules, at-rules with rules inside and at-rules with
    blocks; and the same sheet as a page with no sd- class keeps it."""
    sheet, kept = [], []
    for _ in range(draw(st.integers(1 if depth else 0, 5))):  # no empty @media
        kind = draw(st.integers(0, 4 if depth < 2 else 2))
        if kind <= 1:  # a rule, its selectors naming sd- classes or none
            selectors = [
                " ".join(f".{name}" for name in names) or "body"
                for names in draw(
                    st.lists(
                        st.lists(st.sampled_from(SD_CLASSES), max_size=2), min_size=1, max_size=3
                    )
                )
            ]
            rule = f"{','.join(selectors)}{{color:red}}"
            sheet.append(rule)
            if "body" in selectors:
                kept.append(rule)
        elif kind == 2:  # blocks inside a block: kept whole
            rule = "@keyframes sd-k{0%{opacity:0}100%{opacity:1}}"
            sheet.append(rule)
            kept.append(rule)
        else:  # rules inside a block: kept when one of them is
            inner, inner_kept = draw(style_sheets(depth + 1))
            prelude = draw(st.sampled_from(["@media (min-width:576px)", "@supports (x:y)"]))
            sheet.append(f"{prelude}{{{inner}}}")
            if inner_kept:
                kept.append(f"{prelude}{{{inner_kept}}}")
    return "".join(sheet), "".join(kept)


@settings(max_examples=150, deadline=None, database=None)
@given(sheet=style_sheets())
def test_a_page_with_every_class_keeps_the_whole_sheet_and_one_with_none_the_rest(
    sheet: tuple[str, str],
) -> None:
    text, without_sd = sheet
    rules = parse_css(text)
    assert css_for(rules, set(SD_CLASSES)) == text
    assert css_for(rules, set()) == without_sd


# --- in Chromium -------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
NOTE_ONE = "A note for the first page."
NOTE_TWO = "A note for the second page."


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    chromium_or_skip()
    srcdir = tmp_path_factory.mktemp("assets") / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text('extensions = ["envdeck"]\n', "utf8")
    (srcdir / "lifecycle.md").write_text((REPO / "content/lifecycle.md").read_text("utf8"))
    (srcdir / "index.md").write_text(
        f"# One\n\n:::{{notes}}\n{NOTE_ONE}\n:::\n\n" + TABS.replace("# Tabs", "## Tabs")
        + "\n```{toctree}\n:hidden:\n\ntwo\nlifecycle\n```\n",
        "utf8",
    )  # fmt: skip
    (srcdir / "two.md").write_text(f"# Two\n\n:::{{notes}}\n{NOTE_TWO}\n:::\n", "utf8")
    app = SphinxTestApp("html", srcdir=srcdir, confoverrides={"slide": "1"})
    try:
        app.build()
        assert app._warning.getvalue() == ""
        outdir = Path(app.outdir)
    finally:
        app.cleanup()
    # Each page again, linking sphinx-design's whole style sheet instead of its cut.
    for page in ("index", "lifecycle"):
        text = (outdir / f"{page}.html").read_text("utf8")
        whole = re.sub(
            r"_static/envdeck-design-[0-9a-f]+\.css", "_static/sphinx-design.min.css", text
        )
        assert whole != text
        (outdir / f"{page}-whole.html").write_text(whole, "utf8")
    with serve(outdir) as base:
        yield base, outdir


@pytest.fixture(scope="module")
def browser(served: tuple[str, Path]) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        yield context.new_page()
    finally:
        context.close()


#: Every computed style property of every element of the slides, in document order.
STYLES = """() => [...document.querySelectorAll('.reveal .slides *')].map((el) => {
  const style = getComputedStyle(el);
  return el.tagName + ' ' + [...style].map((p) => p + ':' + style.getPropertyValue(p)).join(';');
})"""


@pytest.mark.browser
@pytest.mark.parametrize("name", ["index", "lifecycle"])
def test_a_page_looks_the_same_with_its_cut_of_sphinx_design(
    page: Any, served: tuple[str, Path], name: str
) -> None:
    base, _ = served
    seen = []
    for variant in (name, f"{name}-whole"):
        # Once the slides are fitted (fonts and the split plugin in): measured
        # earlier, a slide may be caught between two layouts.
        open_deck(page, f"{base}/{variant}.html")
        seen.append(page.evaluate(STYLES))
    cut, whole = seen
    assert len(cut) == len(whole) > 10
    different = [(a, b) for a, b in zip(cut, whole, strict=True) if a != b]
    assert not different, different[0]


@pytest.mark.browser
def test_the_speaker_view_loads_on_s_and_follows_the_deck_to_its_next_page(
    page: Any, served: tuple[str, Path]
) -> None:
    base, _ = served
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    page.goto(f"{base}/index.html")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert not [r for r in requests if r.endswith("notes.js")]
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    assert [r for r in requests if r.endswith("notes.js")]
    speaker.locator(".speaker-controls-notes .value").wait_for(state="visible")
    show = (
        "text => document.querySelector('.speaker-controls-notes .value').innerText.includes(text)"
    )
    speaker.wait_for_function(show, arg=NOTE_ONE)
    # The presenter moves on to the next page of the deck: the speaker view, still
    # open, finds it (its heartbeat loads the plugin there) and shows its notes.
    page.goto(f"{base}/two.html")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    speaker.wait_for_function(show, arg=NOTE_TWO, timeout=15000)


def test_code_is_coloured_as_sphinx_does_with_one_formatter_per_set_of_options(build: Any) -> None:
    from sphinx.highlighting import PygmentsBridge

    blocks = "\n".join(f"```python\nprint({n})\n```\n" for n in range(3))
    built = build({"index.md": "# Code\n\n" + blocks}, confoverrides={"slide": "1"})
    highlighter = built.app.builder.highlighter
    # One for the three blocks (and one without options, for pygments.css).
    assert [key for key in highlighter._formatters if key] == [(("linenos", False),)]
    sphinx_own = PygmentsBridge("html", built.app.config.pygments_style or "xcode")
    # The same, less the spans of punctuation and spaces that the style gives nothing.
    bare = {"p", "w"} - set(highlighter.get_formatter().class2style)
    assert bare == {"p", "w"}
    unstyled = re.compile(r'<span class="(?:p|w)">([^<]*)</span>')
    for source, lang, options in [
        ("import sys\nprint(sys.prefix)\n", "python", {}),
        ("$ uv sync\n", "console", {}),
        ("a = 1\nb = 2\n", "python", {"hl_lines": [2], "linenos": True}),
    ]:
        ours = highlighter.highlight_block(source, lang, **options)
        theirs = sphinx_own.highlight_block(source, lang, **options)
        assert ours == unstyled.sub(r"\1", theirs)
        assert "<span" in ours
    assert '<span class="p">' in sphinx_own.highlight_block("f(x)\n", "python")
    # A prompt keeps its span, styled or not: sphinx-copybutton finds prompts by it.
    assert '<span class="gp">$ </span>' in highlighter.highlight_block("$ uv sync\n", "console")


def test_punctuation_keeps_its_span_where_the_style_colours_it(build: Any) -> None:
    built = build(
        {"index.md": "# Code\n\n```python\nprint(x, y)\n```\n"},
        confoverrides={"slide": "1", "envdeck_theme": "black"},  # monokai colours it
    )
    code = built.html().select_one("div.highlight pre")
    assert [span.get_text() for span in code.select("span.p")] == ["(", ",", ")"]
    styles = "".join(style.get_text() for style in built.html().find_all("style"))
    assert ".highlight .p{" in styles


def test_the_deck_s_own_files_are_minified(deck: Any) -> None:
    from envdeck.assets import STATIC_DIR

    for name in ("envdeck-deck.css", "envdeck-deck.js", "envdeck-split.js", "envcheck.css"):
        written = (deck.outdir / "_static" / name).read_text("utf8")
        source = (STATIC_DIR / name).read_text("utf8")
        assert "/*" in source and "/*" not in written, name
        assert len(written) < 0.8 * len(source), name
    assert "function isLeaf(slide)" in (deck.outdir / "_static/envdeck-deck.js").read_text("utf8")
