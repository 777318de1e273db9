"""Passages on the pages, in Chromium against the real server: an entity page shows the spans of
its source documents that state it, marked, with the document linked; one click opens the source
text with that span highlighted and scrolled into view, in English and in Chinese. The new route
answers hostile parameters with 400 problem documents and unknown documents with 404.
Screenshots go to test-output/ (passages-*.png)."""

# ruff: noqa: RUF001 (the Chinese page's full-width punctuation)

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
RPM = "tdag-2025-rpm-coordination"
RPM_TITLE = "Outcomes of the RPM Coordination Meeting for WTDC-25"
DESCRIPTION = (
    "Assistance in undertaking a comprehensive assessment of the human and institutional "
    "capacity and regulatory environment related to digital innovation, emerging technologies, "
    "and SMMEs at national and regional levels."
)

pytestmark = [pytest.mark.server]


def in_view(page, selector: str) -> bool:
    """Whether the element is within the window as it is scrolled now."""
    return page.locator(selector).evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_expected_result_to_its_sentence_in_one_click(server, browser):
    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/id/initiative/WTDC-25/AFR4/result/1", wait_until="load")
    section = page.locator("section.passages")
    assert section.locator("h2").inner_text() == "Passages in the source documents (1)"
    assert section.locator("h3 a").inner_text() == RPM_TITLE
    assert section.locator("h3 a").get_attribute("href") == f"/id/document/{RPM}"
    assert section.locator("mark").all_inner_texts() == [DESCRIPTION]
    quote = section.locator("p.quote").inner_text()
    assert (
        quote == f"…start-ups. Expected results: 1. {DESCRIPTION} 2. Support Member States in dev…"
    )
    link = section.locator("p.stated a", has_text="characters")
    assert link.inner_text() == "characters 52,402–52,618 of the source text"
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "passages-entity.png"), full_page=True)

    link.click()
    page.wait_for_load_state("load")
    assert page.url == f"{server}/sources/{RPM}?start=52402&end=52618#passage"
    assert page.locator("h1").inner_text() == RPM_TITLE
    assert page.locator("mark#passage").inner_text() == DESCRIPTION
    assert page.locator("pre.source-text mark").count() == 1
    assert in_view(page, "mark#passage")
    assert page.evaluate("window.scrollY") > 1000
    page.screenshot(path=str(OUTPUT / "passages-source.png"))
    page.close()


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_chinese_page_and_chinese_document(server, browser):
    """In Chinese (chosen with the language switch, as a reader does): the office's Chinese name
    marked in the Council report; the folded passages open; the source page says which
    characters it highlights, in Chinese."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/lang/zh?next=/id/office/ro-afr", wait_until="load")
    section = page.locator("section.passages")
    assert section.locator("h2").inner_text() == "来源文件中的段落 (18)"
    first = section.locator("h3").first
    assert first.inner_text() == "国际电联区域代表处对履行国际电联职责做出的贡献 (7)"
    marks = section.locator("ol.passages").first.locator("mark").all_inner_texts()
    assert marks == ["国际电联非洲区域代表处", "RO-AFR", "RO-AFR"]
    more = section.locator("details.more").first
    assert more.locator("summary").inner_text() == "本文件中另有 4 个段落"
    assert not more.locator("mark").first.is_visible()
    more.locator("summary").click()
    assert more.locator("mark").all_inner_texts() == ["RO-AFR"] * 4
    english = section.locator('p.quote[lang="en"]')
    assert english.count() > 0
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "passages-entity-zh.png"), full_page=True)

    section.locator("p.stated a", has_text="来源文本第 3,392–3,403 个字符").click()
    page.wait_for_load_state("load")
    assert page.locator("mark#passage").inner_text() == "国际电联非洲区域代表处"
    assert page.locator("pre.source-text").get_attribute("lang") == "zh"
    assert (
        page.locator("p.span-note").inner_text() == "第 3,392–3,403 个字符已突出显示。 转到该段落"
    )
    assert in_view(page, "mark#passage")
    page.screenshot(path=str(OUTPUT / "passages-source-zh.png"))
    page.close()


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_source_page_on_a_phone(server, browser):
    """At 390 pixels the text wraps: the page does not scroll sideways."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server}/sources/{RPM}?start=52402&end=52618#passage", wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    assert in_view(page, "mark#passage")
    page.screenshot(path=str(OUTPUT / "passages-source-phone.png"))
    page.close()


def test_the_whole_text_without_a_span(server):
    response = httpx.get(f"{server}/sources/{RPM}")
    assert response.status_code == 200
    assert "<mark" not in response.text.split('<pre class="source-text"')[1]
    text = (ROOT / "data" / "sources" / f"{RPM}.txt").read_text(encoding="utf-8")
    assert f"{len(text):,} characters" in response.text


def test_an_empty_span_and_the_last_character(server):
    text = (ROOT / "data" / "sources" / f"{RPM}.txt").read_text(encoding="utf-8")
    for start, end in ((0, 0), (len(text) - 1, len(text))):
        response = httpx.get(f"{server}/sources/{RPM}", params={"start": start, "end": end})
        assert response.status_code == 200, (start, end)
        assert '<mark id="passage">' in response.text


BAD = [
    ({"start": "x", "end": "3"}, "start", "Input should be a valid integer"),
    ({"start": "1.5", "end": "3"}, "start", "Input should be a valid integer"),
    ({"start": "-1", "end": "3"}, "start", "Input should be greater than or equal to 0"),
    ({"start": "5", "end": "3"}, "start", "start must not be after end"),
    ({"start": "0", "end": "63192"}, "end", "the text has 63191 characters"),
    ({"start": "0", "end": "9" * 40}, "end", "the text has 63191 characters"),
    ({"start": "5"}, "end", "give both start and end, or neither"),
    ({"end": "5"}, "start", "give both start and end, or neither"),
]


@pytest.mark.parametrize(("params", "parameter", "message"), BAD)
def test_bad_spans_are_400_problem_documents(server, params, parameter, message):
    response = httpx.get(f"{server}/sources/{RPM}", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Bad Request"
    assert [e["parameter"] for e in problem["errors"]] == [parameter]
    assert problem["errors"][0]["message"].startswith(message)


@pytest.mark.parametrize("slug", ["no-such-report", "README", f"{RPM}.txt", "%00", "%2E%2E"])
def test_unknown_documents_are_404(server, slug):
    response = httpx.get(f"{server}/sources/{slug}", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "There is no source document" in response.text or "There is no page" in response.text
    assert "Traceback" not in response.text


def test_no_path_leads_out_of_the_sources(server):
    for path in ("/sources/..%2Fsources%2FREADME.md", "/sources/../pyproject.toml"):
        response = httpx.get(server + path, params={"start": 0, "end": 1})
        assert response.status_code == 404, path
        assert "tool.itugraph" not in response.text and "SHA-256" not in response.text
