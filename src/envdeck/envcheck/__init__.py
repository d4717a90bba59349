"""Live environment checks in pages: the ``envcheck`` and ``envcheck-report`` directives.

```{envcheck} lockfile
:project: examples/stale
:expect: fail
```

A directive records what it asks for and leaves a placeholder node
(:mod:`.directives`, :mod:`.nodes`); the checks run once per build after reading
(:mod:`.state`, which keeps the results between builds), and the placeholders
become standard docutils / sphinx-design nodes when pages are written
(:mod:`.render`), so every builder renders them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import state
from .directives import EnvcheckDirective, EnvcheckReportDirective, remember_source
from .nodes import add_nodes
from .render import (
    RenderEnvcheckReports,
    RenderEnvchecks,
    add_static_assets,
    remember_html_builder,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_envcheck(app: Sphinx) -> None:
    add_nodes(app)
    app.add_directive("envcheck", EnvcheckDirective)
    app.add_directive("envcheck-report", EnvcheckReportDirective)
    # After every other source-read handler (the Jinja stage included).
    app.connect("source-read", remember_source, priority=900)
    app.add_post_transform(RenderEnvcheckReports)
    app.add_post_transform(RenderEnvchecks)
    app.connect("builder-inited", add_static_assets)
    app.connect("builder-inited", remember_html_builder)
    app.connect("env-before-read-docs", state.start_reading)
    app.connect("env-purge-doc", state.purge_doc)
    app.connect("env-merge-info", state.merge_info)
    app.connect("env-get-outdated", state.outdated_docs)
    app.connect("env-updated", state.run_pending_checks)
    app.connect("build-finished", state.finish_build)
