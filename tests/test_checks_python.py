"""The ``python`` and ``platform`` checks."""

from __future__ import annotations

import os
import platform
import sys
import sysconfig
from pathlib import Path

import pytest
from packaging import tags

from envdeck.checks import CheckContext, Status, run_check
from envdeck.checks.interpreter import parse_platform


def project(tmp_path: Path, requires: str | None) -> Path:
    if requires is not None:
        (tmp_path / "pyproject.toml").write_text(
            f'[project]\nname = "course"\nversion = "0"\nrequires-python = "{requires}"\n'
            '\n[tool.other]\nrequires-python = "<1"\n'
        )
    return tmp_path


def test_python_reports_this_interpreter(tmp_path: Path) -> None:
    result = run_check("python", CheckContext(project=project(tmp_path, ">=3.10")))
    assert result.status is Status.PASS
    facts = result.facts
    assert facts["version"] == platform.python_version()
    assert facts["implementation"] == platform.python_implementation()
    assert facts["executable"] == sys.executable
    assert facts["platform"] == sysconfig.get_platform()
    assert facts["SOABI"] == sysconfig.get_config_var("SOABI")
    assert facts["requires-python"] == ">=3.10"
    assert "as requires-python >=3.10 allows" in result.summary


def test_python_outside_requires_python_fails(tmp_path: Path) -> None:
    result = run_check("python", CheckContext(project=project(tmp_path, ">=99")))
    assert result.status is Status.FAIL
    assert f"{platform.python_version()} is outside the project's requires-python >=99" in (
        result.summary
    )
    assert result.key_facts[:2] == ("version", "requires-python")


def test_python_without_pyproject_passes(tmp_path: Path) -> None:
    result = run_check("python", CheckContext(project=tmp_path))
    assert result.status is Status.PASS
    assert result.facts["requires-python"] == "(no pyproject.toml with one)"


def test_python_with_invalid_requires_python_warns(tmp_path: Path) -> None:
    result = run_check("python", CheckContext(project=project(tmp_path, "three point ten")))
    assert result.status is Status.WARN
    assert "'three point ten' is invalid" in result.summary


def test_python_reads_requires_python_as_toml(tmp_path: Path) -> None:
    # A literal string and a comment after it: TOML, not lines.
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'course'\nrequires-python = '>=99'  # never\n"
    )
    result = run_check("python", CheckContext(project=tmp_path))
    assert result.status is Status.FAIL
    assert result.facts["requires-python"] == ">=99"


def test_python_reads_a_dotted_requires_python(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('project.requires-python = ">=99"\n')
    result = run_check("python", CheckContext(project=tmp_path))
    assert result.status is Status.FAIL
    assert result.facts["requires-python"] == ">=99"


def test_python_with_a_pyproject_that_is_not_toml_warns(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.10\n')
    result = run_check("python", CheckContext(project=tmp_path))
    assert result.status is Status.WARN
    assert "pyproject.toml is not valid TOML (" in result.summary
    assert result.facts["requires-python"].startswith("(not read: pyproject.toml is not valid")


def test_platform_facts_match_packaging_tags(tmp_path: Path) -> None:
    result = run_check("platform", CheckContext(project=tmp_path))
    assert result.status is Status.PASS
    accepted = [str(t) for t in tags.sys_tags()]
    assert result.facts["wheel tags accepted"] == str(len(accepted))
    # linux_x86_64, tried first, is a tag no index serves: the most specific tag is
    # the first one a wheel from PyPI can carry.
    served = [t for t in accepted if not t.split("-")[2].startswith("linux_")]
    assert result.facts["most specific tag"] == served[0]
    assert "-linux_" not in result.facts["most specific tag"]
    if accepted[0] != served[0]:
        assert result.facts["local-build tag"] == (
            f"{accepted[0]} (wheels built here; PyPI serves none)"
        )
    assert result.details.splitlines() == accepted
    assert result.facts["architecture"] == platform.machine()
    assert result.summary.startswith("a .venv made here runs only on ")
    assert platform.system() in result.summary and platform.machine() in result.summary


@pytest.mark.skipif(not hasattr(os, "confstr"), reason="no confstr here")
def test_platform_libc_is_the_running_one(tmp_path: Path) -> None:
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError):
        libc = None
    if not libc:
        pytest.skip("not a glibc system")
    result = run_check("platform", CheckContext(project=tmp_path))
    assert result.facts["libc"] == libc
    # The glibc named is this machine's: the most the wheels picked here may need, not a
    # floor ("≥") that the installed wheels' own needs (system-libs) would contradict.
    assert result.facts["its wheels may need"] == f"up to {libc} (this machine's)"
    assert result.summary.endswith(f"; its wheels may need up to this machine's {libc}")
    assert "glibc" not in result.facts["runs only on"]
    assert "≥" not in result.summary


@pytest.mark.parametrize("target", ["win_amd64", "macosx_11_0_arm64", "linux_riscv64"])
def test_platform_target_elsewhere_fails(tmp_path: Path, target: str) -> None:
    if platform.machine() == "riscv64" and target == "linux_riscv64":
        pytest.skip("this machine is riscv64")
    result = run_check("platform", CheckContext(project=tmp_path, options={"target": target}))
    assert result.status is Status.FAIL
    assert f"a .venv made here would not run on {target}" in result.summary
    assert result.facts["target"] == target


def _newest_versioned_platform() -> str:
    platforms = [t.platform for t in tags.sys_tags() if parse_platform(t.platform)[1]]
    if not platforms:
        pytest.skip("this platform's tags carry no version")
    return platforms[0]


def test_platform_target_same_or_newer_passes(tmp_path: Path) -> None:
    here = _newest_versioned_platform()
    result = run_check("platform", CheckContext(project=tmp_path, options={"target": here}))
    assert result.status is Status.PASS
    family, (major, minor), arch = parse_platform(here)
    prefix = {"glibc": "manylinux", "musl": "musllinux", "macos": "macosx"}[family]
    newer = f"{prefix}_{major}_{minor + 5}_{arch}"
    result = run_check("platform", CheckContext(project=tmp_path, options={"target": newer}))
    assert result.status is Status.PASS


def test_platform_target_older_c_library_warns(tmp_path: Path) -> None:
    here = _newest_versioned_platform()
    family, _version, arch = parse_platform(here)
    if family != "glibc":
        pytest.skip("manylinux only")
    target = f"manylinux_2_5_{arch}"
    result = run_check("platform", CheckContext(project=tmp_path, options={"target": target}))
    assert result.status is Status.WARN
    assert "may not run on manylinux_2_5" in result.summary


def test_platform_bad_target_is_an_error(tmp_path: Path) -> None:
    result = run_check("platform", CheckContext(project=tmp_path, options={"target": "Linux!"}))
    assert result.status is Status.ERROR
    assert "expected a wheel platform tag such as linux_x86_64" in result.summary


def test_parse_platform_tags() -> None:
    assert parse_platform("manylinux2014_x86_64") == ("glibc", (2, 17), "x86_64")
    assert parse_platform("manylinux_2_28_aarch64") == ("glibc", (2, 28), "aarch64")
    assert parse_platform("musllinux_1_2_x86_64") == ("musl", (1, 2), "x86_64")
    assert parse_platform("macosx_11_0_arm64") == ("macos", (11, 0), "arm64")
    assert parse_platform("linux_x86_64") == ("linux", None, "x86_64")
    assert parse_platform("win_amd64") == ("win", None, "amd64")
