"""``envdeck pdf``: export a built deck to PDF, one page per slide.

reveal.js lays a deck out for print when its URL carries ``?print-pdf``; a locally
installed headless Chromium loads it from ``file://`` and prints it.  Chromium's
``--print-to-pdf`` switch prints before reveal.js has finished that layout (it
waits for frames), so envdeck drives Chromium with Playwright (the ``pdf`` extra,
``envdeck[pdf]``; the system Chromium, through ``executable_path``): load the
page, wait until envdeck-deck.js (or reveal.js) reports the print layout ready,
then ``page.pdf()`` with the page size the deck asks for.  This module does not
import Sphinx.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Tried in this order on PATH when no ``--chromium`` is given.
CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)

#: Besides Playwright's own (headless, no background networking, no sync, no
#: extensions): nothing is fetched besides the deck's own files.
CHROMIUM_FLAGS = ("--disable-gpu", "--disable-quic", "--hide-scrollbars")

#: True once the deck's print layout is final: envdeck-deck.js sets
#: data-envdeck-pdf after scaling tall slides; another reveal.js deck is done when
#: its print view has built the pages and shown them.
READY_JS = """(() => {
  const root = document.documentElement;
  if (document.readyState !== 'complete') return 'loading';
  if (!window.Reveal) return 'no-reveal';
  if (document.querySelector('script[src*="envdeck-deck.js"]'))
    return root.getAttribute('data-envdeck-pdf') === 'ready' ? 'ready' : 'layout';
  const pages = document.querySelectorAll('.reveal .pdf-page').length;
  const loading = document.querySelector('.reveal-viewport.loading-scroll-mode');
  return pages && !loading ? 'ready' : 'layout';
})()"""

PAGE_COUNT_JS = "document.querySelectorAll('.reveal .pdf-page').length"

#: The page size reveal.js's print view asks for (its @page rule), in CSS px.
PAGE_SIZE_JS = """(() => {
  for (const sheet of document.styleSheets) {
    let rules = [];
    try { rules = [...sheet.cssRules]; } catch (err) { continue; }
    for (const rule of rules) {
      const size = rule instanceof CSSPageRule && rule.style.getPropertyValue('size');
      const found = size && size.match(/^([\\d.]+)px ([\\d.]+)px$/);
      if (found) return [parseFloat(found[1]), parseFloat(found[2])];
    }
  }
  return null;
})()"""

#: The slides envdeck-deck.js could not shrink onto their page: each one's page
#: number and its heading (or first words).
OVERFLOW_JS = """(() => [...document.querySelectorAll('.reveal .pdf-page')].flatMap((page, i) => {
  const slide = page.querySelector(':scope > section[data-envdeck-overflow]');
  if (!slide) return [];
  const heading = slide.querySelector('h1, h2, h3, h4, h5, h6');
  const text = (heading || slide).textContent.replace(/\\s+/g, ' ').trim();
  return [{page: i + 1, title: text.length > 60 ? text.slice(0, 59) + '…' : text}];
}))()"""


class PdfError(Exception):
    """The export failed; the message says why, for a person."""


@dataclass
class Exported:
    """What one deck page gave: its number of PDF pages, and the slides cut off."""

    pages: int
    #: (page number, slide title) of each slide too tall for its page at the
    #: smallest print scale: the PDF shows only its top.
    cut_off: list[tuple[int, str]] = field(default_factory=list)


def find_chromium(explicit: str | None = None) -> str:
    """The Chromium to run: ``explicit`` (a path or a name on PATH), else the first found."""
    if explicit:
        found = shutil.which(explicit)
        if found is None:
            raise PdfError(f"--chromium {explicit!r}: no such executable")
        return found
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError(
        "no Chromium found: install Chromium or Google Chrome (looked for "
        f"{', '.join(CHROMIUM_NAMES)} on PATH), or pass --chromium PATH"
    )


def deck_pages(deck: Path) -> list[Path]:
    """The deck pages at ``deck``: the file itself, or every deck page under a build dir."""
    if deck.is_file():
        return [deck]
    if not deck.is_dir():
        raise PdfError(f"{deck}: no such file or directory")
    pages = [
        path
        for path in sorted(deck.rglob("*.html"))
        if not any(part.startswith("_") for part in path.relative_to(deck).parts)
        and 'class="reveal"' in path.read_text("utf8", errors="replace")
    ]
    if not pages:
        raise PdfError(
            f"{deck}: no reveal.js deck pages here; build the deck with "
            "`sphinx-build -D slide=1 ...` first"
        )
    return pages


# --- printing through Playwright ------------------------------------------------------

INSTALL_HINT = (
    "envdeck pdf needs Playwright: install envdeck with its pdf extra "
    "(uv add 'envdeck[pdf]', or pip install 'envdeck[pdf]'); it drives the Chromium "
    "installed here, no browser is downloaded"
)

#: Playwright's launch error ends with the browser's exit ("exitCode=3").
_EXIT_CODE = re.compile(r"exitCode=(-?\d+)")


def _playwright() -> Any:
    """Playwright's synchronous API, or a PdfError saying how to install it."""
    try:
        from playwright import sync_api
    except ImportError:
        raise PdfError(INSTALL_HINT) from None
    return sync_api


def export(page: Path, output: Path, chromium: str, timeout: float = 60.0) -> Exported:
    """Print the deck page ``page`` to ``output``; say how many pages, which cut off."""
    sync_api = _playwright()
    url = page.resolve().as_uri() + "?print-pdf"
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=list(CHROMIUM_FLAGS), timeout=timeout * 1000
            )
        except sync_api.Error as err:
            raise PdfError(_launch_error(chromium, err.message, timeout)) from None
        try:
            tab = browser.new_page()
            tab.set_default_timeout(timeout * 1000)
            printed, pages, overflow = _print(tab, url, page, timeout, sync_api.Error)
        finally:
            browser.close()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(printed)
    return Exported(int(pages), [(int(s["page"]), str(s["title"])) for s in overflow or []])


def _launch_error(chromium: str, message: str, timeout: float) -> str:
    exited = _EXIT_CODE.search(message)
    if exited:
        return f"{chromium} exited with status {exited.group(1)}:\n{message[-800:]}"
    if "Timeout" in message:
        return f"{chromium} did not start within {timeout:g} s"
    return f"cannot run {chromium}: {message.splitlines()[0] if message else 'no reason given'}"


def _print(
    tab: Any, url: str, page: Path, timeout: float, error: type[Exception]
) -> tuple[bytes, Any, Any]:
    """Load the deck, lay it out at its page size, print it: (PDF, pages, cut off)."""
    try:
        tab.goto(url)
        if _wait_ready(tab, timeout, page) == "no-reveal":
            raise PdfError(f"{page}: not a reveal.js deck (reveal.js did not load)")
        paper = _lay_out_at_page_size(tab, url, timeout, page)
        pages = tab.evaluate(PAGE_COUNT_JS)
        overflow = tab.evaluate(OVERFLOW_JS)
        printed = tab.pdf(print_background=True, prefer_css_page_size=True, **paper)
    except error as err:
        raise PdfError(f"{page}: Chromium: {err}") from None
    return printed, pages, overflow


def _lay_out_at_page_size(tab: Any, url: str, timeout: float, page: Path) -> dict[str, Any]:
    """Load the deck again in a window of its page size; return ``page.pdf()``'s paper.

    A slide is scaled to fit, and responsive grids pick their columns, in the
    width it is printed at: not in headless Chromium's 800x600 window, nor (for
    print media queries) on a Letter page, which gave a three-column grid two.
    """
    size = tab.evaluate(PAGE_SIZE_JS)
    if not size:
        return {}  # no @page rule: leave the size to Chromium
    width, height = (round(value) for value in size)
    tab.set_viewport_size({"width": width, "height": height})
    tab.goto(url)
    _wait_ready(tab, timeout, page)
    zero = "0"
    return {
        "width": f"{width}px",
        "height": f"{height}px",
        "margin": {"top": zero, "bottom": zero, "left": zero, "right": zero},
    }


def _wait_ready(tab: Any, timeout: float, page: Path) -> str:
    deadline = time.monotonic() + timeout
    state = "loading"
    while time.monotonic() < deadline:
        state = str(tab.evaluate(READY_JS))
        if state in ("ready", "no-reveal"):
            return state
        time.sleep(0.1)
    raise PdfError(f"{page}: the deck's print layout was not ready within {timeout:g} s")


def output_paths(deck: Path, pages: list[Path], output: str | None) -> list[Path]:
    """Where each page's PDF goes: ``output`` for one page, else a file per page."""
    if output is None:
        return [page.with_suffix(".pdf") for page in pages]
    if deck.is_file():
        return [Path(output)]
    names = [page.relative_to(deck).with_suffix("").as_posix().replace("/", "-") for page in pages]
    return [Path(output) / f"{name}.pdf" for name in names]


def run(args: argparse.Namespace) -> int:
    """``envdeck pdf``: returns the exit status."""
    try:
        chromium = find_chromium(args.chromium)
        deck = Path(args.deck)
        pages = deck_pages(deck)
        for page, target in zip(pages, output_paths(deck, pages, args.output), strict=True):
            done = export(page, target, chromium, timeout=args.timeout)
            print(f"{target}: {done.pages} page{'s' if done.pages != 1 else ''}")
            # The PDF is still written: the rest of the deck is good, and the
            # warning says which slides to split.
            for number, title in done.cut_off:
                print(
                    f"envdeck pdf: warning: {target}: page {number} ({title!r}) is too "
                    "tall for its page even at the smallest scale and is cut off; "
                    "split the slide",
                    file=sys.stderr,
                )
    except PdfError as err:
        print(f"envdeck pdf: error: {err}", file=sys.stderr)
        return 1
    return 0


def register_cli(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``pdf`` to the ``envdeck`` command line (called by envdeck.cli)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "pdf",
        help="export a built slide deck to PDF, one page per slide",
        description=(
            "Export a deck built with `sphinx-build -D slide=1` to PDF, one page per "
            "slide, through a locally installed headless Chromium (reveal.js's print "
            "view). DECK is "
            "one deck page (.html) or a build directory: then every deck page in it "
            "is exported."
        ),
    )
    parser.add_argument(
        "deck", metavar="DECK", help="a deck page (.html) or the deck's build directory"
    )
    parser.add_argument(
        "-o",
        "--output",
        help="the PDF file (for one page) or directory (for a build directory); "
        "default: next to each page, with .pdf",
    )
    parser.add_argument(
        "--chromium",
        metavar="PATH",
        help="the Chromium or Chrome executable (default: the first of "
        f"{', '.join(CHROMIUM_NAMES)} on PATH)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="seconds to wait for Chromium and the deck's layout (default: 60)",
    )
    parser.set_defaults(func=run)
    return parser
