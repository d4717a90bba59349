"""The ``gitignore`` check, on real git repositories in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_checks_support import (
    _no_outside_project_environment,  # noqa: F401
    empty_path,
    git,
    make_venv,
)

from envdeck.checks import CheckContext, Redactor, Status, fingerprint, run_check


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # No global git configuration (excludes files, identities) of whoever runs the tests.
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(var, "Course Author")
    for var in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(var, "author@example.invalid")
    project = tmp_path / "course"
    project.mkdir()
    git("init", "-q", cwd=project)
    (project / "lesson.md").write_text("# Lesson\n")
    return project


def _venv_dir(project: Path) -> None:
    # A plain directory shaped like a venv: no `.gitignore` inside (unlike uv's).
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (project / ".venv" / "bin" / "python").write_text("")


def test_ignored_venv_passes(repo: Path) -> None:
    _venv_dir(repo)
    (repo / ".gitignore").write_text("__pycache__/\n.venv/\n")
    result = run_check("gitignore", CheckContext(project=repo))
    assert result.status is Status.PASS, result.summary
    assert result.facts["ignored"] == "yes, by .gitignore:2 (.venv/)"
    assert result.facts["tracked files"] == "none"
    assert result.facts["path"] == ".venv (exists)"
    assert result.facts["repository"] == Redactor.for_environment().text(str(repo))


def test_venv_ignored_only_by_the_gitignore_uv_writes_into_it(repo: Path) -> None:
    make_venv(repo / ".venv")
    result = run_check("gitignore", CheckContext(project=repo))
    assert result.status is Status.PASS
    assert result.facts["ignored"].startswith("yes, by .venv/.gitignore:")
    assert "uv writes one" in result.facts["ignored"]


def test_unignored_venv_warns(repo: Path) -> None:
    _venv_dir(repo)
    result = run_check("gitignore", CheckContext(project=repo))
    assert result.status is Status.WARN
    assert result.facts["ignored"] == "no"
    assert ".venv is not ignored by git: `git add .` would commit it" in result.summary


def test_absent_venv_would_not_be_ignored_warns(repo: Path) -> None:
    result = run_check("gitignore", CheckContext(project=repo))
    assert result.status is Status.WARN
    assert result.facts["path"] == ".venv (absent)"
    assert "would not be ignored" in result.summary


def test_tracked_venv_fails_even_when_ignored_later(repo: Path) -> None:
    _venv_dir(repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "oops: the venv", cwd=repo)
    (repo / ".gitignore").write_text(".venv/\n")  # too late: its files stay tracked
    result = run_check("gitignore", CheckContext(project=repo))
    assert result.status is Status.FAIL
    assert result.facts["tracked files"].startswith("2 (")
    assert result.facts["tracked files"].endswith(": 2 committed, 0 staged, not committed")
    assert "2 files of .venv are committed to git;" in result.summary
    assert "git rm -r --cached .venv" in result.summary
    assert result.facts["ignored"] == "yes, by .gitignore:1 (.venv/)"


def test_staged_venv_is_called_staged_not_committed(repo: Path) -> None:
    _venv_dir(repo)
    git("add", ".", cwd=repo)  # staged, and no commit at all yet (no HEAD)
    result = run_check("gitignore", CheckContext(project=repo))
    assert result.status is Status.FAIL
    assert "committed to git" not in result.summary
    assert result.summary.startswith(
        "2 files of .venv are staged (`git add`), not yet committed: the next commit "
        "would commit them; untrack with `git rm -r --cached .venv`"
    ), result.summary
    assert result.facts["tracked files"].endswith(": 0 committed, 2 staged, not committed")


def test_staged_files_beside_committed_ones_are_told_apart(repo: Path) -> None:
    _venv_dir(repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "oops: the venv", cwd=repo)
    (repo / ".venv" / "bin" / "pip").write_text("")
    git("add", ".venv", cwd=repo)
    result = run_check("gitignore", CheckContext(project=repo))
    assert result.status is Status.FAIL
    assert result.summary.startswith(
        "2 files of .venv are committed to git, and 1 more staged; untrack with"
    ), result.summary


def test_uncommitting_the_venv_changes_the_fingerprint(repo: Path) -> None:
    # `git reset --soft` moves HEAD and leaves the index file as it was: committed
    # files become staged ones, and the cached result must not stay "committed".
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "lesson", cwd=repo)
    _venv_dir(repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "oops: the venv", cwd=repo)
    ctx = CheckContext(project=repo)
    before = fingerprint("gitignore", ctx)
    assert "committed to git" in run_check("gitignore", ctx).summary
    git("reset", "-q", "--soft", "HEAD~1", cwd=repo)
    assert fingerprint("gitignore", ctx) != before
    assert "staged (`git add`), not yet committed" in run_check("gitignore", ctx).summary


def test_untracked_venv_still_in_the_last_commit_warns(repo: Path) -> None:
    _venv_dir(repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "oops: the venv", cwd=repo)
    git("rm", "-r", "-q", "--cached", ".venv", cwd=repo)
    (repo / ".gitignore").write_text(".venv/\n")
    result = run_check("gitignore", CheckContext(project=repo))
    assert result.status is Status.WARN
    assert result.facts["tracked files"] == "none"
    assert result.summary == (
        "2 files of .venv are untracked but still in the last commit: commit their removal"
    )


def test_path_option(repo: Path) -> None:
    (repo / "env").mkdir()
    (repo / ".gitignore").write_text("/env\n")
    result = run_check("gitignore", CheckContext(project=repo, options={"path": "env/"}))
    assert result.status is Status.PASS
    assert result.facts["ignored"] == "yes, by .gitignore:1 (/env)"
    bad = run_check("gitignore", CheckContext(project=repo, options={"path": "../elsewhere"}))
    assert bad.status is Status.ERROR
    assert "expected a path relative to the project" in bad.summary


def test_project_in_a_subdirectory_of_the_repository(repo: Path) -> None:
    sub = repo / "courses" / "python"
    sub.mkdir(parents=True)
    (repo / ".gitignore").write_text(".venv/\n")
    result = run_check("gitignore", CheckContext(project=sub))
    assert result.status is Status.PASS
    assert result.facts["ignored"] == "yes, by .gitignore:1 (.venv/)"  # named from the top
    make_venv(sub / ".venv")
    (repo / ".gitignore").write_text("")
    result = run_check("gitignore", CheckContext(project=sub))
    assert result.facts["ignored"].startswith("yes, by courses/python/.venv/.gitignore:1 (*)")
    assert "uv writes one" in result.facts["ignored"]


def test_every_ignore_file_counts_in_the_fingerprint(repo: Path) -> None:
    # A cached result must be re-run when any file with rules for the path changes:
    # each change below flips the check's real result, and must change the fingerprint.
    sub = repo / "courses" / "python"
    sub.mkdir(parents=True)
    _venv_dir(sub)
    ctx = CheckContext(project=sub)

    def state() -> tuple[str, str]:
        return fingerprint("gitignore", ctx), run_check("gitignore", ctx).facts["ignored"]

    seen = [state()]
    assert seen[-1][1] == "no"
    (repo / ".gitignore").write_text(".venv/\n")  # the repository's, above the project
    seen.append(state())
    assert seen[-1][1] == "yes, by .gitignore:1 (.venv/)"
    (repo / ".gitignore").write_text("")
    (repo / ".git" / "info" / "exclude").write_text("courses/python/.venv/\n")
    seen.append(state())
    assert seen[-1][1].startswith("yes, by .git/info/exclude:1")
    (repo / ".git" / "info" / "exclude").write_text("")
    excludes = repo.parent / "global-ignore"
    excludes.write_text("")
    git("config", "core.excludesFile", str(excludes), cwd=repo)
    seen.append(state())
    assert seen[-1][1] == "no"
    excludes.write_text(".venv\n")  # only the file changes, not the config naming it
    seen.append(state())
    assert "global-ignore:1 (.venv)" in seen[-1][1], seen[-1][1]
    assert len({print_ for print_, _ in seen}) == len(seen)


def test_outside_a_repository_skips(tmp_path: Path) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    result = run_check("gitignore", CheckContext(project=outside))
    assert result.status is Status.SKIP
    assert result.summary.endswith("is not in a git repository")


def test_without_git_skips(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", empty_path(repo.parent))
    result = run_check("gitignore", CheckContext(project=repo))
    assert result.status is Status.SKIP
    assert result.summary == "git is not installed (not found on PATH)"
