"""The interactive API documentation (/docs, the vendored Swagger UI 5) and the favicon, as a
browser renders them: `itugraph serve` on a free loopback port, driven in Chromium."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REGIONS_OPERATION = "#operations-canned_queries-query_regions_api_queries_regions_get"
REGIONS = [
    ("AFR", "Africa", "非洲区域"),
    ("AMS", "Americas", "美洲区域"),
    ("ARB", "Arab States", "阿拉伯国家区域"),
    ("ASP", "Asia and the Pacific", "亚太区域"),
    ("CIS", "Commonwealth of Independent States", "独联体国家区域"),
    ("EUR", "Europe", "欧洲区域"),
]

pytestmark = [
    pytest.mark.server,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)"),
]


def open_docs(browser, server: str, width: int, height: int):
    """A page showing /docs once Swagger UI has rendered its operations, and the URLs of every
    request the page makes (recorded from before it loads)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    failures: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: failures.append(f"failed {request.url}"))
    page.on("pageerror", lambda error: failures.append(f"script error {error}"))

    def unsuccessful(response) -> None:
        if response.status >= 400:
            failures.append(f"{response.status} {response.url}")

    page.on("response", unsuccessful)
    page.goto(server + "/docs", wait_until="load")
    assert failures == []
    # Swagger UI shows either the operations or why it cannot (.version-pragma: "Unable to
    # render this definition", as 4.x did for OpenAPI 3.1).
    page.wait_for_selector(".opblock, .version-pragma, .errors-wrapper", timeout=30_000)
    assert page.locator(".version-pragma, .errors-wrapper").count() == 0, page.inner_text("body")
    assert failures == []
    return page, requests


def documented_operations(server: str) -> set[tuple[str, str]]:
    with urllib.request.urlopen(server + "/openapi.json", timeout=30) as response:
        document = json.load(response)
    assert document["openapi"] == "3.1.0"
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }


def only_loopback(requests: list[str]) -> None:
    assert requests, "the page made no request at all"
    hosts = {urlsplit(url).hostname for url in requests if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, [url for url in requests if "127.0.0.1" not in url]


def test_docs_render_every_operation_and_try_it_out(browser, server):
    from playwright.sync_api import expect

    page, requests = open_docs(browser, server, 1280, 900)
    assert page.title() == "itugraph API"
    assert page.locator(".errors-wrapper").count() == 0
    assert "Unable to render this definition" not in page.inner_text("body")
    expect(page.locator(".information-container .title")).to_contain_text("itugraph")
    expect(page.locator(".information-container .title")).to_contain_text("OAS 3.1")

    blocks = page.locator(".opblock")
    rendered = {
        (
            block.locator(".opblock-summary-method").inner_text(),
            block.locator(".opblock-summary-path").get_attribute("data-path"),
        )
        for block in blocks.all()
    }
    assert rendered == documented_operations(server)
    for method, path in [("GET", "/sparql"), ("POST", "/sparql"), ("GET", "/api/queries/regions")]:
        block = page.locator(
            f'.opblock-{method.lower()}:has(.opblock-summary-path[data-path="{path}"])'
        )
        expect(block).to_be_visible()

    operation = page.locator(REGIONS_OPERATION)
    expect(operation.locator(".opblock-summary-path")).to_have_text("/api/queries/regions")
    expect(operation.locator(".opblock-summary-description")).to_have_text("BDT regions")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table tbody tr.response")
    expect(live.locator(".response-col_status")).to_have_text("200", timeout=30_000)
    expect(operation.locator(".request-url pre")).to_have_text(
        f"{server}/api/queries/regions?limit=100&offset=0&format=json"
    )
    body_block = live.locator(".response-col_description .highlight-code pre.microlight")
    expect(body_block).to_be_visible()
    body = json.loads(body_block.inner_text())
    assert body["query"] == "regions"
    assert body["variables"] == ["region", "code", "labelEn", "labelZh"]
    assert [
        (row["code"]["value"], row["labelEn"]["value"], row["labelZh"]["value"])
        for row in body["rows"]
    ] == REGIONS
    headers = live.locator(".response-col_description .headerline").all_inner_texts()
    assert "content-type: application/json" in [line.strip() for line in headers]

    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "docs.png"), full_page=True)
    only_loopback(requests)
    assert f"{server}/api/queries/regions?limit=100&offset=0&format=json" in requests
    page.close()


def test_docs_on_a_phone(browser, server):
    from playwright.sync_api import expect

    page, requests = open_docs(browser, server, 390, 844)
    expect(page.locator(".information-container .title")).to_contain_text("itugraph")
    first = page.locator(".opblock").first
    expect(first.locator(".opblock-summary-method")).to_have_text("GET")
    expect(first.locator(".opblock-summary-path")).to_have_text("/sparql")
    box = first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") == 390  # no sideways scroll
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "docs-phone.png"), full_page=True)
    only_loopback(requests)
    page.close()


def test_favicon(browser, server):
    with urllib.request.urlopen(server + "/favicon.ico", timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/x-icon"
        assert response.read(4) == b"\x00\x00\x01\x00"  # the ICO header

    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server + "/")
    icon = page.locator('link[rel="icon"]')
    assert icon.get_attribute("href") == "/static/favicon.svg"
    assert icon.get_attribute("type") == "image/svg+xml"
    sizes = page.evaluate(
        """async () => {
            const size = async (src) => {
                const image = new Image();
                image.src = src;
                await image.decode();
                return [image.naturalWidth, image.naturalHeight];
            };
            return [await size("/static/favicon.svg"), await size("/favicon.ico")];
        }"""
    )
    assert sizes == [[32, 32], [48, 48]]
    only_loopback(requests)
    page.close()
