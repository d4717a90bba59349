"""envcheck blocks and the report's cards under the HTML themes course authors use.

Each theme's handout is built for real and opened in headless Chromium, in light
and (where the theme has one) dark mode; the tests read computed styles and
geometry, and save a screenshot per theme and mode for a person to look at.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LAUNCH_FLAGS, chromium_or_skip, serve, shots_dir
from sphinx.testing.util import SphinxTestApp

pytestmark = pytest.mark.browser

#: theme -> the colour schemes it follows (alabaster has no dark mode).
THEMES = {
    "alabaster": ("light",),
    "furo": ("light", "dark"),
    "pydata_sphinx_theme": ("light", "dark"),
    "sphinx_book_theme": ("light", "dark"),
}

#: envcheck.css's status colours (rgb) on light and on dark pages.
EDGE = {
    "light": {"pass": (26, 127, 55), "warn": (154, 103, 0), "fail": (207, 34, 46)},
    "dark": {"pass": (63, 185, 80), "warn": (210, 153, 34), "fail": (248, 81, 73)},
}
TINT = {"pass": (26, 127, 55), "warn": (154, 103, 0), "fail": (207, 34, 46)}

PAGE = """\
# Checks under a theme

Each check below has a status; so has each card of the report.

```{envcheck} python
:title: A check that passes
```

```{envcheck} python
:project: proj
:title: A check that warns
```

```{envcheck} packages
:packages: envdeck-surely-not-installed
:expect: fail
:title: A check that fails
```

## Report

```{envcheck-report} python platform packages
:no-table:
```
"""

#: The report cards' minimum width in envcheck.css (17em), less a little rounding.
MIN_CARD_EM = 16.9

#: Every whole word of the elements named, with the number of lines it lies on.
WORDS_ON_LINES = """(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[A-Za-z0-9_]{2,}/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        out.push([match[0], tops.size]);
      }
    }
  }
  return out;
}"""


def rgb(css: str) -> tuple[int, ...]:
    found = re.match(r"rgba?\((\d+), (\d+), (\d+)", css)
    assert found, css
    return tuple(int(part) for part in found.groups())


def alpha(css: str) -> float:
    found = re.match(r"rgba\([^)]*, ([\d.]+)\)", css)
    return float(found.group(1)) if found else 1.0


def luminance(colour: tuple[int, ...]) -> float:
    return (0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]) / 255


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Each theme's handout, served on 127.0.0.1: theme -> base URL."""
    pytest.importorskip("playwright.sync_api")
    chromium_or_skip()
    srcdir = tmp_path_factory.mktemp("themes") / "src"
    (srcdir / "proj").mkdir(parents=True)
    (srcdir / "conf.py").write_text('extensions = ["envdeck"]\n')
    (srcdir / "index.md").write_text(PAGE)
    # An invalid requires-python: the python check warns.
    (srcdir / "proj" / "pyproject.toml").write_text(
        '[project]\nname = "proj"\nversion = "0"\nrequires-python = "bogus"\n'
    )
    urls: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        for theme in THEMES:
            pytest.importorskip(theme)
            outdir = srcdir.parent / f"_build-{theme}"
            app = SphinxTestApp(
                "html", srcdir=srcdir, builddir=outdir, confoverrides={"html_theme": theme}
            )
            try:
                app.build()
                # The expected failure is no warning; anything else is.
                assert app._warning.getvalue() == "", app._warning.getvalue()
                html_dir = str(app.outdir)
            finally:
                app.cleanup()
            urls[theme] = stack.enter_context(serve(html_dir))
        yield urls


@pytest.fixture(scope="module")
def browser(sites: dict[str, str]) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser: Any, url: str, scheme: str, width: int = 1280) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{url}/index.html")
    page.wait_for_load_state("load")
    # The themes' own scripts set light or dark from the system's scheme.
    page.wait_for_timeout(200)
    return page


def page_background(page: Any) -> tuple[int, ...]:
    for element in ("document.body", "document.documentElement"):
        colour = page.evaluate(f"getComputedStyle({element}).backgroundColor")
        if alpha(colour) > 0:
            return rgb(colour)
    return (255, 255, 255)  # both transparent: the canvas is white


def style(page: Any, selector: str, prop: str, pseudo: str | None = None) -> str:
    return page.evaluate(
        "([s, p, pseudo]) => getComputedStyle(document.querySelector(s), pseudo)"
        ".getPropertyValue(p)",
        [selector, prop, pseudo],
    )


CASES = [(theme, scheme) for theme, schemes in THEMES.items() for scheme in schemes]


@pytest.mark.parametrize(("theme", "scheme"), CASES, ids=[f"{t}-{s}" for t, s in CASES])
def test_status_colours_show_on_check_blocks_and_cards(
    browser: Any, sites: dict[str, str], theme: str, scheme: str, tmp_path: Path
) -> None:
    page = open_page(browser, sites[theme], scheme)
    try:
        shot = shots_dir(tmp_path) / f"theme-{theme}-{scheme}.png"
        page.screenshot(path=str(shot), full_page=True)
        background = page_background(page)
        # The page really is in the scheme the test asks for.
        assert (luminance(background) < 0.3) == (scheme == "dark"), background
        for status, edge in EDGE[scheme].items():
            block = f"div.admonition.envdeck-check-{status}"
            assert rgb(style(page, block, "border-left-color")) == edge, (theme, status)
            assert float(style(page, block, "border-left-width").removesuffix("px")) >= 3
            title = f"{block} > .admonition-title"
            tint = style(page, title, "background-color")
            assert rgb(tint) == TINT[status] and 0 < alpha(tint) < 0.3, (theme, status, tint)
            # No theme icon (a blue bell, a purple pencil) beside the badge.
            assert style(page, title, "content", "::before") in ("none", "normal")
            assert style(page, title, "content", "::after") in ("none", "normal")
        cards = page.evaluate(
            "[...document.querySelectorAll('.envdeck-report-cards .envdeck-check-card')]"
            ".map((c) => [c.className, getComputedStyle(c).borderLeftColor])"
        )
        assert len(cards) == 3
        for classes, colour in cards:
            status = re.search(r"envdeck-check-(pass|warn|fail|skip|error)\b", classes)
            assert status, classes
            if status.group(1) in EDGE[scheme]:
                assert rgb(colour) == EDGE[scheme][status.group(1)], (theme, classes)
    finally:
        page.context.close()


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("width", [1280, 1000, 700])
def test_report_cards_fit_the_content_width_without_breaking_words(
    browser: Any, sites: dict[str, str], theme: str, width: int, tmp_path: Path
) -> None:
    page = open_page(browser, sites[theme], "light", width)
    try:
        grid = page.locator(".envdeck-report-cards .sd-row").first
        grid.screenshot(path=str(shots_dir(tmp_path) / f"report-{theme}-{width}.png"))
        found = page.evaluate(
            """() => {
              const row = document.querySelector('.envdeck-report-cards .sd-row');
              const cards = [...row.querySelectorAll('.envdeck-check-card')];
              return {
                row: row.getBoundingClientRect().width,
                content: row.closest('.envdeck-report').getBoundingClientRect().width,
                em: parseFloat(getComputedStyle(row).fontSize),
                gap: parseFloat(getComputedStyle(row).columnGap),
                tracks: getComputedStyle(row).gridTemplateColumns.split(' ').length,
                cards: cards.map((c) => {
                  const r = c.getBoundingClientRect();
                  return [Math.round(r.left), Math.round(r.top), r.width];
                }),
              };
            }"""
        )
        minimum = min(found["row"], MIN_CARD_EM * found["em"])
        widths = [card[2] for card in found["cards"]]
        assert min(widths) >= minimum, (theme, width, widths, found)
        # As many columns as fit: one more would not.
        columns = len({card[0] for card in found["cards"]})
        assert found["row"] <= found["content"] + 1
        assert (columns + 1) * MIN_CARD_EM * found["em"] + columns * found["gap"] > found["row"]
        if len(widths) >= found["tracks"]:
            # Every column holds a card, and the first row is filled edge to edge.
            assert columns == found["tracks"]
            first = [card for card in found["cards"] if card[1] == found["cards"][0][1]]
            filled = sum(card[2] for card in first) + (len(first) - 1) * found["gap"]
            assert filled == pytest.approx(found["row"], abs=2)
        # No word of a title, a summary or a fact's name is split over two lines.
        words = page.evaluate(
            WORDS_ON_LINES,
            ".envdeck-report-cards .sd-card-title, .envdeck-report-cards .envdeck-check-summary,"
            " .envdeck-report-cards .envdeck-key-facts strong",
        )
        assert words, "no words found in the cards"
        broken = [word for word, lines in words if lines > 1]
        assert not broken, (theme, width, broken)
    finally:
        page.context.close()


def test_the_word_probe_sees_a_word_split_over_two_lines(browser: Any, sites: dict[str, str]):
    # The probe above must be able to fail: squeeze the cards until words break.
    page = open_page(browser, sites["alabaster"], "light")
    try:
        page.add_style_tag(
            content=".envdeck-report-cards .sd-row { grid-template-columns: 70px !important; }"
            " .envdeck-report-cards .sd-card { overflow-wrap: anywhere; }"
        )
        words = page.evaluate(WORDS_ON_LINES, ".envdeck-report-cards .sd-card-title")
        assert any(lines > 1 for _word, lines in words), words
    finally:
        page.context.close()
