"""envdeck's translatable text, as ``sphinx.ext.todo`` has it: one catalogue, "envdeck".

``_`` is for text envdeck puts in pages (a note's title, a table's headings), looked
up in the document's language; ``__`` is for log messages, in the console's (the
locale's ``LC_MESSAGES``, as Sphinx's own), and ``n__`` for a log message whose
words depend on a number.  envdeck ships no catalogues: a project (or a later
envdeck) adds one with ``app.add_message_catalog("envdeck", locale_dir)``, and until
then the English text is used.  Call them where the text is used, not at import,
when no language is known.

A message is the catalogue's key, so it is the template as written, with its
values filled in after the lookup: ``__("... {name!r} ...").format(name=...)``,
never an f-string.  ``pybabel extract -k __ -k n__:1,2 -k warn`` lists them all
(``_`` and ``N_`` are its defaults; ``warn`` finds the envcheck directives'
``self.warn("...")``, which looks its message up itself).
"""

from __future__ import annotations

from sphinx.locale import get_translation, get_translator

MESSAGE_CATALOG = "envdeck"

_page = get_translation(MESSAGE_CATALOG)
_console = get_translation(MESSAGE_CATALOG, "console")


# Without a catalogue Sphinx returns a lazy proxy, which docutils' nodes and
# strftime() do not take: the text is wanted now, as a str.
def _(message: str) -> str:
    return str(_page(message))


def __(message: str) -> str:
    return str(_console(message))


def N_(message: str) -> str:
    """``message`` itself: marks a table's text for extraction where it is written; it
    is looked up (``_(table[key])``) where it is used."""
    return message


def n__(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` for ``n``, as the console's catalogue has them.

    Sphinx's ``get_translation`` has no plural forms; its translator (a
    ``NullTranslations`` until a catalogue is added: English's rule) has ``ngettext``.
    """
    return get_translator(MESSAGE_CATALOG, "console").ngettext(singular, plural, n)
