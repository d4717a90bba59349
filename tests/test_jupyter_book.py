"""envdeck in a Jupyter Book 1.x book (Sphinx 7, MyST-NB): a real venv, real builds.

The venv is made in tmp_path with uv from the package index (these tests skip, saying
so, when it cannot be reached) and gets jupyter-book 1.x and envdeck from this
repository, as a course author's machine would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent

#: What uv says when it cannot reach the package index.
NO_NETWORK = re.compile(
    r"error sending request|dns error|failed to lookup address|connection refused"
    r"|tcp connect error|network is unreachable|operation timed out|network connectivity",
    re.IGNORECASE,
)

CONFIG = """\
title: A small course
author: The course team
execute:
  execute_notebooks: "off"
sphinx:
  extra_extensions:
    - envdeck
"""

TOC = """\
format: jb-book
root: intro
chapters:
  - file: lesson
"""

LESSON = """\
# Virtual environments

## Where a venv runs

{% if slide %}
::::{grid} 2
:::{grid-item-card} Paths
SLIDE-BRANCH: scripts name the venv's own directory.
:::
:::{grid-item-card} So
Recreate a venv; never move it.
:::
::::
{% else %}
PROSE-BRANCH: a virtual environment records absolute paths when it is made.
{% endif %}

```{envcheck} platform
```

:::{notes}
Ask who has moved a venv and watched it break.
:::
"""


def clean_env() -> dict[str, str]:
    # The projects and venvs made here are their own, not the test run's.
    outside = ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "SPHINXOPTS")
    return {k: v for k, v in os.environ.items() if k not in outside}


def run(*args: str | Path, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=clean_env(),
    )


def uv_or_skip(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    done = run(uv, *args, cwd=cwd)
    if done.returncode != 0 and NO_NETWORK.search(done.stderr):
        pytest.skip(f"the package index cannot be reached: {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, f"uv {' '.join(map(str, args))} failed:\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def jb_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with jupyter-book 1.x and envdeck from this repository: its bin/."""
    root = tmp_path_factory.mktemp("jupyter-book")
    venv = root / "venv"
    uv_or_skip("venv", "--quiet", "--python", sys.executable, "--no-project", venv, cwd=root)
    python = venv / "bin" / "python"
    uv_or_skip("pip", "install", "--quiet", "--python", python, "jupyter-book<2", REPO, cwd=root)
    return venv / "bin"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "_config.yml").write_text(CONFIG)
    # The deck: the same book with the flag on (jb build has no -D).
    (folder / "_config-slides.yml").write_text(CONFIG + "  config:\n    slide: true\n")
    (folder / "_toc.yml").write_text(TOC)
    (folder / "intro.md").write_text("# A small course\n\nThe course's first page.\n")
    (folder / "lesson.md").write_text(LESSON)
    return folder


def versions(bin_dir: Path) -> dict[str, str]:
    code = textwrap.dedent(
        """
        from importlib.metadata import version
        for name in ("jupyter-book", "sphinx", "myst-parser", "myst-nb", "envdeck"):
            print(name, version(name))
        """
    )
    done = run(bin_dir / "python", "-c", code, cwd=bin_dir)
    assert done.returncode == 0, done.stderr
    return dict(line.split() for line in done.stdout.splitlines())


def assert_quiet(done: subprocess.CompletedProcess[str]) -> None:
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "WARNING" not in output and "Traceback" not in output, output


def page(folder: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((folder / f"{name}.html").read_text("utf8"), "html.parser")


def test_a_jupyter_book_1_builds_the_handout_and_the_deck(jb_venv: Path, book: Path) -> None:
    found = versions(jb_venv)
    assert found["jupyter-book"].startswith("1.")
    assert found["sphinx"].startswith("7."), found

    # The handout: `jb build` as ever, under sphinx-book-theme.
    assert_quiet(run(jb_venv / "jb", "build", "--all", ".", cwd=book))
    handout = page(book / "_build" / "html", "lesson")
    text = handout.get_text(" ", strip=True)
    assert "PROSE-BRANCH" in text and "SLIDE-BRANCH" not in text
    block = handout.select_one("div.admonition.envdeck-check")
    assert block is not None and block.select_one(".envdeck-badge")
    assert "Instructor note" in text
    assert handout.select_one('link[href*="envcheck.css"]')
    assert handout.select_one(".bd-article"), "not sphinx-book-theme's page"
    assert not handout.select_one(".reveal")

    # The deck, first way: a second config file with `slide: true`.
    deck_out = book / "_build" / "deck"
    slides_config = ("--config", "_config-slides.yml", "--path-output", deck_out)
    assert_quiet(run(jb_venv / "jb", "build", ".", *slides_config, cwd=book))
    deck_check(page(deck_out / "_build" / "html", "lesson"))

    # The deck, second way: the book's conf.py and sphinx-build -D slide=1.
    assert run(jb_venv / "jb", "config", "sphinx", ".", cwd=book).returncode == 0
    out = book / "_build" / "slides"
    done = run(jb_venv / "sphinx-build", "-W", "-q", "-D", "slide=1", ".", out, cwd=book)
    assert_quiet(done)
    deck_check(page(out, "lesson"))
    # ... and -D slide=0 the handout, with Sphinx 7's reading of -D.
    prose = book / "_build" / "prose"
    assert_quiet(
        run(jb_venv / "sphinx-build", "-W", "-q", "-D", "slide=false", ".", prose, cwd=book)
    )
    assert "PROSE-BRANCH" in page(prose, "lesson").get_text()


def deck_check(deck: BeautifulSoup) -> None:
    text = deck.get_text(" ", strip=True)
    assert deck.select_one("div.reveal div.slides > section"), "not a reveal.js deck"
    assert "SLIDE-BRANCH" in text and "PROSE-BRANCH" not in text
    assert deck.select_one(".sd-card.envdeck-check-card .envdeck-badge")
    notes = deck.select_one("aside.notes")
    assert notes is not None and "moved a venv" in notes.get_text()


def test_uv_add_jupyter_book_and_envdeck_resolves(tmp_path: Path) -> None:
    project = tmp_path / "course"
    uv_or_skip("init", "--quiet", "--bare", "--no-workspace", "--python", sys.executable,
               project, cwd=tmp_path)  # fmt: skip
    # The interpreter named again: uv add looks on PATH for one that requires-python
    # (this one's version and later) allows, and downloads one where PATH has none.
    uv_or_skip("add", "--quiet", "--no-sync", "--python", sys.executable,
               "jupyter-book<2", REPO, cwd=project)  # fmt: skip
    lock = (project / "uv.lock").read_text()
    for name, major in (("jupyter-book", "1"), ("sphinx", "7")):
        found = re.search(rf'\nname = "{name}"\nversion = "{major}\.[^"]*"', lock)
        assert found, f"{name} {major}.x is not in the lock"
    # envdeck from this repository (a path source; its version is dynamic, not locked).
    assert re.search(r'\nname = "envdeck"\nsource = \{ directory = ', lock), lock
