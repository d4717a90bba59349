"""MyST: loaded where a project can use it, with the syntax course pages rely on
switched on without overriding the user's.

A project that can have no MyST page (no ``.md`` file, no Markdown suffix, no
``myst_*`` setting) does without it: MyST-Parser is the largest import of such a
build, more than envdeck and sphinx-design together.
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


#: What a ``source_suffix`` value names when it asks for Markdown.
MARKDOWN = ("markdown", "myst", "myst-nb", ".md")


def _flatten(item: Any) -> list[Any]:
    if isinstance(item, (list, tuple, set)):
        return [part for sub in item for part in _flatten(sub)]
    return [item]


def wants_myst(app: Sphinx) -> bool:
    """Whether the project can have a MyST page or sets MyST's values.

    Read from conf.py and ``-D`` before the extensions' values exist: a Markdown
    ``source_suffix``, a ``myst_*`` value, or a ``.md`` file in the source directory
    (hidden folders and the output directory aside).
    """
    config = app.config
    given = {**getattr(config, "_raw_config", {}), **getattr(config, "_overrides", {})}
    if any(name.startswith("myst_") for name in given):
        return True
    raw = given.get("source_suffix")
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


def setup_myst(app: Sphinx) -> None:
    # A course needs nothing but `extensions = ["envdeck"]`.  MyST-NB (Jupyter Book's
    # parser) brings MyST-Parser's syntax with it and refuses to share `.md` with it
    # (a second registration is an ExtensionError), whichever of the two loads first.
    if "myst_nb" in app.extensions or "myst_nb" in app.config.extensions:
        app.setup_extension("myst_nb")
    elif "myst_parser" in app.extensions or wants_myst(app):
        app.setup_extension("myst_parser")
    else:
        return
    app.connect("config-inited", enable_myst_syntax)
