"""Text envdeck puts in pages goes through its "envdeck" message catalogue."""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

CONF = """\
import os
extensions = ["envdeck"]
language = "de"

def setup(app):
    app.add_message_catalog("envdeck", os.path.join(os.path.dirname(__file__), "locales"))
"""

GERMAN = {
    "Instructor note": "Hinweis für Lehrende",
    "Fact": "Angabe",
    "Value": "Wert",
    "PASS": "BESTANDEN",
    "Page": "Seite",
    "Status": "Zustand",
    "This check is expected to {outcome} here.": "Hier soll diese Prüfung {outcome}.",
}

PAGE = """\
# Seite

:::{notes}
Sag das.
:::

```{envcheck} python
:expect: pass
```

```{envcheck-report} python
```
"""


def test_a_project_s_catalogue_translates_envdeck_s_words(build):
    catalog = Catalog(locale="de", domain="envdeck")
    for english, german in GERMAN.items():
        catalog.add(english, german)
    built = build({"index.md": PAGE}, conf=CONF)
    mo = built.srcdir / "locales/de/LC_MESSAGES/envdeck.mo"
    mo.parent.mkdir(parents=True)
    with mo.open("wb") as out:
        write_mo(out, catalog)
    built = build(None, freshenv=True)
    text = built.html().get_text(" ")
    for english, german in GERMAN.items():
        if "{outcome}" in german:
            german = german.format(outcome="pass")
        assert german in text, (english, german)
    assert "Instructor note" not in text and "Fact" not in text
    assert built.warnings == ""
