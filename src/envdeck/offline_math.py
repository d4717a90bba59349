"""Math without a network: MathJax from a Python package, served from ``_static``.

Sphinx loads MathJax from a CDN by default, which a room without a network does not
reach.  envdeck points ``mathjax_path`` (unless conf.py sets it) at a copy of
MathJax 3 from the ``django-static-mathjax`` package, a package of MathJax's own
files, and copies what that copy loads into ``_static/mathjax/`` when a page has
math: the TeX-to-HTML bundle (every environment MathJax renders: ``align``,
``gather``, ``aligned``...), its fonts and the TeX extensions it loads on demand.
The deck and the handout use it alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.fileutil import copy_asset

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

#: Where ``mathjax_path`` points, under ``_static``.
LOCAL_PATH = "mathjax/tex-chtml.js"
#: What ``tex-chtml.js`` loads, relative to it: its fonts, and the TeX extensions
#: its autoload fetches (``\cancel``, ``\color``...).  Not the speech rules (8 MiB).
FILES = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions")


def mathjax_dir() -> Path:
    import mathjax  # django-static-mathjax: an empty package beside MathJax's files

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


#: The documents with math, kept in the environment (Sphinx 9's math domain no
#: longer knows: its has_equations() is always true).
_MATH_DOCS = "envdeck_math_docs"


def note_math(app: Sphinx, doctree: nodes.document) -> None:
    docs: set[str] = getattr(app.env, _MATH_DOCS, set())
    docs.discard(app.env.docname)
    if next(iter(doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))), None):
        docs.add(app.env.docname)
    setattr(app.env, _MATH_DOCS, docs)


def purge_math(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, _MATH_DOCS, set()).discard(docname)


def merge_math(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    docs: set[str] = getattr(env, _MATH_DOCS, set())
    docs.update(getattr(other, _MATH_DOCS, set()) & docnames)
    setattr(env, _MATH_DOCS, docs)


def use_local_mathjax(app: Sphinx, config: Config) -> None:
    from .slides import user_set

    if not user_set(config, "mathjax_path"):
        config.mathjax_path = LOCAL_PATH


def copy_mathjax(app: Sphinx) -> list[Any]:
    builder = app.builder
    if getattr(builder, "format", "") != "html" or app.config.mathjax_path != LOCAL_PATH:
        return []
    if not getattr(app.env, _MATH_DOCS, None):
        return []
    source, target = mathjax_dir(), Path(app.outdir, "_static", "mathjax")
    for relpath in FILES:
        if (source / relpath).is_dir():
            copy_asset(source / relpath, target / relpath)
        else:
            target.mkdir(parents=True, exist_ok=True)
            copy_asset(source / relpath, target)
    return []  # no pages of its own


def copy_mathjax_at_the_end(app: Sphinx, exception: BaseException | None) -> None:
    if exception is None:
        copy_mathjax(app)


def setup_offline_math(app: Sphinx) -> None:
    app.connect("config-inited", use_local_mathjax)
    app.connect("doctree-read", note_math)
    app.connect("env-purge-doc", purge_math)
    app.connect("env-merge-info", merge_math)
    # As assets.py: html-collect-pages for EPUB, build-finished for singlehtml.
    app.connect("html-collect-pages", copy_mathjax)
    app.connect("build-finished", copy_mathjax_at_the_end)
