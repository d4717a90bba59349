"""Checks of the interpreter and the platform it runs on: ``python``, ``platform``."""

from __future__ import annotations

import os
import platform as _platform
import re
import struct
import sys
import sysconfig
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .base import CheckContext, Outcome, Status, check
from .toml import PyprojectError, read_requires_python
from .tools import shorten

# sysconfig fills its cache unguarded on first use (before Python 3.12), and checks run
# in threads: a second thread could read a half-filled cache (SOABI None). Fill it now.
sysconfig.get_config_vars()


@check(
    "python",
    "The Python interpreter",
    depends_on=("interpreter", "pyproject.toml"),
    key_facts=("version", "executable", "SOABI"),
)
def python_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """Which interpreter runs the build: implementation, version, executable,
    sysconfig platform and SOABI (the ABI its compiled extensions must match).
    Fails when the version is outside the project's ``requires-python``."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    pretty_impl = _platform.python_implementation()
    version = _platform.python_version()
    soabi = sysconfig.get_config_var("SOABI") or sysconfig.get_config_var("EXT_SUFFIX") or "-"
    facts = {
        "implementation": pretty_impl,
        "version": version,
        "executable": sys.executable or "(unknown)",
        "platform": sysconfig.get_platform(),
        "SOABI": str(soabi),
        "cache tag": str(sys.implementation.cache_tag),
        "pointer size": f"{struct.calcsize('P') * 8}-bit",
        "free-threaded": "yes" if sysconfig.get_config_var("Py_GIL_DISABLED") else "no",
        "build": " ".join(_platform.python_build()),
    }
    summary = f"{pretty_impl} {version} ({soabi})"
    try:
        requires = read_requires_python(ctx.project)
    except PyprojectError as err:
        facts["requires-python"] = f"(not read: {err})"
        return Outcome(Status.WARN, f"{summary}; {err}", facts)
    if requires is None:
        facts["requires-python"] = "(no pyproject.toml with one)"
        return Outcome(Status.PASS, summary, facts)
    facts["requires-python"] = requires
    try:
        spec = SpecifierSet(requires)
    except InvalidSpecifier:
        return Outcome(Status.WARN, f"{summary}; requires-python {requires!r} is invalid", facts)
    if spec.contains(version, prereleases=True):
        return Outcome(Status.PASS, f"{summary}, as requires-python {requires} allows", facts)
    return Outcome(
        Status.FAIL,
        f"{pretty_impl} {version} is outside the project's requires-python {requires}",
        facts,
        key_facts=("version", "requires-python", "executable"),
    )


def _os_name() -> str:
    system = _platform.system()
    if system == "Linux":
        pretty = _os_release().get("PRETTY_NAME")
        return f"Linux ({pretty})" if pretty else "Linux"
    if system == "Darwin":
        return f"macOS {_platform.mac_ver()[0]}".strip()
    if system == "Windows":
        return f"Windows {_platform.release()} ({_platform.version()})"
    return f"{system} {_platform.release()}".strip()


def _os_release() -> dict[str, str]:
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            text = Path(path).read_text("utf8", errors="replace")
        except OSError:
            continue
        values = {}
        for line in text.splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip().strip("\"'")
        return values
    return {}


def libc() -> tuple[str, str]:
    """(name, version) of the C library, ``("", "")`` if unknown (or not Linux)."""
    if hasattr(os, "confstr"):
        try:
            value = os.confstr("CS_GNU_LIBC_VERSION") or ""
        except (ValueError, OSError):
            value = ""
        if value:
            name, _, version = value.partition(" ")
            return name, version
    if sys.platform.startswith("linux"):
        name, version = _platform.libc_ver()
        if name:
            return name, version
        from packaging._musllinux import _get_musl_version

        musl = _get_musl_version(sys.executable)
        if musl is not None:
            return "musl", f"{musl.major}.{musl.minor}"
    return "", ""


def _platform_tag_summary(platforms: list[str]) -> str:
    """manylinux_2_36..manylinux_2_5 + linux: compact, most specific first."""
    groups: dict[str, list[str]] = {}
    for tag in platforms:
        family = (
            re.sub(r"_\d+_\d+_|\d+_", "_", tag)
            if tag.startswith(("manylinux", "musllinux", "macosx"))
            else tag
        )
        groups.setdefault(family, []).append(tag)
    parts = []
    for tags in groups.values():
        parts.append(tags[0] if len(tags) == 1 else f"{tags[0]} … {tags[-1]} ({len(tags)})")
    return "; ".join(parts)


_TAG = re.compile(
    r"(?P<family>manylinux|musllinux|macosx)_(?P<major>\d+)_(?P<minor>\d+)_(?P<arch>.+)"
)
_LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def parse_platform(tag: str) -> tuple[str, tuple[int, int] | None, str]:
    """(family, version, arch) of a platform tag: ``("glibc", (2, 17), "x86_64")``."""
    for legacy, version in _LEGACY_MANYLINUX.items():
        if tag.startswith(legacy + "_"):
            return "glibc", version, tag[len(legacy) + 1 :]
    match = _TAG.fullmatch(tag)
    if match:
        family = {"manylinux": "glibc", "musllinux": "musl", "macosx": "macos"}[match["family"]]
        return family, (int(match["major"]), int(match["minor"])), match["arch"]
    if tag.startswith("linux_"):
        return "linux", None, tag[len("linux_") :]
    family, _, arch = tag.partition("_")
    return family, None, arch


#: macOS's multi-architecture wheel tags and the architectures each holds
MACOS_MULTI_ARCH = {
    "universal2": {"x86_64", "arm64"},
    "intel": {"i386", "x86_64"},
    "fat64": {"x86_64", "ppc64"},
    "fat3": {"i386", "x86_64", "ppc"},
    "universal": {"i386", "x86_64", "ppc", "ppc64"},
}


def same_arch(a: str, b: str) -> bool:
    """Whether wheels of arch ``a`` run on ``b`` or the reverse: ``universal2`` holds
    both ``arm64`` and ``x86_64``."""
    if a == b:
        return True
    return b in MACOS_MULTI_ARCH.get(a, ()) or a in MACOS_MULTI_ARCH.get(b, ())


def _compare_target(target: str, here: str) -> tuple[Status, str]:
    t_family, t_version, t_arch = parse_platform(target)
    h_family, h_version, h_arch = parse_platform(here)
    same_os = t_family == h_family or {t_family, h_family} == {"linux", "glibc"}
    if not same_os or not same_arch(t_arch, h_arch):
        return Status.FAIL, (
            f"a .venv made here would not run on {target}: its compiled wheels are for "
            f"{here}; make a new one there from the lockfile"
        )
    if t_version is not None and h_version is not None and t_version < h_version:
        need = ".".join(map(str, h_version))
        return Status.WARN, (
            f"a .venv made here may not run on {target}: wheels picked here may need "
            f"{h_family} {need}; make a new one there from the lockfile"
        )
    return Status.PASS, f"a .venv made here would run on {target} (same OS and architecture)"


def platform_target(value: str) -> str:
    """A wheel platform tag (``linux_x86_64``, ``macosx_11_0_arm64``, ``win_amd64``, ...)."""
    value = value.strip()
    if not re.fullmatch(r"[a-z0-9_.]+", value):
        raise ValueError(
            f"expected a wheel platform tag such as linux_x86_64, manylinux_2_17_x86_64, "
            f"macosx_11_0_arm64 or win_amd64, got {value!r}"
        )
    return value.replace(".", "_")


def _wheel_ceiling(libc_name: str, libc_version: str) -> str:
    """The newest C library (or macOS) the wheels an installer picks here may need."""
    # Installers pick the newest wheels this interpreter accepts, which may need up to
    # this machine's C library (or macOS); what the installed ones need is system-libs'.
    if libc_name in ("glibc", "musl") and libc_version:
        return f"{libc_name} {libc_version}"
    if sys.platform == "darwin" and _platform.mac_ver()[0]:
        return f"macOS {_platform.mac_ver()[0]}"
    return ""


def _tag_facts(
    all_tags: list[Any], interpreters: list[str], abis: list[str], platforms: list[str]
) -> dict[str, str]:
    # Installers try a linux_* tag first, but it only matches wheels built on this
    # machine: PyPI accepts no linux_* uploads, so the most specific tag a wheel from
    # an index can carry is the first manylinux/musllinux one.
    local = [t for t in all_tags if t.platform.startswith("linux_")]
    served = [t for t in all_tags if not t.platform.startswith("linux_")]
    facts = {
        "wheel tags accepted": str(len(all_tags)),
        "most specific tag": str(served[0]) if served else "-",
    }
    if local:
        facts["local-build tag"] = f"{local[0]} (wheels built here; PyPI serves none)"
    facts["interpreter tags"] = shorten(interpreters, 6)
    facts["ABI tags"] = shorten(abis, 6)
    facts["platform tags"] = _platform_tag_summary(platforms)
    return facts


@check(
    "platform",
    "The platform",
    options={"target": platform_target},
    depends_on=("interpreter", "system"),
    key_facts=("os", "architecture", "libc", "runs only on", "its wheels may need"),
)
def platform_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """The operating system and its version, the CPU architecture, the C library and its
    version, and the wheel tags this interpreter accepts (``packaging.tags``): what a
    ``.venv`` made here is tied to. With ``target`` (a wheel platform tag), says whether
    a ``.venv`` made here would run there: it fails when it would not."""
    from packaging import tags

    all_tags = list(tags.sys_tags())
    interpreters = list(dict.fromkeys(t.interpreter for t in all_tags))
    abis = list(dict.fromkeys(t.abi for t in all_tags))
    platforms = list(dict.fromkeys(t.platform for t in all_tags if t.platform != "any"))
    arch = _platform.machine() or "unknown"
    libc_name, libc_version = libc()
    os_name = _os_name()
    libc_text = f"{libc_name} {libc_version}".strip() or "(none found)"
    impl = _platform.python_implementation()
    py_short = ".".join(_platform.python_version_tuple()[:2])
    runs_on = f"{_platform.system()} on {arch}, {impl} {py_short} ({abis[0] if abis else '?'})"
    ceiling = _wheel_ceiling(libc_name, libc_version)
    facts = {
        "os": os_name,
        "kernel": f"{_platform.system()} {_platform.release()}",
        "architecture": arch,
        "libc": libc_text,
        **_tag_facts(all_tags, interpreters, abis, platforms),
        "runs only on": runs_on,
    }
    if ceiling:
        facts["its wheels may need"] = f"up to {ceiling} (this machine's)"
    details = "\n".join(str(t) for t in all_tags)
    target = options.get("target")
    if target:
        facts["target"] = target
        # Compare with the newest versioned tag (manylinux_2_36_x86_64), not linux_x86_64.
        versioned = [p for p in platforms if parse_platform(p)[1] is not None]
        here = (versioned or platforms or [arch])[0]
        status, summary = _compare_target(target, here)
        return Outcome(
            status, summary, facts, details, key_facts=("target", "os", "architecture", "libc")
        )
    summary = f"a .venv made here runs only on {runs_on}"
    if ceiling:
        summary += f"; its wheels may need up to this machine's {ceiling}"
    return Outcome(Status.PASS, summary, facts, details)
