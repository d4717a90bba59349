"""envdeck's ELF reader (``envdeck.checks.elf``) next to pyelftools, on every shared
object in the site-packages directories on ``sys.path``: the best of --repeat passes over
all files, and whether both find the same ``DT_NEEDED`` lists.

    uv run --with pyelftools python bench/bench_elf.py [--repeat 5]

The figure is quoted in ``src/envdeck/checks/elf.py``'s docstring, the reason envdeck
keeps its own reader.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from elftools.common.exceptions import ELFError
from elftools.elf.dynamic import DynamicSegment
from elftools.elf.elffile import ELFFile

from envdeck.checks.elf import read_needs


def shared_objects() -> list[Path]:
    # sys.path, not site.getsitepackages(): `uv run --with` puts the project's venv there.
    found: set[Path] = set()
    for directory in {p for p in sys.path if p.endswith("site-packages")}:
        found.update(p for p in Path(directory).rglob("*.so*") if p.is_file())
    return sorted(found)


def pyelftools_needs(path: Path) -> tuple[str, ...] | None:
    """What ``read_needs`` answers, with pyelftools: the DT_NEEDED entries."""
    try:
        with path.open("rb") as handle:
            for segment in ELFFile(handle).iter_segments():
                if isinstance(segment, DynamicSegment):
                    return tuple(
                        t.needed for t in segment.iter_tags() if t.entry.d_tag == "DT_NEEDED"
                    )
    except (ELFError, OSError):
        pass
    return None


def best(func: Callable[[Path], Any], files: list[Path], repeat: int) -> tuple[float, list[Any]]:
    times, out = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        out = [func(f) for f in files]
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = shared_objects()
    ours, mine = best(read_needs, files, args.repeat)
    theirs, other = best(pyelftools_needs, files, args.repeat)
    same = sum(
        1
        for a, b in zip(mine, other, strict=True)
        if (a is None and b is None) or (a is not None and a.needed == b)
    )
    print(f"| reader | {len(files)} shared objects | per file |")
    print("| --- | --- | --- |")
    for name, seconds in (("envdeck.checks.elf", ours), ("pyelftools", theirs)):
        print(f"| {name} | {seconds * 1000:.0f} ms | {seconds / len(files) * 1e6:.0f} µs |")
    print(
        f"\npyelftools takes {theirs / ours:.1f}x as long; DT_NEEDED agrees on {same} of "
        f"{len(files)} files"
    )


if __name__ == "__main__":
    main()
