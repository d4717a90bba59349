"""Shared fixtures: real Sphinx builds of small projects made in tmp_path."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

pytest_plugins = ["sphinx.testing.fixtures"]

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
SEEDS = REPO.parent / "shared" / "seeds"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
DECK_BUILDERS = frozenset({"html", "dirhtml", "revealjs", "dirrevealjs"})


@dataclass
class Built:
    """A finished build: the app, its output directory and what it logged.

    A test that never reads ``warnings`` asserts by that alone that there were none:
    the ``build`` fixture fails it on any warning left unread.
    """

    app: Any
    srcdir: Path
    outdir: Path
    logged_warnings: str
    status: str
    warnings_read: bool = False

    @property
    def warnings(self) -> str:
        self.warnings_read = True
        return self.logged_warnings

    def html(self, docname: str = "index") -> BeautifulSoup:
        return BeautifulSoup((self.outdir / f"{docname}.html").read_text("utf8"), "html.parser")

    def text(self, name: str) -> str:
        return (self.outdir / name).read_text("utf8")

    def doctree(self, docname: str = "index") -> Any:
        return self.app.env.get_doctree(docname)

    def warning_lines(self) -> list[str]:
        return [line for line in self.warnings.splitlines() if line.strip()]

    def warnings_besides_the_flag(self) -> str:
        """The warnings, less the one a builder that writes no deck gives for ``slide``."""
        builder = self.app.builder
        if not self.app.config.slide or builder.name in DECK_BUILDERS:
            return self.warnings
        notice = f"the '{builder.name}' builder does not write a slide deck"
        lines = self.warnings.splitlines(keepends=True)
        flagged = [line for line in lines if notice in line and "[envdeck.slides]" in line]
        assert len(flagged) == 1, self.warnings
        return "".join(line for line in lines if line not in flagged)


BuildFn = Callable[..., Built]


#: UV_PROJECT_ENVIRONMENT as the tests were started (CI runs some Pythons with
#: `.venv-3.x`): where this course's own environment is
COURSE_ENVIRONMENT = os.environ.get("UV_PROJECT_ENVIRONMENT")


@pytest.fixture
def course_environment(monkeypatch: pytest.MonkeyPatch) -> str:
    """For checks of this course itself: uv's setting as the shell gave it (tests of
    projects made in tmp_path take it away), and the name of the course's venv."""
    if COURSE_ENVIRONMENT:
        monkeypatch.setenv("UV_PROJECT_ENVIRONMENT", COURSE_ENVIRONMENT)
    return Path(COURSE_ENVIRONMENT or ".venv").name


@pytest.fixture(autouse=True, scope="session")
def _checks_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """What the checks keep between runs goes to a directory of this test session,
    not the user's cache (the checks run in subprocesses too: an environment value)."""
    before = os.environ.get("ENVDECK_CACHE_DIR")
    os.environ["ENVDECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("envdeck-cache"))
    yield
    if before is None:
        os.environ.pop("ENVDECK_CACHE_DIR", None)
    else:
        os.environ["ENVDECK_CACHE_DIR"] = before


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache directory of this test's own, for what envdeck keeps between runs (an
    environment value: subprocesses read it too)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ENVDECK_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def build(tmp_path: Path, make_app: Any) -> Iterator[BuildFn]:
    """Write ``files`` (name -> text) plus a conf.py into a project and build it.

    ``conf`` is the conf.py body (default: only envdeck); keyword arguments go to
    ``make_app`` (``buildername``, ``confoverrides``, ``freshenv``, ``parallel``, ...).
    Call it again with ``files=None`` to rebuild the same project.
    """

    srcdir = tmp_path / "src"
    builds: list[Built] = []

    def _build(
        files: dict[str, str] | None = None,
        *,
        conf: str = 'extensions = ["envdeck"]\n',
        buildername: str = "html",
        **kwargs: Any,
    ) -> Built:
        if files is not None:
            srcdir.mkdir(parents=True, exist_ok=True)
            (srcdir / "conf.py").write_text(textwrap.dedent(conf), "utf8")
            for name, body in files.items():
                path = srcdir / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(body, "utf8")
        if builds:
            # As between two sphinx-build processes: docutils' registries start empty
            # (else the next app warns that Sphinx's own nodes are registered).
            builds[-1].app.cleanup()
        app = make_app(buildername, srcdir=srcdir, **kwargs)
        app.build()
        built = _built(app, srcdir)
        builds.append(built)
        return built

    yield _build
    _fail_on_unread_warnings(builds)


def _built(app: Any, srcdir: Path) -> Built:
    return Built(
        app=app,
        srcdir=srcdir,
        outdir=Path(app.outdir),
        logged_warnings=_ANSI.sub("", app._warning.getvalue()),
        status=_ANSI.sub("", app._status.getvalue()),
    )


def _fail_on_unread_warnings(builds: list[Built]) -> None:
    unread = [b.logged_warnings for b in builds if b.logged_warnings and not b.warnings_read]
    if unread:
        pytest.fail("unexpected warnings in a build:\n" + "\n".join(unread), pytrace=False)


class SharedBuilds:
    """Projects built once for all the tests of a module (the ``shared_builds`` fixture).

    For tests that only read what a build made: each build has an output and a
    doctree directory of its own, and its application is cleaned up as soon as it
    has built (as between two sphinx-build processes), so that the tests' own
    ``build`` calls start as usual.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.builds: list[Built] = []

    def project(
        self, name: str, files: dict[str, str], conf: str = 'extensions = ["envdeck"]\n'
    ) -> Path:
        srcdir = self.root / name
        srcdir.mkdir(parents=True)
        for path, body in {"conf.py": textwrap.dedent(conf), **files}.items():
            (srcdir / path).parent.mkdir(parents=True, exist_ok=True)
            (srcdir / path).write_text(body, "utf8")
        return srcdir

    def build(self, srcdir: Path, buildername: str = "html", **kwargs: Any) -> Built:
        builddir = self.root / f"_build-{len(self.builds)}"
        app = SphinxTestApp(
            buildername,
            srcdir=srcdir,
            builddir=builddir,
            status=StringIO(),
            warning=StringIO(),
            **kwargs,
        )
        try:
            app.build()
        finally:
            app.cleanup()
        built = _built(app, srcdir)
        self.builds.append(built)
        return built


@dataclass
class CommandRun:
    """What ``sphinx-build`` gave: its exit status and its output (colour codes taken out)."""

    returncode: int
    stdout: str
    stderr: str


def sphinx_build(*args: str) -> CommandRun:
    """``sphinx-build ARGS``, run in this process by Sphinx's own command-line entry
    point: the same argument parsing, output and exit status as the command, without
    starting an interpreter and importing Sphinx each time (seconds on a busy machine).
    It restores docutils' registries itself, as between two processes."""
    from sphinx.cmd.build import build_main

    out, err = StringIO(), StringIO()
    saved_path = sys.path.copy()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = build_main(list(args))
    finally:
        sys.path[:] = saved_path
    return CommandRun(code, _ANSI.sub("", out.getvalue()), _ANSI.sub("", err.getvalue()))


@pytest.fixture(scope="module")
def shared_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedBuilds]:
    """Builds made once per test module; unread warnings fail the module's last test."""
    shared = SharedBuilds(tmp_path_factory.mktemp("shared"))
    yield shared
    _fail_on_unread_warnings(shared.builds)


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The course built as handout, deck, single page and LaTeX, once per session:
    test_course.py and test_lesson.py read the same builds."""
    from course_support import course_builds

    return course_builds(tmp_path_factory.mktemp("course"))
