"""The standalone checker ``envdeck-check.pyz``: written by real course builds, linked
from the page, and run by the oldest and newest Python on this machine in an empty venv,
without network."""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from envdeck import standalone
from envdeck.checker_download import CHECKER_PATH
from envdeck.checks import check_names

PAGE = "# Setup\n\nDownload {envdeck-checker}`the checker` and run it.\n"
NESTED = "# Nested\n\n{envdeck-checker}`envdeck-check.pyz`\n"


def _pythons() -> list[Path]:
    """Every CPython 3.9+ this machine has (pyenv or PATH), one per minor version."""
    found: dict[tuple[int, int], Path] = {}
    root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False).stdout \
        if shutil.which("pyenv") else ""  # fmt: skip
    candidates = glob.glob(os.path.join(root.strip() or "/nonexistent", "versions", "3.*", "bin",
                                        "python3.*"))  # fmt: skip
    candidates += [shutil.which(f"python3.{minor}") or "" for minor in range(9, 20)]
    candidates.append(sys.executable)
    for candidate in candidates:
        match = re.search(r"python3\.(\d+)$", candidate)
        if not candidate or (not match and candidate != sys.executable):
            continue
        done = subprocess.run([candidate, "-c", "import sys, venv; print(*sys.version_info[:2])"],
                              capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode != 0:
            continue
        major, minor = map(int, done.stdout.split())
        if (major, minor) >= (3, 9):
            found.setdefault((major, minor), Path(candidate))
    return [found[key] for key in sorted(found)]


PYTHONS = _pythons()
OLDEST_AND_NEWEST = sorted({PYTHONS[0], PYTHONS[-1]}, key=PYTHONS.index)


def offline(args: list[str]) -> list[str]:
    """``args`` in a network namespace of its own (no network), where that is allowed."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], check=False).returncode == 0:
        return [unshare, "-rn", *args]
    pytest.skip("cannot take the network away here (unshare -rn is not allowed)")


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return standalone.build_checker(tmp_path_factory.mktemp("pyz") / "envdeck-check.pyz")


def test_the_checker_holds_no_sphinx(checker: Path) -> None:
    names = zipfile.ZipFile(checker).namelist()
    assert "__main__.py" in names
    assert "envdeck/checks/base.py" in names and "envdeck/cli.py" in names
    assert any(n.startswith("packaging/") for n in names)
    assert any(re.match(r"packaging-[^/]+\.dist-info/.*LICEN", n) for n in names)
    # tomli for Pythons without tomllib, as source: a zip cannot load a compiled module.
    assert "tomli/_parser.py" in names
    assert any(re.match(r"tomli-[^/]+\.dist-info/.*LICEN", n) for n in names)
    assert not any(n.endswith((".so", ".pyd")) for n in names)
    assert not any("sphinx" in n.lower() or n.startswith("envdeck/slides") for n in names)


@pytest.mark.parametrize("python", OLDEST_AND_NEWEST, ids=lambda p: p.name)
def test_the_checker_runs_in_an_empty_venv_without_network(
    checker: Path, python: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "empty"
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(venv)], check=True)
    bare = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    # Nothing but the standard library: the checker must bring packaging itself.
    probe = subprocess.run([str(bare), "-c", "import packaging"], capture_output=True, check=False)
    assert probe.returncode != 0
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "p"\nrequires-python = ">=3.9"\n')
    (project / "uv.lock").write_text(
        'version = 1\nrequires-python = ">=3.9"\n\n[[package]]\nname = "p"\nversion = "0"\n'
        'source = { editable = "." }\n'
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join([str(bare.parent), env.get("PATH", "")])  # as if activated
    done = subprocess.run(
        offline([str(bare), str(checker), "--json", "--timeout", "30"]),
        cwd=project, capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    document = json.loads(done.stdout)
    results = {r["name"]: r for r in document["results"]}
    assert list(results) == check_names()
    errors = {n: r["summary"] for n, r in results.items() if r["status"] == "error"}
    assert not errors
    version = subprocess.run([str(bare), "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert results["python"]["facts"]["version"] == version
    assert results["python"]["status"] == "pass"
    assert results["venv"]["status"] == "pass"  # the empty venv runs it
    assert results["ide"]["status"] == "warn"  # the project has no .venv yet
    # TOML read with tomllib, or with the bundled tomli where the Python has no tomllib.
    minor = int(version.split(".")[1])
    reader = "tomllib" if minor >= 11 else "tomli"
    assert (
        results["lockfile"]["facts"]["lockfile"]
        == f"uv.lock, format version 1 (read with {reader})"
    )
    table = subprocess.run(offline([str(bare), str(checker), "python", "ide"]), cwd=project,
                           capture_output=True, text=True, env=env, check=False)  # fmt: skip
    assert re.search(r"^pass\s+python\s+CPython " + re.escape(version), table.stdout, re.M)


def test_course_builds_write_and_link_the_checker(build) -> None:
    built = build({"index.md": PAGE + "\n```{toctree}\nsub/page\n```\n", "sub/page.md": NESTED})
    checker = built.outdir / CHECKER_PATH
    assert zipfile.is_zipfile(checker)
    link = built.html().select_one("a.download")
    assert link["href"] == "_downloads/envdeck-check.pyz"
    assert link.get_text() == "the checker"
    nested = built.html("sub/page").select_one("a.download")
    assert nested["href"] == "../_downloads/envdeck-check.pyz"
    assert nested.get_text() == "envdeck-check.pyz"


def test_only_a_course_that_links_it_gets_it(build) -> None:
    built = build({"index.md": "# No checker here\n"})
    assert not (built.outdir / CHECKER_PATH).exists()


def test_a_rebuild_reuses_the_kept_checker_and_still_writes_it(build) -> None:
    first = build({"index.md": PAGE})
    kept = list((Path(first.app.doctreedir) / "envdeck").glob("envdeck-check-*.pyz"))
    assert len(kept) == 1
    made = kept[0].stat().st_mtime_ns
    (first.outdir / CHECKER_PATH).unlink()
    second = build(None)  # nothing changed: no page is read again
    assert "0 source files that are out of date" in second.status
    assert zipfile.is_zipfile(second.outdir / CHECKER_PATH)
    assert kept[0].stat().st_mtime_ns == made


def test_singlehtml_links_from_the_top(build) -> None:
    built = build({"index.md": PAGE + "\n```{toctree}\nsub/page\n```\n", "sub/page.md": NESTED},
                  buildername="singlehtml")  # fmt: skip
    hrefs = {a["href"] for a in built.html().select("a.download")}
    assert hrefs == {"_downloads/envdeck-check.pyz"}
    assert zipfile.is_zipfile(built.outdir / CHECKER_PATH)


def test_the_deck_links_the_checker_too(build) -> None:
    built = build({"index.md": PAGE}, confoverrides={"slide": 1})
    assert built.html().select_one('a.download[href="_downloads/envdeck-check.pyz"]')
    assert zipfile.is_zipfile(built.outdir / CHECKER_PATH)


def test_latex_shows_the_name_and_writes_no_file(build) -> None:
    built = build({"index.md": PAGE}, buildername="latex")
    tex = next(built.outdir.glob("*.tex")).read_text("utf8")
    assert r"\sphinxcode{\sphinxupquote{the checker}}" in tex
    assert not (built.outdir / CHECKER_PATH).exists()


def test_a_checker_that_cannot_be_built_is_a_typed_warning(
    build, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(standalone, "BUNDLED", ("envdeck-no-such-distribution",))
    built = build({"index.md": PAGE})
    assert "envdeck-no-such-distribution is not installed" in built.warnings
    assert "[envdeck.checker]" in built.warnings
    assert not (built.outdir / CHECKER_PATH).exists()
    assert built.html().select_one("a.download")  # the page itself is built
