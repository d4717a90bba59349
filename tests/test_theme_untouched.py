"""Loading envdeck leaves a theme's pages as they were: pixel for pixel, on screen and
on paper, unless the author opts in to the handout style (``envdeck_handout_style``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import LAUNCH_FLAGS, chromium_or_skip, shots_dir

# A page of an existing doc set (reStructuredText, Alabaster): headings down to h6,
# sidebar, footer, an admonition, code, a table and a definition list.
THEME_PAGE = """\
A doc set
=========

Intro text with ``code`` and a `link <https://example.org>`_.

.. note:: An admonition of the theme.

Section
-------

.. code-block:: python

   print("hello")

====  =====
a     b
====  =====
1     2
====  =====

Subsection
~~~~~~~~~~

term
   Its definition.

Level four
^^^^^^^^^^

Level five
''''''''''

Text under level five.

Level six
.........

Text under level six.
"""
PLAIN = "extensions = []\n"
WITH_ENVDECK = 'extensions = ["envdeck"]\n'
OPTED_IN = WITH_ENVDECK + "envdeck_handout_style = True\n"


@pytest.fixture(scope="module")
def browser() -> Any:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def screenshots(browser: Any, html: Path, shots: Path, name: str) -> dict[str, bytes]:
    """The page as a screen shows it and as it prints."""
    taken = {}
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        page = context.new_page()
        page.goto(html.as_uri())
        for media in ("screen", "print"):
            page.emulate_media(media=media)
            taken[media] = page.screenshot(full_page=True, path=shots / f"{name}-{media}.png")
    finally:
        context.close()
    return taken


def test_a_theme_page_looks_the_same_with_envdeck_loaded(build, browser, tmp_path):
    shots = shots_dir(tmp_path / "shots")
    pages = {}
    for name, conf in (("plain", PLAIN), ("envdeck", WITH_ENVDECK), ("opted-in", OPTED_IN)):
        built = build({"index.rst": THEME_PAGE}, conf=conf, freshenv=True)
        pages[name] = screenshots(browser, built.outdir / "index.html", shots, name)
    for media in ("screen", "print"):
        assert pages["envdeck"][media] == pages["plain"][media], f"{media}: see {shots}"
    # The comparison sees a style sheet's change: the opt-in restyles the theme.
    assert pages["opted-in"]["print"] != pages["plain"]["print"]
    assert pages["opted-in"]["screen"] != pages["plain"]["screen"]
