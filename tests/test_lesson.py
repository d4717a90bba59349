"""The lesson as built: each fact a build can check, and the shape of the workshop.

The course is built once for the session (``builds`` in conftest.py, real
``sphinx-build`` runs of content/). The facts were verified by running the commands
named in the lesson; here the built handout must state them and must no longer state
what was found false, and where a check measures a fact, its output in the built page
must say what the lesson says.
"""

from __future__ import annotations

import re
import sys

import pytest
from bs4 import BeautifulSoup, Tag
from course_support import CourseBuild
from test_course import CONSTRAINTS, WORKSHOP_SECTIONS, section

#: Docutils' smart quotes, back to the source's straight ones.
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def squeezed(text: str) -> str:
    # Inline code splits a sentence into pieces with their own spacing and line breaks.
    return "".join(text.replace("`", "").translate(QUOTES).split())


def page_text(build: CourseBuild, name: str) -> str:
    return squeezed(build.html(name).get_text())


def facts_of(soup: BeautifulSoup, title: str) -> dict[str, str]:
    """The facts table of the check block titled ``title`` in a handout page."""
    for block in soup.select(".envdeck-check"):
        heading = block.select_one(".admonition-title")
        assert heading is not None
        if heading.get_text(" ", strip=True).endswith(title):
            rows = block.select("table.envdeck-facts tbody tr")
            return {
                row.select("td")[0].get_text(strip=True): row.select("td")[1].get_text(strip=True)
                for row in rows
            }
    raise AssertionError(f"no check block titled {title!r}")


# --- What the lesson says, and no longer says -------------------------------------------

TRUE_IN_LESSON = [
    # Moving a venv: what still works, and what does not.
    "bash 5.2 says cannot execute: required file not found",
    "bad interpreter: No such file or directory",
    "a venv made by uv has no pip at all (No module named pip)",
    "The project's own package does not import: its .pth still names the old src",
    "so python is then whatever else is on PATH",
    "uv venv --relocatable is only a partial exception",
    "the project's editable install still names the old src until uv sync or uv run reinstalls it",
    # Copying a venv.
    "The copy's pytest runs the original venv's interpreter with the original's packages:"
    " a package installed into the copy only is invisible to it",
    # Locking and syncing.
    "uv sync makes .venv match the lock exactly",
    "uv run syncs inexactly: it installs what is missing and leaves extra packages in place",
    "In CI, use uv sync --locked",
    "uv sync --frozen installs the lock as it is without comparing it with pyproject.toml",
    # Requirements files can carry hashes.
    "A requirements file can carry hashes and markers too; pip freeze just does not write them",
    "pip install --require-hashes -r requirements.txt",
    "uv export --format pylock.toml",
    "PEP 751",
    # The C library, the driver and the system's Python.
    "uv does not choose a wheel that needs a newer glibc than the node has",
    "a GPU driver too old for the CUDA a wheel ships, a system library that a package loads"
    " but does not bundle",
    "a .venv copied from another machine",
    "at least 525.60.13 on Linux, 527.41 on Windows",
    "with a limited feature set",
    "libstdc++ and libgcc_s",
    "error: externally-managed-environment",
    "(PEP 668)",
    # Tags and the Python version.
    "An abi3 wheel",
    "fits that version and every later CPython 3",
    "a tag that only wheels built on this machine carry (PyPI accepts none)",
    ".python-version",
    "uv python pin 3.12",
    "uv python install 3.12",
    "Commit .python-version with pyproject.toml and uv.lock",
    # A global Jupyter, and what to use instead.
    "uv tool install jupyterlab",
    "pipx install jupyterlab",
    "conda, mamba or pixi",
    "Apptainer",
    "Environment modules",
]

FALSE_STATEMENTS = [
    "so python -m pip still works",
    "so it survives a move on the same machine",
    "then make .venv match it",
    "install cleanly on two compute nodes and still run on only one",
    "runs with any CUDA 12 driver",
    "thousands of platform-specific files",
    "The installer takes the most specific tag the interpreter accepts",
    "The installer picks the most specific tag that the running interpreter accepts",
]


def test_handout_states_what_was_verified(builds: dict[str, CourseBuild]) -> None:
    text = page_text(builds["handout"], "lifecycle.html")
    missing = [fact for fact in TRUE_IN_LESSON if squeezed(fact) not in text]
    assert not missing, missing


@pytest.mark.parametrize("form", ["handout", "deck"])
def test_no_form_of_the_lesson_states_what_was_found_false(
    builds: dict[str, CourseBuild], form: str
) -> None:
    text = page_text(builds[form], "lifecycle.html")
    found = [false for false in FALSE_STATEMENTS if squeezed(false) in text]
    assert not found, found


def test_check_your_setup_says_what_participants_see(builds: dict[str, CourseBuild]) -> None:
    soup = builds["handout"].html("check-your-setup.html")
    text = squeezed(soup.get_text())
    # uv runs the checks in the project's .venv whatever the shell activated: what a
    # participant sees is uv's warning, not a WARN of the venv check.
    venv = squeezed(section(soup, "venv").get_text())
    assert squeezed("does not match the project environment path .venv and will be ignored") in (
        venv
    )
    assert squeezed("use --active to target the active environment instead") in venv
    assert squeezed("activated shell points at another environment") not in venv
    # A Python outside requires-python: uv python pin, and uv replaces the .venv itself.
    python = squeezed(section(soup, "python").get_text())
    assert squeezed("uv python pin 3.12") in python
    assert squeezed("uv replaces a .venv whose Python the project does not allow") in python
    # The privacy rule as the redaction applies it: PATH and the venv variables are shown.
    assert squeezed("values of your environment variables: your home") not in text
    for variable in ("PATH", "VIRTUAL_ENV", "CONDA_PREFIX"):
        assert variable in text
    assert squeezed("The values of environment variables are hidden (a value shows as $NAME)") in (
        text
    )


def test_uv_warns_about_another_activated_environment_as_the_page_quotes(
    builds: dict[str, CourseBuild], tmp_path
) -> None:
    """The warning quoted on check-your-setup is uv's own, from a real ``uv run``."""
    import os
    import shutil
    import subprocess

    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "0"\nrequires-python = ">=3.8"\n'
    )
    env = {**os.environ, "VIRTUAL_ENV": str(tmp_path / "other")}
    env.pop("UV_PROJECT_ENVIRONMENT", None)
    ran = subprocess.run(
        [uv, "run", "--offline", "--no-config", "--python", sys.executable, "python", "-c", ""],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    said = squeezed(ran.stderr)
    assert squeezed("does not match the project environment path `.venv` and will be ignored") in (
        said
    )
    page = squeezed(builds["handout"].html("check-your-setup.html").get_text())
    assert squeezed("does not match the project environment path .venv and will be ignored") in (
        page
    )


# --- What the checks in the built page measured --------------------------------------------


def test_the_relocation_experiment_in_the_handout_shows_what_the_lesson_says(
    builds: dict[str, CourseBuild],
) -> None:
    soup = builds["handout"].html("lifecycle.html")
    moved = facts_of(soup, "Moving and copying a venv, done for real")
    assert moved["script after the move"].startswith(("cannot start", "fails"))
    assert moved["python after the move"].startswith("starts")
    assert moved["python -m pip after the move"].endswith(
        "No module named pip (the venv has no pip)"
    )
    assert moved["editable install after the move"].startswith("import relocown fails")
    assert moved["python after activate"].startswith("not the venv's")
    assert moved["script of a copy"].startswith("runs the original's python")
    assert "does not find relocextra" in moved["script of a copy"]
    typed = moved.get("script after the move, typed in bash")
    if typed is not None:  # where bash is installed
        assert typed.endswith(
            ("cannot execute: required file not found", "No such file or directory")
        )
    relocatable = facts_of(soup, "Moving a relocatable venv")
    assert relocatable["tool"].endswith("--relocatable")
    assert relocatable["script after the move"].startswith("runs")
    assert relocatable["editable install after the move"].startswith("import relocown fails")


def test_the_platform_check_in_the_handout_names_a_tag_an_index_serves(
    builds: dict[str, CourseBuild],
) -> None:
    facts = facts_of(builds["handout"].html("lifecycle.html"), "What a .venv made here runs on")
    assert "-linux_" not in facts["most specific tag"]
    if sys.platform.startswith("linux"):
        assert facts["local-build tag"].endswith("(wheels built here; PyPI serves none)")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="manylinux wheels: Linux")
def test_the_system_libraries_the_lesson_names_are_loaded_from_the_system(
    builds: dict[str, CourseBuild],
) -> None:
    facts = facts_of(
        builds["handout"].html("lifecycle.html"), "What the venv does not isolate: system libraries"
    )
    # The lesson: even repaired wheels load libc (and the C++ runtime) from the host.
    assert "libc.so.6" in facts["system libraries"]


# --- The workshop ------------------------------------------------------------------------


def deck_slides(build: CourseBuild) -> list[Tag]:
    """Every slide of the lesson's deck, in the order a presenter walks them."""
    soup = build.html("lifecycle.html")
    slides: list[Tag] = []
    for top in soup.select(".reveal .slides > section"):
        inner = top.find_all("section", recursive=False)
        slides.extend(inner or [top])
    return slides


def test_deck_is_the_lesson_then_an_exercise_per_constraint_then_the_end(
    builds: dict[str, CourseBuild],
) -> None:
    slides = deck_slides(builds["deck"])
    # envdeck's title slide, then the page's opening slide (its section has the
    # page's id), the lesson, and envdeck's closing slide.
    assert "envdeck-title-slide" in slides[0].get("class", [])
    assert "envdeck-closing-slide" in slides[-1].get("class", [])
    ids = [slide.get("id") for slide in slides[1:-1]]
    expected: list[str] = ["python-environment-lifecycle-constraints"]
    for section_id in CONSTRAINTS:
        expected += [section_id, "exercise"]
    expected += list(WORKSHOP_SECTIONS)
    assert len(ids) == len(expected), ids
    for got, want in zip(ids, expected, strict=True):
        assert got is not None and got.startswith(want), (got, want)


def test_each_exercise_slide_has_commands_and_what_to_see(
    builds: dict[str, CourseBuild],
) -> None:
    deck = [s for s in deck_slides(builds["deck"]) if (s.get("id") or "").startswith("exercise")]
    handout = builds["handout"].html("lifecycle.html")
    assert len(deck) == len(CONSTRAINTS)
    for slide in deck:
        title = slide.find("h3")
        assert title is not None and title.get_text(strip=True).startswith("Exercise:")
        cards = {
            card.select_one(".sd-card-title").get_text(strip=True): card
            for card in slide.select(".sd-card")
        }
        typed = next(card for name, card in cards.items() if name.startswith("Type"))
        commands = typed.select_one("pre").get_text()
        assert commands.count("$ ") >= 3, commands
        assert len(cards["You should see"].select("li")) >= 3
        notes = slide.select_one("aside.notes")
        assert notes is not None and "minutes" in notes.get_text()
        # The handout's exercise has the same commands, and says what to expect.
        prose = section(handout, slide["id"])
        assert prose.select_one("pre").get_text() == commands
        assert "What you should see" in prose.get_text()


def test_workshop_ends_with_what_to_use_instead_and_takeaways(
    builds: dict[str, CourseBuild],
) -> None:
    slides = {s.get("id"): s for s in deck_slides(builds["deck"])}
    instead = squeezed(slides["what-to-use-instead"].get_text())
    for tool in ("conda", "pixi", "Docker", "Apptainer", "moduleload"):
        assert tool in instead, tool
    assert len(slides["what-to-use-instead"].select(".sd-card")) == 3
    takeaways = slides["takeaways"]
    assert len(takeaways.select(".sd-card li")) >= 5
    assert squeezed(".python-version") in squeezed(takeaways.get_text())
    for slide in (slides["what-to-use-instead"], takeaways):
        assert slide.select("aside.notes")


def test_the_opening_question_sets_up_the_first_constraint(
    builds: dict[str, CourseBuild],
) -> None:
    slides = deck_slides(builds["deck"])[1:]  # after envdeck's title slide
    opening = " ".join(slides[0].select_one("aside.notes").get_text().split())
    assert "moved a project folder" in opening
    assert slides[1].get("id") == "path-dependency-and-portability"
    # The overview lists the constraints in the order they come.
    overview = slides[0].get_text()
    order = [overview.index(word) for word in ("Path dependent", "Platform bound", "Domain")]
    assert order == sorted(order)


#: A note's reference to part of its slide: "the venv card", "the `hashes` row".
CARD = re.compile(r"\bthe ([\w-]+) card\b")
ROW = re.compile(r"\bthe [`\"]?([\w -]+?)[`\"]? row\b")


def test_every_note_refers_only_to_what_its_slide_shows(
    builds: dict[str, CourseBuild],
) -> None:
    build = builds["deck"]
    names = build.checks_by_id("lifecycle")
    for slide in deck_slides(build):
        for notes in slide.select("aside.notes"):
            said = " ".join(notes.get_text().split())
            notes.extract()  # what the slide itself shows, without its notes
            shown_checks = {names[card["id"]] for card in slide.select(".envdeck-check-card")}
            shown = slide.get_text(" ", strip=True)
            for name in CARD.findall(said):
                if name in names.values():
                    assert name in shown_checks, (slide.get("id"), name, "check not on slide")
            for row in ROW.findall(said):
                assert row in shown, (slide.get("id"), row, "row not on slide")
            if "check card" in said:
                assert shown_checks, (slide.get("id"), "no check card on the slide")
    # The two references the review found, gone.
    text = " ".join(build.html("lifecycle.html").get_text().split())
    assert "`base prefix` row" not in text and "base prefix row" not in text
    assert "Show the hashes row" not in text


def test_handout_shows_the_venv_table_once(builds: dict[str, CourseBuild]) -> None:
    build = builds["handout"]
    names = build.checks_by_id("lifecycle")
    soup = build.html("lifecycle.html")
    venv_blocks = [b for b in soup.select(".envdeck-check") if names[b["id"]] == "venv"]
    assert len(venv_blocks) == 1
    # ...in the section about activation, not in the first ones.
    context = section(soup, "the-execution-context-disconnect-jupyter-ides")
    assert venv_blocks[0] in context.select(".envdeck-check")
