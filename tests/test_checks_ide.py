"""The ``ide`` check, on real project layouts in tmp_path: a real venv, VS Code settings
(JSONC), a ``.code-workspace``, PyCharm's ``.idea/misc.xml`` and its ``jdk.table.xml``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_checks_support import _no_outside_project_environment, make_venv  # noqa: F401

from envdeck.checks import CheckContext, Status, fingerprint, run_check
from envdeck.checks.ide import read_jsonc, venv_of


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a real .venv; PyCharm's settings go to a home of its own."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("APPDATA", raising=False)
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "1"\n')
    make_venv(root / ".venv")
    return root


def ide(project: Path) -> tuple[Status, str, dict[str, str]]:
    result = run_check("ide", CheckContext(project=project, timeout=10))
    return result.status, result.summary, result.facts


def vscode_settings(project: Path, text: str) -> None:
    (project / ".vscode").mkdir(exist_ok=True)
    (project / ".vscode" / "settings.json").write_text(text)


def pycharm(project: Path, sdk: str, home_path: str | None) -> None:
    (project / ".idea").mkdir()
    (project / ".idea" / "misc.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<project version="4">\n'
        f'  <component name="ProjectRootManager" version="2" project-jdk-name="{sdk}" '
        'project-jdk-type="Python SDK" />\n</project>\n'
    )
    if home_path is None:
        return
    options = Path.home() / ".config" / "JetBrains" / "PyCharm2025.1" / "options"
    options.mkdir(parents=True)
    (options / "jdk.table.xml").write_text(
        '<application>\n  <component name="ProjectJdkTable">\n    <jdk version="2">\n'
        f'      <name value="{sdk}" />\n      <type value="Python SDK" />\n'
        f'      <homePath value="{home_path}" />\n    </jdk>\n  </component>\n</application>\n'
    )


def test_no_ide_config_and_a_dot_venv_passes(project: Path) -> None:
    status, summary, facts = ide(project)
    assert status is Status.PASS, summary
    assert "find the project's .venv by themselves" in summary
    assert facts["VS Code"].startswith("no interpreter setting")
    assert facts["PyCharm"].startswith("no .idea/misc.xml")


def test_no_venv_warns_with_the_fix(tmp_path: Path) -> None:
    status, summary, facts = ide(tmp_path)
    assert status is Status.WARN
    assert "uv sync" in summary
    assert facts["project venv"].endswith("(missing)")


def test_vscode_settings_naming_the_venv_pass(project: Path) -> None:
    # JSONC: comments and a trailing comma, as VS Code writes it.
    vscode_settings(
        project,
        '{\n  // the project venv\n  "python.defaultInterpreterPath": '
        '"${workspaceFolder}/.venv/bin/python", /* uv sync */\n}\n',
    )
    status, summary, facts = ide(project)
    assert status is Status.PASS, summary
    assert "(the project venv)" in facts["VS Code"]


def test_vscode_windows_layout_setting_names_the_venv(project: Path) -> None:
    vscode_settings(
        project, json.dumps({"python.defaultInterpreterPath": ".venv\\Scripts\\python.exe"})
    )
    status, summary, _facts = ide(project)
    assert status is Status.PASS, summary


def test_vscode_pointing_elsewhere_warns_with_the_fix(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-venv"
    make_venv(other)
    vscode_settings(project, json.dumps({"python.defaultInterpreterPath": f"{other}/bin/python"}))
    status, summary, facts = ide(project)
    assert status is Status.WARN
    assert "another interpreter" in facts["VS Code"]
    assert "python.defaultInterpreterPath" in summary and ".venv" in summary


def test_code_workspace_settings_are_read(project: Path) -> None:
    (project / "course.code-workspace").write_text(
        json.dumps(
            {"folders": [{"path": "."}], "settings": {"python.pythonPath": "/usr/bin/python3"}}
        )
    )
    status, _summary, facts = ide(project)
    assert status is Status.WARN
    assert "course.code-workspace python.pythonPath = /usr/bin/python3" in facts["VS Code"]


def test_unreadable_settings_warn(project: Path) -> None:
    vscode_settings(project, '{"python.defaultInterpreterPath": ')
    status, summary, facts = ide(project)
    assert status is Status.WARN
    assert ".vscode/settings.json is not valid JSON" in facts["unreadable"]
    assert "the IDE ignores it" in summary


def test_pycharm_sdk_resolved_to_the_venv_passes(project: Path) -> None:
    pycharm(project, "Python 3.12 (proj)", "$USER_HOME$/../proj/.venv/bin/python")
    status, summary, facts = ide(project)
    assert status is Status.PASS, summary
    assert "project SDK 'Python 3.12 (proj)'" in facts["PyCharm"]
    assert "(the project venv; from PyCharm2025.1)" in facts["PyCharm"]


def test_pycharm_sdk_elsewhere_warns(project: Path) -> None:
    pycharm(project, "Python 3.12", "/usr/bin/python3.12")
    status, summary, _facts = ide(project)
    assert status is Status.WARN
    assert "PyCharm's project SDK 'Python 3.12' is /usr/bin/python3.12" in summary


def test_pycharm_sdk_not_in_this_machines_settings(project: Path) -> None:
    pycharm(project, "Python 3.12 (proj)", None)
    status, summary, facts = ide(project)
    assert status is Status.PASS, summary
    assert "its path is not in this machine's settings" in facts["PyCharm"]


def test_venv_of_reads_both_layouts(tmp_path: Path) -> None:
    assert venv_of(".venv/bin/python", tmp_path) == tmp_path / ".venv"
    assert venv_of(".venv\\Scripts\\python.exe", tmp_path) == tmp_path / ".venv"
    assert venv_of("${workspaceFolder}/.venv", tmp_path) == tmp_path / ".venv"


def test_read_jsonc_keeps_slashes_inside_strings() -> None:
    assert read_jsonc('{"a": "http://x/*y*/", // c\n "b": [1,],}') == {
        "a": "http://x/*y*/",
        "b": [1],
    }


def test_fingerprint_follows_the_ide_files(project: Path) -> None:
    ctx = CheckContext(project=project)
    before = fingerprint("ide", ctx)
    vscode_settings(project, "{}")
    assert fingerprint("ide", ctx) != before
