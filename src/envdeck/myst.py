"""The MyST syntax a course page relies on, switched on without overriding the user's."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def setup_myst(app: Sphinx) -> None:
    app.connect("config-inited", enable_myst_syntax)
