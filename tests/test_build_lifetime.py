"""A finished build leaves nothing of itself alive in the process.

Test suites, servers that rebuild on each change and notebooks build many times in
one process: whatever envdeck keeps per build (module-level registries keyed on the
application, its environment or its builder) must let go of them, or every build's
doctrees, pages and caches stay in memory until the process ends.  (Sphinx's own
logging holds the latest application until the next one starts, so a build is
looked for after the next.)
"""

from __future__ import annotations

import gc
import weakref
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

PAGE = """\
# Lifetime

```{envcheck} python
```

::::{grid} 2
:::{grid-item-card} One
A card.
:::
::::

```python
print("code")
```
"""


@pytest.mark.parametrize("overrides", [{}, {"slide": "1"}], ids=["handout", "deck"])
def test_the_app_its_environment_and_builder_are_freed_after_a_build(
    tmp_path: Path, own_cache: Path, overrides: dict[str, str]
) -> None:
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text('extensions = ["envdeck"]\n', "utf8")
    (srcdir / "index.md").write_text(PAGE, "utf8")

    def build(name: str) -> SphinxTestApp:
        app = SphinxTestApp(
            "html",
            srcdir=srcdir,
            builddir=tmp_path / name,
            status=StringIO(),
            warning=StringIO(),
            confoverrides=overrides,
        )
        app.build()
        return app

    app = build("first")
    html = (Path(app.outdir) / "index.html").read_text("utf8")
    assert "envdeck-check" in html and "sd-card" in html  # what keeps state per build
    refs = {
        "app": weakref.ref(app),
        "environment": weakref.ref(app.env),
        "builder": weakref.ref(app.builder),
    }
    app.cleanup()
    del app
    build("second").cleanup()
    gc.collect()
    assert [name for name, ref in refs.items() if ref() is not None] == []
