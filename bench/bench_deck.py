"""envdeck next to plain sphinx-revealjs, measured side by side in one run.

Each line of the performance table, A (the reference) and B (envdeck) alternating
within every round, medians over the rounds; a ratio is the median of B / A within
each round, measured seconds apart:

* ``build``: a cold deck build (no output, no saved environment) in CPU seconds of
  ``sphinx-build`` and its children: plain sphinx-revealjs (``-b revealjs``) vs envdeck
  (``-D slide=1``), on sphinx-revealjs's own ``demo/`` (from its sdist) and on a
  generated MyST course of PAGES pages with code blocks and a card grid;
* ``big``: the same MyST course with BIG_PAGES pages, to show how a build grows;
* ``page``: one deck page opened in headless Chromium from a local server, a fresh
  browser context each time: requests, bytes transferred and milliseconds to
  ``Reveal.isReady()``;
* ``envcheck``: a handout of 200 pages with 1,000 ``envcheck`` directives vs the
  same pages with static text in their place (``bench_build.py``'s courses);
* ``check``: ``envdeck check`` (the participant's command) in CPU seconds, its
  results compared with the first run's.

    uv run python bench/bench_deck.py                    # everything but `big`
    uv run python bench/bench_deck.py --only build,page --rounds 5
    uv run python bench/bench_deck.py --write-docs after # figures into the docs

CPU seconds, not wall time: on a shared two-core machine the wall time of the same
build varies by half with other work.  The demo comes from
``pip download --no-deps --no-binary :all: sphinx-revealjs==3.2.1`` (``--sdist``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_build  # the envcheck courses and the isolated project

REPO = bench_build.REPO
WORK = bench_build.WORK / "deck"
DOCS = REPO / "content" / "authoring" / "performance.md"
REVEALJS_VERSION = "3.2.1"

PLAIN_MYST_CONF = """\
project = "bench"
extensions = ["myst_parser", "sphinx_design", "sphinx_revealjs"]
myst_enable_extensions = ["colon_fence"]
"""
ENVDECK_CONF = """\
project = "bench"
extensions = ["envdeck"]
"""
#: The demo's own conf.py loads extensions from PyPI that the demo only needs for its
#: website (translations, Open Graph, analytics): both sides load the ones that
#: change the deck and that come with sphinx-revealjs or Sphinx.
PLAIN_DEMO_CONF = """\
project = "sphinx-revealjs"
extensions = ["sphinx.ext.todo", "sphinx_revealjs", "sphinx_revealjs.ext.footnotes"]
exclude_patterns = ["_build", "_sections"]
revealjs_static_path = ["_static"]
todo_include_todos = True
"""
ENVDECK_DEMO_CONF = """\
project = "sphinx-revealjs"
extensions = ["sphinx.ext.todo", "envdeck", "sphinx_revealjs.ext.footnotes"]
exclude_patterns = ["_build", "_sections"]
revealjs_static_path = ["_static"]
todo_include_todos = True
"""

LESSON = """\
# Lesson {n}

A virtual environment isolates the Python packages of a project, not the system
libraries they load; its interpreter is a link to a base Python that must stay.

## Two sides of it

::::{{grid}} 2
:::{{grid-item-card}} Isolation
Python packages only.
:::
:::{{grid-item-card}} Portability
One platform, one path.
:::
::::

## Where it points

```python
import sys

print(sys.prefix, sys.base_prefix)
```

## Making it again

- create the environment
- install what the lockfile lists

```console
$ uv sync --locked
```
"""


# --- the sources -------------------------------------------------------------------


def write_myst(root: Path, pages: int, conf: str) -> Path:
    if root.exists():
        shutil.rmtree(root)
    (root / "pages").mkdir(parents=True)
    (root / "conf.py").write_text(conf, "utf8")
    (root / "index.md").write_text("# A course\n\n```{toctree}\n:glob:\n\npages/*\n```\n", "utf8")
    for n in range(pages):
        (root / "pages" / f"p{n:04d}.md").write_text(LESSON.format(n=n), "utf8")
    return root


def demo_sdist(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    cached = WORK / f"sphinx_revealjs-{REVEALJS_VERSION}.tar.gz"
    if not cached.exists():
        pip = shutil.which("pip") or shutil.which("pip3")
        if pip is None:
            sys.exit("no pip to download the sdist; pass --sdist PATH")
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [pip, "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             f"sphinx-revealjs=={REVEALJS_VERSION}", "-d", str(WORK)],
            check=True,
        )  # fmt: skip
    return cached


def write_demo(root: Path, sdist: Path, conf: str) -> Path:
    if root.exists():
        shutil.rmtree(root)
    prefix = f"sphinx_revealjs-{REVEALJS_VERSION}/demo/"
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            if member.name.startswith(prefix) and member.isfile():
                target = root / member.name[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                target.write_bytes(source.read())
    (root / "conf.py").write_text(conf, "utf8")
    # `oembed` embeds a video from the network (its extension is not installed):
    # the same paragraph stands in its place on both sides.
    for page in [root / "index.rst", *sorted((root / "_sections").glob("*.rst"))]:
        text = page.read_text("utf8")
        text = re.sub(
            r"^( *)\.\. oembed:: .*(\n\1 +.*|\n *$)*",
            r"\1An embedded video.\n",
            text,
            flags=re.M,
        )
        page.write_text(text, "utf8")
    return root


# --- measuring builds ----------------------------------------------------------------


def cpu_of_children(run: Callable[[], subprocess.CompletedProcess[str]]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{proc.args} failed:\n{proc.stdout[-2000:]}{proc.stderr[-4000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


#: What a deck build keeps for every project of the machine (fonts, templates), and for
#: one project only (its coloured code): ``first="project"`` keeps the former.
SHARED_KEPT = ("fonts", "templates")


def deck_build(src: Path, out: Path, *, envdeck: bool, first: str | None = None) -> float:
    """A cold deck build (no output, no doctrees); its CPU seconds.  ``first``: as the
    first deck build of a project (``"project"``: with what earlier builds of other
    projects keep, the WOFF2 fonts and compiled templates) or of a machine
    (``"machine"``: with nothing that envdeck keeps between builds)."""
    shutil.rmtree(out, ignore_errors=True)
    args = ["-D", "slide=1"] if envdeck else ["-b", "revealjs"]
    cmd = [sys.executable, "-m", "sphinx", "-q", *args, str(src), str(out)]
    env = bench_build.build_env()
    if first:
        cache = Path(env["ENVDECK_CACHE_DIR"])
        env["ENVDECK_CACHE_DIR"] = str(WORK / "cache-first")
        shutil.rmtree(env["ENVDECK_CACHE_DIR"], ignore_errors=True)
        for kind in SHARED_KEPT if first == "project" else ():
            if (cache / kind).is_dir():
                shutil.copytree(cache / kind, WORK / "cache-first" / kind)
    return cpu_of_children(
        lambda: subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    )


@dataclass
class Pair:
    """A and B measured in alternating rounds."""

    label: str
    unit: str
    a: list[float] = field(default_factory=list)
    b: list[float] = field(default_factory=list)
    goal: float | None = None

    def add(self, a: float, b: float) -> None:
        self.a.append(a)
        self.b.append(b)

    @property
    def ratio(self) -> float:
        return statistics.median(y / x for x, y in zip(self.a, self.b, strict=True) if x)


def alternate(rounds: int, measure_a: Callable[[], float], measure_b: Callable[[], float],
              pair: Pair, warmup: int = 1) -> Pair:  # fmt: skip
    for _ in range(warmup):
        measure_a()
        measure_b()
    for round_ in range(rounds):
        # A first in even rounds, B first in odd ones: neither always follows the other.
        if round_ % 2:
            b = measure_b()
            a = measure_a()
        else:
            a = measure_a()
            b = measure_b()
        pair.add(a, b)
    return pair


# --- a deck page in Chromium ------------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


#: Records when reveal.js dispatches `ready` (it bubbles from .reveal to document).
READY_PROBE = """
document.addEventListener('ready', () => {
  if (!window.__benchReadyAt) window.__benchReadyAt = performance.now();
}, true);
"""

#: Marks the benchmark's Chromium on its command line, to find its processes.
MARKER = f"--envdeck-bench={os.getpid()}"


def browser_cpu() -> float:
    """CPU seconds so far of the benchmark's Chromium: the browser and its children."""
    parents: dict[int, int] = {}
    root = None
    ticks: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            if root is None:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    if MARKER.encode() in cmdline.read():
                        root = int(entry)
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        ticks[int(entry)] = int(fields[11]) + int(fields[12])  # utime + stime
    total = 0
    for pid in ticks:
        walk = pid
        while walk in parents and walk != root and walk > 1:
            walk = parents[walk]
        if walk == root:
            total += ticks[pid]
    return total / os.sysconf("SC_CLK_TCK")


LAUNCH_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", MARKER,
]  # fmt: skip


@dataclass
class Load:
    requests: int
    bytes: int
    ready_ms: float
    names: list[str]
    #: CPU seconds of Chromium from the request to Reveal.isReady()
    cpu: float = 0.0


class Tab:
    """One tab per side, navigated again for every load: its renderer process stays,
    so a load's CPU is the page's, not a process start's.  Routing a request turns
    the HTTP cache off, so every load fetches every file."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context()
        # Nothing leaves the machine: a request to another host fails at once.
        self.context.route(
            re.compile(r"^(?!http://127\.0\.0\.1)"),
            lambda route: route.abort("internetdisconnected"),
        )
        self.context.route(re.compile(r"^http://127\.0\.0\.1"), lambda route: route.continue_())
        self.page = self.context.new_page()
        self.page.add_init_script(READY_PROBE)
        self.sizes: dict[str, int] = {}
        self.page.on("requestfinished", self.finished)

    def finished(self, request: Any) -> None:
        response = request.response()
        if response is None or request.url.startswith("about:"):
            return
        try:
            self.sizes[request.url] = len(response.body())
        except Exception:  # a redirect or an aborted load has no body
            self.sizes[request.url] = 0

    def load(self, url: str) -> Load:
        self.page.goto("about:blank")
        self.sizes.clear()
        before = browser_cpu()
        self.page.goto(url, wait_until="load")
        self.page.wait_for_function("window.Reveal && Reveal.isReady && Reveal.isReady()")
        cpu = browser_cpu() - before
        # Files loaded later (lazily) count too; on a busy machine, those of 5 s.
        with contextlib.suppress(Exception):
            self.page.wait_for_load_state("networkidle", timeout=5000)
        ready = self.page.evaluate("window.__benchReadyAt")
        sizes = dict(self.sizes)
        return Load(len(sizes), sum(sizes.values()), float(ready), sorted(sizes), cpu)


def page_loads(
    rounds: int, a_dir: Path, b_dir: Path, page: str, label: str
) -> tuple[Pair, Pair, Pair, Pair, Load, Load]:
    from playwright.sync_api import sync_playwright

    from envdeck.pdf import find_chromium

    req = Pair(f"{label}: requests", "")
    size = Pair(f"{label}: bytes transferred", "B", goal=1.0)
    ready = Pair(f"{label}: time to `Reveal.isReady()`", "ms", goal=1.0)
    cpu = Pair(f"{label}: Chromium CPU to `Reveal.isReady()`", "ms", goal=1.0)
    with serve(a_dir) as a_url, serve(b_dir) as b_url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=LAUNCH_FLAGS)
        try:
            loads: dict[str, Load] = {}
            tabs = {"a": Tab(browser), "b": Tab(browser)}

            def measure(side: str, url: str) -> Load:
                loads[side] = tabs[side].load(f"{url}/{page}")
                return loads[side]

            for _ in range(2):  # warm-up: the server, the file system cache
                measure("a", a_url)
                measure("b", b_url)
            for round_ in range(rounds):
                order = [("a", a_url), ("b", b_url)]
                if round_ % 2:
                    order.reverse()
                got = {side: measure(side, url) for side, url in order}
                req.add(got["a"].requests, got["b"].requests)
                size.add(got["a"].bytes, got["b"].bytes)
                ready.add(got["a"].ready_ms, got["b"].ready_ms)
                cpu.add(got["a"].cpu * 1000, got["b"].cpu * 1000)
        finally:
            browser.close()
    return req, size, ready, cpu, loads["a"], loads["b"]


# --- envcheck directives vs static text ---------------------------------------------------


def envcheck_pair(rounds: int) -> Pair:
    bench_build.write_project()
    courses = {}
    for kind in ("static", "envcheck"):
        courses[kind] = bench_build.WORK / kind
        bench_build.write_course(courses[kind], kind, pages=200, per_page=5)

    def build(kind: str) -> float:
        return bench_build.sphinx_build(courses[kind], cold=True, jobs=1).cpu

    return alternate(
        rounds,
        lambda: build("static"),
        lambda: build("envcheck"),
        Pair("200 pages: 1,000 `envcheck` directives (B) vs static text (A), CPU", "s", goal=1.1),
    )


# --- envdeck check ----------------------------------------------------------------------------


def envdeck_check(rounds: int) -> tuple[list[float], bool, str]:
    """CPU seconds of ``envdeck check --json`` on envdeck's own project; same results?"""
    exe = Path(sys.executable).with_name("envdeck")
    cmd = [str(exe), "check", "--json", "--project", str(REPO)]
    env = dict(bench_build.build_env())
    outputs: list[str] = []

    def run() -> float:
        def once() -> subprocess.CompletedProcess[str]:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
            outputs.append(proc.stdout)
            # 1: a check failed on this machine; still a result to compare.
            return subprocess.CompletedProcess(proc.args, 0, proc.stdout, proc.stderr)

        return cpu_of_children(once)

    run()  # warm-up: bytecode, and whatever the checks keep between runs
    times = [run() for _ in range(rounds)]

    def results(text: str) -> list[tuple[str, str, str, str]]:
        data = json.loads(text)
        return [
            (c["name"], c["status"], c["summary"], json.dumps(c["facts"], sort_keys=True))
            for c in data["results"]
        ]

    same = all(results(out) == results(outputs[0]) for out in outputs)
    statuses = ", ".join(f"{c[0]} {c[1]}" for c in results(outputs[0]))
    return times, same, statuses


# --- reporting --------------------------------------------------------------------------------


def fmt(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value / 1024:.1f} KiB"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.0f}"


def pair_row(pair: Pair) -> str:
    a = fmt(statistics.median(pair.a), pair.unit)
    b = fmt(statistics.median(pair.b), pair.unit)
    ratio = pair.ratio
    goal = f"≤ {pair.goal:.2f} ×" if pair.goal else ""
    met = ("yes" if ratio <= pair.goal else "no") if pair.goal else ""
    return f"| {pair.label} | {a} | {b} | {ratio:.2f} × | {goal} | {met} |"


def out(src: Path) -> Path:
    return src.parent / f"{src.name}-out"


FIRST = {
    None: "cold deck build",
    "project": "a new project's first deck build",
    "machine": "first deck build on a new machine, nothing kept",
}


def build_line(label: str, a_src: Path, b_src: Path, rounds: int, warmup: int = 1,
               first: str | None = None) -> Pair:  # fmt: skip
    what = FIRST[first]
    return alternate(
        rounds,
        lambda: deck_build(a_src, out(a_src), envdeck=False),
        lambda: deck_build(b_src, out(b_src), envdeck=True, first=first),
        Pair(f"{label}: {what}, CPU", "s", goal=None if first else 1.05),
        warmup=warmup,
    )


def build_rows(sources: dict[str, tuple[Path, Path]], rounds: int, demo_rounds: int,
               small: dict[str, Pair]) -> list[str]:  # fmt: skip
    rows = []
    for label, (a_src, b_src) in sources.items():
        # The demo's builds take 0.6 s and vary by a fifth from one to the next:
        # more rounds for its median, which costs less than the MyST line's.
        line_rounds = demo_rounds if label == "demo" else rounds
        small[label] = build_line(label, a_src, b_src, line_rounds)
        rows.append(pair_row(small[label]))
    # The cold builds above take back what envdeck kept from the warm-up build
    # (fonts, coloured code, templates): a project's first build has only what other
    # projects' builds kept, a machine's first build nothing.
    for first in ("project", "machine"):
        for label, (a_src, b_src) in sources.items():
            rows.append(pair_row(build_line(label, a_src, b_src, rounds, first=first)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds of A and B per line")
    parser.add_argument("--demo-rounds", type=int, default=21, help="rounds of the demo's builds")
    parser.add_argument("--page-rounds", type=int, default=21, help="page loads of A and B")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--big-pages", type=int, default=1000)
    parser.add_argument("--big-rounds", type=int, default=5)
    parser.add_argument("--envcheck-rounds", type=int, default=7)
    parser.add_argument(
        "--only", default="build,page,envcheck,check", help="lines to measure; add `big`"
    )
    parser.add_argument("--sdist", type=Path, default=None, help="sphinx-revealjs sdist")
    parser.add_argument(
        "--write-docs", choices=("before", "after"), help="write the tables into the docs"
    )
    args = parser.parse_args(argv)
    only = set(args.only.split(","))

    lines: list[str] = []
    notes: list[str] = []
    WORK.mkdir(parents=True, exist_ok=True)
    sources: dict[str, tuple[Path, Path]] = {}
    if only & {"build", "page"}:
        sdist = demo_sdist(args.sdist)
        sources["demo"] = (
            write_demo(WORK / "demo-plain", sdist, PLAIN_DEMO_CONF),
            write_demo(WORK / "demo-envdeck", sdist, ENVDECK_DEMO_CONF),
        )
        sources[f"{args.pages}-page MyST"] = (
            write_myst(WORK / "myst-plain", args.pages, PLAIN_MYST_CONF),
            write_myst(WORK / "myst-envdeck", args.pages, ENVDECK_CONF),
        )

    small: dict[str, Pair] = {}
    if "build" in only:
        lines += build_rows(sources, args.rounds, args.demo_rounds, small)
    if "big" in only:
        big_a = write_myst(WORK / "big-plain", args.big_pages, PLAIN_MYST_CONF)
        big_b = write_myst(WORK / "big-envdeck", args.big_pages, ENVDECK_CONF)
        big = build_line(f"{args.big_pages}-page MyST", big_a, big_b, args.big_rounds)
        lines.append(pair_row(big))
        key = f"{args.pages}-page MyST"
        if key in small:
            grow_a = statistics.median(big.a) / statistics.median(small[key].a)
            grow_b = statistics.median(big.b) / statistics.median(small[key].b)
            notes.append(
                f"From {args.pages} to {args.big_pages} pages the build grows "
                f"{grow_a:.0f} × with plain sphinx-revealjs and {grow_b:.0f} × with envdeck."
            )
    if "page" in only:
        for label, (a_src, b_src) in sources.items():
            if not out(a_src).exists() or not out(b_src).exists():
                deck_build(a_src, out(a_src), envdeck=False)
                deck_build(b_src, out(b_src), envdeck=True)
            page = "index.html" if label == "demo" else "pages/p0000.html"
            req, size, ready, cpu, a_load, b_load = page_loads(
                args.page_rounds, out(a_src), out(b_src), page, f"{label}, `{page}`"
            )
            lines += [pair_row(req), pair_row(size), pair_row(ready), pair_row(cpu)]

            def names(load: Load, base: str) -> str:
                return ", ".join(re.sub(r"^http://127\.0\.0\.1:\d+/", "", n) for n in load.names)

            notes.append(f"{label} `{page}`, plain loads: {names(a_load, '')}.")
            notes.append(f"{label} `{page}`, envdeck loads: {names(b_load, '')}.")
    if "envcheck" in only:
        lines.append(pair_row(envcheck_pair(args.envcheck_rounds)))
    if "check" in only:
        times, same, statuses = envdeck_check(args.rounds)
        median = statistics.median(times)
        lines.append(
            f"| `envdeck check` on this repository, CPU | | {median:.2f} s | | ≤ 0.50 s | "
            f"{'yes' if median <= 0.5 else 'no'} |"
        )
        notes.append(
            f"`envdeck check`: runs {', '.join(f'{t:.2f}' for t in times)} s; "
            f"{'the same results every run' if same else 'RESULTS DIFFERED between runs'} "
            f"({statuses})."
        )

    header = (
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} on {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPU cores (a shared virtual machine), Python "
        f"{platform.python_version()}. A and B alternate within each round, after a warm-up; "
        f"medians of {args.rounds} rounds of builds (the demo's: {args.demo_rounds}; "
        f"1,000 pages: {args.big_rounds}; "
        f"`envcheck`: {args.envcheck_rounds}), "
        f"{args.page_rounds} page loads and {args.rounds} runs of `envdeck check`; B / A is "
        f"the median of the ratios within rounds. CPU: user + system seconds of the process "
        f"and its children."
    )
    table = [
        header,
        "",
        "| Measure | A: plain sphinx-revealjs | B: envdeck | B / A | Goal | Met |",
        "| --- | ---: | ---: | ---: | --- | --- |",
        *lines,
        "",
        *(f"- {note}" for note in notes),
    ]
    text = "\n".join(table) + "\n"
    print(text)
    if args.write_docs:
        write_docs(args.write_docs, text)
    return 0


def write_docs(which: str, text: str) -> None:
    start, end = f"% bench_deck {which} start\n", f"% bench_deck {which} end\n"
    doc = DOCS.read_text("utf8")
    if start not in doc or end not in doc:
        sys.exit(f"{DOCS} has no {start.strip()!r} ... {end.strip()!r} block")
    head, _, rest = doc.partition(start)
    _, _, tail = rest.partition(end)
    DOCS.write_text(head + start + "\n" + text + "\n" + end + tail, "utf8")


if __name__ == "__main__":
    raise SystemExit(main())
