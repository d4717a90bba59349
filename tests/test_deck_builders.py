"""The flag with every builder: a deck from html and dirhtml, a warning from the others,
and pages that are not documents (viewcode, py-modindex, any html-collect-pages page)."""

from __future__ import annotations

import pytest

MODULE = '"""A module."""\n\n\ndef double(x):\n    """Twice x."""\n    return 2 * x\n'
AUTODOC_CONF = """
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
extensions = ["envdeck", "sphinx.ext.autodoc", "sphinx.ext.viewcode"]

def extra_page(app):
    # Any extension's own page, on the theme's page.html.
    yield "extra", {"title": "Extra", "body": "<p>EXTRA-PAGE</p>"}, "page.html"

def setup(app):
    app.connect("html-collect-pages", extra_page)
"""
AUTODOC_PAGES = {
    "index.md": "# API\n\n```{eval-rst}\n.. automodule:: sample\n   :members:\n```\n",
    "sample.py": MODULE,
}


@pytest.mark.parametrize(("buildername", "suffix"), [("html", ".html"), ("dirhtml", "/index.html")])
def test_pages_that_are_not_documents_build_in_the_deck(build, buildername, suffix):
    built = build(
        AUTODOC_PAGES, conf=AUTODOC_CONF, buildername=buildername, confoverrides={"slide": True}
    )
    out = built.outdir
    index = (out / "index.html").read_text("utf8")
    assert 'class="reveal"' in index and "viewcode-link" in index
    source = (out / f"_modules/sample{suffix}").read_text("utf8")
    assert "Source code for sample" in source and "Twice x." in source
    extra = (out / f"extra{suffix}").read_text("utf8")
    assert "EXTRA-PAGE" in extra
    # plain pages: no empty deck around them, no sidebar searching a page that is not there
    for page in (source, extra):
        assert 'class="reveal"' not in page and "searchbox" not in page
    assert (out / f"py-modindex{suffix}").exists()
    assert "the deck leaves out the general index and the search page" in built.status


def test_dirhtml_with_the_flag_writes_the_deck(build):
    pages = {
        "index.md": "# Deck\n\n```{toctree}\nother\n```\n\n{% if slide %}DECKBRANCH{% endif %}\n",
        "other.md": "# Other\n\n## A slide\n\n{% if slide %}OTHER-DECK{% endif %}\n",
    }
    built = build(pages, buildername="dirhtml", confoverrides={"slide": True})
    index = (built.outdir / "index.html").read_text("utf8")
    other = (built.outdir / "other" / "index.html").read_text("utf8")
    assert 'class="reveal"' in index and "DECKBRANCH" in index
    assert 'class="reveal"' in other and other.count("<section") >= 2
    assert "_static/revealjs/dist/reveal.js" in other.replace("../", "")


@pytest.mark.parametrize("buildername", ["singlehtml", "text", "latex"])
def test_other_builders_with_the_flag_say_what_they_build(build, buildername):
    page = "# T\n\n{% if slide %}DECKBRANCH{% else %}PROSEBRANCH{% endif %}\n"
    built = build({"index.md": page}, buildername=buildername, confoverrides={"slide": True})
    [line] = built.warning_lines()
    assert f"the '{buildername}' builder does not write a slide deck" in line
    assert line.endswith("[envdeck.slides]")
    out = "".join(
        p.read_text("utf8")
        for p in built.outdir.glob("*.*")
        if p.suffix in (".html", ".txt", ".tex")
    )
    assert "DECKBRANCH" in out and "PROSEBRANCH" not in out


def test_sidebars_of_the_doc_set_s_theme_do_not_reach_the_deck(build):
    # As ablog does: its own page.html, and html_sidebars naming templates that only
    # the doc set's theme (pydata's navbar-logo.html) has.
    conf = (
        'extensions = ["envdeck"]\ntemplates_path = ["_templates"]\n'
        'html_sidebars = {"**": ["navbar-logo.html"]}\n'
    )
    pages = {
        "index.md": "# T\n\n{% if slide %}DECKBRANCH{% endif %}\n",
        "_templates/page.html": (
            '{%- extends "layout.html" %}{% block body %}{{ body }}{% endblock %}'
        ),
    }
    built = build(pages, conf=conf, confoverrides={"slide": True})
    assert "DECKBRANCH" in built.html().get_text()


# An extension that injects its own templates in front of the theme's at builder-inited,
# as ABlog does (its page.html extends layout.html and overrides the body block).
INJECTING_CONF = """
from pathlib import Path
from sphinx.jinja2glue import SphinxFileSystemLoader
extensions = ["envdeck"]

def inject(app):
    templates = app.builder.templates
    folder = str(Path(__file__).parent / "injected")
    templates.loaders.insert(templates.templatepathlen, SphinxFileSystemLoader(folder))

def catalog(app):
    # A page of the extension's own, on a template of its own that extends page.html.
    yield "catalog", {"title": "Catalog", "body": ""}, "catalog.html"

def setup(app):
    app.connect("builder-inited", inject)
    app.connect("html-collect-pages", catalog)
"""
INJECTED_PAGE = (
    '{%- extends "layout.html" %}\n{% block body %}<p>INJECTED-PAGE</p>{{ body }}{% endblock %}\n'
)


@pytest.mark.parametrize("slide", [True, False])
def test_templates_an_extension_injects_do_not_replace_the_deck(build, slide):
    pages = {"index.md": "# Deck\n\n## First\n\nOne.\n\n## Second\n\nTwo.\n"}
    pages["injected/page.html"] = INJECTED_PAGE
    pages["injected/catalog.html"] = (
        '{%- extends "page.html" %}{% block body %}<p>CATALOG</p>{% endblock %}\n'
    )
    built = build(
        pages,
        conf=INJECTING_CONF + "exclude_patterns = ['injected']\n",
        confoverrides={"slide": slide},
    )
    index = (built.outdir / "index.html").read_text("utf8")
    if slide:
        assert 'class="reveal"' in index and "Two." in index
        assert "INJECTED-PAGE" not in index
    else:
        assert "INJECTED-PAGE" in index  # the handout keeps what the extension wanted
    assert "CATALOG" in (built.outdir / "catalog.html").read_text("utf8")


TITLES_CONF = """
import json
from pathlib import Path
extensions = ["envdeck"]

def note_titles(app, pagename, templatename, ctx, doctree):
    rendered = {key: ctx.get(key) for key in ("title", "prev", "next", "parents", "toc")}
    Path(app.outdir, f"titles-{pagename}.json").write_text(json.dumps(rendered), "utf8")

def setup(app):
    app.connect("html-page-context", note_titles)
"""
TITLED_PAGES = {
    "index.md": "# Course & friends\n\n```{toctree}\na\nb\nc\n```\n",
    "a.md": '# Quotes "x" and @me\n\n## One\n\ntext\n',
    "b.md": "# Ünïcode — dash\n\n## Two\n\ntext\n",
    "c.md": "# With `code` in it\n\ntext\n",
}


def test_titles_render_as_sphinx_renders_them_each_plain_one_once(build, monkeypatch):
    """The deck renders a title of plain text once per build (Sphinx renders a page's
    title, its neighbours' and its parents' for every page): the pages get what
    Sphinx's own rendering gives, with and without that."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    from envdeck import slides

    rendered: list[str] = []
    render_partial = StandaloneHTMLBuilder.render_partial

    def counted(self, node):
        if type(node).__name__ == "title":
            rendered.append(node.astext())
        return render_partial(self, node)

    monkeypatch.setattr(StandaloneHTMLBuilder, "render_partial", counted)

    def contexts(built):
        return {
            name: (built.outdir / f"titles-{name}.json").read_text("utf8")
            for name in ("index", "a", "b", "c")
        }

    once = contexts(build(TITLED_PAGES, conf=TITLES_CONF, confoverrides={"slide": 1}))
    rendered_once = list(rendered)
    rendered.clear()
    monkeypatch.setattr(slides, "_plain_title_key", lambda node: None)
    every_time = contexts(build(None, conf=TITLES_CONF, confoverrides={"slide": 1}, freshenv=True))
    assert once == every_time
    assert "Course &amp; friends" in once["a"] and "&#64;me" in once["a"]
    assert "docutils literal" in once["b"]
    # Sphinx asks for each title several times (the page's own, its neighbours',
    # its parent's); the deck renders each plain one once, and the one with markup
    # every time, as Sphinx does.
    with_code = "With code in it"
    assert sorted(set(rendered)) == sorted(set(rendered_once)) and len(rendered) > len(
        set(rendered)
    )
    assert all(rendered_once.count(title) == 1 for title in rendered_once if title != with_code)
    assert rendered_once.count(with_code) == rendered.count(with_code) > 1
