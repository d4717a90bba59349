"""The ``lockfile`` and ``freeze`` checks and the uv.lock reader, on real uv projects."""

from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

import pytest
from browser_support import serve
from test_checks_support import (
    REPO,
    _no_outside_project_environment,  # noqa: F401
    empty_path,
    git,
    install,
    make_wheel,
    needs_uv,
    uv,
)

from envdeck.checks import CheckContext, CheckResult, Redactor, Status, run_check, uvlock
from envdeck.checks.locking import declared_differences, pins
from envdeck.checks.uvlock import LockError, read_lock

PYPROJECT = """\
[project]
name = "course"
version = "0"
requires-python = ">=3.10"
dependencies = ["{requirement}"]

[tool.uv]
package = false
find-links = ["wheels"]
no-index = true
"""


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A uv project locked and synced offline against wheels made here."""
    project = tmp_path / "course"
    wheels = project / "wheels"
    make_wheel(wheels, "demo", "1.0")
    make_wheel(wheels, "demo", "2.0")
    make_wheel(wheels, "extra", "1.0")
    (project / "pyproject.toml").write_text(PYPROJECT.format(requirement="demo==1.0"))
    uv("lock", "--offline", "--python", sys.executable, "--quiet", cwd=project)
    uv("sync", "--offline", "--python", sys.executable, "--quiet", cwd=project)
    return project


def test_lockfile_of_this_course_passes(course_environment: str) -> None:
    result = run_check("lockfile", CheckContext(project=REPO, timeout=30))
    assert result.status is Status.PASS, result.summary
    lock = read_lock(REPO / "uv.lock")
    artifacts = sum(p.artifacts for p in lock.third_party)
    assert (
        result.facts["hashes"]
        == f"{artifacts} of {artifacts} distributions (sdists and wheels) hashed"
    )
    assert result.facts["fresh"] == "up to date with pyproject.toml (uv lock --check)"
    assert result.facts["environment"].endswith(f"(the project's {course_environment})")
    assert f"uv.lock pins {pins(lock)}, all hashed, fresh" in result.summary
    # uv locks some packages once per resolution fork: the count is of names.
    names = len({p.name for p in lock.packages})
    assert pins(lock).startswith(f"{names} packages")
    if names != len(lock.packages):
        assert pins(lock) == f"{names} packages ({len(lock.packages)} entries)"
        assert result.facts["packages"].endswith(
            f"; {len(lock.packages)} entries: some locked at several versions"
        )


def test_lockfile_with_local_wheels_is_unhashed_and_warns(course: Path) -> None:
    result = run_check("lockfile", CheckContext(project=course, timeout=30))
    assert result.status is Status.WARN, result.summary
    assert result.summary == "1 package without hashes (demo)"
    assert result.facts["packages"] == "2 (1 third-party, 1 the project's own)"
    assert result.facts["hashes"] == "0 of 1 distributions (sdists and wheels) hashed"
    assert result.facts["installed"] == "1 of 1 locked packages at the locked version"
    assert result.facts["fresh"].startswith("up to date")


def test_stale_lockfile_fails(course: Path) -> None:
    (course / "pyproject.toml").write_text(PYPROJECT.format(requirement="demo>=2"))
    result = run_check("lockfile", CheckContext(project=course, timeout=30))
    assert result.status is Status.FAIL
    assert "uv.lock is out of date with pyproject.toml (run `uv lock`)" in result.summary
    assert result.facts["fresh"].startswith("out of date")


def test_uv_s_answer_is_kept_until_what_uv_reads_changes(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uv on PATH is a script that counts its runs, then runs the real uv.
    real = needs_uv()
    folder = tmp_path / "counting-bin"
    folder.mkdir()
    runs_log = tmp_path / "uv-runs"
    script = folder / "uv"
    script.write_text(f'#!/bin/sh\necho run >> "{runs_log}"\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")

    def lockfile() -> CheckResult:
        return run_check("lockfile", CheckContext(project=course, timeout=30))

    def runs() -> int:
        return len(runs_log.read_text().splitlines()) if runs_log.exists() else 0

    first = lockfile()
    assert first.facts["fresh"] == "up to date with pyproject.toml (uv lock --check)"
    assert runs() == 1
    again = lockfile()
    assert runs() == 1
    assert (again.status, again.summary, again.facts) == (first.status, first.summary, first.facts)
    # An edit uv would see: asked again, and its new answer shown.
    (course / "pyproject.toml").write_text(PYPROJECT.format(requirement="demo>=2"))
    assert lockfile().status is Status.FAIL
    assert runs() == 2
    # Back as it was: the first answer, kept.
    (course / "pyproject.toml").write_text(PYPROJECT.format(requirement="demo==1.0"))
    assert lockfile().facts == first.facts
    assert runs() == 2
    # uv's own settings (a UV_ environment value, a user's uv.toml) count too.
    monkeypatch.setenv("UV_EXCLUDE_NEWER", "2030-01-01T00:00:00Z")
    lockfile()
    assert runs() == 3
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    lockfile()
    assert runs() == 4
    (tmp_path / "config" / "uv").mkdir(parents=True)
    (tmp_path / "config" / "uv" / "uv.toml").write_text("offline = true\n")
    lockfile()
    assert runs() == 5


def test_an_answer_uv_could_not_give_offline_is_not_kept(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("ENVDECK_CACHE_DIR", str(cache))
    (course / "pyproject.toml").write_text(PYPROJECT.format(requirement='notthere", "demo==1.0'))
    for _ in range(2):
        result = run_check("lockfile", CheckContext(project=course, timeout=30))
        assert result.facts["uv lock --check"].startswith("could not be checked offline")
    assert not list((cache / "uv-lock-check").glob("*"))
    (course / "pyproject.toml").write_text(PYPROJECT.format(requirement="demo==1.0"))
    run_check("lockfile", CheckContext(project=course, timeout=30))
    assert len(list((cache / "uv-lock-check").glob("*"))) == 1


def test_installed_version_differing_from_the_lock_fails(course: Path) -> None:
    install(course / ".venv" / "bin" / "python", course / "wheels" / "demo-2.0-py3-none-any.whl")
    result = run_check("lockfile", CheckContext(project=course, timeout=30))
    assert result.status is Status.FAIL
    assert "1 installed package differs from the lock (demo 2.0 (locked 1.0))" in result.summary
    assert result.facts["version mismatches"] == "demo 2.0 (locked 1.0)"


def test_package_installed_by_hand_warns(course: Path) -> None:
    install(course / ".venv" / "bin" / "python", course / "wheels" / "extra-1.0-py3-none-any.whl")
    result = run_check("lockfile", CheckContext(project=course, timeout=30))
    assert result.status is Status.WARN
    assert "1 package installed outside the lock (extra)" in result.summary
    assert result.facts["not in the lock"] == "extra"


def test_missing_lockfile_fails(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.format(requirement="demo"))
    result = run_check("lockfile", CheckContext(project=tmp_path))
    assert result.status is Status.FAIL
    assert result.summary.startswith("no uv.lock")


def test_unreadable_lockfile_fails(course: Path) -> None:
    (course / "uv.lock").write_text('version = 1\n[[package]\nname = "demo"\n')
    result = run_check("lockfile", CheckContext(project=course, timeout=30))
    assert result.status is Status.FAIL
    assert result.summary.startswith("uv.lock cannot be read")


def test_no_python_project_skips(tmp_path: Path) -> None:
    result = run_check("lockfile", CheckContext(project=tmp_path))
    assert result.status is Status.SKIP
    assert "no pyproject.toml and no uv.lock" in result.summary


def test_freshness_without_uv_compares_pyproject_with_the_lock(
    course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", empty_path(course))
    result = run_check("lockfile", CheckContext(project=course))
    assert result.facts["uv lock --check"] == "not checked: uv is not installed (not found on PATH)"
    # No difference found proves nothing (markers, [tool.uv] are not compared).
    assert result.facts["fresh"] == "not checked: uv is not installed (not found on PATH)"
    assert result.facts["requirements"] == (
        "no difference found between pyproject.toml's requirements and uv.lock's record of "
        "them (markers, [tool.uv] not compared)"
    )
    assert result.status is Status.WARN  # for the unhashed wheel, not for freshness
    assert result.summary == "1 package without hashes (demo)"
    (course / "pyproject.toml").write_text(PYPROJECT.format(requirement="demo>=2"))
    result = run_check("lockfile", CheckContext(project=course))
    assert result.status is Status.FAIL
    assert result.summary == (
        "uv.lock is out of date with pyproject.toml (dependencies: demo>=2 (uv.lock: "
        "demo==1.0)): run `uv lock`"
    )


def test_marker_only_edit_without_uv_is_not_called_fresh(
    course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uv says stale; the comparison without uv cannot see markers: not fresh, not a pass.
    marked = PYPROJECT.format(requirement="demo==1.0; python_version < '3.99'")
    (course / "pyproject.toml").write_text(marked)
    judged = uv("lock", "--check", "--offline", "--python", sys.executable, cwd=course,
                check=False)  # fmt: skip
    assert judged.returncode != 0 and "needs to be updated" in judged.stderr, judged.stderr
    # Hashed or not, no pass may call it fresh: drop the unhashed wheel's warning.
    text = (course / "uv.lock").read_text()
    monkeypatch.setattr(
        "envdeck.checks.locking._load_lock",
        lambda project: _hashed(read_lock(project / "uv.lock")),
    )
    monkeypatch.setenv("PATH", empty_path(course))
    assert declared_differences(course) == []
    result = run_check("lockfile", CheckContext(project=course))
    assert (course / "uv.lock").read_text() == text
    assert result.facts["fresh"].startswith("not checked")
    assert "fresh" not in result.summary and "matching" not in result.summary
    assert "match" not in result.facts["fresh"]
    assert "not compared" in result.facts["requirements"]


def _hashed(lock: uvlock.Lock) -> uvlock.Lock:
    for package in lock.packages:
        package.hashed = package.artifacts
    return lock


def test_freshness_uv_cannot_decide_offline_falls_back_to_the_comparison(course: Path) -> None:
    # A new requirement that is nowhere offline: uv cannot resolve, so it cannot say.
    (course / "pyproject.toml").write_text(PYPROJECT.format(requirement='notthere", "demo==1.0'))
    result = run_check("lockfile", CheckContext(project=course, timeout=30))
    assert result.facts["uv lock --check"].startswith("could not be checked offline")
    assert result.status is Status.FAIL
    assert "(dependencies: notthere (uv.lock: nothing)): run `uv lock`" in result.summary
    assert "uv could not check offline" in result.facts["fresh"]


RICH = """\
[project]
name = "Course_X"
version = "0"
requires-python = "~=3.10"
dependencies = ["demo~=1.0; python_version < '3.99'", "Extra[foo]>=1"]

[project.optional-dependencies]
Fast_Mode = ["tool>=1; python_version >= '3.10'"]

[dependency-groups]
test = ["tool"]
dev = [{include-group = "test"}, "demo"]

[tool.uv]
package = false
find-links = ["wheels"]
no-index = true
dev-dependencies = ["extra"]
"""


@pytest.mark.parametrize(
    ("old", "new", "difference"),
    [
        ("demo~=1.0", "demo>=2", "dependencies: demo>=2 (uv.lock: demo~=1.0)"),
        ("Extra[foo]>=1", "Extra>=1", "dependencies: extra>=1 (uv.lock: extra[foo]>=1)"),
        ('Fast_Mode = ["tool>=1', 'Fast_Mode = ["tool==1.0', "extra fast-mode: tool==1.0"),
        ('test = ["tool"]', 'test = ["tool>=1"]', "group test: tool>=1 (uv.lock: tool)"),
        ('dev-dependencies = ["extra"]', "dev-dependencies = []", "group dev: nothing"),
        ('"~=3.10"', '">=3.9"', "requires-python >=3.9 (uv.lock: >=3.10, <4)"),
    ],
    ids=["specifier", "extras", "optional", "group", "legacy-dev", "requires-python"],
)
def test_comparison_without_uv_agrees_with_uv(
    tmp_path: Path, old: str, new: str, difference: str
) -> None:
    # uv itself is the judge: every edit here makes `uv lock --check` say stale, and
    # the unedited project (markers, ~=, extras, groups that include groups) is fresh.
    project = tmp_path / "rich"
    for name, version in [("demo", "1.0"), ("demo", "2.0"), ("extra", "1.0"), ("tool", "1.0")]:
        make_wheel(project / "wheels", name, version)
    (project / "pyproject.toml").write_text(RICH)
    uv("lock", "--offline", "--python", sys.executable, "--quiet", cwd=project)
    assert declared_differences(project) == []
    assert RICH.count(old) == 1
    (project / "pyproject.toml").write_text(RICH.replace(old, new))
    judged = uv("lock", "--check", "--offline", "--python", sys.executable, cwd=project,
                check=False)  # fmt: skip
    assert judged.returncode != 0 and "needs to be updated" in judged.stderr, judged.stderr
    differences = declared_differences(project)
    assert differences is not None and len(differences) >= 1
    assert any(d.startswith(difference) for d in differences), differences


def test_comparison_of_this_course_finds_no_difference() -> None:
    assert declared_differences(REPO) == []


# --- the uv.lock reader -------------------------------------------------------------------


def test_the_reader_reads_this_course_lock() -> None:
    lock = read_lock(REPO / "uv.lock")
    assert lock.parser == ("tomllib" if sys.version_info >= (3, 11) else "tomli")
    names = {p.name for p in lock.packages}
    assert {"sphinx", "packaging", "envdeck"} <= names
    assert [p.source for p in lock.packages if p.name == "envdeck"] == ["editable"]
    assert all(p.hashed == p.artifacts for p in lock.third_party)
    assert lock.requires_python == ">=3.10, <3.14"
    assert len(lock.packages) == REPO.joinpath("uv.lock").read_text().count("[[package]]")


def test_the_reader_rejects_what_is_not_a_lock(tmp_path: Path) -> None:
    path = tmp_path / "uv.lock"
    path.write_text('[[package]]\nname = "demo"\n')
    with pytest.raises(LockError, match=r"not a uv\.lock"):
        read_lock(path)


# --- freeze -------------------------------------------------------------------------------


def test_freeze_of_this_course_against_its_lock(course_environment: str) -> None:
    result = run_check("freeze", CheckContext(project=REPO))
    assert result.status is Status.PASS, result.summary
    lock = read_lock(REPO / "uv.lock")
    hashes = sum(p.hashed for p in lock.third_party)
    assert result.facts["hashes"] == f"lock: {hashes}; freeze: none"
    assert result.facts["markers"].endswith(f"{lock.forks} resolution forks; freeze: none")
    lines = result.details.splitlines()
    assert f"packaging=={metadata.version('packaging')}" in lines
    assert all("==" in line or line.startswith("-e ") for line in lines)
    pinned = sum(1 for line in lines if "==" in line)
    own = [line for line in lines if line.startswith("-e ")]
    assert own == [f"-e {REPO}"], own  # uv installs the project itself editable
    assert result.facts["freeze lines"] == (
        f"{len(lines)} ({pinned} name==version lines, 1 local path)"
    )
    # The project's own line is a path on this machine: the summary says so.
    assert result.summary.startswith(
        f"a freeze records {pinned} name==version lines and `-e {REPO}`, a path only this "
        "machine has, and nothing else;"
    ), result.summary
    assert result.facts["the project's own"] == f"-e {REPO}: a path on this machine only"


def test_freeze_names_a_local_wheel_path_and_warns(course: Path) -> None:
    wheel = course / "wheels" / "extra-1.0-py3-none-any.whl"
    install(course / ".venv" / "bin" / "python", wheel)
    result = run_check("freeze", CheckContext(project=course))
    assert result.status is Status.WARN
    assert "the freeze names 1 local path that exists only on this machine" in result.summary
    assert "demo==1.0" in result.details.splitlines()
    assert any(line.startswith("extra @ file://") for line in result.details.splitlines())
    assert result.facts["only in the freeze"] == "extra"
    assert result.facts["hashes"] == "lock: 0; freeze: none"


def test_freeze_without_a_lockfile(course: Path) -> None:
    (course / "uv.lock").unlink()
    result = run_check("freeze", CheckContext(project=course))
    assert result.status is Status.PASS
    assert result.details == "demo==1.0"
    assert result.facts["lockfile"] == "none to compare (no readable uv.lock)"
    assert result.summary.startswith("a freeze records 1 name==version line:")


@pytest.mark.parametrize(
    "text",
    [
        'version = 1\n[[package]\nname = "demo"\n',
        'version = 1\n[[package]]\nname = "demo\n',
        'version = 1\n[[package]]\nname = "demo"\nwheels = [\n    { url = "x" },\n',
        'version = 1\n[[package]]\nversion = "1.0"\n',
    ],
    ids=["header", "string", "array", "nameless"],
)
def test_the_reader_rejects_a_broken_lock(tmp_path: Path, text: str) -> None:
    path = tmp_path / "uv.lock"
    path.write_text(text)
    with pytest.raises(LockError, match=r"not valid TOML|without a name"):
        read_lock(path)


# --- sources other than an index: all locked -------------------------------------------

#: A package whose version is dynamic, as envdeck's own: uv.lock then records no
#: version for a path, directory or editable source.
DYNAMIC = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{name}"
dynamic = ["version"]
requires-python = ">=3.10"
dependencies = [{dependencies}]

[tool.hatch.version]
path = "src/{module}/__init__.py"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]
"""


def make_package(directory: Path, name: str, dependencies: str = "") -> Path:
    module = name.replace("-", "_")
    (directory / "src" / module).mkdir(parents=True)
    (directory / "src" / module / "__init__.py").write_text('__version__ = "1.2"\n')
    (directory / "pyproject.toml").write_text(
        DYNAMIC.format(name=name, module=module, dependencies=dependencies)
    )
    return directory


#: uv's words when it needed the network and was told not to use it
NEEDS_NETWORK = ("Network connectivity is disabled", "the network was disabled")
#: uv's words when it cannot reach an index
NO_NETWORK = ("error sending request", "Failed to fetch", "dns error", "Network is unreachable")


def uv_offline(*args: str, cwd: Path) -> None:
    """A uv command that builds packages: offline where uv's cache has the build backend
    (building this repository put hatchling there), else from the index (a Python whose
    hatchling dependencies the cache lacks)."""
    common = ("--python", sys.executable, "--quiet")
    done = uv(*args, "--offline", *common, cwd=cwd, check=False)
    if done.returncode != 0 and any(words in done.stderr for words in NEEDS_NETWORK):
        done = uv(*args, *common, cwd=cwd, check=False)
        if done.returncode != 0 and any(words in done.stderr for words in NO_NETWORK):
            pytest.skip(f"`uv {args[0]}` needs a package index, unreachable here: {done.stderr}")
    assert done.returncode == 0, done.stderr


def add_source(kind: str, tmp_path: Path, course: Path) -> str:
    """Make the course depend on a package ``dep`` from a source of ``kind``, as
    `uv add` writes it; returns the name the lock gives it."""
    dep = make_package(tmp_path / "dep", "dep")
    if kind == "path":
        uv_offline("add", "../dep", cwd=course)
    elif kind == "editable":
        uv_offline("add", "--editable", "../dep", cwd=course)
    elif kind == "git":
        git("init", "-q", cwd=dep)
        git("add", ".", cwd=dep)
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "dep", cwd=dep)
        uv_offline("add", f"git+{dep.as_uri()}", cwd=course)
    elif kind == "url":
        uv_offline("build", "--sdist", "--out-dir", str(tmp_path / "dist"), cwd=dep)
        # A URL source over HTTP, from a server on this machine: not the network.
        with serve(tmp_path / "dist") as url:
            done = uv("add", "--python", sys.executable, "--quiet", f"{url}/dep-1.2.tar.gz",
                      cwd=course)  # fmt: skip
            assert done.returncode == 0, done.stderr
    elif kind == "workspace member":
        make_package(course / "packages" / "dep", "dep")
        with (course / "pyproject.toml").open("a") as pyproject:
            pyproject.write('\n[tool.uv.workspace]\nmembers = ["packages/*"]\n')
        uv_offline("add", "dep", cwd=course)
    elif kind == "the project itself":
        uv_offline("sync", cwd=course)
        return "course"
    return "dep"


SOURCE_KINDS = ["path", "editable", "git", "url", "workspace member", "the project itself"]


@pytest.mark.parametrize("kind", SOURCE_KINDS)
def test_packages_from_every_kind_of_source_count_as_locked(tmp_path: Path, kind: str) -> None:
    course = make_package(tmp_path / "course", "course")
    name = add_source(kind, tmp_path, course)
    lock = read_lock(course / "uv.lock")
    (locked,) = [p for p in lock.packages if p.name == name]
    if kind in ("path", "editable"):
        assert locked.version is None  # a dynamic version: uv locks none
    result = run_check("lockfile", CheckContext(project=course, timeout=60))
    assert result.status is Status.PASS, (result.summary, result.facts)
    assert "not in the lock" not in result.facts
    assert "installed outside the lock" not in result.summary
    assert [p.name for p in lock.own] == (
        ["course", "dep"] if kind == "workspace member" else ["course"]
    )


def test_freeze_names_dependencies_from_this_machine(tmp_path: Path) -> None:
    course = make_package(tmp_path / "course", "course")
    add_source("editable", tmp_path, course)
    result = run_check("freeze", CheckContext(project=course, timeout=60))
    # An editable path dependency is not the project's own: the freeze cannot rebuild it.
    assert result.status is Status.WARN, result.summary
    redact = Redactor.for_environment(frozenset()).text  # results hide the user's name
    assert result.facts["local paths"] == redact(f"-e {tmp_path / 'dep'}")
    assert result.facts["the project's own"] == redact(f"-e {course}: a path on this machine only")
