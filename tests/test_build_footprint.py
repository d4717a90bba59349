"""What a build leaves in its process: nothing of itself once it is done, and none of
the check library where no page checks anything.

Test suites, servers that rebuild on each change and notebooks build many times in
one process: whatever envdeck keeps per build (module-level registries keyed on the
application, its environment or its builder) must let go of them, or every build's
doctrees, pages and caches stay in memory until the process ends.  (Sphinx's own
logging holds the latest application until the next one starts, so a build is
looked for after the next.)

A deck of a doc set that has no envcheck (the usual case when envdeck is added to an
existing project) should not pay for loading the twelve checks and their helpers.
"""

from __future__ import annotations

import gc
import subprocess
import sys
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


def project(tmp_path: Path, page: str) -> Path:
    """A project of envdeck's with ``page`` as its index."""
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text('extensions = ["envdeck"]\n', "utf8")
    (srcdir / "index.md").write_text(page, "utf8")
    return srcdir


@pytest.mark.parametrize("overrides", [{}, {"slide": "1"}], ids=["handout", "deck"])
def test_the_app_its_environment_and_builder_are_freed_after_a_build(
    tmp_path: Path, own_cache: Path, overrides: dict[str, str]
) -> None:
    srcdir = project(tmp_path, PAGE)

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


#: A build in a process of its own; then which modules of the check library it loaded.
BUILD_PROCESS = """
import sys
from sphinx.cmd.build import main
status = main(["-q", *sys.argv[1:]])
print(sorted(name for name in sys.modules if name.startswith("envdeck.checks.")))
sys.exit(status)
"""


@pytest.mark.parametrize("overrides", [[], ["-D", "slide=1"]], ids=["handout", "deck"])
def test_the_checks_load_only_where_a_page_has_an_envcheck(
    tmp_path: Path, own_cache: Path, overrides: list[str]
) -> None:
    srcdir = project(tmp_path, PAGE)

    def loaded(page: str, out: str) -> list[str]:
        (srcdir / "index.md").write_text(page, "utf8")
        proc = subprocess.run(
            [sys.executable, "-c", BUILD_PROCESS, *overrides, str(srcdir), str(tmp_path / out)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert "Lifetime" in (tmp_path / out / "index.html").read_text("utf8")
        return [name.strip("' ") for name in proc.stdout.strip("[]\n").split(",")]

    without = loaded(PAGE.replace("```{envcheck} python\n```\n", ""), "without")
    # The config's values and the user cache only: no check, no registry, no redactor.
    assert set(without) <= {
        "envdeck.checks.errors",
        "envdeck.checks.values",
        "envdeck.checks.usercache",
    }
    assert {"envdeck.checks.base", "envdeck.checks.interpreter"} <= set(loaded(PAGE, "with"))


CARDS_AND_CODE = """\
# Cards

::::{grid} 2
:::{grid-item-card} One
A card with {octicon}`rocket` on it.
:::
::::

## Code

```python
print("code")
```
"""


def test_a_deck_lets_go_of_its_page_caches_and_sphinx_designs_icons_when_done(
    tmp_path: Path, own_cache: Path
) -> None:
    from sphinx_design.icons import get_octicon_data

    srcdir = project(tmp_path, CARDS_AND_CODE)
    app = SphinxTestApp(
        "html",
        srcdir=srcdir,
        builddir=tmp_path / "_build",
        status=StringIO(),
        warning=StringIO(),
        confoverrides={"slide": "1"},
    )
    try:
        app.build()
        page = Path(app.outdir, "index.html").read_text("utf8")
        assert "sd-card" in page and "<svg" in page and "envdeck-design-" in page
        builder = app.builder
        held = [name for name in vars(builder) if name.startswith("_envdeck_")]
        assert held == [] and builder._plain_titles == {}
        assert get_octicon_data.cache_info().currsize == 0
        # The code this build coloured was kept before the builder let go of it.
        assert list((own_cache / "highlights").glob("*.json"))
        # Writing the pages again makes what it needs anew: the same page.
        app.build(force_all=True)
        assert Path(app.outdir, "index.html").read_text("utf8") == page
    finally:
        app.cleanup()
