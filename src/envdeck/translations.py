"""envdeck's translatable text, as ``sphinx.ext.todo`` has it: one catalogue, "envdeck".

``_`` is for text envdeck puts in pages (a note's title, a table's headings), looked
up in the document's language; ``__`` is for log messages, in the console's.  envdeck
ships no catalogues: a project (or a later envdeck) adds one with
``app.add_message_catalog("envdeck", locale_dir)``, and until then the English text
is used.  Call them where the text is used, not at import, when no language is known.
"""

from __future__ import annotations

from sphinx.locale import get_translation

MESSAGE_CATALOG = "envdeck"

_page = get_translation(MESSAGE_CATALOG)
_console = get_translation(MESSAGE_CATALOG, "console")


# Without a catalogue Sphinx returns a lazy proxy, which docutils' nodes and
# strftime() do not take: the text is wanted now, as a str.
def _(message: str) -> str:
    return str(_page(message))


def __(message: str) -> str:
    return str(_console(message))
