"""Sphinx configuration of the envdeck course (content/).

Build the deck:     uv run sphinx-build -D slide=1 -c . content _build/slides
Build the handout:  uv run sphinx-build -c . content _build/handout
"""

project = "Python Environments Workshop"
author = "envdeck"
copyright = "2026, envdeck contributors"
html_title = project  # not "… documentation": this is a course

extensions = ["envdeck"]

exclude_patterns = ["_build", ".venv", "README.md"]

# Some checks start subprocesses (a venv, imports of every dependency); a busy laptop
# or CI runner needs more than the default 5 s, and a timeout fails a -W build.
envdeck_check_timeout = 30

# The handout's reading and print style (headings, footer contrast, print layout).
envdeck_handout_style = True

# For the handout: Alabaster's own Pygments style has strings at 3.2:1 on its beige
# code background; every token of "xcode" (envdeck's default on a light deck) has at
# least 4.5:1 (WCAG AA), on white and on that beige.
pygments_style = "xcode"
