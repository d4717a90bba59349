"""Checks of virtual environments: ``venv``, ``venv-paths``, ``venv-relocation``."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from . import inputs, usercache
from .base import CheckContext, Findings, Outcome, Status, check, get_check
from .environment import choose_venv, env_of_program, same_place
from .errors import CheckSkipped
from .fingerprints import code_stamp
from .pe import read_launcher
from .tools import (
    Ran,
    in_venv,
    plural,
    read_pyvenv_cfg,
    run,
    scripts_dir,
    shorten,
    tool_path,
    venv_program,
    windows_layout,
)
from .wheels import write_wheel


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
    found = Findings(
        {
            "virtual environment": "yes" if inside else "no",
            "prefix": str(prefix),
            "base prefix": str(getattr(sys, "base_prefix", sys.prefix)),
            "executable": sys.executable,
        }
    )
    cfg = read_pyvenv_cfg(prefix) if inside else {}
    for key, value in cfg.items():
        found.facts[f"pyvenv.cfg {key}"] = value
    if cfg.get("include-system-site-packages", "false").lower() == "true":
        found.warns.append("it also sees the base interpreter's site-packages")
    _activation(ctx, prefix, found)
    _python_on_path_findings(prefix, found)
    if not inside:
        return Outcome(
            Status.FAIL,
            f"not in a virtual environment: the build runs on the base interpreter "
            f"{sys.executable}; installs would go into its site-packages",
            found.facts,
        )
    return found.outcome(
        f"in a virtual environment at {prefix}", warn_prefix=f"in a venv at {prefix}, but "
    )


def _activation(ctx: CheckContext, prefix: Path, found: Findings) -> None:
    """Whether ``VIRTUAL_ENV`` names the running environment."""
    virtual_env = os.environ.get("VIRTUAL_ENV")
    if virtual_env is None:
        found.facts["VIRTUAL_ENV"] = "unset (not activated)"
    elif same_place(virtual_env, prefix):
        found.facts["VIRTUAL_ENV"] = "set, names this environment"
    else:
        found.facts["VIRTUAL_ENV"] = "set, names another directory (a stale activation)"
        found.warns.append("VIRTUAL_ENV names another environment: a stale activation")
    if virtual_env is not None and "VIRTUAL_ENV" in ctx.env_allowlist:
        found.facts["VIRTUAL_ENV"] += f": {virtual_env}"


def _python_on_path_findings(prefix: Path, found: Findings) -> None:
    command, python = _python_on_path()
    if python is None:
        found.facts["python on PATH"] = "none (neither python nor python3 is on PATH)"
    # A venv's python is a symlink to the base one: compare where it lives.
    elif same_place(Path(python).parent.parent, prefix):
        found.facts["python on PATH"] = f"{python} (this environment)"
    else:
        found.facts["python on PATH"] = f"{python} (another interpreter)"
        found.warns.append(f"`{command}` on PATH starts another interpreter ({python})")


# --- venv-paths ----------------------------------------------------------------------


_EXEC = re.compile(r"""^'''exec'\s+(?:"([^"]+)"|'([^']+)'|(\S+))""", re.MULTILINE)


@dataclass(frozen=True)
class Shebang:
    """Where a script's first line sends it."""

    #: "absolute", "env" (looked up on PATH), "relative" (relocatable) or "none"
    kind: str
    target: str = ""


def _launcher_shebang(script: Path) -> Shebang:
    """What a Windows ``.exe`` launcher starts, in the terms of a shebang."""
    target = read_launcher(script)
    if target is None:
        return Shebang("none")
    if _is_absolute(target):
        return Shebang("absolute", target)
    return Shebang("relative", target)  # uv's relocatable launchers: python.exe beside it


def _is_absolute(path: str) -> bool:
    return os.path.isabs(path) or PureWindowsPath(path).is_absolute()


def read_shebang(script: Path) -> Shebang:
    if script.suffix.lower() == ".exe":
        return _launcher_shebang(script)
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


_ACTIVATE_BAT = re.compile(r"""^\s*set\s+"?VIRTUAL_ENV=([^"\r\n]+)"?\s*$""", re.M | re.I)


def read_activate_venv(venv: Path) -> str | None:
    """The VIRTUAL_ENV path baked into ``bin/activate`` (``Scripts\\activate.bat`` in a
    Windows venv), if it is a literal."""
    if windows_layout(venv):
        try:
            text = (scripts_dir(venv) / "activate.bat").read_text("utf8", errors="replace")
        except OSError:
            text = ""
        match = _ACTIVATE_BAT.search(text)
        if match:
            return match.group(1).strip()
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
    found = Findings({"venv": f"{venv} ({why})"})
    if not (venv / "pyvenv.cfg").is_file():
        return Outcome(
            Status.FAIL, f"{venv} is not a virtual environment (no pyvenv.cfg)", found.facts
        )
    _home(venv, found)
    _python_link(venv, found)
    kinds = _script_targets(venv, found)
    _activate_target(venv, found)
    return found.outcome(
        f"{venv}: {plural(kinds.get('absolute', 0), 'script')} and activate name its own "
        "absolute path; moving it would break them",
        fail_prefix=f"{venv} is broken: ",
        warn_prefix=f"{venv} is a copy: ",
        warn_suffix=", not its own python",
    )


def _home(venv: Path, found: Findings) -> None:
    """``home`` of pyvenv.cfg: the base Python's directory."""
    home = read_pyvenv_cfg(venv).get("home", "")
    if not home:
        found.facts["pyvenv.cfg home"] = "(none)"
        return
    ok = os.path.isdir(home)
    found.facts["pyvenv.cfg home"] = f"{home} ({'exists' if ok else 'missing'})"
    if not ok:
        found.fails.append(f"its base Python {home} is gone")


def _python_link(venv: Path, found: Findings) -> None:
    python = venv_program(venv, "python")
    if windows_layout(venv):
        # python.exe is a copy of a launcher that finds the base Python through `home`.
        found.facts["layout"] = "Windows: Scripts\\ with .exe launchers, python.exe a copy"
    else:
        found.facts["layout"] = "POSIX: bin/ with scripts, python a link"
    if python.is_symlink():
        link = os.readlink(python)
        ok = python.exists()
        found.facts["python link"] = f"{link} ({'resolves' if ok else 'broken'})"
        if not ok:
            found.fails.append(
                f"{scripts_dir(venv).name}/{python.name} links to {link}, which is gone"
            )


def _script_targets(venv: Path, found: Findings) -> dict[str, int]:
    """What the scripts' first lines start; how many scripts of each kind of shebang."""
    shebangs: dict[str, list[str]] = {}
    kinds: dict[str, int] = {}
    try:
        scripts = sorted(
            p for p in scripts_dir(venv).iterdir() if p.is_file() and not p.is_symlink()
        )
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
    found.facts["scripts"] = (
        f"{plural(total, 'script')}: "
        + ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        if total
        else "no Python scripts"
    )
    for target, names in shebangs.items():
        scripts_text = f"{plural(len(names), 'script')}"
        if not os.path.exists(target):
            state = "missing"
            found.fails.append(
                f"{scripts_text} ({shorten(names, 3)}) start {target}, "
                f"which is gone: the venv was made at {env_of_program(target)}"
            )
        elif not _inside(target, venv):
            state = "another environment"
            found.warns.append(f"{scripts_text} run {target}")
        else:
            state = "this venv"
        found.facts[f"shebang {target}"] = f"{scripts_text} ({state})"
    return kinds


def _activate_target(venv: Path, found: Findings) -> None:
    activate = read_activate_venv(venv)
    if activate is None:
        return
    same = same_place(activate, venv) if os.path.isdir(activate) else False
    found.facts["activate"] = (
        f"sets VIRTUAL_ENV={activate} ({'this venv' if same else 'elsewhere'})"
    )
    if not same:
        target = "missing" if not os.path.exists(activate) else "another directory"
        (found.fails if target == "missing" else found.warns).append(
            f"activate sets VIRTUAL_ENV to {activate} ({target})"
        )


# --- venv-relocation ------------------------------------------------------------------

DEMO = "relocdemo"
#: the experiment's "project": its package lives in src/, installed editable (a .pth)
OWN = "relocown"
#: a package installed into the copy of the venv only
EXTRA = "relocextra"


def _wheel(directory: Path, name: str, files: Mapping[str, str], script: str = "") -> Path:
    """A wheel of version 1.0 holding ``files``, with one console script running
    ``name:main`` when ``script`` names it."""
    encoded = {path: text.encode() for path, text in files.items()}
    scripts = {script: f"{name}:main"} if script else None
    return write_wheel(directory, name, "1.0", encoded, scripts=scripts)


def _demo_wheel(directory: Path) -> Path:
    """One console script that prints the prefix it runs in and which of the modules
    named on its command line that interpreter finds."""
    main = (
        "import importlib.util\nimport sys\n\n\ndef main():\n    print(sys.prefix)\n"
        "    for name in sys.argv[1:]:\n"
        "        print(name, 'found' if importlib.util.find_spec(name) else 'missing')\n"
    )
    files = {
        f"{DEMO}/__init__.py": main,
        f"{DEMO}/__main__.py": f"from {DEMO} import main\n\nmain()\n",
    }
    return _wheel(directory, DEMO, files, script=DEMO)


def _editable_wheel(directory: Path, src: Path) -> Path:
    """What an editable install of a project with a src/ layout is (uv_build, hatchling,
    setuptools' default): a .pth file naming the project's src directory by its path."""
    (src / OWN).mkdir(parents=True)
    (src / OWN / "__init__.py").write_text("")
    return _wheel(directory, OWN, {f"_{OWN}.pth": f"{src}\n"})


def _bundled_pip() -> Path | None:
    try:
        import ensurepip
    except ImportError:  # some distributions strip it
        return None
    bundled = Path(ensurepip.__file__).parent / "_bundled"
    wheels = sorted(bundled.glob("pip-*.whl"))
    return wheels[-1] if wheels else None


def _unpacked_pip(scratch: Path) -> Path:
    """The bundled pip wheel unpacked into the experiment's directory, once: from a
    zip, Python cannot keep the bytecode of pip's modules (2 s of CPU per start)."""
    target = scratch / "bundled-pip"
    if not target.is_dir():
        wheel = _bundled_pip()
        assert wheel is not None  # _make_with_venv skipped otherwise
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)
    return target / "pip"


def _install(tool: str, venv: Path, wheels: list[Path]) -> None:
    python = venv_program(venv, "python")
    extra_env = None
    if tool == "venv":
        # pip runs from the bundled wheel, unpacked: installing pip itself would take
        # seconds, and run from the zip it compiles its modules on every start.
        args = [str(python), str(_unpacked_pip(venv.parent.parent)), "install", "--no-index"]
        args += ["--no-deps", "--no-cache-dir", "--disable-pip-version-check", "--quiet"]
        extra_env = {"PYTHONDONTWRITEBYTECODE": ""}  # the second install reuses the first's
    else:
        # A cache of the experiment's own (never the user's), shared by its two
        # installs: the second one reuses what uv learned about the interpreter.
        cache = venv.parent.parent / "uv-cache"
        args = [tool_path("uv"), "pip", "install", "--python", str(python), "--offline"]
        args += ["--no-index", "--cache-dir", str(cache), "--no-deps", "--no-config", "--quiet"]
    installed = run([*args, *map(str, wheels)], extra_env=extra_env)
    if not installed.ok:
        raise RuntimeError(f"installing failed: {installed.output}")


def _make_with_uv(venv: Path, relocatable: bool) -> str:
    uv = tool_path("uv")
    args = [uv, "venv", "--python", sys.executable, "--no-project", "--no-config"]
    args += ["--offline", "--quiet", *(["--relocatable"] if relocatable else []), str(venv)]
    made = run(args)
    if not made.ok:
        raise RuntimeError(f"uv venv failed: {made.output}")
    version = run([uv, "--version"]).stdout.split()
    return " ".join(version[:2]) + (" --relocatable" if relocatable else "") or "uv"


def _make_with_venv(venv: Path) -> str:
    pip = _bundled_pip()
    if pip is None:
        raise CheckSkipped("the venv module's pip (ensurepip) is not available")
    made = run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    if not made.ok:
        raise RuntimeError(f"python -m venv failed: {made.output}")
    return f"venv module + {pip.name.split('-py')[0]}"


RELOCATION_TOOLS = ("auto", "uv", "uv-relocatable", "venv")


def relocation_tool(value: str) -> str:
    """``auto`` (uv if installed, else the venv module), ``uv``, ``uv-relocatable``
    (``uv venv --relocatable``) or ``venv``."""
    value = value.strip().lower()
    if value not in RELOCATION_TOOLS:
        choices = ", ".join(repr(tool) for tool in RELOCATION_TOOLS)
        raise ValueError(f"expected one of {choices}, got {value!r}")
    return value


def _last_line(text: str) -> str:
    """The last line that is not blank (where a traceback says what went wrong)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


@check(
    "venv-relocation",
    "Moving a venv: a live experiment",
    options={"tool": relocation_tool},
    defaults={"tool": "auto"},
    depends_on=("interpreter", "tool:uv"),
    key_facts=(
        "script after the move",
        "editable install after the move",
        "python -m pip after the move",
        "script of a copy",
    ),
)
def venv_relocation_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """Makes a throwaway project in a temporary directory: a venv (with uv, ``uv venv
    --relocatable`` or the venv module: option ``tool``) holding a one-script package
    and the project's own package installed editable (a ``.pth`` naming its ``src``).
    Copies the project (as ``cp -a`` does) and installs a package into the copy only,
    then moves the original and runs everything again: reports what breaks and how,
    and what still works. The temporary directory is always removed. Skips when the
    tool is missing."""
    tool = options["tool"]
    if tool == "auto":
        tool = "uv" if shutil.which("uv") else "venv"
    # The experiment never touches the project: its outcome is the same as long as
    # the interpreter, the tool, the shell and PATH (what `activate` falls back to)
    # and this code are.  Kept between runs, as the other costly checks' answers are.
    key = usercache.key_of(
        "venv-relocation",
        tool,
        inputs.interpreter(Path.cwd(), {}),
        [inputs.stat_of(Path(found)) for found in map(shutil.which, ("uv", "bash", "sh")) if found],
        os.environ.get("PATH", ""),
        code_stamp(get_check("venv-relocation")),
    )
    kept = usercache.load("venv-relocation", key)
    if isinstance(kept, dict):
        with contextlib.suppress(KeyError, TypeError, ValueError):
            return Outcome(
                Status(kept["status"]),
                str(kept["summary"]),
                {str(k): str(v) for k, v in kept["facts"].items()},
                str(kept["details"]),
            )
    scratch = Path(tempfile.mkdtemp(prefix="envdeck-relocation-"))
    try:
        outcome = _relocate(scratch, tool)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if outcome.status is not Status.ERROR and outcome.key_facts is None:
        # An error (a tool that failed this once) is not kept: the next run tries again.
        record = {"status": outcome.status.value, "summary": outcome.summary}
        usercache.store("venv-relocation", key, {**record, "facts": outcome.facts,
                                                  "details": outcome.details})  # fmt: skip
    return outcome


def _demo_output(stdout: str) -> tuple[str, dict[str, bool]]:
    """The demo's sys.prefix, and which of the modules it was given it found."""
    lines = stdout.strip().splitlines()
    finds = {}
    for line in lines[1:]:
        name, _, state = line.rpartition(" ")
        finds[name] = state == "found"
    return (lines[0] if lines else ""), finds


def _python_after_activate(venv: Path) -> str | None:
    """The ``python`` a shell finds after sourcing the venv's ``activate``; None
    where there is no POSIX shell to ask."""
    sh = shutil.which("bash") or shutil.which("sh")
    if sh is None or os.name == "nt":
        return None
    activate = scripts_dir(venv) / "activate"
    ran = run([sh, "-c", '. "$1" >/dev/null 2>&1; command -v python || true', sh, str(activate)])
    return ran.stdout.strip()


def _relocate(scratch: Path, tool: str) -> Outcome:
    experiment = _Relocation(scratch)
    try:
        how = experiment.make(tool)
    except (RuntimeError, OSError) as err:
        return Outcome(Status.ERROR, f"could not make the throwaway venv: {err}")
    facts = experiment.facts
    before = experiment.run_before()
    try:
        experiment.copy(tool)
    except (RuntimeError, OSError) as err:
        return Outcome(Status.ERROR, f"could not install into the copy: {err}", facts)
    script_broke = experiment.move()
    editable_broke = experiment.run_after()
    experiment.activate_after()
    if not before:
        return Outcome(Status.ERROR, "the console script did not run even before the move", facts)
    if script_broke:
        summary = (
            "moving a venv breaks its console scripts (their first line names the old "
            "python)"
            + (
                " and the project's editable install (its .pth names the old src)"
                if editable_broke
                else ""
            )
            + "; its python still starts: recreate, don't move"
        )
    elif editable_broke:
        summary = (
            f"this venv's scripts ({how}) survived the move, but the project's editable "
            "install did not: its .pth names the old src until uv sync or uv run reinstalls it"
        )
    else:
        summary = f"this venv ({how}) survived the move: nothing in it names a fixed path"
    return Outcome(Status.PASS, summary, facts)


class _Relocation:
    """The experiment's steps, in order: make a venv, run it, copy it, move it, run it
    again; each step writes its facts."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.made_dir, self.moved_dir, self.copied_dir = (
            scratch / n for n in ("made-here", "moved-here", "copy")
        )
        self.made, self.moved = self.made_dir / ".venv", self.moved_dir / ".venv"
        self.facts: dict[str, str] = {}
        self.shebang = Shebang("none")

    def show(self, text: str) -> str:
        # The temporary directory differs per run; pages must not.
        scratch = self.scratch
        return text.replace(str(scratch), "…").replace(os.path.realpath(scratch), "…")

    def failed(self, ran: Ran) -> str:
        return f"fails (exit {ran.returncode}): {self.show(_last_line(ran.output))}"

    def make(self, tool: str) -> str:
        """The venv, with the demo and the project's own package installed; how it was made."""
        self.made_dir.mkdir()
        if tool == "venv":
            how = _make_with_venv(self.made)
        else:
            how = _make_with_uv(self.made, relocatable=tool == "uv-relocatable")
        wheels = [_demo_wheel(self.scratch), _editable_wheel(self.scratch, self.made_dir / "src")]
        _install(tool, self.made, wheels)
        self.facts["tool"] = how
        self.shebang = read_shebang(venv_program(self.made, DEMO))
        self.facts["shebang"] = (
            "relative: finds python next to the script"
            if self.shebang.kind == "relative"
            else self.show(f"{self.shebang.kind}: {self.shebang.target}")
        )
        return how

    def run_before(self) -> bool:
        """Run the script where the venv was made; whether it ran."""
        # One start answers several questions: the demo prints its sys.prefix, then
        # whether that interpreter finds each module named on its command line.
        before = run([str(venv_program(self.made, DEMO)), OWN])
        prefix, finds = _demo_output(before.stdout)
        self.facts["script before the move"] = (
            f"runs (exit 0), prints {self.show(prefix)}" if before.ok else self.failed(before)
        )
        self.facts["editable install before the move"] = (
            f"import {OWN} works (its .pth names …/made-here/src)"
            if finds.get(OWN)
            else f"import {OWN} fails"
        )
        return before.ok

    def copy(self, tool: str) -> None:
        """Copy the project as ``cp -a`` does, install into the copy, run the copy's script."""
        # cp -a: the copy keeps every file and symlink as it is, first lines included.
        shutil.copytree(self.made_dir, self.copied_dir, symlinks=True)
        copied = self.copied_dir / ".venv"
        _install(tool, copied, [_wheel(self.scratch, EXTRA, {f"{EXTRA}.py": ""})])
        ran, _ = _start(venv_program(copied, DEMO), EXTRA)
        if ran is None or not ran.ok:
            self.facts["script of a copy"] = "cannot start" if ran is None else self.failed(ran)
            return
        prefix, finds = _demo_output(ran.stdout)
        whose = "the original's" if same_place(prefix, self.made) else "its own"
        sees = "finds" if finds.get(EXTRA) else "does not find"
        self.facts["script of a copy"] = (
            f"runs {whose} python (sys.prefix {self.show(prefix)}): {sees} {EXTRA}, "
            "installed in the copy only"
        )

    def move(self) -> bool:
        """Move the project and start the script; whether it broke."""
        os.rename(self.made_dir, self.moved_dir)
        script = venv_program(self.moved, DEMO)
        after, error = _start(script)
        if after is None:
            self.facts["script after the move"] = (
                f"cannot start: {error} — though the script exists; its first line names "
                f"{self.show(self.shebang.target)}, which moved"
            )
        elif after.ok:
            self.facts["script after the move"] = f"runs, prints {self.show(after.stdout.strip())}"
        else:
            self.facts["script after the move"] = self.failed(after)
        broke = after is None or not after.ok
        bash = shutil.which("bash")
        if broke and bash is not None and os.name != "nt":
            # What a person typing the command sees: the shell's words, not execve()'s.
            typed = run([bash, "-c", '"$1"', "bash", str(script)])
            self.facts["script after the move, typed in bash"] = self.show(_last_line(typed.stderr))
        return broke

    def run_after(self) -> bool:
        """``python -m`` in the moved venv; whether the editable install broke."""
        bin_name = scripts_dir(self.moved).name
        module = run([str(venv_program(self.moved, "python")), "-m", DEMO, OWN, "pip"])
        prefix, finds = _demo_output(module.stdout)
        if module.ok:
            self.facts["python after the move"] = (
                f"starts; sys.prefix follows the move to {self.show(prefix)}"
            )
            self.facts["python -m after the move"] = f"works ({bin_name}/python -m {DEMO})"
            self.facts["python -m pip after the move"] = (
                "works" if finds.get("pip") else "fails: No module named pip (the venv has no pip)"
            )
        else:
            self.facts["python -m after the move"] = self.failed(module)
        broke = not finds.get(OWN)
        self.facts["editable install after the move"] = (
            f"import {OWN} fails: its .pth still names …/made-here/src, which moved"
            if broke
            else f"import {OWN} works"
        )
        return broke

    def activate_after(self) -> None:
        """What ``activate`` of the moved venv sets, and which python a shell then finds."""
        activate = read_activate_venv(self.moved)
        if activate is not None:
            self.facts["activate after the move"] = f"still sets VIRTUAL_ENV={self.show(activate)}"
        found = _python_after_activate(self.moved)
        if found is None:
            return
        if found and same_place(Path(found).parent.parent, self.moved):
            self.facts["python after activate"] = "the moved venv's"
            return
        which = f"not the venv's: {self.show(found) or 'none on PATH'}"
        if activate is not None:
            bin_name = scripts_dir(self.moved).name
            which += f" (activate put the old …/made-here/.venv/{bin_name} first on PATH)"
        self.facts["python after activate"] = which


def _start(script: Path, *args: str) -> tuple[Ran | None, str | None]:
    """Run a script; (None, why) when the system cannot start it."""
    try:
        return run([str(script), *args]), None
    except OSError as err:
        # execve() reports the missing *interpreter* as the script not existing.
        return None, err.strerror
