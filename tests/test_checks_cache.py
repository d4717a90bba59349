"""What the checks keep between runs (envdeck.checks.usercache) and share within one:
the same results as without it, and a fresh answer as soon as an input changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_checks_support import (
    SRC,
    _no_outside_project_environment,  # noqa: F401
    install,
    make_venv,
    make_wheel,
    run_check_in,
    site_packages,
)

from envdeck.checks import tools, usercache
from envdeck.checks.uvlock import read_lock

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(own_cache: Path) -> Path:
    return own_cache


def _facts(result: object) -> dict[str, str]:
    return dict(result.facts)  # type: ignore[attr-defined]


# --- packages: the import probe's outcome is kept ------------------------------------


def test_import_probe_is_kept_and_a_changed_module_is_probed_again(
    tmp_path: Path, cache: Path
) -> None:
    python = make_venv(tmp_path / "env")
    wheel = make_wheel(
        tmp_path / "wheels", "sturdy", "1.0", modules={"sturdy/__init__.py": "VALUE = 1\n"}
    )
    install(python, wheel)
    env = {"ENVDECK_CACHE_DIR": str(cache)}
    first = run_check_in(python, "packages", tmp_path, {"packages": "sturdy"}, env=env)
    assert first["status"] == "pass", first["summary"]
    [kept] = list((cache / "import-probe").glob("*.json"))

    # Kept: a result read from the cache (marked here) is what the next run shows.
    marked = json.loads(kept.read_text("utf8"))
    marked["sturdy"] = ["fail", "MarkedError: read from the cache"]
    kept.write_text(json.dumps(marked), "utf8")
    second = run_check_in(python, "packages", tmp_path, {"packages": "sturdy"}, env=env)
    assert "MarkedError: read from the cache" in second["summary"]

    # The module changes: probed again, and the truth comes back.
    module = site_packages(tmp_path / "env") / "sturdy" / "__init__.py"
    module.write_text("raise ImportError('sturdy is broken now')\n", "utf8")
    third = run_check_in(python, "packages", tmp_path, {"packages": "sturdy"}, env=env)
    assert third["status"] == "fail"
    assert "ImportError: sturdy is broken now" in third["summary"]


def test_import_probe_runs_again_when_a_distribution_is_installed(
    tmp_path: Path, cache: Path
) -> None:
    python = make_venv(tmp_path / "env")
    needy = make_wheel(
        tmp_path / "wheels", "needy", "1.0", modules={"needy/__init__.py": "import helper\n"}
    )
    install(python, needy)
    env = {"ENVDECK_CACHE_DIR": str(cache)}
    before = run_check_in(python, "packages", tmp_path, {"packages": "needy"}, env=env)
    assert before["status"] == "fail"
    helper = make_wheel(tmp_path / "wheels", "helper", "1.0", modules={"helper.py": "X = 1\n"})
    install(python, helper)
    after = run_check_in(python, "packages", tmp_path, {"packages": "needy"}, env=env)
    assert after["status"] == "pass", after["summary"]


# --- jupyter: jupyter_client's kernel search is kept --------------------------------------


#: A check run in a new interpreter, as `envdeck check` runs it: its result, and
#: whether it imported jupyter_client.
CHILD_CHECK = """
import json, sys
from pathlib import Path
from envdeck.checks import CheckContext, run_check
result = run_check(sys.argv[1], CheckContext(project=Path(sys.argv[2])))
print(json.dumps([result.to_dict(), "jupyter_client" in sys.modules]))
"""


def _check_in_child(
    name: str, project: Path, env: dict[str, str]
) -> tuple[dict[str, object], bool]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD_CHECK, name, str(project)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env, "PYTHONPATH": str(SRC)},
    )
    assert done.returncode == 0, done.stderr
    result, imported = json.loads(done.stdout.strip().splitlines()[-1])
    return result, imported


def _jupyter_run(project: Path, env: dict[str, str]) -> tuple[dict[str, object], bool]:
    return _check_in_child("jupyter", project, env)


def test_jupyter_kernels_are_found_once_and_again_when_a_kernel_is_added(
    tmp_path: Path, cache: Path
) -> None:
    pytest.importorskip("jupyter_client")
    home, path = tmp_path / "home", tmp_path / "jupyter-path"
    home.mkdir()
    path.mkdir()
    env = {
        "ENVDECK_CACHE_DIR": str(cache),
        "HOME": str(home),
        "JUPYTER_PATH": str(path),
        "JUPYTER_DATA_DIR": str(tmp_path / "jupyter-data"),
    }
    first, imported = _jupyter_run(tmp_path, env)
    assert imported  # the first run asks jupyter_client
    second, imported = _jupyter_run(tmp_path, env)
    assert not imported  # the second reads its answer from the cache
    assert second["facts"] == first["facts"] and second["summary"] == first["summary"]

    kernel = path / "kernels" / "course"
    kernel.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel"],
        "display_name": "Course",
        "language": "python",
    }
    (kernel / "kernel.json").write_text(json.dumps(spec), "utf8")
    third, imported = _jupyter_run(tmp_path, env)
    assert imported
    assert third["facts"]["kernels"] == str(int(str(first["facts"]["kernels"])) + 1)
    assert "kernel course" in third["facts"]


# --- shared within a run -----------------------------------------------------------------


def test_a_lockfile_is_parsed_once_and_each_reader_gets_its_own_copy(tmp_path: Path) -> None:
    lockfile = tmp_path / "uv.lock"
    lockfile.write_bytes((REPO / "uv.lock").read_bytes())
    first = read_lock(lockfile)
    first.packages.clear()  # a reader changing its copy
    second = read_lock(lockfile)
    assert second.packages
    # Rewritten (same size, the same clock tick): read again.
    text = lockfile.read_text("utf8")
    lockfile.write_text(text.replace('version = "', 'version = "9', 1)[:-1], "utf8")
    assert read_lock(lockfile).packages[0].version != second.packages[0].version


def test_a_parsed_lockfile_is_kept_between_runs_on_its_content(tmp_path: Path, cache: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "uv.lock").write_bytes((REPO / "uv.lock").read_bytes())
    env = {"ENVDECK_CACHE_DIR": str(cache)}
    first, _ = _check_in_child("lockfile", project, env)
    [kept] = list((cache / "uv-lock").glob("*.json"))

    # Kept: what the next run reads is the kept parse (marked here), not the file.
    marked = json.loads(kept.read_text("utf8"))
    marked["requires_python"] = ">=3.99"
    kept.write_text(json.dumps(marked), "utf8")
    second, _ = _check_in_child("lockfile", project, env)
    assert _facts_of(second)["requires-python"] == ">=3.99"
    assert _facts_of(first)["requires-python"] != ">=3.99"

    # The file changes: parsed again, and kept under its new content.
    text = (project / "uv.lock").read_text("utf8")
    (project / "uv.lock").write_text(text + "\n", "utf8")
    third, _ = _check_in_child("lockfile", project, env)
    assert _facts_of(third) == _facts_of(first)
    assert len(list((cache / "uv-lock").glob("*.json"))) == 2


def _facts_of(result: dict[str, object]) -> dict[str, str]:
    return dict(result["facts"])  # type: ignore[call-overload]


def test_installed_distributions_are_read_again_after_an_install(tmp_path: Path) -> None:
    python = make_venv(tmp_path / "env")
    site = site_packages(tmp_path / "env")
    assert "late" not in {d.metadata["Name"] for d in tools.distributions([site])}
    install(python, make_wheel(tmp_path / "wheels", "late", "1.0", modules={"late.py": ""}))
    assert "late" in {d.metadata["Name"] for d in tools.distributions([site])}


def test_usercache_directory_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVDECK_CACHE_DIR", "/somewhere/envdeck")
    assert usercache.cache_dir() == Path("/somewhere/envdeck")
    monkeypatch.delenv("ENVDECK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert usercache.cache_dir() == Path("/xdg/envdeck")


# --- venv-relocation: the experiment's outcome is kept -----------------------------------


def _relocation_run(project: Path, env: dict[str, str]) -> dict[str, object]:
    return _check_in_child("venv-relocation", project, env)[0]


def test_venv_relocation_is_kept_and_made_again_when_path_changes(
    tmp_path: Path, cache: Path
) -> None:
    env = {"ENVDECK_CACHE_DIR": str(cache)}
    first = _relocation_run(tmp_path, env)
    assert first["status"] in ("pass", "warn"), first["summary"]
    [kept] = list((cache / "venv-relocation").glob("*.json"))
    assert str(tmp_path) not in kept.read_text("utf8")

    # Kept: a result read from the cache (marked here) is what the next run shows.
    marked = json.loads(kept.read_text("utf8"))
    marked["summary"] = "read from the cache"
    kept.write_text(json.dumps(marked), "utf8")
    assert _relocation_run(tmp_path, env)["summary"] == "read from the cache"

    # What `activate` falls back to changes with PATH: the experiment runs again.
    elsewhere = tmp_path / "bin"
    elsewhere.mkdir()
    env["PATH"] = f"{elsewhere}{os.pathsep}{os.environ['PATH']}"
    again = _relocation_run(tmp_path, env)
    assert again["summary"] == first["summary"]
    assert len(list((cache / "venv-relocation").glob("*.json"))) == 2
