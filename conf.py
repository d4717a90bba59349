"""Sphinx configuration of the envdeck course (content/).

Build the deck:     uv run sphinx-build -D slide=1 -c . content _build/slides
Build the handout:  uv run sphinx-build -c . content _build/handout
"""

project = "Python Environments: Lifecycle & Constraints"
author = "envdeck"
copyright = "2026, envdeck contributors"

extensions = ["envdeck"]

exclude_patterns = ["_build", ".venv", "README.md"]
