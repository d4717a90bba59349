"""Reference tables generated from the code, so the docs never drift from it.

``envdeck-config`` renders :data:`envdeck.config.OPTIONS`; ``envdeck-warnings``
renders :class:`envdeck.warnings_.EnvdeckWarning` with each member's docstring.
Both produce standard docutils tables, so every builder writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

from . import config, warnings_
from .config import Option
from .translations import N_, _, __
from .warnings_ import EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# How a converter reads a value, in words (looked up in the catalogue where the table
# is made); converters not named here fall back to the Python types the option accepts.
TYPE_WORDS: dict[Callable[[Any], Any], str] = {
    config.parse_flag: N_("flag: 1/0, true/false, yes/no, on/off"),
    config.seconds: N_("seconds: a number > 0, at most 3600"),
    config.str_dict: N_("dict"),
    config.str_list: N_("list of strings (or a comma-separated string)"),
    config.directory: N_("directory path (string or pathlib.Path)"),
}


def option_type(option: Option) -> str:
    if option.choices:
        return _("one of the choices")
    bounds = getattr(option.convert, "bounds", None)
    if bounds:
        return _("whole number from {lowest:,} to {highest:,}").format(
            lowest=bounds[0], highest=bounds[1]
        )
    words = TYPE_WORDS.get(option.convert)
    if words:
        return _(words)
    return _(" or ").join(t.__name__ for t in option.types) or _("any")


def literal_or_dash(values: Sequence[Any]) -> nodes.Node:
    if not values:
        return nodes.Text("—")
    para = nodes.paragraph()
    for i, value in enumerate(values):
        if i:
            para += nodes.Text(", ")
        para += nodes.literal(text=str(value))
    return para


def table(
    headers: Sequence[str], rows: list[list[nodes.Node]], widths: Sequence[int]
) -> nodes.table:
    tgroup = nodes.tgroup(cols=len(headers))
    for width in widths:
        tgroup += nodes.colspec(colwidth=width)
    thead = nodes.thead()
    thead += row([nodes.paragraph(text=h) for h in headers])
    tbody = nodes.tbody()
    for cells in rows:
        tbody += row(cells)
    tgroup += thead
    tgroup += tbody
    return nodes.table("", tgroup, classes=["envdeck-reference"])


def row(cells: Sequence[nodes.Node]) -> nodes.row:
    result = nodes.row()
    for cell in cells:
        result += nodes.entry("", cell)
    return result


class ReferenceDirective(SphinxDirective):
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {}

    def describe(self, text: str) -> nodes.paragraph:
        # ``x`` is a literal in rST and a code span in MyST alike.
        # state.inline_text, not parse_inline(): Sphinx 7.3 lacks that.
        inline, messages = self.state.inline_text(text, self.lineno)
        para = nodes.paragraph("", "", *inline)
        para += messages
        return para

    def depend_on(self, *modules: Any) -> None:
        # Rebuild the page when the code it documents changes.
        for module in modules:
            self.env.note_dependency(module.__file__)


class ConfigReference(ReferenceDirective):
    """``envdeck-config [NAME ...]``: a table of envdeck's configuration values.

    With names, only those values, in that order: a page about one feature shows
    its own options, still generated from the code.
    """

    optional_arguments = 1
    final_argument_whitespace = True

    def selected(self) -> list[Option]:
        by_name = {option.name: option for option in config.OPTIONS}
        if not self.arguments:
            return list(config.OPTIONS)
        chosen = []
        for name in self.arguments[0].replace(",", " ").split():
            if name in by_name:
                chosen.append(by_name[name])
            else:
                warn(
                    __(
                        "envdeck-config: unknown configuration value {name!r}; the values "
                        "are: {known}"
                    ).format(name=name, known=", ".join(by_name)),
                    EnvdeckWarning.DIRECTIVE,
                    location=self.get_location(),
                )
        return chosen

    def run(self) -> list[nodes.Node]:
        self.depend_on(config)
        rows: list[list[nodes.Node]] = []
        options = self.selected()
        if not options:
            return []
        for option in options:
            rows.append(
                [
                    nodes.paragraph("", "", nodes.literal(text=option.name)),
                    nodes.paragraph(text=option_type(option)),
                    nodes.paragraph("", "", nodes.literal(text=repr(option.default))),
                    literal_or_dash(option.choices or ()),
                    self.describe(option.description),
                ]
            )
        result = table(
            [_("Name"), _("Type"), _("Default"), _("Choices"), _("Description")],
            rows,
            [18, 14, 10, 20, 38],
        )
        self.set_source_info(result)
        return [result]


def warning_docs() -> dict[str, str]:
    """Each EnvdeckWarning member's docstring, read from the source as autodoc does."""
    docs = ModuleAnalyzer.for_module(warnings_.__name__).find_attr_docs()
    return {
        attr: " ".join(line for line in lines if line).strip()
        for (cls, attr), lines in docs.items()
        if cls == warnings_.EnvdeckWarning.__name__
    }


class WarningsReference(ReferenceDirective):
    """``envdeck-warnings``: a table of the warning types envdeck emits."""

    def run(self) -> list[nodes.Node]:
        self.depend_on(warnings_)
        docs = warning_docs()
        rows: list[list[nodes.Node]] = [
            [
                nodes.paragraph("", "", nodes.literal(text=member.type_name)),
                self.describe(docs.get(member.name, "")),
            ]
            for member in warnings_.EnvdeckWarning
        ]
        result = table([_("Warning type"), _("When")], rows, [25, 75])
        self.set_source_info(result)
        return [result]


def setup_reference(app: Sphinx) -> None:
    app.add_directive("envdeck-config", ConfigReference)
    app.add_directive("envdeck-warnings", WarningsReference)
