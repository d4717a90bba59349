"""Helpers for the check tests: real wheels, real venvs, checks run in other interpreters.

(No tests here; the other test_checks_* modules import these.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from envdeck.checks.wheels import write_wheel

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"


#: uv variables of the shell running the tests that must not steer the projects made here
OUTSIDE_ENVIRONMENT = ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")


@pytest.fixture(autouse=True)
def _no_outside_project_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The projects made in these tests keep their venv in `.venv`, whatever
    UV_PROJECT_ENVIRONMENT the shell running the tests has."""
    monkeypatch.delenv("UV_PROJECT_ENVIRONMENT", raising=False)


def needs_uv() -> str:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    return uv


def make_wheel(
    directory: Path,
    name: str,
    version: str,
    *,
    tag: str = "py3-none-any",
    modules: Mapping[str, str] | None = None,
    scripts: Mapping[str, str] | None = None,
    extra_files: Mapping[str, bytes] | None = None,
) -> Path:
    """Build a real wheel file (zip with METADATA, WHEEL, RECORD)."""
    directory.mkdir(parents=True, exist_ok=True)
    module = name.replace("-", "_")
    files: dict[str, bytes] = {
        f"{module}/__init__.py": f"__version__ = {version!r}\n".encode(),
    }
    for path, text in (modules or {}).items():
        files[path] = text.encode()
    files.update(extra_files or {})
    return write_wheel(
        directory, name, version, files, tag=tag, scripts=scripts, generator="envdeck-tests"
    )


def uv(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [needs_uv(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
        },
    )
    if check and done.returncode != 0:
        raise AssertionError(f"uv {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def make_venv(path: Path, *extra: str) -> Path:
    """A real venv made by uv from this interpreter; returns its python."""
    uv("venv", "--python", sys.executable, "--no-project", "--no-config", "--offline",
       "--quiet", *extra, str(path))  # fmt: skip
    return path / "bin" / "python"


def install(python: Path, *wheels: Path) -> None:
    uv("pip", "install", "--python", str(python), "--offline", "--no-index", "--no-deps",
       "--no-config", "--quiet", *map(str, wheels))  # fmt: skip


def site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python*/site-packages"))
    assert found, f"no site-packages in {venv}"
    return found[0]


def base_python() -> Path:
    """The interpreter this venv was made from (outside any venv)."""
    candidates = [
        getattr(sys, "_base_executable", ""),
        os.path.join(sys.base_prefix, "bin", f"python{sys.version_info[0]}.{sys.version_info[1]}"),
        os.path.join(sys.base_prefix, "bin", "python3"),
    ]
    for candidate in candidates:
        if candidate and os.path.exists(candidate) and not candidate.startswith(sys.prefix + "/"):
            return Path(candidate)
    pytest.skip("the base interpreter cannot be found")


def run_check_in(
    python: Path | str,
    name: str,
    project: Path,
    options: Mapping[str, str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 20.0,
) -> dict[str, Any]:
    """Run check ``name`` in another interpreter (envdeck from src/), return to_dict()."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from envdeck.checks import CheckContext, run_check\n"
        "ctx = CheckContext(project=Path(sys.argv[2]), timeout=float(sys.argv[4]),"
        " options=json.loads(sys.argv[3]))\n"
        "print(json.dumps(run_check(sys.argv[1], ctx).to_dict()))\n"
    )
    # envdeck from the source tree; packaging (a dependency) from this environment,
    # after the child's own site-packages, which are what the checks inspect.
    import packaging

    path = os.pathsep.join([str(SRC), str(Path(packaging.__file__).parent.parent)])
    full_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    full_env.update(env or {})
    full_env["PYTHONPATH"] = path
    done = subprocess.run(
        [str(python), "-c", code, name, str(project), json.dumps(dict(options or {})),
         str(timeout)],
        capture_output=True,
        text=True,
        timeout=timeout + 30,
        env=full_env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def empty_path(tmp_path: Path) -> str:
    """A PATH with nothing on it (no git, uv, ldd, nvidia-smi)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    return str(empty)
