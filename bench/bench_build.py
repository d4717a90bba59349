"""Build-time cost of envdeck's envchecks, measured on a synthetic course.

The course has PAGES pages (default 200), each a lesson of a few hundred words with
headings, a list, a code block and a sphinx-design grid of cards, and
CHECKS_PER_PAGE envcheck directives (default 5: 1,000 in all) spread over every
check kind.  It is built with ``python -m sphinx -b html`` in a subprocess, cold
(no output, no saved environment), the variants interleaved, median of --repeat runs
after --warmup uncounted ones, as:

* ``envcheck``: the course as written;
* ``static``:   the same pages with a static paragraph in each directive's place;
* ``plain``:    the static pages without envdeck (myst_parser + sphinx_design only);

and then the ``envcheck`` course rebuilt with nothing changed.  Each check is also
run on its own (``run_check``) to show its cost.  Prints markdown tables.

    uv run python bench/bench_build.py [--pages 200] [--checks-per-page 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / "_work"
#: The project the checks look at: a copy of envdeck's own project files in a git
#: repository of its own, so that work going on in envdeck's repository (a commit
#: changes git's index) does not invalidate results in the middle of a measurement.
PROJECT = WORK / "project"

ENVDECK_CONF = """\
project = "bench"
extensions = ["envdeck"]
"""
PLAIN_CONF = """\
project = "bench"
extensions = ["myst_parser", "sphinx_design"]
myst_enable_extensions = ["colon_fence"]
"""

SHOW = ("facts", "summary", "facts", "details", "facts")

PROSE = (
    "A virtual environment isolates the Python packages of a project, not the system "
    "libraries they load. Its interpreter is a link to a base Python that must stay in "
    "place, and the scripts in its bin directory name that interpreter by an absolute "
    "path, which is why a moved environment breaks. The lockfile records every "
    "distribution with its hash, so that the same environment can be made again on "
    "another machine of the same platform."
)


def check_names() -> list[str]:
    from envdeck.checks import check_names as names

    return names()


def envcheck_block(name: str, n: int) -> str:
    options = [f":project: {PROJECT}", f":show: {SHOW[n % len(SHOW)]}"]
    if name == "packages":
        options.append(":packages: sphinx, docutils")
    return "\n".join([f"```{{envcheck}} {name}", *options, "```", ""])


STATIC_BLOCK = "Static text in the place of a live check of the environment.\n"


def lesson(index: int, blocks: list[str]) -> str:
    sections = []
    for part, block in enumerate(blocks):
        sections.append(
            f"## Constraint {index}.{part}\n\n{PROSE}\n\n{block}\n"
            f"- isolation stops at the Python domain\n- paths are absolute\n\n"
        )
    return textwrap.dedent(f"""\
        # Lesson {index}

        {PROSE}

        ::::{{grid}} 2
        :::{{grid-item-card}} Isolation
        Python packages only.
        :::
        :::{{grid-item-card}} Portability
        One platform, one path.
        :::
        ::::

        ```python
        import sys
        print(sys.prefix, sys.base_prefix)
        ```

        """) + "\n".join(sections)


def write_project() -> None:
    if PROJECT.exists():
        shutil.rmtree(PROJECT)
    PROJECT.mkdir(parents=True)
    for name in ("pyproject.toml", "uv.lock", ".gitignore"):
        shutil.copyfile(REPO / name, PROJECT / name)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(PROJECT)], check=True, capture_output=True)


def write_course(root: Path, kind: str, pages: int, per_page: int) -> int:
    """Write the course; returns how many envcheck directives it has."""
    if root.exists():
        shutil.rmtree(root)
    (root / "pages").mkdir(parents=True)
    (root / "conf.py").write_text(PLAIN_CONF if kind == "plain" else ENVDECK_CONF, "utf8")
    (root / "index.md").write_text(
        "# Synthetic course\n\n```{toctree}\n:glob:\n\npages/*\n```\n", "utf8"
    )
    names = check_names()
    directives = 0
    for page in range(pages):
        blocks = []
        for k in range(per_page):
            n = page * per_page + k
            if kind == "envcheck":
                blocks.append(envcheck_block(names[n % len(names)], n))
                directives += 1
            else:
                blocks.append(STATIC_BLOCK)
        (root / "pages" / f"p{page:03d}.md").write_text(lesson(page, blocks), "utf8")
    return directives


@dataclass
class Run:
    wall: float
    #: CPU seconds of sphinx-build and every program it ran (the checks' git, uv, ...)
    cpu: float
    log: str


def build_env() -> dict[str, str]:
    env = dict(os.environ)
    # As on an installed system, where modules are imported from bytecode: write it
    # once (under bench/_work, not into the virtual environment) and reuse it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    # What envdeck keeps between runs (checks, coloured code, templates) goes here,
    # not into the user's cache.
    env["ENVDECK_CACHE_DIR"] = str(WORK / "cache")
    return env


def sphinx_build(src: Path, *, cold: bool, jobs: int) -> Run:
    out = src / "_build"
    if cold and out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-j", str(jobs), str(src), str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=build_env())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"build of {src} failed:\n{proc.stderr[-4000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, proc.stdout + proc.stderr)


def envdeck_line(log: str) -> str:
    lines = [line for line in log.splitlines() if line.startswith("envdeck: ")]
    return lines[-1] if lines else "(no envdeck line)"


def check_costs(repeat: int) -> list[tuple[str, str, float]]:
    from envdeck.checks import CheckContext, run_check

    rows = []
    for name in check_names():
        options = {"packages": "sphinx, docutils"} if name == "packages" else {}
        ctx = CheckContext(project=PROJECT, options=options)
        durations, status = [], ""
        for _ in range(repeat):
            result = run_check(name, ctx)
            durations.append(result.duration)
            status = result.status.value
        rows.append((name, status, statistics.median(durations)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--checks-per-page", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="cold builds per variant")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted builds per variant")
    parser.add_argument("--jobs", type=int, default=1, help="sphinx-build -j")
    args = parser.parse_args(argv)

    write_project()
    courses = {kind: WORK / kind for kind in ("envcheck", "static", "plain")}
    directives = 0
    for kind, root in courses.items():
        count = write_course(root, kind, args.pages, args.checks_per_page)
        directives = max(directives, count)

    kinds = ("plain", "static", "envcheck")
    for kind in kinds:
        # Warm-up, not counted: bytecode caches, the file system cache.
        for _ in range(args.warmup):
            sphinx_build(courses[kind], cold=True, jobs=args.jobs)
    runs: dict[str, list[Run]] = {kind: [] for kind in kinds}
    for round_ in range(args.repeat):
        # Interleaved, in a rotating order, so that load from other work on the machine
        # falls on all variants alike; ratios are taken within a round.
        for kind in kinds[round_ % 3 :] + kinds[: round_ % 3]:
            runs[kind].append(sphinx_build(courses[kind], cold=True, jobs=args.jobs))
    cold_line = envdeck_line(runs["envcheck"][-1].log)
    warnings = len(re.findall(r"WARNING", runs["envcheck"][-1].log))

    rebuilds = [sphinx_build(courses["envcheck"], cold=False, jobs=args.jobs) for _ in range(3)]
    rebuild_lines = [envdeck_line(run.log) for run in rebuilds]
    no_check_ran = all(line.startswith("envdeck: no check ran") for line in rebuild_lines)

    costs = check_costs(args.repeat)

    def wall(kind: str) -> float:
        return statistics.median(run.wall for run in runs[kind])

    def cpu(kind: str) -> float:
        return statistics.median(run.cpu for run in runs[kind])

    def fmt(values: list[float]) -> str:
        return ", ".join(f"{v:.1f}" for v in values)

    def row(label: str, kind: str, base: str | None, goal: float | None) -> None:
        wall_runs = fmt([run.wall for run in runs[kind]])
        cpu_runs = fmt([run.cpu for run in runs[kind]])
        if base is None:
            ratios, verdict = "", ""
        else:
            # The median of the ratios of builds made one after the other in a round.
            pairs = list(zip(runs[kind], runs[base], strict=True))
            by_wall = statistics.median(a.wall / b.wall for a, b in pairs)
            by_cpu = statistics.median(a.cpu / b.cpu for a, b in pairs)
            ratios = f"{by_wall:.2f} / {by_cpu:.2f} × {base}"
            verdict = f"≤ {goal} × | {'yes' if by_cpu <= goal else 'no'}"  # type: ignore[operator]
        print(
            f"| {label} | {wall(kind):.2f} ({wall_runs}) | {cpu(kind):.2f} ({cpu_runs}) | "
            f"{ratios} | {verdict or ' | '} |"
        )

    cores = os.cpu_count()
    print(
        f"Machine: {platform.system()} {platform.machine()}, {cores} CPU cores, "
        f"Python {platform.python_version()}; sphinx-build -j {args.jobs}; "
        f"{args.pages} pages, {directives} envcheck directives over "
        f"{len(check_names())} checks; median of {args.repeat} cold builds "
        f"(each run in brackets), after {args.warmup} uncounted; a ratio is the median of "
        f"the ratios within each round of builds.\n"
    )
    print("| Build | Wall (s) | CPU (s) | Ratio, wall / CPU | Goal (CPU) | Met |")
    print("| --- | --- | --- | --- | --- | --- |")
    row("`plain`: myst_parser + sphinx_design, static pages", "plain", None, None)
    row("`static`: envdeck, static pages", "static", "plain", 1.1)
    row(f"`envcheck`: envdeck, {directives} envchecks", "envcheck", "static", 1.1)
    rebuild_wall = fmt([run.wall for run in rebuilds])
    rebuild_cpu = fmt([run.cpu for run in rebuilds])
    print(
        f"| `envcheck` rebuilt, nothing changed | {statistics.median(r.wall for r in rebuilds):.2f}"
        f" ({rebuild_wall}) | {statistics.median(r.cpu for r in rebuilds):.2f} ({rebuild_cpu}) |"
        f" | no check runs | {'yes' if no_check_ran else 'no'} |"
    )
    print()
    print(f"Cold build: `{cold_line}` ({warnings} warnings).  ")
    print(f"No-change rebuilds: `{rebuild_lines[-1]}`.")
    print()
    print("| Check | Status here | Time (s) |")
    print("| --- | --- | ---: |")
    for name, status, seconds in costs:
        print(f"| `{name}` | {status} | {seconds:.3f} |")
    print(f"| all, one after another | | {sum(c[2] for c in costs):.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
