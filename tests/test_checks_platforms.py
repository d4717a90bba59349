"""The macOS and Windows branches of the checks, on this (Linux) machine: real directory
layouts (a venv in Windows' layout) and real binary headers (Mach-O, universal Mach-O,
PE, pip's and uv's Windows launchers) built in tmp_path by tests/binaries.py. What runs
only on a real Mac or Windows machine is said in the docs (authoring/checks.md)."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import pytest
from binaries import (
    CPU_ARM64,
    CPU_X86_64,
    macho_slice,
    pe,
    pip_launcher,
    universal,
    uv_launcher,
    windows_venv,
)
from test_checks_support import _no_outside_project_environment  # noqa: F401

from envdeck.checks import CheckContext, Redactor, Status, run_check
from envdeck.checks.interpreter import same_arch
from envdeck.checks.macho import read_macho, resolve
from envdeck.checks.native import (
    Libraries,
    _macho_libraries,
    _macos_targets,
    _pe_libraries,
    macos_problems,
)
from envdeck.checks.pe import read_imports, read_launcher
from envdeck.checks.venvs import read_activate_venv, read_shebang

# --- Mach-O ---------------------------------------------------------------------------


def test_a_thin_macho_module_is_read(tmp_path: Path) -> None:
    module = tmp_path / "_speedups.cpython-312-darwin.so"
    module.write_bytes(
        macho_slice(
            CPU_ARM64,
            ["@rpath/libfoo.dylib", "/usr/lib/libSystem.B.dylib"],
            ["@loader_path/../.dylibs"],
            (11, 0),
        )
    )
    macho = read_macho(module)
    assert macho is not None
    assert macho.archs == ("arm64",)
    assert macho.needed == ("@rpath/libfoo.dylib", "/usr/lib/libSystem.B.dylib")
    assert macho.slices[0].rpaths == ("@loader_path/../.dylibs",)
    assert macho.minos == (11, 0)


def test_a_universal2_module_has_both_slices_and_the_highest_target(tmp_path: Path) -> None:
    module = tmp_path / "_core.so"
    module.write_bytes(
        universal(
            (
                CPU_X86_64,
                macho_slice(CPU_X86_64, ["/usr/lib/libc++.1.dylib"], (), (10, 9), old_style=True),
            ),
            (CPU_ARM64, macho_slice(CPU_ARM64, ["/usr/lib/libc++.1.dylib"], (), (11, 0))),
        )
    )
    macho = read_macho(module)
    assert macho is not None
    assert macho.archs == ("x86_64", "arm64")
    assert macho.slice_for("x86_64").minos == (10, 9)  # LC_VERSION_MIN_MACOSX
    assert macho.minos == (11, 0)


def test_not_macho_is_none(tmp_path: Path) -> None:
    (tmp_path / "a.so").write_bytes(b"\x7fELF" + bytes(60))
    (tmp_path / "A.class").write_bytes(b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + bytes(30))
    assert read_macho(tmp_path / "a.so") is None
    assert read_macho(tmp_path / "A.class") is None  # Java's magic, not a fat binary
    (tmp_path / "cut.so").write_bytes(macho_slice(CPU_ARM64, ["/usr/lib/x.dylib"])[:40])
    assert read_macho(tmp_path / "cut.so") is None


def test_rpath_and_loader_path_resolve_like_dyld(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "pkg"
    dylibs = tmp_path / "site-packages" / "pkg" / ".dylibs"
    dylibs.mkdir(parents=True)
    (dylibs / "libfoo.dylib").write_bytes(b"")
    module = package / "_ext.so"
    assert resolve("@rpath/libfoo.dylib", module, ("@loader_path/.dylibs",)) == str(
        (dylibs / "libfoo.dylib").resolve()
    )
    assert resolve("@loader_path/.dylibs/libfoo.dylib", module, ()) == str(
        (dylibs / "libfoo.dylib").resolve()
    )
    assert resolve("@rpath/libgone.dylib", module, ("@loader_path/.dylibs",)) == (
        "@rpath/libgone.dylib"
    )


def test_macos_libraries_without_otool(tmp_path: Path) -> None:
    """The branch for a Mac without Apple's command line tools: the load commands."""
    site = tmp_path / "venv" / "lib" / "python3.12" / "site-packages"
    (site / "pkg" / ".dylibs").mkdir(parents=True)
    (site / "pkg" / ".dylibs" / "libbundled.dylib").write_bytes(b"")
    module = site / "pkg" / "_ext.so"
    needed = [
        "@rpath/libbundled.dylib",  # shipped in the wheel (delocate)
        "/usr/lib/libSystem.B.dylib",  # in the dyld shared cache, not on disk
        str(tmp_path / "opt" / "libgone.dylib"),  # missing
    ]
    arch = platform.machine()
    cpu = CPU_ARM64 if arch == "arm64" else CPU_X86_64
    module.write_bytes(macho_slice(cpu, needed, ["@loader_path/.dylibs"]))
    libs = Libraries()
    inside = (str(tmp_path / "venv"), str((tmp_path / "venv").resolve()))
    _macho_libraries([module], inside, libs, {module: 1})
    assert "libbundled.dylib" in libs.bundled
    assert "libgone.dylib" in libs.missing
    # The shared cache counts as present only on macOS; here it is what Linux sees.
    assert ("libSystem.B.dylib" in libs.missing) == (os.uname().sysname != "Darwin")


def test_deployment_target_and_architecture_against_this_mac(tmp_path: Path) -> None:
    arch = platform.machine()
    mine = CPU_ARM64 if arch == "arm64" else CPU_X86_64
    other = CPU_X86_64 if mine == CPU_ARM64 else CPU_ARM64
    fine, new, foreign = tmp_path / "fine.so", tmp_path / "new.so", tmp_path / "foreign.so"
    fine.write_bytes(
        universal(
            (mine, macho_slice(mine, minos=(11, 0))), (other, macho_slice(other, minos=(11, 0)))
        )
    )
    new.write_bytes(macho_slice(mine, minos=(15, 0)))
    foreign.write_bytes(macho_slice(other, minos=(11, 0)))
    libs = Libraries()
    _macos_targets([fine, new, foreign], libs)
    facts: dict[str, str] = {}
    fails = macos_problems(libs, (14, 5), facts)
    assert facts["newest macOS a module needs"] == "macOS 15.0 (new.so)"
    assert any("new.so need macOS 15.0, newer than this Mac's 14.5" in f for f in fails)
    assert any(f"foreign.so is not built for this Mac's {arch}" in f for f in fails)
    assert not any("fine.so" in f for f in fails)
    assert macos_problems(Libraries(), (14, 5), {}) == []


def test_universal2_and_intel_wheels_run_on_their_architectures() -> None:
    assert same_arch("universal2", "arm64") and same_arch("x86_64", "universal2")
    assert same_arch("intel", "x86_64") and not same_arch("intel", "arm64")
    assert not same_arch("x86_64", "arm64")


def test_platform_target_universal2_is_compared_by_architecture() -> None:
    here = f"macosx_11_0_{platform.machine()}"
    ours = run_check("platform", CheckContext(project=Path("."), options={"target": here}))
    assert ours.status is not Status.ERROR
    universal2 = run_check(
        "platform", CheckContext(project=Path("."), options={"target": "macosx_11_0_universal2"})
    )
    # On Linux both are another OS (fail); on a Mac both are this architecture.
    assert universal2.status is ours.status


# --- PE -------------------------------------------------------------------------------


def test_pe_imports_and_delay_imports_are_read(tmp_path: Path) -> None:
    module = tmp_path / "_ext.cp312-win_amd64.pyd"
    module.write_bytes(
        pe(["python312.dll", "KERNEL32.dll", "VCRUNTIME140.dll"], ["libopenblas.dll"])
    )
    imports = read_imports(module)
    assert imports is not None
    assert imports.machine == "AMD64"
    assert imports.dlls == ("python312.dll", "KERNEL32.dll", "VCRUNTIME140.dll", "libopenblas.dll")
    arm = tmp_path / "arm.pyd"
    arm.write_bytes(pe(["KERNEL32.dll"], machine=0xAA64))
    assert read_imports(arm).machine == "ARM64"


def test_not_pe_is_none(tmp_path: Path) -> None:
    (tmp_path / "x.pyd").write_bytes(b"MZ" + bytes(100))
    assert read_imports(tmp_path / "x.pyd") is None
    (tmp_path / "y.pyd").write_bytes(b"\x7fELF")
    assert read_imports(tmp_path / "y.pyd") is None


def test_windows_dlls_are_found_where_the_loader_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Windows branch of system-libs on a Windows layout: System32, the module's
    directory, delvewheel's <package>.libs, and a DLL only an import would find."""
    system32 = tmp_path / "Windows" / "System32"
    system32.mkdir(parents=True)
    (system32 / "kernel32.dll").write_bytes(b"")  # found case-insensitively
    monkeypatch.setenv("SYSTEMROOT", str(tmp_path / "Windows"))
    site = tmp_path / "venv" / "Lib" / "site-packages"
    (site / "numpy.libs").mkdir(parents=True)
    (site / "numpy.libs" / "libopenblas64_.dll").write_bytes(b"")
    (site / "numpy").mkdir()
    (site / "numpy" / "helper.dll").write_bytes(b"")
    module = site / "numpy" / "_core.cp312-win_amd64.pyd"
    module.write_bytes(
        pe(
            [
                "KERNEL32.dll",
                "api-ms-win-crt-runtime-l1-1-0.dll",
                "libopenblas64_.dll",
                "helper.dll",
                "torch_cpu.dll",
            ]
        )
    )
    libs = Libraries()
    inside = (str(tmp_path / "venv"),)
    _pe_libraries([module], inside, libs, {module: 3}, (site,))
    assert libs.system["KERNEL32.dll"] == str(system32 / "kernel32.dll")
    assert libs.users["KERNEL32.dll"] == 3
    assert "api-ms-win-crt-runtime-l1-1-0.dll" in libs.system
    assert set(libs.bundled) == {"libopenblas64_.dll", "helper.dll"}
    assert libs.unresolved == {"torch_cpu.dll": str(module)}
    assert not libs.missing


# --- a venv in Windows' layout ----------------------------------------------------------


def test_windows_launchers_name_their_python(tmp_path: Path) -> None:
    python = r"C:\Users\u\proj\.venv\Scripts\python.exe"
    (tmp_path / "pip.exe").write_bytes(pip_launcher(python))
    (tmp_path / "spaced.exe").write_bytes(pip_launcher(r"C:\Program Files\Python\python.exe"))
    (tmp_path / "uv.exe").write_bytes(uv_launcher(python))
    (tmp_path / "rel.exe").write_bytes(uv_launcher("python.exe"))
    (tmp_path / "plain.exe").write_bytes(pe(["KERNEL32.dll"]))
    assert read_launcher(tmp_path / "pip.exe") == python
    assert read_launcher(tmp_path / "spaced.exe") == r"C:\Program Files\Python\python.exe"
    assert read_launcher(tmp_path / "uv.exe") == python
    assert read_shebang(tmp_path / "uv.exe").kind == "absolute"
    assert read_shebang(tmp_path / "rel.exe").kind == "relative"
    assert read_shebang(tmp_path / "plain.exe").kind == "none"


def test_venv_paths_reads_a_windows_layout_venv(tmp_path: Path) -> None:
    home = tmp_path / "Python312"
    home.mkdir()
    venv = tmp_path / "proj" / ".venv"
    own = str(venv / "Scripts" / "python.exe")
    windows_venv(venv, home, {"pip.exe": pip_launcher(own), "tool.exe": uv_launcher(own)})
    assert read_activate_venv(venv) == str(venv)
    result = run_check("venv-paths", CheckContext(project=venv.parent))
    assert result.status is Status.PASS, result.summary
    assert result.facts["layout"].startswith("Windows: Scripts\\")
    assert result.facts["scripts"] == "2 scripts: 2 absolute"
    shown = Redactor.for_environment().text(own)  # as results show paths
    assert result.facts[f"shebang {shown}"] == "2 scripts (this venv)"
    assert result.facts["activate"].endswith("(this venv)")


def test_a_moved_windows_venv_fails_and_says_where_it_was_made(tmp_path: Path) -> None:
    home = tmp_path / "Python312"
    home.mkdir()
    made = r"C:\Users\u\old\.venv"
    venv = tmp_path / "proj" / ".venv"
    windows_venv(venv, home, {"pip.exe": pip_launcher(made + r"\Scripts\python.exe")})
    result = run_check("venv-paths", CheckContext(project=venv.parent))
    assert result.status is Status.FAIL
    assert f"the venv was made at {made}" in result.summary


def test_ide_check_on_a_windows_layout_venv(tmp_path: Path) -> None:
    home = tmp_path / "Python312"
    home.mkdir()
    windows_venv(tmp_path / ".venv", home, {})
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode" / "settings.json").write_text(
        '{"python.defaultInterpreterPath": "${workspaceFolder}\\\\.venv\\\\Scripts\\\\python.exe"}'
    )
    result = run_check("ide", CheckContext(project=tmp_path))
    assert result.status is Status.PASS, result.summary


def test_ide_fix_names_the_windows_interpreter(tmp_path: Path) -> None:
    home = tmp_path / "Python312"
    home.mkdir()
    windows_venv(tmp_path / ".venv", home, {})
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode" / "settings.json").write_text(
        '{"python.defaultInterpreterPath": "C:\\\\Python312\\\\python.exe"}'
    )
    result = run_check("ide", CheckContext(project=tmp_path))
    assert result.status is Status.WARN
    assert '"${workspaceFolder}\\\\.venv\\\\Scripts\\\\python.exe"' in result.summary
