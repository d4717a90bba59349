"""The standalone checker: ``envdeck-check.pyz``, one file a participant runs with any
Python 3.9 or newer and nothing installed (``python envdeck-check.pyz [--json]``).

It is a zip application (:mod:`zipapp`) of the Sphinx-free check library, the
``envdeck check`` command line and the ``packaging`` and ``tomli`` distributions as
installed here (their Python files: a zip cannot load a compiled module), with their
licence files. ``tomli`` is what the checks read TOML with on Pythons before 3.11,
which have no :mod:`tomllib`. Nothing in it imports Sphinx.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipapp
from importlib import metadata
from pathlib import Path

from . import __version__

#: The file name the course offers for download.
CHECKER_NAME = "envdeck-check.pyz"

#: envdeck's modules the checker needs: the command line and the check library.
ENVDECK_PARTS = ("__init__.py", "cli.py", "summary.py", "terminal.py", "checks")

#: Distributions the check library imports, bundled as Python source.
BUNDLED = ("packaging", "tomli")

MAIN = '''\
"""envdeck {version}: check this machine for the workshop. Usage:
python {name} [NAME ...] [--json] [--project DIR] [-v] [--list]"""
import sys

if sys.version_info < (3, 9):
    sys.exit("envdeck-check needs Python 3.9 or newer, not " + sys.version.split()[0])

# Checks run in threads; importing from a zip in several threads at once can meet a
# half-imported module, so everything they import is imported here first.
import envdeck.checks, envdeck.checks.toml  # noqa: E401, E402
import packaging.markers, packaging.requirements, packaging.specifiers, packaging.tags  # noqa
from envdeck.cli import main  # noqa: E402

sys.exit(main(["check", *sys.argv[1:]]))
'''


class CheckerError(Exception):
    """The checker could not be built (a bundled distribution is not installed)."""


def _copy_distribution(name: str, stage: Path) -> None:
    """Copy an installed pure-Python distribution's package and licence files."""
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        raise CheckerError(f"{name} is not installed, so it cannot be bundled") from None
    for file in dist.files or ():
        parts = file.parts
        keep = parts[0] == name or (
            parts[0].endswith(".dist-info")
            and (file.name in ("METADATA", "LICENSE") or "licen" in str(file).lower())
        )
        # Only Python files: tomli's wheels hold a compiled copy that a zip cannot load
        # (and that would suit one Python only).
        compiled = file.suffix in (".pyc", ".so", ".pyd")
        if not keep or compiled or "__pycache__" in parts:
            continue
        source = Path(str(file.locate()))
        if source.is_file():
            target = stage.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


def checker_key() -> str:
    """A hash of what the checker is made of (envdeck's files, the bundled versions):
    a build reuses a checker it made before while this stays the same."""
    source = Path(__file__).parent
    parts: list[str] = [__version__]
    for part in ENVDECK_PARTS:
        path = source / part
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            try:
                stat = file.stat()
            except OSError:
                continue
            parts.append(f"{file.relative_to(source)}:{stat.st_size}:{stat.st_mtime_ns}")
    for name in BUNDLED:
        try:
            parts.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def build_checker(target: Path) -> Path:
    """Write the standalone checker to ``target`` (a ``.pyz``); returns ``target``."""
    source = Path(__file__).parent
    with tempfile.TemporaryDirectory(prefix="envdeck-checker-") as scratch:
        stage = Path(scratch) / "app"
        package = stage / "envdeck"
        package.mkdir(parents=True)
        for part in ENVDECK_PARTS:
            path = source / part
            if path.is_dir():
                shutil.copytree(path, package / part, ignore=shutil.ignore_patterns("__pycache__"))
            elif path.is_file():
                shutil.copyfile(path, package / part)
        for name in BUNDLED:
            _copy_distribution(name, stage)
        (stage / "__main__.py").write_text(
            MAIN.format(version=__version__, name=CHECKER_NAME), "utf8"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        zipapp.create_archive(stage, partial, interpreter="/usr/bin/env python3", compressed=True)
        partial.replace(target)  # never a half-written file under the real name
    return target
