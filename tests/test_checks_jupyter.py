"""The ``jupyter`` check, with real kernel.json files in temporary Jupyter directories."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from test_checks_support import (
    _no_outside_project_environment,  # noqa: F401
    install,
    make_venv,
    make_wheel,
)

from envdeck.checks import CheckContext, Redactor, Status, environment, run_check
from envdeck.checks.environment import data_dirs, kernel_dirs


@pytest.fixture
def jupyter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Jupyter's directories, all in tmp_path; returns them by role."""
    dirs = {
        "path": tmp_path / "jupyter-path",
        "data": tmp_path / "jupyter-data",
        "home": tmp_path / "home",
        "project": tmp_path / "course",
    }
    for directory in dirs.values():
        directory.mkdir()
    monkeypatch.setenv("HOME", str(dirs["home"]))
    monkeypatch.setenv("JUPYTER_PATH", str(dirs["path"]))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(dirs["data"]))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("JUPYTER_PREFER_ENV_PATH", raising=False)
    _hide_the_runner_s_kernels(tmp_path, monkeypatch)
    others = [d for d in kernel_dirs() if d.is_dir() and any(d.iterdir())]
    if any(not str(d).startswith(str(tmp_path)) for d in others):
        pytest.skip(f"kernels are registered on this machine outside the test: {others}")
    return dirs


def _hide_the_runner_s_kernels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment running the tests is not the one under test: its own Jupyter
    directories (where its ipykernel, which MyST-NB brings, registered a kernel) and
    the system's are replaced by empty ones in tmp_path, for envdeck and for
    jupyter_client alike; and jupyter_client does not add ipykernel's native kernel."""
    env_dir, system_dir = tmp_path / "runner-env" / "share" / "jupyter", tmp_path / "system"
    env_dir.mkdir(parents=True)
    system_dir.mkdir()
    monkeypatch.setattr(environment, "_running_env_dir", lambda: env_dir)
    monkeypatch.setattr(environment, "_system_dirs", lambda: [system_dir])
    paths = pytest.importorskip("jupyter_core.paths")
    monkeypatch.setattr(paths, "ENV_JUPYTER_PATH", [str(env_dir)])
    monkeypatch.setattr(paths, "SYSTEM_JUPYTER_PATH", [str(system_dir)])
    kernelspec = pytest.importorskip("jupyter_client.kernelspec")
    monkeypatch.setattr(kernelspec.KernelSpecManager, "ensure_native_kernel", False)


@pytest.fixture
def runner_without_kernels() -> None:
    """For the tests whose project has no .venv, so that the check looks at the
    environment running the tests: it must have no kernel of its own registered."""
    own = Path(sys.prefix, "share", "jupyter", "kernels")
    if own.is_dir() and any(own.iterdir()):
        pytest.skip(f"the environment running the tests registers kernels in {own}")


def kernel(directory: Path, name: str, argv: list[str], display: str = "", lang: str = "python"):
    spec = directory / "kernels" / name
    spec.mkdir(parents=True)
    body = {"argv": argv, "display_name": display or name, "language": lang}
    (spec / "kernel.json").write_text(json.dumps(body))
    return spec


LAUNCH = ["-m", "ipykernel_launcher", "-f", "{connection_file}"]


def test_no_kernels_warns(jupyter: dict[str, Path], tmp_path: Path) -> None:
    own = make_venv(jupyter["project"] / ".venv")
    (jupyter["project"] / "pyproject.toml").write_text('[project]\nname = "course"\n')
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.WARN
    # ipykernel is missing: adding it to the project comes first.
    assert result.summary == (
        "no Jupyter kernel is registered, so none runs this venv; add ipykernel to this "
        "venv with `uv add --dev ipykernel`, then register a kernel with "
        "`uv run python -m ipykernel install --user --name course`"
    )
    assert result.facts["ipykernel in this venv"] == "not installed"
    assert result.facts["kernels"] == "0"
    assert result.facts["running this venv"] == "none"
    install(own, make_wheel(tmp_path / "wheels", "ipykernel", "7.0"))
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.facts["ipykernel in this venv"] == "7.0"
    assert result.summary == (
        "no Jupyter kernel is registered, so none runs this venv; register one with "
        "`python -m ipykernel install --user --name course`"
    )


def test_jupyters_libraries_alone_are_not_jupyter(jupyter: dict[str, Path], tmp_path: Path):
    # jupyter_client and jupyter_core without JupyterLab, Notebook or a server: nothing
    # in the venv starts a kernel, so a kernelspec's `python` is not this venv's.
    own = make_venv(jupyter["project"] / ".venv")
    wheels = tmp_path / "wheels"
    install(own, make_wheel(wheels, "jupyter_client", "8.6.0"))
    install(own, make_wheel(wheels, "jupyter_core", "5.7.2"))
    kernel(jupyter["data"], "python3", ["python", *LAUNCH], "Python 3 (ipykernel)")
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.facts["Jupyter in this venv"] == (
        "no: only its libraries (jupyter_client 8.6.0, jupyter_core 5.7.2); nothing here "
        "starts a kernel (JupyterLab, Notebook, NbClassic and the like)"
    )
    assert result.facts["ipykernel in this venv"] == "not installed"
    assert result.status is Status.WARN
    assert result.facts["running this venv"] == "none"
    assert "add ipykernel to this venv with `uv pip install ipykernel`" in result.summary


@pytest.mark.usefixtures("runner_without_kernels")
def test_kernel_running_this_venv_passes(jupyter: dict[str, Path]) -> None:
    kernel(jupyter["data"], "course", [sys.executable, *LAUNCH], "Course (3.x)")
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.PASS, result.summary
    assert result.facts["running this venv"] == "course"
    expected = Redactor.for_environment().text(f"Course (3.x): {sys.executable}, this venv")
    assert result.facts["kernel course"] == expected
    # jupyter_client is in the dev dependencies: its own kernelspec search found it
    assert result.facts["found with"] == "jupyter_client"
    assert "kernel course runs this venv (1 kernel registered)" in result.summary


@pytest.mark.usefixtures("runner_without_kernels")
def test_without_jupyter_client_the_standard_directories_are_read(
    jupyter: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    kernel(jupyter["data"], "course", [sys.executable, *LAUNCH], "Course (3.x)")
    monkeypatch.setitem(sys.modules, "jupyter_client", None)  # import fails, as when absent
    monkeypatch.setitem(sys.modules, "jupyter_client.kernelspec", None)
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.PASS, result.summary
    assert result.facts["found with"] == "the standard kernel directories"
    assert result.facts["running this venv"] == "course"


@pytest.mark.usefixtures("runner_without_kernels")
def test_kernel_of_another_venv_warns(jupyter: dict[str, Path], tmp_path: Path) -> None:
    other = make_venv(tmp_path / "other" / ".venv")
    kernel(jupyter["path"], "other", [str(other), *LAUNCH], "Other")
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.WARN
    assert result.facts["running this venv"] == "none"
    assert "another venv" in result.facts["kernel other"]
    assert "none of 1 kernel runs this venv" in result.summary
    assert "python -m ipykernel install --user --name" in result.summary


def test_kernel_of_the_projects_venv(jupyter: dict[str, Path]) -> None:
    own = make_venv(jupyter["project"] / ".venv")
    kernel(jupyter["data"], "course", [str(own), *LAUNCH])
    kernel(jupyter["data"], "builder", [sys.executable, *LAUNCH])
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.PASS
    assert result.facts["running this venv"] == "course"  # the project's .venv, not the build's
    assert result.facts["venv"].endswith("(the project's .venv)")


def test_kernel_whose_python_is_gone_warns(jupyter: dict[str, Path], tmp_path: Path) -> None:
    kernel(jupyter["data"], "course", [sys.executable, *LAUNCH])
    kernel(jupyter["data"], "old", [str(tmp_path / "deleted" / "bin" / "python"), *LAUNCH])
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.WARN
    assert "1 kernel starts a Python that is gone (old)" in result.summary
    assert result.facts["kernel old"].endswith("missing (the interpreter is gone)")


def test_relative_interpreter_is_looked_up_on_path(
    jupyter: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = make_venv(jupyter["project"] / ".venv").parent
    (bin_dir / "course-python").symlink_to("python")
    monkeypatch.setenv("PATH", str(bin_dir))
    kernel(jupyter["data"], "course", ["course-python", *LAUNCH], "Course")
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.facts["kernel course"].endswith(
        "this venv (course-python found on PATH: changes with the active env)"
    )
    monkeypatch.setenv("PATH", str(jupyter["home"]))
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.facts["kernel course"].endswith("missing (course-python is not on PATH)")


def test_python_kernel_runs_jupyters_own_python_not_the_one_on_path(
    jupyter: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kernel.json as `ipykernel install` writes it outside a venv: argv[0] is "python",
    # which jupyter_client replaces with the server's sys.executable, whatever PATH says.
    own = make_venv(jupyter["project"] / ".venv")
    monkeypatch.setenv("PATH", str(own.parent))  # this venv's python is first on PATH
    kernel(jupyter["data"], "python3", ["python", *LAUNCH], "Python 3 (ipykernel)")
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.WARN, result.summary
    assert result.facts["running this venv"] == "none"
    assert result.facts["Jupyter in this venv"] == "no"
    assert result.facts["kernel python3"] == (
        "Python 3 (ipykernel): python, the Python Jupyter itself runs in (Jupyter starts "
        "python with its own interpreter; Jupyter is not installed in this venv)"
    )
    assert result.summary.startswith(
        "none of 1 kernel runs this venv (python3 starts the Python Jupyter itself runs in, "
        "and Jupyter is not installed in this venv): notebooks will not see its packages"
    )


def test_python_kernel_runs_this_venv_when_jupyter_is_installed_in_it(
    jupyter: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ipykernel's wheel ships share/jupyter/kernels/python3 (argv "python") into the venv;
    # with jupyter_client there, a Jupyter started from the venv runs the venv's Python.
    own = make_venv(jupyter["project"] / ".venv")
    spec = {"argv": ["python", *LAUNCH], "display_name": "Python 3", "language": "python"}
    data = "ipykernel-7.0.data/data/share/jupyter/kernels/python3/kernel.json"
    wheels = tmp_path / "wheels"
    install(own, make_wheel(wheels, "ipykernel", "7.0",
                            extra_files={data: json.dumps(spec).encode()}))  # fmt: skip
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.WARN  # ipykernel alone does not bring Jupyter
    assert result.facts["kernel python3"].startswith("Python 3: python, the Python Jupyter")
    install(own, make_wheel(wheels, "jupyter_client", "8.6.0"))
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.WARN  # nor does jupyter_client: it starts no kernel
    install(own, make_wheel(wheels, "jupyterlab", "4.2.0"))
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.PASS, result.summary
    assert result.facts["Jupyter in this venv"] == "yes: JupyterLab 4.2.0"
    assert result.facts["running this venv"] == "python3"
    assert "Jupyter is installed in this venv" in result.facts["kernel python3"]
    # python3.X is replaced only when Jupyter runs Python 3.X; else PATH decides.
    other = f"python3.{sys.version_info[1] + 1}"
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    kernel(jupyter["data"], "pinned", [other, *LAUNCH])
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.facts["kernel pinned"].endswith(f"missing ({other} is not on PATH)")
    same = f"python3.{sys.version_info[1]}"  # the venv's own minor: Jupyter runs it
    kernel(jupyter["data"], "same", [same, *LAUNCH])
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.facts["kernel same"].startswith(f"same: {same}, this venv ({same} is the")
    assert "Jupyter is installed in this venv" in result.facts["kernel same"]
    assert "same" in result.facts["running this venv"].split(", ")


@pytest.mark.usefixtures("runner_without_kernels")
def test_jupyter_path_comes_first(jupyter: dict[str, Path], tmp_path: Path) -> None:
    kernel(jupyter["data"], "course", [str(tmp_path / "gone"), *LAUNCH], "Data dir")
    kernel(jupyter["path"], "course", [sys.executable, *LAUNCH], "Jupyter path")
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.facts["kernels"] == "1"
    assert result.facts["kernel course"].startswith("Jupyter path: ")
    order = data_dirs()
    assert order.index(jupyter["path"]) < order.index(jupyter["data"])


def test_other_languages_and_broken_specs(jupyter: dict[str, Path]) -> None:
    kernel(jupyter["data"], "course", [sys.executable, *LAUNCH])
    kernel(jupyter["data"], "ir", ["R", "--slave", "-e", "IRkernel::main()"], "R", lang="R")
    broken = jupyter["data"] / "kernels" / "broken"
    broken.mkdir()
    (broken / "kernel.json").write_text("{not json")
    result = run_check("jupyter", CheckContext(project=jupyter["project"]))
    assert result.status is Status.PASS
    assert result.facts["kernel ir"] == "R: R, not Python"
    assert result.facts["kernel broken"].endswith("unreadable (kernel.json cannot be read)")


def test_prefer_env_path(jupyter: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    env_dir = environment._running_env_dir()
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")
    order = data_dirs()
    assert order.index(jupyter["data"]) < order.index(env_dir)
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "1")
    order = data_dirs()
    assert order.index(env_dir) < order.index(jupyter["data"])
    assert os.environ["JUPYTER_PATH"] == str(order[0])
