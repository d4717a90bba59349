"""Read the DLLs a Windows PE file (an extension module ``.pyd``, a ``.dll``) imports,
and the interpreter a Windows script launcher (``Scripts\\*.exe``) starts.

A small reader rather than a dependency: ``system-libs`` needs three things of a PE
file (its machine, its import table, its delay-import table), readable on any OS, and
``pefile`` (the maintained library) reads the whole file into memory to get them.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MACHINES = {0x14C: "x86", 0x8664: "AMD64", 0xAA64: "ARM64", 0x1C4: "ARM"}
IMPORT_DIRECTORY, DELAY_IMPORT_DIRECTORY = 1, 13
#: headers are read, not the whole file
HEAD = 1 << 16


@dataclass(frozen=True)
class Imports:
    machine: str
    #: DLL names, in the file's order, each once (imports, then delay-loaded imports)
    dlls: tuple[str, ...]


def read_imports(path: Path) -> Imports | None:
    """The DLLs ``path`` imports; None when it is not a readable PE file."""
    try:
        with path.open("rb") as handle:
            return _parse(handle)
    except (OSError, ValueError, struct.error, UnicodeDecodeError):
        return None


def _parse(file: BinaryIO) -> Imports | None:
    pe = _PEFile(file)
    headers = pe.headers()
    if headers is None:
        return None
    machine, directories = headers
    dlls: list[str] = []
    # An import descriptor is 20 bytes with the name's address at 12; a delay-load
    # descriptor is 32 bytes with it at 4.
    for index, size, name_at in ((IMPORT_DIRECTORY, 20, 12), (DELAY_IMPORT_DIRECTORY, 32, 4)):
        if index < len(directories) and directories[index][0]:
            dlls += pe.names(directories[index][0], size, name_at)
    return Imports(MACHINES.get(machine, f"{machine:#x}"), tuple(dict.fromkeys(dlls)))


class _PEFile:
    """Reads a PE file's headers, its sections' mapping and the names in a table."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        #: (virtual address, virtual size, file offset) of each section
        self.mapped: list[tuple[int, int, int]] = []

    def read(self, offset: int, size: int) -> bytes:
        self.file.seek(offset)
        data = self.file.read(size)
        if len(data) < size:
            raise ValueError("truncated")
        return data

    def headers(self) -> tuple[int, list[tuple[int, int]]] | None:
        """(the machine, the data directories' (address, size)); None when not PE."""
        if self.read(0, 2) != b"MZ":
            return None
        (pe_offset,) = struct.unpack("<I", self.read(0x3C, 4))
        if self.read(pe_offset, 4) != b"PE\0\0":
            return None
        machine, sections, _time, _symbols, _count, optional_size, _flags = struct.unpack(
            "<HHIIIHH", self.read(pe_offset + 4, 20)
        )
        optional = pe_offset + 24
        (magic,) = struct.unpack("<H", self.read(optional, 2))
        if magic == 0x20B:  # PE32+
            count_at, directories_at = optional + 108, optional + 112
        elif magic == 0x10B:  # PE32
            count_at, directories_at = optional + 92, optional + 96
        else:
            return None
        (count,) = struct.unpack("<I", self.read(count_at, 4))
        directories = [
            struct.unpack("<II", self.read(directories_at + 8 * i, 8))
            for i in range(min(count, 16))
        ]
        table = optional + optional_size
        for i in range(sections):
            _name, vsize, vaddr, raw_size, raw_offset = struct.unpack(
                "<8sIIII", self.read(table + 40 * i, 24)
            )
            self.mapped.append((vaddr, max(vsize, raw_size), raw_offset))
        return machine, directories

    def offset_of(self, rva: int) -> int:
        for vaddr, size, raw in self.mapped:
            if vaddr <= rva < vaddr + size:
                return rva - vaddr + raw
        raise ValueError(f"address {rva:#x} is in no section")

    def string(self, rva: int) -> str:
        self.file.seek(self.offset_of(rva))
        data = self.file.read(256)  # a DLL name; the file may end right after it
        if b"\0" not in data:
            raise ValueError("unterminated name")
        return data.split(b"\0", 1)[0].decode("ascii")

    def names(self, rva: int, size: int, name_at: int) -> list[str]:
        """The DLL names of a descriptor table at ``rva`` (entries of ``size`` bytes, the
        name's address at ``name_at``), up to its empty entry."""
        names: list[str] = []
        position = self.offset_of(rva)
        for _ in range(4096):
            entry = self.read(position, size)
            if entry == bytes(size):
                break
            (name_rva,) = struct.unpack_from("<I", entry, name_at)
            if name_rva:
                names.append(self.string(name_rva))
            position += size
        return names


# --- script launchers ---------------------------------------------------------------

#: uv's launcher: ``<stub><zip><python path><u32 length>UVSC``
_UV_MAGIC = (b"UVSC", b"UVPY")
_SHEBANG = re.compile(rb'#!\s*("([^"]+)"|(\S+))[^\n]*\r?\n$')


def read_launcher(path: Path) -> str | None:
    """The interpreter a Windows ``.exe`` script launcher starts, as it is written in it
    (pip's and distlib's ``#!`` line before the zip, or uv's trailer); None when
    ``path`` is no such launcher."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(b"MZ"):
        return None
    if data[-4:] in _UV_MAGIC and len(data) >= 8:
        (length,) = struct.unpack("<I", data[-8:-4])
        if 0 < length <= len(data) - 8:
            return data[-8 - length : -8].decode("utf8", errors="replace")
    start = _zip_start(data)
    if start is None:
        return None
    head = data[max(0, start - 2048) : start]
    at = head.rfind(b"#!")
    if at < 0:
        return None
    match = _SHEBANG.match(head[at:])
    if not match:
        return None
    target = match.group(2) or match.group(3)
    return target.decode("utf8", errors="replace")


def _zip_start(data: bytes) -> int | None:
    """Where a zip appended to ``data`` begins (its first local header)."""
    end = data.rfind(b"PK\x05\x06")
    if end < 0:
        return None
    try:
        size, offset = struct.unpack_from("<II", data, end + 12)
    except struct.error:
        return None
    start = end - size - offset
    if start < 0 or data[start : start + 4] != b"PK\x03\x04":
        # Offsets relative to the file (a zip written in place): the first local header.
        first = data.find(b"PK\x03\x04")
        return first if first >= 0 else None
    return start
