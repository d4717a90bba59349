"""MyST substitutions in pages that go through envdeck's Jinja stage.

MyST writes a substitution as ``{{ name }}``, the syntax of a Jinja expression.  In a
page that is a template, every ``{{ … }}`` that reads none of the Jinja stage's own
names (``slide``, ``prose``, ``envdeck_context``, a name the page sets) is kept as
written, for MyST to substitute: the page then renders exactly as MyST alone renders
it, a value that holds Markdown, a directive or another substitution included, and a
name MyST does not know is MyST's own warning.  The values (``myst_substitutions`` in
conf.py, updated by the page's front matter, as MyST merges them) are also variables
of the template, so that ``{% if tool == "uv" %}`` works.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Names Jinja gives a template by itself, inside loops, macros and blocks.
JINJA_OWN_NAMES = frozenset({"loop", "caller", "varargs", "kwargs", "self", "super"})


def uses_myst_substitutions(app: Sphinx, path: str) -> bool:
    """Whether MyST would substitute ``{{ … }}`` in the file at ``path``."""
    config = app.config
    if "myst_substitutions" not in config or "substitution" not in config.myst_enable_extensions:
        return False
    # Other delimiters than MyST's default `{{ }}` meet no Jinja syntax.
    if tuple(config.myst_sub_delimiters) != ("{", "}"):
        return False
    suffixes = config.source_suffix
    filetype = suffixes.get(Path(path).suffix) if isinstance(suffixes, dict) else None
    # MyST-NB's parser renders MyST Markdown, substitutions included.
    return filetype in ("markdown", "myst-nb") and Path(path).suffix != ".ipynb"


def substitution_values(app: Sphinx, source: str) -> dict[str, Any]:
    """conf.py's ``myst_substitutions``, updated by the page's front matter, as MyST does."""
    values: dict[str, Any] = dict(app.config.myst_substitutions or {})
    try:
        from myst_parser.config.main import read_topmatter

        topmatter = read_topmatter(source) or {}
    except Exception:  # MyST reports bad front matter itself
        return values
    myst = topmatter.get("myst")
    page = myst.get("substitutions") if isinstance(myst, dict) else None
    # MyST's deprecated top-level key wins over `myst: substitutions:`.
    page = topmatter.get("substitutions", page)
    if isinstance(page, dict):
        values.update({str(key): value for key, value in page.items()})
    return values


def jinja_names(ast: nodes.Template) -> frozenset[str]:
    """Names the template itself sets: loop targets, ``set``, macros and their parameters."""
    names = {node.name for node in ast.find_all(nodes.Name) if node.ctx in ("store", "param")}
    names.update(node.name for node in ast.find_all(nodes.Macro))
    names.update(node.target for node in ast.find_all(nodes.Import))
    for node in ast.find_all(nodes.FromImport):
        names.update(name if isinstance(name, str) else name[1] for name in node.names)
    return frozenset(names) | JINJA_OWN_NAMES


def myst_keeps(env: jinja2.Environment, own: frozenset[str]) -> Callable[[str], bool]:
    """A test of one ``{{ … }}`` tag: True when MyST, not Jinja, should read it."""

    def keep(tag: str) -> bool:
        # Whitespace control is Jinja's: MyST would read the `-` as part of the name.
        if tag.startswith("{{-") or tag.endswith("-}}"):
            return False
        try:
            expression = env.parse(tag)
        except Exception:  # not an expression: Jinja reports it as the page's error
            return False
        read = {node.name for node in expression.find_all(nodes.Name) if node.ctx == "load"}
        return not read & own

    return keep
