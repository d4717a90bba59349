"""The Jinja stage: source files are rendered with ``slide`` / ``prose`` before parsing.

Which files are templates (``envdeck_templates``):

* ``auto`` (default): a file is a template when its Jinja uses ``slide``, ``prose``
  or a key of ``envdeck_context``, or when it has a ``{% raw %}`` block.  Any other
  file — code samples showing ``{{ }}`` or ``{% %}``, MyST ``{#anchor}``
  attributes, substitutions — is left untouched, byte for byte,
  so enabling envdeck on an existing doc set changes nothing.
* ``all``: every file is a template; ``none``: no file is.

Inside a template, ``{% raw %}…{% endraw %}`` keeps Jinja syntax literal, and Jinja
comments are written ``{## … ##}`` so that MyST's ``{#anchor}`` and LaTeX's ``{#1}``
keep their meaning.

Line numbers survive: every source line that reaches the output is put back at its
original line number (dropped branches become blank lines), so a later warning from
MyST, docutils or another extension points at the line the author wrote.
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

from .warnings_ import EnvdeckWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

FLAGS = frozenset({"slide", "prose"})

# Private-use characters: they never occur in course text and pass through Jinja as data.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"{_MARK_OPEN}(\\d+){_MARK_CLOSE}")

# Where a template mentions a flag, a parse error is the author's, not literal text's.
_USES_FLAG = re.compile(r"\{[{%]-?[^}%]*?\b(?:slide|prose)\b")
_RAW_END = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_RAW_START = re.compile(r"\{%-?\s*raw\s*-?%\}")


def make_environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        comment_start_string="{##",
        comment_end_string="##}",
    )


def mark_lines(source: str) -> str:
    """Prefix each line that starts in template data with a marker of its line number."""
    out: list[str] = []
    pos, line, in_data = 0, 1, True
    length = len(source)
    at_line_start = True
    while pos < length:
        if at_line_start and in_data:
            out.append(f"{_MARK_OPEN}{line}{_MARK_CLOSE}")
        at_line_start = False
        if in_data and source.startswith(("{{", "{%", "{##"), pos):
            closer = {"{{": "}}", "{%": "%}", "{#": "##}"}[source[pos : pos + 2]]
            end = source.find(closer, pos + 2)
            end = length if end < 0 else end + len(closer)
            tag = source[pos:end]
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


def restore_lines(rendered: str) -> str:
    """Put marked lines back at their source line numbers; strip all markers."""
    result: list[str] = []
    for text in rendered.split("\n"):
        match = _MARK.match(text)
        if match:
            target = int(match.group(1))
            # Pad for lines the template dropped; never reorder what it repeated.
            while len(result) + 1 < target:
                result.append("")
        result.append(_MARK.sub("", text))
    return "\n".join(result)


def is_template(env: SandboxedEnvironment, source: str, names: frozenset[str]) -> bool | None:
    """True: render it; False: leave it; None: it uses the flag but does not parse."""
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return None if _USES_FLAG.search(source) else False
    # A raw block only makes sense in a template: it is the page's opt-in.
    return bool(meta.find_undeclared_variables(ast) & names) or bool(_RAW_START.search(source))


def _error_line(exc: BaseException, name: str) -> int | None:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return exc.lineno
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == name:
            line = frame.lineno
    return line


def render(
    app: Sphinx, source: str, location_path: str, locate: Callable[[int | None], Any]
) -> str | None:
    """Render ``source`` if it is a template; None to leave it as it is."""
    config = app.config
    mode = config.envdeck_templates
    if mode == "none" or ("{{" not in source and "{%" not in source and mode != "all"):
        return None
    env = make_environment()
    context: dict[str, Any] = dict(config.envdeck_context)
    context.update(slide=bool(config.slide), prose=not config.slide)
    if mode == "auto":
        verdict = is_template(env, source, FLAGS | frozenset(context))
        if verdict is False:
            return None
    name = f"<envdeck:{location_path}>"
    try:
        # Compiled under our own name, so a runtime error's traceback gives its line.
        code = env.compile(mark_lines(source), name=name, filename=name)
        template = env.template_class.from_code(env, code, env.make_globals(None))
        rendered = template.render(context)
    except Exception as exc:  # a template may raise anything; the build goes on
        line = _error_line(exc, name)
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        warn(
            f"Jinja {'syntax' if isinstance(exc, jinja2.TemplateSyntaxError) else 'error'}: "
            f"{message} ({type(exc).__name__}); the file is used as written, unrendered",
            EnvdeckWarning.JINJA,
            location=locate(line),
        )
        return None
    return restore_lines(rendered)


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
