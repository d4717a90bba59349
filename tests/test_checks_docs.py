"""The reference of the checks (content/authoring/checks.md) matches the registry and builds."""

from __future__ import annotations

import re

import pytest
from conftest import CONTENT, BuildFn

from envdeck.checks import check_names, get_check

PAGE = CONTENT / "authoring" / "checks.md"


def test_every_check_has_a_section_and_its_options() -> None:
    text = PAGE.read_text("utf8")
    sections = re.findall(r"^\(check-([a-z-]+)\)=\n## `([a-z-]+)`$", text, re.MULTILINE)
    assert [anchor for anchor, _ in sections] == check_names()
    assert [title for _, title in sections] == check_names()
    bodies = re.split(r"^\(check-[a-z-]+\)=$", text, flags=re.MULTILINE)[1:]
    for name, body in zip(check_names(), bodies, strict=True):
        for option in get_check(name).options:
            assert f"`{option}`" in body, f"option {option} of {name} is not documented"
        assert re.search(r"^- \*\*(pass|warn|fail|skip)\*\*", body, re.MULTILINE)


@pytest.mark.parametrize("slide", ["0", "1"], ids=["handout", "deck"])
def test_the_page_builds_without_warnings(build: BuildFn, slide: str) -> None:
    files = {
        "index.md": "# Course\n\n```{toctree}\nenvcheck\nchecks\n```\n",
        "envcheck.md": "# The envcheck directive\n",
        "checks.md": PAGE.read_text("utf8"),
    }
    built = build(files, confoverrides={"slide": slide})
    assert built.warning_lines() == []
    page = built.html("checks")
    for name in check_names():
        # A slide keeps one id: the label's or the title's, by docutils version.
        assert page.find(id=f"check-{name}") or (slide == "1" and page.find(id=name))
