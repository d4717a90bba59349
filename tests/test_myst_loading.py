"""MyST-Parser is loaded where a project can use it, and left out of reStructuredText
projects (it is the largest import of their builds)."""

from __future__ import annotations

import pytest

RST = "Deck\n====\n\nFirst\n-----\n\n{% if slide %}DECK{% else %}PROSE{% endif %}\n"


@pytest.mark.parametrize("slide", [False, True])
def test_a_restructuredtext_project_builds_without_myst(build, slide):
    built = build({"index.rst": RST}, confoverrides={"slide": slide})
    assert "myst_parser" not in built.app.extensions
    assert "sphinx_design" in built.app.extensions and "envdeck" in built.app.extensions
    text = (built.outdir / "index.html").read_text("utf8")
    assert ("DECK" in text) is slide and ("PROSE" in text) is not slide
    assert ('class="reveal"' in text) is slide


@pytest.mark.parametrize(
    ("files", "conf"),
    [
        ({"index.rst": RST + "\n.. toctree::\n\n   notes\n", "notes.md": "# Notes\n"}, ""),
        ({"index.rst": RST}, 'myst_enable_extensions = ["deflist"]\n'),
        ({"index.rst": RST}, 'source_suffix = {".rst": "restructuredtext", ".txt": "markdown"}\n'),
    ],
    ids=["a-markdown-page", "a-myst-value", "a-markdown-suffix"],
)
def test_myst_is_loaded_where_the_project_can_use_it(build, files, conf):
    built = build(files, conf='extensions = ["envdeck"]\n' + conf)
    assert "myst_parser" in built.app.extensions
    assert "colon_fence" in built.app.config.myst_enable_extensions
    if "notes.md" in files:
        assert "Notes" in (built.outdir / "notes.html").read_text("utf8")


def test_a_myst_value_given_with_d_loads_myst(build):
    built = build({"index.rst": RST}, confoverrides={"myst_heading_anchors": 2})
    assert "myst_parser" in built.app.extensions
    assert built.app.config.myst_heading_anchors == 2
