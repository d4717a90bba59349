"""``envdeck pdf``: export a built deck to PDF, one page per slide.

reveal.js lays a deck out for print when its URL carries ``?print-pdf``; a locally
installed headless Chromium loads it from ``file://`` and prints it.  Chromium's
``--print-to-pdf`` switch prints before reveal.js has finished that layout (it
waits for frames), so envdeck drives Chromium through the DevTools protocol
instead: load the page, wait until envdeck-deck.js (or reveal.js) reports the
print layout ready, then ``Page.printToPDF`` with the page size the deck asks for.
The DevTools client is the few lines of WebSocket below: no playwright, no
dependency.  This module does not import Sphinx.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
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

#: Headless and quiet: nothing is fetched besides the deck's own files.
CHROMIUM_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)

#: True once the deck's print layout is final: envdeck-deck.js sets
#: data-envdeck-pdf after scaling tall slides; another reveal.js deck is done when
#: its print view has built the pages and shown them.
READY_JS = """(() => {
  const root = document.documentElement;
  if (window.envdeckStale || document.readyState !== 'complete') return 'loading';
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

#: CSS px per inch, for Page.printToPDF's paper size.
CSS_PX_PER_INCH = 96

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


# --- a minimal DevTools (WebSocket) client -------------------------------------


class DevTools:
    """Just enough of RFC 6455 to speak the DevTools protocol to a local Chromium."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {parts.path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._recv()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise PdfError(f"Chromium refused the DevTools connection: {head[:200]!r}")
        self.last_id = 0

    def _recv(self) -> bytes:
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise PdfError("Chromium closed the DevTools connection")
        return chunk

    def _take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self.buffer += self._recv()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _send(self, payload: bytes, opcode: int = 0x1) -> None:
        # Client frames are masked (RFC 6455, 5.3).
        mask = os.urandom(4)
        size = len(payload)
        if size < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
        elif size < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _message(self) -> str:
        parts: list[bytes] = []
        while True:
            first, second = self._take(2)
            size = second & 0x7F
            if size == 126:
                (size,) = struct.unpack("!H", self._take(2))
            elif size == 127:
                (size,) = struct.unpack("!Q", self._take(8))
            payload = self._take(size)  # the server does not mask
            opcode = first & 0x0F
            if opcode == 0x8:
                raise PdfError("Chromium closed the DevTools connection")
            if opcode == 0x9:
                self._send(payload, opcode=0xA)
                continue
            if opcode in (0x0, 0x1, 0x2):
                parts.append(payload)
                if first & 0x80:
                    return b"".join(parts).decode()

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._send(json.dumps(message).encode())
        while True:
            reply = json.loads(self._message())
            if reply.get("id") != self.last_id:
                continue  # an event
            if "error" in reply:
                raise PdfError(f"Chromium: {method}: {reply['error'].get('message')}")
            result: dict[str, Any] = reply.get("result", {})
            return result

    def close(self) -> None:
        self.sock.close()


def _launch(chromium: str, profile: Path, timeout: float) -> tuple[subprocess.Popen[bytes], str]:
    """Start Chromium; return it and its browser DevTools URL."""
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium will not start as root otherwise
    log = (profile / "chromium.log").open("wb")
    try:
        process = subprocess.Popen(
            [chromium, *flags, "about:blank"], stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )
    except OSError as err:
        log.close()
        raise PdfError(f"cannot run {chromium}: {err}") from None
    log.close()
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (profile / "chromium.log").read_text("utf8", errors="replace")[-800:]
            raise PdfError(f"{chromium} exited with status {process.returncode}:\n{tail}")
        lines = port_file.read_text().split() if port_file.is_file() else []
        if len(lines) >= 2:
            return process, f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.05)
    _stop(process)
    raise PdfError(f"{chromium} did not open its DevTools port within {timeout:g} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    for stop in (None, process.terminate, process.kill):
        if stop is not None:
            stop()
        try:
            process.wait(timeout=5)
            return
        except subprocess.TimeoutExpired:
            continue


def export(page: Path, output: Path, chromium: str, timeout: float = 60.0) -> Exported:
    """Print the deck page ``page`` to ``output``; say how many pages, which cut off."""
    url = page.resolve().as_uri() + "?print-pdf"
    # Chromium's helper processes can outlive it for a moment, still writing to the
    # profile: a profile left behind is better than a failed export.
    with tempfile.TemporaryDirectory(prefix="envdeck-chromium-", ignore_cleanup_errors=True) as tmp:
        process, ws_url = _launch(chromium, Path(tmp), timeout)
        try:
            devtools = DevTools(ws_url, timeout)
            try:
                target = devtools.call("Target.createTarget", url="about:blank")
                session = devtools.call(
                    "Target.attachToTarget", targetId=target["targetId"], flatten=True
                )["sessionId"]
                devtools.call("Page.navigate", session, url=url)
                state = _wait_ready(devtools, session, timeout, page)
                if state == "no-reveal":
                    raise PdfError(f"{page}: not a reveal.js deck (reveal.js did not load)")
                paper = _lay_out_at_page_size(devtools, session, url, timeout, page)
                pages = _evaluate(devtools, session, PAGE_COUNT_JS)
                overflow = _evaluate(devtools, session, OVERFLOW_JS)
                printed = devtools.call(
                    "Page.printToPDF",
                    session,
                    printBackground=True,
                    preferCSSPageSize=True,
                    displayHeaderFooter=False,
                    **paper,
                )
            finally:
                with contextlib.suppress(PdfError, OSError):
                    devtools.call("Browser.close")  # lets Chromium end its helpers
                devtools.close()
        finally:
            _stop(process)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(base64.b64decode(printed["data"]))
    return Exported(int(pages), [(int(s["page"]), str(s["title"])) for s in overflow or []])


def _lay_out_at_page_size(
    devtools: DevTools, session: str, url: str, timeout: float, page: Path
) -> dict[str, Any]:
    """Load the deck again in a window of its page size; return printToPDF's paper.

    A slide is scaled to fit, and responsive grids pick their columns, in the
    width it is printed at: not in headless Chromium's 800x600 window, nor (for
    print media queries) on a Letter page, which gave a three-column grid two.
    """
    size = _evaluate(devtools, session, PAGE_SIZE_JS)
    if not size:
        return {}  # no @page rule: leave the size to Chromium
    width, height = (round(value) for value in size)
    devtools.call(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=False,
    )
    # Until the new document replaces it, the old one says "ready".
    _evaluate(devtools, session, "window.envdeckStale = true")
    devtools.call("Page.navigate", session, url=url)
    _wait_ready(devtools, session, timeout, page)
    return {
        "paperWidth": width / CSS_PX_PER_INCH,
        "paperHeight": height / CSS_PX_PER_INCH,
        "marginTop": 0,
        "marginBottom": 0,
        "marginLeft": 0,
        "marginRight": 0,
    }


def _evaluate(devtools: DevTools, session: str, expression: str) -> Any:
    reply = devtools.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
    return reply.get("result", {}).get("value")


def _wait_ready(devtools: DevTools, session: str, timeout: float, page: Path) -> str:
    deadline = time.monotonic() + timeout
    state = "loading"
    while time.monotonic() < deadline:
        reply = devtools.call("Runtime.evaluate", session, expression=READY_JS, returnByValue=True)
        state = reply.get("result", {}).get("value", "loading")
        if state in ("ready", "no-reveal"):
            return str(state)
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
