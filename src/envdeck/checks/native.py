"""What a venv does not isolate: ``system-libs`` (the C library and shared libraries)
and ``gpu`` (the NVIDIA driver and CUDA)."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import machinery
from pathlib import Path
from typing import Any

from . import inputs, usercache
from .base import CheckContext, Findings, Outcome, Status, check
from .elf import Needs, read_needs
from .environment import Environment, project_environment
from .errors import CheckSkipped, ToolMissing
from .interpreter import libc, parse_platform
from .macho import read_macho, resolve
from .pe import read_imports
from .tools import (
    dist_name,
    dist_text,
    distributions,
    names_unreadable,
    plural,
    run,
    shorten,
    tool_path,
)

#: Arguments per ldd/otool call; keeps command lines short.
CHUNK = 64


def wheel_platforms(text: str) -> list[str]:
    """Platform tags of a WHEEL file's ``Tag:`` lines (compressed sets expanded)."""
    platforms: list[str] = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() != "Tag":
            continue
        parts = value.strip().split("-")
        if len(parts) == 3:
            platforms += parts[2].split(".")
    return platforms


@dataclass
class Needed:
    """What a wheel's tags say it needs of the C library."""

    #: (family, (major, minor)) the wheel needs at least, e.g. ("glibc", (2, 17))
    floor: tuple[str, tuple[int, int]] | None = None
    #: built on this machine or one like it (linux_x86_64): no promise at all
    local: bool = False


def wheel_needs(platforms: Iterable[str]) -> Needed:
    """The least C library any of a wheel's platform tags accepts."""
    needs = Needed()
    floors: list[tuple[str, tuple[int, int]]] = []
    for tag in platforms:
        family, version, _arch = parse_platform(tag)
        if family in ("glibc", "musl", "macos") and version is not None:
            floors.append((family, version))
        elif family == "linux":
            needs.local = True
    if floors:
        needs.floor = min(floors, key=lambda f: f[1])
        needs.local = False
    return needs


@dataclass
class Libraries:
    """What ldd/otool said about a set of extension modules."""

    #: library name -> resolved path (outside the environment)
    system: dict[str, str] = field(default_factory=dict)
    #: library name -> resolved path (inside the environment: shipped in a wheel)
    bundled: dict[str, str] = field(default_factory=dict)
    #: library name -> a module that needs it
    missing: dict[str, str] = field(default_factory=dict)
    #: how many modules need each system library
    users: dict[str, int] = field(default_factory=dict)
    #: library name -> a module that needs it, where no file says where it comes from
    #: (Windows: a DLL a package adds with os.add_dll_directory when it is imported)
    unresolved: dict[str, str] = field(default_factory=dict)
    #: macOS: module -> (the macOS it needs, its architectures)
    macos: dict[str, tuple[tuple[int, int] | None, tuple[str, ...]]] = field(default_factory=dict)


def _kept_extension_modules(site_dirs: list[Path]) -> list[Path]:
    """:func:`_extension_modules`, kept in the user's cache while no distribution is
    installed, removed or reinstalled in ``site_dirs`` (each adds, removes or rewrites
    a ``*.dist-info`` folder) and every module found is still there.  The walk visits
    every folder of the venv: thousands, most of the check's own time."""
    key = usercache.key_of(
        "extension-modules",
        [[inputs.stat_of(d), inputs.distribution_listing(d)] for d in site_dirs],
        machinery.EXTENSION_SUFFIXES,
        usercache.module_stamp(__name__),
    )
    kept = usercache.load("extension-modules", key)
    if isinstance(kept, list) and all(isinstance(p, str) and os.path.isfile(p) for p in kept):
        return [Path(p) for p in kept]
    modules = _extension_modules(site_dirs)
    usercache.store("extension-modules", key, [str(p) for p in modules])
    return modules


def _extension_modules(site_dirs: Iterable[Path]) -> list[Path]:
    suffixes = tuple(machinery.EXTENSION_SUFFIXES)
    found = []
    # os.walk, without its extra stat of every directory: a venv has thousands.
    folders = [os.fspath(top) for top in site_dirs]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    name = entry.name
                    if entry.is_dir():
                        if not entry.is_symlink() and not _holds_no_modules(name):
                            folders.append(entry.path)
                    elif name.endswith(suffixes) and name.split(".")[0].isidentifier():
                        found.append(Path(entry.path))
        except OSError:
            continue  # unreadable, or gone: as os.walk, which skips it
    return sorted(found)


def _holds_no_modules(folder: str) -> bool:
    # Libraries vendored by auditwheel (pkg.libs) or delocate (.dylibs) are what
    # modules load, not modules; bytecode and metadata folders hold none.
    return folder == "__pycache__" or folder.endswith((".libs", ".dylibs", ".dist-info"))


def _ldd(
    files: list[Path], inside: tuple[str, ...], libs: Libraries, weight: dict[Path, int]
) -> None:
    for module, entries in _ldd_listings(tool_path("ldd"), files).items():
        for name, target in entries:
            _classify(name, target, module, inside, libs, weight.get(module, 1))


def _ldd_listings(ldd: str, files: list[Path]) -> dict[Path, list[tuple[str, str]]]:
    """Module -> what ldd resolved its libraries to, as (name, target).

    ldd runs the dynamic loader on every module: the costliest step of ``envdeck
    check``.  Its answer is kept in the user's cache, keyed on the modules, ldd, the
    loader's cache and ``LD_LIBRARY_PATH``, and used again only while every library
    it named is still the same file (one replaced or removed: ldd runs again).
    """
    key = usercache.key_of(
        "ldd",
        [inputs.stat_of(f) for f in files],
        inputs.stat_of(Path(ldd)),
        inputs.stat_of(Path("/etc/ld.so.cache")),
        os.environ.get("LD_LIBRARY_PATH", ""),
    )
    kept = usercache.load("ldd", key)
    if isinstance(kept, dict) and _still_there(kept.get("targets")):
        with contextlib.suppress(KeyError, TypeError, ValueError):
            return {
                files[int(i)]: [(str(n), str(t)) for n, t in entries]
                for i, entries in kept["listings"].items()
            }
    listings: dict[Path, list[tuple[str, str]]] = {f: [] for f in files}
    for start in range(0, len(files), CHUNK):
        chunk = files[start : start + CHUNK]
        ran = run([ldd, *map(str, chunk)])
        current = chunk[0]
        for line in ran.stdout.splitlines():
            if not line.startswith(("\t", " ")):
                if line.endswith(":"):
                    current = Path(line[:-1])
                continue
            entry = line.strip()
            name, arrow, rest = entry.partition(" => ")
            if not arrow:  # the vdso, or the loader by absolute path
                name = entry.split(" (")[0]
                if name.startswith("linux-vdso") or name.startswith("linux-gate"):
                    continue
                target = name
                name = Path(name).name
            else:
                target = rest.split(" (")[0].strip()
            listings.setdefault(current, []).append((name, target))
    index = {f: i for i, f in enumerate(files)}
    targets = sorted({t for entries in listings.values() for _, t in entries if os.path.isabs(t)})
    usercache.store("ldd", key, {
        "listings": {str(index[f]): entries for f, entries in listings.items() if f in index},
        "targets": [inputs.stat_of(Path(t)) for t in targets],
    })  # fmt: skip
    return listings


def _still_there(targets: Any) -> bool:
    """Whether each library file kept with an ldd listing is the same file now."""
    if not isinstance(targets, list):
        return False
    return all(
        isinstance(kept, list) and kept and kept == inputs.stat_of(Path(kept[0]))
        for kept in targets
    )


def _otool(
    files: list[Path], inside: tuple[str, ...], libs: Libraries, weight: dict[Path, int]
) -> None:
    otool = tool_path("otool")
    for start in range(0, len(files), CHUNK):
        chunk = files[start : start + CHUNK]
        ran = run([otool, "-L", *map(str, chunk)])
        current = chunk[0]
        for line in ran.stdout.splitlines():
            if not line.startswith(("\t", " ")):
                current = Path(line.rstrip(":"))
                continue
            target = line.strip().split(" (")[0]
            if target.startswith(("@rpath", "@loader_path", "@executable_path")):
                resolved = target.replace("@loader_path", str(current.parent))
                if "@" in resolved:
                    libs.bundled.setdefault(Path(target).name, target)
                    continue
                target = resolved
            _classify(Path(target).name, target, current, inside, libs, weight.get(current, 1))


#: Where macOS 11 and later keep system libraries in the dyld shared cache, not on disk.
SHARED_CACHE = ("/usr/lib/", "/System/Library/")


def _classify(name: str, target: str, module: Path, inside: tuple[str, ...],
              libs: Libraries, count: int) -> None:  # fmt: skip
    cached = sys.platform == "darwin" and target.startswith(SHARED_CACHE)
    if target == "not found" or (os.path.isabs(target) and not os.path.exists(target)
                                 and not cached):  # fmt: skip
        libs.missing.setdefault(name, str(module))
        return
    real = os.path.realpath(target)
    if real.startswith(inside) or target.startswith(inside):
        libs.bundled.setdefault(name, target)
        return
    libs.system.setdefault(name, target)
    libs.users[name] = libs.users.get(name, 0) + count


def _macho_libraries(
    files: list[Path], inside: tuple[str, ...], libs: Libraries, weight: dict[Path, int]
) -> None:
    """macOS without ``otool``: the load commands, resolved as dyld would."""
    arch = platform.machine()
    for module in files:
        macho = read_macho(module)
        if macho is None:
            continue
        part = macho.slice_for(arch) or macho.slices[0]
        for name in part.needed:
            target = resolve(name, module, part.rpaths)
            if target.startswith("@"):
                libs.bundled.setdefault(Path(name).name, name)
                continue
            _classify(Path(target).name, target, module, inside, libs, weight.get(module, 1))


def _macos_targets(files: list[Path], libs: Libraries) -> None:
    for module in files:
        macho = read_macho(module)
        if macho is not None:
            libs.macos[str(module)] = (macho.minos, macho.archs)


#: Windows DLLs of the OS: API sets (resolved by the loader, no file of that name) and
#: what System32 always has.
_API_SET = ("api-ms-win-", "ext-ms-win-")


def _dll_dirs(site_dirs: tuple[Path, ...]) -> list[Path]:
    """Where Windows (Python 3.8+) looks for an extension module's DLLs besides the
    module's own directory: the directories packages add (delvewheel's
    ``<package>.libs``), the interpreter's directories, and System32; not PATH."""
    dirs = [p for site in site_dirs for p in sorted(site.glob("*.libs")) if p.is_dir()]
    base = Path(getattr(sys, "base_prefix", sys.prefix))
    system = Path(os.environ.get("SYSTEMROOT", r"C:\Windows")) / "System32"
    return [*dirs, base, base / "DLLs", system]


def _pe_libraries(files: list[Path], inside: tuple[str, ...], libs: Libraries,
                  weight: dict[Path, int], site_dirs: tuple[Path, ...]) -> None:  # fmt: skip
    """Windows: the import tables, each DLL looked up where the loader looks."""
    listings: dict[Path, dict[str, Path]] = {}
    shared = _dll_dirs(site_dirs)

    def listing(directory: Path) -> dict[str, Path]:
        if directory not in listings:
            try:
                listings[directory] = {p.name.lower(): p for p in directory.iterdir()}
            except OSError:
                listings[directory] = {}
        return listings[directory]

    for module in files:
        imports = read_imports(module)
        if imports is None:
            continue
        for dll in imports.dlls:
            if dll.lower().startswith(_API_SET):
                libs.system.setdefault(dll, "(API set of Windows)")
                libs.users[dll] = libs.users.get(dll, 0) + weight.get(module, 1)
                continue
            found = next(
                (listing(d)[dll.lower()] for d in (module.parent, *shared)
                 if dll.lower() in listing(d)),
                None,
            )  # fmt: skip
            if found is None:
                libs.unresolved.setdefault(dll, str(module))
                continue
            _classify(dll, str(found), module, inside, libs, weight.get(module, 1))


def _kept_elf_needs(modules: list[Path]) -> dict[Path, Needs | None]:
    """Each module's ELF needs, kept in the user's cache while every module is the
    same file (reading the headers of a venv's hundreds of modules is a third of
    the check's own time)."""
    key = usercache.key_of(
        "elf-needs", [inputs.stat_of(m) for m in modules], usercache.module_stamp(__name__)
    )
    kept = usercache.load("elf-needs", key)
    if isinstance(kept, list) and len(kept) == len(modules):
        with contextlib.suppress(TypeError, ValueError):
            return {
                module: None if entry is None else Needs(tuple(entry[0]), tuple(entry[1]))
                for module, entry in zip(modules, kept, strict=True)
            }
    needs = {module: read_needs(module) for module in modules}
    usercache.store(
        "elf-needs",
        key,
        [None if n is None else [list(n.needed), list(n.search)] for n in needs.values()],
    )
    return needs


def _needs_key(module: Path) -> Any:
    """What groups modules with the same needs (one listing per group)."""
    if sys.platform == "darwin":
        return read_macho(module) or module
    if sys.platform == "win32":
        return read_imports(module) or module
    return read_needs(module)


@check(
    "system-libs",
    "What the venv does not isolate: system libraries",
    depends_on=("project", "distributions", "system", "tool:ldd"),
    key_facts=("libc", "newest C library a wheel needs", "extension modules", "system libraries"),
)
@names_unreadable
def system_libs_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """The C library's version against the ``manylinux``/``musllinux`` tags of the
    installed wheels (their ``WHEEL`` files' ``Tag`` lines), and the shared libraries
    the installed extension modules load from the system (``ldd`` on Linux; on macOS
    ``otool -L``, else the Mach-O load commands; on Windows the PE import tables): what
    every venv on this machine shares and none carries. On macOS, also the oldest macOS
    each module runs on (its deployment target) and its architectures. Fails when a
    wheel needs a newer C library (or macOS) than the system has, a wheel is built for
    the other C library (musl on glibc, or the reverse), a module is built for another
    architecture, or a library is missing. Looks at the project's ``.venv``, else the
    running environment."""
    if not sys.platform.startswith(("linux", "darwin", "win32")):
        raise CheckSkipped(f"only Linux, macOS and Windows are inspected, not {sys.platform}")
    env = project_environment(ctx.project)
    libc_name, libc_version = _c_library()
    here = tuple(int(p) for p in re.findall(r"\d+", libc_version)[:2]) if libc_version else ()
    found = Findings(
        {
            "environment": f"{env.prefix} ({env.label})",
            "libc": f"{libc_name} {libc_version}".strip() or "(unknown)",
        }
    )
    if sys.platform == "win32":
        # Windows wheels are tagged by architecture only; each brings its C runtime.
        found.facts["libc"] = "none to compare: Windows wheels (win_amd64, ...) name no C library"
    _wheel_floors(env, (libc_name, libc_version, here), found)
    modules = _kept_extension_modules(list(env.site_dirs))
    found.facts["extension modules"] = str(len(modules))
    libs = Libraries()
    checked = _read_libraries(modules, env, libs, found.facts)
    found.fails += macos_problems(libs, here if sys.platform == "darwin" else (), found.facts)
    if checked and modules:
        _library_facts(libs, found)
    found.details = "\n".join(
        f"{name} => {path} (needed by {plural(libs.users.get(name, 0), 'module')})"
        for name, path in sorted(libs.system.items())
    )
    if not modules:
        summary = f"no compiled extensions; they would use the system's {found.facts['libc']}"
    elif not checked:
        summary = f"{len(modules)} extension modules; their libraries were not listed"
    else:
        summary = (
            f"{len(modules)} extension modules load {len(libs.system)} libraries from the "
            f"system ({shorten(sorted(libs.system, key=lambda n: -libs.users.get(n, 0)), 3)}): "
            f"every venv here shares them, none carries them"
        )
    return found.outcome(summary)


def _c_library() -> tuple[str, str]:
    """(family, version) of the C library wheels are compared with: macOS on a Mac."""
    if sys.platform == "darwin":
        return "macos", platform.mac_ver()[0]
    return libc()


def _wheel_floors(
    env: Environment, system: tuple[str, str, tuple[int, ...]], found: Findings
) -> None:
    """The installed wheels' platform tags against the C library ``system`` (family,
    version, version as numbers)."""
    libc_name, libc_version, here = system
    floors: list[tuple[tuple[int, int], str, str]] = []  # (version, family, package)
    local: list[str] = []
    dists = list(distributions(list(env.site_dirs)))
    compiled = 0
    for dist in dists:
        platforms = wheel_platforms(dist_text(dist, "WHEEL"))
        if not platforms or all(p == "any" for p in platforms):
            continue
        compiled += 1
        needs = wheel_needs(platforms)
        if needs.floor is not None:
            floors.append((needs.floor[1], needs.floor[0], dist_name(dist)))
        elif needs.local:
            local.append(dist_name(dist))
    found.facts["compiled wheels"] = f"{compiled} of {len(dists)} distributions"
    if not floors:
        found.facts["newest C library a wheel needs"] = "none (no manylinux or musllinux wheels)"
    else:
        version, family, package = max(floors)
        need = ".".join(map(str, version))
        found.facts["newest C library a wheel needs"] = f"{family} {need} ({package})"
        too_new = sorted({p for v, f, p in floors if f == libc_name and here and v > here})
        if too_new:
            found.fails.append(
                f"{shorten(too_new, 3)} need {family} {need} but the system has {libc_version}: "
                "a venv made on a newer machine"
            )
        # Every wheel's family, not only the newest floor's: one musllinux wheel among
        # manylinux ones is as unusable as a venv of them all.
        others: dict[str, set[str]] = {}
        for _v, f, p in floors:
            if f != libc_name and f != "macos":
                others.setdefault(f, set()).add(p)
        for other, packages in sorted(others.items()):
            found.fails.append(f"{shorten(sorted(packages), 3)} "
                               f"{'is' if len(packages) == 1 else 'are'} built for {other}, but "
                               f"this system's C library is {libc_name or 'unknown'}")  # fmt: skip
    if local:
        found.facts["wheels built here"] = f"{shorten(sorted(local), 4)} (no portability promise)"


def _read_libraries(
    modules: list[Path], env: Environment, libs: Libraries, facts: dict[str, str]
) -> bool:
    """What the modules load, read the platform's way into ``libs``; False when the
    tool that lists them is missing."""
    if not modules:
        return True
    # One ldd run per distinct set of needs: the rest are the same answer.
    groups: dict[Any, list[Path]] = {}
    keys = _kept_elf_needs(modules) if sys.platform.startswith("linux") else {}
    for module in modules:
        key = keys[module] if module in keys else _needs_key(module)
        groups.setdefault(key, []).append(module)
    representatives = [group[0] for group in groups.values()]
    weight = {group[0]: len(group) for group in groups.values()}
    inside = tuple(str(p) for p in {env.prefix, env.prefix.resolve(), *env.site_dirs})
    try:
        if sys.platform == "win32":
            _pe_libraries(representatives, inside, libs, weight, tuple(env.site_dirs))
            facts["read by"] = "PE import tables"
        elif sys.platform == "darwin":
            _macos_targets(modules, libs)
            if shutil.which("otool"):
                _otool(representatives, inside, libs, weight)
                facts["read by"] = "otool -L"
            else:
                _macho_libraries(representatives, inside, libs, weight)
                facts["read by"] = "Mach-O load commands (otool is not installed)"
        else:
            _ldd(representatives, inside, libs, weight)
            facts["read by"] = "ldd"
    except ToolMissing as err:
        facts["system libraries"] = f"not checked: {err}"
        return False
    return True


def _library_facts(libs: Libraries, found: Findings) -> None:
    by_use = sorted(libs.system, key=lambda n: (-libs.users.get(n, 0), n))
    found.facts["system libraries"] = f"{len(by_use)}: {shorten(by_use, 6)}" if by_use else "none"
    found.facts["bundled libraries"] = str(len(libs.bundled))
    if libs.missing:
        missing = [f"{name} (for {Path(m).name})" for name, m in sorted(libs.missing.items())]
        found.facts["missing libraries"] = shorten(missing, 4)
        found.fails.append(f"{plural(len(missing), 'library', 'libraries')} not found: "
                           f"{shorten(missing, 2)}")  # fmt: skip
    if libs.unresolved:
        found_by = [f"{n} (for {Path(m).name})" for n, m in sorted(libs.unresolved.items())]
        found.facts["DLLs found at import time"] = (
            f"{shorten(found_by, 4)}: not beside the module, in the interpreter or in "
            "System32; a package adds their directory when it is imported, which only "
            "importing it shows"
        )


# --- gpu ---------------------------------------------------------------------------------

#: A driver probe without nvidia-smi: libcuda through ctypes, in a child process
#: (initialising a driver can hang; a child can be killed).
_CUDA_PROBE = r"""
import ctypes, json, sys
names = ["libcuda.so.1", "libcuda.so", "libcuda.dylib"]
if sys.platform == "win32":
    names = ["nvcuda.dll"]
lib = None
for name in names:
    try:
        lib = ctypes.CDLL(name)
        break
    except OSError:
        pass
if lib is None:
    print(json.dumps({"loaded": False}))
    sys.exit(0)
out = {"loaded": True}
version = ctypes.c_int(0)
out["init"] = lib.cuInit(0)
if lib.cuDriverGetVersion(ctypes.byref(version)) == 0:
    out["cuda"] = version.value
count = ctypes.c_int(0)
if out["init"] == 0 and lib.cuDeviceGetCount(ctypes.byref(count)) == 0:
    out["devices"] = []
    for i in range(count.value):
        device = ctypes.c_int(0)
        name = ctypes.create_string_buffer(256)
        if lib.cuDeviceGet(ctypes.byref(device), i) != 0:
            continue
        if lib.cuDeviceGetName(name, 256, device) == 0:
            out["devices"].append(name.value.decode(errors="replace"))
print(json.dumps(out))
"""

#: CUDA wheels and the CUDA version in their name or version
_CUDA_WHEEL = re.compile(r"(?:cu|cuda)(\d{2,3})(?:\D|$)", re.IGNORECASE)


def _cuda_of(text: str) -> str | None:
    match = re.search(r"\+cu(\d{2,3})\b", text) or _CUDA_WHEEL.search(text)
    if not match:
        return None
    digits = match.group(1)
    return f"{digits[:-1]}.{digits[-1]}" if len(digits) >= 3 else digits


def _cuda_wheels(site_dirs: Iterable[Path]) -> list[tuple[str, str, str | None]]:
    """(name, version, CUDA version) of installed distributions built for CUDA."""
    found = []
    for dist in distributions(list(site_dirs)):
        name, version = dist_name(dist), dist.version
        lowered = name.lower()
        if (
            "+cu" in version
            or lowered.startswith(("nvidia-cuda-runtime", "cupy-cuda"))
            or ("cuda" in lowered and lowered.startswith(("jax", "torch", "tensorflow")))
        ):
            cuda = _cuda_of(version)
            if cuda is None and lowered.startswith("nvidia-cuda-runtime"):
                cuda = ".".join(version.split(".")[:2])
            found.append((name, version, cuda or _cuda_of(name)))
    return found


def _major_minor(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:2])


@check(
    "gpu",
    "The GPU: NVIDIA driver and CUDA",
    depends_on=("gpu", "distributions", "project"),
    key_facts=("GPUs", "driver", "driver supports CUDA up to", "CUDA toolkit"),
)
@names_unreadable
def gpu_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """The NVIDIA driver and the GPUs it sees (``nvidia-smi``, else ``libcuda`` through
    ctypes), the newest CUDA the driver supports, and, kept apart, the CUDA toolkit
    (``nvcc``) and the CUDA builds of installed wheels: the driver belongs to the
    machine, not to any venv. Skips without an NVIDIA driver; fails when the driver is
    broken; warns when a wheel needs a newer CUDA than the driver has, or
    ``CUDA_VISIBLE_DEVICES`` hides every GPU."""
    found = Findings()
    smi = shutil.which("nvidia-smi")
    driver = _smi_driver(smi) if smi else _libcuda_driver()
    if isinstance(driver, Outcome):
        return driver
    gpus, driver_cuda, found.facts["driver"], found.facts["found by"] = driver
    if not gpus:
        raise CheckSkipped("the NVIDIA driver sees no GPU")
    found.facts["GPUs"] = f"{len(gpus)}: {shorten(gpus, 3)}"
    found.facts["driver supports CUDA up to"] = driver_cuda or "(unknown)"
    _visible_devices(ctx, found)
    _cuda_toolkit(ctx, found.facts)
    _cuda_wheel_findings(project_environment(ctx.project), driver_cuda, found)
    summary = (
        f"{plural(len(gpus), 'GPU')} ({shorten(gpus, 2)}), {found.facts['driver']} supporting "
        f"CUDA up to {driver_cuda or '?'}; the driver is the machine's, not the venv's"
    )
    return found.outcome(summary, warn_prefix=f"{summary}; but ")


#: (GPUs, the newest CUDA the driver supports, the driver, found by)
Driver = tuple[list[str], str, str, str]


def _smi_driver(smi: str) -> Driver | Outcome:
    """The driver as ``nvidia-smi`` reports it; a failing outcome for a broken driver."""
    fields = "index,name,driver_version,memory.total"
    queried = run([smi, f"--query-gpu={fields}", "--format=csv,noheader,nounits"])
    if not queried.ok:
        message = queried.output.splitlines()[0] if queried.output else f"exit {queried.returncode}"
        if re.search(r"couldn't communicate|no devices were found", message, re.I):
            raise CheckSkipped(f"no usable NVIDIA GPU: nvidia-smi says {message!r}")
        return Outcome(Status.FAIL, f"the NVIDIA driver is broken: nvidia-smi says {message!r}",
                       {"nvidia-smi": "fails"})  # fmt: skip
    driver = ""
    gpus: list[str] = []
    for line in queried.stdout.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) >= 4:
            driver = parts[2]
            gpus.append(f"{parts[1]} ({int(float(parts[3])) // 1024} GiB)"
                        if re.fullmatch(r"[0-9]+(\.[0-9]+)?", parts[3])  # not "²"
                        else parts[1])  # fmt: skip
    match = re.search(r"CUDA Version:\s*([\d.]+)", run([smi]).stdout)
    driver_cuda = match.group(1) if match else ""
    return gpus, driver_cuda, f"NVIDIA {driver}" if driver else "(unknown)", "nvidia-smi"


_NO_DRIVER = "no NVIDIA driver: nvidia-smi is not on PATH and libcuda cannot be loaded"


def _libcuda_driver() -> Driver:
    """The driver as ``libcuda`` reports it, probed in a child process."""
    key = _no_libcuda_key()
    if key is not None and usercache.load("no-libcuda", key) is True:
        raise CheckSkipped(_NO_DRIVER)
    # -I -S: the probe needs only the standard library (ctypes), not the venv's
    # site-packages and their .pth files, which cost most of a child's start.
    probe = run([sys.executable, "-I", "-S", "-c", _CUDA_PROBE])
    try:
        found = json.loads(probe.stdout.strip().splitlines()[-1]) if probe.ok else {}
    except (ValueError, IndexError):
        found = {}
    if not found.get("loaded"):
        if probe.ok and key is not None:
            usercache.store("no-libcuda", key, True)
        raise CheckSkipped(_NO_DRIVER)
    if found.get("init") not in (0, None) or not found.get("devices"):
        raise CheckSkipped(f"libcuda loads but sees no GPU (cuInit error {found.get('init')})")
    driver_cuda = ""
    if "cuda" in found:
        value = int(found["cuda"])
        driver_cuda = f"{value // 1000}.{value % 1000 // 10}"
    driver = "NVIDIA (version: nvidia-smi is not installed)"
    return list(found["devices"]), driver_cuda, driver, "libcuda (ctypes)"


#: Where the dynamic loader looks for libcuda.so.1 besides LD_LIBRARY_PATH and its
#: cache (a driver's installer runs ldconfig, which rewrites the cache).
_LOADER_DIRS = ("/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/lib/wsl/lib")


def _no_libcuda_key() -> str | None:
    """On Linux, what a "libcuda cannot be loaded" answer holds for: the loader's
    cache, LD_LIBRARY_PATH and the folders it would search (a file added to one
    changes its time), the NVIDIA device files and the interpreter.  Elsewhere None:
    asked every time."""
    if not sys.platform.startswith("linux"):
        return None
    search = os.environ.get("LD_LIBRARY_PATH", "")
    folders = [*filter(None, search.split(os.pathsep)), *_LOADER_DIRS]
    return usercache.key_of(
        "no-libcuda",
        search,
        [inputs.stat_of(Path(f)) for f in folders],
        inputs.stat_of(Path("/etc/ld.so.cache")),
        [inputs.stat_of(Path(p)) for p in ("/dev/nvidiactl", "/proc/driver/nvidia", "/dev/dxg")],
        inputs.interpreter(Path.cwd(), {}),
        usercache.module_stamp(__name__),
    )


def _visible_devices(ctx: CheckContext, found: Findings) -> None:
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        found.facts["CUDA_VISIBLE_DEVICES"] = "unset (every GPU visible)"
    elif visible.strip() in ("", "-1", "NoDevFiles"):
        found.facts["CUDA_VISIBLE_DEVICES"] = "set, hides every GPU"
        found.warns.append("CUDA_VISIBLE_DEVICES hides every GPU from CUDA programs")
    else:
        found.facts["CUDA_VISIBLE_DEVICES"] = "set, selects some GPUs"
    if visible is not None and "CUDA_VISIBLE_DEVICES" in ctx.env_allowlist:
        found.facts["CUDA_VISIBLE_DEVICES"] += f": {visible!r}"


def _cuda_toolkit(ctx: CheckContext, facts: dict[str, str]) -> None:
    nvcc = shutil.which("nvcc")
    if nvcc:
        version = run([nvcc, "--version"])
        match = re.search(r"release ([\d.]+)", version.stdout)
        facts["CUDA toolkit"] = f"nvcc {match.group(1) if match else '?'} ({nvcc})"
    else:
        facts["CUDA toolkit"] = "no nvcc on PATH (wheels bring their own CUDA runtime)"
    for var in ("CUDA_HOME", "CUDA_PATH"):
        if var in os.environ:
            facts[var] = "set" + (f": {os.environ[var]}" if var in ctx.env_allowlist else "")


def _cuda_wheel_findings(env: Environment, driver_cuda: str, found: Findings) -> None:
    wheels = _cuda_wheels(env.site_dirs)
    if not wheels:
        found.facts["CUDA wheels"] = "none installed"
        return
    found.facts["CUDA wheels"] = shorten(
        [f"{n} {v}" + (f" (CUDA {c})" if c else "") for n, v, c in wheels], 4
    )
    limit = _major_minor(driver_cuda)
    newer = [f"{n} (CUDA {c})" for n, _v, c in wheels if c and limit
             and _major_minor(c)[:1] > limit[:1]]  # fmt: skip
    if newer:
        found.warns.append(f"{shorten(newer, 2)} need a newer CUDA than the driver's {driver_cuda}")


def macos_problems(libs: Libraries, here: tuple[int, ...], facts: dict[str, str]) -> list[str]:
    """The deployment targets and architectures of macOS modules, against this Mac."""
    if not libs.macos:
        return []
    arch = platform.machine()
    fails: list[str] = []
    targets = [(v, m) for m, (v, _a) in libs.macos.items() if v is not None]
    if targets:
        newest, module = max(targets)
        facts["newest macOS a module needs"] = (
            f"macOS {newest[0]}.{newest[1]} ({Path(module).name})"
        )
        too_new = sorted(Path(m).name for v, m in targets if here and v > tuple(here[:2]))
        if too_new:
            fails.append(f"{shorten(too_new, 3)} need macOS {newest[0]}.{newest[1]}, "
                         f"newer than this Mac's {'.'.join(map(str, here))}")  # fmt: skip
    archs = sorted({a for _v, archs in libs.macos.values() for a in archs})
    facts["module architectures"] = ", ".join(archs) or "(none read)"
    other = sorted(Path(m).name for m, (_v, a) in libs.macos.items() if a and arch not in a)
    if other:
        fails.append(f"{shorten(other, 3)} {'is' if len(other) == 1 else 'are'} not built "
                     f"for this Mac's {arch}")  # fmt: skip
    return fails
