"""The course's real builds (content/ with conf.py), made once for the session.

The ``builds`` fixture (in conftest.py) is shared by test_course.py and
test_lesson.py: one definition, so one set of builds.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from envdeck.envcheck.nodes import envcheck_node

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CourseBuild:
    out: Path
    returncode: int
    stderr: str

    def html(self, name: str) -> BeautifulSoup:
        return BeautifulSoup((self.out / name).read_text("utf8"), "html.parser")

    def checks_by_id(self, docname: str) -> dict[str, str]:
        """envcheck id -> check name, from the pickled doctree Sphinx wrote."""
        with (self.out / ".doctrees" / f"{docname}.doctree").open("rb") as f:
            doctree = pickle.load(f)
        return {
            node["ids"][0]: json.loads(node["key"])[0] for node in doctree.findall(envcheck_node)
        }


def sphinx_build(out: Path, *args: str) -> CourseBuild:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            *args,
            "-c",
            ".",
            "content",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return CourseBuild(out, proc.returncode, proc.stderr)


def course_builds(base: Path) -> dict[str, CourseBuild]:
    return {
        "handout": sphinx_build(base / "handout"),
        "deck": sphinx_build(base / "deck", "-D", "slide=1"),
        "singlehtml": sphinx_build(base / "single", "-b", "singlehtml"),
        "latex": sphinx_build(base / "latex", "-b", "latex"),
    }
