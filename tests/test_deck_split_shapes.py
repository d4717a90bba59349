"""The shapes of real doc sets that overflowed a slide, continued over readable slides.

bench/overflow.py walks sphinx-design's and MyST-Parser's whole docs; this keeps the
shapes that overflowed there small enough for every CI run: a long API page (autodoc
of the standard library's ``json`` module, as MyST-Parser's API pages), a long table
and a long code block.  Each slide, walked in headless Chromium at 1280×720, must
fit at a scale of at least 0.7, and nothing the author wrote may be lost.  The same
deck with envdeck's split plugin replaced by one that does nothing shows that the
shapes are hard: there they are scaled below 0.7 or overflow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LAUNCH_FLAGS, chromium_or_skip, open_deck, serve
from sphinx.testing.util import SphinxTestApp

pytestmark = pytest.mark.browser

ROWS = 45
LINES = 90
MATRICES = 5
PAGES = {
    "index.md": "# Shapes\n\n```{toctree}\napi\ntable\ncode\nshort\nmath\nlater\n```\n",
    "short.md": "# Short\n\nOne line.\n",
    # Raw TeX is a line each; drawn, each matrix is a third of the frame.
    "math.md": "# Math\n\n## Matrices\n\n"
    + "".join(
        "```{math}\n\\begin{pmatrix}"
        + "\\\\".join(f"a_{{{i}{j}}}" for j in range(8))
        + "\\end{pmatrix}\n```\n\n"
        for i in range(MATRICES)
    ),
    "api.rst": "API\n===\n\nThe json module\n---------------\n\n"
    ".. automodule:: json\n   :members: dump, dumps, load, loads\n",
    "table.md": "# Table\n\n## Options\n\n| option | what it does |\n| --- | --- |\n"
    + "".join(f"| `option_{i}` | what option {i} changes in the build |\n" for i in range(ROWS)),
    "code.md": "# Code\n\n## A script\n\n```python\n"
    + "".join(f"print('line {i:03d}')\n" for i in range(LINES))
    + "```\n",
}
# A long slide with one after it.
PAGES["later.md"] = PAGES["code.md"].replace("# Code", "# Later") + "\n## After it\n\nThe end.\n"
CONF = 'extensions = ["sphinx.ext.autodoc", "envdeck"]\n'

#: Each slide shown in turn once envdeck-deck.js fitted it: scale, overflow, text.
WALK = """async () => {
  Reveal.configure({transition: "none", backgroundTransition: "none"});
  const height = Reveal.getConfig().height;
  const seen = [];
  for (const slide of Reveal.getSlides()) {
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v || 0);
    for (let i = 0; i < 300 && !slide.hasAttribute("data-envdeck-scale"); i++) {
      await new Promise((done) => setTimeout(done, 10));
    }
    seen.push({
      at: [at.h, at.v || 0],
      scale: parseFloat(slide.getAttribute("data-envdeck-scale") || "1"),
      overflow: slide.scrollHeight > height + 1,
      rows: [...slide.querySelectorAll("tbody tr")].map((r) => r.cells[0].textContent),
      code: [...slide.querySelectorAll("pre")].map((p) => p.textContent).join(""),
      dt: [...slide.querySelectorAll("dl.py > dt")].map((d) => d.id),
      math: slide.querySelectorAll("mjx-container").length,
    });
  }
  return seen;
}"""

#: envdeck-split.js is written into the page: its plugin, defined first, stays.
NO_SPLIT = """(() => {
  const nothing = {id: "envdeck-split", init: function () {}};
  Object.defineProperty(window, "EnvdeckSplit", {get: () => nothing, set: () => {}});
})();"""


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    srcdir = tmp_path_factory.mktemp("shapes") / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(CONF, "utf8")
    for name, text in PAGES.items():
        (srcdir / name).write_text(text, "utf8")
    app = SphinxTestApp("html", srcdir=srcdir, confoverrides={"slide": "1"})
    try:
        app.build()
        assert app._warning.getvalue() == ""
        outdir = Path(app.outdir)
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


def walk(browser: Any, url: str, split: bool) -> list[dict[str, Any]]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        if not split:
            context.add_init_script(NO_SPLIT)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        open_deck(page, url)
        seen: list[dict[str, Any]] = page.evaluate(WALK)
        assert not errors, errors
        return seen
    finally:
        context.close()


@pytest.mark.parametrize("name", ["api", "table", "code", "math"])
def test_a_long_page_goes_on_over_readable_slides(browser, deck, name):
    before = walk(browser, f"{deck}/{name}.html", split=False)
    assert any(s["scale"] < 0.7 or s["overflow"] for s in before), before
    after = walk(browser, f"{deck}/{name}.html", split=True)
    assert len(after) > len(before)
    bad = [s for s in after if s["scale"] < 0.7 or s["overflow"]]
    assert not bad, bad
    # Nothing lost, nothing twice, in the order of the source.
    for key in ("rows", "code", "dt"):
        whole = [s[key] for s in before]
        parts = [s[key] for s in after]
        if key == "code":
            assert "".join(parts) == "".join(whole)
        else:
            assert [x for p in parts for x in p] == [x for w in whole for x in w]
    if name == "table":
        assert sum(len(s["rows"]) for s in after) == ROWS
    if name == "code":
        assert "".join(s["code"] for s in after).count("print(") == LINES
    if name == "api":
        assert len([d for s in after for d in s["dt"]]) == 4
    if name == "math":
        assert sum(s["math"] for s in after) == MATRICES


def test_a_deck_starts_before_its_fonts_and_splits_once_they_are_in(browser, deck):
    """The split measures in the theme's fonts, which no deck waits for to start.

    The theme's font files are held back: both decks are ready while they are still
    loading.  The short one has nothing to split; the long one is split once they are
    in, reveal.js counts the new slides, and the slide on screen stays on screen.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    held: list[Any] = []
    context.route("**/*.woff*", lambda route: held.append(route))
    split = "document.documentElement.getAttribute('data-envdeck-split')"
    shown = "Reveal.getCurrentSlide().querySelector('h2, h1').textContent"
    try:
        short = context.new_page()
        short.goto(f"{deck}/short.html", wait_until="domcontentloaded")
        short.wait_for_function("window.Reveal && Reveal.isReady()")
        assert short.evaluate("document.fonts.status") == "loading"
        assert held, "the theme's fonts were not asked for"
        assert short.evaluate(split) == "0"

        long = context.new_page()
        long.goto(f"{deck}/later.html", wait_until="domcontentloaded")
        long.wait_for_function("window.Reveal && Reveal.isReady()")
        assert long.evaluate("document.fonts.status") == "loading"
        assert long.evaluate(split) is None  # not yet
        long.evaluate("""() => {
          const heads = [...document.querySelectorAll("h2")];
          const after = heads.find((h) => h.textContent === "After it");
          const at = Reveal.getIndices(after.closest("section"));
          Reveal.slide(at.h, at.v);
        }""")  # fmt: skip
        assert long.evaluate(shown) == "After it"
        slides = long.evaluate("Reveal.getTotalSlides()")
        past = long.evaluate("Reveal.getSlidePastCount()")
        while held:
            held.pop().continue_()
        long.wait_for_function(
            "document.documentElement.getAttribute('data-envdeck-fit') === 'ready'"
        )
        added = int(long.evaluate(split))
        assert added > 0
        assert long.evaluate("Reveal.getTotalSlides()") == slides + added
        assert long.evaluate(shown) == "After it"
        # The long slide's parts came before it.
        assert long.evaluate("Reveal.getSlidePastCount()") == past + added
    finally:
        for route in held:
            route.continue_()
        context.close()


def test_math_is_measured_once_mathjax_has_drawn_it(browser, deck):
    """MathJax runs after the splitter starts (`defer` or `async`): held back here,
    the splitter waits for it rather than measuring the raw TeX."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    held: list[Any] = []
    # Sphinx 7 adds a checksum (?v=...) to the script's URL.
    context.route(re.compile(r"/mathjax/tex-chtml\.js(\?|$)"), lambda route: held.append(route))
    try:
        page = context.new_page()
        page.goto(f"{deck}/math.html", wait_until="commit")
        page.wait_for_timeout(1000)
        assert held, "MathJax was not asked for"
        while held:
            held.pop().continue_()
        page.wait_for_function(
            "document.documentElement.getAttribute('data-envdeck-fit') === 'ready'"
        )
        seen = page.evaluate(WALK)
    finally:
        for route in held:
            route.continue_()
        context.close()
    assert sum(s["math"] for s in seen) == MATRICES
    bad = [s for s in seen if s["scale"] < 0.7 or s["overflow"]]
    assert not bad, bad
