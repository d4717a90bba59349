"""Doctree snapshots: what an envcheck block, a card, a report and notes become.

Each page of one small project is built once as the handout (the ``text`` builder:
the standard nodes every non-HTML builder gets) and once as the deck, with a check
registered by this module whose result never changes.  The resolved doctree of
each page (post-transforms applied, as a writer receives it) is compared, as
pseudo-XML, with ``tests/snapshots/<name>.xml``.  After an intended change of the
rendering, rewrite the files and review the diff::

    uv run pytest tests/test_snapshots.py --force-regen
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import SharedBuilds
from docutils import nodes

from envdeck.checks import Check, CheckContext, Outcome, Status, run_check
from envdeck.checks import base as checks_base

SNAPSHOTS = Path(__file__).parent / "snapshots"

#: The test-only check: its name says what it is, its result is fixed.
FIXED = "snapshot-fixed"


def fixed_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """A check whose result is the same on every machine (for snapshots)."""
    return Outcome(
        Status(options["status"]),
        "Measured the same way `every` time.",
        facts={"tool": "`fixed-tool`", "version": "1.2.3", "origin": "test suite"},
        details="first line of the details\nsecond line",
        key_facts=("version", "tool"),
    )


PAGES = {
    "index.md": "# Snapshots\n\n```{toctree}\nblock\nreport\nnotes\n```\n",
    "block.md": (
        "# Block\n\n"
        f"```{{envcheck}} {FIXED}\n:title: A fixed `check`\n:show: details\n"
        ":expect: warn\n:status: warn\n```\n"
    ),
    "report.md": (
        f"# Report\n\n```{{envcheck}} {FIXED}\n```\n\n```{{envcheck-report}} {FIXED}\n```\n"
    ),
    "notes.md": (
        "# Notes\n\nOn the slide.\n\n:::{notes}\nSay **this** aloud.\n\n- time: 1 minute\n:::\n"
    ),
}


@pytest.fixture(scope="module")
def fixed_check_registered() -> Iterator[str]:
    checks_base.register(
        Check(
            name=FIXED,
            title="Fixed result",
            description=fixed_check.__doc__ or "",
            func=fixed_check,
            options={"status": lambda value: Status(value).value},
            defaults={"status": "pass"},
        )
    )
    yield FIXED
    del checks_base._REGISTRY[FIXED]


@pytest.fixture(scope="module")
def snapshots(
    shared_builds: SharedBuilds, fixed_check_registered: str
) -> dict[str, dict[str, str]]:
    """Pseudo-XML of each page's resolved doctree: {"handout"|"deck": {docname: text}}."""
    project = shared_builds.project("snapshots", PAGES)
    made: dict[str, dict[str, str]] = {}
    for mode, buildername, overrides in (
        ("handout", "text", {}),
        ("deck", "html", {"slide": "1"}),
    ):
        built = shared_builds.build(project, buildername, confoverrides=overrides)
        assert built.warnings == ""
        made[mode] = {
            docname: normalised(built, docname) for docname in ("block", "report", "notes")
        }
    return made


def normalised(built: Any, docname: str) -> str:
    """The page's sections as pseudo-XML, free of this run's paths and of docutils'
    version."""
    app = built.app
    resolve = app.env.get_and_resolve_doctree
    # Sphinx 9 asks for the tags; 7.3 and 8 take none.
    tags = {"tags": app.tags} if "tags" in inspect.signature(resolve).parameters else {}
    doctree = resolve(docname, app.builder, **tags)
    sections = [node.pformat() for node in doctree.children if isinstance(node, nodes.section)]
    # docutils before 0.22 writes a true attribute as "True", 0.22 as "1".
    return "".join(sections).replace(str(built.srcdir), "<srcdir>").replace('="True"', '="1"')


def test_the_fixed_check_is_what_the_snapshots_show(fixed_check_registered: str) -> None:
    result = run_check(FIXED, CheckContext(project=Path.cwd(), options={"status": "warn"}))
    assert result.status is Status.WARN
    assert result.facts["version"] == "1.2.3"


@pytest.mark.parametrize(
    ("mode", "docname", "snapshot"),
    [
        ("handout", "block", "envcheck-block"),
        ("deck", "block", "envcheck-card"),
        ("handout", "report", "envcheck-report-handout"),
        ("deck", "report", "envcheck-report-deck"),
        ("handout", "notes", "notes-handout"),
        ("deck", "notes", "notes-deck"),
    ],
)
def test_doctree_matches_its_snapshot(
    snapshots: dict[str, dict[str, str]],
    file_regression: Any,
    mode: str,
    docname: str,
    snapshot: str,
) -> None:
    file_regression.check(snapshots[mode][docname], fullpath=SNAPSHOTS / f"{snapshot}.xml")
