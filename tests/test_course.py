"""The course in content/ builds warning-free in every form it ships in.

Each build is a real ``sphinx-build -W --keep-going -c . content OUT`` in a
subprocess, exactly as README.md and conf.py tell a course author to run it;
the checks in the pages run for real on the machine that runs the tests.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import LAUNCH_FLAGS, chromium_or_skip, each_slide, serve, shots_dir
from bs4 import BeautifulSoup, Tag
from course_support import CourseBuild

from envdeck.config import OPTIONS
from envdeck.pdf import deck_pages
from envdeck.warnings_ import EnvdeckWarning

ROOT = Path(__file__).resolve().parent.parent

# Section id -> the checks that demonstrate that constraint (the pairing), in
# the lesson's order: the opening question (a moved project) sets up the first.
CONSTRAINTS = {
    "path-dependency-and-portability": (
        "Path Dependency and Portability",
        {"venv-paths", "venv-relocation"},
    ),
    "architecture-and-os-incompatibility": (
        "Architecture and OS Incompatibility",
        {"platform"},
    ),
    "the-python-domain-limitation": ("The Python-Domain Limitation", {"system-libs", "gpu"}),
    "state-capture-and-determinism": ("State Capture and Determinism", {"lockfile", "freeze"}),
    "the-execution-context-disconnect-jupyter-ides": (
        "The Execution Context Disconnect (Jupyter & IDEs)",
        {"venv", "jupyter"},
    ),
}


#: The workshop's slides after the five constraints (tests/test_lesson.py).
WORKSHOP_SECTIONS = ("what-to-use-instead", "takeaways")


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
        "`uv sync` and `uv run` lock first when the lockfile is missing",
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
        # A slide is a summary: nothing like the handout's paragraphs.  What the
        # room sees, without the speaker notes and what the live checks measured
        # (their length depends on the machine).
        shown = BeautifulSoup(str(slide), "html.parser")
        for hidden in shown.select("aside.notes, .envdeck-check-card"):
            hidden.decompose()
        assert len(shown.get_text(" ", strip=True)) < 600, title
    # A title slide (title, course, author), then the overview cards with their notes;
    # last, the closing slide leading to the next lesson.
    title, first = soup.select(".reveal .slides > section")[:2]
    assert "envdeck-title-slide" in title["class"]
    assert title.select_one(".envdeck-subtitle").get_text() == "Python Environments Workshop"
    assert len(first.select(".sd-card")) >= 2 and first.select("aside.notes")
    closing = soup.select(".reveal .slides > section")[-1]
    assert "envdeck-closing-slide" in closing["class"] and closing.select_one("a[href]")


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


def test_latex_handout_compiles_to_a_pdf_with_the_results(
    builds: dict[str, CourseBuild],
) -> None:
    latexmk = shutil.which("latexmk")
    if latexmk is None or shutil.which("pdflatex") is None:
        pytest.skip("no latexmk/pdflatex here (.ci/run installs TeX Live)")
    out = builds["latex"].out
    tex = next(out.glob("*.tex"))
    proc = subprocess.run(
        [latexmk, "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=out,
        capture_output=True,
        text=True,
        errors="replace",  # TeX logs mix encodings
        timeout=300,
        check=False,
    )
    errors = [line for line in proc.stdout.splitlines() if line.startswith("!")]
    assert proc.returncode == 0, errors or proc.stdout[-3000:]
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(tex.with_suffix(".pdf")).pages)
    assert "PASS" in text and "Instructor note" in text
    # The performance page's "≤ 1.3 ×", typeset through envdeck's declarations.
    assert "≤" in text


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
        browser = p.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
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


def test_every_lesson_slide_fits_the_frame(builds: dict[str, CourseBuild]) -> None:
    """Cards, check cards and the title of each slide (an exercise's is an h3) are on
    screen, none cut off."""
    from playwright.sync_api import sync_playwright

    url = (builds["deck"].out / "lifecycle.html").as_uri()
    probe = """() => {
        const slide = Reveal.getCurrentSlide();
        const frame = document.querySelector('.reveal').getBoundingClientRect();
        const parts = [...slide.querySelectorAll('h1, h2, h3, .sd-card')];
        const out = parts.filter((el) => { const r = el.getBoundingClientRect();
            return r.top < frame.top - 1 || r.bottom > frame.bottom + 1
                || r.left < frame.left - 1 || r.right > frame.right + 1; });
        return {parts: parts.length, out: out.map((el) => el.textContent.slice(0, 40))};
    }"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            walked = 0
            for index, _ in each_slide(page, url):
                walked += 1
                seen = page.evaluate(probe)
                # The title and closing slides have a heading and no cards.
                framing = page.evaluate(
                    "Reveal.getCurrentSlide().matches('.envdeck-title-slide, "
                    ".envdeck-closing-slide')"
                )
                assert seen["parts"] >= (1 if framing else 3), (index, seen)
                assert not seen["out"], (index, seen)
            total = page.evaluate("Reveal.getTotalSlides()")
            # The title, each constraint and its exercise, the workshop's end, then
            # envdeck's closing slide (the way on to the next lesson).
            assert total == 2 + 2 * len(CONSTRAINTS) + len(WORKSHOP_SECTIONS) + 1
            assert walked == total
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


def test_no_slide_of_the_course_reaches_past_the_frame_sideways(
    builds: dict[str, CourseBuild],
) -> None:
    """Every slide of every deck page, after envdeck-deck.js has fitted it."""
    from playwright.sync_api import sync_playwright

    out = builds["deck"].out
    decks = deck_pages(out)
    assert len(decks) >= 5
    problems: list[tuple[str, int, int, list[str]]] = []
    walked = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            for deck in decks:
                for h, v in each_slide(page, deck.as_uri()):
                    walked += 1
                    found = page.evaluate(SIDEWAYS_PROBE)
                    if found:
                        problems.append((deck.relative_to(out).as_posix(), h, v, found[:5]))
        finally:
            browser.close()
    assert walked >= 40
    assert not problems, problems


# --- The course looked at as a person would: contrast, text size, screenshots ---------

#: WCAG 2 contrast ratio of each visible element's own text against what lies behind
#: it: the first opaque background among its ancestors, with translucent ones blended
#: over it; behind everything, the page's (on a deck, the slide's reveal.js background,
#: else the theme's body).  Text inside code highlighting counts like any other.
#: Large text (WCAG: 18 pt, or 14 pt bold) needs 3:1, the rest 4.5:1.
CONTRAST_PROBE = """(scale) => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  // Any CSS colour (hex, rgb(), color-mix(), oklch()...) as [r, g, b, alpha 0..1].
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = (top, below) => {
    const a = top[3] + below[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i) => (top[i] * top[3] + below[i] * below[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const white = [255, 255, 255, 1];
  const slide = window.Reveal ? Reveal.getCurrentSlide() : null;
  let page = over(rgba(getComputedStyle(document.body).backgroundColor),
    over(rgba(getComputedStyle(document.documentElement).backgroundColor), white));
  if (slide) {
    const own = Reveal.getSlideBackground(slide);
    if (own) page = over(rgba(getComputedStyle(own).backgroundColor), page);
  }
  const behind = (el) => {
    const layers = [];
    let image = null;
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== 'none') image = image || node.tagName.toLowerCase();
      const color = rgba(style.backgroundColor);
      if (color[3] > 0) layers.push(color);
      if (color[3] === 1) break;
    }
    return {color: layers.reverse().reduce((below, top) => over(top, below), page), image};
  };
  const failures = [];
  let worst = Infinity;
  let measured = 0;
  const root = slide || document.body;
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const text = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent).join(' ').replace(/\\s+/g, ' ').trim();
    if (!text || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible') continue;
    let opacity = 1;
    for (let node = el; node; node = node.parentElement)
      opacity *= parseFloat(getComputedStyle(node).opacity);
    if (opacity < 0.05) continue;  // a fragment not shown yet
    const bg = behind(el);
    const fg = rgba(style.color);
    fg[3] *= opacity;
    const [hi, lo] = [luminance(over(fg, bg.color)), luminance(bg.color)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const px = parseFloat(style.fontSize) * scale;
    const large = px >= 24 || (px >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    measured++;
    worst = Math.min(worst, ratio);
    if (ratio < (large ? 3 : 4.5) || bg.image) {
      failures.push(`${el.tagName.toLowerCase()}.${el.classList[0] || ''} "${text.slice(0, 40)}"`
        + ` ${ratio.toFixed(2)}:1` + (bg.image ? ` over a ${bg.image}'s background image` : ''));
    }
  }
  return {failures, worst, measured};
}"""

#: The smallest text on the current slide, as shown: the computed font size (which
#: envdeck-deck.js shrinks on a tall slide) times reveal.js's scale of the frame.
SIZE_PROBE = """(least) => {
  const scale = Reveal.getScale();
  const small = [];
  let smallest = Infinity;
  for (const el of Reveal.getCurrentSlide().querySelectorAll('*')) {
    const text = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent).join(' ').replace(/\\s+/g, ' ').trim();
    if (!text || !el.getClientRects().length) continue;
    const px = parseFloat(getComputedStyle(el).fontSize) * scale;
    smallest = Math.min(smallest, px);
    if (px < least)
      small.push(`${el.tagName.toLowerCase()}.${el.classList[0] || ''} "${text.slice(0, 40)}" `
        + `${px.toFixed(1)}px`);
  }
  return {small, smallest};
}"""

#: 16 px, the browsers' default text size, is 12 pt on a 1280x720 slide (PowerPoint's
#: 13.33 x 7.5 in page at 96 dpi): below that, text on a laptop's full screen or a
#: projector is hard to read from the back of a room.  Every text on a slide counts:
#: card text, table cells and code are read too.
LEAST_SLIDE_TEXT_PX = 16


@dataclass
class Look:
    """One handout page or one slide, looked at in Chromium."""

    where: str
    shot: Path
    contrast: dict
    sizes: dict | None = None


def pages_of(out: Path) -> list[Path]:
    return [
        path
        for path in sorted(out.rglob("*.html"))
        if not any(part.startswith("_") for part in path.relative_to(out).parts)
    ]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shots_dir(tmp_path_factory.mktemp("shots"))


@pytest.fixture(scope="module")
def looks(builds: dict[str, CourseBuild], shots: Path) -> Iterator[list[Look]]:
    """Every handout page (html builder) and every slide of the deck, served from
    127.0.0.1, measured and photographed at 1280x720 once for the tests below."""
    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    handout, deck = builds["handout"].out, builds["deck"].out
    assert handout.parent == deck.parent
    found: list[Look] = []
    with serve(handout.parent) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            for path in pages_of(handout):
                name = path.relative_to(handout).as_posix()
                page.goto(f"{base}/{handout.name}/{name}")
                page.evaluate("document.fonts.ready")
                shot = shots / f"handout-{name.replace('/', '-')[:-5]}.png"
                page.screenshot(path=shot, full_page=True)
                found.append(Look(f"handout {name}", shot, page.evaluate(CONTRAST_PROBE, 1)))
            for path in deck_pages(deck):
                name = path.relative_to(deck).as_posix()
                for h, v in each_slide(page, f"{base}/{deck.name}/{name}"):
                    shot = shots / f"deck-{name.replace('/', '-')[:-5]}-{h}.{v}.png"
                    page.screenshot(path=shot)
                    scale = page.evaluate("Reveal.getScale()")
                    found.append(
                        Look(
                            f"deck {name} slide {h}.{v}",
                            shot,
                            page.evaluate(CONTRAST_PROBE, scale),
                            page.evaluate(SIZE_PROBE, LEAST_SLIDE_TEXT_PX),
                        )
                    )
        finally:
            browser.close()
    yield found


def test_every_page_and_slide_is_photographed(looks: list[Look]) -> None:
    handout = [look for look in looks if look.sizes is None]
    slides = [look for look in looks if look.sizes is not None]
    assert len(handout) >= 8 and len(slides) >= 40
    for look in looks:
        # A PNG with something drawn in it: a blank 1280x720 one is a few KB.
        assert look.shot.read_bytes()[:4] == b"\x89PNG", look.where
        assert look.shot.stat().st_size > 10_000, look.where


def test_all_text_has_enough_contrast(looks: list[Look]) -> None:
    """WCAG AA (4.5:1, or 3:1 for large text) on every handout page and every slide."""
    assert all(look.contrast["measured"] > 0 for look in looks)
    failing = {look.where: look.contrast["failures"] for look in looks if look.contrast["failures"]}
    assert not failing, "\n".join(f"{where}: {found}" for where, found in failing.items())


def test_every_slide_is_readable_at_1280x720(looks: list[Look]) -> None:
    slides = [look for look in looks if look.sizes is not None]
    small = {
        f"{look.where} (smallest {look.sizes['smallest']:.1f}px)": look.sizes["small"][:5]
        for look in slides
        if look.sizes["small"]
    }
    assert not small, "\n".join(f"{where}: {found}" for where, found in small.items())


def test_single_page_handout_shows_deep_headings_as_headings(
    builds: dict[str, CourseBuild],
) -> None:
    """The authoring pages nested into the one page reach h5 and h6: on screen too."""
    from playwright.sync_api import sync_playwright

    probe = """() => {
        const style = (sel) => getComputedStyle(document.querySelector(sel));
        const size = (sel) => parseFloat(style(sel).fontSize);
        return {h5: size('h5'), h6: size('h6'), text: size('div.body p'),
                h5Weight: parseInt(style('h5').fontWeight, 10),
                h6Weight: parseInt(style('h6').fontWeight, 10)};
    }"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_or_skip(), args=LAUNCH_FLAGS)
        try:
            page = browser.new_page()
            page.goto((builds["singlehtml"].out / "index.html").as_uri())
            seen = {media: None for media in ("screen", "print")}
            for media in seen:
                page.emulate_media(media=media)
                seen[media] = page.evaluate(probe)
        finally:
            browser.close()
    for media, sizes in seen.items():
        assert sizes["h5"] > sizes["text"] and sizes["h5Weight"] >= 700, (media, sizes)
        assert sizes["h6"] > sizes["text"] and sizes["h6Weight"] >= 700, (media, sizes)


def test_deck_configuration_slides_list_every_option(builds: dict[str, CourseBuild]) -> None:
    # On the deck the one table is four, by topic, with the names written out.
    soup = builds["deck"].html("authoring/configuration.html")
    tables = [t for t in soup.select("table") if t.select_one("th").get_text(strip=True) == "Name"]
    assert len(tables) == 4
    names = [code.get_text() for t in tables for code in t.select("td:first-child code")]
    assert sorted(names) == sorted(option.name for option in OPTIONS)
