from __future__ import annotations

import envdeck


def test_setup_metadata(build):
    built = build({"index.md": "# Hello\n\n:::{note}\nfenced\n:::\n"})
    ext = built.app.extensions["envdeck"]
    assert ext.version == envdeck.__version__
    assert ext.parallel_read_safe and ext.parallel_write_safe
    # colon fences were switched on by envdeck alone
    assert built.html().select_one("div.admonition.note")
    assert built.warnings == ""


def test_myst_is_loaded_for_markdown_pages_only(build, tmp_path):
    rst = build({"index.rst": "Hello\n=====\n\n.. note:: reStructuredText only\n"})
    assert "myst_parser" not in rst.app.extensions
    assert rst.html().select_one("div.admonition.note")
    assert rst.warnings == ""


def test_myst_is_loaded_when_source_suffix_names_markdown(build):
    conf = (
        'extensions = ["envdeck"]\n'
        'source_suffix = {".rst": "restructuredtext", ".txt": "markdown"}\n'
    )
    built = build({"index.rst": "Hello\n=====\n"}, conf=conf)
    assert "myst_parser" in built.app.extensions
    assert built.warnings == ""
