"""The course in content/ builds warning-free in every form it ships in.

Each build is a real ``sphinx-build -W --keep-going -c . content OUT`` in a
subprocess, exactly as README.md and conf.py tell a course author to run it;
the checks in the pages run for real on the machine that runs the tests.
"""

from __future__ import annotations

import getpass
import json
import os
import pickle
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from envdeck.config import OPTIONS
from envdeck.envcheck_render import envcheck_node
from envdeck.warnings_ import EnvdeckWarning

ROOT = Path(__file__).resolve().parent.parent

# Section id -> the checks that demonstrate that constraint (the pairing).
CONSTRAINTS = {
    "the-python-domain-limitation": ("The Python-Domain Limitation", {"system-libs", "gpu"}),
    "architecture-and-os-incompatibility": (
        "Architecture and OS Incompatibility",
        {"platform"},
    ),
    "path-dependency-and-portability": (
        "Path Dependency and Portability",
        {"venv-paths", "venv-relocation"},
    ),
    "state-capture-and-determinism": ("State Capture and Determinism", {"lockfile", "freeze"}),
    "the-execution-context-disconnect-jupyter-ides": (
        "The Execution Context Disconnect (Jupyter & IDEs)",
        {"venv", "jupyter"},
    ),
}


@dataclass
class CourseBuild:
    out: Path
    returncode: int
    stderr: str

    def html(self, name: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / name).read_text("utf8"), "html.parser")

    def checks_by_id(self, docname: str) -> dict[str, str]:
        """envcheck id -> check name, from the pickled doctree Sphinx wrote."""
        with (self.out / ".doctrees" / f"{docname}.doctree").open("rb") as f:
            doctree = pickle.load(f)
        return {
            node["ids"][0]: json.loads(node["key"])[0] for node in doctree.findall(envcheck_node)
        }


def sphinx_build(out: Path, *args: str) -> CourseBuild:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            *args,
            "-c",
            ".",
            "content",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return CourseBuild(out, proc.returncode, proc.stderr)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CourseBuild]:
    base = tmp_path_factory.mktemp("course")
    return {
        "handout": sphinx_build(base / "handout"),
        "deck": sphinx_build(base / "deck", "-D", "slide=1"),
        "singlehtml": sphinx_build(base / "single", "-b", "singlehtml"),
        "latex": sphinx_build(base / "latex", "-b", "latex"),
    }


@pytest.mark.parametrize("form", ["handout", "deck", "singlehtml", "latex"])
def test_course_builds_warning_free(builds: dict[str, CourseBuild], form: str) -> None:
    build = builds[form]
    assert build.returncode == 0, build.stderr
    assert "WARNING" not in build.stderr and "ERROR" not in build.stderr, build.stderr


def section(soup: BeautifulSoup, section_id: str) -> Tag:
    found = soup.find("section", id=section_id)
    assert isinstance(found, Tag), f"no section {section_id}"
    return found


def test_handout_has_the_five_constraints_next_to_their_checks(
    builds: dict[str, CourseBuild],
) -> None:
    build = builds["handout"]
    soup = build.html("lifecycle.html")
    names = build.checks_by_id("lifecycle")
    for section_id, (title, checks) in CONSTRAINTS.items():
        sec = section(soup, section_id)
        heading = sec.find("h2")
        assert heading is not None and heading.get_text().rstrip("¶ ").strip() == title
        blocks = sec.select(".envdeck-check")
        shown = {names[block["id"]] for block in blocks}
        assert checks <= shown, (title, shown)
        # Each block carries a spelled-out status and a measured summary.
        for block in blocks:
            assert block.select_one(".envdeck-badge").get_text() in {"PASS", "WARN", "SKIP"}
            assert block.select_one(".envdeck-check-summary").get_text(strip=True)
        titles = [t.get_text() for t in sec.select(".admonition-title")]
        assert "Instructor note" in titles, title
        # The full text, not the slide's bullet points.
        assert len(sec.get_text(" ", strip=True)) > 1200, title
    # Prose mode renders no slide cards in the lesson.
    assert not soup.select(".sd-card")


def test_handout_states_the_corrected_facts(builds: dict[str, CourseBuild]) -> None:
    # Compared without whitespace: inline code splits the text into pieces.
    text = "".join(builds["handout"].html("lifecycle.html").get_text().split())
    for fact in [
        "direct dependencies and their sub-dependencies alike",
        "`uv sync` and `uv run` do the same first when the lockfile is missing",
        "sets VIRTUAL_ENV, changes the prompt",
        "symlink to (on Windows, a copy of, or a launcher for) a base interpreter",
        "needs a glibc at least as new as 2.X",
        "pip wheels can ship the CUDA runtime, its math libraries such as cuBLAS, and cuDNN",
        "a driver that supports their CUDA major version",
        "only pip itself (and, before Python 3.12, setuptools and wheel) is left out",
        "use `uv pip freeze` there",
        "every wheel and source distribution it downloads",
        "a patch upgrade in place (3.12.3 to 3.12.4) does not",
    ]:
        assert "".join(fact.replace("`", "").split()) in text, fact


def test_deck_has_a_slide_per_constraint_with_cards_check_and_notes(
    builds: dict[str, CourseBuild],
) -> None:
    build = builds["deck"]
    soup = build.html("lifecycle.html")
    assert soup.select_one(".reveal .slides"), "not a reveal.js deck"
    names = build.checks_by_id("lifecycle")
    for section_id, (title, checks) in CONSTRAINTS.items():
        slide = section(soup, section_id)
        assert slide.find("h2").get_text(strip=True) == title
        cards = [c for c in slide.select(".sd-card") if "envdeck-check-card" not in c["class"]]
        assert len(cards) >= 2, title
        live = slide.select(".envdeck-check-card")
        assert live and {names[c["id"]] for c in live} & checks, title
        notes = slide.select("aside.notes")
        assert notes and notes[0].get_text(strip=True), title
        # A slide is a summary: nothing like the handout's paragraphs.
        assert len(slide.get_text(" ", strip=True)) < 1200, title
    # The title slide has the overview cards and its own notes.
    first = soup.select_one(".reveal .slides > section")
    assert len(first.select(".sd-card")) >= 2 and first.select("aside.notes")


def test_check_your_setup_explains_every_check(builds: dict[str, CourseBuild]) -> None:
    from envdeck.checks import check_names

    soup = builds["handout"].html("check-your-setup.html")
    headings = {h.get_text().rstrip("¶ ").strip() for h in soup.select("h3")}
    assert set(check_names()) <= headings
    assert "uv run envdeck check" in soup.get_text()
    # This build's result of each check, under its own name; nothing from other pages
    # (the authoring demo's expected FAIL, the lesson's second `venv`).
    live = section(soup, "what-the-checks-found-on-the-machine-that-built-this-page")
    titles = [
        block.select_one(".admonition-title").get_text().split(maxsplit=1)[1]
        for block in live.select(".envdeck-check")
    ]
    assert titles == list(check_names())
    assert not soup.select(".envdeck-report-table")
    assert "FAIL" not in {b.get_text() for b in live.select(".envdeck-badge")}


def test_configuration_reference_lists_the_code(builds: dict[str, CourseBuild]) -> None:
    soup = builds["handout"].html("authoring/configuration.html")
    literals = {code.get_text() for code in soup.select("table code")}
    assert {option.name for option in OPTIONS} <= literals
    assert {member.type_name for member in EnvdeckWarning} <= literals


def test_authoring_page_shows_the_jinja_it_teaches(builds: dict[str, CourseBuild]) -> None:
    for form in ("handout", "deck"):
        code = builds[form].html("authoring/index.html").select("pre")
        shown = "\n".join(block.get_text() for block in code)
        assert "{% if slide %}" in shown and "{% endif %}" in shown, form


def test_singlehtml_handout_is_one_printable_page(builds: dict[str, CourseBuild]) -> None:
    soup = builds["singlehtml"].html("index.html")
    ids = {s.get("id") for s in soup.find_all("section")}
    assert set(CONSTRAINTS) <= ids
    assert len(soup.select(".envdeck-check")) >= 10
    links = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    assert any("envdeck-print.css" in href for href in links), links


def test_deck_has_no_print_css(builds: dict[str, CourseBuild]) -> None:
    links = builds["deck"].html("lifecycle.html").select("link[rel=stylesheet]")
    assert not [link for link in links if "envdeck-print.css" in link["href"]]


def test_latex_handout_carries_the_check_results(builds: dict[str, CourseBuild]) -> None:
    out = builds["latex"].out
    tex = next(out.glob("*.tex")).read_text("utf8")
    for _, (title, _) in CONSTRAINTS.items():
        assert title.replace("&", r"\&").replace("-", r"\sphinxhyphen{}") in tex, title
    assert "PASS" in tex and "runs only on" in tex
    assert "Instructor note" in tex
    assert not list(out.glob("**/envdeck-print.css")) and "envdeck-print" not in tex


def test_no_personal_data_in_any_output(builds: dict[str, CourseBuild]) -> None:
    # Generic account names ("root") are words of the lesson's text too.
    secrets = {str(Path.home()) + "/", socket.gethostname(), getpass.getuser()}
    secrets = {s for s in secrets if len(s) > 3 and s not in {"root", "user", "admin"}}
    # A repository under the home directory is shown as ~/..., never in full.
    for build in builds.values():
        for path in build.out.rglob("*"):
            if path.suffix not in {".html", ".tex", ".txt"}:
                continue
            text = path.read_text("utf8", errors="replace")
            for secret in secrets:
                assert secret not in text, (path.name, "leaks personal data")
    assert os.environ.get("PATH", "x") not in builds["handout"].html("lifecycle.html").get_text()


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium")
def test_handout_prints_without_navigation_and_unsplit_blocks(
    builds: dict[str, CourseBuild],
) -> None:
    from playwright.sync_api import sync_playwright

    page_url = (builds["singlehtml"].out / "index.html").as_uri()
    probe = """() => {
        const style = (sel) => { const el = document.querySelector(sel);
            return el ? getComputedStyle(el) : null; };
        return {
            sidebar: style('.sphinxsidebar').display,
            footer: style('.footer').display,
            check: style('.envdeck-check').breakInside,
            card: style('.sd-card').breakInside,
            body: style('div.bodywrapper').marginLeft,
            h5: parseFloat(style('h5').fontSize),
            text: parseFloat(style('div.body p').fontSize),
        };
    }"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(page_url)
            on_screen = page.evaluate(probe)
            page.emulate_media(media="print")
            printed = page.evaluate(probe)
        finally:
            browser.close()
    # The print sheet changes nothing on screen...
    assert on_screen["sidebar"] != "none" and on_screen["check"] != "avoid"
    # ...and on paper drops the navigation and keeps each block whole.
    assert printed["sidebar"] == "none" and printed["footer"] == "none"
    assert printed["check"] == "avoid" and printed["card"] == "avoid"
    assert printed["body"] == "0px"
    # The authoring pages' headings nested down to h5 still stand out from the text.
    assert printed["h5"] > printed["text"]


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium")
def test_every_lesson_slide_fits_the_frame(builds: dict[str, CourseBuild]) -> None:
    """Cards, check cards and the title of each slide are on screen, none cut off."""
    from playwright.sync_api import sync_playwright

    url = (builds["deck"].out / "lifecycle.html").as_uri()
    probe = """() => {
        const slide = Reveal.getCurrentSlide();
        const frame = document.querySelector('.reveal').getBoundingClientRect();
        const parts = [...slide.querySelectorAll('h1, h2, .sd-card')];
        const out = parts.filter((el) => { const r = el.getBoundingClientRect();
            return r.top < frame.top - 1 || r.bottom > frame.bottom + 1
                || r.left < frame.left - 1 || r.right > frame.right + 1; });
        return {parts: parts.length, out: out.map((el) => el.textContent.slice(0, 40))};
    }"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(url)
            page.wait_for_function("window.Reveal && Reveal.isReady()")
            # No animation: the probe measures where a slide rests, not where it flies.
            page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
            total = page.evaluate("Reveal.getTotalSlides()")
            assert total == 1 + len(CONSTRAINTS)
            for index in range(total):
                page.evaluate(f"Reveal.slide({index}, 0)")
                page.wait_for_function(f"Reveal.getIndices().h === {index}")
                # Let the deck's fit-to-frame scaling settle.
                page.wait_for_timeout(300)
                seen = page.evaluate(probe)
                assert seen["parts"] >= 3, (index, seen)
                assert not seen["out"], (index, seen)
        finally:
            browser.close()


#: What a viewer of the current slide would miss sideways: text runs and boxes
#: (cards, code, tables, images, math) reaching past the frame, and content clipped
#: inside a box that cannot be scrolled on a slide.  Layout wrappers such as
#: sphinx-design's rows may reach into the margin by their gutter: not checked.
SIDEWAYS_PROBE = """() => {
  const slide = Reveal.getCurrentSlide();
  const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
  const out = (r) => r.width > 0 && (r.left < frame.left - 1 || r.right > frame.right + 1);
  const name = (el) => el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 40);
  const found = [];
  const texts = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if ([...range.getClientRects()].some(out)) found.push('text: ' + node.textContent.trim());
  }
  const boxes = 'pre, table, img, svg, math, video, iframe, .sd-card, .admonition';
  for (const el of slide.querySelectorAll(boxes)) {
    if (out(el.getBoundingClientRect())) found.push('outside ' + name(el));
  }
  for (const el of slide.querySelectorAll('*')) {
    if (getComputedStyle(el).overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
      found.push(`clipped ${el.scrollWidth}>${el.clientWidth} ${name(el)}`);
  }
  return found;
}"""


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium")
def test_no_slide_of_the_course_reaches_past_the_frame_sideways(
    builds: dict[str, CourseBuild],
) -> None:
    """Every slide of every deck page, after envdeck-deck.js has fitted it."""
    from playwright.sync_api import sync_playwright

    out = builds["deck"].out
    decks = [
        path
        for path in sorted(out.rglob("*.html"))
        if not any(part.startswith("_") for part in path.relative_to(out).parts)
        and 'class="reveal"' in path.read_text("utf8")
    ]
    assert len(decks) >= 5
    problems: list[tuple[str, int, int, list[str]]] = []
    walked = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            for deck in decks:
                page.goto(deck.as_uri())
                page.wait_for_function(
                    "document.documentElement.getAttribute('data-envdeck-fit') === 'ready'"
                )
                # No animation: measure where a slide rests, not where it flies.
                page.evaluate("Reveal.configure({transition: 'none'})")
                slides = page.evaluate(
                    "Reveal.getSlides().map((s) => Reveal.getIndices(s))"
                    ".map((i) => [i.h, i.v || 0])"
                )
                for h, v in slides:
                    page.evaluate(f"Reveal.slide({h}, {v})")
                    page.wait_for_function(
                        "Reveal.getCurrentSlide().hasAttribute('data-envdeck-scale')"
                    )
                    walked += 1
                    found = page.evaluate(SIDEWAYS_PROBE)
                    if found:
                        problems.append((deck.relative_to(out).as_posix(), h, v, found[:5]))
        finally:
            browser.close()
    assert walked >= 40
    assert not problems, problems
