"""envdeck on real doc sets that nobody here wrote: nothing changes until they use it.

Each doc set is taken from its release sdist on PyPI and built three times, in a
virtual environment of its own (its documented extensions, and envdeck from this
repository, installed with uv):

* ``plain``:   as released (prose, ``-b html``);
* ``envdeck``: the same sources with ``"envdeck"`` appended to ``extensions``;
* ``deck``:    that again with ``-D slide=1``.

It reports, per doc set: pages, pages whose text differs between ``plain`` and
``envdeck`` (the text of each page's ``<body>``, whitespace runs collapsed), pages
only one of them wrote, warnings that ``envdeck`` has and ``plain`` has not, and
whether the deck build succeeded.  All builds run with ``-j 2`` (where the Jinja
stage once stopped builds).  Overrides that both variants get (no intersphinx, no
notebook execution: this machine reaches no documentation hosts) are listed with
each doc set.

    uv run python bench/docsets.py [NAME ...]      # all three when none is named

Work files go to ``bench/_work/docsets/`` (ignored by git); the results, as a
markdown table, to stdout and ``bench/_work/docsets/results.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / "_work" / "docsets"
#: The release sdist alone, never a wheel: the docs are in the sdist.
PIP_DOWNLOAD = ("-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:")
SPHINX_BUILD = ("-m", "sphinx", "-b", "html", "-j", "2", "-q", "--no-color")


@dataclass(frozen=True)
class DocSet:
    name: str
    #: the sdist, as pip names it
    sdist: str
    #: the documentation's source directory inside the sdist
    docs: str
    #: what its conf.py imports (extensions, theme), as documented by the project
    requirements: tuple[str, ...]
    #: conf.py lines appended for both variants, and why
    overrides: str = ""
    uses: str = ""
    #: files its conf.py downloads at build time, taken from another sdist instead:
    #: (sdist, path inside it, path under the docs)
    fetched: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)


DOC_SETS = [
    DocSet(
        name="sphinx",
        sdist="sphinx==9.0.4",
        docs="doc",
        requirements=("sphinx==9.0.4",),
        overrides="intersphinx_mapping = {}\n",
        uses="reStructuredText, autodoc, autosummary (its templates shown as literal "
        "Jinja), viewcode, graphviz, 150 pages",
    ),
    DocSet(
        name="pip",
        sdist="pip==26.3",
        docs="docs/html",
        requirements=(
            "pip==26.3",
            "furo",
            "myst-parser",
            "sphinx-copybutton",
            "sphinx-inline-tabs",
            "sphinxcontrib-towncrier",
            "sphinx-issues",
        ),
        overrides="intersphinx_mapping = {}\n",
        uses="MyST Markdown, furo, inline tabs, autodoc, towncrier, 100 pages",
    ),
    DocSet(
        name="sphinx-book-theme",
        sdist="sphinx-book-theme==1.4.0",
        docs="docs",
        requirements=(
            "sphinx-book-theme==1.4.0",
            "ablog",
            "myst-nb",
            "numpydoc",
            "sphinx-design",
            "sphinx-examples",
            "sphinx-copybutton",
            "sphinx-tabs",
            "sphinx-togglebutton",
            "sphinx-thebe",
            "sphinxcontrib-bibtex",
            "sphinxcontrib-youtube",
            "sphinxext-opengraph",
        ),
        overrides='intersphinx_mapping = {}\nnb_execution_mode = "off"\n',
        # conf.py downloads the parent theme's page of content blocks from GitHub
        # when it is missing; the same page ships in that theme's sdist.
        fetched=(
            (
                "pydata-sphinx-theme==0.20.0",
                "docs/user_guide/theme-elements.md",
                "content/pydata-content-blocks.md",
            ),
        ),
        uses="MyST-NB notebooks and Markdown, sphinx-design, viewcode, ablog, "
        "the book theme, 50 pages",
    ),
]


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]


def prepare(doc_set: DocSet) -> tuple[Path, Path]:
    """The doc set's venv and its unpacked sdist (downloaded and installed once)."""
    home = WORK / doc_set.name
    venv = home / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        done = run(["uv", "venv", "--seed", "-q", "--python", sys.executable, str(venv)])
        if done.returncode:
            raise SystemExit(done.stderr)
        done = run(
            [
                "uv",
                "pip",
                "install",
                "-q",
                "--python",
                str(python),
                *doc_set.requirements,
                str(REPO),
            ]
        )
        if done.returncode:
            raise SystemExit(f"{doc_set.name}: install failed:\n{done.stderr}")
    unpacked = home / "sdist"
    if not unpacked.exists():
        download = home / "download"
        done = run([str(python), *PIP_DOWNLOAD, doc_set.sdist, "-d", str(download)])
        if done.returncode:
            raise SystemExit(f"{doc_set.name}: download failed:\n{done.stderr}")
        (archive,) = download.glob("*.tar.gz")
        with tarfile.open(archive) as tar:
            tar.extractall(home / "unpack", filter="data")
        (top,) = (home / "unpack").iterdir()
        top.rename(unpacked)
        for sdist, inner, target in doc_set.fetched:
            fetch(python, home, sdist, inner, unpacked / doc_set.docs / target)
    return python, unpacked


def fetch(python: Path, home: Path, sdist: str, inner: str, target: Path) -> None:
    download = home / "fetched"
    done = run([str(python), *PIP_DOWNLOAD, sdist, "-d", str(download)])
    if done.returncode:
        raise SystemExit(f"{sdist}: download failed:\n{done.stderr}")
    name = sdist.split("==")[0].replace("-", "_")
    (archive,) = [a for a in download.glob("*.tar.gz") if a.name.replace("-", "_").startswith(name)]
    with tarfile.open(archive) as tar:
        (member,) = [m for m in tar.getmembers() if m.name.split("/", 1)[-1] == inner]
        source = tar.extractfile(member)
        assert source is not None
        target.write_bytes(source.read())


def variant(doc_set: DocSet, unpacked: Path, name: str, envdeck: bool) -> Path:
    """A copy of the whole sdist (conf.py may read the project around its docs)."""
    target = WORK / doc_set.name / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(unpacked, target, symlinks=True)
    conf = target / doc_set.docs / "conf.py"
    text = conf.read_text("utf8") + "\n# bench/docsets.py\n" + doc_set.overrides
    if envdeck:
        text += 'extensions = [*extensions, "envdeck"]\n'
    conf.write_text(text, "utf8")
    return target / doc_set.docs


def build(python: Path, source: Path, out: Path, *flags: str) -> tuple[int, list[str], float]:
    if out.exists():
        shutil.rmtree(out)
    warnings = out.parent / f"{out.name}-warnings.txt"
    start = time.perf_counter()
    done = run(
        [str(python), *SPHINX_BUILD, "-w", str(warnings), *flags, str(source), str(out)],
        cwd=source,
        # Some doc sets print sets (pip's option help): one hash seed for every build.
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    seconds = time.perf_counter() - start
    logged = warnings.read_text("utf8") if warnings.exists() else ""
    if done.returncode:
        logged += done.stderr[-3000:]
    # The two copies differ only by their directory name.
    root = str(source.parent.parent)
    lines = [
        re.sub(r"/(plain|envdeck|deck)/", "/DOCSET/", line.replace(root, "ROOT"))
        for line in logged.splitlines()
        if line.strip()
    ]
    return done.returncode, lines, seconds


def page_texts(out: Path) -> dict[str, str]:
    texts = {}
    for page in sorted(out.rglob("*.html")):
        if "_static" in page.parts:
            continue
        soup = BeautifulSoup(page.read_text("utf8", errors="replace"), "html.parser")
        body = soup.body or soup
        for tag in body.find_all(["script", "style"]):
            tag.decompose()
        texts[str(page.relative_to(out))] = " ".join(body.get_text(" ").split())
    return texts


def measure(doc_set: DocSet) -> dict[str, object]:
    python, unpacked = prepare(doc_set)
    versions = run(
        [str(python), "-c", "import sphinx, envdeck; print(sphinx.__version__)"]
    ).stdout.strip()
    home = WORK / doc_set.name
    plain_src = variant(doc_set, unpacked, "plain", envdeck=False)
    ours_src = variant(doc_set, unpacked, "envdeck", envdeck=True)
    plain_rc, plain_warnings, plain_s = build(python, plain_src, home / "out-plain")
    ours_rc, ours_warnings, ours_s = build(python, ours_src, home / "out-envdeck")
    deck_rc, deck_warnings, deck_s = build(python, ours_src, home / "out-deck", "-D", "slide=1")
    plain_pages = page_texts(home / "out-plain")
    ours_pages = page_texts(home / "out-envdeck")
    changed = sorted(
        page for page in plain_pages if page in ours_pages and plain_pages[page] != ours_pages[page]
    )
    new_warnings = list((Counter(ours_warnings) - Counter(plain_warnings)).elements())
    deck_index = home / "out-deck" / "index.html"
    is_deck = deck_index.exists() and 'class="reveal"' in deck_index.read_text("utf8")
    return {
        "name": doc_set.name,
        "sdist": doc_set.sdist,
        "uses": doc_set.uses,
        "sphinx": versions,
        "overrides": doc_set.overrides.strip().replace("\n", "; "),
        "pages": len(plain_pages),
        "changed_pages": changed,
        "only_plain": sorted(set(plain_pages) - set(ours_pages)),
        "only_envdeck": sorted(set(ours_pages) - set(plain_pages)),
        "plain_rc": plain_rc,
        "envdeck_rc": ours_rc,
        "plain_warnings": len(plain_warnings),
        "new_warnings": new_warnings,
        "deck_rc": deck_rc,
        "deck_is_reveal": is_deck,
        "deck_warnings": deck_warnings,
        "seconds": {
            "plain": round(plain_s, 1),
            "envdeck": round(ours_s, 1),
            "deck": round(deck_s, 1),
        },
    }


def table(results: list[dict[str, object]]) -> str:
    rows = [
        "| doc set | Sphinx | pages | pages changed | new warnings | deck build (`-D slide=1`) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        deck = (
            "ok, a reveal.js deck"
            if r["deck_rc"] == 0 and r["deck_is_reveal"]
            else (f"FAILED (exit {r['deck_rc']})")
        )
        changed = len(r["changed_pages"]) + len(r["only_plain"]) + len(r["only_envdeck"])  # type: ignore[arg-type]
        rows.append(
            f"| {r['sdist']} | {r['sphinx']} | {r['pages']} | {changed} "
            f"| {len(r['new_warnings'])} | {deck} |"  # type: ignore[arg-type]
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="doc sets to build (default: all)")
    args = parser.parse_args()
    chosen = [d for d in DOC_SETS if not args.names or d.name in args.names]
    WORK.mkdir(parents=True, exist_ok=True)
    results = []
    for doc_set in chosen:
        print(f"== {doc_set.name} ({doc_set.sdist})", flush=True)
        result = measure(doc_set)
        (WORK / f"{doc_set.name}.json").write_text(json.dumps(result, indent=2), "utf8")
        print(json.dumps({k: v for k, v in result.items() if k != "deck_warnings"}, indent=2))
        results.append(result)
    report = table(results)
    (WORK / "results.md").write_text(report + "\n", "utf8")
    print(report)
    failed = [
        r["name"]
        for r in results
        if r["changed_pages"]
        or r["only_plain"]
        or r["only_envdeck"]
        or r["new_warnings"]
        or r["deck_rc"]
        or not r["deck_is_reveal"]
        or r["envdeck_rc"] != r["plain_rc"]
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
