"""envdeck next to extensions that set MyST up themselves (MyST-NB)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "markdown",
            "id": "c1",
            "metadata": {},
            "source": ["# Notebook\n", "\n", "Cell."],
        }
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}
SPHINX = (sys.executable, "-m", "sphinx", "-q", "--no-color", "-D")
PAGES = {
    "index.md": (
        "# T\n\n```{toctree}\nnotebook\n```\n\n"
        "{% if slide %}\nDECKBRANCH\n{% else %}\nPROSEBRANCH\n{% endif %}\n"
    ),
    "notebook.ipynb": json.dumps(NOTEBOOK),
}


@pytest.mark.parametrize(
    "extensions", [["myst_nb", "envdeck"], ["envdeck", "myst_nb"]], ids=["nb-first", "nb-last"]
)
@pytest.mark.parametrize("slide", ["0", "1"], ids=["prose", "deck"])
def test_myst_nb_and_envdeck_load_in_either_order(tmp_path, extensions, slide):
    # One sphinx-build process per build, as a user runs it: MyST's parsers are
    # registered process-wide, so builds in one process do not start alike.
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(f'extensions = {extensions!r}\nnb_execution_mode = "off"\n')
    for name, body in PAGES.items():
        (src / name).write_text(body)
    out = tmp_path / "out"
    done = subprocess.run(
        [*SPHINX, f"slide={slide}", str(src), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    text = BeautifulSoup((out / "index.html").read_text("utf8"), "html.parser").get_text()
    assert ("DECKBRANCH" in text) is (slide == "1")
    assert ("PROSEBRANCH" in text) is (slide == "0")
    assert "Cell." in (out / "notebook.html").read_text("utf8")
