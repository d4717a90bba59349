"""``envdeck summary``: real ``envdeck check --json`` files, and participants' files from
other platforms made from them, read back by the real command line."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ENVDECK = [sys.executable, "-m", "envdeck"]


def envdeck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run([*ENVDECK, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120, check=False)  # fmt: skip


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """This machine's real results of three checks."""
    project = tmp_path_factory.mktemp("proj")
    done = envdeck("check", "--json", "python", "platform", "ide", "--project", str(project))
    return json.loads(done.stdout)


def participant(base: dict[str, Any], **changes: tuple[str, str, dict[str, str]]) -> Any:
    """``base`` with some results changed: name=(status, summary, facts to update)."""
    document = copy.deepcopy(base)
    for result in document["results"]:
        if result["name"] in changes:
            status, summary, facts = changes[result["name"]]
            result.update(status=status, summary=summary)
            result["facts"].update(facts)
    return document


def write(directory: Path, name: str, document: Any) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(json.dumps(document), "utf8")


def test_who_fails_what_most_common_first(measured: dict[str, Any], tmp_path: Path) -> None:
    results = tmp_path / "results"
    mac = {"os": "macOS 14.5", "architecture": "arm64"}
    windows = {"os": "Windows 11 (10.0.22631)", "architecture": "AMD64"}
    write(results, "alice.json", participant(measured, ide=("pass", "no IDE setting", {})))
    write(results, "bob.json", participant(
        measured,
        platform=("pass", "macOS", mac),
        ide=("fail", "no .venv", {}),
        python=("fail", "CPython 3.8 is outside requires-python", {"version": "3.8.18"}),
    ))  # fmt: skip
    write(results, "carol.json", participant(
        measured, platform=("pass", "Windows", windows), ide=("fail", "no .venv", {})
    ))  # fmt: skip
    write(results, "dave.json", participant(measured, ide=("warn", "VS Code names another", {})))
    done = envdeck("summary", str(results))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    rows = [line.split()[:3] for line in lines[1:] if line and not line.startswith(" ")]
    # ide fails for two participants, python for one: ide first, then python.
    assert rows[:4] == [
        ["ide", "fail", "bob"],
        ["ide", "fail", "carol"],
        ["ide", "warn", "dave"],
        ["python", "fail", "bob"],
    ]
    bob = next(line for line in lines if line.startswith("ide") and "bob" in line)
    assert "macOS 14.5 arm64, CPython 3.8.18" in bob
    carol = next(line for line in lines if "carol" in line)
    assert "Windows 11 (10.0.22631) AMD64" in carol
    assert "Failures by check: ide (2), python (1)" in done.stdout
    assert "4 participants:" in done.stdout
    assert "Nothing to fix: alice (" in done.stdout


def test_files_are_named_by_their_name_only_and_redacted(
    measured: dict[str, Any], tmp_path: Path
) -> None:
    home = str(Path.home())
    secret_dir = tmp_path / "instructor-private-folder"
    write(secret_dir, "erin.json", participant(
        measured, ide=("fail", f"VS Code names {home}/elsewhere/.venv", {})
    ))  # fmt: skip
    done = envdeck("summary", str(secret_dir / "erin.json"))
    assert done.returncode == 0, done.stderr
    assert "instructor-private-folder" not in done.stdout
    assert "erin" in done.stdout
    assert "VS Code names ~/elsewhere/.venv" in done.stdout
    assert home not in done.stdout.replace("~", "")


def test_a_bad_file_is_named_and_left_out(measured: dict[str, Any], tmp_path: Path) -> None:
    write(tmp_path, "good.json", participant(measured, ide=("fail", "no .venv", {})))
    (tmp_path / "truncated.json").write_text('{"results": [', "utf8")
    (tmp_path / "other.json").write_text('{"name": "not envdeck"}', "utf8")
    done = envdeck("summary", str(tmp_path))
    assert done.returncode == 1
    assert "truncated.json is not JSON (line 1" in done.stderr
    assert "other.json is not the output of `envdeck check --json`" in done.stderr
    assert "good" in done.stdout and "Traceback" not in done.stderr


def test_nothing_readable_is_a_usage_error(tmp_path: Path) -> None:
    done = envdeck("summary", str(tmp_path))
    assert done.returncode == 2
    assert "no .json files found" in done.stderr
    assert done.stdout == ""


def test_the_standalone_checkers_json_is_read(tmp_path: Path) -> None:
    from envdeck.standalone import build_checker

    checker = build_checker(tmp_path / "envdeck-check.pyz")
    done = subprocess.run([sys.executable, str(checker), "--json", "python", "platform"],
                          capture_output=True, text=True, cwd=tmp_path, check=False)  # fmt: skip
    write(tmp_path / "in", "frank.json", json.loads(done.stdout))
    summary = envdeck("summary", str(tmp_path / "in"))
    assert summary.returncode == 0, summary.stderr
    assert "Nothing to fix: frank (" in summary.stdout
    assert f"CPython {sys.version.split()[0]}" in summary.stdout
