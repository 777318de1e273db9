"""The SPARQL editor (/editor, the vendored YASGUI) as a browser renders and uses it, and the
examples it is given as the endpoint answers them: `itugraph serve` on a free loopback port,
driven in Chromium."""

from __future__ import annotations

import html
import json
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from itugraph.namespaces import BASE
from itugraph.queries import catalogue
from itugraph.store import PREFIXES

from .conftest import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ITU = PREFIXES["itu"]
ROWS = ".yasr table.dataTable tbody tr"

pytestmark = pytest.mark.server


def editor_config(server: str) -> dict:
    """What /editor hands its script: the JSON in #editor-config."""
    with urllib.request.urlopen(f"{server}/editor", timeout=30) as response:
        page = response.read().decode("utf-8")
    match = re.search(
        r'<script id="editor-config" type="application/json">(.*?)</script>', page, re.S
    )
    assert match, "the editor page carries its configuration"
    return json.loads(html.unescape(match.group(1)))


def select(server: str, query: str) -> list[dict]:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        f"{server}/sparql", data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["results"]["bindings"]


def test_editor_is_given_the_graphs_prefixes_and_every_canned_query(server):
    config = editor_config(server)
    assert config["prefixes"] == PREFIXES
    for name, namespace in PREFIXES.items():
        assert f"PREFIX {name}: <{namespace}>" in config["defaultQuery"]
    assert [e["name"] for e in config["examples"]] == list(catalogue())
    assert {"iri": f"{BASE}id/", "path": "/id/"} in config["local"]


def test_every_example_runs_as_shown(server):
    """The text the editor shows for each canned query runs on the endpoint as it stands."""
    for example in editor_config(server)["examples"]:
        select(server, example["text"])


def test_parameters_are_shown_not_silently_bound(server):
    examples = {e["name"]: e for e in editor_config(server)["examples"]}
    offices = examples["field-offices"]["text"]
    # The optional region is a commented-out VALUES line the user may switch on...
    assert re.search(r"^\s*# VALUES \?region \{ <[^>]*/region/ASP> \}$", offices, re.M)
    assert not re.search(r"^\s*VALUES \?region", offices, re.M)
    # ...so the example answers for every region, not ASP alone.
    regions = {row["region"]["value"].rsplit("/", 1)[-1] for row in select(server, offices)}
    assert len(regions) == 6
    # A required parameter is an active VALUES line holding the header's example value.
    search = examples["search"]["text"]
    assert re.search(r'^\s*VALUES \?phrase \{ "代表处" \}$', search, re.M)
    assert "# Parameter ?phrase (string, required)" in search
    assert not search.startswith("#+")


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser, server: str, width: int):
    """A page in a fresh context (no tabs kept from earlier), whose requests are recorded; any
    request not to the server is refused and listed in ``page.elsewhere``."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.requested = []
    page.elsewhere = []
    page.errors = []
    local = urllib.parse.urlsplit(server).netloc

    def route(route):
        url = route.request.url
        page.requested.append(url)
        if urllib.parse.urlsplit(url).netloc == local:
            route.continue_()
        else:
            page.elsewhere.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def editor_text(page) -> str:
    return page.evaluate("window.itugraphEditor.getTab().getQuery()")


def run_regions_example(page, server: str) -> None:
    page.goto(f"{server}/editor")
    page.wait_for_selector(".yasgui .CodeMirror")
    page.select_option("#examples", "regions")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(ROWS)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_editor_in_the_browser(server):
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    regions = catalogue()["regions"]
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = new_page(browser, server, 1280)
        page.goto(f"{server}/editor")
        page.wait_for_selector(".yasgui .CodeMirror")

        # inside the site's layout
        assert page.locator("header nav a[href='/editor']").count() == 1
        assert page.locator("header form.search input[name=q]").count() == 1

        # syntax highlighting: CodeMirror's SPARQL mode marks up the tokens
        assert page.locator(".CodeMirror span.cm-keyword", has_text="PREFIX").count() > 0
        assert page.locator(".CodeMirror span.cm-keyword", has_text="SELECT").count() > 0
        # a new tab starts with the graph's prefixes declared (folded away)
        assert f"PREFIX itu: <{ITU}>" in editor_text(page)

        # the regions example, run: a table of six rows, IRIs linking to this server's pages
        page.select_option("#examples", "regions")
        assert page.inner_text("#example-question") == regions.question
        assert "SELECT ?region ?code ?labelEn ?labelZh" in editor_text(page)
        assert page.locator(".CodeMirror span.cm-atom", has_text="?labelZh").count() > 0
        assert page.locator(".CodeMirror span.cm-string-2", has_text="itu:Region").count() > 0
        page.click(".yasqe_queryButton")
        page.wait_for_selector(ROWS)
        rows = page.locator(ROWS)
        assert rows.count() == 6
        assert "非洲区域" in rows.nth(0).inner_text()
        assert "Africa" in rows.nth(0).inner_text()
        link = page.locator('.yasr a.iri[href="/id/region/AFR"]')
        assert link.count() == 1
        assert link.inner_text() == "region:AFR"
        page.screenshot(path=str(OUTPUT / "editor.png"), full_page=True)

        # a parameterised example shows its parameter as a VALUES line to edit, and binds none
        page.select_option("#examples", "field-offices")
        offices = editor_text(page)
        assert re.search(r"^\s*# VALUES \?region \{", offices, re.M)
        assert "# Parameter ?region (region, optional)" in offices

        # typing itu: after `a` offers the ontology's classes, from this server's VoID/ontology
        page.click(".yasgui .tabsList .addTab")
        page.evaluate(
            """() => { const yasqe = window.itugraphEditor.getTab().getYasqe();
                yasqe.setValue("SELECT * WHERE {\\n  ?office a \\n}");
                yasqe.focus(); yasqe.getDoc().setCursor({line: 1, ch: 13}); }"""
        )
        page.keyboard.type("itu:", delay=30)
        hints = page.locator(".CodeMirror-hints li")
        hints.first.wait_for()
        offered = hints.all_inner_texts()
        assert any(h.startswith("itu:RegionalOffice") for h in offered), offered
        # the prefix was not declared: the graph's own declaration was added as it was typed
        assert f"PREFIX itu: <{ITU}>" in editor_text(page)
        page.keyboard.press("Escape")

        # a prefix of the graph's entities is declared as it is used
        page.evaluate(
            """() => { const yasqe = window.itugraphEditor.getTab().getYasqe();
                yasqe.setValue("SELECT * WHERE {\\n  ?s ?p \\n}");
                yasqe.focus(); yasqe.getDoc().setCursor({line: 1, ch: 9}); }"""
        )
        page.keyboard.type("region:AFR", delay=30)
        assert f"PREFIX region: <{PREFIXES['region']}>" in editor_text(page)

        # /editor?query=… opens the query in the editor (and the server answers it)
        query = (
            "# 区域 & offices: +1 each\n"
            f"SELECT ?office (COUNT(?p) + 1 AS ?n)\nWHERE {{\n  ?office a <{ITU}RegionalOffice> .\n"
            "  OPTIONAL { ?office ?p ?o }\n}\nGROUP BY ?office\nORDER BY ?office\n"
        )
        page.goto(f"{server}/editor?query={urllib.parse.quote(query, safe='')}")
        page.wait_for_selector(".yasgui .CodeMirror")
        assert editor_text(page) == query
        shown = page.inner_text(".yasgui .tabPanel.active .CodeMirror")
        assert "# 区域 & offices: +1 each" in shown
        page.wait_for_selector(f".yasgui .tabPanel.active {ROWS}")
        offices = select(server, query)
        assert page.locator(f".yasgui .tabPanel.active {ROWS}").count() == len(offices) > 0

        # the phone layout: the same page 390 pixels wide
        phone = new_page(browser, server, 390)
        run_regions_example(phone, server)
        assert phone.locator(ROWS).count() == 6
        width = phone.evaluate("document.documentElement.scrollWidth")
        phone.screenshot(path=str(OUTPUT / "editor-phone.png"), full_page=True)

        for each in (page, phone):
            assert not each.elsewhere, f"requests left the server: {each.elsewhere}"
            assert not each.errors, each.errors
            assert all(url.startswith(server) for url in each.requested)
        sparql = [url for url in page.requested if urllib.parse.urlsplit(url).path == "/sparql"]
        assert sparql, "the editor queries this server's /sparql"
        browser.close()
    assert width <= 390 + 16, f"the phone page is {width} px wide"


TABS = ".yasgui [role=tablist] [role=tab]"
FOCUS = """() => { const e = document.activeElement;
    return {role: e.getAttribute("role"), id: e.id, add: e.classList.contains("addTab"),
            inList: e.closest("[role=tablist]") !== null}; }"""


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_adding_a_tab_by_keyboard(server):
    """Tab goes from the examples menu to the shown tab, then to "+" (no tab of the tablist,
    whose arrow keys go round the tabs alone), and Enter on "+" adds a tab."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = new_page(browser, server, 1280)
        page.goto(f"{server}/editor")
        page.wait_for_selector(".yasgui .CodeMirror")
        page.focus("#examples")
        stops = []
        for _ in range(10):
            page.keyboard.press("Tab")
            stops.append(page.evaluate(FOCUS))
            if stops[-1]["add"]:
                break
        assert stops[-1]["add"], f'Tab never reached "+": {stops}'
        assert not stops[-1]["inList"], '"+" is inside the tablist'
        assert stops[-2]["role"] == "tab", stops
        before = page.locator(TABS).count()
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.querySelectorAll({TABS!r}).length === {before + 1}")
        assert page.locator(TABS).count() == before + 1 == 2
        assert page.locator(f"{TABS}[aria-selected=true]").get_attribute("id") == (
            page.locator(TABS).last.get_attribute("id")
        )
        # the arrow keys go round the tabs, from the last to the first, never onto "+"
        ids = page.locator(TABS).evaluate_all("tabs => tabs.map((t) => t.id)")
        page.focus(f"{TABS}[aria-selected=true]")
        seen = []
        for key in ("ArrowRight", "ArrowRight", "ArrowLeft"):
            page.keyboard.press(key)
            seen.append(page.evaluate(FOCUS)["id"])
        assert seen == [ids[0], ids[1], ids[0]], (ids, seen)
        assert not page.errors, page.errors
        browser.close()
