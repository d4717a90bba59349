"""``envdeck check``: the command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging import tags

from envdeck import __version__
from envdeck.checks import check_names, get_check
from envdeck.cli import main

REPO = Path(__file__).resolve().parent.parent
STATUSES = ("pass", "warn", "fail", "skip", "error")


def envdeck(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    # Colour only where a test asks for it, whatever the runner's environment says.
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "envdeck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
    )


def test_table_of_passing_checks() -> None:
    done = envdeck("check", "python", "venv-paths", "--project", str(REPO))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["STATUS", "CHECK", "SUMMARY"]
    assert lines[1].split()[:2] == ["pass", "python"]
    assert any(line.split()[:2] == ["pass", "venv-paths"] for line in lines)
    assert lines[-1].startswith("2 checks: 2 pass (")


def test_verbose_shows_facts() -> None:
    done = envdeck("check", "python", "-v")
    assert done.returncode == 0
    assert "executable: " in done.stdout
    assert "SOABI: " in done.stdout
    assert "  | " not in done.stdout  # details only with -vv
    more = envdeck("check", "platform", "-vv")
    assert f"  | {next(iter(tags.sys_tags()))}" in more.stdout


def test_json_for_machines() -> None:
    done = envdeck("check", "--json", "--project", str(REPO))
    document = json.loads(done.stdout)
    assert document["envdeck"] == __version__
    assert [r["name"] for r in document["results"]] == check_names()
    statuses = {r["name"]: r["status"] for r in document["results"]}
    assert statuses["python"] == "pass"
    assert set(statuses.values()) <= {"pass", "warn", "fail", "skip", "error"}
    assert done.returncode == (1 if "fail" in statuses.values() else 0)
    # Totals of every status, and one overall status: the worst there is.
    assert document["totals"] == {s: list(statuses.values()).count(s) for s in STATUSES}
    worst = next(s for s in ("fail", "error", "warn", "pass", "skip") if s in statuses.values())
    assert document["status"] == worst


def test_json_overall_status(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=99"\n')
    failing = json.loads(envdeck("check", "python", "--json", "--project", str(tmp_path)).stdout)
    assert failing["status"] == "fail"
    assert failing["totals"] == {"pass": 0, "warn": 0, "fail": 1, "skip": 0, "error": 0}
    both = envdeck("check", "python", "gitignore", "--json", "--project", str(REPO)).stdout
    assert json.loads(both)["status"] == "pass"
    assert json.loads(both)["totals"]["pass"] == 2


def test_a_failing_check_exits_1(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=99"\n')
    done = envdeck("check", "python", "--project", str(tmp_path))
    assert done.returncode == 1
    assert done.stdout.splitlines()[1].split()[:2] == ["fail", "python"]
    assert "outside the project's requires-python >=99" in done.stdout


def test_a_check_out_of_time_is_an_error_that_exits_0_unless_strict(tmp_path: Path) -> None:
    # An empty cache: the experiment runs, and takes longer than 0.01 s.
    fresh = {"ENVDECK_CACHE_DIR": str(tmp_path / "cache")}
    done = envdeck("check", "venv-relocation", "--timeout", "0.01", "--json", env=fresh)
    assert done.returncode == 0
    (result,) = json.loads(done.stdout)["results"]
    assert result["status"] == "error" and "timed out" in result["summary"]
    strict = envdeck("check", "venv-relocation", "--timeout", "0.01", "--strict", env=fresh)
    assert strict.returncode == 1
    assert strict.stdout.splitlines()[1].split()[:2] == ["error", "venv-relocation"]


def test_strict_counts_a_warning(tmp_path: Path) -> None:
    # A stale activation (VIRTUAL_ENV names another environment): venv warns, not fails.
    stale = {"VIRTUAL_ENV": str(tmp_path / "elsewhere")}
    plain = envdeck("check", "venv", env=stale)
    assert plain.stdout.splitlines()[1].split()[:2] == ["warn", "venv"], plain.stdout
    assert plain.returncode == 0
    assert envdeck("check", "venv", "--strict", env=stale).returncode == 1


def test_unknown_check_exits_2_with_the_valid_names() -> None:
    done = envdeck("check", "python", "pyhton")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "unknown check 'pyhton'" in done.stderr
    assert ", ".join(check_names()) in done.stderr


def test_check_options(tmp_path: Path) -> None:
    done = envdeck("check", "packages", "-o", "packages=packaging,docutils", "--json")
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout)["results"]
    assert list(result["facts"]) == ["packaging", "docutils"]
    missing = envdeck("check", "packages", "-o", "packages=envdeck-not-a-package")
    assert missing.returncode == 1
    no_taker = envdeck("check", "python", "-o", "packages=packaging")
    assert no_taker.returncode == 2
    assert "no selected check has the option 'packages' (an option of packages)" in no_taker.stderr
    bad = envdeck("check", "platform", "-o", "target=Not A Tag")
    assert bad.returncode == 2
    assert "expected a wheel platform tag" in bad.stderr
    malformed = envdeck("check", "platform", "-o", "target")
    assert malformed.returncode == 2 and "expected NAME=VALUE" in malformed.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert envdeck().returncode == 2
    assert envdeck("check", "--project", str(tmp_path / "nowhere")).returncode == 2
    bad_timeout = envdeck("check", "--timeout", "-1")
    assert bad_timeout.returncode == 2
    assert "expected a number of seconds above 0 and at most 3600" in bad_timeout.stderr


def test_list_names_every_check_and_its_options() -> None:
    done = envdeck("check", "--list")
    assert done.returncode == 0
    for name in check_names():
        assert f"\n{name}: " in "\n" + done.stdout
    assert "option target: A wheel platform tag" in done.stdout
    assert "option packages: Distribution names" in done.stdout
    assert "option venv: A venv's directory, absolute or relative to the project" in done.stdout
    assert "str(object=" not in done.stdout  # a bare `str` converter shows str's docstring
    # Plain text: the docstrings' reStructuredText markup does not reach the terminal.
    assert "``" not in done.stdout and ":ref:" not in done.stdout
    assert "outside the project's requires-python." in done.stdout
    assert all(len(line) <= 88 for line in done.stdout.splitlines()), done.stdout
    for name in check_names():
        for option, convert in get_check(name).options.items():
            assert convert.__module__.startswith("envdeck."), (name, option)
            assert convert.__doc__, (name, option)
    empty = envdeck("check", "venv-paths", "-o", "venv=")
    assert empty.returncode == 2
    assert "expected a venv directory such as .venv, got an empty value" in empty.stderr


def test_project_in_the_home_directory_is_shown_with_a_tilde(tmp_path: Path) -> None:
    home = tmp_path / "home" / "zed_learner"
    project = home / "course"
    project.mkdir(parents=True)
    env = {"HOME": str(home), "USER": "zed_learner", "LOGNAME": "zed_learner"}
    done = envdeck("check", "python", "--json", "--project", str(project), env=env)
    document = json.loads(done.stdout)
    assert document["project"] == "~/course"
    assert "zed_learner" not in done.stdout


def test_from_a_subdirectory_the_project_is_found_upwards(tmp_path: Path) -> None:
    # As uv does: `envdeck check` in course/src checks course (its pyproject.toml and
    # uv.lock), not src, where the lockfile check would skip.
    course = tmp_path / "course"
    (course / "src" / "pkg").mkdir(parents=True)
    (course / "pyproject.toml").write_text(
        '[project]\nname = "course"\nversion = "0"\nrequires-python = ">=3.10"\n'
        "dependencies = []\n\n[tool.uv]\npackage = false\n"
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
    }
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    locked = subprocess.run([uv, "lock", "--offline", "--quiet"], cwd=course, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert locked.returncode == 0, locked.stderr
    done = envdeck("check", "lockfile", "--json", cwd=course / "src" / "pkg")
    document = json.loads(done.stdout)
    assert document["project"].endswith("/course")
    (result,) = document["results"]
    assert result["status"] != "skip", result["summary"]
    assert result["facts"]["lockfile"].startswith("uv.lock, format version")
    # Given explicitly, --project is taken as it is.
    there = envdeck("check", "lockfile", "--json", "--project", ".", cwd=course / "src")
    assert json.loads(there.stdout)["results"][0]["status"] == "skip"
    # Without a project above, the current directory.
    alone = tmp_path / "alone"
    alone.mkdir()
    plain = json.loads(envdeck("check", "lockfile", "--json", cwd=alone).stdout)
    assert plain["project"].endswith("/alone")


def test_the_console_script() -> None:
    script = Path(sys.executable).parent / "envdeck"
    if not script.exists():
        pytest.skip("envdeck is not installed as a console script here")
    done = subprocess.run([str(script), "check", "python"], capture_output=True, text=True,
                          cwd=REPO, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "pass   python" in done.stdout


def test_pdf_subcommand_is_registered() -> None:
    pytest.importorskip("envdeck.pdf")
    done = envdeck("pdf", "--help")
    assert done.returncode == 0
    assert "usage: envdeck pdf" in done.stdout


def test_main_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "python", "--project", str(REPO)]) == 0
    assert "pass   python" in capsys.readouterr().out
    assert main(["check", "nope"]) == 2
    with pytest.raises(SystemExit) as version:
        main(["--version"])
    assert version.value.code == 0
    assert capsys.readouterr().out.strip() == f"envdeck {__version__}"


def test_closed_pipe_is_not_a_traceback() -> None:
    """`envdeck check | head`: the reader goes away before envdeck writes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "envdeck", "check", "--list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before the interpreter has even started: every write fails
    _out, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipeError" not in err, err.decode()
    assert proc.returncode == 0


def test_allow_env_shows_a_value_only_when_asked() -> None:
    from envdeck.checks import Redactor

    env = {"VIRTUAL_ENV": sys.prefix}
    hidden = envdeck("check", "venv", "--json", env=env)
    (result,) = json.loads(hidden.stdout)["results"]
    assert result["facts"]["VIRTUAL_ENV"] == "set, names this environment"
    shown = envdeck("check", "venv", "--json", "--allow-env", "VIRTUAL_ENV", env=env)
    (result,) = json.loads(shown.stdout)["results"]
    expected = Redactor.for_environment().text(sys.prefix)
    assert result["facts"]["VIRTUAL_ENV"] == f"set, names this environment: {expected}"


# --- for participants: colours, commands kept whole, -V -------------------------------


def in_a_terminal(*args: str, env: dict[str, str] | None = None) -> str:
    """Run envdeck with stdout on a real pseudo-terminal, as a participant's shell does."""
    import pty

    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update({"TERM": "xterm", **(env or {})})
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "envdeck", *args],
            stdout=terminal,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env=full_env,
        )
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=120) in (0, 1), proc.stderr.read() if proc.stderr else ""
    finally:
        os.close(controller)
    return b"".join(chunks).decode()


GREEN_PASS = "\x1b[32mpass\x1b[0m"


def test_status_words_are_coloured_in_a_terminal_only() -> None:
    shown = in_a_terminal("check", "python")
    assert GREEN_PASS in shown, repr(shown)
    assert "\x1b[32m1 pass\x1b[0m (" in shown  # the closing tally too
    # NO_COLOR turns colours off, even in a terminal (https://no-color.org)
    assert "\x1b[" not in in_a_terminal("check", "python", env={"NO_COLOR": "1"})
    # not a terminal (a pipe, a file): plain, unless FORCE_COLOR asks
    assert "\x1b[" not in envdeck("check", "python").stdout
    assert GREEN_PASS in envdeck("check", "python", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in envdeck("check", "python", "--json", env={"FORCE_COLOR": "1"}).stdout


def test_a_command_to_copy_is_never_wrapped(tmp_path: Path) -> None:
    # A staged .venv: the summary tells the participant to run `git rm -r --cached .venv`.
    repo = tmp_path / "course"
    (repo / ".venv").mkdir(parents=True)
    (repo / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    command = "`git rm -r --cached .venv`"
    for columns in range(60, 101, 4):
        done = envdeck("check", "gitignore", "--project", str(repo), env={"COLUMNS": str(columns)})
        lines = done.stdout.splitlines()
        assert any(command in line for line in lines), f"COLUMNS={columns}:\n{done.stdout}"
        assert all(len(line) <= columns for line in lines if "`" not in line), done.stdout


def test_short_version_flag() -> None:
    for flag in ("-V", "--version"):
        done = envdeck(flag)
        assert done.returncode == 0
        assert done.stdout.strip() == f"envdeck {__version__}"
