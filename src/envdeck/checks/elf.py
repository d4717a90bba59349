"""Read the libraries an ELF shared object asks for (``DT_NEEDED``) and where it
looks for them (``DT_RPATH``/``DT_RUNPATH``), without running anything.

Extension modules often share one set of needs (a package of 200 mypyc modules
all need libc), so ``system-libs`` runs ``ldd`` once per distinct set instead of
once per file: this reader is what groups them.

Why not pyelftools: it reads the same entries (``bench/bench_elf.py`` finds the same
``DT_NEEDED`` lists in all 271 shared objects of this project's venv) but takes 28 to
81 times as long (1.0 to 2.2 s against 27 to 37 ms for the 271 files: 4 to 8 ms a
file against 0.1, on a shared two-core machine), as it builds an object for every
header and section;
``system-libs`` reads every extension module of a venv, so that is most of the
check's time.  Nor would the code be much shorter: the program headers and the
dynamic section are all this module reads.
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
    loads, dynamic = _segments(data)
    if dynamic is None:
        return None
    entries = _dynamic_entries(data, dynamic)
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


def _order(data: mmap.mmap) -> tuple[bool, str]:
    """(64-bit, the struct byte order) of an ELF file."""
    return data[4] == 2, "<" if data[5] == 1 else ">"


def _segments(data: mmap.mmap) -> tuple[list[tuple[int, int, int]], tuple[int, int] | None]:
    """The loaded segments' (vaddr, offset, filesz), and the dynamic segment's
    (offset, filesz) if there is one."""
    wide, order = _order(data)
    if wide:
        (phoff,) = struct.unpack_from(order + "Q", data, 0x20)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x36)
        phdr = order + "IIQQQQQQ"  # type, flags, offset, vaddr, paddr, filesz, memsz, align
    else:
        (phoff,) = struct.unpack_from(order + "I", data, 0x1C)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x2A)
        phdr = order + "IIIIIIII"  # type, offset, vaddr, paddr, filesz, memsz, flags, align
    loads: list[tuple[int, int, int]] = []
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
    return loads, dynamic


def _dynamic_entries(data: mmap.mmap, dynamic: tuple[int, int]) -> list[tuple[int, int]]:
    """(tag, value) of the dynamic section, up to DT_NULL."""
    wide, order = _order(data)
    dyn, dyn_size = (order + "qQ", 16) if wide else (order + "iI", 8)
    entries: list[tuple[int, int]] = []
    for pos in range(dynamic[0], dynamic[0] + dynamic[1], dyn_size):
        tag, value = struct.unpack_from(dyn, data, pos)
        if tag == DT_NULL:
            break
        entries.append((tag, value))
    return entries
