"""Writing a real wheel (METADATA, WHEEL, RECORD), so a real installer installs what it
holds: the ``venv-relocation`` experiment's packages, and the tests' fixtures."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Mapping
from pathlib import Path


def write_wheel(
    directory: Path,
    name: str,
    version: str,
    files: Mapping[str, bytes],
    *,
    tag: str = "py3-none-any",
    scripts: Mapping[str, str] | None = None,
    generator: str = "envdeck",
) -> Path:
    """``files`` (path in the wheel -> content) as ``NAME-VERSION-TAG.whl`` in
    ``directory``, with ``scripts`` (name -> ``module:function``) as console scripts."""
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    purelib = "true" if tag.endswith("any") else "false"
    files = {
        **files,
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": (
            f"Wheel-Version: 1.0\nGenerator: {generator}\nRoot-Is-Purelib: {purelib}\nTag: {tag}\n"
        ).encode(),
    }
    if scripts:
        lines = "".join(f"{script} = {target}\n" for script, target in scripts.items())
        files[f"{info}/entry_points.txt"] = f"[console_scripts]\n{lines}".encode()
    wheel = directory / f"{module}-{version}-{tag}.whl"
    record = []
    with zipfile.ZipFile(wheel, "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{member},sha256={digest.decode()},{len(data)}")
        record.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel
