"""The ``venv``, ``venv-paths`` and ``venv-relocation`` checks, on real venvs in tmp_path."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest
from test_checks_support import (
    _no_outside_project_environment,  # noqa: F401
    base_python,
    empty_path,
    install,
    make_venv,
    make_wheel,
    needs_uv,
    run_check_in,
)

from envdeck.checks import CheckContext, Redactor, Status, run_check
from envdeck.checks.venvs import read_shebang


def redact(path: Path | str) -> str:
    """How a path appears in results (home as ~, the user name as <user>)."""
    return Redactor.for_environment().text(str(path))


in_a_venv = pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="tests must run in a venv")


# --- venv ---------------------------------------------------------------------------------


@in_a_venv
def test_venv_activated_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin"]))
    result = run_check("venv", CheckContext(project=tmp_path))
    assert result.status is Status.PASS, result.summary
    assert result.facts["virtual environment"] == "yes"
    assert result.facts["prefix"] == redact(sys.prefix)
    assert result.facts["VIRTUAL_ENV"] == "set, names this environment"
    assert result.facts["python on PATH"].endswith("(this environment)")
    assert result.facts["pyvenv.cfg include-system-site-packages"] == "false"


@in_a_venv
def test_venv_stale_activation_warns_without_showing_the_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "old-project" / ".venv"
    monkeypatch.setenv("VIRTUAL_ENV", str(stale))
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    result = run_check("venv", CheckContext(project=tmp_path))
    assert result.status is Status.WARN
    assert "stale activation" in result.summary
    assert str(stale) not in json.dumps(result.to_dict())
    shown = run_check(
        "venv", CheckContext(project=tmp_path, env_allowlist=frozenset({"VIRTUAL_ENV"}))
    )
    assert shown.facts["VIRTUAL_ENV"].endswith(f": {redact(stale)}")


@in_a_venv
def test_venv_other_python_first_on_path_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other-bin"
    other.mkdir()
    (other / "python").symlink_to(base_python())
    monkeypatch.setenv("PATH", os.pathsep.join([str(other), str(Path(sys.executable).parent)]))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    result = run_check("venv", CheckContext(project=tmp_path))
    assert result.status is Status.WARN
    assert "`python` on PATH starts another interpreter" in result.summary
    assert result.facts["VIRTUAL_ENV"] == "unset (not activated)"


def test_venv_outside_a_venv_fails(tmp_path: Path) -> None:
    result = run_check_in(base_python(), "venv", tmp_path)
    assert result["status"] == "fail"
    assert result["summary"].startswith("not in a virtual environment")
    assert result["facts"]["virtual environment"] == "no"


def test_venv_seeing_system_site_packages_warns(tmp_path: Path) -> None:
    python = make_venv(tmp_path / "env", "--system-site-packages")
    result = run_check_in(python, "venv", tmp_path, env={"VIRTUAL_ENV": str(tmp_path / "env")})
    assert result["status"] == "warn"
    assert "sees the base interpreter's site-packages" in result["summary"]
    assert result["facts"]["pyvenv.cfg include-system-site-packages"] == "true"


# --- venv-paths ---------------------------------------------------------------------------


def _course(tmp_path: Path, where: str = "made-here") -> Path:
    """A project with a real .venv holding a real console script."""
    project = tmp_path / where
    python = make_venv(project / ".venv")
    install(python, make_wheel(tmp_path / "wheels", "hello", "1.0",
                               scripts={"hello": "hello:__init__"}))  # fmt: skip
    return project


def test_venv_paths_of_a_fresh_venv_pass(tmp_path: Path) -> None:
    project = _course(tmp_path)
    result = run_check("venv-paths", CheckContext(project=project))
    assert result.status is Status.PASS, result.summary
    venv = redact(project / ".venv")
    assert result.facts["venv"] == f"{venv} (the project's .venv)"
    assert result.facts[f"shebang {venv}/bin/python"].endswith("(this venv)")
    assert result.facts["activate"] == f"sets VIRTUAL_ENV={venv} (this venv)"
    assert "(exists)" in result.facts["pyvenv.cfg home"]
    assert "moving it would break them" in result.summary


def test_venv_paths_of_a_moved_venv_fail(tmp_path: Path) -> None:
    project = _course(tmp_path)
    moved = tmp_path / "moved-here"
    project.rename(moved)
    result = run_check("venv-paths", CheckContext(project=moved))
    assert result.status is Status.FAIL
    old = redact(tmp_path / "made-here" / ".venv")
    assert f"start {old}/bin/python, which is gone: the venv was made at {old}" in result.summary
    assert result.facts[f"shebang {old}/bin/python"].endswith("(missing)")
    assert f"activate sets VIRTUAL_ENV to {old} (missing)" in result.summary


def test_venv_paths_whose_base_python_is_gone_fail(tmp_path: Path) -> None:
    # The base Python was removed or moved: pyvenv.cfg's home names a directory that is
    # gone. (Its python link still resolves here, so only home can fail the check.)
    project = tmp_path / "course"
    make_venv(project / ".venv")
    cfg = project / ".venv" / "pyvenv.cfg"
    gone = tmp_path / "pythons" / "3.x" / "bin"
    lines = [f"home = {gone}" if line.startswith("home") else line
             for line in cfg.read_text().splitlines()]  # fmt: skip
    cfg.write_text("\n".join(lines) + "\n")
    result = run_check("venv-paths", CheckContext(project=project))
    assert result.status is Status.FAIL, result.summary
    assert result.summary == f"{redact(project / '.venv')} is broken: its base Python " \
        f"{redact(gone)} is gone"  # fmt: skip
    assert result.facts["pyvenv.cfg home"] == f"{redact(gone)} (missing)"
    assert result.facts["python link"].endswith("(resolves)")


def test_venv_paths_with_a_broken_python_link_fail(tmp_path: Path) -> None:
    # bin/python links to an interpreter that is gone; pyvenv.cfg's home still exists.
    project = tmp_path / "course"
    python = make_venv(project / ".venv")
    gone = tmp_path / "removed" / "python3"
    python.unlink()
    python.symlink_to(gone)
    result = run_check("venv-paths", CheckContext(project=project))
    assert result.status is Status.FAIL, result.summary
    assert result.summary == (
        f"{redact(project / '.venv')} is broken: bin/python links to {redact(gone)}, which is gone"
    )
    assert result.facts["python link"] == f"{redact(gone)} (broken)"
    assert result.facts["pyvenv.cfg home"].endswith("(exists)")


def test_venv_paths_of_a_copied_venv_warn(tmp_path: Path) -> None:
    project = _course(tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, symlinks=True)
    result = run_check("venv-paths", CheckContext(project=copy))
    assert result.status is Status.WARN
    assert "is a copy" in result.summary
    assert f"run {redact(project)}/.venv/bin/python" in result.summary


def test_venv_paths_long_path_shebang_is_read(tmp_path: Path) -> None:
    # A space in the path makes installers write `#!/bin/sh` + `'''exec' "python"`.
    project = _course(tmp_path, "with space")
    script = project / ".venv" / "bin" / "hello"
    assert script.read_text().startswith("#!/bin/sh")
    shebang = read_shebang(script)
    assert shebang == type(shebang)("absolute", f"{project}/.venv/bin/python")
    assert run_check("venv-paths", CheckContext(project=project)).status is Status.PASS
    project.rename(tmp_path / "moved")
    assert run_check("venv-paths", CheckContext(project=tmp_path / "moved")).status is Status.FAIL


def test_venv_paths_venv_option(tmp_path: Path) -> None:
    project = _course(tmp_path)
    ctx = CheckContext(project=tmp_path, options={"venv": "made-here/.venv"})
    result = run_check("venv-paths", ctx)
    assert result.status is Status.PASS
    assert result.facts["venv"].endswith("(the venv option)")
    missing = run_check("venv-paths", CheckContext(project=project, options={"venv": "nope"}))
    assert missing.status is Status.FAIL
    assert "is not a virtual environment (no pyvenv.cfg)" in missing.summary


def test_venv_paths_falls_back_to_the_running_venv_or_skips(tmp_path: Path) -> None:
    if sys.prefix != sys.base_prefix:
        result = run_check("venv-paths", CheckContext(project=tmp_path))
        assert result.facts["venv"].endswith("(the running environment)")
    skipped = run_check_in(base_python(), "venv-paths", tmp_path)
    assert skipped["status"] == "skip"
    assert "no .venv in the project" in skipped["summary"]


# --- venv-relocation ----------------------------------------------------------------------


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary directory the experiment uses, to see that it is cleaned up; and
    an empty cache, so that each test runs the experiment (test_checks_cache keeps it)."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    monkeypatch.setenv("ENVDECK_CACHE_DIR", str(tmp_path / "cache"))
    return directory


def _experiment_left(scratch: Path) -> list[str]:
    return [p.name for p in scratch.iterdir() if p.name.startswith("envdeck-relocation-")]


def test_relocation_with_uv_breaks_the_console_script(scratch: Path) -> None:
    needs_uv()
    result = run_check("venv-relocation", CheckContext(project=scratch, options={"tool": "uv"}))
    assert result.status is Status.PASS, result.summary
    facts = result.facts
    assert facts["tool"].startswith("uv ")
    assert facts["script before the move"] == "runs (exit 0), prints …/made-here/.venv"
    assert facts["script after the move"].startswith(("cannot start", "fails"))
    assert "…/made-here/.venv/bin/python" in facts["script after the move"]
    assert facts["python after the move"] == (
        "starts; sys.prefix follows the move to …/moved-here/.venv"
    )
    assert facts["python -m after the move"].startswith("works")
    assert facts["activate after the move"] == "still sets VIRTUAL_ENV=…/made-here/.venv"
    # What the lesson says beyond the scripts: no pip in a uv venv, the editable
    # install's .pth still names the old src, activate leaves another python first.
    assert facts["python -m pip after the move"].endswith(
        "No module named pip (the venv has no pip)"
    )
    assert facts["editable install before the move"].startswith("import relocown works")
    assert facts["editable install after the move"] == (
        "import relocown fails: its .pth still names …/made-here/src, which moved"
    )
    assert facts["python after activate"].startswith("not the venv's: ")
    if shutil.which("bash"):
        assert facts["script after the move, typed in bash"].endswith(
            (
                "cannot execute: required file not found",
                "bad interpreter: No such file or directory",
            )
        ), facts["script after the move, typed in bash"]
    # A copy's scripts still run the original's interpreter, which does not see what
    # was installed into the copy.
    assert facts["script of a copy"] == (
        "runs the original's python (sys.prefix …/made-here/.venv): does not find "
        "relocextra, installed in the copy only"
    )
    assert "moving a venv breaks its console scripts" in result.summary
    assert "editable install" in result.summary
    assert str(scratch) not in json.dumps(result.to_dict())
    assert _experiment_left(scratch) == []


def test_relocation_of_a_relocatable_uv_venv_still_breaks_the_editable_install(
    scratch: Path,
) -> None:
    needs_uv()
    ctx = CheckContext(project=scratch, options={"tool": "uv-relocatable"})
    result = run_check("venv-relocation", ctx)
    assert result.status is Status.PASS, result.summary
    facts = result.facts
    assert facts["tool"].endswith(" --relocatable")
    assert facts["shebang"] == "relative: finds python next to the script"
    assert facts["script after the move"] == "runs, prints …/moved-here/.venv"
    assert facts["python after activate"] == "the moved venv's"
    assert facts["editable install after the move"].startswith("import relocown fails")
    assert facts["script of a copy"].startswith("runs its own python (sys.prefix …/copy/.venv)")
    assert "editable install did not" in result.summary
    assert _experiment_left(scratch) == []


def test_relocation_tool_option_names_its_choices() -> None:
    from envdeck.checks.venvs import relocation_tool

    assert relocation_tool(" UV-Relocatable ") == "uv-relocatable"
    with pytest.raises(ValueError, match="'uv-relocatable'"):
        relocation_tool("conda")


def test_relocation_with_the_venv_module(scratch: Path) -> None:
    ctx = CheckContext(project=scratch, options={"tool": "venv"}, timeout=60)
    result = run_check("venv-relocation", ctx)
    assert result.status is Status.PASS, result.summary
    assert result.facts["tool"].startswith("venv module + pip-")
    assert result.facts["script before the move"].startswith("runs (exit 0)")
    assert result.facts["script after the move"].startswith(("cannot start", "fails"))
    assert result.facts["editable install after the move"].startswith("import relocown fails")
    assert result.facts["script of a copy"].startswith("runs the original's python")
    assert _experiment_left(scratch) == []


def test_relocation_without_uv_skips(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", empty_path(scratch.parent))
    result = run_check("venv-relocation", CheckContext(project=scratch, options={"tool": "uv"}))
    assert result.status is Status.SKIP
    assert result.summary == "uv is not installed (not found on PATH)"
    assert _experiment_left(scratch) == []


def test_relocation_out_of_time_is_an_error_and_cleans_up(scratch: Path) -> None:
    needs_uv()
    ctx = CheckContext(project=scratch, options={"tool": "uv"}, timeout=0.05)
    result = run_check("venv-relocation", ctx)
    assert result.status is Status.ERROR
    assert "timed out" in result.summary
    for _ in range(100):  # the abandoned experiment removes its directory when it stops
        if not _experiment_left(scratch):
            break
        time.sleep(0.1)
    assert _experiment_left(scratch) == []


def test_uv_project_environment_names_the_projects_venv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "course"
    make_venv(project / ".venv-3.x")
    monkeypatch.setenv("UV_PROJECT_ENVIRONMENT", ".venv-3.x")
    result = run_check("venv-paths", CheckContext(project=project))
    assert result.facts["venv"] == f"{redact(project / '.venv-3.x')} (the project's .venv-3.x)"
    freeze = run_check("freeze", CheckContext(project=project))
    assert freeze.facts["environment"].endswith("(the project's .venv-3.x)")
