"""What a deck build keeps for the next one, in the user's cache: coloured code and
compiled page templates.

Every ``sphinx-build`` is a new process, and two costs of a deck build are paid
again in each one though their result has not changed:

* **Coloured code.**  Pygments compiles a lexer's regular expressions the first time
  a process uses it: about 0.13 s for the languages of sphinx-revealjs's demo (its
  CSS lexer alone takes 48 ms), more than colouring its 34 blocks.  A block gives the
  same HTML as long as its source, language and options, the style, Pygments, Sphinx
  and envdeck's formatter stay the same, so a deck build keeps what it coloured and
  the next one (cold or incremental) takes it back without loading a lexer.
  Only what cannot differ on the next build is kept:

  - blocks coloured without a warning (a lexing error or an unknown language warns
    again on every build);
  - by a lexer of Pygments or Sphinx, whose code the key names through their
    versions; a lexer that an extension registers, or one from a Pygments plugin, is
    run every time.

  One file per project and style: the blocks used most recently first, at most
  ``MAX_BYTES`` of HTML.  A parallel write (``-j``) colours in worker processes:
  they read what was kept, and what they colour anew is not kept.

* **Page templates.**  Jinja compiles the deck's templates to Python in every build.
  Its own bytecode cache keeps them, checked against the template's source, in a
  folder named for Jinja's, Sphinx's and Python's versions and the template
  environment's options (what else shapes the compiled code).  The static files that
  are templates (Sphinx's ``basic.css.jinja``, a theme's ``*_t``) come to Jinja as
  strings, which its cache does not serve: :class:`KeptTemplates` keeps them there
  too, named by their source.

Where the cache directory cannot be written, every build does all the work, as
without it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import pygments
import sphinx
from jinja2 import Environment, FileSystemBytecodeCache
from pygments.lexers._mapping import LEXERS
from sphinx import highlighting
from sphinx.jinja2glue import BuiltinTemplateLoader

from .checks import usercache

#: The HTML kept per project, at most: about 8,000 code blocks of a slide's size.
MAX_BYTES = 8 * 1024 * 1024
#: Bumped when what is kept changes shape.
FORMAT = 1

# Sphinx's loggers are `sphinx.` + the module's name.
_HIGHLIGHT_LOGGER = logging.getLogger("sphinx.sphinx.highlighting")
_PYTHON = {"py", "python", "py3", "python3", "default"}


@functools.cache
def _aliases() -> frozenset[str]:
    """The names of Pygments' own lexers (not its plugins')."""
    return frozenset(alias for entry in LEXERS.values() for alias in entry[2])


def keeps_language(lang: str, source: str) -> bool:
    """Whether a block in ``lang`` is coloured by code that the key names: a lexer of
    Pygments itself, as Sphinx would pick it."""
    if lang in _PYTHON:
        lang = "pycon" if source.startswith(">>>") else "python"
    if lang == "pycon3":
        lang = "pycon"
    if lang in highlighting.lexers:  # an instance (older Sphinx's add_lexer)
        lexer: Any = type(highlighting.lexers[lang])
    elif lang in highlighting.lexer_classes:  # Sphinx's, and those of app.add_lexer()
        lexer = highlighting.lexer_classes[lang]
    else:
        # Pygments' own names; not "guess" or a plugin's name, which can pick a
        # lexer that a plugin installs.
        return lang in _aliases()
    lexer = getattr(lexer, "func", lexer)  # Sphinx's own are partial(Lexer, stripnl=False)
    return str(getattr(lexer, "__module__", "")).startswith("pygments.")


class _Warnings(logging.Filter):
    """Counts the warnings Sphinx's highlighting module logs, letting them through."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            self.count += 1
        return True


class KeptHighlights:
    """The blocks of one project and style: read at the first block, written at the end
    (``usercache``'s ``highlights/<name>.json``)."""

    def __init__(self, name: str, stamp: list[Any]) -> None:
        self.name = name
        self.stamp = json.loads(json.dumps(stamp, default=str))
        self._kept: dict[str, str] | None = None
        self._used: dict[str, None] = {}
        self._added = False

    @classmethod
    def for_project(cls, srcdir: str | Path, formatter: type, style: Any) -> KeptHighlights:
        styles = getattr(style, "styles", {})
        styled = sorted((str(token), str(value)) for token, value in styles.items())
        stamp = [
            FORMAT,
            pygments.__version__,
            sphinx.__version__,
            usercache.module_stamp("envdeck.deck_code"),
            usercache.module_stamp(__name__),
            _named(formatter),
            styled,  # what of the style shapes the HTML: the classes it styles
        ]
        return cls(usercache.key_of(os.path.abspath(srcdir), _named(style)), stamp)

    @staticmethod
    def key(source: str, lang: str, opts: Any, force: bool, kwargs: dict[str, Any]) -> str:
        blob = json.dumps([source, lang, opts, force, kwargs], sort_keys=True, default=repr)
        return hashlib.sha256(blob.encode("utf8", "surrogatepass")).hexdigest()[:32]

    def _load(self) -> dict[str, str]:
        if self._kept is None:
            data = usercache.load("highlights", self.name)
            fits = isinstance(data, dict) and data.get("stamp") == self.stamp
            blocks = data.get("blocks") if fits else None
            self._kept = blocks if isinstance(blocks, dict) else {}
        return self._kept

    def get(self, key: str) -> str | None:
        html = self._load().get(key)
        if html is not None:
            self._used[key] = None
        return html

    def put(self, key: str, html: str) -> None:
        self._load()[key] = html
        self._used[key] = None
        self._added = True

    def save(self) -> None:
        """Write the blocks, this build's first, when this build coloured any anew."""
        if not self._added or self._kept is None:
            return
        kept = self._kept
        blocks: dict[str, str] = {}
        size = 0
        for key in [*self._used, *kept]:
            if key in blocks:
                continue
            size += len(kept[key])
            if size > MAX_BYTES:
                break
            blocks[key] = kept[key]
        usercache.store("highlights", self.name, {"stamp": self.stamp, "blocks": blocks})
        self._added = False


def highlight_kept(
    kept: KeptHighlights | None,
    colour: Any,
    source: str,
    lang: str,
    opts: Any,
    force: bool,
    kwargs: dict[str, Any],
) -> str:
    """``colour()``'s HTML for the block, kept or taken back when it can be."""
    if kept is None or not isinstance(source, str) or not keeps_language(lang, source):
        return str(colour())
    key = kept.key(source, lang, opts, force, kwargs)
    html = kept.get(key)
    if html is not None:
        return html
    warnings = _Warnings()
    _HIGHLIGHT_LOGGER.addFilter(warnings)
    try:
        html = colour()
    finally:
        _HIGHLIGHT_LOGGER.removeFilter(warnings)
    if not warnings.count:
        kept.put(key, html)
    return str(html)


# --- compiled templates ---------------------------------------------------------------


def keep_compiled_templates(templates: Any) -> None:
    """Give the builder's Jinja environment a bytecode cache, unless it has one."""
    environment = getattr(templates, "environment", None)
    if not isinstance(environment, Environment) or environment.bytecode_cache is not None:
        return
    import jinja2

    options = (
        "block_start_string", "block_end_string", "variable_start_string",
        "variable_end_string", "comment_start_string", "comment_end_string",
        "line_statement_prefix", "line_comment_prefix", "trim_blocks", "lstrip_blocks",
        "newline_sequence", "keep_trailing_newline", "optimized", "autoescape",
        "finalize", "enable_async", "newstyle_gettext",
    )  # fmt: skip
    shape = [
        jinja2.__version__,
        sphinx.__version__,
        sys.version,
        _named(type(environment)),
        sorted(environment.extensions),
        [_named(getattr(environment, option, None)) for option in options],
        sorted((key, _named(value)) for key, value in environment.policies.items()),
    ]
    folder = usercache.entry("templates", usercache.key_of(shape))
    if folder is None:
        return
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        return
    environment.bytecode_cache = _QuietBytecodeCache(str(folder))


class KeptTemplates(BuiltinTemplateLoader):
    """Sphinx's template loader, whose string templates are kept compiled as well."""

    def render_string(self, source: str, context: dict[str, Any]) -> str:
        environment = self.environment
        cache = environment.bytecode_cache
        if cache is None:
            return super().render_string(source, context)
        # A string comes without a file name: its bucket is named by its source.
        name = f"<string {hashlib.sha256(source.encode('utf8')).hexdigest()}>"
        bucket = cache.get_bucket(environment, name, None, source)
        if bucket.code is None:
            bucket.code = environment.compile(source)
            cache.set_bucket(bucket)
        # As Environment.from_string makes it, from the kept code.
        template = environment.template_class.from_code(
            environment, bucket.code, environment.make_globals(None), None
        )
        return template.render(context)


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates; one that cannot be read or written (a full
    disk, a folder gone) compiles the template as without a cache."""

    def load_bytecode(self, bucket: Any) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Any) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _named(value: Any) -> str:
    """A value as the same text in every process (a function by its name, not its address)."""
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    return repr(value)
