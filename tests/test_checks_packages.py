"""The ``packages`` check."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from test_checks_support import (
    _no_outside_project_environment,  # noqa: F401
    install,
    make_venv,
    make_wheel,
    run_check_in,
)

from envdeck.checks import CheckContext, Status, run_check


def test_installed_and_importable_packages_pass(tmp_path: Path) -> None:
    ctx = CheckContext(project=tmp_path, options={"packages": "packaging, docutils"})
    result = run_check("packages", ctx)
    assert result.status is Status.PASS, result.summary
    version = metadata.version("packaging")
    assert result.facts["packaging"].startswith(f"{version} in ")
    assert result.facts["packaging"].endswith("; imports (packaging)")
    assert result.facts["docutils"].endswith("; imports (docutils)")
    assert result.summary == (
        f"2 packages installed and importable: packaging {version}, "
        f"docutils {metadata.version('docutils')}"
    )
    assert result.key_facts == ("packaging", "docutils")


def test_missing_package_fails(tmp_path: Path) -> None:
    ctx = CheckContext(project=tmp_path, options={"packages": "packaging envdeck-not-a-package"})
    result = run_check("packages", ctx)
    assert result.status is Status.FAIL
    assert result.summary == "envdeck-not-a-package is not installed"
    assert result.facts["envdeck-not-a-package"] == "not installed"


def test_package_that_does_not_import_fails(tmp_path: Path) -> None:
    python = make_venv(tmp_path / "env")
    broken = make_wheel(
        tmp_path / "wheels",
        "brittle",
        "1.0",
        modules={"brittle/__init__.py": "raise ImportError('needs libfoo, which is missing')\n"},
    )
    install(python, broken)
    result = run_check_in(python, "packages", tmp_path, {"packages": "brittle"})
    assert result["status"] == "fail"
    assert (
        "brittle does not import (ImportError: needs libfoo, which is missing)"
        in (result["summary"])
    )
    skipped = run_check_in(python, "packages", tmp_path, {"packages": "brittle", "import": "no"})
    assert skipped["status"] == "pass"
    assert skipped["summary"] == "1 package installed: brittle 1.0"


def test_default_is_the_projects_dependencies(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "course"\nversion = "0"\ndependencies = [\n'
        '    "packaging>=20",  # comment\n    "docutils[extra]; python_version >= \'3\'",\n]\n'
        '\n[dependency-groups]\ndev = ["pytest"]\n'
    )
    result = run_check("packages", CheckContext(project=tmp_path))
    assert result.status is Status.PASS
    assert list(result.facts) == ["packaging", "docutils"]


def test_dependencies_are_read_as_toml(tmp_path: Path) -> None:
    # A bracket in a comment, a literal string and dotted keys: TOML, not lines.
    (tmp_path / "pyproject.toml").write_text(
        'project.name = "course"\nproject.version = "0"\nproject.dependencies = [\n'
        "    'packaging>=20',  # ] not the end\n    \"docutils\",\n]\n"
    )
    result = run_check("packages", CheckContext(project=tmp_path))
    assert result.status is Status.PASS, result.summary
    assert list(result.facts) == ["packaging", "docutils"]


def test_a_pyproject_that_is_not_toml_is_named(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project\ndependencies = ["packaging"]\n')
    result = run_check("packages", CheckContext(project=tmp_path))
    assert result.status is Status.SKIP
    assert "pyproject.toml is not valid TOML (" in result.summary
    assert "line 1" in result.summary


def test_nothing_to_check_skips(tmp_path: Path) -> None:
    result = run_check("packages", CheckContext(project=tmp_path))
    assert result.status is Status.SKIP
    assert "no packages named" in result.summary


def test_bad_option_values_are_errors(tmp_path: Path) -> None:
    bad = run_check("packages", CheckContext(project=tmp_path, options={"packages": "num/py"}))
    assert bad.status is Status.ERROR
    assert "expected distribution names separated by commas or spaces" in bad.summary
    flag = run_check(
        "packages", CheckContext(project=tmp_path, options={"packages": "x", "import": "maybe"})
    )
    assert flag.status is Status.ERROR
    assert "expected one of 'yes', 'no'" in flag.summary
