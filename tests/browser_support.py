"""What the browser tests share: Chromium (or a skip), a local server, screenshots.

The tests drive Debian's ``chromium`` with Playwright's Python package
(``executable_path``) and skip, saying why, where no Chromium is installed.
Screenshots go to ``$ENVDECK_SCREENSHOTS`` when set, else to a temporary directory.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from envdeck.pdf import PdfError, find_chromium

LAUNCH_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    try:
        return find_chromium()
    except PdfError as err:
        pytest.skip(f"browser tests need Chromium: {err}")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path | str) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1; yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def shots_dir(default: Path) -> Path:
    """Where screenshots go, for a person to look at."""
    folder = Path(os.environ.get("ENVDECK_SCREENSHOTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_deck(page: Any, url: str) -> None:
    """Open a deck and wait until envdeck-deck.js has fitted its slides (fonts in)."""
    page.goto(url)
    page.wait_for_function("document.documentElement.getAttribute('data-envdeck-fit') === 'ready'")


def each_slide(page: Any, url: str) -> Iterator[tuple[int, int]]:
    """Open a deck and show each of its slides in turn, once envdeck-deck.js fitted it."""
    open_deck(page, url)
    # No animation: measure where a slide rests, not where it flies.
    page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    slides = page.evaluate(
        "Reveal.getSlides().map((s) => Reveal.getIndices(s)).map((i) => [i.h, i.v || 0])"
    )
    for h, v in slides:
        page.evaluate(f"Reveal.slide({h}, {v})")
        page.wait_for_function("Reveal.getCurrentSlide().hasAttribute('data-envdeck-scale')")
        yield h, v
