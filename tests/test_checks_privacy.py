"""Results are published: no home path, user name, host name or environment value in them."""

from __future__ import annotations

import json
import os
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
    assert redact.text("xterm-256color 3.11.7 yes") == "xterm-256color 3.11.7 yes"
    assert redact.text("/opt/tool/bin/tool") == "$SOME_PATH/tool"
    assert redact.text(f"runs on {socket.gethostname().upper()}") == "runs on <host>"


def test_a_home_of_slash_does_not_turn_every_path_into_a_tilde(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", "/")
    redact = Redactor.for_environment()
    assert redact.text(sys.executable).startswith(("/", "~"))
    assert redact.text("/usr/lib/libc.so.6") == "/usr/lib/libc.so.6"


def test_path_values_show_as_their_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / USER
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USER", USER)
    secret = tmp_path / "acmecorp-secret"
    environ = {
        "JUPYTER_PATH": f"{secret}{os.pathsep}{home}/acme-data",  # a list: each entry
        "ACME_HOME": f"{home}/",  # the home itself stays ~
        "SOME_TMP": "/tmp",  # too shallow or too common to hide anything
        "SOME_USR": "/usr/local",
        "SOME_ROOT": "/",
        "VIRTUAL_ENV": str(tmp_path / "course" / ".venv"),  # what the checks measure
        "UV_PROJECT_ENVIRONMENT": str(tmp_path / "course" / ".venv-3.12"),
        "PATH": f"{tmp_path}/bin{os.pathsep}/usr/bin",
    }
    redact = Redactor.for_environment(environ=environ)
    plain = Redactor.for_environment(environ={}).text  # home, user and host rules only
    assert redact.text(f"{secret}/kernels/k1") == "$JUPYTER_PATH/kernels/k1"
    assert redact.text(f"see {secret}") == "see $JUPYTER_PATH"
    assert redact.text(f"{home}/acme-data/x") == "$JUPYTER_PATH/x"  # matched as ~/acme-data
    assert redact.text(f"{secret}-old/x").endswith("acmecorp-secret-old/x")  # another path
    assert redact.text(f"{home}/course") == "~/course"
    assert redact.text("/tmp/x /usr/local/bin/python /usr/lib") == (
        "/tmp/x /usr/local/bin/python /usr/lib"
    )
    for public in ("course/.venv/bin/python", "course/.venv-3.12/bin/python", "bin/uv"):
        assert redact.text(f"{tmp_path}/{public}") == plain(f"{tmp_path}/{public}")
    shown = Redactor.for_environment(["JUPYTER_PATH"], environ=environ)
    assert shown.text(f"{secret}/kernels/k1") == plain(f"{secret}/kernels/k1")


def test_the_working_directory_is_not_a_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # pyenv's shims copy it into PYENV_DIR: the project would show as $PYENV_DIR.
    monkeypatch.chdir(tmp_path)
    redact = Redactor.for_environment(environ={"PYENV_DIR": str(tmp_path)})
    assert redact.text(f"{tmp_path}/.venv") == Redactor.for_environment(environ={}).text(
        f"{tmp_path}/.venv"
    )


def test_a_kernel_directory_named_by_jupyter_path_is_not_published(
    learner: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "a4j" / "acmecorp-secret"
    spec = secret / "kernels" / "k1"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(secret))
    result = run_check("jupyter", CheckContext(project=learner))
    text = json.dumps(result.to_dict())
    assert "acmecorp" not in text
    assert "k1: $JUPYTER_PATH/kernels/k1" in result.details.splitlines()


@pytest.mark.parametrize("var", ["PYENV_ROOT", "pythonLocation"])
def test_a_variable_above_the_interpreter_does_not_rename_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, var: str
) -> None:
    # pyenv's PYENV_ROOT holds the base interpreter (versions/3.X.Y); GitHub's
    # pythonLocation is the interpreter's prefix: what the checks measure, not a secret.
    above = str(Path(sys.base_prefix).parent)
    monkeypatch.setenv(var, above)
    monkeypatch.setenv("ACME_DATA", str(tmp_path / "acmecorp-secret"))  # still hidden
    redact = Redactor.for_environment()
    assert f"${var}" not in redact.text(f"{sys.base_prefix}/bin/python")
    assert redact.text(f"{tmp_path}/acmecorp-secret/x") == "$ACME_DATA/x"
    for name, keys in (("python", ("executable",)), ("venv", ("executable", "base prefix"))):
        result = run_check(name, CheckContext(project=tmp_path))
        for key in keys:
            assert not result.facts[key].startswith(f"${var}"), result.facts[key]
        assert f"${var}" not in json.dumps(result.to_dict())
