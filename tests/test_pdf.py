"""``envdeck pdf``: a built deck to PDF through headless Chromium, one page per slide."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import chromium_or_skip, shots_dir
from bs4 import BeautifulSoup
from pypdf import PageObject, PdfReader

from envdeck import pdf

LONG = "".join(f"- point {i} of a long list\n" for i in range(1, 19))
VERY_LONG = "".join(f"- item {i} of a very long list\n" for i in range(1, 61))

DECK = f"""\
# PDF deck

Title slide.

:::{{notes}}
Not on the page.
:::

## Second

```{{revealjs-fragments}}
- one
- two
```

### Below second

Vertical.

## Long

{LONG}
---

After the break.

## Very long

{VERY_LONG}
## Three cards

::::{{grid}} 1 2 3 3
:::{{grid-item-card}} Alpha
alpha text
:::
:::{{grid-item-card}} Beta
beta text
:::
:::{{grid-item-card}} Gamma
gamma text
:::
::::
"""


def cli(*argv: str) -> int:
    """Run ``envdeck pdf ARGV`` through the parser envdeck.cli builds."""
    parser = argparse.ArgumentParser(prog="envdeck")
    pdf.register_cli(parser.add_subparsers())
    args = parser.parse_args(["pdf", *argv])
    return int(args.func(args))


def slide_count(page: Path) -> int:
    soup = BeautifulSoup(page.read_text("utf8"), "html.parser")
    sections = soup.select("div.slides section")
    return sum(1 for s in sections if not s.find("section"))


def text_positions(page: PageObject) -> dict[str, tuple[float, float]]:
    """Each piece of text on a PDF page -> where it starts (x, y), in points."""
    found: dict[str, tuple[float, float]] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found[text.strip()] = (round(x), round(y))

    page.extract_text(visitor_text=visit)
    return found


@pytest.fixture
def deck(build) -> Path:
    built = build(
        {"index.md": DECK, "other.md": "# Other\n\n## Two\n"},
        conf='extensions = ["envdeck"]\nexclude_patterns = []\n',
        confoverrides={"slide": "1"},
    )
    assert "[envdeck" not in built.warnings
    return built.outdir


@pytest.mark.browser
def test_one_page_per_slide(deck, tmp_path):
    chromium_or_skip()
    out = tmp_path / "deck.pdf"
    assert cli(str(deck / "index.html"), "-o", str(out)) == 0
    reader = PdfReader(out)
    texts = [page.extract_text() for page in reader.pages]
    # The HTML's 7 slides; the long ones go on over "(cont.)" slides, as on screen
    # (in the print view envdeck-split.js splits before reveal.js lays out the pages).
    assert slide_count(deck / "index.html") == 7
    firsts = [text.strip().splitlines()[0].upper() for text in texts]
    continued = [first for first in firsts if first.endswith("(CONT.)")]
    assert continued and len(reader.pages) == 7 + len(continued)
    plain = [first for first in firsts if not first.endswith("(CONT.)")]
    for number, marker in enumerate(
        ["PDF DECK", "SECOND", "BELOW SECOND", "LONG", "AFTER THE BREAK", "VERY LONG", "THREE"]
    ):
        assert plain[number].startswith(marker), (number, plain)
    # Every point of the long lists is on a page, once and in order, none cut off.
    joined = "\n".join(texts)
    for template, count in (("point {} of a long list", 18), ("item {} of a very long list", 60)):
        where = [joined.find(template.format(i) + "\n") for i in range(1, count + 1)]
        assert -1 not in where and where == sorted(where), template
    # Three cards side by side, as on screen (sphinx-design's md breakpoint).
    where = text_positions(reader.pages[-1])
    assert where["Alpha"][1] == where["Beta"][1] == where["Gamma"][1], where
    assert where["Alpha"][0] < where["Beta"][0] < where["Gamma"][0], where
    # Fragments are all shown, on the slide's one page.
    assert "one" in texts[1] and "two" in texts[1] and firsts[1] == "SECOND"
    assert "Not on the page" not in "".join(texts)
    box = reader.pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(16 / 9, rel=0.01)
    if shutil.which("pdftoppm"):  # for a person to look at
        folder = shots_dir(tmp_path)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", str(out), str(folder / "pdf-page")], check=True
        )


@pytest.mark.browser
def test_a_slide_too_tall_even_when_shrunk_is_named(build, tmp_path, capsys):
    chromium_or_skip()
    # One paragraph: a slide is split between blocks, never inside a paragraph.
    items = "".join(f"Entry {i} of far too many. " for i in range(1, 1201)) + "\n"
    built = build(
        {"index.md": f"# Fine\n\nShort.\n\n## Overfull\n\n{items}\n## After\n\nShort too.\n"},
        confoverrides={"slide": "1"},
    )
    out = tmp_path / "deck.pdf"
    # The PDF is still written, every other slide whole: a warning, not a failure.
    assert cli(str(built.outdir / "index.html"), "-o", str(out)) == 0
    err = capsys.readouterr().err
    assert f"envdeck pdf: warning: {out}: page 2 ('Overfull') is too tall" in err, err
    assert "page 1 " not in err and "page 3 " not in err
    assert len(PdfReader(out).pages) == 3


@pytest.mark.browser
def test_a_slide_of_many_cards_goes_on_over_pages(build, tmp_path, capsys):
    chromium_or_skip()
    cards = "".join(f":::{{card}} Card {i}\nthe text of card {i}\n:::\n\n" for i in range(1, 17))
    built = build({"index.md": f"# Cards\n\n{cards}"}, confoverrides={"slide": "1"})
    out = tmp_path / "cards.pdf"
    assert cli(str(built.outdir / "index.html"), "-o", str(out)) == 0
    assert "warning" not in capsys.readouterr().err
    texts = [page.extract_text() for page in PdfReader(out).pages]
    assert len(texts) > 1 and all(t.upper().startswith("CARDS") for t in texts)
    # Each card whole on one page, in order.
    joined = "\n".join(texts)
    where = [joined.find(f"the text of card {i}\n") for i in range(1, 17)]
    assert -1 not in where and where == sorted(where), texts


@pytest.mark.browser
def test_build_directory_exports_every_deck_page(deck, tmp_path, capsys):
    chromium_or_skip()
    assert cli(str(deck), "-o", str(tmp_path / "pdfs")) == 0
    written = sorted(p.name for p in (tmp_path / "pdfs").iterdir())
    assert written == ["index.pdf", "other.pdf"]
    assert len(PdfReader(tmp_path / "pdfs" / "other.pdf").pages) == slide_count(deck / "other.html")
    assert "other.pdf: 2 pages" in capsys.readouterr().out


@pytest.mark.browser
def test_a_page_without_reveal_is_refused(build, tmp_path, capsys):
    chromium_or_skip()
    prose = build({"index.md": "# Prose\n"})
    page = prose.outdir / "index.html"
    assert cli(str(page), "-o", str(tmp_path / "x.pdf")) == 1
    assert "not a reveal.js deck" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_no_chromium_is_a_clear_error(deck, tmp_path, monkeypatch, capsys):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert cli(str(deck / "index.html")) == 1
    err = capsys.readouterr().err
    assert "no Chromium found" in err and "--chromium PATH" in err
    assert "Traceback" not in err


def test_explicit_chromium_that_does_not_exist(deck, tmp_path, capsys):
    assert cli(str(deck / "index.html"), "--chromium", str(tmp_path / "nosuch")) == 1
    assert "no such executable" in capsys.readouterr().err


def test_explicit_chromium_that_is_not_chromium(deck, tmp_path, capsys):
    # A real program that exits at once: the export says so instead of hanging.
    fake = tmp_path / "not-chromium"
    fake.write_text(f"#!{sys.executable}\nimport sys\nsys.exit(3)\n", "utf8")
    fake.chmod(0o755)
    assert cli(str(deck / "index.html"), "--chromium", str(fake), "--timeout", "10") == 1
    assert "exited with status 3" in capsys.readouterr().err


def test_a_directory_without_a_deck_is_refused(build, tmp_path, capsys):
    prose = build({"index.md": "# Prose\n"})
    assert cli(str(prose.outdir), "--chromium", sys.executable) == 1
    assert "no reveal.js deck pages here" in capsys.readouterr().err


def test_a_missing_deck_is_refused(tmp_path, capsys):
    assert cli(str(tmp_path / "nothing"), "--chromium", sys.executable) == 1
    assert "no such file or directory" in capsys.readouterr().err


def envdeck(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line, in a subprocess: ``python -m envdeck ARGV``."""
    return subprocess.run(
        [sys.executable, "-m", "envdeck", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_envdeck_pdf_is_a_command(tmp_path):
    done = envdeck("pdf", "--help")
    assert done.returncode == 0
    assert "--chromium PATH" in done.stdout and "one page per slide" in done.stdout


def test_envdeck_pdf_without_chromium_exits_1(deck, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    done = envdeck("pdf", str(deck), env={**os.environ, "PATH": str(empty)})
    assert done.returncode == 1
    assert "envdeck pdf: error: no Chromium found" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.browser
def test_envdeck_pdf_command_exports_the_deck(deck, tmp_path):
    chromium_or_skip()
    done = envdeck("pdf", str(deck / "index.html"), "-o", str(tmp_path / "deck.pdf"))
    assert done.returncode == 0, done.stderr
    texts = [page.extract_text() for page in PdfReader(tmp_path / "deck.pdf").pages]
    # The HTML's slides, and the "(cont.)" slides that the long ones go on over.
    continued = [t for t in texts if "(CONT.)" in t.strip().splitlines()[0].upper()]
    assert len(texts) == slide_count(deck / "index.html") + len(continued)


def test_without_the_pdf_extra_it_says_how_to_install_it(deck, tmp_path):
    # Playwright is in the test environment: this interpreter is told it is missing,
    # as in an install of envdeck without its pdf extra.
    hide = (
        "import sys; sys.modules['playwright'] = None; sys.argv[0] = 'envdeck'; "
        "from envdeck.cli import main; sys.exit(main())"
    )
    done = subprocess.run(
        [sys.executable, "-c", hide, "pdf", str(deck / "index.html"), "--chromium", sys.executable],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "envdeck pdf: error: envdeck pdf needs Playwright" in done.stderr
    assert "'envdeck[pdf]'" in done.stderr and "Traceback" not in done.stderr
    assert not (deck / "index.pdf").exists()
