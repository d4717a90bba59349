"""The deck theme's fonts as WOFF2 in front of reveal.js's WOFF files (envdeck.deck_fonts):
the same fonts, re-encoded; converted once per machine; off with ``envdeck_woff2``."""

from __future__ import annotations

import re
from pathlib import Path

from fontTools.ttLib import TTFont

from envdeck import deck_fonts

PAGE = "# Fonts\n\nSome *italic* and **bold** words.\n"
FONTS = "_static/revealjs/dist/theme/fonts"


def faces(css: str) -> list[list[str]]:
    """Each @font-face's src list, as its URLs with their formats."""
    return [
        re.findall(r"url\('([^']+)'\) format\('([^']+)'\)", block)
        for block in re.findall(r"@font-face\s*\{[^}]*\}", css)
    ]


def same_font(woff: Path, woff2: Path) -> None:
    """WOFF2 re-encodes the glyph table (and its index, and the checksum and one flag
    in `head` that say so): every other table is the same bytes, every glyph the same
    outline."""
    a, b = TTFont(woff), TTFont(woff2)
    assert b.flavor == "woff2" and set(a.reader.tables) == set(b.reader.tables)
    for tag in list(a.reader.tables):
        if tag not in ("glyf", "loca", "head"):
            assert a.reader[tag] == b.reader[tag], tag
    for field in ("unitsPerEm", "xMin", "yMin", "xMax", "yMax", "macStyle", "fontRevision"):
        assert getattr(a["head"], field) == getattr(b["head"], field), field
    assert a.getGlyphOrder() == b.getGlyphOrder()
    glyf_a, glyf_b = a["glyf"], b["glyf"]
    for name in a.getGlyphOrder():
        ga, gb = glyf_a[name], glyf_b[name]
        assert ga.numberOfContours == gb.numberOfContours, name
        if ga.numberOfContours:
            coords_a, ends_a, flags_a = ga.getCoordinates(glyf_a)
            coords_b, ends_b, flags_b = gb.getCoordinates(glyf_b)
            assert list(coords_a) == list(coords_b) and ends_a == ends_b, name
            assert [f & 1 for f in flags_a] == [f & 1 for f in flags_b], name  # on-curve


def test_the_theme_fonts_are_served_as_woff2_in_front_of_the_same_woff(build, own_cache):
    built = build({"index.md": PAGE}, confoverrides={"slide": "1"})
    folder = built.outdir / FONTS / "source-sans-pro"
    listed = faces((folder / "source-sans-pro.css").read_text("utf8"))
    assert len(listed) == 4
    for src in listed:
        # WOFF2 first, the browser's pick; the WOFF file behind it for one without.
        (woff2, fmt2), (woff, fmt) = src
        assert (fmt2, fmt) == ("woff2", "woff") and woff2 == woff + "2"
        same_font(folder / woff, folder / woff2)
        assert (folder / woff2).stat().st_size < 0.75 * (folder / woff).stat().st_size
    # Each converted once, then kept in the user's cache for every later build.
    assert len(list((own_cache / "fonts").glob("*.woff2"))) == 4


def test_a_font_converted_once_is_taken_back_from_the_cache(build, own_cache):
    first = build({"index.md": PAGE}, confoverrides={"slide": "1"})
    folder = first.outdir / FONTS / "source-sans-pro"
    regular = (folder / "source-sans-pro-regular.woff2").read_bytes()
    italic = (folder / "source-sans-pro-italic.woff2").read_bytes()
    # The kept file of the regular face now holds the italic: the next build shows it.
    [kept] = [p for p in (own_cache / "fonts").glob("*.woff2") if p.read_bytes() == regular]
    kept.write_bytes(italic)
    again = build(None, confoverrides={"slide": "1"}, freshenv=True)
    assert (
        again.outdir / FONTS / "source-sans-pro/source-sans-pro-regular.woff2"
    ).read_bytes() == italic


def test_envdeck_woff2_false_keeps_the_woff_files_alone(build, own_cache):
    built = build({"index.md": PAGE}, confoverrides={"slide": "1", "envdeck_woff2": "0"})
    folder = built.outdir / FONTS / "source-sans-pro"
    assert not list(folder.glob("*.woff2"))
    listed = faces((folder / "source-sans-pro.css").read_text("utf8"))
    assert listed and all([fmt for _url, fmt in src] == ["woff"] for src in listed)
    assert not (own_cache / "fonts").exists() or not list((own_cache / "fonts").iterdir())


def test_what_is_not_a_font_stays_woff_and_nothing_is_written(tmp_path, own_cache):
    broken = tmp_path / "broken.woff"
    broken.write_bytes(b"wOFF" + bytes(200))
    target = tmp_path / "broken.woff2"
    assert deck_fonts.write_woff2(broken, target) is False
    assert not target.exists() and not list((own_cache / "fonts").glob("*.woff2"))
    # The style sheet then lists the WOFF file alone for that face.
    css = tmp_path / "theme.css"
    css.write_text(
        "@font-face {\n  src: url('./broken.woff') format('woff');\n  font-family: 'X';\n}\n"
    )
    out = tmp_path / "out" / "theme.css"
    deck_fonts.copy_font_css(css, out, woff2=True)
    assert faces(out.read_text("utf8")) == [[("./broken.woff", "woff")]]
