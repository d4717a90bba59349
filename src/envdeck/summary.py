"""``envdeck summary RESULTS...``: participants' ``envdeck check --json`` files as one table.

An instructor collects the files before a workshop (one per participant, named as they
like: ``alice.json``); the table lists who fails what, the most common failures first,
each row with that participant's platform. A participant is shown by the file's name
only, never its directory, and every text from a file is redacted again here, as a
check's result is.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .checks import CheckResult, Redactor, Status, check_names

#: Statuses that make a row, worst first.
SHOWN = (Status.FAIL, Status.ERROR, Status.WARN)


@dataclass
class Participant:
    """One results file."""

    #: the file's name without ``.json``
    who: str
    #: "Linux x86_64, CPython 3.12.1" from the platform and python results
    platform: str
    results: list[CheckResult]


def _platform_of(results: Iterable[CheckResult]) -> str:
    facts: dict[str, str] = {}
    for result in results:
        if result.name in ("platform", "python"):
            facts.update({f"{result.name} {k}": v for k, v in result.facts.items()})
    os_name = facts.get("platform os", "")
    # "Linux (Debian GNU/Linux 12 (bookworm))" is long for a table: the OS's first word.
    os_short = os_name.split(" (")[0] if os_name.startswith("Linux") else os_name
    parts = [
        " ".join(p for p in (os_short, facts.get("platform architecture", "")) if p),
        " ".join(
            p for p in (facts.get("python implementation", ""), facts.get("python version", ""))
            if p
        ),
    ]  # fmt: skip
    return ", ".join(p for p in parts if p) or "(platform not in the file)"


def read_results(path: Path, redactor: Redactor) -> Participant:
    """A participant's results; ``ValueError`` naming what is wrong with the file."""
    try:
        document = json.loads(path.read_text("utf8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot be read ({type(err).__name__})") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"is not JSON (line {err.lineno}: {err.msg})") from None
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise ValueError("is not the output of `envdeck check --json` (no results list)")
    results = [
        redactor.result(CheckResult.from_dict(item))
        for item in document["results"]
        if isinstance(item, dict) and item.get("name")
    ]
    return Participant(redactor.text(path.stem), _platform_of(results), results)


def collect(paths: Sequence[Path]) -> list[Path]:
    """The files named, and the ``*.json`` files in the directories named."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return files


@dataclass(frozen=True)
class Row:
    check: str
    status: Status
    who: str
    platform: str
    summary: str


def rows(participants: Sequence[Participant]) -> list[Row]:
    """Every non-passing result, the check failed by most participants first."""
    found = [
        Row(result.name, result.status, p.who, p.platform, result.summary)
        for p in participants
        for result in p.results
        if result.status in SHOWN
    ]
    fails = Counter(r.check for r in found if r.status is Status.FAIL)
    shown = Counter(r.check for r in found)
    rank = {name: i for i, name in enumerate(check_names())}
    return sorted(
        found,
        key=lambda r: (
            -fails[r.check],
            -shown[r.check],
            rank.get(r.check, len(rank)),
            r.check,
            SHOWN.index(r.status),
            r.who,
        ),
    )


def print_summary(participants: Sequence[Participant], out: TextIO) -> None:
    table = rows(participants)
    width = max(80, min(shutil.get_terminal_size((120, 24)).columns, 160))
    heads = ("CHECK", "STATUS", "WHO", "PLATFORM")
    cells = [(r.check, r.status.value, r.who, r.platform) for r in table]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(heads)]
    lead = sum(widths) + 2 * len(widths)
    room = max(30, width - lead)

    def line(values: Sequence[str], summary: str) -> None:
        wrapped = textwrap.wrap(summary, room) or [""]
        # No zip(strict=...): this module runs in the checker on Python 3.9.
        padded = [value.ljust(widths[i]) for i, value in enumerate(values)]
        print("  ".join(padded) + "  " + wrapped[0], file=out)
        for more in wrapped[1:]:
            print(" " * lead + more, file=out)

    if table:
        line(heads, "SUMMARY")
        for i, row in enumerate(table):
            line(cells[i], row.summary)
    else:
        print("Every result passes or skips.", file=out)
    clean = [p for p in participants if not any(r.status in SHOWN for r in p.results)]
    if clean:
        listed = ", ".join(f"{p.who} ({p.platform})" for p in clean)
        print(f"\nNothing to fix: {listed}", file=out)
    counts = Counter(r.check for r in table if r.status is Status.FAIL)
    if counts:
        common = ", ".join(f"{name} ({n})" for name, n in counts.most_common())
        print(f"Failures by check: {common}", file=out)
    total = Counter(r.status for p in participants for r in p.results)
    tally = ", ".join(f"{total[s]} {s.value}" for s in Status if total[s])
    noun = "participant" if len(participants) == 1 else "participants"
    print(f"{len(participants)} {noun}: {tally}", file=out)


def run_summary(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    redactor = Redactor.for_environment()
    participants: list[Participant] = []
    bad = 0
    files = collect(args.results)
    for path in files:
        try:
            participants.append(read_results(path, redactor))
        except ValueError as err:
            bad += 1
            print(f"envdeck summary: {redactor.text(path.name)} {err}; left out", file=sys.stderr)
    if not participants:
        where = "no .json files found" if not files else "no readable results"
        print(f"envdeck summary: {where} in {len(args.results)} argument(s)", file=sys.stderr)
        return 2
    print_summary(participants, out)
    return 1 if bad else 0


def add_summary_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "summary",
        help="one table of participants' `envdeck check --json` results",
        description=(
            "Read participants' `envdeck check --json` files (or the *.json files of the "
            "directories named) and print who fails what, the most common failures first, "
            "with each participant's platform. A participant is named by the file's name. "
            "Exit status: 0, or 1 when a file was left out, 2 when none could be read."
        ),
    )
    parser.add_argument("results", nargs="+", type=Path, metavar="RESULTS",
                        help="--json files, or directories of them")  # fmt: skip
    parser.set_defaults(func=run_summary)
    return parser
