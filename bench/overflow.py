"""Do the slides of real doc sets fit the frame?  sphinx-design's and MyST-Parser's docs as decks.

Each doc set is built with ``-D slide=1`` and ``"envdeck"`` added to its extensions,
in a virtual environment of its own (the extensions its docs name, envdeck from this
repository), and each of its deck pages is walked slide by slide in headless
Chromium at 1280×720, twice: as built, and with envdeck's split plugin
(``envdeck-split.js``) replaced by one that does nothing (before/after).  Per doc
set and run it reports: pages, slides, slides scaled down by ``envdeck-deck.js``,
the smallest scale, slides below 0.7, slides still overflowing the frame at the
45 % floor, and the tallest of those.

The docs are not in these projects' sdists (which hold the package alone), so they
come from the projects' git repositories, at the tag of a release::

    cd bench/_work/overflow/repos
    git clone https://github.com/executablebooks/sphinx-design
    git clone https://github.com/executablebooks/MyST-Parser
    cd -
    uv run python bench/overflow.py [NAME ...] [--repos DIR]

Work files go to ``bench/_work/overflow/`` (ignored by git); the results, as a
markdown table, to stdout and ``bench/_work/overflow/results.md``, every slide
below 0.7 or overflowing to ``<name>.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / "_work" / "overflow"
sys.path.insert(0, str(REPO / "tests"))

from browser_support import LAUNCH_FLAGS, serve  # noqa: E402

from envdeck.pdf import find_chromium  # noqa: E402

WIDTH, HEIGHT = 1280, 720
READABLE = 0.7

#: What the page gets in place of envdeck-split.js for the "before" run: the plugin,
#: doing nothing.
NO_SPLIT = 'window.EnvdeckSplit = {id: "envdeck-split", init: function () {}};'


@dataclass(frozen=True)
class DocSet:
    name: str
    #: the folder of its git clone under --repos, the release's tag, its docs there
    repo: str
    tag: str
    docs: str
    #: conf.py lines appended, and why (in ``left_out``)
    overrides: str
    left_out: str


#: What the two releases' docs import (MyST-Parser's ``rtd`` extra, sphinx-design's
#: release), in one virtual environment with envdeck.
REQUIREMENTS = (
    "sphinx-design==0.7.0",
    "myst-parser[linkify]==5.1.0",
    "ipython",
    "sphinx-book-theme~=1.1",
    "sphinx-copybutton",
    "sphinxext-rediraffe~=0.3.0",
    "sphinxext-opengraph~=0.13.0",
    "sphinx-autodoc2~=0.5.0",
    "sphinx-togglebutton",
)

DOC_SETS = [
    DocSet(
        name="sphinx-design",
        repo="sphinx-design",
        tag="v0.7.0",
        docs="docs",
        # conf.py links FontAwesome from a CDN (the deck warns of it): nothing here
        # reaches a network, and the icons do not change a slide's height.
        overrides="html_css_files = []\n",
        left_out="FontAwesome's CSS from a CDN",
    ),
    DocSet(
        name="myst-parser",
        repo="MyST-Parser",
        tag="v5.1.0",
        docs="docs",
        overrides=(
            "intersphinx_mapping = {}\n"
            'extensions = [e for e in extensions if e not in ("sphinx_tippy", "sphinx_pyscript")]\n'
        ),
        left_out="sphinx-tippy and sphinx-pyscript (both load their scripts from a CDN), "
        "intersphinx (no network)",
    ),
]


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd)


def prepare(doc_set: DocSet, repos: Path) -> tuple[Path, Path]:
    """The venv (made once) and the doc set's sources at the release's tag."""
    home = WORK / doc_set.name
    python = WORK / "venv" / "bin" / "python"
    if not python.exists():
        for command in (
            ["uv", "venv", "-q", "--python", sys.executable, str(WORK / "venv")],
            ["uv", "pip", "install", "-q", "--python", str(python), *REQUIREMENTS, "-e", str(REPO)],
        ):
            done = run(command)
            if done.returncode:
                raise SystemExit(f"{doc_set.name}: {' '.join(command[:3])} failed:\n{done.stderr}")
    source = home / "src"
    if source.exists():
        shutil.rmtree(source)
    archive = subprocess.run(
        ["git", "-C", str(repos / doc_set.repo), "archive", doc_set.tag],
        capture_output=True,
        check=False,
    )
    if archive.returncode:
        raise SystemExit(f"{doc_set.name}: no {doc_set.tag} in {repos / doc_set.repo}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(source, filter="data")
    conf = source / doc_set.docs / "conf.py"
    conf.write_text(
        conf.read_text("utf8")
        + "\n# bench/overflow.py\n"
        + doc_set.overrides
        + 'extensions = [*extensions, "envdeck"]\n',
        "utf8",
    )
    return python, source / doc_set.docs


def build(python: Path, docs: Path, out: Path) -> int:
    if out.exists():
        shutil.rmtree(out)
    done = run(
        [
            *(str(python), "-m", "sphinx", "-b", "html", "-D", "slide=1", "-j", "2", "-q"),
            *("--no-color", "-w", str(out.parent / "warnings.txt"), str(docs), str(out)),
        ],
        cwd=docs,
    )
    if done.returncode:
        print(done.stderr[-3000:], file=sys.stderr)
    return done.returncode


#: Each slide of the page, shown in turn once envdeck-deck.js fitted it: its place,
#: heading, scale and height at that scale.
WALK = """async () => {
  Reveal.configure({transition: "none", backgroundTransition: "none"});
  const height = Reveal.getConfig().height;
  const seen = [];
  for (const slide of Reveal.getSlides()) {
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v || 0);
    for (let i = 0; i < 200 && !slide.hasAttribute("data-envdeck-scale"); i++) {
      await new Promise((done) => setTimeout(done, 10));
    }
    const heading = slide.querySelector("h1, h2, h3");
    seen.push({
      at: `${at.h}/${at.v || 0}`,
      title: heading ? heading.textContent.trim().slice(0, 60) : "",
      scale: parseFloat(slide.getAttribute("data-envdeck-scale") || "1"),
      height: slide.scrollHeight,
      overflow: slide.scrollHeight > height + 1,
    });
  }
  return seen;
}"""


def walk(out: Path, split: bool) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    pages = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*.html")
        if "_static" not in p.parts
        and "_modules" not in p.parts
        and 'class="reveal"' in p.read_text("utf8", errors="replace")
    )
    slides: list[dict[str, Any]] = []
    errors: list[str] = []
    with serve(out) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=LAUNCH_FLAGS)
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        # Nothing from the network (no network here): only the served deck.
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(base) else route.abort()
            ),
        )
        if not split:
            context.route(
                "**/envdeck-split.js",
                lambda route: route.fulfill(body=NO_SPLIT, content_type="text/javascript"),
            )
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        for name in pages:
            page.goto(f"{base}/{name}")
            page.wait_for_function(
                "document.documentElement.getAttribute('data-envdeck-fit') === 'ready'",
                timeout=120_000,
            )
            slides.extend({"page": name, **seen} for seen in page.evaluate(WALK))
        browser.close()
    scaled = [s for s in slides if s["scale"] < 1]
    small = [s for s in slides if s["scale"] < READABLE]
    over = [s for s in slides if s["overflow"]]
    return {
        "pages": len(pages),
        "slides": len(slides),
        "scaled": len(scaled),
        "smallest_scale": min((s["scale"] for s in slides), default=1.0),
        "below_0_7": len(small),
        "overflowing": len(over),
        "tallest_px": max((s["height"] for s in over), default=0),
        "page_errors": sorted(set(errors)),
        "small": small,
        "over": over,
    }


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        "| doc set | split plugin | pages | slides | scaled down | smallest scale "
        "| below 0.7 | overflowing at 45 % | tallest overflowing |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        for run_name in ("without", "with"):
            m = r[run_name]
            tallest = f"{m['tallest_px']:,} px" if m["overflowing"] else "–"
            rows.append(
                f"| {r['name']} ({r['tag']}) | {run_name} | {m['pages']} | {m['slides']} "
                f"| {m['scaled']} | {m['smallest_scale']:.2f} | {m['below_0_7']} "
                f"| {m['overflowing']} | {tallest} |"
            )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="doc sets (default: both)")
    parser.add_argument("--repos", type=Path, default=WORK / "repos", help="the git clones")
    parser.add_argument("--no-build", action="store_true", help="walk the last build again")
    args = parser.parse_args()
    results = []
    for doc_set in DOC_SETS:
        if args.names and doc_set.name not in args.names:
            continue
        print(f"== {doc_set.name} {doc_set.tag}", flush=True)
        out = WORK / doc_set.name / "deck"
        if not args.no_build:
            python, docs = prepare(doc_set, args.repos)
            if build(python, docs, out):
                print(f"{doc_set.name}: the deck build failed", file=sys.stderr)
                return 1
        result = {
            "name": doc_set.name,
            "tag": doc_set.tag,
            "left_out": doc_set.left_out,
            "without": walk(out, split=False),
            "with": walk(out, split=True),
        }
        (WORK / f"{doc_set.name}.json").write_text(json.dumps(result, indent=2), "utf8")
        for run_name in ("without", "with"):
            summary = {k: v for k, v in result[run_name].items() if k not in ("small", "over")}
            print(run_name, json.dumps(summary), flush=True)
        results.append(result)
    report = table(results)
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "results.md").write_text(report + "\n", "utf8")
    print(report)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
