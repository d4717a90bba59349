"""The deck theme's fonts: the WOFF files reveal.js ships, and the same fonts as WOFF2.

A reveal.js theme loads its fonts from a style sheet next to them (``source-sans-pro.css``
for the default themes) that lists each face in several formats.  The deck keeps the
WOFF files, which every browser that runs reveal.js reads, and puts in front of each
a WOFF2 file of the same font: the three faces a page of the default themes loads
weigh 320 KiB as WOFF, 210 KiB as WOFF2, more than half of what the page loads.  A
browser takes the first format it reads; one without WOFF2 takes the WOFF file.

WOFF2 is a lossless encoding (Brotli, and a reversible transform of the glyph table):
fontTools re-encodes the WOFF file, its names, metadata and every table but the
glyphs' as they are, so the font is the same font in another container, as the SIL
Open Font License's FAQ asks of a web font that keeps its Reserved Font Name.  Brotli
at its best compression takes about half a second a face, so each font is converted
once per machine: the WOFF2 is kept in the user's cache under the hash of the WOFF
file and the files of fontTools and Brotli (a new release of either converts again).
A build that has to convert starts as the builder is made, one thread a face (Brotli
lets go of the interpreter while it compresses), while Sphinx reads the pages.
``envdeck_woff2 = False`` keeps the WOFF files alone.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import io
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from .checks import usercache
from .translations import __

if TYPE_CHECKING:
    from concurrent.futures import Future

LOGGER = logging.getLogger(__name__)

_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_SRC = re.compile(r"\s*src:[^;]*;")
_WOFF = re.compile(r"url\(\s*['\"]?([^'\")]+\.woff)['\"]?\s*\)")
#: A style sheet's ``@import url(...)``, with its ``;`` and line end (slides.py drops
#: the remote ones from a theme).
IMPORT = re.compile(r"@import\s+url\(\s*['\"]?([^'\")]+)['\"]?\s*\)\s*;?[ \t]*\n?")

#: Conversions under way, by WOFF file: started by convert_early().
_PENDING: dict[Path, Future[bytes | None]] = {}


def theme_fonts(theme_css: Path) -> list[Path]:
    """The WOFF files that a reveal.js theme's style sheet loads through its local
    font style sheets."""
    try:
        theme = theme_css.read_text("utf8")
    except OSError:
        return []
    fonts = []
    for url in IMPORT.findall(theme):
        if "://" in url or url.startswith("//"):
            continue
        sheet = theme_css.parent / url
        with contextlib.suppress(OSError):
            fonts += [sheet.parent / font for font in _WOFF.findall(sheet.read_text("utf8"))]
    return [font for font in fonts if font.is_file()]


def convert_early(fonts: list[Path]) -> None:
    """Start converting the ``fonts`` whose WOFF2 is not kept yet, in threads."""
    todo = []
    for font in fonts:
        with contextlib.suppress(OSError):
            data = font.read_bytes()
            kept = _kept_path(data)
            if font not in _PENDING and (kept is None or not kept.is_file()):
                todo.append((font, data))
    if not todo:
        return
    from concurrent.futures import ThreadPoolExecutor  # only where a font is converted

    pool = ThreadPoolExecutor(max_workers=min(len(todo), os.cpu_count() or 1))
    for font, data in todo:
        _PENDING[font] = pool.submit(to_woff2, data)
    pool.shutdown(wait=False)


def copy_font_css(source: Path, target: Path, *, woff2: bool) -> None:
    """Copy a theme's font style sheet and the WOFF files it names, with a WOFF2 file
    in front of each where ``woff2`` is true and the font converts."""
    if not source.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)

    def one_face(match: re.Match[str]) -> str:
        block = match.group(0)
        fonts = [font for font in _WOFF.findall(block) if (source.parent / font).is_file()]
        if not fonts:
            return block
        urls = []
        for font in fonts:
            shutil.copyfile(source.parent / font, target.parent / font)
            if woff2 and write_woff2(source.parent / font, target.parent / f"{font}2"):
                urls.append(f"url('{font}2') format('woff2')")
            urls.append(f"url('{font}') format('woff')")
        return _SRC.sub("", block).replace("{", "{\n    src: " + ", ".join(urls) + ";", 1)

    target.write_text(_FONT_FACE.sub(one_face, source.read_text("utf8")), "utf8")


def write_woff2(woff: Path, target: Path) -> bool:
    """Write ``woff`` as WOFF2 to ``target``; False (and nothing written) where it
    cannot be converted."""
    try:
        data = woff.read_bytes()
    except OSError:
        return False
    kept = _kept_path(data)
    if kept is not None:
        with contextlib.suppress(OSError):
            shutil.copyfile(kept, target)
            return True
    pending = _PENDING.pop(woff, None)
    converted = pending.result() if pending is not None else to_woff2(data)
    if converted is None:
        LOGGER.verbose(
            __("envdeck: {font} is not a font fontTools reads; served as WOFF").format(
                font=woff.name
            )
        )
        return False
    target.write_bytes(converted)
    if kept is not None:
        usercache.write_whole(kept, converted)
    return True


def to_woff2(data: bytes) -> bytes | None:
    """The WOFF (or OpenType) font ``data`` as WOFF2; None if it is not a font."""
    from fontTools.ttLib import woff2

    out = io.BytesIO()
    try:
        woff2.compress(io.BytesIO(data), out)
    # Whatever fontTools raises on a file it cannot read (struct.error, TTLibError,
    # ...), the deck still has the WOFF file: served alone, as without WOFF2.
    except Exception:
        return None
    return out.getvalue()


def _kept_path(data: bytes) -> Path | None:
    """Where the WOFF2 of ``data`` is kept: named for the font and for the code that
    converts it."""
    stamp = _converter_stamp()
    if stamp is None:
        return None
    return usercache.entry(
        "fonts", usercache.key_of(hashlib.sha256(data).hexdigest(), stamp) + ".woff2"
    )


@functools.cache
def _converter_stamp() -> list[Any] | None:
    """fontTools' and Brotli's files, as found without importing them: asking their
    versions (importlib.metadata) or importing fontTools costs a deck build tens of
    milliseconds, in every build."""
    stamp: list[Any] = []
    for name in ("fontTools", "_brotli"):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            return None
        try:
            st = os.stat(spec.origin)
        except OSError:
            return None
        stamp.append([spec.origin, st.st_mtime_ns, st.st_size])
    return stamp
