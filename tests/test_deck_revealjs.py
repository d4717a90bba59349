"""A source written for sphinx-revealjs gives the same deck with envdeck's ``-D slide=1``.

The source is a small copy of sphinx-revealjs 3.2.1's ``demo/`` (its sections on
backgrounds, breaks, auto-animate, fragments, code and notes, with its custom dark
theme and ``sphinx_revealjs.ext.footnotes``), without the demo's third-party
extensions.  It is built twice: with sphinx-revealjs alone (``-b revealjs``, code
by its highlight.js plugin) and with envdeck (``-D slide=1``, code by Pygments),
and both decks are compared in headless Chromium.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import LAUNCH_FLAGS, chromium_or_skip, serve
from sphinx.testing.util import SphinxTestApp
from test_course import CONTRAST_PROBE

from envdeck.slides import REVEALJS_STATIC

DEMO = """\
=====================
Introduction of decks
=====================

:Based version: 3.2.1

Overview
========

Features
--------

.. This is reST comment, a speaker note.

* Convert sections [#f1]_

.. [#f1] From reStructuredText.

Change background color
-----------------------

.. revealjs-section::
   :data-background-color: #009900

Green.

.. revealjs-break::
   :data-background-gradient: linear-gradient(to bottom, #283b95, #17b2c3)

Gradient.

Non-title section
-----------------

First

.. revealjs-break::
   :notitle:

Second

Animate source code transitions
-------------------------------

.. revealjs-section::
   :data-auto-animate:

.. code-block:: console
   :linenos:

   echo 'First part of my command'

.. revealjs-break::
   :data-auto-animate:

.. code-block:: console
   :linenos:

   echo 'First part of my command'
   echo 'Second part of my command'

Fragments
---------

.. revealjs-fragments::

   * First
   * Second
   * Third

.. revealjs-break::

.. revealjs-fragments::
   :custom-effect: blur

   * First
   * Second

Code highlighting
-----------------

.. revealjs-code-block:: rst
   :data-line-numbers: 1|2

   .. revealjs-code-block:: rst
      :data-line-numbers: 1|2

.. revealjs-break::

.. revealjs-literalinclude:: conf.py
   :language: python
   :lines: 1-6
   :data-line-numbers: 2-3|4|5-6

.. revealjs-break::

.. revealjs-code-block:: python
   :data-ln-start-from: 47

   revealjs_script_plugins = [
       {"name": "RevealHighlight"},
   ]

Speaker notes
-------------

.. revealjs-notes::

   In this section, showing message from notes.

Press S.
"""

CONF = """\
project = "demo"
extensions = [{first!r}, "sphinx_revealjs.ext.footnotes"]
revealjs_static_path = ["_static"]
revealjs_style_theme = "custom.css"
revealjs_notes_from_comments = True
pygments_style = None
revealjs_script_plugins = [
    {{"name": "RevealNotes", "src": "revealjs/plugin/notes/notes.js"}},
    {{"name": "RevealHighlight", "src": "revealjs/plugin/highlight/highlight.js"}},
]
revealjs_css_files = ["revealjs/plugin/highlight/zenburn.css"]
"""


def write_demo(srcdir: Path, first_extension: str) -> None:
    (srcdir / "_static").mkdir(parents=True, exist_ok=True)
    (srcdir / "index.rst").write_text(DEMO, "utf8")
    (srcdir / "conf.py").write_text(CONF.format(first=first_extension), "utf8")
    # The demo's theme is a dark Solarized one compiled from reveal.js's Sass, as
    # reveal.js's "moon" is: that, without its remote font @import.
    moon = REVEALJS_STATIC / "revealjs" / "dist" / "theme" / "moon.css"
    css = "".join(line for line in moon.read_text("utf8").splitlines(True) if "@import" not in line)
    (srcdir / "_static" / "custom.css").write_text(css, "utf8")


def test_footnotes_css_of_sphinx_revealjs_is_copied_and_written_into_the_page(build, tmp_path):
    write_demo(tmp_path / "src", "envdeck")
    built = build(None, confoverrides={"slide": "1"})
    css = built.outdir / "_static" / "sphinx-revealjs" / "css" / "footnotes.css"
    assert css.is_file()
    # Rendered from its template with the extension's settings; its 300 bytes are
    # written into the page rather than linked.
    assert "font-size: 50%" in css.read_text("utf8")

    def inline() -> str:
        styles = [s.text for s in built.html().find_all("style") if "aside.footnote-list" in s.text]
        assert len(styles) == 1
        return styles[0]

    hrefs = [link["href"] for link in built.html().select("link[rel=stylesheet]")]
    assert not [href for href in hrefs if "footnotes.css" in href]
    assert "font-size: 50%" in inline()
    # Another setting reads every page again: their copies follow (not only the file's).
    built = build(None, confoverrides={"slide": "1", "revealjs_footnotes_font_size": "40%"})
    assert "font-size: 40%" in inline()


def test_a_dark_custom_theme_gets_the_dark_pygments_style(build, tmp_path):
    write_demo(tmp_path / "src", "envdeck")
    built = build(None, confoverrides={"slide": "1"})
    pygments = built.text("_static/pygments.css")
    assert "background: #272822" in pygments  # monokai
    # Plain text in the style's own colour, never the theme's.
    assert ".highlight { color: #f8f8f2; }" in pygments


def test_the_light_theme_keeps_the_light_style_with_dark_text(build):
    built = build({"index.md": "# One\n\n```python\nx = 1\n```\n"}, confoverrides={"slide": "1"})
    pygments = built.text("_static/pygments.css")
    assert "background: #ffffff" in pygments.split(".highlight { color")[0]
    assert ".highlight { color: #000000; }" in pygments


def test_code_steps_line_numbers_and_data_id_are_written(build, tmp_path):
    write_demo(tmp_path / "src", "envdeck")
    built = build(None, confoverrides={"slide": "1"})
    soup = built.html()
    steps = soup.select("div.envdeck-code-steps")
    assert [len(s.select(":scope > .envdeck-code-step")) for s in steps] == [2, 3]
    assert [len(s.select(":scope > .fragment")) for s in steps] == [1, 2]
    marked = [
        [hll.select_one(".linenos").text.strip() for hll in step.select(".hll")]
        for step in steps[1].select(":scope > .envdeck-code-step")
    ]
    assert marked == [["2", "3"], ["4"], ["5", "6"]]
    numbers = [span.text.strip() for span in soup.select("pre .linenos")]
    assert numbers[-3:] == ["47", "48", "49"]
    ids = [pre["data-id"] for pre in soup.select("pre[data-id]")]
    assert ids.count("animate-source-code-transitions") == 2


@pytest.mark.parametrize("value", ["1|two", "3-"])
def test_bad_data_line_numbers_warn_and_show_the_code(build, value):
    source = textwrap.dedent(
        f"""\
        Code
        ====

        .. revealjs-code-block:: python
           :data-line-numbers: {value}

           print(1)
        """
    )
    built = build({"index.rst": source}, confoverrides={"slide": "1"})
    (line,) = built.warning_lines()
    assert "index.rst:4" in line and "[envdeck.slides]" in line and repr(value) in line
    assert "print" in built.html().select_one("div.highlight").text


# --- side by side in the browser -----------------------------------------------------

#: What a person sees of each deck: slides, fragments, backgrounds, notes, code.
PROBE = """() => {
  const slides = Reveal.getSlides();
  const attrs = ['data-background-color', 'data-background-gradient',
                 'data-background-image', 'data-transition'];
  const code = slides.map((s) => {
    // sphinx-revealjs: the highlight plugin's <code> clones, one per step.
    const clones = [...s.querySelectorAll('pre code')]
      .filter((c) => c.querySelector('.hljs-ln-n'))
      .map((c) => ({
        first: c.querySelector('.hljs-ln-n').getAttribute('data-line-number'),
        marked: [...c.querySelectorAll('tr.highlight-line .hljs-ln-n')]
          .map((n) => n.getAttribute('data-line-number')),
      }));
    // envdeck: Pygments blocks with their line numbers.
    const blocks = [...s.querySelectorAll('div.highlight pre')]
      .filter((p) => p.querySelector('.linenos'))
      .map((p) => ({
        first: p.querySelector('.linenos').textContent.trim(),
        marked: [...p.querySelectorAll('.hll .linenos')].map((n) => n.textContent.trim()),
      }));
    return clones.length ? clones : blocks;
  }).filter((c) => c.length);
  return {
    total: Reveal.getTotalSlides(),
    fragments: slides.map((s) => s.querySelectorAll('.fragment').length),
    backgrounds: slides.map((s) => attrs.map((a) => s.getAttribute(a) || '').join('|')),
    autoAnimate: slides.map((s) => s.hasAttribute('data-auto-animate')),
    notes: [...document.querySelectorAll('.slides aside.notes')].map((n) => n.textContent.trim()),
    dataIds: [...document.querySelectorAll('.slides pre[data-id]')]
      .map((p) => p.getAttribute('data-id')),
    code,
  };
}"""


def build_deck(srcdir: Path, first_extension: str, buildername: str, **overrides: str) -> str:
    write_demo(srcdir, first_extension)
    app = SphinxTestApp(buildername, srcdir=srcdir, confoverrides=overrides)
    try:
        app.build()
        assert app._warning.getvalue() == ""
        return str(app.outdir)
    finally:
        app.cleanup()


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    chromium_or_skip()
    root = tmp_path_factory.mktemp("demo")
    return {
        "sphinx-revealjs": build_deck(root / "plain", "sphinx_revealjs", "revealjs"),
        "envdeck": build_deck(root / "envdeck", "envdeck", "html", slide="1"),
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


def look(browser: Any, outdir: str, probe: str = PROBE, at: str = "") -> Any:
    with serve(outdir) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        try:
            # The plain demo's plugins may reach for a CDN: nothing leaves the machine.
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(base) else route.abort()
                ),
            )
            page.goto(f"{base}/index.html{at}")
            page.wait_for_function("window.Reveal && Reveal.isReady()")
            # The highlight plugin makes its clones once the deck is ready.
            page.wait_for_timeout(300)
            return page.evaluate(probe)
        finally:
            page.close()


@pytest.mark.browser
def test_envdeck_gives_the_same_deck_as_sphinx_revealjs(browser, decks):
    theirs = look(browser, decks["sphinx-revealjs"])
    ours = look(browser, decks["envdeck"])
    assert theirs["total"] == 15
    # Code steps are fragments in both: 2 steps, 3 steps, then the lists' items.
    assert sum(theirs["fragments"]) == 8
    assert any("#009900" in b for b in theirs["backgrounds"])
    assert len(theirs["notes"]) == 2
    assert theirs["code"][-1] == [{"first": "47", "marked": []}]
    for key in ("total", "fragments", "backgrounds", "autoAnimate", "notes", "dataIds", "code"):
        assert ours[key] == theirs[key], key


STEPS = """async () => {
  const shown = () => [...Reveal.getCurrentSlide().querySelectorAll('.envdeck-code-step')]
    .map((step, i) => [i, getComputedStyle(step).visibility === 'visible'
                          && parseFloat(getComputedStyle(step).opacity) > 0.5])
    .filter(([, on]) => on).map(([i]) => i);
  Reveal.configure({transition: 'none'});
  const steps = [...document.querySelectorAll('.envdeck-code-steps')].pop();
  const at = Reveal.getIndices(steps.closest('section'));
  Reveal.slide(at.h, at.v);
  const seen = [shown()];
  for (let k = 0; k < 2; k++) {
    Reveal.nextFragment();
    await new Promise((done) => setTimeout(done, 400));  // the fragments' fade
    seen.push(shown());
  }
  return seen;
}"""


@pytest.mark.browser
def test_code_steps_show_one_highlight_at_a_time(browser, decks):
    # The literalinclude with three steps, 2-3|4|5-6.
    seen = look(browser, decks["envdeck"], STEPS)
    assert seen == [[0], [1], [2]]


#: The contrast probe on the slide of the block numbered from 47.
CODE_CONTRAST = f"""() => {{
  Reveal.configure({{transition: 'none'}});
  const block = [...document.querySelectorAll('div.highlight')].pop();
  const at = Reveal.getIndices(block.closest('section'));
  Reveal.slide(at.h, at.v);
  return ({CONTRAST_PROBE})(Reveal.getScale());
}}"""


@pytest.mark.browser
def test_code_on_a_dark_custom_theme_has_enough_contrast(browser, decks):
    result = look(browser, decks["envdeck"], CODE_CONTRAST)
    assert result["measured"] > 5
    assert result["failures"] == [], result
