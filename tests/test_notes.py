"""Speaker notes: hidden on the slide, in the speaker view; titled (or hidden) elsewhere."""

from __future__ import annotations

import re

import pytest

PAGE = """\
# Venvs

Visible on the slide.

:::{notes}
Ask who has **moved** a `.venv` and watched it break.

- time: 2 minutes
:::
"""

RST_PAGE = """\
Venvs
=====

Visible.

.. notes::

   Say *this* aloud.
"""

TITLE = "Instructor note"


def test_deck_puts_notes_in_an_aside_for_the_speaker_view(build):
    built = build({"index.md": PAGE}, confoverrides={"slide": "1"})
    slide = built.html().select_one("div.slides section section")
    aside = slide.select_one("aside.notes")
    # Rendered markup, not escaped text: the speaker view shows it formatted.
    assert aside.select_one("strong").get_text() == "moved"
    assert aside.select_one("li").get_text() == "time: 2 minutes"
    assert TITLE not in slide.get_text()
    assert not built.html().select(".admonition")
    assert built.warnings == ""


def test_prose_shows_a_titled_instructor_note(build):
    built = build({"index.md": PAGE})
    soup = built.html()
    note = soup.select_one("div.admonition.envdeck-notes")
    assert note.select_one("p.admonition-title").get_text() == TITLE
    assert note.select_one("strong").get_text() == "moved"
    assert not soup.select("aside")
    assert built.warnings == ""


def test_prose_hides_notes_when_asked(build):
    built = build({"index.md": PAGE}, confoverrides={"envdeck_prose_notes": "hide"})
    page = (built.outdir / "index.html").read_text("utf8")
    assert "moved" not in page and TITLE not in page
    assert "Visible on the slide." in page
    assert built.warnings == ""


def test_hidden_notes_still_reach_the_deck(build):
    built = build({"index.md": PAGE}, confoverrides={"slide": "1", "envdeck_prose_notes": "hide"})
    assert built.html().select_one("aside.notes strong")


def test_bad_prose_notes_value_warns(build):
    built = build({"index.md": PAGE}, confoverrides={"envdeck_prose_notes": "maybe"})
    assert "[envdeck.config]" in built.warnings and "envdeck_prose_notes" in built.warnings
    assert built.html().select_one("div.admonition.envdeck-notes")


def test_empty_notes_warn_with_file_and_line(build):
    built = build({"index.md": "# T\n\ntext\n\n:::{notes}\n:::\n"})
    assert re.search(r"index\.md:5: WARNING: the notes directive is empty", built.warnings)
    assert "[envdeck.directive]" in built.warnings
    assert not built.html().select(".envdeck-notes")


@pytest.mark.parametrize(
    ("name", "page"),
    [
        ("index.md", "# T\n\n:::{notes}\n:class: big\nSay it.\n:::\n"),
        ("index.rst", "T\n=\n\n.. notes::\n   :class: big\n\n   Say it.\n"),
    ],
)
def test_an_option_warns_that_notes_take_none(build, name, page):
    built = build({name: page}, confoverrides={"slide": "1"})
    assert re.search(
        r"index\.(md|rst):\d+: WARNING: the notes directive takes no options", built.warnings
    )
    assert "[envdeck.directive]" in built.warnings
    assert "Say it." in built.html().select_one("aside.notes").get_text()


def test_notes_in_restructuredtext(build):
    deck = build({"index.rst": RST_PAGE}, confoverrides={"slide": "1"})
    assert deck.html().select_one("aside.notes em").get_text() == "this"


@pytest.mark.parametrize("slide", ["0", "1"])
@pytest.mark.parametrize(
    ("buildername", "output"),
    [
        ("latex", "python.tex"),
        ("text", "index.txt"),
        ("man", "python.1"),
        ("texinfo", "python.texi"),
    ],
)
def test_every_builder_writes_notes_as_a_titled_note(build, buildername, output, slide):
    conf = 'extensions = ["envdeck"]\nproject = "python"\n'
    built = build(
        {"index.md": PAGE}, conf=conf, buildername=buildername, confoverrides={"slide": slide}
    )
    text = built.text(output)
    assert TITLE in text
    assert "watched it break" in text
    assert built.warnings_besides_the_flag() == ""


@pytest.mark.parametrize("buildername", ["latex", "text", "man", "texinfo"])
def test_every_builder_hides_notes_when_asked(build, buildername):
    conf = 'extensions = ["envdeck"]\nproject = "python"\nenvdeck_prose_notes = "hide"\n'
    built = build({"index.md": PAGE}, conf=conf, buildername=buildername)
    written = [
        path
        for path in built.outdir.rglob("*")
        if path.is_file() and path.suffix in (".tex", ".txt", ".1", ".texi")
    ]
    # The page was written (a build that wrote nothing would hide nothing).
    assert any("Visible on the slide." in path.read_text("utf8") for path in written)
    for path in written:
        assert "watched it break" not in path.read_text("utf8")
    assert built.warnings == ""


def test_latex_note_is_a_sphinx_admonition(build):
    conf = 'extensions = ["envdeck"]\nproject = "python"\n'
    built = build({"index.md": PAGE}, conf=conf, buildername="latex")
    tex = built.text("python.tex")
    assert re.search(r"\\begin\{sphinxadmonition\}\{[^}]*\}\{Instructor note", tex)
