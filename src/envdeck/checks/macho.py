"""Read what a Mach-O file (a macOS extension module ``.so``, a ``.dylib``) loads, where
it looks for it, and the oldest macOS it runs on, without running anything.

``system-libs`` uses it on macOS to group modules by their needs, to list libraries
where ``otool`` (part of Apple's command line tools) is not installed, and for the
deployment target (``minos``): macOS's counterpart of a glibc floor. A small reader
rather than a dependency (``macholib``): it needs the header and the load commands,
on any OS, of thin and universal (fat) files alike.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

LC_REQ_DYLD = 0x80000000
LC_LOAD_DYLIB = 0xC
LC_LOAD_WEAK_DYLIB = 0x18 | LC_REQ_DYLD
LC_REEXPORT_DYLIB = 0x1F | LC_REQ_DYLD
LC_LOAD_UPWARD_DYLIB = 0x23 | LC_REQ_DYLD
LC_RPATH = 0x1C | LC_REQ_DYLD
LC_VERSION_MIN_MACOSX = 0x24
LC_BUILD_VERSION = 0x32
PLATFORM_MACOS = 1
DYLIBS = (LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LOAD_UPWARD_DYLIB)

CPU_TYPES = {7: "i386", 0x01000007: "x86_64", 12: "arm", 0x0100000C: "arm64"}
THIN = {0xFEEDFACE: ("<", 28), 0xFEEDFACF: ("<", 32), 0xCEFAEDFE: (">", 28), 0xCFFAEDFE: (">", 32)}
FAT_MAGIC, FAT_MAGIC_64 = 0xCAFEBABE, 0xCAFEBABF


@dataclass(frozen=True)
class Slice:
    """One architecture of a Mach-O file."""

    arch: str
    #: install names of the libraries it loads (``@rpath/libfoo.dylib``, ``/usr/lib/...``)
    needed: tuple[str, ...]
    #: its LC_RPATH entries, as written (``@loader_path/../.dylibs``)
    rpaths: tuple[str, ...]
    #: the oldest macOS it runs on, (major, minor); None if it does not say
    minos: tuple[int, int] | None


@dataclass(frozen=True)
class MachO:
    slices: tuple[Slice, ...]

    @property
    def archs(self) -> tuple[str, ...]:
        return tuple(s.arch for s in self.slices)

    @property
    def needed(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for s in self.slices for n in s.needed))

    @property
    def minos(self) -> tuple[int, int] | None:
        floors = [s.minos for s in self.slices if s.minos is not None]
        return max(floors) if floors else None

    def slice_for(self, arch: str) -> Slice | None:
        return next((s for s in self.slices if s.arch == arch), None)


def read_macho(path: Path) -> MachO | None:
    """What ``path`` loads; None when it is not a readable Mach-O file."""
    try:
        with path.open("rb") as handle:
            return _parse(handle)
    except (OSError, ValueError, struct.error, UnicodeDecodeError):
        return None


def _read(file: BinaryIO, offset: int, size: int) -> bytes:
    file.seek(offset)
    data = file.read(size)
    if len(data) < size:
        raise ValueError("truncated")
    return data


def _parse(file: BinaryIO) -> MachO | None:
    (magic,) = struct.unpack(">I", _read(file, 0, 4))
    if magic in (FAT_MAGIC, FAT_MAGIC_64):
        (count,) = struct.unpack(">I", _read(file, 4, 4))
        if not 0 < count < 20:  # a Java class file starts with 0xCAFEBABE too
            return None
        wide = magic == FAT_MAGIC_64
        slices = []
        for i in range(count):
            if wide:
                _cpu, _sub, offset, _size, _align, _pad = struct.unpack(
                    ">iiQQII", _read(file, 8 + 32 * i, 32)
                )
            else:
                _cpu, _sub, offset, _size, _align = struct.unpack(
                    ">iiIII", _read(file, 8 + 20 * i, 20)
                )
            thin = _thin(file, offset)
            if thin is not None:
                slices.append(thin)
        return MachO(tuple(slices)) if slices else None
    thin = _thin(file, 0)
    return MachO((thin,)) if thin is not None else None


def _thin(file: BinaryIO, base: int) -> Slice | None:
    (magic,) = struct.unpack("<I", _read(file, base, 4))
    if magic not in THIN:
        return None
    order, header_size = THIN[magic]
    cpu, _sub, _type, ncmds, sizeofcmds = struct.unpack(order + "iIIII", _read(file, base + 4, 20))
    commands = _read(file, base + header_size, sizeofcmds)
    needed: list[str] = []
    rpaths: list[str] = []
    minos: tuple[int, int] | None = None
    position = 0
    for _ in range(ncmds):
        cmd, size = struct.unpack_from(order + "II", commands, position)
        if size < 8:
            raise ValueError("bad load command size")
        body = commands[position : position + size]

        def text(at: int, body: bytes = body) -> str:
            (offset,) = struct.unpack_from(order + "I", body, at)
            return body[offset:].split(b"\0", 1)[0].decode("utf8")

        if cmd in DYLIBS:
            needed.append(text(8))
        elif cmd == LC_RPATH:
            rpaths.append(text(8))
        elif cmd == LC_BUILD_VERSION:
            platform, version = struct.unpack_from(order + "II", body, 8)
            if platform == PLATFORM_MACOS:
                minos = (version >> 16, (version >> 8) & 0xFF)
        elif cmd == LC_VERSION_MIN_MACOSX and minos is None:
            (version,) = struct.unpack_from(order + "I", body, 8)
            minos = (version >> 16, (version >> 8) & 0xFF)
        position += size
    return Slice(CPU_TYPES.get(cpu, f"cpu {cpu:#x}"), tuple(needed), tuple(rpaths), minos)


def resolve(name: str, module: Path, rpaths: tuple[str, ...]) -> str:
    """Where dyld would find install name ``name`` for ``module``: ``@loader_path``
    is the module's directory; ``@rpath`` each LC_RPATH entry in turn. Unresolved
    names are returned as written."""
    loader = str(module.parent)
    if name.startswith("@loader_path/"):
        return str(Path(loader, name[len("@loader_path/") :]).resolve())
    if name.startswith("@rpath/"):
        rest = name[len("@rpath/") :]
        for rpath in rpaths:
            base = rpath.replace("@loader_path", loader)
            if "@" in base:
                continue
            candidate = Path(base, rest)
            if candidate.exists():
                return str(candidate.resolve())
    return name
