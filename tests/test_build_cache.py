"""What a deck build keeps for the next one (envdeck.build_cache): coloured code and
compiled page templates, in the user's cache, reused only while they cannot differ."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from envdeck import build_cache
from envdeck.build_cache import KeptHighlights

CODE = (
    "# Code\n\n```python\nimport sys\nprint(sys.prefix)\n```\n\n"
    "## Style\n\n```css\n.reveal h1 { color: #336699; }\n```\n"
)


@pytest.fixture
def cache(own_cache: Path) -> Path:
    return own_cache


def kept_blocks(cache: Path) -> dict[str, str]:
    [path] = (cache / "highlights").glob("*.json")
    blocks: dict[str, str] = json.loads(path.read_text("utf8"))["blocks"]
    return blocks


def edit_kept(cache: Path, edit: Any) -> None:
    [path] = (cache / "highlights").glob("*.json")
    data = json.loads(path.read_text("utf8"))
    data["blocks"] = {key: edit(html) for key, html in data["blocks"].items()}
    path.write_text(json.dumps(data), "utf8")


def code_of(built: Any) -> list[str]:
    return [str(pre) for pre in built.html().select("div.highlight pre")]


def test_a_deck_build_takes_back_the_code_an_earlier_one_coloured(build: Any, cache: Path) -> None:
    first = build({"index.md": CODE}, confoverrides={"slide": "1"})
    before = code_of(first)
    assert len(before) == 2 and all("<span" in html for html in before)
    assert len(kept_blocks(cache)) == 2
    # What the next build shows comes from the kept HTML: marked there, seen on the page.
    edit_kept(cache, lambda html: html.replace("<span></span>", '<span data-kept="1"></span>'))
    again = build(None, confoverrides={"slide": "1"}, freshenv=True)
    assert [html.replace(' data-kept="1"', "") for html in code_of(again)] == before
    assert all('data-kept="1"' in html for html in code_of(again))
    # A block whose source changed is coloured anew; the other is still taken back.
    (first.srcdir / "index.md").write_text(CODE.replace("sys.prefix", "sys.base_prefix"), "utf8")
    edited = build(None, confoverrides={"slide": "1"})
    python, css = code_of(edited)
    assert "base_prefix" in python and 'data-kept="1"' not in python
    assert 'data-kept="1"' in css
    assert len(kept_blocks(cache)) == 3


#: A deck build in a process of its own; then whether it compiled the CSS and Python
#: lexers (Pygments compiles a lexer's rules the first time one is made).
DECK_PROCESS = """
import sys
from sphinx.cmd.build import main
status = main(["-q", "-D", "slide=1", *sys.argv[1:]])
from pygments.lexers import CssLexer, PythonLexer
print([lexer.__name__ for lexer in (CssLexer, PythonLexer) if "_tokens" in lexer.__dict__])
sys.exit(status)
"""


def test_the_next_process_colours_the_same_code_without_compiling_a_lexer(
    tmp_path: Path, cache: Path
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["envdeck"]\n', "utf8")
    (src / "index.md").write_text(CODE, "utf8")

    def deck(out: str) -> tuple[str, str]:
        proc = subprocess.run(
            [sys.executable, "-c", DECK_PROCESS, str(src), str(tmp_path / out)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return (tmp_path / out / "index.html").read_text("utf8"), proc.stdout.strip()

    first, compiled = deck("first")
    assert compiled == "['CssLexer', 'PythonLexer']"
    second, compiled = deck("second")
    assert compiled == "[]"
    assert second == first


def test_a_block_that_warns_is_coloured_and_warns_in_every_build(build: Any, cache: Path) -> None:
    page = "# Code\n\n```python\na = $\n```\n\n## Fine\n\n```python\nb = 1\n```\n"
    for rebuild in (False, True):
        built = build(None if rebuild else {"index.md": page}, confoverrides={"slide": "1"},
                      freshenv=True)  # fmt: skip
        [line] = built.warning_lines()
        assert "Lexing literal_block 'a = $\\n' as \"python\" resulted in an error" in line
        assert len(kept_blocks(cache)) == 1  # only the block that did not warn


def test_a_lexer_an_extension_registers_is_run_in_every_build(build: Any, cache: Path) -> None:
    conf = (
        "from pygments.lexers import PythonLexer\n"
        "from pygments.token import Keyword\n"
        'extensions = ["envdeck"]\n'
        "class Shouting(PythonLexer):\n"
        "    def get_tokens_unprocessed(self, text):\n"
        "        for index, token, value in super().get_tokens_unprocessed(text):\n"
        "            yield index, token, value.upper() if token in Keyword else value\n"
        "def setup(app):\n"
        '    app.add_lexer("shouting", Shouting)\n'
    )
    page = "# Code\n\n```shouting\nimport sys\n```\n\n## Kept\n\n```python\nimport os\n```\n"
    built = build({"index.md": page}, conf=conf, confoverrides={"slide": "1"})
    assert "IMPORT" in code_of(built)[0]
    assert len(kept_blocks(cache)) == 1
    # The extension's lexer changes; the next build shows it.
    conf_py = built.srcdir / "conf.py"
    conf_py.write_text(conf_py.read_text("utf8").replace("upper", "title"), "utf8")
    again = build(None, confoverrides={"slide": "1"}, freshenv=True)
    assert "Import" in code_of(again)[0]


def test_another_style_does_not_take_back_what_one_style_coloured(build: Any, cache: Path) -> None:
    page = "# Code\n\n```python\nprint(x, y)\n```\n"
    light = code_of(build({"index.md": page}, confoverrides={"slide": "1"}))
    dark = build(None, confoverrides={"slide": "1", "envdeck_theme": "black"}, freshenv=True)
    # The dark style (monokai) colours punctuation, which the light one leaves bare.
    assert '<span class="p">' not in light[0]
    assert '<span class="p">' in code_of(dark)[0]
    assert len(list((cache / "highlights").glob("*.json"))) == 2


def test_a_cache_that_cannot_be_written_leaves_the_deck_as_it_is(
    build: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", "utf8")
    monkeypatch.setenv("ENVDECK_CACHE_DIR", str(blocked))
    built = build({"index.md": CODE}, confoverrides={"slide": "1"})
    assert all("<span" in html for html in code_of(built))
    assert not built.warning_lines()


def test_the_blocks_used_last_are_kept_first_up_to_the_limit(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_cache, "MAX_BYTES", 30)
    path = cache / "highlights" / "kept.json"
    first = KeptHighlights("kept", ["stamp"])
    for key in ("a", "b", "c"):
        first.put(key, key * 10)
    first.save()
    assert list(kept_blocks_at(path)) == ["a", "b", "c"]
    second = KeptHighlights("kept", ["stamp"])
    assert second.get("c") == "c" * 10
    second.put("d", "d" * 10)
    second.save()
    # This build's blocks first, then the earlier ones, within 30 characters.
    assert list(kept_blocks_at(path)) == ["c", "d", "a"]
    # Another stamp (Pygments, Sphinx or envdeck changed) takes nothing back.
    assert KeptHighlights("kept", ["other"]).get("c") is None
    # A build that coloured nothing anew leaves the file as it was.
    before = path.stat().st_mtime_ns
    third = KeptHighlights("kept", ["stamp"])
    assert third.get("a") == "a" * 10
    third.save()
    assert path.stat().st_mtime_ns == before


def kept_blocks_at(path: Path) -> dict[str, str]:
    blocks: dict[str, str] = json.loads(path.read_text("utf8"))["blocks"]
    return blocks


def test_compiled_templates_are_kept_and_an_edited_template_is_compiled_again(
    build: Any, cache: Path
) -> None:
    conf = 'extensions = ["envdeck"]\ntemplates_path = ["_templates"]\n'
    template = '{%- extends "layout.html" %}{% block body %}FIRST {{ body }}{% endblock %}'
    built = build(
        {"index.md": "# T\n\nWords.\n", "_templates/page.html": template},
        conf=conf,
        confoverrides={"slide": "1"},
    )
    assert "FIRST" in built.html().get_text()
    compiled = {p: p.stat().st_mtime_ns for p in (cache / "templates").glob("*/__jinja2_*")}
    assert len(compiled) >= 2  # the user's page.html and the theme's layout.html
    again = build(None, confoverrides={"slide": "1"}, freshenv=True)
    assert "FIRST" in again.html().get_text()
    # Read back, not written again.
    assert {p: p.stat().st_mtime_ns for p in compiled} == compiled
    (built.srcdir / "_templates/page.html").write_text(template.replace("FIRST", "SECOND"))
    edited = build(None, confoverrides={"slide": "1"}, freshenv=True)
    assert "SECOND" in edited.html().get_text() and "FIRST" not in edited.html().get_text()


def test_static_templates_are_kept_compiled_and_an_edited_one_is_compiled_again(
    build: Any, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A static file that is a template (as Sphinx's basic.css.jinja is): rendered
    # from a string as it is copied, which Jinja's own cache does not serve.
    conf = 'extensions = ["envdeck"]\nproject = "Kept"\nrevealjs_static_path = ["_static"]\n'
    template = "/* {{ project }} FIRST */\n.kept { color: red; }\n"
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self: Any, source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(source))
        return compile_(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)

    srcdirs: list[Path] = []

    def built_css(files: dict[str, str] | None) -> str:
        compiled.clear()
        built = build(files, conf=conf, confoverrides={"slide": "1"}, freshenv=True)
        srcdirs.append(built.srcdir)
        return (built.outdir / "_static" / "kept.css").read_text("utf8")

    # As Jinja renders a string: without the final newline.
    assert built_css({"index.md": "# T\n", "_static/kept.css_t": template}) == (
        "/* Kept FIRST */\n.kept { color: red; }"
    )
    assert sum("FIRST" in source for source in compiled) == 1
    assert any("basic" in source for source in compiled)  # Sphinx's basic.css.jinja too
    # The next build renders the same from the kept code, compiling none of them.
    assert built_css(None) == "/* Kept FIRST */\n.kept { color: red; }"
    assert compiled == []
    (srcdirs[0] / "_static" / "kept.css_t").write_text(template.replace("FIRST", "SECOND"), "utf8")
    assert built_css(None) == "/* Kept SECOND */\n.kept { color: red; }"
    assert [source for source in compiled if "Kept" in source or "project" in source] == [
        template.replace("FIRST", "SECOND")
    ]


def test_a_template_bridge_of_the_authors_own_is_the_one_the_deck_uses(
    build: Any, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # conf.py puts its folder on sys.path, as a project does: undone after the test.
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setitem(sys.modules, "envdeck_test_bridge", None)
    del sys.modules["envdeck_test_bridge"]
    conf = (
        "import os, sys\n"
        "sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n"
        'extensions = ["envdeck"]\n'
        'template_bridge = "envdeck_test_bridge.Bridge"\n'
    )
    bridge = (
        "from sphinx.jinja2glue import BuiltinTemplateLoader\n"
        "class Bridge(BuiltinTemplateLoader):\n"
        "    def render(self, template, context):\n"
        "        return '<!-- bridge -->' + super().render(template, context)\n"
    )
    built = build(
        {"index.md": "# T\n\nWords.\n", "envdeck_test_bridge.py": bridge},
        conf=conf,
        confoverrides={"slide": "1"},
    )
    assert type(built.app.builder.templates).__name__ == "Bridge"
    page = (built.outdir / "index.html").read_text("utf8")
    assert page.startswith("<!-- bridge -->") and "reveal.js" in page


def test_a_template_cache_folder_gone_during_the_build_leaves_the_deck_as_it_is(
    build: Any, cache: Path
) -> None:
    # Between the builder's start and the first page, the folder of compiled templates
    # becomes a file (as a folder removed, or a full disk, makes it unusable).
    conf = (
        "import shutil\n"
        'extensions = ["envdeck"]\n'
        "def spoil(app):\n"
        "    folder = app.builder.templates.environment.bytecode_cache.directory\n"
        "    shutil.rmtree(folder)\n"
        "    open(folder, 'w').close()\n"
        "def setup(app):\n"
        '    app.connect("builder-inited", spoil)\n'
    )
    built = build({"index.md": "# T\n\nWords.\n"}, conf=conf, confoverrides={"slide": "1"})
    assert "Words." in built.html().get_text()
    assert not built.warning_lines()
    [spoiled] = (cache / "templates").iterdir()
    assert spoiled.is_file()


def test_the_handout_keeps_nothing(build: Any, cache: Path) -> None:
    built = build({"index.md": CODE})
    assert all("<span" in html for html in code_of(built))
    assert not (cache / "highlights").exists() and not (cache / "templates").exists()
    assert os.environ["ENVDECK_CACHE_DIR"] == str(cache)
