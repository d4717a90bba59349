"""Build real binary headers for the platform tests: Mach-O (thin and universal) and PE
files, and Windows script launchers (pip's and uv's layouts). Generated in tmp_path by
the tests; no binary is committed.

(No tests here; test_checks_platforms imports these.)
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path

CPU_X86_64, CPU_ARM64 = 0x01000007, 0x0100000C
LC_LOAD_DYLIB, LC_RPATH, LC_BUILD_VERSION = 0xC, 0x8000001C, 0x32
LC_VERSION_MIN_MACOSX = 0x24


def _padded(data: bytes, align: int = 8) -> bytes:
    return data + b"\0" * (-len(data) % align)


def macho_slice(
    cpu: int,
    dylibs: Sequence[str] = (),
    rpaths: Sequence[str] = (),
    minos: tuple[int, int] | None = (11, 0),
    *,
    old_style: bool = False,
) -> bytes:
    """A 64-bit little-endian Mach-O bundle (what an extension module is) with these
    load commands; ``old_style`` gives LC_VERSION_MIN_MACOSX instead of LC_BUILD_VERSION."""
    commands = []
    for name in dylibs:
        body = _padded(struct.pack("<IIII", 24, 2, 0x10000, 0x10000) + name.encode() + b"\0")
        commands.append(struct.pack("<II", LC_LOAD_DYLIB, 8 + len(body)) + body)
    for path in rpaths:
        body = _padded(struct.pack("<I", 12) + path.encode() + b"\0")
        commands.append(struct.pack("<II", LC_RPATH, 8 + len(body)) + body)
    if minos is not None:
        version = (minos[0] << 16) | (minos[1] << 8)
        if old_style:
            commands.append(struct.pack("<IIII", LC_VERSION_MIN_MACOSX, 16, version, version))
        else:
            commands.append(struct.pack("<IIIIII", LC_BUILD_VERSION, 24, 1, version, version, 0))
    blob = b"".join(commands)
    header = struct.pack("<IiiIIIII", 0xFEEDFACF, cpu, 0, 8, len(commands), len(blob), 0, 0)
    return header + blob


def universal(*slices: tuple[int, bytes]) -> bytes:
    """A fat (universal) Mach-O file of (cpu type, slice) pairs, big-endian as on disk."""
    align = 1 << 12
    header = struct.pack(">II", 0xCAFEBABE, len(slices))
    offset = align
    table, body = b"", b""
    for cpu, data in slices:
        table += struct.pack(">iiIII", cpu, 0, offset, len(data), 12)
        chunk = data + b"\0" * (-len(data) % align)
        body += chunk
        offset += len(chunk)
    head = header + table
    return head + b"\0" * (align - len(head)) + body


def pe(imports: Sequence[str] = (), delay: Sequence[str] = (), machine: int = 0x8664) -> bytes:
    """A PE32+ image with one section holding an import table (and a delay-import table)."""
    section_rva, section_offset = 0x1000, 0x200
    n_imports, n_delay = len(imports), len(delay)
    names_at = 20 * (n_imports + 1) + 32 * (n_delay + 1)
    names = b""
    name_rvas = []
    for dll in [*imports, *delay]:
        name_rvas.append(section_rva + names_at + len(names))
        names += dll.encode() + b"\0"
    descriptors = b"".join(struct.pack("<IIIII", 0, 0, 0, rva, 0) for rva in name_rvas[:n_imports])
    descriptors += bytes(20)
    delayed = b"".join(struct.pack("<IIIIIIII", 1, rva, 0, 0, 0, 0, 0, 0)
                       for rva in name_rvas[n_imports:])  # fmt: skip
    delayed += bytes(32)
    section = descriptors + delayed + names
    directories = [(0, 0)] * 16
    if imports:
        directories[1] = (section_rva, 20 * (n_imports + 1))
    if delay:
        directories[13] = (section_rva + 20 * (n_imports + 1), 32 * (n_delay + 1))
    optional = bytearray(240)
    struct.pack_into("<H", optional, 0, 0x20B)
    struct.pack_into("<I", optional, 108, 16)
    for i, (rva, size) in enumerate(directories):
        struct.pack_into("<II", optional, 112 + 8 * i, rva, size)
    coff = struct.pack("<HHIIIHH", machine, 1, 0, 0, 0, len(optional), 0x2022)
    table = struct.pack("<8sIIIIIIHHI", b".idata", len(section), section_rva, len(section),
                        section_offset, 0, 0, 0, 0, 0xC0000040)  # fmt: skip
    dos = bytearray(64)
    dos[:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 64)
    head = bytes(dos) + b"PE\0\0" + coff + bytes(optional) + table
    return head + b"\0" * (section_offset - len(head)) + section


def _zipped_main(text: str) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("__main__.py", text)
    return data.getvalue()


def pip_launcher(python: str) -> bytes:
    """pip's (distlib's) layout: launcher stub, ``#!python`` line, zipped __main__.py."""
    shebang = f'#!"{python}"\r\n' if " " in python else f"#!{python}\r\n"
    return pe(["KERNEL32.dll"]) + shebang.encode() + _zipped_main("from tool import main\n")


def uv_launcher(python: str) -> bytes:
    """uv's layout: launcher stub, zipped __main__.py, python path, its length, UVSC."""
    path = python.encode()
    return (
        pe(["KERNEL32.dll"])
        + _zipped_main("from tool import main\n")
        + path
        + struct.pack("<I", len(path))
        + b"UVSC"
    )


def windows_venv(venv: Path, home: Path, launchers: dict[str, bytes]) -> Path:
    """A venv in Windows' layout: pyvenv.cfg, Scripts\\ (python.exe, activate.bat,
    launchers), Lib\\site-packages."""
    scripts = venv / "Scripts"
    scripts.mkdir(parents=True)
    (venv / "Lib" / "site-packages").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(
        f"home = {home}\ninclude-system-site-packages = false\nversion = 3.12.4\n"
    )
    (scripts / "python.exe").write_bytes(pe(["KERNEL32.dll", "python312.dll"]))
    (scripts / "activate.bat").write_text(
        f'@echo off\r\nset "VIRTUAL_ENV={venv}"\r\nset "PATH=%VIRTUAL_ENV%\\Scripts;%PATH%"\r\n'
    )
    for name, data in launchers.items():
        (scripts / name).write_bytes(data)
    return venv
