"""The deck in a real browser: headless Chromium, served from 127.0.0.1.

Driven by Playwright's Python package with the system's Chromium
(``executable_path``); skipped, saying why, where no Chromium is installed.
Screenshots go to ``$ENVDECK_SCREENSHOTS`` when set, else to the test's tmp dir.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import browser_support
import pytest
from browser_support import LAUNCH_FLAGS, chromium_or_skip, serve, shots_dir
from sphinx.testing.util import SphinxTestApp

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "content" / "lifecycle.md"

NOTE = "Ask who has moved a venv and watched it break."

#: A line of 200 characters that ends in a word the test looks for.
LONG_LINE = "print(" + ", ".join(f"'word{i:03d}'" for i in range(16)) + ", 'the_end_of_line')"

FEATURES = f"""\
# Deck features

Title slide.

:::{{notes}}
{NOTE}
:::

## Code and math

```python
import sys
print(sys.prefix)
```

The mean is $\\bar x = \\frac{{1}}{{n}}\\sum_i x_i$.

### Below code

A vertical slide.

## A long slide

{"".join(f"- point number {i}, which takes a line of its own{chr(10)}" for i in range(1, 19))}
## A very long slide

{"".join(f"- point {i} of far too many for one slide{chr(10)}" for i in range(1, 61))}
(tools-compared)=
## Tabs and badges

::::{{tab-set}}
:::{{tab-item}} uv
`uv sync` {{bdg-success}}`fast`
:::
:::{{tab-item}} pip
`pip install -r requirements.txt`
:::
::::

## Long code

```python
{LONG_LINE}
```
"""


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the deck once; serve it on 127.0.0.1; yield its base URL."""
    chromium_or_skip()
    srcdir = tmp_path_factory.mktemp("deck") / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(
        'extensions = ["envdeck"]\nmyst_enable_extensions = ["dollarmath"]\n', "utf8"
    )
    # The seed lesson as it is: envdeck's Jinja stage picks its slide branch.
    (srcdir / "lifecycle.md").write_text(SEED.read_text("utf8"), "utf8")
    (srcdir / "index.md").write_text(FEATURES + "\n```{toctree}\n:hidden:\n\nlifecycle\n```\n")
    app = SphinxTestApp("html", srcdir=srcdir, confoverrides={"slide": "1"})
    try:
        app.build()
        assert app._warning.getvalue() == ""
        outdir = str(app.outdir)
    finally:
        app.cleanup()
    with serve(outdir) as base:
        yield base


@pytest.fixture(scope="module")
def browser(deck: str) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def requests() -> list[str]:
    return []


@pytest.fixture
def page(browser: Any, requests: list[str]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    # Every request of every page and frame (the speaker view's too).
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return shots_dir(tmp_path)


def open_deck(page: Any, url: str) -> None:
    browser_support.open_deck(page, url)
    page.evaluate(
        "window.envdeckMoves = 0; Reveal.on('slidechanged', () => { window.envdeckMoves++; })"
    )


def indices(page: Any) -> tuple[int, int]:
    found = page.evaluate("Reveal.getIndices()")
    return found["h"], found["v"]


def go(page: Any, key: str) -> None:
    moves = page.evaluate("window.envdeckMoves")
    page.keyboard.press(key)
    page.wait_for_function(f"window.envdeckMoves > {moves}")


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not rendered"
    return found


def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 1
        and inner["y"] >= outer["y"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def assert_local(requests: list[str], deck: str) -> None:
    assert requests, "no request was recorded"
    strays = [url for url in requests if not url.startswith(f"{deck}/")]
    assert not strays, f"requests left the machine: {strays}"


def test_arrow_keys_move_between_slides(page, deck, requests, shots):
    open_deck(page, f"{deck}/index.html")
    assert indices(page) == (0, 0)
    page.screenshot(path=shots / "deck-0-title.png")
    go(page, "ArrowRight")
    assert indices(page) == (1, 0)
    assert "Code and math" in page.evaluate("Reveal.getCurrentSlide().textContent")
    page.screenshot(path=shots / "deck-1-code-math.png")
    # Linear navigation: the right arrow walks into the vertical slide below, too.
    go(page, "ArrowRight")
    assert indices(page) == (1, 1)
    go(page, "ArrowLeft")
    assert indices(page) == (1, 0)
    go(page, "ArrowLeft")
    assert indices(page) == (0, 0)
    # Six slides of the page, the "(cont.)" slides that its long ones go on over,
    # then the closing slide that lists its lesson.
    continued = page.evaluate("document.querySelectorAll('section.envdeck-continued').length")
    assert continued > 0
    assert page.evaluate("Reveal.getTotalSlides()") == 8 + continued
    assert_local(requests, deck)


def test_a_link_to_a_section_opens_its_slide(page, deck):
    open_deck(page, f"{deck}/index.html#below-code")
    assert indices(page) == (1, 1)


def test_a_link_to_a_label_opens_its_slide(page, deck):
    # The <section> keeps the heading's id; the label above it must still lead there.
    open_deck(page, f"{deck}/index.html#tools-compared")
    assert indices(page) == (4, 0)
    assert "Tabs and badges" in page.evaluate("Reveal.getCurrentSlide().textContent")


def test_code_is_coloured_and_math_is_rendered(page, deck):
    open_deck(page, f"{deck}/index.html#/1")
    keyword = page.locator("div.highlight span.kn").first
    assert keyword.evaluate("el => getComputedStyle(el).color") != page.locator(
        "div.highlight span.n"
    ).first.evaluate("el => getComputedStyle(el).color")
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("MathJax.startup.promise")
    fraction = box(page, "span.math mjx-mfrac")
    # Typeset: the fraction is a box taller than one letter.
    assert fraction["height"] > box(page, "span.math mjx-mi")["height"]


def test_seed_cards_lie_side_by_side_inside_the_16_9_frame(page, deck, requests, shots):
    open_deck(page, f"{deck}/lifecycle.html")
    page.screenshot(path=shots / "seed-lifecycle.png")
    frame = box(page, ".reveal .slides")
    assert frame["width"] / frame["height"] == pytest.approx(16 / 9, rel=0.01)
    cards = page.locator(".reveal .slides section.present:not(.stack) .sd-card")
    assert cards.count() == 2
    left, right = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    for card in (left, right):
        assert inside(card, frame), f"card {card} outside the frame {frame}"
    assert abs(left["y"] - right["y"]) < 2, "cards are not side by side"
    assert left["x"] + left["width"] <= right["x"]
    # Readable: the slide was not shrunk, and the card text is a sensible size.
    slide = page.locator(".reveal .slides section.present:not(.stack)")
    assert float(slide.get_attribute("data-envdeck-scale")) == 1.0
    scale = page.evaluate("Reveal.getScale()")
    text_px = (
        cards.nth(0).locator("li").first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    )
    assert text_px * scale >= 18, f"card text is {text_px * scale:.0f}px on screen"
    assert_local(requests, deck)


def parts_of(page: Any, title: str) -> list[dict[str, Any]]:
    """The slide titled ``title`` and its "(cont.)" slides, each shown and measured."""
    found = []
    for h, v in browser_support.each_slide(page, page.url):
        heading = page.evaluate("(Reveal.getCurrentSlide().querySelector('h2') || {}).textContent")
        if heading in (title, f"{title} (cont.)"):
            slide = page.locator(".reveal .slides section.present:not(.stack)")
            found.append(
                {
                    "at": (h, v),
                    "heading": heading,
                    "scale": float(slide.get_attribute("data-envdeck-scale")),
                    "items": slide.locator("li").all_inner_texts(),
                    "inside": inside(
                        slide.locator("li").last.bounding_box(), box(page, ".reveal .slides")
                    ),
                }
            )
    return found


@pytest.mark.parametrize(
    ("title", "count", "template"),
    [
        ("A long slide", 18, "point number {}, which takes a line of its own"),
        ("A very long slide", 60, "point {} of far too many for one slide"),
    ],
)
def test_a_tall_slide_goes_on_over_cont_slides_at_full_size(
    page, deck, shots, title, count, template
):
    open_deck(page, f"{deck}/index.html")
    parts = parts_of(page, title)
    assert len(parts) >= 2, parts
    assert parts[0]["heading"] == title
    assert all(part["heading"] == f"{title} (cont.)" for part in parts[1:])
    # Each part below the first, in the order of the source, readable and whole.
    assert [part["at"][1] for part in parts] == list(
        range(parts[0]["at"][1], parts[0]["at"][1] + len(parts))
    )
    assert all(part["scale"] >= 0.7 and part["inside"] for part in parts), parts
    items = [item for part in parts for item in part["items"]]
    assert items == [template.format(i) for i in range(1, count + 1)]
    h, v = parts[1]["at"]
    page.evaluate(f"Reveal.slide({h}, {v})")
    page.screenshot(path=shots / f"deck-cont-{count}.png")


def test_notes_are_hidden_on_the_slide_and_shown_in_the_speaker_view(page, deck, requests, shots):
    open_deck(page, f"{deck}/index.html")
    assert page.locator("aside.notes").count() == 1
    assert not page.locator("aside.notes").is_visible()
    assert NOTE not in page.evaluate("document.querySelector('.reveal').innerText")
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    notes = speaker.locator(".speaker-controls-notes .value")
    notes.wait_for(state="visible")
    speaker.wait_for_function(
        "text => document.querySelector('.speaker-controls-notes .value').innerText.includes(text)",
        arg=NOTE,
    )
    # For the screenshot: the speaker view's slide previews have loaded.
    speaker.wait_for_function(
        "[...document.querySelectorAll('iframe')].every("
        "f => f.contentWindow.Reveal && f.contentWindow.Reveal.isReady())"
    )
    speaker.screenshot(path=shots / "speaker-view.png")
    assert_local(requests, deck)


def test_tabs_and_badges_work_on_a_slide(page, deck, shots):
    open_deck(page, f"{deck}/index.html#/4")
    page.screenshot(path=shots / "deck-4-tabs.png")
    pip = page.locator(".sd-tab-set > label", has_text="pip")
    assert page.locator(".sd-badge", has_text="fast").is_visible()
    pip.click()
    assert page.locator(".sd-tab-content code", has_text="pip install").is_visible()
    assert not page.locator(".sd-tab-content code", has_text="uv sync").is_visible()


def test_a_long_code_line_wraps_inside_the_slide(page, deck, shots):
    open_deck(page, f"{deck}/index.html#/5")
    assert "Long code" in page.evaluate("Reveal.getCurrentSlide().textContent")
    page.screenshot(path=shots / "deck-5-long-code.png")
    slide = page.locator(".reveal .slides section.present:not(.stack)")
    pre = slide.locator("div.highlight pre")
    sizes = pre.evaluate("el => ({scroll: el.scrollWidth, client: el.clientWidth})")
    assert sizes["scroll"] <= sizes["client"], f"the code is cut off sideways: {sizes}"
    assert inside(pre.bounding_box(), box(page, ".reveal .slides section.present:not(.stack)"))
    assert inside(pre.bounding_box(), box(page, ".reveal .slides"))
    # Wrapped, not shrunk to nothing: the end of the line is on the slide, readable.
    end = pre.locator("span", has_text="the_end_of_line")
    assert inside(end.bounding_box(), box(page, ".reveal .slides"))
    text_px = pre.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert text_px * page.evaluate("Reveal.getScale()") >= 12


def test_walking_the_whole_deck_stays_on_the_machine(page, deck, requests):
    for name in ("index.html", "lifecycle.html"):
        open_deck(page, f"{deck}/{name}")
        total = page.evaluate("Reveal.getTotalSlides()")
        for _ in range(total - 1):
            go(page, "ArrowRight")
        assert page.evaluate("Reveal.isLastSlide()")
        page.keyboard.press("Escape")  # the overview shows every slide at once
        page.wait_for_function("Reveal.isOverview()")
    assert_local(requests, deck)
    # The theme's fonts came from the deck, as WOFF2 (deck_fonts.py): none of the
    # theme's WOFF files was loaded as well.
    theme_fonts = [url for url in requests if "/theme/fonts/" in url and ".woff" in url]
    assert theme_fonts and all(url.endswith(".woff2") for url in theme_fonts)
    faces = page.evaluate(
        "[...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family)"
    )
    assert any("Source Sans Pro" in face for face in faces)
