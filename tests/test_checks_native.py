"""The ``system-libs`` and ``gpu`` checks.

system-libs runs on real venvs with real shared objects (built with the C compiler
when there is one).  There is no GPU here: the gpu check's skip is tested for real,
and its parsing with a FAKE nvidia-smi on PATH (tests named ``*fake_nvidia_smi*``) or
a FAKE libcuda built with the C compiler (``*fake_libcuda*``), all marked ``fake_gpu``.
"""

from __future__ import annotations

import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from test_checks_support import (
    _no_outside_project_environment,  # noqa: F401
    empty_path,
    install,
    make_venv,
    make_wheel,
    site_packages,
)

from envdeck.checks import CheckContext, CheckResult, Status, run_check
from envdeck.checks.elf import read_needs
from envdeck.checks.native import wheel_needs, wheel_platforms

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
EXT = sysconfig.get_config_var("EXT_SUFFIX") or ".so"


def _glibc() -> str:
    try:
        value = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (AttributeError, ValueError, OSError):
        value = ""
    if not value.startswith("glibc "):
        pytest.skip("not a glibc system")
    return value.split()[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a real, empty .venv."""
    make_venv(tmp_path / "course" / ".venv")
    return tmp_path / "course"


def _unpack(wheel: Path, venv: Path) -> None:
    # As a venv copied from another machine holds it: no installer would take it here.
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site_packages(venv))


def _cc() -> str:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    return cc


def _build(cc: str, *args: str, cwd: Path) -> None:
    done = subprocess.run([cc, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# --- system-libs --------------------------------------------------------------------------


@linux
def test_system_libs_of_this_environment(tmp_path: Path) -> None:
    glibc = _glibc()
    result = run_check("system-libs", CheckContext(project=tmp_path, timeout=30))
    assert result.status is Status.PASS, result.summary
    assert result.facts["libc"] == f"glibc {glibc}"
    assert result.facts["environment"].endswith("(the running environment)")
    from importlib.machinery import EXTENSION_SUFFIXES

    from envdeck.checks.tools import site_dirs

    # the extension modules this very process loaded from the environment are counted
    loaded = {
        module.__file__
        for module in list(sys.modules.values())
        if str(getattr(module, "__file__", "")).endswith(tuple(EXTENSION_SUFFIXES))
        and any(Path(module.__file__).is_relative_to(d) for d in site_dirs())
    }
    modules = int(result.facts["extension modules"])
    assert modules >= len(loaded)
    if modules:
        assert any(line.startswith("libc.so.6 => ") for line in result.details.splitlines())
        assert "every venv here shares them, none carries them" in result.summary


@linux
def test_system_libs_of_a_pure_python_venv(project: Path) -> None:
    install(project / ".venv" / "bin" / "python", make_wheel(project.parent / "w", "demo", "1.0"))
    result = run_check("system-libs", CheckContext(project=project))
    assert result.status is Status.PASS
    assert result.facts["extension modules"] == "0"
    assert result.facts["compiled wheels"] == "0 of 1 distributions"
    assert result.facts["newest C library a wheel needs"].startswith("none")
    assert result.summary.startswith("no compiled extensions")


@linux
def test_wheel_needing_a_newer_glibc_fails(project: Path) -> None:
    _glibc()
    arch = os.uname().machine
    tag = f"cp3{sys.version_info[1]}-cp3{sys.version_info[1]}-manylinux_2_999_{arch}"
    _unpack(make_wheel(project.parent / "w", "fast", "1.0", tag=tag), project / ".venv")
    older = f"py3-none-manylinux_2_17_{arch}.manylinux2014_{arch}"
    _unpack(make_wheel(project.parent / "w", "older", "1.0", tag=older), project / ".venv")
    result = run_check("system-libs", CheckContext(project=project))
    assert result.status is Status.FAIL
    assert result.facts["newest C library a wheel needs"] == "glibc 2.999 (fast)"
    assert result.facts["compiled wheels"] == "2 of 2 distributions"
    assert "fast need glibc 2.999 but the system has" in result.summary


@linux
def test_musllinux_wheel_on_glibc_fails(project: Path) -> None:
    _glibc()
    arch = os.uname().machine
    _unpack(
        make_wheel(project.parent / "w", "tiny", "1.0", tag=f"py3-none-musllinux_1_2_{arch}"),
        project / ".venv",
    )
    result = run_check("system-libs", CheckContext(project=project))
    assert result.status is Status.FAIL
    assert "tiny is built for musl, but this system's C library is glibc" in result.summary
    # Beside a manylinux wheel that needs a newer glibc floor, it still fails.
    tag = f"py3-none-manylinux_2_17_{arch}.manylinux2014_{arch}"
    _unpack(make_wheel(project.parent / "w", "older", "1.0", tag=tag), project / ".venv")
    result = run_check("system-libs", CheckContext(project=project))
    assert result.facts["newest C library a wheel needs"] == "glibc 2.17 (older)"
    assert result.status is Status.FAIL
    assert "tiny is built for musl, but this system's C library is glibc" in result.summary


@linux
def test_missing_and_bundled_shared_libraries(project: Path) -> None:
    cc = _cc()
    _glibc()
    site = site_packages(project / ".venv")
    build = project.parent / "build"
    build.mkdir()
    (build / "gone.c").write_text("int envdeck_gone(void) { return 1; }\n")
    (build / "kept.c").write_text("int envdeck_kept(void) { return 2; }\n")
    (build / "ext.c").write_text(
        "#include <string.h>\n"
        "extern int envdeck_gone(void); extern int envdeck_kept(void);\n"
        "int envdeck_use(const char *s) { return envdeck_gone() + envdeck_kept() + strlen(s); }\n"
    )
    libs = site / "demo.libs"
    libs.mkdir()
    _build(cc, "-shared", "-fPIC", "-o", "libenvdeckgone.so", "gone.c", cwd=build)
    _build(cc, "-shared", "-fPIC", "-o", str(libs / "libenvdeckkept.so"), "kept.c", cwd=build)
    (site / "demo").mkdir()
    ext = site / "demo" / f"_speedups{EXT}"
    link = ["-L.", f"-L{libs}", "-lenvdeckgone", "-lenvdeckkept", "-Wl,-rpath,$ORIGIN/../demo.libs"]
    _build(cc, "-shared", "-fPIC", "-o", str(ext), "ext.c", *link, cwd=build)
    needs = read_needs(ext)
    assert needs is not None
    assert {"libenvdeckgone.so", "libenvdeckkept.so"} <= set(needs.needed)
    assert needs.search == (str(libs.resolve()),)
    (build / "libenvdeckgone.so").unlink()  # built against, then gone

    result = run_check("system-libs", CheckContext(project=project))
    assert result.status is Status.FAIL
    assert result.facts["extension modules"] == "1"
    assert result.facts["bundled libraries"] == "1"
    assert result.facts["missing libraries"] == f"libenvdeckgone.so (for _speedups{EXT})"
    assert "1 library not found: libenvdeckgone.so" in result.summary
    assert "libc.so.6" in result.facts["system libraries"]


@linux
def test_ldd_listings_are_kept_until_a_library_they_name_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cc = _cc()
    _glibc()
    monkeypatch.setenv("ENVDECK_CACHE_DIR", str(project.parent / "cache"))
    # ldd as the check finds it on PATH, writing down each time it runs.
    tools = project.parent / "tools"
    tools.mkdir()
    calls = project.parent / "ldd-calls"
    ldd = tools / "ldd"
    ldd.write_text(f'#!/bin/sh\necho run >> "{calls}"\nexec {shutil.which("ldd")} "$@"\n')
    ldd.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    site = site_packages(project / ".venv")
    build = project.parent / "build"
    build.mkdir()
    libs = site / "demo.libs"
    libs.mkdir()
    (build / "kept.c").write_text("int envdeck_kept(void) { return 2; }\n")
    (build / "ext.c").write_text(
        "extern int envdeck_kept(void);\nint envdeck_use(void) { return envdeck_kept(); }\n"
    )
    _build(cc, "-shared", "-fPIC", "-o", str(libs / "libenvdeckkept.so"), "kept.c", cwd=build)
    (site / "demo").mkdir()
    link = [f"-L{libs}", "-lenvdeckkept", "-Wl,-rpath,$ORIGIN/../demo.libs"]
    _build(cc, "-shared", "-fPIC", "-o", str(site / "demo" / f"_ext{EXT}"), "ext.c", *link,
           cwd=build)  # fmt: skip

    def check() -> Any:
        return run_check("system-libs", CheckContext(project=project))

    first, second = check(), check()
    assert first.status is Status.PASS and first.facts["bundled libraries"] == "1"
    assert second.facts == first.facts and second.summary == first.summary
    assert calls.read_text().count("run") == 1  # the second run read what the first kept

    # The library it named is gone: ldd runs again, and the check sees it missing.
    (libs / "libenvdeckkept.so").unlink()
    third = check()
    assert calls.read_text().count("run") == 2
    assert third.status is Status.FAIL
    assert third.facts["missing libraries"] == f"libenvdeckkept.so (for _ext{EXT})"


@linux
def test_without_ldd_the_libraries_are_not_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", empty_path(tmp_path))
    result = run_check("system-libs", CheckContext(project=tmp_path))
    if result.facts["extension modules"] == "0":
        pytest.skip("this environment has no extension modules")
    assert (
        result.facts["system libraries"] == "not checked: ldd is not installed (not found on PATH)"
    )
    assert result.status is Status.PASS


def test_wheel_tags() -> None:
    text = "Wheel-Version: 1.0\nTag: cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64\n"
    assert wheel_platforms(text) == ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    assert wheel_needs(wheel_platforms(text)).floor == ("glibc", (2, 17))
    assert wheel_needs(["manylinux_2_28_x86_64", "manylinux_2_17_x86_64"]).floor == (
        "glibc",
        (2, 17),
    )
    assert wheel_needs(["linux_x86_64"]).local
    assert wheel_needs(["any"]).floor is None


def test_read_needs_of_what_is_not_elf(tmp_path: Path) -> None:
    (tmp_path / "empty.so").write_bytes(b"")
    (tmp_path / "text.so").write_text("not an ELF file\n")
    assert read_needs(tmp_path / "empty.so") is None
    assert read_needs(tmp_path / "text.so") is None
    assert read_needs(tmp_path / "missing.so") is None


# --- gpu ------------------------------------------------------------------------------------


def test_gpu_skips_without_a_driver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if ctypes.util.find_library("cuda"):
        pytest.skip("an NVIDIA driver is installed here")
    monkeypatch.setenv("PATH", empty_path(tmp_path))
    result = run_check("gpu", CheckContext(project=tmp_path))
    assert result.status is Status.SKIP
    assert result.summary == (
        "no NVIDIA driver: nvidia-smi is not on PATH and libcuda cannot be loaded"
    )


SMI_TABLE = """\
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 550.54.15              Driver Version: 550.54.15      CUDA Version: 12.4     |
|-----------------------------------------+------------------------+----------------------+
"""


def _fake_tools(tmp_path: Path, smi_body: str, nvcc: bool = False) -> str:
    """A PATH holding a FAKE nvidia-smi (and nvcc): the driver cannot run here."""
    fake = tmp_path / "fake-bin"
    fake.mkdir(exist_ok=True)
    smi = fake / "nvidia-smi"
    smi.write_text("#!/bin/sh\n" + textwrap.dedent(smi_body))
    smi.chmod(0o755)
    if nvcc:
        tool = fake / "nvcc"
        tool.write_text(
            "#!/bin/sh\necho 'nvcc: NVIDIA (R) Cuda compiler driver'\n"
            "echo 'Cuda compilation tools, release 12.1, V12.1.105'\n"
        )
        tool.chmod(0o755)
    return str(fake)


WORKING_SMI = f"""\
case "$1" in
  --query-gpu=*) echo "0, NVIDIA H100 80GB HBM3, 550.54.15, 81559"; exit 0 ;;
esac
while IFS= read -r line; do echo "$line"; done <<'TABLE'
{SMI_TABLE}TABLE
"""


@pytest.mark.fake_gpu
def test_gpu_with_fake_nvidia_smi_driver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _fake_tools(tmp_path, WORKING_SMI, nvcc=True))
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    result = run_check("gpu", CheckContext(project=tmp_path))
    assert result.status is Status.PASS, result.summary
    facts = result.facts
    assert facts["GPUs"] == "1: NVIDIA H100 80GB HBM3 (79 GiB)"
    assert facts["driver"] == "NVIDIA 550.54.15"
    assert facts["driver supports CUDA up to"] == "12.4"
    assert facts["CUDA toolkit"].startswith("nvcc 12.1 (")  # the toolkit, apart from the driver
    assert facts["CUDA_VISIBLE_DEVICES"] == "unset (every GPU visible)"
    assert "the driver is the machine's, not the venv's" in result.summary


@pytest.mark.fake_gpu
def test_gpu_fake_nvidia_smi_wheel_needs_newer_cuda_warns(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheels = project.parent / "w"
    install(project / ".venv" / "bin" / "python",
            make_wheel(wheels, "torch", "2.9.0+cu130"),
            make_wheel(wheels, "nvidia-cuda-runtime-cu12", "12.4.127"))  # fmt: skip
    monkeypatch.setenv("PATH", _fake_tools(project.parent, WORKING_SMI))
    result = run_check("gpu", CheckContext(project=project))
    assert result.status is Status.WARN
    assert "torch (CUDA 13.0) need a newer CUDA than the driver's 12.4" in result.summary
    assert "nvidia-cuda-runtime-cu12 12.4.127 (CUDA 12.4)" in result.facts["CUDA wheels"]
    assert result.facts["CUDA toolkit"].startswith("no nvcc on PATH")


@pytest.mark.fake_gpu
def test_gpu_fake_nvidia_smi_hidden_devices_warn_without_the_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", _fake_tools(tmp_path, WORKING_SMI))
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "-1")
    result = run_check("gpu", CheckContext(project=tmp_path))
    assert result.status is Status.WARN
    assert result.facts["CUDA_VISIBLE_DEVICES"] == "set, hides every GPU"


@pytest.mark.fake_gpu
def test_gpu_fake_nvidia_smi_broken_driver_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = 'echo "Failed to initialize NVML: Driver/library version mismatch"\nexit 18\n'
    monkeypatch.setenv("PATH", _fake_tools(tmp_path, body))
    result = run_check("gpu", CheckContext(project=tmp_path))
    assert result.status is Status.FAIL
    assert "Driver/library version mismatch" in result.summary


@pytest.mark.fake_gpu
def test_gpu_fake_nvidia_smi_without_driver_skips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA "
        'driver."\nexit 9\n'
    )
    monkeypatch.setenv("PATH", _fake_tools(tmp_path, body))
    result = run_check("gpu", CheckContext(project=tmp_path))
    assert result.status is Status.SKIP
    assert "couldn't communicate with the NVIDIA driver" in result.summary


@pytest.mark.fake_gpu
def test_gpu_fake_nvidia_smi_hanging_times_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", _fake_tools(tmp_path, "exec sleep 60\n"))
    monkeypatch.setenv("PATH", os.environ["PATH"] + os.pathsep + "/bin" + os.pathsep + "/usr/bin")
    start = time.monotonic()
    result = run_check("gpu", CheckContext(project=tmp_path, timeout=1.0))
    assert time.monotonic() - start < 3.5
    assert result.status is Status.ERROR
    assert "timed out after 1 s" in result.summary
    assert json.loads(json.dumps(result.to_dict()))["status"] == "error"


#: A FAKE CUDA driver API: the functions the check's ctypes probe calls, as libcuda.so.1
#: exports them (CUresult is an int, 0 is CUDA_SUCCESS).
FAKE_LIBCUDA = r"""
#include <stdio.h>
int cuInit(unsigned int flags) { return INIT_RESULT; }
int cuDriverGetVersion(int *version) { *version = 12040; return 0; }
int cuDeviceGetCount(int *count) { *count = 2; return 0; }
int cuDeviceGet(int *device, int ordinal) { *device = ordinal; return 0; }
int cuDeviceGetName(char *name, int len, int device) {
    snprintf(name, len, "Fake GPU %d", device);
    return 0;
}
"""


def _fake_libcuda(directory: Path, init_result: int = 0) -> str:
    """A directory holding a FAKE libcuda.so.1 (the driver cannot run here)."""
    cc = _cc()
    directory.mkdir(parents=True)
    (directory / "cuda.c").write_text(FAKE_LIBCUDA)
    _build(cc, "-shared", "-fPIC", f"-DINIT_RESULT={init_result}", "-o", "libcuda.so.1",
           "cuda.c", cwd=directory)  # fmt: skip
    return str(directory)


@linux
@pytest.mark.fake_gpu
def test_gpu_fake_libcuda_through_ctypes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No nvidia-smi: the check loads libcuda in a child interpreter, as on a machine
    # with only the driver's library (containers often lack nvidia-smi).
    driver = _fake_libcuda(tmp_path / "driver")  # before PATH loses the C compiler
    monkeypatch.setenv("PATH", empty_path(tmp_path))
    monkeypatch.setenv("LD_LIBRARY_PATH", driver)
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    result = run_check("gpu", CheckContext(project=tmp_path, timeout=20))
    assert result.status is Status.PASS, result.summary
    assert result.facts["found by"] == "libcuda (ctypes)"
    assert result.facts["GPUs"] == "2: Fake GPU 0, Fake GPU 1"
    assert result.facts["driver supports CUDA up to"] == "12.4"
    assert result.facts["driver"] == "NVIDIA (version: nvidia-smi is not installed)"
    assert result.summary.startswith("2 GPUs (Fake GPU 0, Fake GPU 1), NVIDIA")


@linux
@pytest.mark.fake_gpu
def test_gpu_fake_libcuda_without_a_device_skips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver = _fake_libcuda(tmp_path / "driver", init_result=100)  # CUDA_ERROR_NO_DEVICE
    monkeypatch.setenv("PATH", empty_path(tmp_path))
    monkeypatch.setenv("LD_LIBRARY_PATH", driver)
    result = run_check("gpu", CheckContext(project=tmp_path, timeout=20))
    assert result.status is Status.SKIP
    assert result.summary == "libcuda loads but sees no GPU (cuInit error 100)"


@linux
@pytest.mark.fake_gpu
def test_gpu_no_driver_answer_is_kept_until_the_loader_could_find_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The probe's interpreter is a script that counts its runs, then runs Python.
    built = Path(_fake_libcuda(tmp_path / "built"))  # before PATH loses the C compiler
    runs_log = tmp_path / "probe-runs"
    python = tmp_path / "python-counting"
    python.write_text(f'#!/bin/sh\necho run >> "{runs_log}"\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(python))
    monkeypatch.setenv("ENVDECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", empty_path(tmp_path))
    folder = tmp_path / "driver"
    folder.mkdir()
    monkeypatch.setenv("LD_LIBRARY_PATH", str(folder))
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)

    def gpu() -> CheckResult:
        return run_check("gpu", CheckContext(project=tmp_path, timeout=20))

    def runs() -> int:
        return len(runs_log.read_text().splitlines()) if runs_log.exists() else 0

    if gpu().status is not Status.SKIP:
        pytest.skip("an NVIDIA driver is installed here")
    assert runs() == 1
    assert gpu().summary == (
        "no NVIDIA driver: nvidia-smi is not on PATH and libcuda cannot be loaded"
    )
    assert runs() == 1  # kept: nothing the loader reads has changed
    # A driver's library appears where the loader looks (the FAKE one).
    shutil.copy(built / "libcuda.so.1", folder / "libcuda.so.1")
    found = gpu()
    assert runs() == 2
    assert found.status is Status.PASS, found.summary
    assert found.facts["GPUs"] == "2: Fake GPU 0, Fake GPU 1"


@linux
def test_the_needs_of_extension_modules_are_kept_while_each_is_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from envdeck.checks.native import _kept_elf_needs

    cache = tmp_path / "cache"
    monkeypatch.setenv("ENVDECK_CACHE_DIR", str(cache))
    # Real modules: two of the standard library's compiled ones.
    lib_dynload = Path(os.__file__).parent / "lib-dynload"
    originals = sorted(lib_dynload.glob(f"*{EXT}"))[:2]
    if len(originals) < 2:
        pytest.skip("no compiled standard-library modules to read")
    modules = []
    for original in originals:
        copy = tmp_path / original.name
        copy.write_bytes(original.read_bytes())
        modules.append(copy)
    first = _kept_elf_needs(modules)
    assert first == {m: read_needs(m) for m in modules}
    assert all(needs is not None for needs in first.values())  # dynamic ELF files
    # What the next call returns comes from the kept answer: marked there, seen here.
    [kept] = (cache / "elf-needs").glob("*.json")
    kept.write_text(json.dumps([[["libmarked.so"], []], [["libmarked.so"], []]]))
    assert {n.needed for n in _kept_elf_needs(modules).values() if n} == {("libmarked.so",)}
    # A module rewritten (an upgrade): read again.
    modules[0].write_bytes(originals[1].read_bytes())
    again = _kept_elf_needs(modules)
    assert again == {m: read_needs(m) for m in modules}


def test_the_walk_for_extension_modules_is_kept_until_a_distribution_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from envdeck.checks.native import _kept_extension_modules

    monkeypatch.setenv("ENVDECK_CACHE_DIR", str(tmp_path / "cache"))
    site = tmp_path / "site-packages"
    first = site / "pkg" / f"_fast{EXT}"
    first.parent.mkdir(parents=True)
    first.write_bytes(b"")
    (site / "pkg-1.0.dist-info").mkdir()
    assert _kept_extension_modules([site]) == [first]
    # A module that no install wrote (nothing in a dist-info folder changed): the
    # kept walk stands, as it does for every run while the venv stays as it is.
    stray = site / "pkg" / f"_stray{EXT}"
    stray.write_bytes(b"")
    assert _kept_extension_modules([site]) == [first]
    # An install adds a dist-info folder: walked again.
    (site / "other-2.0.dist-info").mkdir()
    assert _kept_extension_modules([site]) == sorted([first, stray])
    # A module kept that is gone (an uninstall in progress, a file removed): walked again.
    stray.unlink()
    assert _kept_extension_modules([site]) == [first]


def test_extension_modules_are_found_where_a_walk_finds_them(tmp_path: Path) -> None:
    # What os.walk found, without entering what holds no modules: vendored libraries,
    # bytecode, metadata, and (as os.walk) symlinked folders.
    from envdeck.checks.native import _extension_modules

    site = tmp_path / "site-packages"
    wanted = [site / "pkg" / f"_fast{EXT}", site / "pkg" / "sub" / "deep" / f"_deeper{EXT}"]
    skipped = [
        site / "pkg.libs" / f"libvendored{EXT}",
        site / "pkg" / "__pycache__" / f"stray{EXT}",
        site / "pkg-1.0.dist-info" / f"stray{EXT}",
        site / "pkg" / f"not-a-module{EXT}",
        site / "pkg" / "notes.txt",
    ]
    for path in wanted + skipped:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    (site / "linked").symlink_to(site / "pkg", target_is_directory=True)
    assert _extension_modules([site, tmp_path / "missing"]) == sorted(wanted)
