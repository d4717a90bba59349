"""Which Python a notebook runs: ``jupyter``."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import site
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import inputs, usercache
from .base import CheckContext, Outcome, Status, check
from .environment import (
    Environment,
    env_of_program,
    kernel_dirs,
    project_environment,
    same_place,
)
from .tools import names_unreadable, plural, read_pyvenv_cfg, shorten

#: kernels listed by name in the facts; the rest are counted
MAX_LISTED = 8


def find_kernels(env_prefix: Path | None = None) -> tuple[dict[str, Path], str]:
    """Kernel name -> its directory (the first found wins), and how they were found."""
    scanned = _scan(kernel_dirs(env_prefix))
    if importlib.util.find_spec("jupyter_client") is None:
        return scanned, "the standard kernel directories"
    found = {name: Path(path) for name, path in _jupyter_client_kernels().items()}
    # jupyter_client does not know the project's .venv when it is not the running one
    for name, path in scanned.items():
        found.setdefault(name, path)
    return found, "jupyter_client"


#: What jupyter_client's kernel search reads from the environment.
_JUPYTER_ENV = (
    "JUPYTER_PATH", "JUPYTER_DATA_DIR", "JUPYTER_PREFER_ENV_PATH", "JUPYTER_PLATFORM_DIRS",
    "XDG_DATA_HOME", "APPDATA", "PROGRAMDATA", "HOME", "USERPROFILE",
)  # fmt: skip


def _jupyter_client_kernels() -> dict[str, str]:
    """``jupyter_client.kernelspec.find_kernel_specs()``, kept in the user's cache.

    Importing jupyter_client costs more than the rest of the check (it brings zmq
    and asyncio); its answer depends only on what is keyed here: the environment
    values it reads, the interpreter and installed distributions (jupyter_client's
    version, ipykernel's native kernel), and the kernel directories' contents.
    """
    # As jupyter_core's: also the user base's share/jupyter where user site is on.
    dirs = [*kernel_dirs(Path(sys.prefix)), Path(site.getuserbase(), "share", "jupyter", "kernels")]
    listing = []
    for directory in dirs:
        for entry in _scan([directory]).values():
            listing.append(inputs.stat_of(entry / "kernel.json"))
        listing.append(inputs.stat_of(directory))
    key = usercache.key_of(
        "jupyter-kernels",
        [os.environ.get(name) for name in _JUPYTER_ENV],
        inputs.interpreter(Path.cwd(), {}),
        inputs.distributions(Path(sys.prefix), {}),
        listing,
    )
    kept = usercache.load("jupyter-kernels", key)
    if isinstance(kept, dict):
        return {str(k): str(v) for k, v in kept.items()}
    from jupyter_client.kernelspec import find_kernel_specs

    found = {str(k): str(v) for k, v in find_kernel_specs().items()}
    usercache.store("jupyter-kernels", key, found)
    return found


def _scan(directories: list[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for directory in directories:
        try:
            entries = sorted(directory.iterdir())
        except OSError:
            continue
        for entry in entries:
            if (entry / "kernel.json").is_file():
                found.setdefault(entry.name.lower(), entry)
    return found


@dataclass(frozen=True)
class Kernel:
    name: str
    display: str
    language: str
    #: the interpreter it starts, resolved on PATH when relative; "" if none
    interpreter: str
    #: "this", "other venv", "base", "jupyter", "missing", "not python", "unreadable"
    runs: str
    detail: str = ""


#: argv[0] that jupyter_client (6 and later) replaces with the Jupyter server's own
#: ``sys.executable`` (``python3.X`` only when the server runs Python 3.X): such a
#: kernel runs whatever Python Jupyter runs in, not the ``python`` on PATH.
_JUPYTERS_PYTHON = re.compile(r"python(?:3(?:\.(\d+))?)?")


#: Distributions that start kernels (through jupyter_client, which replaces a
#: kernelspec's ``python`` with their own interpreter), by what a participant calls them.
FRONTENDS = {
    "jupyterlab": "JupyterLab",
    "notebook": "Notebook",
    "nbclassic": "NbClassic",
    "jupyter-server": "Jupyter Server",
    "jupyter-console": "Jupyter console",
    "nbclient": "nbclient",
}

#: Jupyter's libraries: installed alone, nothing in the venv starts a kernel.
LIBRARIES = ("jupyter-client", "jupyter-core")


@dataclass(frozen=True)
class Target:
    """The venv a kernel should run, and what Jupyter started from it would do."""

    prefix: Path
    #: (major, minor) of its Python, if known
    version: tuple[int, int] | None
    #: a Jupyter that starts kernels is installed in it: started from it, it runs its Python
    has_jupyter: bool
    #: what of Jupyter is installed in it: "JupyterLab 4.2.0", "jupyter_client 8.6.0", ...
    frontends: tuple[str, ...] = ()
    libraries: tuple[str, ...] = ()
    #: ipykernel's version, "" when it is not installed
    ipykernel: str = ""


def target_of(env: Environment) -> Target:
    """Which Python ``env`` has, and which parts of Jupyter are installed in it."""
    version: tuple[int, int] | None = None
    if Path(sys.prefix) == env.prefix:
        version = sys.version_info[:2]
    else:
        cfg = read_pyvenv_cfg(env.prefix)
        found = re.match(r"(\d+)\.(\d+)", cfg.get("version_info") or cfg.get("version") or "")
        if found:
            version = (int(found[1]), int(found[2]))
    installed = env.installed()
    frontends = tuple(
        f"{label} {installed[name].version}"
        for name, label in FRONTENDS.items()
        if name in installed
    )
    libraries = tuple(
        f"{name.replace('-', '_')} {installed[name].version}"
        for name in LIBRARIES
        if name in installed
    )
    ipykernel = installed["ipykernel"].version if "ipykernel" in installed else ""
    return Target(env.prefix, version, bool(frontends), frontends, libraries, ipykernel)


def jupyter_installed(target: Target) -> str:
    """What of Jupyter the venv has, in words."""
    if target.frontends:
        return f"yes: {', '.join(target.frontends)}"
    if target.libraries:
        return (
            f"no: only its libraries ({', '.join(target.libraries)}); nothing here starts a "
            f"kernel ({', '.join(list(FRONTENDS.values())[:3])} and the like)"
        )
    return "no"


def read_kernel(name: str, directory: Path, target: Target) -> Kernel:
    try:
        spec = json.loads((directory / "kernel.json").read_text("utf8"))
        argv = [str(a) for a in spec["argv"]]
    except (OSError, ValueError, KeyError, TypeError):
        return Kernel(name, name, "?", "", "unreadable", "kernel.json cannot be read")
    display = str(spec.get("display_name", name))
    language = str(spec.get("language", "?"))
    if not argv:
        return Kernel(name, display, language, "", "unreadable", "empty argv")
    program = argv[0].replace("{resource_dir}", str(directory))
    is_python = language.lower() == "python" or any("ipykernel" in a for a in argv)
    if not is_python:
        return Kernel(name, display, language, program, "not python")
    jupyters = _JUPYTERS_PYTHON.fullmatch(program)
    if jupyters:
        minor = jupyters.group(1)
        if target.has_jupyter and (
            minor is None or (target.version is not None and int(minor) == target.version[1])
        ):
            return Kernel(name, display, language, program, "this",
                          f"{program} is the Python Jupyter runs in, and Jupyter is installed "
                          "in this venv: started from it, Jupyter runs this venv")  # fmt: skip
        if not target.has_jupyter:
            also = f" if it runs Python 3.{minor}, else {program} on PATH" if minor else ""
            return Kernel(name, display, language, program, "jupyter",
                          f"Jupyter starts {program} with its own interpreter{also}; Jupyter "
                          "is not installed in this venv")  # fmt: skip
        # Jupyter from this venv runs another Python 3.X: it looks the name up on PATH.
    how = ""
    if not os.path.isabs(program):
        found = shutil.which(program)
        if found is None:
            return Kernel(name, display, language, program, "missing", f"{program} is not on PATH")
        how = f" ({program} found on PATH: changes with the active env)"
        program = found
    interpreter = Path(program)
    if not interpreter.exists():
        return Kernel(name, display, language, program, "missing", "the interpreter is gone")
    env = env_of_program(interpreter)
    if same_place(env, target.prefix):
        return Kernel(name, display, language, program, "this", how)
    if (env / "pyvenv.cfg").is_file():
        return Kernel(name, display, language, program, "other venv", f"{env}{how}")
    return Kernel(name, display, language, program, "base", how)


#: what :attr:`Kernel.runs` means, in words
_WHAT_IT_RUNS = {
    "this": "this venv",
    "other venv": "another venv",
    "base": "a Python outside any venv",
    "jupyter": "the Python Jupyter itself runs in",
    "missing": "missing",
    "not python": "not Python",
    "unreadable": "unreadable",
}


@check(
    "jupyter",
    "Jupyter kernels",
    depends_on=("project", "kernels", "env:jupyter", "interpreter", "distributions"),
    key_facts=("kernels", "running this venv"),
)
@names_unreadable
def jupyter_check(ctx: CheckContext, options: Mapping[str, Any]) -> Outcome:
    """The registered Jupyter kernelspecs (found by ``jupyter_client`` when it is
    installed, else in the standard kernel directories: ``JUPYTER_PATH``, the user's,
    the environment's, the system's), the interpreter each starts, and whether one
    starts this venv (the project's ``.venv``, else the running environment). A kernel
    whose ``argv`` starts with ``python`` or ``python3`` runs the Python that Jupyter
    itself runs in (jupyter_client 6 and later), so it counts only when Jupyter is
    installed in this venv: JupyterLab, Notebook, Jupyter Server, Jupyter console or
    nbclient, not only its libraries (jupyter_client, jupyter_core). The facts say
    which of these, and ipykernel, are installed. Warns when no kernel runs this venv
    (none registered, or all run another Python), suggesting ``uv add --dev ipykernel``
    first where ipykernel is missing, or when a kernel's interpreter is gone."""
    env = project_environment(ctx.project)
    target = target_of(env)
    found, how = find_kernels(env.prefix)
    kernels = [read_kernel(name, path, target) for name, path in sorted(found.items())]
    facts = _kernel_facts(env, target, how, kernels)
    details = "\n".join(f"{k.name}: {found[k.name]}" for k in kernels)
    register = _how_to_register(ctx.project, env, target)
    if not kernels:
        return Outcome(
            Status.WARN,
            f"no Jupyter kernel is registered, so none runs this venv; {register}",
            facts,
        )
    return _kernels_outcome(kernels, register, facts, details)


def _kernels_outcome(
    kernels: list[Kernel], register: str, facts: dict[str, str], details: str
) -> Outcome:
    """Whether a registered kernel runs this venv, and whether one starts a lost Python."""
    mine = [k for k in kernels if k.runs == "this"]
    missing = [k.name for k in kernels if k.runs == "missing"]
    stale = (
        f"; {plural(len(missing), 'kernel')} {'starts' if len(missing) == 1 else 'start'} "
        f"a Python that is gone ({shorten(missing, 3)})"
        if missing
        else ""
    )
    if not mine:
        jupyters = [k.name for k in kernels if k.runs == "jupyter"]
        why = (
            f" ({shorten(jupyters, 2)} {'starts' if len(jupyters) == 1 else 'start'} the "
            "Python Jupyter itself runs in, and Jupyter is not installed in this venv)"
            if jupyters
            else ""
        )
        return Outcome(
            Status.WARN,
            f"none of {plural(len(kernels), 'kernel')} runs this venv{why}: notebooks will "
            f"not see its packages; {register}{stale}",
            facts,
            details,
        )
    if missing:
        return Outcome(Status.WARN, f"kernel {mine[0].name} runs this venv{stale}", facts, details)
    return Outcome(
        Status.PASS,
        f"kernel {shorten([k.name for k in mine], 2)} runs this venv "
        f"({plural(len(kernels), 'kernel')} registered)",
        facts,
        details,
    )


def _kernel_facts(
    env: Environment, target: Target, how: str, kernels: list[Kernel]
) -> dict[str, str]:
    mine = [k.name for k in kernels if k.runs == "this"]
    facts: dict[str, str] = {
        "venv": f"{env.prefix} ({env.label})",
        "Jupyter in this venv": jupyter_installed(target),
        "ipykernel in this venv": target.ipykernel or "not installed",
        "found with": how,
        "kernels": str(len(kernels)),
        "running this venv": ", ".join(mine) if mine else "none",
    }
    for kernel in kernels[:MAX_LISTED]:
        where = kernel.interpreter or "?"
        facts[f"kernel {kernel.name}"] = (
            f"{kernel.display}: {where}, {_WHAT_IT_RUNS[kernel.runs]}"
            + (f" ({kernel.detail.strip(' ()')})" if kernel.detail.strip() else "")
        )
    if len(kernels) > MAX_LISTED:
        facts["more kernels"] = str(len(kernels) - MAX_LISTED)
    return facts


def _how_to_register(project: Path, env: Environment, target: Target) -> str:
    """The commands that give this venv a kernel."""
    name = env.prefix.parent.name if env.prefix.name == ".venv" else env.prefix.name
    if target.ipykernel:
        return f"register one with `python -m ipykernel install --user --name {name}`"
    # A kernel runs ipykernel inside the venv: it comes first, as a project's
    # dependency where there is a project.
    add = (
        "`uv add --dev ipykernel`"
        if (project / "pyproject.toml").is_file()
        else "`uv pip install ipykernel`"
    )
    return (
        f"add ipykernel to this venv with {add}, then register a kernel with "
        f"`uv run python -m ipykernel install --user --name {name}`"
    )
