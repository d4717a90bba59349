"""The LaTeX handout: pdflatex gets the characters teaching text uses."""

from __future__ import annotations

import pytest

PAGE = "# T\n\nBuilds take ≤ 1.3 × as long; glibc ≥ 2.28 → fine ✓.\n"


def test_pdflatex_preamble_declares_the_characters(build):
    conf = 'extensions = ["envdeck"]\nlatex_elements = {"preamble": r"\\usepackage{mine}"}\n'
    built = build({"index.md": PAGE}, conf=conf, buildername="latex")
    assert built.warnings == ""
    tex = next(built.outdir.glob("*.tex")).read_text("utf8")
    for code in ("2264", "2265", "2192", "2713"):
        assert rf"\DeclareUnicodeCharacter{{{code}}}" in tex, code
    # the author's preamble is kept, after envdeck's, so that theirs wins
    assert tex.index(r"\DeclareUnicodeCharacter{2264}") < tex.index(r"\usepackage{mine}")


@pytest.mark.parametrize("engine", ["xelatex", "lualatex"])
def test_unicode_engines_take_the_characters_from_the_font(build, engine):
    conf = f'extensions = ["envdeck"]\nlatex_engine = "{engine}"\n'
    built = build({"index.md": PAGE}, conf=conf, buildername="latex")
    assert built.warnings == ""
    assert r"\DeclareUnicodeCharacter{2264}" not in next(built.outdir.glob("*.tex")).read_text()
