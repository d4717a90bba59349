"""Math renders without a network: MathJax from a package, in the deck and the handout.

The browser tests open the built pages in headless Chromium with every request
that leaves 127.0.0.1 refused, and look at what MathJax typeset.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import LAUNCH_FLAGS, chromium_or_skip, serve
from sphinx.testing.util import SphinxTestApp

CONF = 'extensions = ["envdeck"]\nmyst_enable_extensions = ["dollarmath", "amsmath"]\n'

#: Environments that docutils' MathML writer refused ("Environment "align" not
#: supported"), an autoloaded TeX extension (\cancel), inline math.
MATH = """\
# Math

## Environments

\\begin{align}
a &= b + c \\\\
d &= e
\\end{align}

$$
\\begin{gather}
x = 1 \\\\
y = 2
\\end{gather}
$$

$$
f(x) = \\left\\{ \\begin{aligned}
1 &\\text{ if } x > 0 \\\\
0 &\\text{ else}
\\end{aligned} \\right.
$$

Inline $\\frac{1}{2}$ and $\\cancel{x}$.
"""

PAGES = {"index.md": MATH + "\n```{toctree}\n:hidden:\n\nplain\n```\n", "plain.md": "# Plain\n"}


def scripts(built: Any, docname: str) -> list[str]:
    return [tag["src"].split("?")[0] for tag in built.html(docname).select("script[src]")]


@pytest.mark.parametrize("overrides", [{"slide": "1"}, {}], ids=["deck", "handout"])
def test_mathjax_is_served_from_static_on_pages_with_math(build, overrides):
    built = build(PAGES, conf=CONF, confoverrides=overrides)
    assert "_static/mathjax/tex-chtml.js" in scripts(built, "index")
    assert not any("mathjax" in src for src in scripts(built, "plain"))
    mathjax = built.outdir / "_static" / "mathjax"
    assert (mathjax / "tex-chtml.js").is_file()
    assert list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert (mathjax / "input" / "tex" / "extensions" / "cancel.js").is_file()
    # Not MathJax's speech rules or other bundles: only what tex-chtml.js loads.
    assert not (mathjax / "sre").exists()
    size = sum(path.stat().st_size for path in mathjax.rglob("*") if path.is_file())
    assert size < 2.5 * 2**20


def test_a_build_without_math_copies_no_mathjax(build):
    built = build({"index.md": "# Plain\n"}, confoverrides={"slide": "1"})
    assert not (built.outdir / "_static" / "mathjax").exists()


def test_a_users_mathjax_path_wins_and_a_remote_one_warns_in_the_deck(build):
    conf = CONF + 'mathjax_path = "https://cdn.example.org/mathjax/tex-chtml.js"\n'
    built = build(PAGES, conf=conf, confoverrides={"slide": "1"})
    assert "https://cdn.example.org/mathjax/tex-chtml.js" in scripts(built, "index")
    (line,) = built.warning_lines()
    assert "[envdeck.slides]" in line and "https://cdn.example.org/mathjax" in line
    assert not (built.outdir / "_static" / "mathjax").exists()


# --- in the browser -----------------------------------------------------------------


def build_site(srcdir: Any, **overrides: str) -> str:
    srcdir.mkdir(parents=True)
    (srcdir / "conf.py").write_text(CONF, "utf8")
    for name, text in PAGES.items():
        (srcdir / name).write_text(text, "utf8")
    app = SphinxTestApp("html", srcdir=srcdir, confoverrides=overrides)
    try:
        app.build()
        assert app._warning.getvalue() == ""
        return str(app.outdir)
    finally:
        app.cleanup()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    chromium_or_skip()
    root = tmp_path_factory.mktemp("math")
    return {
        "deck": build_site(root / "deck" / "src", slide="1"),
        "handout": build_site(root / "handout" / "src"),
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


TYPESET = """async () => {
  await MathJax.startup.promise;
  return {
    typeset: [...document.querySelectorAll('.math')]
      .filter((m) => m.querySelector('mjx-container')).length,
    errors: [...document.querySelectorAll('mjx-merror')].map((e) => e.textContent),
    raw: [...document.querySelectorAll('.math')]
      .filter((m) => !m.querySelector('mjx-container')).map((m) => m.textContent),
    rows: document.querySelectorAll('mjx-mtable mjx-mtr, mjx-mtable mjx-mlabeledtr').length,
    fontsLoaded: [...document.fonts].filter((f) => f.family.startsWith('MJXZERO')
      || f.family.startsWith('MJXTEX')).some((f) => f.status === 'loaded'),
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("site", ["deck", "handout"])
def test_ams_environments_render_offline(browser, sites, site):
    with serve(sites[site]) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        left: list[str] = []

        def local_only(route: Any) -> None:
            if route.request.url.startswith(base):
                route.continue_()
            else:
                left.append(route.request.url)
                route.abort()

        page.route("**/*", local_only)
        try:
            page.goto(f"{base}/index.html#/1" if site == "deck" else f"{base}/index.html")
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
            found = page.evaluate(TYPESET)
        finally:
            page.close()
    assert left == []
    assert found["errors"] == [] and found["raw"] == []
    # align (2 rows), gather (2), aligned (2) and the two inline formulas.
    assert found["typeset"] == 5
    assert found["rows"] >= 6
    assert found["fontsLoaded"]


@pytest.mark.browser
def test_the_deck_fits_its_slides_after_mathjax_typeset(browser, sites):
    with serve(sites["deck"]) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        try:
            page.goto(f"{base}/index.html#/1")
            page.wait_for_function(
                "document.documentElement.getAttribute('data-envdeck-fit') === 'ready'"
            )
            # envdeck-deck.js measured the slide with its math typeset, not raw LaTeX.
            assert page.evaluate("document.querySelectorAll('.math mjx-container').length") > 0
            slide = page.locator(".reveal .slides section.present:not(.stack)")
            assert slide.evaluate("el => el.scrollHeight <= Reveal.getConfig().height + 1")
        finally:
            page.close()
