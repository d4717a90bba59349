"""The check library's API: results, the registry, run_check's guarantees, fingerprints."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from test_checks_support import (
    REPO,
    _no_outside_project_environment,  # noqa: F401
    install,
    make_venv,
    make_wheel,
)

import envdeck.checks
from envdeck.checks import (
    Check,
    CheckContext,
    CheckResult,
    Outcome,
    Status,
    base,
    check_names,
    fingerprint,
    get_check,
    inputs,
    run_check,
)
from envdeck.checks.base import Findings
from envdeck.checks.environment import env_of_program
from envdeck.checks.tools import run
from envdeck.checks.values import flag_word

ALL = [
    "python", "platform", "venv", "venv-paths", "venv-relocation", "gitignore",
    "lockfile", "freeze", "system-libs", "gpu", "jupyter", "ide", "packages",
]  # fmt: skip


def test_the_thirteen_checks_in_order() -> None:
    assert check_names() == ALL
    for name in ALL:
        check = get_check(name)
        assert isinstance(check, Check)
        assert check.name == name
        assert check.title and check.description
        assert callable(check.func)
        assert set(check.depends_on) <= set(inputs.INPUTS)


def test_status_values() -> None:
    assert [s.value for s in Status] == ["pass", "warn", "fail", "skip", "error"]
    assert Status("fail") is Status.FAIL
    assert Status.PASS == "pass"  # a str enum: JSON and templates see plain strings


def test_result_round_trips_through_json() -> None:
    result = CheckResult(
        name="venv",
        status=Status.WARN,
        title="T",
        summary="one line",
        facts={"b": "2", "a": "1"},
        details="x\ny",
        duration=0.25,
        key_facts=("b",),
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data["status"] == "warn"
    assert list(data["facts"]) == ["b", "a"]  # order kept
    assert CheckResult.from_dict(data) == result


def test_from_dict_tolerates_old_or_odd_data() -> None:
    result = CheckResult.from_dict({"name": "x", "status": "exploded"})
    assert result.status is Status.ERROR
    assert result.facts == {} and result.key_facts == () and result.duration == 0.0


def test_get_check_unknown_name_is_a_key_error_naming_the_checks() -> None:
    with pytest.raises(KeyError, match="the checks are: python, platform"):
        get_check("nope")


def test_run_check_unknown_name_is_an_error_result() -> None:
    result = run_check("nope", CheckContext(project=REPO))
    assert result.status is Status.ERROR
    assert "unknown check 'nope'" in result.summary and "venv-paths" in result.summary


def test_run_check_times_and_names_the_result() -> None:
    result = run_check("python", CheckContext(project=REPO))
    assert result.name == "python" and result.title == get_check("python").title
    assert result.duration > 0
    assert result.key_facts == get_check("python").key_facts


def test_unknown_option_is_an_error_naming_the_valid_ones() -> None:
    result = run_check("gitignore", CheckContext(project=REPO, options={"paht": ".venv"}))
    assert result.status is Status.ERROR
    assert "unknown option 'paht'" in result.summary and "path" in result.summary


def test_bad_option_value_is_an_error_with_the_converter_message() -> None:
    result = run_check("venv-relocation", CheckContext(project=REPO, options={"tool": "conda"}))
    assert result.status is Status.ERROR
    assert "'auto', 'uv', 'uv-relocatable', 'venv'" in result.summary


@pytest.fixture
def temporary_check() -> Iterator[Any]:
    """Register checks for one test (the real registry, cleaned up after)."""
    added: list[str] = []

    def add(name: str, func: Any, **kwargs: Any) -> None:
        base.register(Check(name=name, title=name, description="test", func=func, **kwargs))
        added.append(name)

    yield add
    for name in added:
        del base._REGISTRY[name]


def test_a_crashing_check_is_an_error_not_an_exception(temporary_check: Any) -> None:
    def crash(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
        raise ZeroDivisionError("boom")

    temporary_check("crash", crash)
    result = run_check("crash", CheckContext(project=REPO))
    assert result.status is Status.ERROR
    assert "ZeroDivisionError: boom" in result.summary


def test_a_check_stuck_in_python_is_abandoned_after_the_timeout(temporary_check: Any) -> None:
    def stuck(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
        time.sleep(60)
        return Outcome(Status.PASS, "never")

    temporary_check("stuck", stuck)
    start = time.monotonic()
    result = run_check("stuck", CheckContext(project=REPO, timeout=0.2))
    elapsed = time.monotonic() - start
    assert result.status is Status.ERROR and "timed out after 0.2 s" in result.summary
    assert elapsed < 0.2 + base.TIMEOUT_MARGIN + 1.0


def test_a_hanging_program_is_killed_with_its_children(
    temporary_check: Any, tmp_path: Path
) -> None:
    marker = tmp_path / "pid"
    code = (
        "import subprocess, sys, time; "
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        f"open({str(marker)!r}, 'w').write(str(child.pid)); time.sleep(60)"
    )

    def hang(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
        run([sys.executable, "-c", code])
        return Outcome(Status.PASS, "never")

    temporary_check("hang", hang)
    start = time.monotonic()
    result = run_check("hang", CheckContext(project=REPO, timeout=1.5))
    assert time.monotonic() - start < 1.5 + base.TIMEOUT_MARGIN
    assert result.status is Status.ERROR and "timed out" in result.summary
    grandchild = int(marker.read_text())
    # the whole process group was killed: the grandchild is gone (or a zombie being reaped)
    for _ in range(50):
        state = subprocess.run(["ps", "-o", "stat=", "-p", str(grandchild)],
                               capture_output=True, text=True).stdout.strip()  # fmt: skip
        if not state or state.startswith("Z"):
            break
        time.sleep(0.1)
    assert not state or state.startswith("Z")


def test_a_missing_tool_is_a_skip_with_the_reason(temporary_check: Any) -> None:
    def needs_tool(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
        run(["envdeck-no-such-tool", "--version"])
        return Outcome(Status.PASS, "never")

    temporary_check("tool", needs_tool)
    result = run_check("tool", CheckContext(project=REPO))
    assert result.status is Status.SKIP
    assert result.summary == "envdeck-no-such-tool is not installed (not found on PATH)"


def test_relative_project_is_made_absolute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = run_check("venv-paths", CheckContext(project=Path(".")))
    assert result.facts["venv"].startswith(str(REPO / ".venv"))


# --- fingerprints -------------------------------------------------------------------------


def test_fingerprint_is_stable_and_cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = CheckContext(project=REPO)

    def no_subprocess(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("fingerprint ran a program")

    monkeypatch.setattr(subprocess, "Popen", no_subprocess)
    start = time.perf_counter()
    prints = {name: fingerprint(name, ctx) for name in check_names()}
    assert time.perf_counter() - start < 2.0
    assert prints == {name: fingerprint(name, ctx) for name in check_names()}
    assert len(set(prints.values())) == len(prints)  # the name is part of it
    assert fingerprint("nope", ctx)  # never raises


def test_fingerprint_follows_options_and_allowlist() -> None:
    plain = fingerprint("packages", CheckContext(project=REPO))
    assert fingerprint("packages", CheckContext(project=REPO, options={"packages": "x"})) != plain
    allowed = CheckContext(project=REPO, env_allowlist=frozenset({"HOME"}))
    assert fingerprint("packages", allowed) != plain


def test_fingerprint_follows_the_project_files(tmp_path: Path) -> None:
    ctx = CheckContext(project=tmp_path)
    before = {name: fingerprint(name, ctx) for name in ("python", "lockfile", "gitignore")}
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.9"\n')
    after_pyproject = {name: fingerprint(name, ctx) for name in before}
    assert after_pyproject["python"] != before["python"]
    assert after_pyproject["lockfile"] != before["lockfile"]
    assert after_pyproject["gitignore"] == before["gitignore"]
    (tmp_path / "uv.lock").write_text("version = 1\n")
    assert fingerprint("lockfile", ctx) != after_pyproject["lockfile"]
    assert fingerprint("python", ctx) == after_pyproject["python"]
    (tmp_path / ".gitignore").write_text(".venv/\n")
    assert fingerprint("gitignore", ctx) != before["gitignore"]
    other = CheckContext(project=tmp_path / "elsewhere")
    assert fingerprint("lockfile", other) != fingerprint("lockfile", ctx)


def test_fingerprint_follows_installed_distributions(tmp_path: Path) -> None:
    """An install into the environment changes the fingerprint of checks that depend on it."""
    python = make_venv(tmp_path / "env")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
        "from envdeck.checks import CheckContext, fingerprint; "
        "print(fingerprint('freeze', CheckContext(project=Path(sys.argv[2]))), "
        "fingerprint('python', CheckContext(project=Path(sys.argv[2]))))"
    )
    import packaging

    def prints() -> list[str]:
        env = {"PYTHONPATH": str(Path(packaging.__file__).parent.parent)}
        out = subprocess.run([str(python), "-c", code, str(REPO / "src"), str(tmp_path)],
                             capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
        assert out.returncode == 0, out.stderr
        return out.stdout.split()

    before = prints()
    install(python, make_wheel(tmp_path / "wheels", "demo", "1.0"))
    after = prints()
    assert after[0] != before[0]  # freeze depends on the distributions
    assert after[1] == before[1]  # python does not


def test_public_api_exports() -> None:
    for name in ("Status", "CheckResult", "CheckContext", "Check", "check_names", "get_check",
                 "run_check", "fingerprint"):  # fmt: skip
        assert name in envdeck.checks.__all__


def test_checks_do_not_import_sphinx() -> None:
    code = "import sys, envdeck.checks, envdeck.cli; print('sphinx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_findings_fail_before_warn_before_pass() -> None:
    found = Findings({"a": "1"})
    assert found.outcome("all good") == Outcome(Status.PASS, "all good", {"a": "1"})
    found.warns += ["w1", "w2"]
    warned = found.outcome("all good", warn_prefix="X: ", warn_suffix=", really")
    assert (warned.status, warned.summary) == (Status.WARN, "X: w1; w2, really")
    found.fails.append("f1")
    found.details = "more"
    failed = found.outcome("all good", fail_prefix="broken: ")
    assert (failed.status, failed.summary, failed.details) == (Status.FAIL, "broken: f1", "more")
    assert failed.facts is found.facts


def test_env_of_program_reads_posix_and_windows_paths() -> None:
    assert env_of_program("/old/.venv/bin/python") == Path("/old/.venv")
    assert str(env_of_program("C:\\envs\\v\\Scripts\\python.exe")) == "C:\\envs\\v"
    assert env_of_program(Path("/opt/py/python3")) == Path("/opt/py")


@pytest.mark.parametrize(
    ("word", "flag"),
    [("yes", True), (" ON ", True), ("1", True), ("no", False), ("Off", False), ("", False),
     ("maybe", None)],
)  # fmt: skip
def test_flag_word(word: str, flag: bool | None) -> None:
    assert flag_word(word) is flag
