"""Checks of virtual environments: ``venv``, ``venv-paths``, ``venv-relocation``."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import usercache
from .base import CheckContext, CheckSkipped, Outcome, Status, check
from .tools import (
    in_venv,
    plural,
    project_venv,
    read_pyvenv_cfg,
    run,
    scripts_dir,
    shorten,
    tool_path,
)


def _same_dir(a: Path | str, b: Path | str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _python_on_path() -> tuple[str, str | None]:
    for name in ("python", "python3"):
        found = shutil.which(name)
        if found:
            return name, found
    return "python", None


@check(
    "venv",
    "The virtual environment",
    depends_on=("interpreter", "env:venv"),
    key_facts=("virtual environment", "prefix", "VIRTUAL_ENV", "python on PATH"),
)
def venv_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """Whether the build runs in a virtual environment (``sys.prefix`` against
    ``sys.base_prefix``), where it is, the keys of its ``pyvenv.cfg``, whether
    ``VIRTUAL_ENV`` agrees with ``sys.prefix`` (a stale activation when not) and
    whether the ``python`` that PATH finds is this interpreter. Fails outside a venv;
    warns on a stale activation, another ``python`` first on PATH, or a venv that
    sees the system's site-packages."""
    prefix = Path(sys.prefix)
    inside = in_venv()
    facts: dict[str, str] = {
        "virtual environment": "yes" if inside else "no",
        "prefix": str(prefix),
        "base prefix": str(getattr(sys, "base_prefix", sys.prefix)),
        "executable": sys.executable,
    }
    problems: list[str] = []
    cfg = read_pyvenv_cfg(prefix) if inside else {}
    for key, value in cfg.items():
        facts[f"pyvenv.cfg {key}"] = value
    if cfg.get("include-system-site-packages", "false").lower() == "true":
        problems.append("it also sees the base interpreter's site-packages")

    virtual_env = os.environ.get("VIRTUAL_ENV")
    if virtual_env is None:
        facts["VIRTUAL_ENV"] = "unset (not activated)"
    elif _same_dir(virtual_env, prefix):
        facts["VIRTUAL_ENV"] = "set, names this environment"
    else:
        facts["VIRTUAL_ENV"] = "set, names another directory (a stale activation)"
        problems.append("VIRTUAL_ENV names another environment: a stale activation")
    if virtual_env is not None and "VIRTUAL_ENV" in ctx.env_allowlist:
        facts["VIRTUAL_ENV"] += f": {virtual_env}"

    command, found = _python_on_path()
    if found is None:
        facts["python on PATH"] = "none (neither python nor python3 is on PATH)"
    else:
        # A venv's python is a symlink to the base one: compare where it lives.
        env_dir = Path(found).parent.parent
        if _same_dir(env_dir, prefix):
            facts["python on PATH"] = f"{found} (this environment)"
        else:
            facts["python on PATH"] = f"{found} (another interpreter)"
            problems.append(f"`{command}` on PATH starts another interpreter ({found})")

    if not inside:
        return Outcome(
            Status.FAIL,
            f"not in a virtual environment: the build runs on the base interpreter "
            f"{sys.executable}; installs would go into its site-packages",
            facts,
        )
    if problems:
        return Outcome(Status.WARN, f"in a venv at {prefix}, but {'; '.join(problems)}", facts)
    return Outcome(Status.PASS, f"in a virtual environment at {prefix}", facts)


# --- venv-paths ----------------------------------------------------------------------


def choose_venv(project: Path, option: str | None) -> tuple[Path, str]:
    """Which venv ``venv-paths`` inspects: the ``venv`` option, else the project's
    ``.venv``, else the running one; :class:`CheckSkipped` when there is none."""
    if option:
        path = Path(option).expanduser()
        return (path if path.is_absolute() else project / path), "the venv option"
    own = project_venv(project)
    if (own / "pyvenv.cfg").is_file():
        return own, f"the project's {own.name}"
    if in_venv():
        return Path(sys.prefix), "the running environment"
    raise CheckSkipped("no .venv in the project, and the build does not run in a venv")


_EXEC = re.compile(r"""^'''exec'\s+(?:"([^"]+)"|'([^']+)'|(\S+))""", re.MULTILINE)


@dataclass(frozen=True)
class Shebang:
    """Where a script's first line sends it."""

    #: "absolute", "env" (looked up on PATH), "relative" (relocatable) or "none"
    kind: str
    target: str = ""


def read_shebang(script: Path) -> Shebang:
    try:
        with script.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return Shebang("none")
    if not head.startswith(b"#!"):
        return Shebang("none")
    text = head.decode("utf8", errors="replace")
    first = text.splitlines()[0][2:].strip()
    if first in ("/bin/sh", "/bin/bash"):
        # pip's and uv's trick for long paths or spaces: #!/bin/sh + '''exec' "python" ...
        match = _EXEC.search(text)
        if not match:
            return Shebang("none")
        target = next(g for g in match.groups() if g)
        if "$(" in target or "$0" in target or not os.path.isabs(target):
            return Shebang("relative", target)
        return Shebang("absolute", target)
    program = first.split()[0] if first.split() else ""
    if Path(program).name == "env":
        return Shebang("env", " ".join(first.split()[1:]))
    return Shebang("absolute", program) if os.path.isabs(program) else Shebang("none")


def read_activate_venv(venv: Path) -> str | None:
    """The VIRTUAL_ENV path baked into ``bin/activate``, if it is a literal."""
    try:
        text = (scripts_dir(venv) / "activate").read_text("utf8", errors="replace")
    except OSError:
        return None
    match = re.search(r"""^\s*(?:export\s+)?VIRTUAL_ENV=(["']?)([^"'$\n]+)\1\s*$""", text, re.M)
    return match.group(2) if match else None


def _inside(path: str, venv: Path) -> bool:
    try:
        return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(venv)) or Path(
            os.path.realpath(path)
        ).is_relative_to(os.path.realpath(venv))
    except ValueError:
        return False


def _made_at(target: str) -> str:
    """The venv a ``.../bin/python`` target belongs to."""
    path = Path(target)
    return str(path.parent.parent) if path.parent.name in ("bin", "Scripts") else str(path)


def venv_path(value: str) -> str:
    """A venv's directory, absolute or relative to the project (``.venv``, ``envs/py312``)."""
    value = value.strip()
    if not value:
        raise ValueError("expected a venv directory such as .venv, got an empty value")
    return value


@check(
    "venv-paths",
    "Absolute paths baked into the venv",
    options={"venv": venv_path},
    depends_on=("project", "venv"),
    key_facts=("venv", "scripts", "pyvenv.cfg home", "activate"),
)
def venv_paths_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """The absolute paths a venv carries: its scripts' first lines (shebangs), the
    ``home`` of ``pyvenv.cfg``, the ``python`` link and the path ``activate`` sets.
    It inspects the ``venv`` option if given, else the project's ``.venv``, else the
    running venv. Fails when a target is missing (a moved venv, or a removed base
    Python); warns when scripts run another venv's python (a copied venv)."""
    venv, why = choose_venv(ctx.project, options.get("venv"))
    facts: dict[str, str] = {"venv": f"{venv} ({why})"}
    if not (venv / "pyvenv.cfg").is_file():
        return Outcome(Status.FAIL, f"{venv} is not a virtual environment (no pyvenv.cfg)", facts)
    broken: list[str] = []
    foreign: list[str] = []

    home = read_pyvenv_cfg(venv).get("home", "")
    if home:
        ok = os.path.isdir(home)
        facts["pyvenv.cfg home"] = f"{home} ({'exists' if ok else 'missing'})"
        if not ok:
            broken.append(f"its base Python {home} is gone")
    else:
        facts["pyvenv.cfg home"] = "(none)"

    bin_dir = scripts_dir(venv)
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    if python.is_symlink():
        link = os.readlink(python)
        ok = python.exists()
        facts["python link"] = f"{link} ({'resolves' if ok else 'broken'})"
        if not ok:
            broken.append(f"bin/python links to {link}, which is gone")

    shebangs: dict[str, list[str]] = {}
    kinds: dict[str, int] = {}
    try:
        scripts = sorted(p for p in bin_dir.iterdir() if p.is_file() and not p.is_symlink())
    except OSError:
        scripts = []
    for script in scripts:
        shebang = read_shebang(script)
        if shebang.kind == "none":
            continue
        kinds[shebang.kind] = kinds.get(shebang.kind, 0) + 1
        if shebang.kind == "absolute":
            shebangs.setdefault(shebang.target, []).append(script.name)
    total = sum(kinds.values())
    facts["scripts"] = (
        f"{plural(total, 'script')}: "
        + ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        if total
        else "no Python scripts"
    )
    for target, names in shebangs.items():
        if not os.path.exists(target):
            state = "missing"
            broken.append(
                f"{plural(len(names), 'script')} ({shorten(names, 3)}) start {target}, "
                f"which is gone: the venv was made at {_made_at(target)}"
            )
        elif not _inside(target, venv):
            state = "another environment"
            foreign.append(f"{plural(len(names), 'script')} run {target}")
        else:
            state = "this venv"
        facts[f"shebang {target}"] = f"{plural(len(names), 'script')} ({state})"

    activate = read_activate_venv(venv)
    if activate is not None:
        same = _same_dir(activate, venv) if os.path.isdir(activate) else False
        facts["activate"] = f"sets VIRTUAL_ENV={activate} ({'this venv' if same else 'elsewhere'})"
        if not same:
            target = "missing" if not os.path.exists(activate) else "another directory"
            (broken if target == "missing" else foreign).append(
                f"activate sets VIRTUAL_ENV to {activate} ({target})"
            )

    if broken:
        return Outcome(Status.FAIL, f"{venv} is broken: {'; '.join(broken)}", facts)
    if foreign:
        return Outcome(
            Status.WARN, f"{venv} is a copy: {'; '.join(foreign)}, not its own python", facts
        )
    absolute = kinds.get("absolute", 0)
    return Outcome(
        Status.PASS,
        f"{venv}: {plural(absolute, 'script')} and activate name its own absolute path; "
        "moving it would break them",
        facts,
    )


# --- venv-relocation ------------------------------------------------------------------

DEMO = "relocdemo"


def _demo_wheel(directory: Path) -> Path:
    """A tiny wheel with one console script, so a real installer writes a real script."""
    files = {
        f"{DEMO}/__init__.py": "import sys\n\ndef main():\n    print(sys.prefix)\n",
        f"{DEMO}/__main__.py": f"from {DEMO} import main\n\nmain()\n",
        f"{DEMO}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {DEMO}\nVersion: 1.0\n",
        f"{DEMO}-1.0.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: envdeck\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
        f"{DEMO}-1.0.dist-info/entry_points.txt": f"[console_scripts]\n{DEMO} = {DEMO}:main\n",
    }
    wheel = directory / f"{DEMO}-1.0-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            data = text.encode()
            archive.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{name},sha256={digest.decode()},{len(data)}")
        record.append(f"{DEMO}-1.0.dist-info/RECORD,,")
        archive.writestr(f"{DEMO}-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return wheel


def _bundled_pip() -> Path | None:
    try:
        import ensurepip
    except ImportError:  # some distributions strip it
        return None
    bundled = Path(ensurepip.__file__).parent / "_bundled"
    wheels = sorted(bundled.glob("pip-*.whl"))
    return wheels[-1] if wheels else None


def _make_with_uv(venv: Path, wheel: Path) -> str:
    uv = tool_path("uv")
    made = run(
        [
            uv,
            "venv",
            "--python",
            sys.executable,
            "--no-project",
            "--no-config",
            "--offline",
            "--quiet",
            str(venv),
        ]
    )
    if not made.ok:
        raise RuntimeError(f"uv venv failed: {made.output}")
    python = scripts_dir(venv) / "python"
    installed = run(
        [
            uv,
            "pip",
            "install",
            "--python",
            str(python),
            "--offline",
            "--no-index",
            "--no-cache",
            "--no-deps",
            "--no-config",
            "--quiet",
            str(wheel),
        ]
    )
    if not installed.ok:
        raise RuntimeError(f"uv pip install failed: {installed.output}")
    version = run([uv, "--version"]).stdout.split()
    return " ".join(version[:2]) or "uv"


def _make_with_venv(venv: Path, wheel: Path) -> str:
    pip = _bundled_pip()
    if pip is None:
        raise CheckSkipped("the venv module's pip (ensurepip) is not available")
    made = run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    if not made.ok:
        raise RuntimeError(f"python -m venv failed: {made.output}")
    python = scripts_dir(venv) / "python"
    # pip runs from its bundled wheel: installing pip itself would take seconds.
    installed = run(
        [
            str(python),
            str(pip / "pip"),
            "install",
            "--no-index",
            "--no-deps",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--quiet",
            str(wheel),
        ]
    )
    if not installed.ok:
        raise RuntimeError(f"pip install failed: {installed.output}")
    return f"venv module + {pip.name.split('-py')[0]}"


def relocation_tool(value: str) -> str:
    """``auto`` (uv if installed, else the venv module), ``uv`` or ``venv``."""
    value = value.strip().lower()
    if value not in ("auto", "uv", "venv"):
        raise ValueError(f"expected one of 'auto', 'uv', 'venv', got {value!r}")
    return value


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


@check(
    "venv-relocation",
    "Moving a venv: a live experiment",
    options={"tool": relocation_tool},
    defaults={"tool": "auto"},
    depends_on=("interpreter", "tool:uv"),
    key_facts=("script before the move", "script after the move", "python -m after the move"),
)
def venv_relocation_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """Makes a throwaway venv (with uv, or the venv module: option ``tool``), installs
    a one-script package into it, runs the console script, moves the venv, and runs it
    again: reports what breaks and how, and what still works. The venv is made once
    for each interpreter and tool version and kept in envdeck's cache directory
    (``ENVDECK_CACHE_DIR``), where each run moves it and moves it back; where that
    directory cannot be written, in a temporary directory that is always removed.
    Skips when the tool is missing."""
    tool = options["tool"]
    if tool == "auto":
        tool = "uv" if shutil.which("uv") else "venv"
    key = usercache.key_of("venv-relocation", tool, _tool_key(tool), _interpreter_key())
    home = usercache.entry("venv-relocation", key)
    if home is not None:
        with usercache.locked(home) as held:
            if held:
                return _relocate_cached(home, tool)
    scratch = Path(tempfile.mkdtemp(prefix="envdeck-relocation-"))
    try:
        return _relocate(scratch, tool)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _make(made_dir: Path, wheel_dir: Path, tool: str) -> str:
    """Make the throwaway venv at ``made_dir/.venv``; returns how (the tool's version)."""
    made_dir.mkdir()
    wheel = _demo_wheel(wheel_dir)
    made = made_dir / ".venv"
    return _make_with_uv(made, wheel) if tool == "uv" else _make_with_venv(made, wheel)


def _relocate(scratch: Path, tool: str) -> Outcome:
    try:
        how = _make(scratch / "made-here", scratch, tool)
    except (RuntimeError, OSError) as err:
        return Outcome(Status.ERROR, f"could not make the throwaway venv: {err}")
    return _move_and_run(scratch, how)


def _tool_key(tool: str) -> list[str]:
    """What the throwaway venv depends on besides the interpreter: the tool's version."""
    if tool == "uv":
        uv = tool_path("uv")
        # Its version, not its file: a shim (pyenv, asdf) stays put while uv changes.
        return [uv, run([uv, "--version"]).stdout.strip()]
    pip = _bundled_pip()
    return ["venv", pip.name if pip else ""]


def _interpreter_key() -> list[Any]:
    real = os.path.realpath(sys.executable)
    try:
        st = os.stat(real)
        stamp: list[Any] = [st.st_size, st.st_mtime_ns]
    except OSError:
        stamp = []
    return [sys.executable, real, sys.version, *stamp]


def _relocate_cached(home: Path, tool: str) -> Outcome:
    """The experiment on a venv kept in the user's cache: made once, moved every run.

    Making it (a venv, an install) is nine tenths of the check's cost and gives the
    same venv every time for the same interpreter and tool; the move and the runs
    before and after it, which are the experiment, happen on every run.
    """
    made_dir, moved_dir = home / "made-here", home / "moved-here"
    ready = home / "made.json"
    if moved_dir.exists() and not made_dir.exists():
        os.rename(moved_dir, made_dir)  # a run that was stopped half-way
    how = None
    with contextlib.suppress(OSError, ValueError):
        how = json.loads(ready.read_text("utf8"))["how"]
    if not isinstance(how, str) or not made_dir.is_dir() or moved_dir.exists():
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        try:
            how = _make(made_dir, home, tool)
        except (RuntimeError, OSError) as err:
            shutil.rmtree(home, ignore_errors=True)
            return Outcome(Status.ERROR, f"could not make the throwaway venv: {err}")
        ready.write_text(json.dumps({"how": how}), "utf8")
    try:
        return _move_and_run(home, how)
    finally:
        if moved_dir.exists() and not made_dir.exists():
            os.rename(moved_dir, made_dir)


def _move_and_run(scratch: Path, how: str) -> Outcome:
    made_dir, moved_dir = scratch / "made-here", scratch / "moved-here"
    made, moved = made_dir / ".venv", moved_dir / ".venv"

    def show(text: str) -> str:
        # The temporary directory differs per run; pages must not.
        return text.replace(str(scratch), "…").replace(os.path.realpath(scratch), "…")

    bin_name = scripts_dir(made).name
    script_before = scripts_dir(made) / DEMO
    facts: dict[str, str] = {"tool": how}
    shebang = read_shebang(script_before)
    facts["shebang"] = show(f"{shebang.kind}: {shebang.target}")
    before = run([str(script_before)])
    facts["script before the move"] = (
        f"runs (exit 0), prints {show(before.stdout.strip())}"
        if before.ok
        else f"fails (exit {before.returncode}): {show(_first_line(before.output))}"
    )

    os.rename(made_dir, moved_dir)
    script_after = scripts_dir(moved) / DEMO
    try:
        after = run([str(script_after)])
        script_broke = not after.ok
        if after.ok:
            facts["script after the move"] = f"runs, prints {show(after.stdout.strip())}"
        else:
            facts["script after the move"] = (
                f"fails (exit {after.returncode}): {show(_first_line(after.output))}"
            )
    except OSError as err:
        # execve() reports the missing *interpreter* as the script not existing.
        script_broke = True
        facts["script after the move"] = (
            f"cannot start: {err.strerror} — though the script exists; its first line "
            f"names {show(shebang.target)}, which moved"
        )
    python = scripts_dir(moved) / "python"
    prefix = run([str(python), "-c", "import sys; print(sys.prefix)"])
    facts["python after the move"] = (
        f"starts; sys.prefix follows the move to {show(prefix.stdout.strip())}"
        if prefix.ok
        else f"fails: {show(_first_line(prefix.output))}"
    )
    module = run([str(python), "-m", DEMO])
    facts["python -m after the move"] = (
        f"works ({bin_name}/python -m {DEMO})"
        if module.ok
        else f"fails: {show(_first_line(module.output))}"
    )
    activate = read_activate_venv(moved)
    if activate is not None:
        facts["activate after the move"] = f"still sets VIRTUAL_ENV={show(activate)}"

    if not before.ok:
        return Outcome(Status.ERROR, "the console script did not run even before the move", facts)
    if script_broke:
        summary = (
            "moving a venv breaks its console scripts (their first line names the old "
            "python); its python still starts and python -m works: recreate, don't move"
        )
    else:
        summary = f"this venv ({how}) survived the move: its scripts do not name a fixed path"
    return Outcome(Status.PASS, summary, facts)
