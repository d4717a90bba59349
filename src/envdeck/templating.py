"""The Jinja stage: source files are rendered with ``slide`` / ``prose`` before parsing.

Which files are templates (``envdeck_templates``):

* ``auto`` (default): a file is a template when its Jinja uses ``slide`` or
  ``prose`` as a value (``{% if slide %}``, ``{{ prose }}``, not ``slide.title``) or
  uses a key of ``envdeck_context``.  Any other file — code samples showing ``{{ }}``
  or ``{% %}``, MyST ``{#anchor}`` attributes, substitutions — is left untouched,
  byte for byte, so enabling envdeck on an existing doc set changes nothing.
* ``all``: every file is a template; ``none``: no file is.

A file settles it for itself with ``envdeck: template`` or ``envdeck: literal`` in
its MyST front matter (``:envdeck: template`` in an rST file's leading field list).

Inside a template, ``{% raw %}…{% endraw %}`` keeps Jinja syntax literal, and Jinja
comments are written ``{## … ##}`` so that MyST's ``{#anchor}`` and LaTeX's ``{#1}``
keep their meaning.

Line numbers survive: every source line that reaches the output is put back at its
original line number (dropped branches become blank lines), so a later warning from
MyST, docutils or another extension points at the line the author wrote.  Only output
that adds lines (a multi-line value, a macro, a loop) shifts the lines after it, until
a dropped branch gives the room back.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from .jinja_limits import (
    DEFAULT_MAX_OUTPUT,
    BoundedEnvironment,
    JinjaLimitError,
    Limits,
    render_bounded,
)
from .substitutions import jinja_names, myst_keeps, substitution_values, uses_myst_substitutions
from .translations import __
from .warnings_ import EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

FLAGS = frozenset({"slide", "prose"})

# Private-use characters: they never occur in course text and pass through Jinja as data.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
# At most nine digits: a longer number is a page's own text, not a marker of ours.
_MARK = re.compile(f"{_MARK_OPEN}(\\d{{1,9}}){_MARK_CLOSE}")

_RAW_END = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_RAW_START = re.compile(r"\{%-?\s*raw\s*-?%\}")
# A file's own word: MyST front matter ``envdeck: …`` or an rST field ``:envdeck: …``.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*$", re.DOTALL | re.MULTILINE)
_MYST_CHOICE = re.compile(r"^envdeck:[ \t]*[\"']?(.*?)[\"']?[ \t]*\r?$", re.MULTILINE)
_RST_FIELDS = re.compile(r"\A(?:[ \t]*\r?\n)*((?::[^\n]*:[^\n]*\r?\n)+)")
_RST_CHOICE = re.compile(r"^:envdeck:[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)
CHOICES = ("template", "literal")
# Whitespace control (``{%-``) must reach the line break before the tag: no marker there.
_LEFT_STRIP = ("{%-", "{{-", "{##-")


def make_environment(max_output: int = DEFAULT_MAX_OUTPUT) -> SandboxedEnvironment:
    return BoundedEnvironment(
        max_output,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        comment_start_string="{##",
        comment_end_string="##}",
    )


def mark_lines(source: str, keep: Callable[[str], bool] | None = None) -> str:
    """Prefix each line that starts in template data with a marker of its line number.

    A ``{{ … }}`` tag for which ``keep`` is true is kept as written (for MyST).
    """
    out: list[str] = []
    pos, line, in_data = 0, 1, True
    length = len(source)
    at_line_start = True
    while pos < length:
        if at_line_start and in_data:
            # After the indentation, so that a `-%}` before it strips that too.
            indent_end = pos
            while indent_end < length and source[indent_end] in " \t":
                indent_end += 1
            out.append(source[pos:indent_end])
            pos = indent_end
            if not source.startswith(_LEFT_STRIP, pos):
                out.append(f"{_MARK_OPEN}{line}{_MARK_CLOSE}")
            at_line_start = False
            continue
        if in_data and source.startswith(("{{", "{%", "{##"), pos):
            closer = {"{{": "}}", "{%": "%}", "{#": "##}"}[source[pos : pos + 2]]
            end = source.find(closer, pos + 2)
            end = length if end < 0 else end + len(closer)
            tag = source[pos:end]
            if keep is not None and tag.startswith("{{") and keep(tag):
                tag = "{% raw %}" + tag + "{% endraw %}"
            out.append(tag)
            line += tag.count("\n")
            pos = end
            if _RAW_START.fullmatch(tag):
                # Raw content is data, up to its endraw tag.
                match = _RAW_END.search(source, pos)
                stop = match.start() if match else length
                pos = _mark_data(source, pos, stop, out, line)
                line += source.count("\n", end, stop)
            continue
        char = source[pos]
        out.append(char)
        pos += 1
        if char == "\n":
            line += 1
            at_line_start = True
    return "".join(out)


def _mark_data(source: str, start: int, stop: int, out: list[str], line: int) -> int:
    chunk = source[start:stop]
    lines = chunk.split("\n")
    out.append(lines[0])
    for offset, text in enumerate(lines[1:], start=1):
        out.append(f"\n{_MARK_OPEN}{line + offset}{_MARK_CLOSE}{text}")
    return stop


def restore_lines(rendered: str, source_lines: int | None = None) -> str:
    """Put marked lines back at their source line numbers; strip all markers.

    A marker past ``source_lines`` is not one of ours (a value printed it): it moves
    nothing, so that a page cannot ask for a billion blank lines.
    """
    result: list[str] = []
    for text in rendered.split("\n"):
        match = _MARK.match(text.lstrip(" \t"))
        if match and (source_lines is None or int(match.group(1)) <= source_lines):
            target = int(match.group(1))
            # Pad for lines the template dropped; never reorder what it repeated.
            while len(result) + 1 < target:
                result.append("")
        result.append(_MARK.sub("", text))
    return "\n".join(result)


def declared_choice(source: str) -> tuple[str, int] | None:
    """What the file says it is (``envdeck: …``), and the line saying it; else None."""
    front = _FRONT_MATTER.match(source)
    found = front and _MYST_CHOICE.search(source, front.start(1), front.end(1))
    if not found:
        fields = _RST_FIELDS.match(source)
        found = fields and _RST_CHOICE.search(source, fields.start(1), fields.end(1))
    if not found:
        return None
    return found.group(1), source.count("\n", 0, found.start()) + 1


def _uses_names(ast: jinja2.nodes.Template, names: frozenset[str]) -> bool:
    """Whether the template reads a flag as a value or a context variable at all."""
    free = meta.find_undeclared_variables(ast) & names
    if free - FLAGS:
        return True
    if not free:
        return False
    # `slide.title` or `slide()` in a code sample about slides is not the flag.
    accessed = {
        id(getattr(node, "node", None))
        for node in ast.find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem, jinja2.nodes.Call))
    }
    return any(
        node.name in free and id(node) not in accessed for node in ast.find_all(jinja2.nodes.Name)
    )


# Where a page that does not parse clearly meant a name, the error is the author's.
def _meant_names(source: str, names: frozenset[str]) -> bool:
    alternatives = "|".join(map(re.escape, sorted(names)))
    pattern = (
        rf"\{{%-?\s*(?:el)?if\s+(?:not\s+)?(?:{alternatives})\s*(?:-?%\}}|and\b|or\b)"
        rf"|\{{\{{-?\s*(?:{alternatives})\s*(?:[|}}]|-\}})"
    )
    return re.search(pattern, source) is not None


def is_template(env: SandboxedEnvironment, source: str, names: frozenset[str]) -> bool | None:
    """True: render it; False: leave it; None: it uses the flag but does not parse."""
    try:
        ast = env.parse(source)
        # find_undeclared_variables compiles the page: a filter or test this
        # environment lacks (autosummary's `{{ fullname | underline }}`) raises here.
        return _uses_names(ast, names)
    except Exception:  # any error, or nesting too deep: a page of literal Jinja
        return None if _meant_names(source, names) else False


def _error_line(exc: BaseException, name: str, template: jinja2.Template | None) -> int | None:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.lineno
    limit_line = getattr(exc, "lineno", None) if isinstance(exc, JinjaLimitError) else None
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == name and frame.lineno is not None:
            line = frame.lineno
    # Jinja maps generated-code lines back to template lines for an Exception only.
    if line is not None and template is not None and not isinstance(exc, Exception):
        line = template.get_corresponding_lineno(line)
    return line if line is not None else limit_line


def _output_line(piece: str) -> int | None:
    """The source line of the last marked line in a piece of output."""
    found = _MARK.findall(piece)
    return int(found[-1]) if found else None


def render(
    app: Sphinx, source: str, location_path: str, locate: Callable[[int | None], Any]
) -> str | None:
    """Render ``source`` if it is a template; None to leave it as it is."""
    config = app.config
    mode = config.envdeck_templates
    if mode == "none" or ("{{" not in source and "{%" not in source and mode != "all"):
        return None
    limits = Limits(config.envdeck_jinja_timeout, config.envdeck_jinja_max_output)
    env = make_environment(limits.max_output)
    context: dict[str, Any] = dict(config.envdeck_context)
    context.update(slide=bool(config.slide), prose=not config.slide)
    names = frozenset(context)
    myst = uses_myst_substitutions(app, location_path)
    if mode == "auto":
        declared = declared_choice(source)
        choice = declared[0] if declared else None
        if declared and choice not in CHOICES:
            warn(
                __(
                    "envdeck: {choice!r} is not one of {choices}; "
                    "whether the file is a template is decided as if it were not there"
                ).format(choice=choice, choices=", ".join(CHOICES)),
                EnvdeckWarning.JINJA,
                location=locate(declared[1]),
            )
            choice = None
        if choice == "literal":
            return None
        if choice is None and is_template(env, source, names) is False:
            return None
    name = f"<envdeck:{location_path}>"
    template = None
    try:
        keep = None
        if myst:
            # MyST's `{{ name }}` substitutions stay for MyST; their values are
            # variables too, below the template's own.
            keep = myst_keeps(env, names | jinja_names(env.parse(source)))
            context = {**substitution_values(app, source), **context}
        # Compiled under our own name, so a runtime error's traceback gives its line.
        code = env.compile(mark_lines(source, keep), name=name, filename=name)
        template = env.template_class.from_code(env, code, env.make_globals(None))
        rendered = render_bounded(template, context, limits, name, _output_line)
    except BaseException as exc:  # a template may raise anything (even SystemExit)
        if isinstance(exc, KeyboardInterrupt):
            raise
        line = _error_line(exc, name, template)
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        if isinstance(exc, JinjaLimitError):
            text = __("Jinja limit: {message} ({error}); the file is used as written, unrendered")
        elif isinstance(exc, jinja2.TemplateSyntaxError):
            text = __("Jinja syntax: {message} ({error}); the file is used as written, unrendered")
        else:
            text = __("Jinja error: {message} ({error}); the file is used as written, unrendered")
        warn(
            text.format(message=message, error=type(exc).__name__),
            EnvdeckWarning.JINJA,
            location=locate(line),
        )
        return None
    return restore_lines(rendered, source.count("\n") + 1)


def render_document(app: Sphinx, docname: str, source: list[str]) -> None:
    path = str(app.env.doc2path(docname))
    rendered = render(app, source[0], path, lambda line: (docname, line))
    if rendered is not None:
        source[0] = rendered


def render_include(
    app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]
) -> None:
    path = str(Path(app.srcdir) / relative_path)
    # An included file is not a document: name the file itself.
    rendered = render(app, content[0], path, lambda line: f"{path}:{line}" if line else path)
    if rendered is not None:
        content[0] = rendered


def add_slide_tag(app: Sphinx, config: Config) -> None:
    # `{only} slide` sees the same flag as the templates.
    if config.slide:
        app.tags.add("slide")
    else:
        app.tags.add("prose")


def setup_templating(app: Sphinx) -> None:
    app.connect("config-inited", add_slide_tag, priority=110)
    app.connect("source-read", render_document)
    app.connect("include-read", render_include)
