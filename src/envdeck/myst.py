"""MyST: loaded for a project with Markdown pages, with the syntax course pages rely on
switched on without overriding the user's.

A project of reStructuredText pages only does without it: MyST-Parser is the largest
import of a build (more than envdeck and sphinx-design together).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: ``::::{grid}`` colon fences, as in the seed lesson.
REQUIRED_EXTENSIONS = ("colon_fence",)


def enable_myst_syntax(app: Sphinx, config: Config) -> None:
    current = config.myst_enable_extensions
    missing = [name for name in REQUIRED_EXTENSIONS if name not in current]
    if not missing:
        return
    # Keep the user's container type (MyST accepts a list or a set).
    if isinstance(current, set):
        config.myst_enable_extensions = current | set(missing)
    else:
        config.myst_enable_extensions = [*current, *missing]


#: What a ``source_suffix`` value names when it asks for MyST.
MARKDOWN = ("markdown", "myst", ".md")


def has_markdown(app: Sphinx) -> bool:
    """Whether the project has Markdown pages: its ``source_suffix`` names Markdown,
    or its source directory holds a ``.md`` file (hidden directories and the output
    directory aside)."""
    raw: Any = getattr(app.config, "_raw_config", {}).get("source_suffix")
    named = list(raw.items()) if isinstance(raw, dict) else [raw]
    if any(part in MARKDOWN for item in named for part in _flatten(item)):
        return True
    outdir = os.path.abspath(app.outdir)
    for root, dirs, files in os.walk(app.srcdir):
        if any(name.endswith(".md") for name in files):
            return True
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith((".", "__pycache__"))
            and os.path.abspath(os.path.join(root, d)) != outdir
        ]
    return False


def _flatten(item: Any) -> list[Any]:
    if isinstance(item, (list, tuple, set)):
        return [part for sub in item for part in _flatten(sub)]
    return [item]


def setup_myst(app: Sphinx) -> None:
    if "myst_parser" not in app.extensions and not has_markdown(app):
        return
    app.setup_extension("myst_parser")
    app.connect("config-inited", enable_myst_syntax)
