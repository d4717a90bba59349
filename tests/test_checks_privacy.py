"""Results are published: no home path, user name, host name or environment value in them."""

from __future__ import annotations

import json
import re
import socket
import sys
from pathlib import Path

import pytest
from test_checks_support import (
    _no_outside_project_environment,  # noqa: F401
    git,
    install,
    make_venv,
    make_wheel,
)

from envdeck.checks import CheckContext, Redactor, check_names, run_check

USER = "zed_learner"
SECRET = "tok-9f8e7d6c5b4a"


def word(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(text)}(?![A-Za-z0-9])", re.IGNORECASE)


@pytest.fixture
def learner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A learner's machine: HOME and USER of a person, a course with a venv in HOME."""
    home = tmp_path / "home" / USER
    home.mkdir(parents=True)
    for var, value in {"HOME": str(home), "USER": USER, "LOGNAME": USER, "USERNAME": USER,
                       "ENVDECK_TEST_TOKEN": SECRET}.items():  # fmt: skip
        monkeypatch.setenv(var, value)
    for var in ("JUPYTER_PATH", "JUPYTER_DATA_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(var, raising=False)
    project = home / "course"
    python = make_venv(project / ".venv")
    install(python, make_wheel(tmp_path / "wheels", "hello", "1.0", scripts={"hello": "hello:x"}))
    git("init", "-q", cwd=project)
    (project / ".gitignore").write_text(".venv/\n")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "course"\nversion = "0"\nrequires-python = ">=3.10"\n'
        'dependencies = ["packaging"]\n'
    )
    # A kernel whose name carries the user, the host and a secret, as people name them.
    spec = home / ".local" / "share" / "jupyter" / "kernels" / "course"
    spec.mkdir(parents=True)
    display = f"Course of {USER}@{socket.gethostname()} {SECRET}"
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": display,
                                                  "language": "python"}))  # fmt: skip
    return project


def test_no_result_shows_user_host_home_or_environment_values(learner: Path) -> None:
    home = str(Path.home())
    published = []
    for name in check_names():
        ctx = CheckContext(project=learner, timeout=30, options={})
        published.append(json.dumps(run_check(name, ctx).to_dict(), ensure_ascii=False))
    text = "\n".join(published)
    assert home not in text
    assert not word(USER).search(text)
    assert not word(socket.gethostname()).search(text)
    assert SECRET not in text
    # ... and they still say where things are, in a form that is safe to publish
    assert "~/course/.venv" in text
    assert "Course of <user>@<host> $ENVDECK_TEST_TOKEN" in text


def test_the_allowlist_lets_a_value_through(learner: Path) -> None:
    allowed = frozenset({"ENVDECK_TEST_TOKEN"})
    result = run_check("jupyter", CheckContext(project=learner, env_allowlist=allowed))
    assert SECRET in json.dumps(result.to_dict())


def test_redactor_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / USER
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USER", USER)
    redact = Redactor.for_environment(
        ["VISIBLE"],
        environ={"API_KEY": "abc123secret", "VISIBLE": "shown-value", "TERM": "xterm-256color",
                 "SHORT": "yes", "VERSION": "3.11.7", "SOME_PATH": "/opt/tool/bin"},
    )  # fmt: skip
    assert redact.text(f"{home}/course/.venv") == "~/course/.venv"
    assert redact.text(f"{home}") == "~"
    beside = redact.text(f"{home}-backup/x")  # not inside the home directory
    assert not beside.startswith("~") and beside.endswith("/<user>-backup/x")
    assert redact.text(f"/tmp/pytest-of-{USER}/x") == "/tmp/pytest-of-<user>/x"
    assert redact.text(f"{USER}s and {USER}") == f"{USER}s and <user>"  # whole words only
    assert redact.text("key=abc123secret") == "key=$API_KEY"
    assert redact.text("shown-value") == "shown-value"  # allowed
    assert redact.text("xterm-256color 3.11.7 yes /opt/tool/bin") == (
        "xterm-256color 3.11.7 yes /opt/tool/bin"
    )
    assert redact.text(f"runs on {socket.gethostname().upper()}") == "runs on <host>"


def test_a_home_of_slash_does_not_turn_every_path_into_a_tilde(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", "/")
    redact = Redactor.for_environment()
    assert redact.text(sys.executable).startswith(("/", "~"))
    assert redact.text("/usr/lib/libc.so.6") == "/usr/lib/libc.so.6"
