"""What a check's result depends on, described cheaply for :func:`~envdeck.checks.fingerprint`.

A check names its inputs in ``depends_on``; each input here stats or hashes a
few files (never a subprocess).  Environment values only ever enter the hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import sysconfig
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .environment import choose_venv, jetbrains_config_dirs, kernel_dirs, project_environment
from .tools import project_venv, read_pyvenv_cfg, scripts_dir, site_dirs

Describe = Callable[[Path, Mapping[str, str]], Any]


def stat_of(path: Path) -> list[Any]:
    """A file's path, time, size and inode; None in place of them when it is missing."""
    return _stat(path)


def _stat(path: Path) -> list[Any]:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), st.st_mtime_ns, st.st_size, st.st_ino]


def content_of(path: Path) -> list[Any]:
    """A file's path and a hash of its content; None in place of it when it is missing."""
    return [str(path), _hash(path)]


def _hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _listing(directory: Path, suffixes: tuple[str, ...] = ()) -> list[Any]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return [str(directory), None]
    out: list[Any] = [str(directory)]
    for entry in entries:
        if suffixes and not entry.name.endswith(suffixes):
            continue
        try:
            out.append((entry.name, entry.stat(follow_symlinks=False).st_mtime_ns))
        except OSError:
            out.append((entry.name, None))
    return out


def interpreter(project: Path, options: Mapping[str, str]) -> Any:
    return [
        sys.executable,
        os.path.realpath(sys.executable),
        sys.version,
        sys.prefix,
        getattr(sys, "base_prefix", sys.prefix),
        sysconfig.get_platform(),
        sysconfig.get_config_var("SOABI"),
    ]


def distributions(project: Path, options: Mapping[str, str]) -> Any:
    """The running environment's and the project's venv's installed distributions."""
    dirs = dict.fromkeys([*site_dirs(), *project_environment(project).site_dirs])
    return [[_stat(d), distribution_listing(d)] for d in dirs]


def distribution_listing(site_dir: Path) -> list[Any]:
    """The distributions' metadata folders (and ``.pth`` files) of a site directory, with
    their times: an install or uninstall adds or removes a ``*.dist-info`` folder, a
    reinstall writes it again."""
    return _listing(site_dir, (".dist-info", ".egg-info", ".pth", ".egg-link"))


def project_dir(project: Path, options: Mapping[str, str]) -> Any:
    return str(project.resolve())


def _file(name: str) -> Describe:
    return lambda project, options: _hash(project / name)


def _env(*names: str) -> Describe:
    return lambda project, options: [os.environ.get(name) for name in names]


def _tool(*tools: str) -> Describe:
    def describe(project: Path, options: Mapping[str, str]) -> Any:
        out = []
        for tool in tools:
            found = shutil.which(tool)
            out.append(_stat(Path(found)) if found else [tool, None])
        return out

    return describe


def _git_dir(project: Path) -> tuple[Path, Path] | None:
    """(the work tree's top, its git directory) of the repository holding ``project``."""
    for directory in (project.resolve(), *project.resolve().parents):
        dot_git = directory / ".git"
        if dot_git.is_dir():
            return directory, dot_git
        if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = dot_git.read_text("utf8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return directory, (directory / text[len("gitdir:") :].strip()).resolve()
    return None


def _excludes_files(configs: list[Path]) -> list[Path]:
    """The ``core.excludesFile`` each git config file names (no subprocess: a cheap
    reading of ``[core]`` sections; includes are not followed)."""
    found: list[Path] = []
    for config in configs:
        try:
            text = config.read_text("utf8", errors="replace")
        except OSError:
            continue
        section = ""
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("["):
                section = line.strip("[] ").split()[0].lower() if line.strip("[] ") else ""
                continue
            key, sep, value = line.partition("=")
            if sep and section == "core" and key.strip().lower() == "excludesfile":
                found.append(Path(value.strip().strip('"')).expanduser())
    return found


def git(project: Path, options: Mapping[str, str]) -> Any:
    """Every file whose rules decide whether ``path`` is ignored: the .gitignore files
    from the top of the work tree down to it, ``info/exclude``, ``core.excludesFile``
    (or its default) and the config files that name it."""
    found = _git_dir(project)
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    configs = [Path("/etc/gitconfig"), Path.home() / ".gitconfig", config_home / "git" / "config"]
    if found is not None:
        configs.append(found[1] / "config")
    parts: list[Any] = [str(found[1]) if found else None]
    parts += [_hash(config) for config in configs]
    excludes = _excludes_files(configs) or [config_home / "git" / "ignore"]
    parts += [[str(path), _hash(path)] for path in excludes]
    ignored = project.resolve() / options.get("path", ".venv")
    if found is not None:
        top, git_dir = found
        parts += [_stat(git_dir / "index"), _hash(git_dir / "info" / "exclude")]
        # What HEAD holds (committed, or only staged): each commit or checkout moves
        # HEAD and appends to its reflog.
        parts += [_hash(git_dir / "HEAD"), _stat(git_dir / "logs" / "HEAD")]
        # .gitignore of each directory from the top down to the ignored path itself
        # (uv writes one inside .venv), the project's parents included.
        directory = ignored
        while True:
            parts.append(_hash(directory / ".gitignore"))
            if directory == top or directory.parent == directory:
                break
            directory = directory.parent
    else:
        parts.append(_hash(ignored / ".gitignore"))
    parts.append(ignored.exists())
    return parts


def venv_dir(project: Path, options: Mapping[str, str]) -> Any:
    try:
        venv, _why = choose_venv(project, options.get("venv"))
    except Exception:
        return None
    cfg = venv / "pyvenv.cfg"
    home = read_pyvenv_cfg(venv).get("home", "")
    return [
        str(venv),
        _stat(venv),
        _hash(cfg),
        _listing(scripts_dir(venv)),
        home,
        bool(home) and os.path.isdir(home),
    ]


def system(project: Path, options: Mapping[str, str]) -> Any:
    uname = os.uname() if hasattr(os, "uname") else None
    libc = None
    if hasattr(os, "confstr"):
        with contextlib.suppress(ValueError, OSError):
            libc = os.confstr("CS_GNU_LIBC_VERSION")
    return [list(uname) if uname else sys.platform, libc, _hash(Path("/etc/os-release"))]


def gpu(project: Path, options: Mapping[str, str]) -> Any:
    devices = sorted(p.name for p in Path("/dev").glob("nvidia*")) if os.name == "posix" else []
    return [
        _hash(Path("/proc/driver/nvidia/version")),
        devices,
        _tool("nvidia-smi", "nvcc")(project, options),
        _env("CUDA_VISIBLE_DEVICES", "CUDA_HOME", "CUDA_PATH", "LD_LIBRARY_PATH", "PATH")(
            project, options
        ),
    ]


def kernels(project: Path, options: Mapping[str, str]) -> Any:
    parts: list[Any] = [str(project_environment(project).prefix)]
    for directory in kernel_dirs(project_environment(project).prefix):
        parts.append(_listing(directory))
        try:
            for spec in sorted(directory.iterdir()):
                parts.append(_stat(spec / "kernel.json"))
        except OSError:
            pass
    return parts


def ide(project: Path, options: Mapping[str, str]) -> Any:
    files = [project / ".vscode" / "settings.json", project / ".idea" / "misc.xml"]
    files += sorted(project.glob("*.code-workspace"))
    files += [d / "options" / "jdk.table.xml" for d in jetbrains_config_dirs()]
    venv = project_venv(project)
    return [[str(f), _hash(f)] for f in files] + [_stat(venv / "pyvenv.cfg"), _stat(venv / "bin")]


INPUTS: dict[str, Describe] = {
    "interpreter": interpreter,
    "distributions": distributions,
    "project": lambda project, options: [
        project_dir(project, options),
        os.environ.get("UV_PROJECT_ENVIRONMENT"),
    ],
    "uv.lock": _file("uv.lock"),
    "pyproject.toml": _file("pyproject.toml"),
    ".gitignore": _file(".gitignore"),
    "git": git,
    "venv": venv_dir,
    "system": system,
    "gpu": gpu,
    "kernels": kernels,
    "ide": ide,
    "env:venv": _env("VIRTUAL_ENV", "PATH", "CONDA_PREFIX", "UV_PROJECT_ENVIRONMENT"),
    "env:jupyter": _env(
        "JUPYTER_PATH",
        "JUPYTER_DATA_DIR",
        "JUPYTER_PREFER_ENV_PATH",
        "XDG_DATA_HOME",
        "HOME",
        "APPDATA",
        "PROGRAMDATA",
        "PATH",
    ),
    "tool:git": _tool("git"),
    "tool:uv": _tool("uv"),
    "tool:ldd": _tool("ldd", "otool"),
}


def describe(name: str, project: Path, options: Mapping[str, str]) -> Any:
    """The value of input ``name``; an unknown name is a programming error."""
    return INPUTS[name](project, options)
