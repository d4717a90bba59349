"""MyST substitutions (``{{ name }}``) in a page that also uses the flag render exactly
as MyST alone renders them."""

from __future__ import annotations

from pathlib import Path

import myst_parser
import pytest
from bs4 import BeautifulSoup

#: MyST-Parser 3 and 4 alone read ``{{ key-with-dash }}`` as ``key`` minus ``with``;
#: 5 reads the dashed key.  4 (with Sphinx 8.1) names ``index.md.rst`` in its warnings.
MYST_MAJOR = int(myst_parser.__version__.split(".")[0])
MYST_4 = MYST_MAJOR == 4
DASHED_KEYS = MYST_MAJOR >= 5
DASHED = ", {{ key-with-dash }}" if DASHED_KEYS else ""

MYST_CONF = """
myst_enable_extensions = ["colon_fence", "substitution"]
myst_substitutions = {
    "tool": "uv",
    "fancy": "a **bold** {{ tool }}",
    "note": "```{note}\\nA note about {{ tool }}.\\n```",
    "key-with-dash": "dashed",
}
"""
FRONT_MATTER = '---\nmyst:\n  substitutions:\n    lesson: "Lesson *one*"\n---\n'
TEMPLATE = FRONT_MATTER + (
    "# {{ lesson }}\n\n"
    "{% if slide %}\n"
    "Deck with {{ tool }}.\n"
    "{% else %}\n"
    "Prose with {{ tool }} and {{ fancy }}, {{ tool | upper }}" + DASHED + ", "
    "{{ env.docname }}.\n"
    "{% endif %}\n\n"
    "{{ note }}\n\n"
    '{% if tool == "uv" and lesson %}\nValues reach the template.\n{% endif %}\n\n'
    "{% for step in ['a', 'b'] %}\n- {{ step }} with {{ tool }}\n{% endfor %}\n\n"
    "`{{ tool }}` in code stays.\n"
)
# What MyST alone gets: the same page with its prose branch taken by hand.
MYST_ALONE = FRONT_MATTER + (
    "# {{ lesson }}\n\n"
    "Prose with {{ tool }} and {{ fancy }}, {{ tool | upper }}" + DASHED + ", "
    "{{ env.docname }}.\n\n"
    "{{ note }}\n\n"
    "Values reach the template.\n\n"
    "- a with {{ tool }}\n- b with {{ tool }}\n\n"
    "`{{ tool }}` in code stays.\n"
)


def _body(soup):
    return str(soup.select_one("div.body") or soup.select_one("[role=main]"))


@pytest.fixture
def myst_alone(tmp_path, make_app):
    src = tmp_path / "alone"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['myst_parser', 'sphinx_design']\n" + MYST_CONF)
    (src / "index.md").write_text(MYST_ALONE)
    app = make_app("html", srcdir=src)
    app.build()
    assert app._warning.getvalue() == ""
    soup = BeautifulSoup((Path(app.outdir) / "index.html").read_text("utf8"), "html.parser")
    # As between two sphinx-build runs (see the build fixture).
    app.cleanup()
    return soup


def test_prose_renders_substitutions_exactly_as_myst_alone(build, myst_alone):
    built = build({"index.md": TEMPLATE}, conf='extensions = ["envdeck"]\n' + MYST_CONF)
    ours = built.html()
    assert _body(ours) == _body(myst_alone)
    text = ours.get_text()
    dashed = ", dashed" if DASHED_KEYS else ""
    assert f"Prose with uv and a bold uv, UV{dashed}, index." in text
    assert "Values reach the template." in text and "{% if" not in text
    assert ours.select_one("code").get_text() == "{{ tool }}"


def test_the_deck_renders_substitutions_as_myst_alone(build, myst_alone):
    built = build(
        {"index.md": TEMPLATE},
        conf='extensions = ["envdeck"]\n' + MYST_CONF,
        confoverrides={"slide": True},
    )
    deck = built.html()
    text = deck.get_text()
    assert "Deck with uv." in text and "Prose with" not in text
    for soup in (deck, myst_alone):
        for link in soup.select("a.headerlink"):
            link.decompose()  # the deck has none
    for selector in ("h1", "div.admonition.note", "ul.simple", "p code"):
        assert str(deck.select_one(selector)) == str(myst_alone.select_one(selector)), selector


def test_a_substitution_myst_does_not_know_is_myst_s_warning(build):
    page = "# T\n\n{% if prose %}\nUses {{ typo }}.\n{% endif %}\n"
    built = build({"index.md": page}, conf='extensions = ["envdeck"]\n' + MYST_CONF)
    [line] = built.warning_lines()
    assert (
        ("index.md.rst:4:" if MYST_4 else "index.md:4:") in line
        and "typo" in line
        and "[myst.substitution]" in line
    )


def test_without_the_myst_extension_braces_are_jinja(build):
    page = "# T\n\n{% if prose %}\nUses {{ tool }}.\n{% endif %}\n"
    built = build({"index.md": page}, conf='extensions = ["envdeck"]\n')
    assert "index.md:4:" in built.warnings and "'tool' is undefined" in built.warnings
