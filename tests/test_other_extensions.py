"""envdeck next to extensions that set MyST up themselves (MyST-NB)."""

from __future__ import annotations

import json

import pytest

NOTEBOOK = {
    "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Notebook\n", "\n", "Cell."]}],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}
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
@pytest.mark.parametrize("slide", [False, True], ids=["prose", "deck"])
def test_myst_nb_and_envdeck_load_in_either_order(build, extensions, slide):
    conf = f'extensions = {extensions!r}\nnb_execution_mode = "off"\n'
    built = build(PAGES, conf=conf, confoverrides={"slide": slide})
    text = built.html().get_text()
    assert ("DECKBRANCH" in text) is slide and ("PROSEBRANCH" in text) is not slide
    assert "Cell." in built.html("notebook").get_text()
