"""The deck: ``-D slide=1`` makes the ``html`` builder write a reveal.js deck."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from envdeck.slides import DeckBuilder, HTMLDeckBuilder

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
MIB = 1024 * 1024

DECK_PAGE = """\
# Title slide

Lead text.

## Second slide

Body of two.

### Below two

Vertical.

---

After a break.

## Third slide

Three.
"""


def deck_config(soup) -> dict:
    """The options envdeck passed to ``Reveal.initialize`` (a JSON object in the page)."""
    script = next(s for s in soup.find_all("script") if "Reveal.initialize" in s.text)
    text = re.search(r"Object\.assign\(revealjsConfig, (.*?)\);\n", script.text).group(1)
    return json.loads(text)


def slide_tree(soup) -> list[list[str]]:
    """Horizontal stacks of vertical slides, each slide named by its first text."""
    stacks = soup.select_one("div.reveal > div.slides").find_all("section", recursive=False)
    return [
        [" ".join(s.get_text(" ", strip=True).split()[:2]) for s in stack.find_all("section")]
        for stack in stacks
    ]


def test_slide_flag_turns_html_builder_into_the_deck(build):
    built = build({"index.md": DECK_PAGE}, confoverrides={"slide": "1"})
    assert built.app.builder.name == "html"
    assert isinstance(built.app.builder, HTMLDeckBuilder)
    soup = built.html()
    assert soup.select_one("div.reveal > div.slides > section")
    scripts = [s.get("src", "") for s in soup.find_all("script")]
    assert "_static/revealjs/dist/reveal.js" in scripts
    # The speaker view's plugin is loaded on demand (test_deck_assets.py).
    assert "_static/revealjs/plugin/notes/notes.js" not in scripts
    assert '"_static/revealjs/plugin/notes/notes.js"' in soup.find_all("script")[-1].text
    assert (built.outdir / "_static/revealjs/dist/reveal.js").is_file()
    assert built.warnings == ""


@pytest.mark.parametrize("flag", ["0", "false", "off"])
def test_without_the_flag_html_is_a_normal_page(build, flag):
    built = build({"index.md": DECK_PAGE}, confoverrides={"slide": flag})
    assert not isinstance(built.app.builder, DeckBuilder)
    page = (built.outdir / "index.html").read_text("utf8")
    assert "reveal" not in page.lower()
    assert "envdeck-deck" not in page
    assert not (built.outdir / "_static/revealjs").exists()
    assert not built.html().select('link[href*="sphinx-revealjs"], script[src*="revealjs"]')
    assert built.html().select_one("h2").get_text().startswith("Second slide")
    assert built.warnings == ""


def test_headings_and_thematic_breaks_make_slides(build):
    built = build({"index.md": DECK_PAGE}, confoverrides={"slide": True})
    # `#` title slide, `##` new slide (right), `###` and `---` below it.
    assert slide_tree(built.html()) == [
        ["Title slide"],
        ["Second slide", "Below two", "After a"],
        ["Third slide"],
    ]


def test_slides_carry_their_section_ids_for_links(build):
    built = build({"index.md": DECK_PAGE}, confoverrides={"slide": True})
    slides = built.html().select("div.slides section section")
    assert [s.get("id") for s in slides] == [
        "title-slide",
        "second-slide",
        "below-two",
        None,  # the slide after a `---` break continues "below-two"
        "third-slide",
    ]


def test_prose_keeps_thematic_break_as_a_rule(build):
    built = build({"index.md": DECK_PAGE})
    assert built.html().select_one("hr")


BREAKS_IN_DIRECTIVES = """\
# Title

## Cards

::::{grid} 2
:::{grid-item-card} A
card one

---

card two
:::
:::{grid-item-card} B
card b
:::
::::

## Note

:::{note}
note one

---

note two
:::

::::{tab-set}
:::{tab-item} uv
tab one

---

tab two
:::
::::

---

After the break.
"""


def test_thematic_break_inside_a_directive_is_a_rule_not_a_slide(build):
    built = build({"index.md": BREAKS_IN_DIRECTIVES}, confoverrides={"slide": "1"})
    soup = built.html()
    # Only the `---` between the slide's blocks breaks a slide.
    assert slide_tree(soup) == [["Title"], ["Cards A"], ["Note Note", "After the"]]
    for selector, first, second in [
        ("div.sd-card", "card one", "card two"),
        ("div.admonition.note", "note one", "note two"),
        ("div.sd-tab-content", "tab one", "tab two"),
    ]:
        box = soup.select_one(f"div.slides {selector}")
        assert box.select_one("hr"), selector
        text = box.get_text(" ", strip=True)
        assert first in text and second in text, (selector, text)
    # The deck is whole: all 3 stacks and 4 slides are inside div.slides.
    slides = soup.select_one("div.reveal > div.slides")
    assert len(soup.find_all("section")) == len(slides.find_all("section")) == 7
    # docutils itself may say a transition belongs between sections; envdeck says nothing.
    # docutils words it "must be child of" or "only valid as child of", by version.
    assert all("child of <document> or <section>" in line for line in built.warning_lines())


def test_revealjs_break_directive_works_under_the_html_name(build):
    # sphinx-revealjs registers a deck handler for this node under `revealjs`
    # only; the html-named deck must use it (and not the html "skip" handler).
    page = "# Title\n\nOne.\n\n```{revealjs-break}\n```\n\nTwo.\n"
    built = build({"index.md": page}, confoverrides={"slide": "1"})
    assert slide_tree(built.html()) == [["Title One.", "Title Two."]]


def test_b_revealjs_builds_the_same_deck(build):
    built = build({"index.md": DECK_PAGE}, buildername="revealjs", confoverrides={"slide": "1"})
    assert isinstance(built.app.builder, DeckBuilder)
    soup = built.html()
    assert slide_tree(soup)[0] == ["Title slide"]
    assert deck_config(soup)["width"] == 1280
    assert any(style.text.startswith("\n.reveal{font-size:36px;") for style in soup("style"))
    assert built.warnings == ""


def test_b_revealjs_without_the_flag_warns(build):
    built = build({"index.md": DECK_PAGE}, buildername="revealjs")
    assert "[envdeck.slides]" in built.warnings
    assert "-D slide=1" in built.warnings


def test_default_options_reach_reveal(build):
    built = build({"index.md": DECK_PAGE}, confoverrides={"slide": "1"})
    soup = built.html()
    config = deck_config(soup)
    assert (config["width"], config["height"]) == (1280, 720)
    assert config["transition"] == "slide"
    assert config["slideNumber"] == "c/t"
    assert config["pdfMaxPagesPerSlide"] == 1
    assert soup.select_one('link[href^="_static/revealjs/dist/theme/white.css"]')


def test_envdeck_options_reach_reveal(build):
    built = build(
        {"index.md": DECK_PAGE},
        confoverrides={
            "slide": "1",
            "envdeck_theme": "night",
            "envdeck_transition": "fade",
            "envdeck_aspect_ratio": "4:3",
            "envdeck_slide_numbers": "off",
        },
    )
    soup = built.html()
    config = deck_config(soup)
    assert (config["width"], config["height"]) == (1024, 768)
    assert config["transition"] == "fade"
    assert config["slideNumber"] is False
    assert soup.select_one('link[href^="_static/revealjs/dist/theme/night.css"]')
    theme_css = (built.outdir / "_static/revealjs/dist/theme/night.css").read_text("utf8")
    # night imports two Google fonts; the offline deck drops them.
    assert "googleapis" not in theme_css
    assert "--r-main-font" in theme_css
    # A dark theme gets a dark Pygments style.
    assert "#272822" in (built.outdir / "_static/pygments.css").read_text("utf8")
    assert built.warnings == ""


def test_bad_option_warns_and_falls_back(build):
    built = build(
        {"index.md": DECK_PAGE},
        confoverrides={"slide": "1", "envdeck_theme": "neon", "envdeck_aspect_ratio": "21:9"},
    )
    assert "[envdeck.config]" in built.warnings
    assert "envdeck_theme" in built.warnings and "envdeck_aspect_ratio" in built.warnings
    soup = built.html()
    assert soup.select_one('link[href^="_static/revealjs/dist/theme/white.css"]')
    assert deck_config(soup)["width"] == 1280


def test_users_revealjs_settings_win(build):
    conf = """\
extensions = ["envdeck"]
envdeck_theme = "night"
revealjs_style_theme = "sky"
revealjs_script_conf = {"transition": "zoom", "controls": False}
"""
    built = build({"index.md": DECK_PAGE}, conf=conf, confoverrides={"slide": "1"})
    soup = built.html()
    config = deck_config(soup)
    assert config["transition"] == "zoom"
    assert config["controls"] is False
    assert config["width"] == 1280  # envdeck's, where the user set nothing
    assert soup.select_one('link[href^="_static/revealjs/dist/theme/sky.css"]')
    assert not soup.select_one('link[href*="night.css"]')


def test_style_sheets_of_extensions_and_user_reach_the_deck_in_order(build):
    conf = """\
extensions = ["envdeck"]
revealjs_css_files = ["mine.css"]

def setup(app):
    app.add_css_file("extension.css")
"""
    built = build({"index.md": DECK_PAGE}, conf=conf, confoverrides={"slide": "1"})
    links = [link["href"].split("?")[0] for link in built.html().select("link[rel=stylesheet]")]
    assert links[:2] == [
        "_static/revealjs/dist/reveal.css",
        "_static/revealjs/dist/theme/white.css",
    ]
    assert links[-1] == "_static/mine.css"
    # The deck's style sheet, written into the page, between the two.
    page = (built.outdir / "index.html").read_text("utf8")
    deck_css = page.index("<style>\n.reveal{font-size:36px;")
    assert page.index("_static/extension.css") < deck_css < page.index("_static/mine.css")


def test_users_script_conf_as_javascript_is_merged(build):
    conf = 'extensions = ["envdeck"]\nrevealjs_script_conf = "{controls: false}"\n'
    built = build({"index.md": DECK_PAGE}, conf=conf, confoverrides={"slide": "1"})
    script = next(s for s in built.html().find_all("script") if "Reveal.initialize" in s.text)
    assert 'Object.assign({"width": 1280' in script.text
    assert "({controls: false}))" in script.text


CODE_AND_MATH = """\
# Code

```python
import sys
```

Inline $e^{i\\pi}$ and:

$$
\\int_0^1 x\\,dx = \\frac{1}{2}
$$
"""


def test_code_is_coloured_by_pygments_at_build_time(build):
    built = build({"index.md": CODE_AND_MATH}, confoverrides={"slide": "1"})
    soup = built.html()
    assert soup.select_one("div.highlight-python div.highlight pre span.kn").get_text() == "import"
    assert not soup.select("code[data-trim]")  # sphinx-revealjs's highlight.js markup
    # Pygments' styles are written into the page (deck_assets.INLINE), the rules of
    # its code's tokens only.
    styles = (built.outdir / "_static/pygments.css").read_text("utf8")
    assert ".highlight .kn {" in styles and ".highlight .c1 {" in styles
    inline = "".join(style.get_text() for style in soup.find_all("style"))
    assert ".highlight .kn{" in inline and ".highlight .nn{" in inline
    assert ".highlight .c1{" not in inline  # no comment in this code
    assert not (built.outdir / "_static/revealjs/plugin/highlight").exists()


def test_math_is_left_to_the_local_mathjax_in_deck_and_prose(build):
    # What MathJax renders is tested in test_offline_math.py.
    conf = 'extensions = ["envdeck"]\nmyst_enable_extensions = ["dollarmath"]\n'
    for overrides in ({"slide": "1"}, {}):
        built = build({"index.md": CODE_AND_MATH}, conf=conf, confoverrides=overrides)
        soup = built.html()
        assert soup.select_one("span.math").get_text() == "\\(e^{i\\pi}\\)"
        # Sphinx 7.3 adds a ?v= checksum to the path
        assert soup.select_one('script[src^="_static/mathjax/tex-chtml.js"]')


def test_design_components_render_on_a_slide(build):
    page = """\
# Components

::::{grid} 2
:::{grid-item-card} One
Card one.
:::
:::{grid-item-card} Two
Card two {bdg-primary}`new`
:::
::::

::::{tab-set}
:::{tab-item} uv
`uv sync`
:::
:::{tab-item} pip
`pip install`
:::
::::
"""
    built = build({"index.md": page}, confoverrides={"slide": "1"})
    slide = built.html().select_one("div.slides section section")
    assert len(slide.select("div.sd-card")) == 2
    assert slide.select_one("span.sd-badge").get_text() == "new"
    assert len(slide.select("div.sd-tab-set > input")) == 2
    # The rules of sphinx-design's style sheet that the page's components use.
    assert built.html().select_one('link[href^="_static/envdeck-design-"]')
    assert built.warnings == ""


#: A URL a browser would load: in a src/href attribute, a CSS url() or @import.
NETWORK_LOAD = r"""(?:src|href)=["'](?:https?:)?//|url\(\s*['"]?(?:https?:)?//"""


def test_nothing_in_the_deck_is_fetched_from_the_network(build):
    conf = 'extensions = ["envdeck"]\nmyst_enable_extensions = ["dollarmath"]\n'
    themes = {}
    for theme in ("white", "league", "sky", "simple"):
        built = build(
            {"index.md": CODE_AND_MATH},
            conf=conf,
            confoverrides={"slide": "1", "envdeck_theme": theme},
            freshenv=True,
        )
        themes[theme] = built
        for path in built.outdir.rglob("*"):
            if path.suffix not in (".html", ".css", ".js"):
                continue
            text = path.read_text("utf8", errors="replace")
            loads = re.findall(NETWORK_LOAD, text)
            if path.parent.name == "mathjax":
                # MathJax's menu has an About box linking mathjax.org, never fetched
                # (test_offline_math refuses every request that leaves the machine).
                loads = [load for load in loads if not load.startswith("href")]
            assert not loads, f"{path.relative_to(built.outdir)} loads from the network"
    fonts = themes["league"].outdir / "_static/revealjs/dist/theme/fonts"
    assert "League Gothic" in (fonts / "league-gothic/league-gothic.css").read_text("utf8")


def test_only_the_revealjs_files_the_deck_uses_are_copied(build):
    built = build({"index.md": DECK_PAGE}, confoverrides={"slide": "1"})
    revealjs = built.outdir / "_static/revealjs"
    copied = {p.relative_to(revealjs).as_posix() for p in revealjs.rglob("*") if p.is_file()}
    fonts = {p for p in copied if p.startswith("dist/theme/fonts/")}
    assert copied - fonts == {
        "dist/reveal.css",
        "dist/reveal.js",
        "dist/theme/white.css",
        "plugin/notes/notes.js",
    }
    # WOFF, which every browser reveal.js supports reads, and WOFF2 in front of it.
    assert fonts and all(p.endswith((".woff", ".woff2", ".css")) for p in fonts)
    woff = {p for p in fonts if p.endswith(".woff")}
    assert {p + "2" for p in woff} == {p for p in fonts if p.endswith(".woff2")}


def test_a_users_reveal_plugin_is_copied_too(build):
    conf = """\
extensions = ["envdeck"]
revealjs_script_plugins = [{"name": "RevealZoom", "src": "revealjs/plugin/zoom/zoom.js"}]
"""
    built = build({"index.md": DECK_PAGE}, conf=conf, confoverrides={"slide": "1"})
    assert (built.outdir / "_static/revealjs/plugin/zoom/zoom.js").is_file()
    script = next(s for s in built.html().find_all("script") if "Reveal.initialize" in s.text)
    assert "RevealZoom" in script.text and "RevealNotes" in script.text


#: A conf.py written for sphinx-revealjs: highlight.js (1 MB) and a style for it.
HIGHLIGHT_JS_CONF = """\
extensions = ["envdeck"]
revealjs_script_plugins = [
    {"name": "RevealHighlight", "src": "revealjs/plugin/highlight/highlight.js"},
    {"name": "RevealZoom", "src": "revealjs/plugin/zoom/zoom.js"},
]
revealjs_css_files = ["revealjs/plugin/highlight/zenburn.css", "custom.css"]
"""


def test_reveal_js_s_highlight_plugin_is_left_out_and_steps_still_work(build):
    # envdeck colours code when it builds, line-number steps included.
    page = (
        "# Deck\n\n## Code\n\n```{revealjs-code-block} python\n:data-line-numbers: 1|2\n\n"
        "a = 1\nb = 2\n```\n"
    )
    built = build({"index.md": page, "_static/custom.css": ""}, conf=HIGHLIGHT_JS_CONF,
                  confoverrides={"slide": "1", "html_static_path": ["_static"]})  # fmt: skip
    assert "leaves out reveal.js's highlight plugin (RevealHighlight)" in built.status
    assert not (built.outdir / "_static/revealjs/plugin/highlight").exists()
    assert (built.outdir / "_static/revealjs/plugin/zoom/zoom.js").is_file()
    html = built.html()
    script = next(s for s in html.find_all("script") if "Reveal.initialize" in s.text)
    assert "RevealHighlight" not in script.text and "RevealZoom" in script.text
    links = [link["href"] for link in html.select("link[rel=stylesheet]")]
    assert not any("highlight" in href for href in links)
    assert any(href.startswith("_static/custom.css") for href in links)
    # One coloured block per step, as reveal.js's plugin would step through them.
    assert len(html.select("div.highlight")) == 2


def test_a_handout_says_nothing_of_the_highlight_plugin(build):
    built = build({"index.md": "# Handout\n\nText.\n"}, conf=HIGHLIGHT_JS_CONF)
    assert "highlight plugin" not in built.status


def test_a_remote_or_missing_reveal_file_warns(build):
    conf = """\
extensions = ["envdeck"]
revealjs_script_plugins = [
    {"name": "Remote", "src": "https://example.org/plugin.js"},
    {"name": "Missing", "src": "revealjs/plugin/nosuch/nosuch.js"},
]
"""
    built = build({"index.md": DECK_PAGE}, conf=conf, confoverrides={"slide": "1"})
    assert "loads https://example.org/plugin.js from the network" in built.warnings
    assert "'revealjs/plugin/nosuch/nosuch.js', which sphinx-revealjs does not ship" in (
        built.warnings
    )
    assert built.warnings.count("[envdeck.slides]") == 2


def test_a_remote_theme_warns(build):
    conf = 'extensions = ["envdeck"]\nrevealjs_style_theme = "https://example.org/t.css"\n'
    built = build({"index.md": DECK_PAGE}, conf=conf, confoverrides={"slide": "1"})
    assert "loads https://example.org/t.css from the network" in built.warnings
    assert not (built.outdir / "_static/revealjs/dist/theme").exists()


def test_per_page_theme_from_revealjs_slide_is_copied(build):
    page = "# Themed\n\n```{revealjs-slide}\n:theme: moon\n```\n\nText.\n"
    built = build({"index.md": page}, confoverrides={"slide": "1"})
    assert built.html().select_one('link[href^="_static/revealjs/dist/theme/moon.css"]')
    assert (built.outdir / "_static/revealjs/dist/theme/moon.css").is_file()


PAGES = {f"page{i}.md": f"# Page {i}\n\ntext\n" for i in range(4)}
PAGES["index.md"] = "# Index\n\n```{toctree}\n" + "\n".join(PAGES) + "\n```\n"


@pytest.mark.parametrize("slide", ["0", "1"])
def test_parallel_builds_do_not_warn(build, slide):
    # sphinx-revealjs declares itself unsafe for parallel reading; envdeck vouches.
    built = build(PAGES, confoverrides={"slide": slide}, parallel=2)
    assert built.warnings == ""
    assert built.app.is_parallel_allowed("read")
    assert built.html("page3").select_one("h1").get_text().startswith("Page 3")


def test_second_deck_build_reads_nothing(build):
    build({"index.md": DECK_PAGE}, confoverrides={"slide": "1"})
    again = build(None, confoverrides={"slide": "1"})
    # sphinx-revealjs alone changes revealjs_static_path on every build.
    assert "0 added, 0 changed, 0 removed" in again.status
    assert not (again.outdir / "_static/revealjs/dist/theme/black.css").exists()


@pytest.mark.parametrize("buildername", ["latex", "text", "man", "texinfo"])
def test_deck_assets_never_reach_other_builders(build, buildername):
    built = build(
        {"index.md": CODE_AND_MATH}, buildername=buildername, confoverrides={"slide": "1"}
    )
    names = {p.name for p in built.outdir.rglob("*")}
    assert not {"envdeck-deck.css", "envdeck-deck.js", "reveal.js", "reveal.css"} & names
    for path in built.outdir.rglob("*"):
        if path.is_file() and path.suffix in (".tex", ".txt", ".1", ".texi", ".sty", ""):
            assert "envdeck-deck" not in path.read_text("utf8", errors="replace")
    assert built.warnings_besides_the_flag() == ""


REVEALJS_DIRECTIVES = """\
# Title

```{revealjs-section}
:data-background-color: black
```

One.

```{revealjs-break}
```

```{revealjs-fragments}
- first
- second
```
"""


@pytest.mark.parametrize(
    ("buildername", "output"),
    [
        ("man", "python.1"),
        ("text", "index.txt"),
        ("latex", "python.tex"),
        ("texinfo", "python.texi"),
    ],
)
def test_sphinx_revealjs_directives_in_every_builder(build, buildername, output):
    conf = 'extensions = ["envdeck"]\nproject = "python"\n'
    built = build({"index.md": REVEALJS_DIRECTIVES}, conf=conf, buildername=buildername)
    text = built.text(output)
    assert "One." in text and "second" in text
    assert "data-background" not in text
    assert built.warnings == ""


def test_course_deck_fits_the_size_budget(build):
    files = {
        path.relative_to(CONTENT).as_posix(): path.read_text("utf8")
        for path in CONTENT.rglob("*")
        if path.is_file() and path.suffix in (".md", ".rst")
    }
    conf = (REPO / "conf.py").read_text("utf8")
    built = build(files, conf=conf, confoverrides={"slide": "1"})
    sizes = {
        path: path.stat().st_size
        for path in built.outdir.rglob("*")
        if path.is_file() and ".doctrees" not in path.parts
    }
    fonts = sum(size for path, size in sizes.items() if "fonts" in path.parts)
    total = sum(sizes.values())
    print(f"course deck: {total / MIB:.2f} MiB, {(total - fonts) / MIB:.2f} MiB without fonts")
    assert total - fonts < 1.5 * MIB
    assert Path(built.outdir, "lifecycle.html").is_file()
    # nothing a slide cannot show: no copies of the page sources
    assert not Path(built.outdir, "_sources").exists()


AUTHOR_DOCS = CONTENT / "authoring" / "slides.md"


@pytest.mark.parametrize("slide", ["0", "1"])
def test_author_docs_build_without_warnings(build, slide):
    files = {
        "index.md": "# Docs\n\n```{toctree}\nauthoring/slides\n```\n",
        "authoring/slides.md": AUTHOR_DOCS.read_text("utf8"),
    }
    built = build(files, conf=(REPO / "conf.py").read_text("utf8"), confoverrides={"slide": slide})
    assert built.warnings == ""
    soup = built.html("authoring/slides")
    if slide == "1":
        assert soup.select_one("aside.notes")
    else:
        assert soup.select_one("div.admonition.envdeck-notes")


def test_author_docs_list_every_slide_option_and_choice(build):
    from envdeck.config import OPTIONS_BY_NAME

    files = {
        "index.md": "# Docs\n\n```{toctree}\nauthoring/slides\n```\n",
        "authoring/slides.md": AUTHOR_DOCS.read_text("utf8"),
    }
    # The page asks the generated reference for these five by name.
    directive = re.search(r"```\{envdeck-config\}(.*)", AUTHOR_DOCS.read_text("utf8"))
    assert directive is not None
    assert set(directive.group(1).split()) >= {
        "envdeck_theme",
        "envdeck_transition",
        "envdeck_aspect_ratio",
        "envdeck_slide_numbers",
        "envdeck_prose_notes",
    }
    built = build(files, conf=(REPO / "conf.py").read_text("utf8"))
    assert built.warnings == ""
    text = built.html("authoring/slides").get_text()
    for name in (
        "envdeck_theme",
        "envdeck_transition",
        "envdeck_aspect_ratio",
        "envdeck_slide_numbers",
        "envdeck_prose_notes",
    ):
        assert name in text
        for choice in OPTIONS_BY_NAME[name].choices or ():
            assert choice in text, (name, choice)
