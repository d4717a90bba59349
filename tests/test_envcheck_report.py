"""``envcheck-report``: cards of checks and a table of every envcheck in the project."""

from __future__ import annotations

import re

from envdeck.checks import check_names

INDEX = "# Home\n\n```{toctree}\n:glob:\n\nreport\npages/*\n```\n"
REPORT = "# Report\n\n```{envcheck-report} python platform\n```\n"


def envcheck(name: str, *options: str) -> str:
    return "\n".join([f"```{{envcheck}} {name}", *options, "```", ""])


def page(title: str, *blocks: str) -> str:
    return f"# {title}\n\n" + "\n".join(blocks)


def table_rows(html) -> list[list[str]]:
    return [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in html.select("table.envdeck-report-table tbody tr")
    ]


def test_report_cards_and_table_link_every_envcheck(build):
    built = build(
        {
            "index.md": INDEX,
            "report.md": REPORT,
            "pages/one.md": page("First lesson", envcheck("python", ":title: Our Python")),
            "pages/two.md": page(
                "Second lesson",
                envcheck("platform"),
                envcheck("packages", ":packages: envdeck-surely-not-installed", ":expect: fail"),
            ),
        }
    )
    assert built.warnings == ""
    report = built.html("report")
    cards = report.select(".envdeck-report-cards .sd-row > .sd-col > .sd-card.envdeck-check-card")
    titles = [card.select_one(".sd-card-title").get_text(" ", strip=True) for card in cards]
    assert len(titles) == 2
    assert titles[0].startswith("PASS") and "Python" in titles[0]
    rows = table_rows(report)
    assert rows == [
        ["First lesson", "python Our Python", "PASS"],
        ["Second lesson", "platform " + rows[1][1].split(" ", 1)[1], rows[1][2]],
        ["Second lesson", rows[2][1], "FAIL (expected)"],
    ]
    assert rows[2][1].startswith("packages")
    # each page link points at the envcheck's own block
    for link in report.select("table.envdeck-report-table a.reference"):
        doc, anchor = link["href"].split("#")
        target = built.html(doc.removesuffix(".html")).find(id=anchor)
        assert target is not None and "envdeck-check" in target["class"]


def test_report_without_names_shows_every_check(build):
    built = build({"index.md": page("All", "```{envcheck-report}\n```\n")})
    cards = built.html().select(".envdeck-report-cards .envdeck-check-card")
    assert len(cards) == len(check_names())
    assert built.html().select_one(".envdeck-report-empty").get_text() == (
        "No page shows an envcheck."
    )


def test_report_without_its_table_or_its_cards(build):
    built = build(
        {
            "index.md": INDEX,
            "report.md": page(
                "Report",
                "```{envcheck-report} python platform\n:no-table:\n```\n",
                "```{envcheck-report}\n:no-cards:\n```\n",
            ),
            "pages/one.md": page("First lesson", envcheck("venv")),
        },
    )
    assert built.warnings == ""
    first, second = built.html("report").select("div.envdeck-report")
    assert len(first.select(".envdeck-check-card")) == 2 and not first.select("table")
    assert not second.select(".envdeck-check-card")
    [row] = table_rows(second)
    assert row[0] == "First lesson" and row[1].startswith("venv")
    # without cards, the report runs no check of its own: python, platform, venv ran
    assert "envdeck: 3 checks ran" in built.status


def test_report_bad_options_are_typed_warnings(build):
    report = "```{envcheck-report} python\n:no-tables:\n:no-cards: yes\n```\n"
    built = build({"index.md": page("Some", report)})
    lines = [line for line in built.warning_lines() if "WARNING" in line]
    assert len(lines) == 2, lines
    assert all("index.md:3:" in line and "[envdeck.directive]" in line for line in lines)
    assert ":no-tables:" in lines[0] and ":no-table:" in lines[0]
    assert ":no-cards: takes no value" in lines[1]
    # the flag still holds; the misspelt one is ignored
    assert not built.html().select(".envdeck-check-card")
    assert built.html().select(".envdeck-report-empty")  # the table part, with no envcheck


def test_report_with_an_unknown_name_warns_and_shows_the_rest(build):
    built = build({"index.md": page("Some", "```{envcheck-report} python gpus\n```\n")})
    [line] = [line for line in built.warning_lines() if "WARNING" in line]
    assert "index.md:3:" in line and "'gpus'" in line and "[envdeck.directive]" in line
    assert "gpu" in line  # the valid names
    assert len(built.html().select(".envdeck-report-cards .envdeck-check-card")) == 1


def test_report_follows_pages_added_and_removed_in_incremental_builds(build):
    first = build(
        {
            "index.md": INDEX,
            "report.md": REPORT,
            "pages/one.md": page("First lesson", envcheck("python")),
        }
    )
    assert [row[0] for row in table_rows(first.html("report"))] == ["First lesson"]

    (first.srcdir / "pages" / "two.md").write_text(page("New lesson", envcheck("python")), "utf8")
    added = build(None, freshenv=False)
    assert "report" in re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", added.status)
    assert [row[0] for row in table_rows(added.html("report"))] == ["First lesson", "New lesson"]

    (first.srcdir / "pages" / "one.md").unlink()
    removed = build(None, freshenv=False)
    assert [row[0] for row in table_rows(removed.html("report"))] == ["New lesson"]


FILES = {"index.md": INDEX, "report.md": REPORT, "pages/one.md": page("One", envcheck("python"))}


def test_report_in_slide_mode(build):
    deck = build(FILES, confoverrides={"slide": True})
    assert deck.warnings == ""
    assert deck.html("report").select(".envdeck-report-cards .sd-card")
    assert deck.html("report").select("table.envdeck-report-table .envdeck-badge-pass")


def test_report_in_latex(build):
    latex = build(FILES, buildername="latex")
    assert latex.warnings == ""
    [tex] = list(latex.outdir.glob("*.tex"))
    text = tex.read_text("utf8")
    assert "PASS" in text
    # the table's page link is a hyperlink to the envcheck's label in LaTeX
    assert re.search(r"\\hyperref\[\\detokenize\{pages/one:envcheck-pages-one-\d+\}\]", text)
