"""A course as decks: a title slide, a closing slide linking on, an index of lessons."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import LAUNCH_FLAGS, chromium_or_skip, open_deck, serve
from sphinx.testing.util import SphinxTestApp

CONF = 'project = "Environments"\nauthor = "A. Teacher"\nextensions = ["envdeck"]\n'

COURSE = {
    "index.md": "# Environments\n\nWelcome.\n\n```{toctree}\n:hidden:\n\none\ntwo\n```\n",
    "one.md": (
        "---\nsubtitle: Where packages live\ndate: 5 December 2026\n---\n"
        "# Lesson one\n\n## Point\n\n```{revealjs-fragments}\n- a\n- b\n```\n"
    ),
    "two.md": "# Lesson two\n\n## Point\n\nText.\n",
}


def slides(built: Any, docname: str) -> list[Any]:
    return built.html(docname).select(".reveal .slides > section")


def test_a_lesson_has_a_title_slide_from_front_matter_and_conf(build):
    built = build(COURSE, conf=CONF, confoverrides={"slide": "1"})
    first = slides(built, "one")[0]
    assert "envdeck-title-slide" in first["class"]
    assert first.h1.get_text() == "Lesson one"
    assert first.select_one(".envdeck-subtitle").get_text() == "Where packages live"
    assert first.select_one(".envdeck-byline").get_text() == "A. Teacher · 5 December 2026"
    # Without a subtitle of its own, a lesson's is the course's name.
    two = slides(built, "two")[0]
    assert two.select_one(".envdeck-subtitle").get_text() == "Environments"
    # The course's index, titled as the project, repeats no subtitle.
    index = slides(built, "index")[0]
    assert index.select_one(".envdeck-subtitle") is None
    assert index.select_one(".envdeck-byline").get_text() == "A. Teacher"


def test_a_title_with_an_icon_gives_its_text_not_svg_source(build):
    # sphinx-design's badges page, as its docs title it: an octicon is raw HTML.
    pages = {**COURSE, "two.md": "# Lesson two {octicon}`star`\n\n## Point\n\nText.\n"}
    conf = CONF.replace('["envdeck"]', '["sphinx_design", "envdeck"]')
    built = build(pages, conf=conf, confoverrides={"slide": "1"})
    assert slides(built, "two")[0].h1.get_text() == "Lesson two"
    assert slides(built, "one")[-1].select_one(".envdeck-next a").get_text() == "Lesson two"


def test_closing_slides_link_on_through_the_toctree(build):
    built = build(COURSE, conf=CONF, confoverrides={"slide": "1"})
    index = slides(built, "index")[-1]
    assert "envdeck-closing-slide" in index["class"]
    assert [(a["href"], a.get_text()) for a in index.select("ol.envdeck-lessons a")] == [
        ("one.html", "Lesson one"),
        ("two.html", "Lesson two"),
    ]
    one = slides(built, "one")[-1]
    assert [(a["href"], a.get_text()) for a in one.select("a")] == [("two.html", "Lesson two")]
    two = slides(built, "two")[-1]
    assert [(a["href"], a.get_text()) for a in two.select(".envdeck-back a")] == [
        ("index.html", "Environments")
    ]


def test_the_handout_gets_no_title_or_closing_slides(build):
    built = build(COURSE, conf=CONF)
    assert not built.html("one").select(".envdeck-title-slide, .envdeck-closing-slide")


def test_a_single_page_without_author_or_date_is_left_as_it_is(build):
    built = build({"index.md": "# Alone\n\n## Point\n"}, confoverrides={"slide": "1"})
    assert not built.html().select(".envdeck-title-slide, .envdeck-closing-slide")


# --- in the browser -----------------------------------------------------------------


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chromium_or_skip()
    srcdir = tmp_path_factory.mktemp("course") / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text(CONF, "utf8")
    for name, text in COURSE.items():
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
def page(course: str) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 720})
        finally:
            browser.close()


@pytest.mark.browser
def test_walking_a_lesson_to_its_end_leads_to_the_next(page, course):
    open_deck(page, f"{course}/one.html")
    assert page.evaluate("Reveal.getCurrentSlide().classList.contains('envdeck-title-slide')")
    # Title, the h1 slide, the point, the closing slide: side by side.
    assert page.evaluate("Reveal.getTotalSlides()") == 4
    assert page.evaluate("Reveal.getHorizontalSlides().length") == 4
    # Fragments still step: the point's two items, then the closing slide.
    page.evaluate("Reveal.configure({transition: 'none'})")
    page.evaluate("Reveal.slide(2, 0)")
    assert page.evaluate("Reveal.availableFragments()") == {"prev": False, "next": True}
    page.evaluate("Reveal.nextFragment(); Reveal.nextFragment(); Reveal.next()")
    assert page.evaluate("Reveal.isLastSlide()")
    link = page.locator("section.present a", has_text="Lesson two")
    with page.expect_navigation():
        link.click()
    assert page.url.startswith(f"{course}/two.html")


@pytest.mark.browser
def test_the_index_deck_lists_the_lessons_and_overview_shows_all(page, course):
    open_deck(page, f"{course}/index.html")
    assert page.evaluate("Reveal.getTotalSlides()") == 3
    page.keyboard.press("Escape")
    page.wait_for_function("Reveal.isOverview()")
    lessons = page.locator(".envdeck-closing-slide ol.envdeck-lessons li")
    assert lessons.all_inner_texts() == ["Lesson one", "Lesson two"]
