"""Small holes: a repeated directive option, a distribution whose metadata is not UTF-8."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_checks_support import _no_outside_project_environment  # noqa: F401

from envdeck.checks import CheckContext, Status, run_check
from envdeck.envcheck.directives import repeated_options

TWICE = """\
# Page

```{envcheck} python
:show: summary
:show: details
```

:::{envcheck} platform
---
show: summary
title: Where
show: facts
---
:::

```{envcheck-report} python
:no-table:
:no-table:
```

```{envcheck} venv
:show: summary
:title: Once each
```
"""


def test_an_option_given_twice_is_a_typed_warning(build):
    built = build({"index.md": TWICE})
    lines = built.warning_lines()
    assert len(lines) == 3, lines
    first, second, report = lines
    assert first.endswith(
        "index.md:3: WARNING: envcheck: :show: is given more than once; the last ('details') "
        "is used [envdeck.directive]"
    )
    assert "index.md:8: WARNING: envcheck: :show: is given more than once; the last ('facts')" in (
        second
    )
    assert report.endswith(
        "index.md:16: WARNING: envcheck-report: :no-table: is given more than once "
        "[envdeck.directive]"
    )


def test_rst_refuses_a_repeated_option_itself(build):
    page = "Page\n====\n\n.. envcheck:: python\n   :show: summary\n   :show: details\n"
    built = build({"index.rst": page})
    assert 'duplicate option "show"' in built.warnings


@pytest.mark.parametrize(
    "text, repeated",
    [
        ("```{envcheck} python\n:show: a\n:title: b\n```\n", []),
        ("```{envcheck} python\n:show: a\n:show: b\n:show: c\n```\n", ["show"]),
        ("```{envcheck} python\n---\nshow: a\nshow: b\n---\n:show: c\n```\n", ["show"]),
        # Option-like lines in the body are not options.
        ("```{envcheck} python\n:show: a\n\n:show: b\n```\n", []),
    ],
)
def test_repeated_options_reads_both_option_styles(text, repeated):
    assert repeated_options(text) == repeated


def make_venv_with_bad_metadata(project: Path) -> None:
    site = project / ".venv" / "lib" / "python3.11" / "site-packages"
    bad = site / "bad_pkg-1.0.dist-info"
    good = site / "good-2.0.dist-info"
    bad.mkdir(parents=True)
    good.mkdir(parents=True)
    (project / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\nversion_info = 3.11.0\n")
    (bad / "METADATA").write_bytes(
        b"Metadata-Version: 2.1\nName: bad-pkg\nVersion: 1.0\nSummary: caf\xe9\n"
    )
    (good / "METADATA").write_text("Metadata-Version: 2.1\nName: good\nVersion: 2.0\n")
    (good / "WHEEL").write_bytes(b"Wheel-Version: 1.0\nTag: py3-none-any\nGenerator: \xff\n")


@pytest.mark.parametrize("name", ["freeze", "system-libs", "jupyter"])
def test_unreadable_metadata_is_named_and_the_check_goes_on(tmp_path: Path, name: str):
    make_venv_with_bad_metadata(tmp_path)
    result = run_check(name, CheckContext(project=tmp_path, timeout=30))
    assert result.status is not Status.ERROR, result.summary
    assert "crashed" not in result.summary
    unreadable = result.facts["unreadable metadata"]
    assert "bad_pkg-1.0.dist-info (METADATA is not UTF-8)" in unreadable
    if name == "freeze":
        assert result.status is Status.WARN
        assert "could not be read and is left out (bad_pkg-1.0.dist-info" in result.summary
        assert result.details == "good==2.0"  # the readable one is still frozen
    if name == "system-libs":
        assert "good-2.0.dist-info (WHEEL is not UTF-8)" in unreadable


def test_unreadable_metadata_from_the_command_line(tmp_path: Path):
    make_venv_with_bad_metadata(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "envdeck", "check", "freeze", "system-libs", "jupyter",
         "--project", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    results = json.loads(done.stdout)["results"]
    assert [r["status"] for r in results if r["status"] == "error"] == []
    for result in results:
        assert "bad_pkg-1.0.dist-info" in result["facts"]["unreadable metadata"]
