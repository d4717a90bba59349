"""Read the libraries an ELF shared object asks for (``DT_NEEDED``) and where it
looks for them (``DT_RPATH``/``DT_RUNPATH``), without running anything.

Extension modules often share one set of needs (a package of 200 mypyc modules
all need libc), so ``system-libs`` runs ``ldd`` once per distinct set instead of
once per file: this reader is what groups them.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

PT_LOAD, PT_DYNAMIC = 1, 2
DT_NULL, DT_NEEDED, DT_STRTAB, DT_RPATH, DT_RUNPATH = 0, 1, 5, 15, 29


@dataclass(frozen=True)
class Needs:
    needed: tuple[str, ...]
    #: RPATH/RUNPATH entries, ``$ORIGIN`` resolved against the file's directory
    search: tuple[str, ...]


def read_needs(path: Path) -> Needs | None:
    """The needs of ``path``; None when it is not a readable dynamic ELF file."""
    # mmap: extension libraries can be hundreds of MB; only headers are read.
    try:
        with (
            path.open("rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
        ):
            return _parse(data, path.parent)
    except (OSError, ValueError, struct.error, IndexError, UnicodeDecodeError):
        return None


def _parse(data: mmap.mmap, origin: Path) -> Needs | None:
    if data[:4] != b"\x7fELF":
        return None
    wide = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    if wide:
        (phoff,) = struct.unpack_from(order + "Q", data, 0x20)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x36)
        phdr = order + "IIQQQQQQ"  # type, flags, offset, vaddr, paddr, filesz, memsz, align
        dyn, dyn_size = order + "qQ", 16
    else:
        (phoff,) = struct.unpack_from(order + "I", data, 0x1C)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x2A)
        phdr = order + "IIIIIIII"  # type, offset, vaddr, paddr, filesz, memsz, flags, align
        dyn, dyn_size = order + "iI", 8
    loads: list[tuple[int, int, int]] = []  # (vaddr, offset, filesz)
    dynamic: tuple[int, int] | None = None
    for i in range(phnum):
        fields = struct.unpack_from(phdr, data, phoff + i * phentsize)
        if wide:
            p_type, _flags, offset, vaddr, _paddr, filesz = fields[:6]
        else:
            p_type, offset, vaddr, _paddr, filesz = fields[:5]
        if p_type == PT_LOAD:
            loads.append((vaddr, offset, filesz))
        elif p_type == PT_DYNAMIC:
            dynamic = (offset, filesz)
    if dynamic is None:
        return None
    entries: list[tuple[int, int]] = []
    for pos in range(dynamic[0], dynamic[0] + dynamic[1], dyn_size):
        tag, value = struct.unpack_from(dyn, data, pos)
        if tag == DT_NULL:
            break
        entries.append((tag, value))
    strtab_vaddr = next((v for t, v in entries if t == DT_STRTAB), None)
    if strtab_vaddr is None:
        return None
    strtab = next(
        (off + strtab_vaddr - va for va, off, size in loads if va <= strtab_vaddr < va + size),
        strtab_vaddr,
    )

    def string(offset: int) -> str:
        start = strtab + offset
        end = data.find(b"\0", start)
        if end < 0:
            raise ValueError("unterminated string")
        return data[start:end].decode("utf8")

    needed = tuple(string(v) for t, v in entries if t == DT_NEEDED)
    search: list[str] = []
    for tag, value in entries:
        if tag in (DT_RPATH, DT_RUNPATH):
            for entry in string(value).split(":"):
                resolved = entry.replace("$ORIGIN", str(origin)).replace("${ORIGIN}", str(origin))
                search.append(str(Path(resolved).resolve()) if resolved else resolved)
    return Needs(needed, tuple(search))
