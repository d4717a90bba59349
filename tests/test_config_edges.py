"""Every value at its edge: refused where it enters (conf.py, -D, the CLI, the environment)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.errors import ConfigError

from envdeck.checks import CheckContext, Status, run_check
from envdeck.config import OPTIONS

ENVCHECK_PAGE = "# Page\n\n```{envcheck} python\n:show: summary\n```\n"


@pytest.mark.parametrize("value", ["1e10", "float('inf')", "float('nan')", "-1", "0", "'abc'"])
def test_a_check_timeout_out_of_range_in_conf_py_is_a_typed_warning(build, value):
    conf = f'extensions = ["envdeck"]\nenvdeck_check_timeout = {value}\n'
    built = build({"index.md": ENVCHECK_PAGE}, conf=conf)
    (line,) = built.warning_lines()
    assert (
        "conf.py:2: WARNING: invalid value for 'envdeck_check_timeout': expected a number" in line
    )
    assert "above 0 and at most 3600" in line and line.endswith("[envdeck.config]")
    assert built.app.config.envdeck_check_timeout == 5.0
    # The check ran with the default and its result is on the page.
    assert built.html().select_one(".envdeck-check-pass, .envdeck-check-warn") is not None


@pytest.mark.parametrize("value", ["inf", "1e10", "nan", "-inf", "-1", "0", "", "5s"])
def test_a_check_timeout_out_of_range_on_the_command_line_is_a_usage_error(value):
    done = subprocess.run(
        [sys.executable, "-m", "envdeck", "check", "python", f"--timeout={value}", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "argument --timeout: expected a number of seconds above 0 and at most 3600" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("timeout", [math.inf, math.nan, 1e10, -1.0, 0.0])
def test_run_check_refuses_a_bad_timeout_with_a_result(tmp_path: Path, timeout: float):
    # The library's own callers: a result, never an exception from thread.join.
    result = run_check("python", CheckContext(project=tmp_path, timeout=timeout))
    assert result.status is Status.ERROR
    assert result.summary.startswith("invalid timeout: expected a number of seconds")


@pytest.mark.parametrize(
    "name, value",
    [
        ("envdeck_jinja_timeout", "1e10"),
        ("envdeck_jinja_timeout", "nan"),
        ("envdeck_jinja_max_output", "1e300"),
        ("envdeck_jinja_max_output", "-5"),
        ("envdeck_jinja_max_output", "12.5"),
        ("envdeck_jinja_max_output", "inf"),
    ],
)
def test_the_jinja_limits_refuse_values_at_their_edges(make_app, tmp_path, name, value):
    (tmp_path / "conf.py").write_text('extensions = ["envdeck"]\n')
    app = make_app("html", srcdir=tmp_path, confoverrides={name: value})
    logged = app._warning.getvalue()
    assert f"WARNING: invalid value for {name!r}: expected" in logged
    assert "[envdeck.config]" in logged
    default = next(option.default for option in OPTIONS if option.name == name)
    assert app.config[name] == default


STAMPED = 'extensions = ["envdeck"]\nenvdeck_timestamps = True\n'


# Not a word such as "soon": Sphinx itself stops on it (correct_copyright_year's int()).
@pytest.mark.parametrize("epoch", ["1000000000000000", "-5", "253402300800"])
def test_an_unusable_source_date_epoch_is_a_warning_and_the_clock_is_used(
    build, monkeypatch, epoch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    built = build({"index.md": ENVCHECK_PAGE}, conf=STAMPED)
    (line,) = built.warning_lines()
    assert "WARNING: SOURCE_DATE_EPOCH is not a whole number of seconds from 0 to" in line
    assert line.endswith("[envdeck.config]")
    assert epoch not in line  # the environment's values are never repeated
    stamp = built.html().select_one(".envdeck-check-time").get_text()
    assert stamp.startswith("Checked 20") and " in " in stamp  # the clock, with a duration


@pytest.mark.parametrize(
    "epoch, shown", [("0", "1970-01-01 00:00"), ("253402300799", "9999-12-31 23:59")]
)
def test_source_date_epoch_at_its_edges_is_used(build, monkeypatch, epoch, shown):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    built = build({"index.md": ENVCHECK_PAGE}, conf=STAMPED)
    stamp = built.html().select_one(".envdeck-check-time").get_text()
    assert stamp == f"Checked {shown} UTC."


# --- -D for every value ----------------------------------------------------------------

#: For each value: what ``-D name=TEXT`` gives (a string, as sphinx-build passes it),
#: and the value it must become.
D_VALUES: dict[str, tuple[str, object]] = {
    "slide": ("yes", True),
    "envdeck_jinja_timeout": ("2.5", 2.5),
    "envdeck_jinja_max_output": ("2e6", 2_000_000),
    "envdeck_context": ('{"course": "Intro", "days": 2}', {"course": "Intro", "days": 2}),
    "envdeck_templates": ("all", "all"),
    "envdeck_theme": ("night", "night"),
    "envdeck_transition": ("fade", "fade"),
    "envdeck_aspect_ratio": ("4:3", "4:3"),
    "envdeck_slide_numbers": ("off", False),
    "envdeck_woff2": ("no", False),
    "envdeck_prose_notes": ("hide", "hide"),
    "envdeck_check_timeout": ("30", 30.0),
    "envdeck_check_failures": ("silent", "silent"),
    "envdeck_env_allowlist": ("VIRTUAL_ENV, CONDA_PREFIX", ["VIRTUAL_ENV", "CONDA_PREFIX"]),
    "envdeck_timestamps": ("true", True),
    "envdeck_handout_style": ("yes", True),
    # Relative to conf.py's directory; the test makes it (a missing one warns).
    "envdeck_project": ("sub", "sub"),
}


def test_the_d_table_covers_every_value():
    assert sorted(D_VALUES) == sorted(option.name for option in OPTIONS)


@pytest.mark.parametrize("name", sorted(D_VALUES))
def test_every_value_takes_dash_d(make_app, tmp_path, name):
    text, expected = D_VALUES[name]
    (tmp_path / "conf.py").write_text('extensions = ["envdeck"]\n')
    if name == "envdeck_project":
        (tmp_path / "sub").mkdir()
        expected = str(tmp_path / "sub")
    app = make_app("html", srcdir=tmp_path, confoverrides={name: text})
    assert app._warning.getvalue() == ""
    assert app.config[name] == expected
    default = next(option.default for option in OPTIONS if option.name == name)
    assert expected != default  # else the test could not tell -D from the default


@pytest.mark.parametrize("name", sorted(set(D_VALUES) - {"slide", "envdeck_env_allowlist"}))
def test_a_bad_dash_d_value_is_envdecks_typed_warning(make_app, tmp_path, name):
    (tmp_path / "conf.py").write_text('extensions = ["envdeck"]\n')
    app = make_app("html", srcdir=tmp_path, confoverrides={name: "{not valid"})
    logged = app._warning.getvalue()
    assert f"WARNING: invalid value for {name!r}" in logged and "[envdeck.config]" in logged
    assert "cannot override" not in logged  # not Sphinx's untyped "ignoring"


def test_a_bad_slide_on_the_command_line_is_a_config_error(make_app, tmp_path):
    (tmp_path / "conf.py").write_text('extensions = ["envdeck"]\n')
    with pytest.raises(ConfigError, match="invalid value for 'slide'"):
        make_app("html", srcdir=tmp_path, confoverrides={"slide": "maybe"})


def test_one_context_variable_with_dash_d_and_a_dot(tmp_path: Path):
    (tmp_path / "conf.py").write_text('extensions = ["envdeck"]\nenvdeck_context = {"a": "1"}\n')
    (tmp_path / "index.md").write_text("# T\n\n{{ a }}-{{ course }}\n")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-D", "envdeck_context.course=Intro",
         str(tmp_path), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1-Intro" in (out / "index.html").read_text("utf8")


def test_dash_d_on_a_real_sphinx_build_takes_the_check_timeout(tmp_path: Path):
    # As the issue met it: sphinx-build -D envdeck_check_timeout=30 was ignored.
    (tmp_path / "conf.py").write_text(
        'extensions = ["envdeck"]\n'
        "def setup(app):\n"
        "    app.connect('build-finished', lambda app, exc: open(app.outdir / 't.json', 'w')"
        ".write(__import__('json').dumps(app.config.envdeck_check_timeout)))\n"
    )
    (tmp_path / "index.md").write_text(ENVCHECK_PAGE)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-D", "envdeck_check_timeout=30",
         str(tmp_path), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "t.json").read_text()) == 30.0
