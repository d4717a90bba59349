"""Other Sphinx extensions on deck pages: their files load, their scripts run, offline.

Built with the real sphinx-copybutton and sphinx-tabs; the browser tests open the
deck in headless Chromium (skipped where none is installed).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sphinx_design
from browser_support import LAUNCH_FLAGS, chromium_or_skip, open_deck, serve
from sphinx.testing.util import SphinxTestApp

CONF = 'extensions = ["envdeck", "sphinx_copybutton", "sphinx_tabs.tabs"]\n'

PAGES = {
    "index.md": """\
# Extensions

## Code to copy

```python
print("copied")
```

## Tabs

````{tabs}
```{tab} uv
uv sync
```
```{tab} pip
pip install -r requirements.txt
```
````

```{toctree}
:hidden:

plain
```
""",
    "plain.md": "# Plain\n\nNo tabs here.\n",
}


def links(built: Any, docname: str) -> list[str]:
    soup = built.html(docname)
    return [tag["href"].split("?")[0] for tag in soup.select("link[rel=stylesheet]")] + [
        tag["src"].split("?")[0] for tag in soup.select("script[src]")
    ]


@pytest.mark.parametrize("buildername", ["html", "revealjs"])
def test_extension_files_are_linked_on_the_pages_that_use_them(build, buildername):
    built = build(PAGES, conf=CONF, buildername=buildername, confoverrides={"slide": "1"})
    index, plain = links(built, "index"), links(built, "plain")
    # sphinx-tabs adds its style sheet at html-page-context, on pages with tabs only.
    assert "_static/tabs.css" in index
    assert "_static/tabs.css" not in plain
    assert "_static/tabs.js" in index
    # sphinx-copybutton's script reads DOCUMENTATION_OPTIONS, which comes first.
    assert index.index("_static/documentation_options.js") < index.index("_static/copybutton.js")
    for path in ("tabs.css", "copybutton.js", "documentation_options.js"):
        assert (built.outdir / "_static" / path).is_file(), path
    # The reveal.js theme stays second, the deck's own style sheet (written into the
    # page) after the extensions'.
    assert index[1].startswith("_static/revealjs/dist/theme/")
    page = (built.outdir / "index.html").read_text("utf8")
    assert page.index("_static/tabs.css") < page.index("<style>\n.reveal{font-size:36px;")


def test_a_deck_without_extension_scripts_gets_no_page_options(build):
    built = build(
        {"index.md": "# Plain\n"},
        conf='extensions = ["envdeck"]\ndef setup(app):\n    app.registry.js_files.clear()\n',
        confoverrides={"slide": "1"},
    )
    assert "_static/documentation_options.js" not in links(built, "index")


REMOTE_CONF = """\
extensions = ["envdeck"]
sd_fontawesome_source = "cdn"

def setup(app):
    app.add_js_file("https://unpkg.example.org/tippy.js")
"""


@pytest.mark.parametrize("buildername", ["html", "revealjs", "dirrevealjs"])
def test_a_deck_that_would_load_from_the_network_warns_once_per_url(build, buildername):
    built = build(
        {"index.md": "# One\n\n```{toctree}\ntwo\n```\n", "two.md": "# Two\n"},
        conf=REMOTE_CONF,
        buildername=buildername,
        confoverrides={"slide": "1"},
    )
    lines = built.warning_lines()
    fontawesome = [line for line in lines if "cdnjs.cloudflare.com/ajax/libs/font-awesome" in line]
    script = [line for line in lines if "https://unpkg.example.org/tippy.js" in line]
    # sphinx-design takes FontAwesome from a CDN (sd_fontawesome_source) since 0.7
    cdn = int(sphinx_design.__version__.split(".")[1]) >= 7
    assert len(fontawesome) == cdn and len(script) == 1, lines
    assert all("[envdeck.slides]" in line for line in fontawesome + script)
    assert len(lines) == 1 + cdn, lines


def test_the_handout_does_not_warn_about_its_own_links(build):
    built = build({"index.md": "# One\n"}, conf=REMOTE_CONF)
    assert "envdeck.slides" not in built.warnings


BOOK_PAGE = """\
# Book

## Beside

Text of the slide.

```{margin} A note
Beside the text.
```

More text.
"""


def test_the_book_theme_s_margin_is_known_in_the_deck(build):
    # A deck is written with reveal.js's theme: sphinx-book-theme, which registers
    # `margin`, is not loaded.  envdeck registers the directive for the deck.  (The
    # theme's own handout is built in test_themes_browser.py: built here first, in
    # the same process, it leaves pydata-sphinx-theme's later builds without their
    # `translate` template function.)
    conf = 'extensions = ["envdeck"]\nhtml_theme = "sphinx_book_theme"\n'
    built = build({"index.md": BOOK_PAGE}, conf=conf, confoverrides={"slide": "1"})
    aside = built.html().select_one("aside.margin.sidebar")
    assert aside is not None
    assert aside.select_one(".sidebar-title").get_text() == "A note"
    assert "Beside the text." in aside.get_text()


def test_without_the_book_theme_margin_stays_unknown(build):
    # Registered only for the theme's pages: another project keeps its own warning.
    built = build({"index.md": BOOK_PAGE}, confoverrides={"slide": "1"})
    assert "Unknown directive type: 'margin'" in built.warnings


# --- in the browser ----------------------------------------------------------------


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chromium_or_skip()
    srcdir = tmp_path_factory.mktemp("extensions") / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(CONF, "utf8")
    for name, text in PAGES.items():
        (srcdir / name).write_text(text, "utf8")
    app = SphinxTestApp("html", srcdir=srcdir, confoverrides={"slide": "1"})
    try:
        app.build()
        assert app._warning.getvalue() == ""
        outdir = str(app.outdir)
    finally:
        app.cleanup()
    with serve(outdir) as base:
        yield base


@pytest.fixture
def page(deck: str) -> Iterator[tuple[Any, list[str], list[str]]]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            requests: list[str] = []
            errors: list[str] = []
            context.on("request", lambda request: requests.append(request.url))
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on(
                "response",
                lambda response: (
                    errors.append(f"{response.status} {response.url}")
                    if response.status >= 400 and not response.url.endswith("/favicon.ico")
                    else None
                ),
            )
            yield page, requests, errors
        finally:
            browser.close()


@pytest.mark.browser
def test_copybutton_runs_on_the_deck(page, deck):
    tab, requests, errors = page
    open_deck(tab, f"{deck}/index.html#/1")
    assert errors == []
    button = tab.locator("section.present div.highlight button.copybtn")
    assert button.count() == 1
    # Its style sheet applies: placed in the code block's corner.
    assert button.evaluate("el => getComputedStyle(el).position") == "absolute"
    assert all(url.startswith(deck) for url in requests), requests


@pytest.mark.browser
def test_sphinx_tabs_are_styled_and_switch_on_the_deck(page, deck):
    tab, _requests, errors = page
    open_deck(tab, f"{deck}/index.html#/2")
    assert errors == []
    panel = tab.locator("section.present .sphinx-tabs-panel").first
    # tabs.css: a panel has a 1px border, which no reveal.js theme gives a div.
    assert panel.evaluate("el => getComputedStyle(el).borderLeftWidth") == "1px"
    tab.locator("section.present .sphinx-tabs-tab", has_text="pip").click()
    assert tab.locator("section.present .sphinx-tabs-panel", has_text="pip install").is_visible()
    assert not tab.locator("section.present .sphinx-tabs-panel", has_text="uv sync").is_visible()
