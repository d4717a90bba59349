"""envdeck's own CSS files in HTML output.

Each file is linked at ``builder-inited`` and copied into ``_static/`` at
``html-collect-pages`` (before EPUB packs its archive) and again at
``build-finished`` (singlehtml emits no ``html-collect-pages``), rather than appended
to ``html_static_path``: a value changed at ``builder-inited`` differs from conf.py's
on the next run, and Sphinx would report "the configuration has changed" on every
build.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import rcssmin
import rjsmin

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC_DIR = Path(__file__).parent / "static"
_WANTED = "envdeck_css_files"


def add_css(app: Sphinx, name: str, **attributes: Any) -> None:
    """Link ``static/<name>`` from every page and copy it with the build's output."""
    app.add_css_file(name, **attributes)
    # Kept on the builder: one per build, as the link is.
    wanted: set[str] = getattr(app.builder, _WANTED, set())
    wanted.add(name)
    setattr(app.builder, _WANTED, wanted)


def copy_static(name: str, static: Path) -> None:
    """Write ``static/<name>`` into the output's ``_static``, minified.

    The sources keep their comments, which say why a rule or a line is there; a page
    loads them without (a third of their bytes).  Always ours: a copy left by an
    older envdeck is replaced.
    """
    text = (STATIC_DIR / name).read_text("utf8")
    if name.endswith(".css"):
        text = rcssmin.cssmin(text)
    elif name.endswith(".js"):
        text = rjsmin.jsmin(text)
    (static / name).write_text(text, "utf8")


def copy_css(app: Sphinx) -> list[Any]:
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for name in sorted(getattr(app.builder, _WANTED, ())):
        copy_static(name, static)
    return []  # no pages of its own


def copy_css_at_the_end(app: Sphinx, exception: BaseException | None) -> None:
    if exception is None:
        copy_css(app)


def setup_assets(app: Sphinx) -> None:
    app.connect("html-collect-pages", copy_css)
    app.connect("build-finished", copy_css_at_the_end)
