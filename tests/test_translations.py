"""envdeck's words go through its "envdeck" message catalogue: a page's in the
document's language, the console's in the locale's, the deck's "(cont.)" too; and
no message is written where the catalogue cannot look it up."""

from __future__ import annotations

import ast
import locale
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from browser_support import LAUNCH_FLAGS, chromium_or_skip, open_deck, serve
from test_slides import deck_config

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
    "Default": "Voreinstellung",
}

#: Console messages: the same catalogue file, looked up in the locale's language.
GERMAN_CONSOLE = {
    "envcheck: invalid :expect: {expect!r}; use one of {choices}": (
        "envcheck: ungültiges :expect: {expect!r}; erlaubt ist eins von {choices}"
    ),
    "{count} cached": "{count} zwischengespeichert",
}
GERMAN_PLURALS = {
    (
        "envdeck: {count} check ran ({tally}) in {seconds:.1f} s; {cached}",
        "envdeck: {count} checks ran ({tally}) in {seconds:.1f} s; {cached}",
    ): (
        "envdeck: {count} Prüfung lief ({tally}) in {seconds:.1f} s; {cached}",
        "envdeck: {count} Prüfungen liefen ({tally}) in {seconds:.1f} s; {cached}",
    ),
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

```{envdeck-config} envdeck_timestamps
```

Lade {envdeck-checker}`envdeck-check.pyz` herunter.
"""


def write_catalogue(srcdir: Path, messages: dict[Any, Any]) -> None:
    """A German ``envdeck.mo`` where CONF's setup() adds it (before the build)."""
    catalog = Catalog(locale="de", domain="envdeck")
    for english, german in messages.items():
        catalog.add(english, german)
    mo = srcdir / "locales/de/LC_MESSAGES/envdeck.mo"
    mo.parent.mkdir(parents=True)
    with mo.open("wb") as out:
        write_mo(out, catalog)


def console_in(monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    """The console in ``language``, as under ``LC_MESSAGES=<language>.UTF-8``.

    Sphinx looks a console catalogue up in ``locale.getlocale(LC_MESSAGES)`` when it
    is added; the test machines have no German locale to switch to, so the answer
    is given.  Everything from there on is Sphinx's own lookup of the .mo file."""
    real = locale.getlocale

    def getlocale(category: int = locale.LC_CTYPE) -> tuple[str | None, str | None]:
        return (language, "UTF-8") if category == locale.LC_MESSAGES else real(category)

    monkeypatch.setattr(locale, "getlocale", getlocale)


def test_a_project_s_catalogue_translates_envdeck_s_words(build, tmp_path):
    checker_title = {"Download the environment checker": "Das Prüfprogramm herunterladen"}
    write_catalogue(tmp_path / "src", {**GERMAN, **checker_title})
    built = build({"index.md": PAGE}, conf=CONF)
    soup = built.html()
    assert soup.select_one("a.download")["title"] == "Das Prüfprogramm herunterladen"
    text = soup.get_text(" ")
    for english, german in GERMAN.items():
        if "{outcome}" in german:
            german = german.format(outcome="pass")
        assert german in text, (english, german)
    assert "Instructor note" not in text and "Fact" not in text
    assert built.warnings == ""


BAD_EXPECT = """\
# Seite

```{envcheck} python
:expect: glory
```
"""


def test_warnings_and_the_build_s_summary_follow_the_console_s_language(
    build, tmp_path, monkeypatch
):
    console_in(monkeypatch, "de_DE")
    write_catalogue(tmp_path / "src", {**GERMAN_CONSOLE, **GERMAN_PLURALS})
    built = build({"index.md": BAD_EXPECT}, conf=CONF)
    [warning] = built.warning_lines()
    assert warning.endswith(
        "envcheck: ungültiges :expect: 'glory'; erlaubt ist eins von pass, warn, fail, skip "
        "[envdeck.directive]"
    ), warning
    # n__: the catalogue's singular for one check.
    assert re.search(
        r"envdeck: 1 Prüfung lief \(1 pass\) in \d+\.\d s; 0 zwischengespeichert", built.status
    ), built.status


def test_in_an_english_console_warnings_stay_english(build, tmp_path, monkeypatch):
    # The same German project, built where the console's locale is English: the
    # warnings are English, byte for byte as without a catalogue.
    console_in(monkeypatch, "en_US")
    write_catalogue(tmp_path / "src", {**GERMAN_CONSOLE, **GERMAN_PLURALS})
    built = build({"index.md": BAD_EXPECT}, conf=CONF)
    [warning] = built.warning_lines()
    assert warning.endswith(
        "envcheck: invalid :expect: 'glory'; use one of pass, warn, fail, skip [envdeck.directive]"
    ), warning
    assert "envdeck: 1 check ran (1 pass) in " in built.status


# --- the deck's "(cont.)" --------------------------------------------------------------

LONG_SLIDE = "# Lang\n\n## Viele Punkte\n\n" + "".join(
    f"- Punkt {i}, der eine eigene Zeile braucht\n" for i in range(1, 41)
)


DECK_WORDS = {
    "(cont.)": "(Forts.)",
    "Lessons": "Lektionen",
    "Back to {link}": "Zurück zu {link}",
    "The end": "Ende",
}


def test_the_deck_s_words_are_in_the_page_s_language(build, tmp_path):
    write_catalogue(tmp_path / "src", DECK_WORDS)
    files = {"index.md": "# Kurs\n\n```{toctree}\nlang\n```\n", "lang.md": LONG_SLIDE}
    built = build(files, conf=CONF, confoverrides={"slide": "1"})
    assert deck_config(built.html("lang"))["envdeckContinued"] == "(Forts.)"
    # The closing slides: the index lists its lessons, the last lesson leads back.
    assert built.html().select_one(".envdeck-closing-slide h2").get_text() == "Lektionen"
    closing = built.html("lang").select_one(".envdeck-closing-slide")
    assert closing.h2.get_text() == "Ende"
    assert closing.p.get_text() == "Zurück zu Kurs"
    assert built.warnings == ""


def test_an_english_deck_s_cont_is_english(build):
    built = build({"index.md": LONG_SLIDE}, confoverrides={"slide": "1"})
    assert deck_config(built.html())["envdeckContinued"] == "(cont.)"


@pytest.mark.browser
def test_a_continued_slide_is_titled_in_the_page_s_language(build, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = chromium_or_skip()
    write_catalogue(tmp_path / "src", {"(cont.)": "(Forts.)"})
    built = build({"index.md": LONG_SLIDE}, conf=CONF, confoverrides={"slide": "1"})
    with serve(built.outdir) as base, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            open_deck(page, f"{base}/index.html")
            headings = page.evaluate(
                "[...document.querySelectorAll('section.envdeck-continued h2')]"
                ".map((h) => h.textContent)"
            )
        finally:
            browser.close()
    assert headings, "the long slide was not continued"
    assert set(headings) == {"Viele Punkte (Forts.)"}


# --- every message envdeck logs is a catalogue key -------------------------------------

SRC = Path(__file__).resolve().parent.parent / "src" / "envdeck"
#: the logging calls: ``warn()`` (also as ``self.warn``) and ``LOGGER.<level>()``
LOG_METHODS = frozenset({"debug", "verbose", "info", "warning", "error", "critical", "exception"})
TRANSLATORS = frozenset({"_", "__", "n__"})
#: what a catalogue key may be: a string, or a name or table entry that holds one
KEY_TYPES = (ast.Constant, ast.Name, ast.Subscript)


def _is_log_call(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "warn"
    if isinstance(func, ast.Attribute):
        if func.attr == "warn":
            return True
        return (
            isinstance(func.value, ast.Name)
            and func.value.id in ("LOGGER", "logger")
            and func.attr in LOG_METHODS
        )
    return False


def _untranslated(expr: ast.expr) -> bool:
    """Text written here and not looked up: a string, an f-string, ``"..." % x``,
    ``"..." + x`` or ``"...".format(...)`` outside ``__()``."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, ast.JoinedStr):
        return True
    if isinstance(expr, ast.BinOp):
        return _untranslated(expr.left) or _untranslated(expr.right)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        return expr.func.attr == "format" and _untranslated(expr.func.value)
    return False


def untranslated_messages() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] == "checks":  # Sphinx-free: its texts stay English
            continue
        for node in ast.walk(ast.parse(path.read_text("utf8"))):
            if isinstance(node, ast.JoinedStr):
                # pybabel extract does not look inside an f-string.
                found += [
                    f"{relative}:{node.lineno}: {ast.unparse(inner)[:70]} in an f-string"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in {*TRANSLATORS, "N_"}
                ]
                continue
            if not isinstance(node, ast.Call):
                continue
            where = f"{relative}:{node.lineno}"
            func = node.func
            if isinstance(func, ast.Name) and func.id in TRANSLATORS:
                # A catalogue key is the text as written, never built at run time
                # (n__'s third argument is the number).
                keys = node.args[:2] if func.id == "n__" else node.args[:1]
                if any(not isinstance(key, KEY_TYPES) for key in keys):
                    found.append(f"{where}: {ast.unparse(node)[:70]}")
                continue
            if not _is_log_call(node):
                continue
            message = node.args[0] if node.args else None
            if message is None:
                continue
            # envcheck's self.warn() looks its template up itself, then fills it in.
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "self"
                and isinstance(message, ast.Constant)
            ):
                continue
            if _untranslated(message):
                found.append(f"{where}: {ast.unparse(message)[:70]}")
    return found


def test_every_logged_message_goes_through_the_catalogue():
    assert untranslated_messages() == []


def test_pybabel_extract_finds_every_message_these_tests_translate():
    # The command the docs give a translator: `pybabel extract -k __ -k n__:1,2 -k warn`.
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = {**DEFAULT_KEYWORDS, "__": None, "n__": (1, 2), "warn": None}
    extracted = list(extract_from_dir(str(SRC), keywords=keywords))
    found = {message for _file, _line, message, _comments, _context in extracted}
    for messages in (GERMAN, GERMAN_CONSOLE, GERMAN_PLURALS, DECK_WORDS):
        assert set(messages) <= found, set(messages) - found
    assert not [name for name, *_ in extracted if name.startswith("checks/")]
