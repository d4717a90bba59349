"""Is the venv kept out of version control: ``gitignore``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from .base import CheckContext, Outcome, Status, check
from .errors import CheckSkipped
from .tools import plural, run, shorten, tool_path


def relative_path(value: str) -> str:
    """A path inside the project, relative to it (``.venv``, ``env/dev``)."""
    value = value.strip().replace("\\", "/").rstrip("/")
    path = PurePosixPath(value)
    if not value or path.is_absolute() or ".." in path.parts:
        raise ValueError(f"expected a path relative to the project, such as .venv, got {value!r}")
    return str(path)


def _rule(line: str) -> tuple[str, str] | None:
    """(``source:line``, pattern) from a ``git check-ignore -v -n`` line; None if unmatched."""
    info, _, _path = line.partition("\t")
    source, _, rest = info.partition(":")
    number, _, pattern = rest.partition(":")
    if not source or pattern.startswith("!"):
        return None
    return f"{source}:{number}", pattern


@check(
    "gitignore",
    "Is the venv kept out of git",
    options={"path": relative_path},
    defaults={"path": ".venv"},
    depends_on=("project", ".gitignore", "git", "tool:git"),
    key_facts=("path", "ignored", "tracked files"),
)
def gitignore_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """Whether the project's ``.venv`` (option ``path``) is ignored by git, and by which
    rule (``git check-ignore``), and whether any of its files are tracked anyway
    (``git ls-files``), committed (in ``HEAD``) or only staged. Fails when files of it
    are committed or staged; warns when it is not ignored, or when the removal of its
    files from git is staged but not committed. Skips outside a git repository or without git."""
    git = tool_path("git")
    project = ctx.project
    path = options["path"]
    toplevel, prefix = _repository(git, project)
    exists = (project / path).exists()
    facts = {
        "repository": toplevel,
        "path": f"{path} ({'exists' if exists else 'absent'})",
        "ignored": _ignored_by(git, project, path, prefix),
    }
    # The index holds staged and committed files alike; HEAD only the committed ones.
    listed = run([git, "-C", str(project), "ls-files", "--", path])
    tracked = [line for line in listed.stdout.splitlines() if line.strip()]
    in_head = run([git, "-C", str(project), "ls-tree", "-r", "--name-only", "HEAD", "--", path])
    committed = {line for line in in_head.stdout.splitlines() if line.strip()}  # none: no HEAD
    staged = [name for name in tracked if name not in committed]
    leaving = sorted(committed.difference(tracked))  # `git rm --cached` not committed yet
    facts["tracked files"] = f"{len(tracked)} ({shorten(tracked, 3)})" if tracked else "none"
    if tracked:
        facts["tracked files"] += (
            f": {len(tracked) - len(staged)} committed, {len(staged)} staged, not committed"
        )
    if tracked:
        return Outcome(Status.FAIL, _tracked_summary(path, len(tracked), len(staged)), facts)
    if leaving:
        facts["still in the last commit"] = f"{len(leaving)} ({shorten(leaving, 3)})"
        return Outcome(
            Status.WARN,
            f"{plural(len(leaving), 'file')} of {path} {'is' if len(leaving) == 1 else 'are'} "
            "untracked but still in the last commit: commit their removal",
            facts,
        )
    if facts["ignored"] == "no":
        what = "is not ignored" if exists else "would not be ignored"
        return Outcome(
            Status.WARN,
            f"{path} {what} by git: `git add .` would commit it; add {path}/ to .gitignore",
            facts,
        )
    return Outcome(Status.PASS, f"{path} is ignored by git and nothing of it is tracked", facts)


def _repository(git: str, project: Path) -> tuple[str, str]:
    """(the work tree's top, the project's path below it); a skip outside a repository."""
    top = run([git, "-C", str(project), "rev-parse", "--show-toplevel", "--show-prefix"])
    if not top.ok:
        message = top.stderr.strip().splitlines()[0] if top.stderr.strip() else "no repository"
        if "not a git repository" in message:
            raise CheckSkipped(f"{project} is not in a git repository")
        raise CheckSkipped(f"git cannot read the repository: {message.removeprefix('fatal: ')}")
    toplevel, _, prefix = top.stdout.strip().partition("\n")
    return toplevel, prefix.strip()


def _ignored_by(git: str, project: Path, path: str, prefix: str) -> str:
    """Which rule ignores ``path``, in words; "no" when none does."""
    # --no-index: a tracked file still shows whether a rule covers it.
    probe = [f"{path}/", f"{path}/pyvenv.cfg"]
    checked = run([git, "-C", str(project), "check-ignore", "-v", "-n", "--no-index", "--", *probe])
    if checked.returncode not in (0, 1):
        raise RuntimeError(f"git check-ignore failed: {checked.output}")
    rules = [_rule(line) for line in checked.stdout.splitlines()]
    rule = next((r for r in rules if r), None)
    if rule is None:
        return "no"
    # git names rule files from the top of the repository
    if rule[0].startswith(f"{prefix}{path}/.gitignore:"):
        return (
            f"yes, by {rule[0]} ({rule[1]}): a file inside it (uv writes one), "
            "not the project's own rules"
        )
    return f"yes, by {rule[0]} ({rule[1]})"


def _tracked_summary(path: str, tracked: int, staged: int) -> str:
    fix = f"untrack with `git rm -r --cached {path}` and ignore {path}/"
    if staged == tracked:
        return (
            f"{plural(staged, 'file')} of {path} {'is' if staged == 1 else 'are'} "
            f"staged (`git add`), not yet committed: the next commit would commit "
            f"{'it' if staged == 1 else 'them'}; {fix}"
        )
    kept = tracked - staged
    also = f", and {staged} more staged" if staged else ""
    return (
        f"{plural(kept, 'file')} of {path} {'is' if kept == 1 else 'are'} committed to "
        f"git{also}; {fix}"
    )
