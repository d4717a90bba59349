"""envcheck results: once per build, kept between builds, invalidated by fingerprints.

Real rebuilds of the same project (``freshenv=False``: the pickled environment of
the previous build is loaded by a new Sphinx application), with real git
repositories and project files in tmp_path.  Checks are counted by wrapping the
real ``run_check`` (it still runs) and by the line each build prints.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import sphinx_build

import envdeck.checks
import envdeck.envcheck.state
from envdeck.checks import check_names

INDEX = "# Home\n\n```{toctree}\n:glob:\n\n*\n```\n"


@pytest.fixture
def ran(monkeypatch) -> Counter[str]:
    """Names of the checks run, counted (the real checks run)."""
    counts: Counter[str] = Counter()
    real = envdeck.checks.run_check

    def counting(name, ctx):
        counts[name] += 1
        return real(name, ctx)

    monkeypatch.setattr(envdeck.checks, "run_check", counting)
    return counts


def envcheck(name: str, *options: str) -> str:
    return "\n".join([f"```{{envcheck}} {name}", *options, "```", ""])


def page(title: str, *blocks: str) -> str:
    return f"# {title}\n\n" + "\n".join(blocks)


def read_docs(status: str) -> list[str]:
    return re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", status)


def written_docs(status: str) -> list[str]:
    return re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", status)


def summary_line(status: str) -> str:
    [line] = [line for line in status.splitlines() if line.startswith("envdeck: ")]
    return line


def test_identical_checks_run_once_per_build(build, ran):
    built = build(
        {
            "index.md": INDEX,
            "a.md": page("A", envcheck("python"), envcheck("python", ":show: summary")),
            "b.md": page("B", envcheck("python", ":title: Again"), envcheck("platform")),
            "c.md": page("C", envcheck("python")),
        }
    )
    assert built.warnings == ""
    assert ran == Counter({"python": 1, "platform": 1})
    assert re.fullmatch(
        r"envdeck: 2 checks ran \(2 pass\) in \d+\.\d s; 0 cached", summary_line(built.status)
    )
    # every page shows the one result
    for doc in ("a", "b", "c"):
        assert built.html(doc).select(".envdeck-badge-pass")


def test_a_rebuild_with_nothing_changed_runs_no_check(build, ran):
    build({"index.md": INDEX, "a.md": page("A", envcheck("python"), envcheck("platform"))})
    assert sum(ran.values()) == 2
    ran.clear()
    again = build(None, freshenv=False)
    assert sum(ran.values()) == 0
    assert read_docs(again.status) == []
    assert written_docs(again.status) == []
    assert summary_line(again.status) == "envdeck: no check ran; 2 cached"


def test_rereading_a_page_reuses_its_cached_results(build, ran):
    first = build({"index.md": INDEX, "a.md": page("A", envcheck("python"))})
    ran.clear()
    (first.srcdir / "a.md").write_text(page("A, edited", envcheck("python")), "utf8")
    again = build(None, freshenv=False)
    assert read_docs(again.status) == ["a"]
    assert sum(ran.values()) == 0
    assert summary_line(again.status) == "envdeck: no check ran; 1 cached"
    assert again.html("a").select_one(".envdeck-badge-pass")


def git_project(root: Path, ignore: str) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    (root / ".venv").mkdir()
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", "utf8")
    (root / ".gitignore").write_text(ignore, "utf8")
    return root


def test_changed_gitignore_reruns_only_its_check_and_rerenders_only_its_page(build, ran, tmp_path):
    git_project(tmp_path / "src" / "proj", ".venv/\n")
    first = build(
        {
            "index.md": INDEX,
            "ignore.md": page("Ignore", envcheck("gitignore", ":project: proj")),
            "other.md": page("Other", envcheck("python")),
        }
    )
    assert first.warnings == ""
    assert first.html("ignore").select_one(".envdeck-check-pass")
    other_html = (first.outdir / "other.html").read_bytes()
    other_mtime = (first.outdir / "other.html").stat().st_mtime_ns
    ran.clear()

    (first.srcdir / "proj" / ".gitignore").write_text("# .venv no longer ignored\n", "utf8")
    again = build(None, freshenv=False)
    assert ran == Counter({"gitignore": 1})
    assert read_docs(again.status) == ["ignore"]
    # (Sphinx also re-writes index, whose toctree lists the re-read page)
    assert "ignore" in written_docs(again.status)
    assert "other" not in written_docs(again.status)
    assert re.fullmatch(
        r"envdeck: 1 check ran \(1 warn\) in \d+\.\d s; 1 cached", summary_line(again.status)
    )
    # the page shows the new result: .venv is no longer ignored
    assert again.html("ignore").select_one(".envdeck-check-warn .envdeck-badge-warn")
    assert (again.outdir / "other.html").stat().st_mtime_ns == other_mtime
    assert (again.outdir / "other.html").read_bytes() == other_html


def test_changed_pyproject_reruns_the_lockfile_check(build, ran, tmp_path):
    proj = tmp_path / "src" / "proj"
    proj.mkdir(parents=True)
    pyproject = '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = []\n'
    (proj / "pyproject.toml").write_text(pyproject, "utf8")
    first = build(
        {
            "index.md": INDEX,
            "lock.md": page("Lock", envcheck("lockfile", ":project: proj", ":expect: fail")),
            "other.md": page("Other", envcheck("python")),
        }
    )
    assert first.warnings == ""
    ran.clear()
    # what `uv add packaging` changes in pyproject.toml
    (proj / "pyproject.toml").write_text(pyproject.replace("[]", '["packaging>=23"]'), "utf8")
    again = build(None, freshenv=False)
    assert ran["lockfile"] == 1
    assert "python" not in ran
    assert read_docs(again.status) == ["lock"]
    assert "lock" in written_docs(again.status)


def test_parallel_read_gives_the_serial_result_with_each_check_run_once(build, ran, monkeypatch):
    merged: list[str] = []
    real_merge = envdeck.envcheck.state.merge_info

    def merge_info(app, env, docnames, other):
        merged.extend(docnames)
        real_merge(app, env, docnames, other)

    monkeypatch.setattr(envdeck.envcheck.state, "merge_info", merge_info)
    files = {"index.md": INDEX + "\n```{envcheck-report} python\n```\n"}
    for n in range(8):
        files[f"p{n}.md"] = page(f"Page {n}", envcheck("python"), envcheck("platform"))
    parallel = build(files, parallel=2)
    # the pages were read in worker processes, whose records were merged
    assert sorted(merged) == sorted(["index", *(f"p{n}" for n in range(8))])
    assert parallel.warnings == ""
    assert ran == Counter({"python": 1, "platform": 1})
    rows = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in parallel.html().select("table.envdeck-report-table tbody tr")
    ]
    assert len(rows) == 16
    assert {row[2] for row in rows} == {"PASS"}
    assert sorted({row[0] for row in rows}) == [f"Page {n}" for n in range(8)]
    serial = build(None, freshenv=True)
    assert serial.html().select("table.envdeck-report-table") == parallel.html().select(
        "table.envdeck-report-table"
    )


def check_blocks(built, docname: str = "index") -> list[str]:
    html = built.html(docname)
    return [str(node) for node in html.select(".envdeck-check, .envdeck-report")]


def test_two_builds_give_byte_identical_check_blocks(build):
    files = {
        "index.md": page(
            "All checks", "```{envcheck-report}\n```\n", envcheck("python", ":show: details")
        )
    }
    first = check_blocks(build(files, freshenv=True))
    second = check_blocks(build(None, freshenv=True))
    assert len(first) == 2 and first == second
    # no durations in pages without envdeck_timestamps
    assert not re.search(r"\d\.\d+ ?s\b", " ".join(first))


def test_timestamps_use_source_date_epoch_and_stay_reproducible(build, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    conf = 'extensions = ["envdeck"]\nenvdeck_timestamps = True\n'
    files = {"index.md": page("Stamped", envcheck("python"))}
    first = build(files, conf=conf, freshenv=True)
    stamp = first.html().select_one(".envdeck-check-time").get_text()
    assert stamp == "Checked 2023-11-14 22:13 UTC."
    assert check_blocks(first) == check_blocks(build(None, conf=conf, freshenv=True))


def test_timestamps_without_source_date_epoch_show_the_time_and_duration(build, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    built = build(
        {"index.md": page("Stamped", envcheck("python"))},
        conf='extensions = ["envdeck"]\nenvdeck_timestamps = True\n',
    )
    stamp = built.html().select_one(".envdeck-check-time").get_text()
    assert re.fullmatch(r"Checked \d{4}-\d\d-\d\d \d\d:\d\d UTC in \d+\.\d\d s\.", stamp)


def test_the_end_of_build_line_counts_by_status(build, ran, tmp_path):
    (tmp_path / "src" / "elsewhere").mkdir(parents=True)
    built = build(
        {
            "index.md": page(
                "Counts",
                envcheck("python"),
                envcheck("packages", ":packages: envdeck-surely-not-installed", ":expect: fail"),
                envcheck("gitignore", ":project: elsewhere"),
            )
        }
    )
    # The failure that :expect: asks for is counted as expected, not as a fail.
    assert re.fullmatch(
        r"envdeck: 3 checks ran \(1 pass, 1 skip, 1 expected fail\) in \d+\.\d s; 0 cached",
        summary_line(built.status),
    )
    again = build(None, freshenv=False)
    assert summary_line(again.status) == "envdeck: no check ran; 3 cached"


def test_a_result_expected_on_one_page_and_not_on_another_counts_as_a_fail(build):
    built = build(
        {
            "index.md": page("Expected", envcheck(*MISSING, ":expect: fail")),
            "other.md": page("Not expected", envcheck(*MISSING)),
        }
    )
    [warning] = [line for line in built.warning_lines() if "[envdeck.check]" in line]
    assert "other.md:3: WARNING: envcheck 'packages' failed" in warning
    assert re.fullmatch(
        r"envdeck: 1 check ran \(1 fail\) in \d+\.\d s; 0 cached", summary_line(built.status)
    )


def test_no_envdeck_line_for_a_project_without_envchecks(build):
    built = build({"index.md": "# Plain\n\nNo checks here.\n"})
    assert "envdeck:" not in built.status


def test_every_check_kind_renders_in_a_build(build):
    names = check_names()
    built = build({"index.md": page("Every check", *(envcheck(name) for name in names))})
    blocks = built.html().select("div.envdeck-check")
    assert len(blocks) == len(names)
    assert "Traceback" not in built.warnings


MISSING = ("packages", ":packages: envdeck-surely-not-installed")
FAILING = envcheck(*MISSING)


# --keep-going: Sphinx 7 would stop at the first warning, before the cache is saved.
@pytest.mark.parametrize(
    "flags", [["-W", "--keep-going"], ["-D", "envdeck_check_failures=error"]], ids=["W", "error"]
)
def test_a_cached_failure_fails_a_rebuild_with_nothing_changed(tmp_path, flags, monkeypatch):
    (tmp_path / "conf.py").write_text('extensions = ["envdeck"]\n', "utf8")
    (tmp_path / "index.md").write_text(page("Home", "Intro.\n", FAILING), "utf8")
    monkeypatch.chdir(tmp_path)
    command = ["--no-color", *flags, "-b", "html", ".", "_build"]
    first, again = sphinx_build(*command), sphinx_build(*command)
    assert first.returncode == 1, first.stderr
    # nothing was read or run: the failure comes from the cache, and still fails the build
    assert "0 added, 0 changed, 0 removed" in again.stdout
    assert "envdeck: no check ran; 1 cached; 1 fail (cached)" in again.stdout
    assert again.returncode == 1, again.stdout + again.stderr
    [line] = [line for line in again.stderr.splitlines() if "envcheck 'packages'" in line]
    assert re.search(r"index\.md:5: (WARNING|ERROR): envcheck 'packages' failed", line)
    assert line.endswith("[envdeck.check]")
    assert "Traceback" not in again.stderr


def test_a_cached_failure_is_reported_at_its_directive_on_every_build(build, ran):
    first = build({"index.md": INDEX, "a.md": page("A", FAILING), "b.md": page("B", "Text.\n")})
    [warning] = [line for line in first.warning_lines() if "[envdeck.check]" in line]
    assert re.search(r"a\.md:3: WARNING: envcheck 'packages' failed", warning)
    ran.clear()
    # another page changes; the failing one is not re-read
    (first.srcdir / "b.md").write_text(page("B", "Edited.\n"), "utf8")
    again = build(None, freshenv=False)
    assert read_docs(again.status) == ["b"]
    assert sum(ran.values()) == 0
    assert [line for line in again.warning_lines() if "[envdeck.check]" in line] == [warning]
    assert summary_line(again.status) == "envdeck: no check ran; 1 cached; 1 fail (cached)"
    assert again.html("a").select_one(".envdeck-check-fail .envdeck-badge-fail")
