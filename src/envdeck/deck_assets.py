"""What a page of the deck loads: what it uses, and nothing more.

Chosen once per page, from its HTML, when the deck builder writes it:

* files named in :data:`WHERE_USED` are linked only from the pages that use them
  (Pygments' style sheet where there is highlighted code, ``envcheck.css`` where
  there is an envcheck, sphinx-design's tabs script where there are tabs);
* of sphinx-design's style sheet (55 KB: every component, colour and utility) a page
  links the rules its components can match, in a file shared by the pages with the
  same components (:class:`DesignStyles`);
* reveal.js's speaker view (69 KB) is loaded when it is first asked for
  (:data:`LAZY_NOTES`);
* a few small files are written into the page instead (:data:`INLINE`), Pygments'
  style sheet cut to the token classes of the page's code; the split plugin among
  them is registered from the page (:data:`SPLIT_PLUGIN`).

Every other file (reveal.js, the theme and its fonts, the user's own style sheets)
goes on every page.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rjsmin

from .translations import _

#: Files linked only from the pages whose HTML uses them: (the file's name, what in
#: a page's HTML uses it).
WHERE_USED: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(r"(^|/)pygments\.css$"), re.compile(r'<div class="highlight')),
    (
        re.compile(r"(^|/)envcheck\.css$"),
        re.compile(r'class="[^"]*\benvdeck-(badge|check|facts|key-facts|report)'),
    ),
    (re.compile(r"(^|/)design-tabs\.js$"), re.compile(r'class="[^"]*\bsd-tab-set')),
)

#: sphinx-design's style sheet, trimmed per page by :class:`DesignStyles`.
DESIGN_CSS = re.compile(r"(^|/)sphinx-design\.min\.css$")

_CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
_SD_CLASS = re.compile(r"\.(sd-[\w-]+)")
_ANY_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)

#: Pygments' style sheet, written into each page with code, cut to the token
#: classes of that page (a slide's code uses a dozen of a style's sixty).
PYGMENTS_CSS = "_static/pygments.css"


def page_classes(body: str, prefix: str = "") -> set[str]:
    """The classes the elements of ``body`` have (those that start with ``prefix``)."""
    return {
        name
        for attribute in _CLASS_ATTRIBUTE.findall(body)
        for name in attribute.split()
        if name.startswith(prefix)
    }


def used_on_page(asset: Any, body: str) -> bool:
    """Whether a page with this ``body`` needs ``asset`` (a style sheet or script)."""
    filename = asset_name(asset)
    for name, use in WHERE_USED:
        if name.search(filename):
            return use.search(body) is not None
    return True


def asset_name(asset: Any) -> str:
    return str(getattr(asset, "filename", asset) or "")


# --- sphinx-design's style sheet, per page -----------------------------------------------


@dataclass(slots=True)
class Rule:
    """A rule of a style sheet, or an at-rule holding rules (``@media``)."""

    prelude: str
    body: str = ""
    #: the rules inside a ``@media`` or ``@supports``
    rules: list[Rule] | None = None
    #: the sd- classes each selector of ``prelude`` names (plain rules only)
    selectors: list[frozenset[str]] = field(default_factory=list)


def parse_css(text: str, classes: re.Pattern[str] = _SD_CLASS) -> list[Rule]:
    """The top-level rules of ``text`` (minified CSS, or CSS whose comments hold no
    braces: no braces inside strings); nested ``@media`` / ``@supports`` rules are
    parsed too.  A rule's selectors are known by the classes they name that match
    ``classes`` (sd- classes by default)."""
    rules, _ = _parse_block(_COMMENT.sub("", text), 0, classes)
    return rules


def _parse_block(text: str, at: int, classes: re.Pattern[str]) -> tuple[list[Rule], int]:
    rules: list[Rule] = []
    while at < len(text):
        close = text.find("}", at)
        opening = text.find("{", at)
        if close != -1 and (opening == -1 or close < opening):
            return rules, close + 1  # the end of the enclosing block
        if opening == -1:
            break
        prelude = text[at:opening].strip()
        if prelude.startswith(("@media", "@supports")):
            inner, at = _parse_block(text, opening + 1, classes)
            rules.append(Rule(prelude, rules=inner))
            continue
        end = _matching_brace(text, opening)
        body = text[opening + 1 : end]
        selectors = []
        if not prelude.startswith("@"):
            selectors = [frozenset(classes.findall(part)) for part in prelude.split(",")]
        rules.append(Rule(prelude, body, selectors=selectors))
        at = end + 1
    return rules, len(text)


def _matching_brace(text: str, opening: int) -> int:
    close = text.find("}", opening)
    if close != -1 and text.find("{", opening + 1, close) == -1:
        return close  # a rule with no block inside: nearly all of them
    depth = 0
    for index in range(opening, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return len(text)


def css_for(rules: list[Rule], classes: set[str]) -> str:
    """The rules that elements with ``classes`` can match: a selector naming a class
    (of those :func:`parse_css` looked for) that no element of the page has matches
    nothing on it."""
    out: list[str] = []
    for rule in rules:
        if rule.rules is not None:
            inner = css_for(rule.rules, classes)
            if inner:
                out.append(f"{rule.prelude}{{{inner}}}")
        elif not rule.selectors or any(needed <= classes for needed in rule.selectors):
            out.append(f"{rule.prelude}{{{rule.body}}}")
    return "".join(out)


class DesignStyles:
    """sphinx-design's style sheet cut to the components of each page, one file per
    set of components, written into ``_static`` the first time a page needs it."""

    def __init__(self, source: Path, static: Path) -> None:
        self.rules = parse_css(source.read_text("utf8"))
        self.static = static
        self.files: dict[frozenset[str], str] = {}

    def for_page(self, body: str) -> str | None:
        """The style sheet for ``body`` (``_static/…``); None if it has no components."""
        classes = page_classes(body, "sd-")
        if not classes:
            return None
        key = frozenset(classes)
        if key not in self.files:
            text = css_for(self.rules, classes)
            digest = hashlib.sha256(text.encode("utf8")).hexdigest()[:12]
            name = f"envdeck-design-{digest}.css"
            _write(self.static / name, text)
            self.files[key] = f"_static/{name}"
        return self.files[key]


def _write(target: Path, text: str) -> None:
    if target.is_file():
        return  # named by its content: already there
    target.parent.mkdir(parents=True, exist_ok=True)
    # Whole or not at all: parallel writers (-j) may write the same file.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".envdeck-", suffix=".css")
    with os.fdopen(fd, "w", encoding="utf8") as out:
        out.write(text)
    os.chmod(tmp, 0o644)  # as the other static files, not mkstemp's 0600
    os.replace(tmp, target)


def design_styles(builder: Any) -> DesignStyles | None:
    """The builder's :class:`DesignStyles`, made on first use; None without sphinx-design."""
    if not hasattr(builder, "_envdeck_design_styles"):
        found = None
        for directory in builder.config.html_static_path:
            source = Path(builder.confdir, directory) / "sphinx-design.min.css"
            if source.is_file():
                found = DesignStyles(source, Path(builder.outdir) / "_static")
                break
        builder._envdeck_design_styles = found
    styles: DesignStyles | None = builder._envdeck_design_styles
    return styles


# --- reveal.js's speaker view, on demand ----------------------------------------------------

#: reveal.js's speaker view (69 KB) is loaded when it is first asked for: the S key,
#: ``?notes`` in the address, or a speaker window already open on another page of the
#: deck, whose heartbeat the plugin answers (it is handed on once the plugin is in).
LAZY_NOTES = """(Reveal.registerPlugin({id: "envdeck-notes", init: function (deck) {
  var loading = null;
  function load() {
    loading = loading || new Promise(function (done, failed) {
      var script = document.createElement("script");
      script.src = %(src)s;
      script.onload = done;
      script.onerror = failed;
      document.head.appendChild(script);
    }).then(function () {
      deck.registerPlugin(RevealNotes);
      return deck.getPlugin("notes");
    });
    return loading;
  }
  if (/receiver/i.test(location.search)) return;
  if (/(\\?|&)notes/i.test(location.search)) { load(); return; }
  function heartbeat(event) {
    var data = null;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (!data || data.namespace !== "reveal-notes" || data.type !== "heartbeat") return;
    window.removeEventListener("message", heartbeat);
    load().then(function () {
      window.dispatchEvent(new MessageEvent("message", {data: event.data, source: event.source}));
    });
  }
  window.addEventListener("message", heartbeat);
  deck.addKeyBinding({keyCode: 83, key: "S", description: %(description)s}, function () {
    load().then(function (notes) { notes.open(); });
  });
}}), {})"""


def lazy_notes_plugin(ctx: dict[str, Any], name: str) -> None:
    """Load the speaker view's plugin (``name``) on demand rather than with the page."""
    revealjs = ctx.get("revealjs")
    plugins = list(getattr(revealjs, "script_plugins", None) or [])
    notes = [p for p in plugins if p.name == name and not (p.options or "").strip("{} ")]
    if revealjs is None or not notes or "pathto" not in ctx:
        return
    page = copy.copy(revealjs)
    page.script_plugins = [p for p in plugins if p not in notes]
    ctx["revealjs"] = page
    src = json.dumps(ctx["pathto"](notes[0].src, 1))
    # reveal.js's help overlay (the ? key) lists the key with these words.
    description = json.dumps(_("Speaker notes view"))
    script = rjsmin.jsmin(LAZY_NOTES) % {"src": src, "description": description}
    ctx["revealjs_page_confs"] = [*ctx.get("revealjs_page_confs", []), script]


#: Small files written into the page rather than linked: a request costs a page more
#: time than these few kilobytes (Pygments' styles, only where there is code; the
#: deck's scripts, which must run before reveal.js anyway; its style sheet, and
#: sphinx-revealjs's 300 bytes for footnotes).  Only files that change with envdeck,
#: sphinx-revealjs or the configuration, which rewrite every page: a user's own file
#: stays linked, so that editing it needs no page written again.
INLINE = frozenset(
    {
        "_static/pygments.css",
        "_static/envdeck-deck.js",
        "_static/envdeck-split.js",
        "_static/envdeck-deck.css",
        "_static/sphinx-revealjs/css/footnotes.css",
    }
)

#: envdeck-split.js defines its plugin in the page's head, before reveal.js is
#: loaded; reveal.js queues a plugin registered before Reveal.initialize().
SPLIT_PLUGIN = "(window.EnvdeckSplit && Reveal.registerPlugin(EnvdeckSplit), {})"


#: What this module keeps on a deck builder while it writes pages.
_ON_BUILDER = ("_envdeck_design_styles", "_envdeck_pygments_rules", "_envdeck_inline")


def forget(builder: Any) -> None:
    """Drop what this module kept on ``builder``: its pages are written (made again
    if it writes more)."""
    for name in _ON_BUILDER:
        builder.__dict__.pop(name, None)


def pygments_css(builder: Any, text: str, body: str) -> str:
    """Pygments' style sheet cut to the rules that elements of ``body`` can match."""
    parsed = builder.__dict__.setdefault("_envdeck_pygments_rules", {})
    if text not in parsed:
        parsed.clear()
        parsed[text] = parse_css(text, _ANY_CLASS)
    return css_for(parsed[text], page_classes(body)) + "\n"


def inline_small_files(builder: Any, ctx: dict[str, Any], body: str) -> None:
    """Write the :data:`INLINE` files of a page into it, where they would be linked."""
    texts: dict[str, str] = builder.__dict__.setdefault("_envdeck_inline", {})

    def text_of(asset: Any) -> str | None:
        name = os.fspath(getattr(asset, "filename", "") or "")
        if name not in INLINE:
            return None
        if name not in texts:
            path = Path(builder.outdir, name)
            if not path.is_file():  # not copied yet: linked, as before
                return None
            texts[name] = path.read_text("utf8")
        if name == PYGMENTS_CSS:
            return pygments_css(builder, texts[name], body)
        return texts[name]

    css_tag, js_tag = ctx.get("css_tag"), ctx.get("js_tag")
    if css_tag is None or js_tag is None:
        return

    def css_or_inline(css: Any) -> str:
        text = text_of(css)
        return css_tag(css) if text is None else f"<style>\n{text}</style>"

    def js_or_inline(js: Any) -> str:
        text = text_of(js)
        return js_tag(js) if text is None else f"<script>\n{text}</script>"

    ctx["css_tag"], ctx["js_tag"] = css_or_inline, js_or_inline


def page_assets(builder: Any, ctx: dict[str, Any], notes_plugin: str) -> None:
    """Cut the style sheets and scripts of a page being written to what it uses."""
    body = ctx.get("body")
    if isinstance(body, str):  # a page of the deck (not genindex, not search)
        css_files = []
        for css in ctx["css_files"]:
            if not used_on_page(css, body):
                continue
            if DESIGN_CSS.search(asset_name(css)):
                styles = design_styles(builder)
                if styles is not None:
                    name = styles.for_page(body)
                    if name is None:
                        continue
                    # The same link (Sphinx's style sheet objects are immutable), to
                    # the page's cut.
                    css = type(css)(name, priority=css.priority, **css.attributes)
            css_files.append(css)
        ctx["css_files"] = css_files
        ctx["script_files"] = [js for js in ctx["script_files"] if used_on_page(js, body)]
        inline_small_files(builder, ctx, body)
    lazy_notes_plugin(ctx, notes_plugin)
    ctx["revealjs_page_confs"] = [*ctx.get("revealjs_page_confs", []), SPLIT_PLUGIN]
