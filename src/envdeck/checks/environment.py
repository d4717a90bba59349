"""Which environment the checks look at, and where its tools keep their files.

Below the check modules: several checks ask the same questions (the project's
venv, Jupyter's kernel directories, the IDEs' settings), and
:mod:`~envdeck.checks.inputs` asks them too, to fingerprint a result.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePath, PureWindowsPath

from .errors import CheckSkipped
from .tools import dist_name, distributions, in_venv, normalize, project_venv, site_dirs
from .values import flag_word


@dataclass(frozen=True)
class Environment:
    """The environment whose installed distributions are compared with the lock."""

    label: str
    prefix: Path
    site_dirs: tuple[Path, ...]

    def installed(self) -> dict[str, metadata.Distribution]:
        return {normalize(dist_name(d)): d for d in distributions(list(self.site_dirs))}


def project_environment(project: Path) -> Environment:
    """The project's ``.venv`` when it has one, else the environment running the build."""
    venv = project_venv(project)
    if (venv / "pyvenv.cfg").is_file():
        candidates = [
            *sorted(venv.glob("lib/python*/site-packages")),
            *sorted(venv.glob("lib64/python*/site-packages")),  # often a link to lib
            venv / "Lib" / "site-packages",
        ]
        dirs: dict[Path, Path] = {}
        for candidate in candidates:
            if candidate.is_dir():
                dirs.setdefault(candidate.resolve(), candidate)
        return Environment(f"the project's {venv.name}", venv, tuple(dirs.values()))
    return Environment("the running environment", Path(sys.prefix), tuple(site_dirs()))


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


def same_place(a: Path | str, b: Path | str) -> bool:
    """Whether two paths name the same file or directory (by their absolute, case-folded
    spelling where one of them does not exist)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def env_of_program(program: str | os.PathLike[str]) -> Path:
    """The environment a program (an interpreter, a script's target) belongs to: the
    directory above its ``bin`` (``Scripts`` on Windows, whose backslashes are read on
    any system), else the directory holding it."""
    text = os.fspath(program)
    path = PureWindowsPath(text) if "\\" in text else PurePath(text)
    top = path.parent.parent if path.parent.name in ("bin", "Scripts") else path.parent
    return Path(str(top))


# --- Jupyter ---------------------------------------------------------------------------


def env_flag(name: str) -> bool | None:
    """An environment variable read as a yes/no flag, as Jupyter reads its own; None when
    it is not set."""
    value = os.environ.get(name)
    if value is None:
        return None
    return flag_word(value) is not False


def _user_data_dir() -> Path:
    if os.environ.get("JUPYTER_DATA_DIR"):
        return Path(os.environ["JUPYTER_DATA_DIR"]).expanduser()
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Jupyter"
    if os.name == "nt":
        appdata = os.environ.get("APPDATA")
        return Path(appdata, "jupyter") if appdata else home / ".jupyter" / "data"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else home / ".local" / "share") / "jupyter"


def _running_env_dir() -> Path:
    """The running environment's Jupyter data directory."""
    return Path(sys.prefix, "share", "jupyter")


def _system_dirs() -> list[Path]:
    if os.name == "nt":
        programdata = os.environ.get("PROGRAMDATA")
        return [Path(programdata, "jupyter")] if programdata else []
    return [Path("/usr/local/share/jupyter"), Path("/usr/share/jupyter")]


def data_dirs(env_prefix: Path | None = None) -> list[Path]:
    """Jupyter's data path, in its order of precedence (as ``jupyter --paths``):
    ``JUPYTER_PATH``, then the user's and the environment's directories (the
    environment's first inside a venv, or with ``JUPYTER_PREFER_ENV_PATH``), then
    the system's."""
    dirs = [Path(p).expanduser() for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    user = [_user_data_dir()]
    envs = [_running_env_dir()]
    if env_prefix is not None:
        envs.insert(0, env_prefix / "share" / "jupyter")
    prefer_env = env_flag("JUPYTER_PREFER_ENV_PATH")
    if prefer_env is None:
        prefer_env = in_venv()
    dirs += envs + user if prefer_env else user + envs
    dirs += _system_dirs()
    unique: dict[str, Path] = {}
    for directory in dirs:
        unique.setdefault(os.path.abspath(directory), directory)
    return list(unique.values())


def kernel_dirs(env_prefix: Path | None = None) -> list[Path]:
    return [d / "kernels" for d in data_dirs(env_prefix)]


# --- IDEs ------------------------------------------------------------------------------


def jetbrains_config_dirs() -> list[Path]:
    """Where PyCharm (and IntelliJ IDEA with the Python plugin) keep their settings."""
    home = Path(os.path.expanduser("~"))
    bases = [
        Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "JetBrains",
        home / "Library" / "Application Support" / "JetBrains",
    ]
    if os.environ.get("APPDATA"):
        bases.append(Path(os.environ["APPDATA"]) / "JetBrains")
    found = []
    for base in bases:
        try:
            found += sorted(p for p in base.iterdir() if p.name.startswith(("PyCharm", "Idea")))
        except OSError:
            continue
    return found
