"""The draft-to-adopted page of a region (``/versions/{region}``, issue 15), against the real
server and in Chromium: the region page links to it; it groups the region's initiatives by what
changed, each with its title, objective and documents as drafted and as adopted, word for word
from the canned query; in Chinese its own words are Chinese and the English texts marked so;
an unknown region is a 404 and a cycle that is not an IRI a 400. Screenshots: test-output/."""

# ruff: noqa: RUF001 (the Chinese page's full-width colon)

from __future__ import annotations

import re
from html import escape as html_escape
from pathlib import Path

import httpx
import pytest

from itugraph.queries import run_query
from itugraph.store import open_store

from .conftest import CHROMIUM

OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
RPM = "Outcomes of the RPM Coordination Meeting for WTDC-25"
BDT = "BDT initiatives to enhance and strengthen the Regional Presence"

pytestmark = [pytest.mark.server]


def test_the_page_states_what_the_query_answers(server):
    html = httpx.get(f"{server}/versions/AFR").text
    rows = list(run_query("initiatives-drafted-and-adopted", open_store(), region="AFR"))
    for row in rows:
        section = html[html.index(f">{row.code}</a></h3>") :].split("</table>")[0]
        for name, draft, adopted in (
            ("title", row.draftTitle, row.adoptedTitle),
            ("objective", row.draftObjective, row.adoptedObjective),
        ):
            cells = "".join(
                f"<td>{html_escape(str(text), quote=True) if text is not None else '—'}</td>"
                for text in (draft, adopted)
            )
            assert f'<tr><th scope="row">{name}</th>{cells}</tr>' in section, row.code
    headings = [line for line in html.splitlines() if line.startswith("<h2>")]
    assert headings == [
        "<h2>Changed <small>(2)</small></h2>",
        "<h2>Same <small>(0)</small></h2>",
        "<h2>Adopted only <small>(0)</small></h2>",
        "<h2>Draft only <small>(3)</small></h2>",
    ]
    changed = html[html.index("<h2>Changed") : html.index("<h2>Same")]
    assert re.findall(r'<h3><a href="/id/initiative/WTDC-25/(\w+)">\1</a></h3>', changed) == [
        "AFR2",
        "AFR4",
    ]
    assert f"<td>{RPM}</td><td>{BDT}</td>" in changed


def test_the_region_page_links_to_it_and_bad_input_is_refused(server):
    region = httpx.get(f"{server}/id/region/EUR").text
    assert '<a href="/versions/EUR">Its initiatives as drafted and as adopted</a>' in region
    assert "/versions/" not in httpx.get(f"{server}/id/office/ro-eur").text
    assert httpx.get(f"{server}/versions/XYZ").status_code == 404
    assert httpx.get(f"{server}/versions/AFR", params={"cycle": "<bad iri>"}).status_code == 400
    older = httpx.get(f"{server}/versions/AFR", params={"cycle": "conference/WTDC-22"}).text
    assert "No document states an initiative of this region and cycle" in older


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_from_the_region_page_to_the_comparison_in_both_languages(server, browser):
    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/id/region/EUR", wait_until="load")
    page.get_by_role("link", name="Its initiatives as drafted and as adopted").click()
    page.wait_for_load_state("load")
    assert page.url == f"{server}/versions/EUR"
    assert page.locator("h1").inner_text() == "EUR: regional initiatives as drafted and as adopted"
    assert page.locator("section.versions h2").all_inner_texts() == [
        "Changed (0)",
        "Same (2)",
        "Adopted only (0)",
        "Draft only (3)",
    ]
    same = page.locator("section.versions").nth(1)
    assert same.locator("h3").all_inner_texts() == ["EUR3", "EUR5"]
    first = same.locator("table").first
    assert first.locator("tr").nth(1).locator("td").all_inner_texts() == [
        "Digital inclusion and skills development",
        "Digital inclusion and skills development",
    ]
    assert first.locator("tr").nth(1).locator("td").first.is_visible()
    page.screenshot(path=str(OUTPUT / "versions-eur.png"), full_page=False)
    page.goto(f"{server}/versions/EUR?lang=zh", wait_until="load")
    assert page.locator("h1").inner_text() == "EUR：区域举措的草案与通过文本"
    assert page.locator("section.versions h2").first.inner_text() == "有改动 (0)"
    english = page.locator("table.versions td span[lang=en]").first
    assert english.inner_text() == "Digital inclusion and skills development"
    page.screenshot(path=str(OUTPUT / "versions-eur-zh.png"), full_page=False)
    page.close()
