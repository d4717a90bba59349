"""Installing envdeck as the README says: pip into a plain venv, and uvx from outside a
project. Real wheels, real venvs, real builds of a tiny course in tmp_path."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_checks_support import _no_outside_project_environment, needs_uv  # noqa: F401

REPO = Path(__file__).resolve().parent.parent

COURSE = {
    "conf.py": 'project = "Tiny course"\nextensions = ["envdeck"]\n',
    "index.md": """\
# Tiny course

{% if slide %}
::::{grid} 2
:::{grid-item-card} On a slide
Cards.
:::
::::
{% else %}
In the handout, prose.
{% endif %}

```{envcheck} python
```
""",
}

#: pip's words when it cannot reach an index (no network here)
OFFLINE = (
    "Could not find a version",
    "No matching distribution",
    "Failed to establish a new connection",
    "Network is unreachable",
    "Temporary failure in name resolution",
)

#: uv's words when it cannot reach an index
UV_OFFLINE = ("error sending request", "Failed to fetch", "dns error", "Network is unreachable")


def run(*args: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


def write_course(directory: Path) -> Path:
    directory.mkdir(parents=True)
    for name, text in COURSE.items():
        (directory / name).write_text(text, "utf8")
    return directory


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """envdeck's wheel, built from this checkout as `uv build` builds it."""
    out = tmp_path_factory.mktemp("dist")
    done = run(needs_uv(), "build", "--offline", "--wheel", "--quiet", "--out-dir", out, cwd=REPO)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("envdeck-*.whl")
    return built


def test_pip_install_into_a_plain_venv_builds_a_course(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    made = run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    # pip resolves envdeck's dependencies from the index, as for any participant.
    done = run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    if done.returncode != 0 and any(words in done.stderr for words in OFFLINE):
        pytest.skip(f"pip cannot reach a package index here: {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, done.stderr
    course = write_course(tmp_path / "course")
    for flags, out in ((["-D", "slide=1"], "slides"), ([], "handout")):
        built = run(venv / "bin" / "sphinx-build", "-W", "-q", *flags, ".", f"_build/{out}",
                    cwd=course)  # fmt: skip
        assert built.returncode == 0, built.stdout + built.stderr
    deck = (course / "_build" / "slides" / "index.html").read_text("utf8")
    handout = (course / "_build" / "handout" / "index.html").read_text("utf8")
    assert "reveal" in deck and "On a slide" in deck and "In the handout" not in deck
    assert "In the handout, prose." in handout and "On a slide" not in handout
    assert "envdeck-check-pass" in handout
    # The command line comes with it, and checks the venv pip installed into.
    checked = run(venv / "bin" / "envdeck", "check", "python", "venv", "--json", cwd=course)
    assert checked.returncode == 0, checked.stderr
    document = json.loads(checked.stdout)
    results = {r["name"]: r for r in document["results"]}
    assert results["python"]["status"] == "pass", results["python"]
    # (venv warns: this venv is not activated, another python is first on PATH)
    assert results["venv"]["facts"]["prefix"].endswith("/venv"), results["venv"]


def test_uvx_checks_a_project_from_outside_it(wheel: Path, tmp_path: Path) -> None:
    # A directory that is no project: `uv run envdeck check` is uv's error there, so
    # the course tells participants to run envdeck as a tool, pointed at the project.
    project = tmp_path / "workshop"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "workshop"\nversion = "0"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = run(needs_uv(), "tool", "run", "--offline", "--from", wheel, "envdeck", "check",
               "lockfile", "--project", project, "--json", cwd=elsewhere)  # fmt: skip
    offline = ("Network connectivity is disabled", "the network was disabled")
    if done.returncode != 0 and any(words in done.stderr for words in offline):
        pytest.skip(f"uv's cache lacks envdeck's dependencies: {done.stderr.strip()[-300:]}")
    document = json.loads(done.stdout)
    (result,) = document["results"]
    # The project was found and checked: it has no uv.lock.
    assert result["status"] == "fail" and result["summary"].startswith("no uv.lock"), result
    assert done.returncode == 1


def test_uv_add_by_path_in_a_docs_layout_locks_and_checks_clean(tmp_path: Path) -> None:
    # A new user's project: `uv init`, `uv add <path to envdeck>`, conf.py in docs/.
    uv = needs_uv()
    app = tmp_path / "my-course"
    made = run(uv, "init", "--offline", "--quiet", "--no-workspace", "--name", "my-course",
               "--python", sys.executable, app, cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    # This Python only: offline, uv resolves from what its cache holds for this one.
    pyproject = app / "pyproject.toml"
    minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
    pyproject.write_text(
        re.sub(r'requires-python = ".*"', f'requires-python = "=={minor}.*"',
               pyproject.read_text("utf8")), "utf8")  # fmt: skip
    # Locking resolves for every platform: uv reads the index (its cache holds what this
    # machine installed, not every platform's metadata).
    added = run(uv, "add", "--quiet", "--python", sys.executable, REPO, cwd=app)
    if added.returncode != 0 and any(words in added.stderr for words in UV_OFFLINE):
        pytest.skip(f"uv cannot reach a package index here: {added.stderr.strip()[-300:]}")
    assert added.returncode == 0, added.stderr
    assert 'source = { directory = "' in (app / "uv.lock").read_text("utf8")
    docs = write_course(app / "docs")
    # :expect: pass: the lockfile check's outcome in the page is a warning otherwise.
    (docs / "index.md").write_text(
        "# Course\n\n```{envcheck} lockfile\n:expect: pass\n```\n", "utf8"
    )
    built = run(uv, "run", "--offline", "sphinx-build", "-W", "-q", "docs", "_build", cwd=app)
    assert built.returncode == 0, built.stdout + built.stderr
    checked = run(uv, "run", "--offline", "envdeck", "check", "lockfile", "--json", cwd=app)
    (result,) = json.loads(checked.stdout)["results"]
    assert result["status"] == "pass", result
    assert "not in the lock" not in result["facts"]
