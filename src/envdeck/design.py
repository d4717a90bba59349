"""sphinx-design, which envdeck's cards and envchecks are made of: set up with envdeck,
and what it reads at import let go of when the build is done.

sphinx-design reads the data of every octicon (about 400 icons, 7,500 dicts and
lists) when it is imported, to know the names its dropdown's ``:icon:`` option
takes, and keeps it for the process.  Python's full collections walk it until the
process ends, at exit among others; a build of a few slides pays about 1 % for it.
It is read again, once, if anything asks for an icon afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def release_icon_data(app: Sphinx, exception: Exception | None) -> None:
    try:
        from sphinx_design.icons import get_octicon_data
    except ImportError:  # another layout of sphinx-design: nothing to let go of
        return
    clear = getattr(get_octicon_data, "cache_clear", None)
    if callable(clear):
        clear()


def setup_design(app: Sphinx) -> None:
    app.setup_extension("sphinx_design")
    # Last: after every other handler that might still draw an icon.
    app.connect("build-finished", release_icon_data, priority=950)
