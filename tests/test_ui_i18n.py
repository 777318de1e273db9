"""In Chromium against the real server: from the home page, with clicks only, answer "which
initiatives implement Resolution 37 in Africa, and which document says so?", in English and, after
switching to 中文, in Chinese; then walk to a region and to one of its initiatives. Screenshots go
to test-output/ (home, home-zh, region-zh, initiative-zh at 1280 wide, home-phone at 390)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM = Path("/usr/bin/chromium")
RESOLUTION = "WTDC Resolution 37"
DOCUMENT = "BDT initiatives to enhance and strengthen the Regional Presence"
DTC_INITIATIVE = "Digital Transformation Centres Initiative"
AFR1 = (
    "AFR1 — Meaningful connectivity and resilient infrastructure for sustainable development "
    "including emergency telecommunications and multi-hazard early warning systems in the Africa "
    "region"
)

pytestmark = [
    pytest.mark.server,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
]


def heading(page) -> str:
    """The page's h1 without the mark of a label in another language."""
    return page.locator("h1").evaluate("h => h.firstChild.textContent")


def answer_resolution_37_in_africa(page, chinese: bool) -> None:
    """From the home page: the resolution, its African contributions, the stating document; in
    Chinese, the English names carry the fallback mark."""
    page.locator("ul.chips a", has_text=RESOLUTION).click()
    assert heading(page) == RESOLUTION
    africa = page.locator("section.contributions").filter(
        has=page.locator('h3 a[href="/id/region/AFR"]')
    )
    rows = africa.locator("tr")
    assert rows.count() == 16
    first = rows.nth(1).locator("td")
    assert first.nth(0).locator("a").inner_text() == "Bridge the Digital Divide Sierra Leone"
    assert first.nth(2).locator("a").inner_text() == DTC_INITIATIVE
    assert first.nth(3).locator("a").inner_text() == DOCUMENT
    assert first.nth(3).locator(".fallback").count() == (1 if chinese else 0)
    header = [h.strip() for h in rows.nth(0).locator("th").all_inner_texts()]
    assert header == (
        ["内容", "类别", "通过", "来源"] if chinese else ["what", "kind", "through", "stated by"]
    )
    first.nth(3).locator("a").click()
    assert heading(page) == DOCUMENT
    assert page.locator('a[href="/graph/cwg-fhr-bdt-regional-presence"]').count() >= 1


def test_home_to_resolution_region_and_initiative_in_english_and_chinese(server, browser):
    OUTPUT.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    page.goto(server + "/")
    assert page.inner_text("h1") == "The ITU's regional presence"
    assert page.get_attribute("html", "lang") == "en"
    page.screenshot(path=str(OUTPUT / "home.png"), full_page=True)
    answer_resolution_37_in_africa(page, chinese=False)

    page.click("a.brand")
    page.locator("header .languages a", has_text="中文").click()
    assert page.get_attribute("html", "lang") == "zh"
    assert page.inner_text("h1") == "国际电联的区域代表性"
    nav = page.locator("header nav a").all_inner_texts()
    assert {"浏览", "常用问题", "覆盖情况", "本体"} <= set(nav)
    assert page.locator("header .languages .current").inner_text() == "中文"
    assert page.locator("section h2").first.inner_text() == "从区域开始"
    page.screenshot(path=str(OUTPUT / "home-zh.png"), full_page=True)

    answer_resolution_37_in_africa(page, chinese=True)
    assert page.get_attribute("html", "lang") == "zh"
    assert page.locator("h2", has_text="陈述").count() == 1

    page.click("a.brand")
    page.locator("article.region h3 a", has_text="非洲区域").click()
    assert page.inner_text("h1") == "非洲区域"
    assert page.get_attribute("html", "lang") == "zh"
    assert page.locator("p.other-label").inner_text() == "又称: Africa"
    assert page.locator("h2", has_text="引用此项的条目").count() == 1
    page.screenshot(path=str(OUTPUT / "region-zh.png"), full_page=True)

    page.locator("details.group a", has_text="AFR1 —").click()
    assert page.get_attribute("h1", "lang") == "en"
    assert heading(page) == AFR1
    assert page.locator("h1 .fallback").text_content() == "en"
    assert page.locator("h1 .fallback").is_visible()
    numbers = page.locator("ol.results li").evaluate_all("items => items.map(i => i.value)")
    assert numbers == list(range(1, 18))
    assert page.locator("h2", has_text="陈述").count() == 1
    assert page.locator('td a[href="/id/region/AFR"]').inner_text() == "非洲区域"
    page.screenshot(path=str(OUTPUT / "initiative-zh.png"), full_page=True)

    page.locator("header .languages a", has_text="English").click()
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1").startswith("AFR1 — Meaningful connectivity")
    context.close()


def test_home_page_on_a_phone(server, browser):
    OUTPUT.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".big-search input").is_visible()
    page.screenshot(path=str(OUTPUT / "home-phone.png"), full_page=True)
    context.close()
