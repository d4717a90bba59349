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
