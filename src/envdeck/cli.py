"""The ``envdeck`` command line: ``envdeck check`` (and ``envdeck pdf`` when available).

``envdeck check [NAME ...] [--project DIR] [--json] [--timeout S]`` runs the
environment checks outside Sphinx, the same ones the ``envcheck`` directive runs.
Exit status: 1 when a check fails, 0 otherwise, 2 for a usage error (an unknown
check or option). ``--strict`` also counts ``warn`` and ``error`` as failures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .checks import CheckContext, CheckResult, Redactor, Status, check_names, get_check, run_check
from .checks.base import convert_options
from .checks.values import find_project, parse_seconds
from .summary import add_summary_parser
from .terminal import colour, plain, wants_colour, wrap

#: Checks mostly wait on subprocesses; a few at a time keeps a small machine usable,
#: no more than it has cores (checks in Python code take turns on the interpreter).
MAX_THREADS = min(4, max(2, os.cpu_count() or 2))

#: Exit statuses.
OK, FAILED, USAGE = 0, 1, 2


def positive_seconds(value: str) -> float:
    try:
        return parse_seconds(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def option_pair(value: str) -> tuple[str, str]:
    name, sep, raw = value.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    return name.strip(), raw


def add_check_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help="run environment checks and print what they measured",
        description=(
            "Run envdeck's environment checks (all of them, or those named) against this "
            "interpreter and a project directory. Exit status: 1 when a check fails, 0 "
            "otherwise, 2 for an unknown check or option."
        ),
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="checks to run (default: all)")
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="DIR",
        help="the project directory: its uv.lock, pyproject.toml, .gitignore, .venv "
        "(default: the nearest directory upwards from here with a pyproject.toml or "
        "uv.lock; else the current directory)",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=5.0,
        metavar="S",
        help="seconds each check may run before it reports error (default: 5, at most 3600)",
    )
    parser.add_argument(
        "-o",
        "--option",
        type=option_pair,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a check's option, for each named check that has it (e.g. -o packages=numpy,pandas)",
    )
    parser.add_argument(
        "--allow-env",
        action="append",
        default=[],
        metavar="VAR",
        help="an environment variable whose value results may show (never by default)",
    )
    _add_output_arguments(parser)
    parser.set_defaults(func=check_command)
    return parser


def _add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """What ``envdeck check`` prints, and when it exits 1."""
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="also print each check's facts (-vv: and its details)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 also when a check warns or could not run (warn, error)",
    )
    parser.add_argument("--list", action="store_true", help="list the checks and their options")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="envdeck",
        description="envdeck: teach Python environments from one MyST source.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"envdeck {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    add_check_parser(subparsers)
    add_summary_parser(subparsers)
    try:
        from .pdf import register_cli
    except ImportError:  # the pdf export is optional
        pass
    else:
        register_cli(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return USAGE
    try:
        return int(func(args))
    except BrokenPipeError:
        # The reader went away (`envdeck check | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return OK


def _usage_error(message: str) -> int:
    print(f"envdeck check: {message}", file=sys.stderr)
    return USAGE


def check_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """``envdeck check``: run the checks asked for, print their results; the exit status."""
    out = out or sys.stdout
    if args.list:
        print_list(out)
        return OK
    try:
        per_check = _options_per_check(args)
    except _UsageError as err:
        return _usage_error(str(err))
    project = args.project.expanduser() if args.project is not None else find_project(Path.cwd())
    if not project.is_dir():
        return _usage_error(f"--project: {project} is not a directory")
    allow = frozenset(args.allow_env)

    def one(name: str) -> CheckResult:
        ctx = CheckContext(
            project=project.absolute(),
            timeout=args.timeout,
            options=per_check[name],
            env_allowlist=allow,
        )
        return run_check(name, ctx)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(MAX_THREADS, len(per_check))) as pool:
        results = list(pool.map(one, per_check))
    elapsed = time.perf_counter() - start
    if args.json:
        write_json(results, project, allow, out)
    else:
        print_table(results, out, verbose=args.verbose, elapsed=elapsed)
    failing = {Status.FAIL, Status.WARN, Status.ERROR} if args.strict else {Status.FAIL}
    bad = any(result.status in failing for result in results)
    return FAILED if bad else OK


class _UsageError(Exception):
    """The command line asks for something that is not there."""


def _options_per_check(args: argparse.Namespace) -> dict[str, dict[str, str]]:
    """Each check to run (in order) and the options it gets; :class:`_UsageError` for an
    unknown check, an option no selected check has, or a bad value."""
    known = check_names()
    unknown = [name for name in args.names if name not in known]
    if unknown:
        raise _UsageError(
            f"unknown check{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"the checks are: {', '.join(known)}"
        )
    names = list(dict.fromkeys(args.names)) or known
    # An option goes to each selected check that has it; one that none has is a typo.
    per_check: dict[str, dict[str, str]] = {name: {} for name in names}
    for option, value in dict(args.option).items():
        takers = [name for name in names if option in get_check(name).options]
        if not takers:
            having = [n for n in known if option in get_check(n).options]
            hint = f" (an option of {', '.join(having)})" if having else ""
            raise _UsageError(f"no selected check has the option {option!r}{hint}")
        for name in takers:
            per_check[name][option] = value
    for name, given in per_check.items():
        try:
            convert_options(get_check(name), given)
        except ValueError as err:
            raise _UsageError(f"{name}: {err}") from None
    return per_check


def write_json(
    results: Sequence[CheckResult], project: Path, allow: frozenset[str], out: TextIO
) -> None:
    """The results as one JSON document (``--json``)."""
    redact = Redactor.for_environment(allow)
    totals = Counter(result.status for result in results)
    document = {
        "envdeck": __version__,
        "project": redact.text(str(project.absolute())),
        "status": overall_status(results).value,
        "totals": {status.value: totals[status] for status in Status},
        "results": [result.to_dict() for result in results],
    }
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


#: From the worst: the status that speaks for a whole run.
SEVERITY = (Status.FAIL, Status.ERROR, Status.WARN, Status.PASS, Status.SKIP)


def overall_status(results: Sequence[CheckResult]) -> Status:
    """The worst status among ``results`` (skip only when every check skipped)."""
    found = {result.status for result in results}
    return next((status for status in SEVERITY if status in found), Status.SKIP)


def print_table(
    results: Sequence[CheckResult],
    out: TextIO,
    *,
    verbose: int = 0,
    elapsed: float = 0.0,
    colours: bool | None = None,
) -> None:
    colours = wants_colour(out) if colours is None else colours
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 140))
    name_width = max(len("CHECK"), *(len(r.name) for r in results))
    lead = 7 + name_width + 2
    print(f"{'STATUS':<7}{'CHECK':<{name_width}}  SUMMARY", file=out)
    for result in results:
        summary = wrap(result.summary, width - lead)
        word = colour(result.status, result.status.value, colours)
        pad = " " * (7 - len(result.status.value))
        print(f"{word}{pad}{result.name:<{name_width}}  {summary[0]}", file=out)
        for line in summary[1:]:
            print(" " * lead + line, file=out)
        if verbose:
            for key, value in result.facts.items():
                wrapped = wrap(f"{key}: {value}", width - lead - 2)
                print(" " * (lead + 2) + wrapped[0], file=out)
                for line in wrapped[1:]:
                    print(" " * (lead + 4) + line, file=out)
        if verbose > 1 and result.details:
            for line in result.details.splitlines():
                print(" " * (lead + 2) + "| " + line, file=out)
    counts = Counter(result.status for result in results)
    tally = ", ".join(colour(s, f"{counts[s]} {s.value}", colours) for s in Status if counts[s])
    noun = "check" if len(results) == 1 else "checks"
    print(f"\n{len(results)} {noun}: {tally} ({elapsed:.1f} s)", file=out)


def print_list(out: TextIO) -> None:
    """Every check, its description and options, as plain text (the docstrings are
    reStructuredText)."""
    for name in check_names():
        check = get_check(name)
        print(f"{name}: {check.title}", file=out)
        for line in wrap(plain(check.description), 84):
            print(f"    {line}", file=out)
        for option, convert in check.options.items():
            doc = plain(" ".join((convert.__doc__ or "").split())) or "a string"
            lines = wrap(f"option {option}: {doc}", 84)
            print(f"    {lines[0]}", file=out)
            for line in lines[1:]:
                print(f"        {line}", file=out)
