"""Accessibility of every page template, as people meet them: axe-core (vendored in
tests/vendor/axe-core) on one page of each template in English and in Chinese, the home page by
keyboard alone, a crawl of the site's own links two levels deep in both languages, and
screenshots of every page at desktop and phone widths (test-output/screens/). One `itugraph
serve` on a free loopback port and one Chromium for the whole module; the sample pages are
chosen from the data through the server's own /sparql."""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import httpx
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SCREENS = ROOT / "test-output" / "screens"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BASE = "https://w3id.org/itugraph/"
PREFIXES = """PREFIX itu: <https://w3id.org/itugraph/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
#: Entity pages, one of each kind: page name -> the ontology's class of its entity.
KINDS = {
    "region": "Region",
    "office": "RegionalOffice",
    "initiative": "RegionalInitiative",
    "result": "ExpectedResult",
    "document": "SourceDocument",
    "resolution": "Resolution",
    "sdg": "SDG",
}
LANGUAGES = ["en", "zh"]
#: Viewports: desktop and phone, width -> height.
VIEWPORTS = {1280: 900, 390: 844}
#: What a page drawn by script must show before it is checked.
READY = {
    "editor": ".yasgui .CodeMirror",
    "editor-answer": ".yasgui .CodeMirror",
    "editor-tabs": ".yasgui .CodeMirror",
    "docs": ".swagger-ui .opblock",
}
#: A page in a state that a click brings: page -> (what to click, what then shows).
CLICK = {
    "editor-answer": (".yasqe_queryButton", ".yasr table.dataTable tbody tr"),
    "editor-tabs": (".yasgui .addTab", ".yasgui [role=tablist] > .tab:nth-child(2)"),
}
#: Violations inside a vendored widget that no configuration of it removes, (page, rule, first
#: target) -> why. Each must still be found (else remove it here).
KNOWN: dict[tuple[str, str, str], str] = {}
AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({rule: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                      target: v.nodes[0].target.join(" ")}));
}"""
FOCUSED = """() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    return {
        tag: e.tagName.toLowerCase(), name: e.getAttribute("name"), href: e.getAttribute("href"),
        text: e.textContent.trim(), header: e.closest("header") !== null,
        nav: e.closest("header nav") !== null, languages: e.closest(".languages") !== null,
        outline: style.outlineStyle === "none" ? "0px" : style.outlineWidth,
        shadow: style.boxShadow,
    };
}"""

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)"),
]


class Links(HTMLParser):
    """A page's references to fetch: (URL as written, whether it is a download link)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("a", "area", "link") and attributes.get("href"):
            self.found.append((attributes["href"], "download" in attributes))
        elif tag in ("script", "img", "iframe", "source") and attributes.get("src"):
            self.found.append((attributes["src"], False))


def links(html: str) -> list[tuple[str, bool]]:
    parser = Links()
    parser.feed(html)
    return parser.found


def sparql(client: httpx.Client, query: str) -> list[dict[str, str]]:
    response = client.get(
        "/sparql",
        params={"query": PREFIXES + query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return [{name: term["value"] for name, term in row.items()} for row in rows]


def local(iri: str) -> str:
    """The path of an IRI of the graph on this server."""
    assert iri.startswith(BASE), iri
    return "/" + iri.removeprefix(BASE)


@pytest.fixture(scope="module")
def pages(server) -> dict[str, str]:
    """One page of every template, page name -> path; the samples come from the data."""
    with httpx.Client(base_url=server, timeout=60) as client:
        first = {
            name: sparql(client, f"SELECT ?s WHERE {{ ?s a itu:{cls} }} ORDER BY STR(?s) LIMIT 1")
            for name, cls in KINDS.items()
        }
        [region] = sparql(
            client,
            "SELECT ?label WHERE { ?s a itu:Region ; rdfs:label ?label "
            'FILTER(LANG(?label) = "en") } ORDER BY STR(?s) LIMIT 1',
        )
        [graph] = sparql(
            client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY STR(?g) LIMIT 1"
        )
        catalogue = client.get("/api/queries").json()
        question = next(
            q["name"] for q in catalogue if not any(p["required"] for p in q["parameters"])
        )
        cells = [href for href, _ in links(client.get("/coverage").text) if "region=" in href]
        result_page = client.get(local(first["result"][0]["s"])).text
        passage = next(href for href, _ in links(result_page) if href.startswith("/sources/"))
        region_page = client.get(local(first["region"][0]["s"])).text
        versions = next(href for href, _ in links(region_page) if href.startswith("/versions/"))
    return {
        "home": "/",
        "search": "/search?" + urlencode({"q": region["label"]}),
        **{name: local(rows[0]["s"]) for name, rows in first.items()},
        "ontology": "/def",
        "term": "/def/" + KINDS["initiative"],
        "graphs": "/graph",
        "graph": local(graph["g"]),
        "queries": "/queries",
        "query": f"/queries/{question}",
        "coverage": "/coverage",
        "coverage-cell": urldefrag(cells[0]).url,
        "source": urldefrag(passage).url,
        "versions": versions,
        "editor": "/editor",
        "editor-answer": "/editor",  # its starting query run: YASR's table of results
        "editor-tabs": "/editor",  # a second tab added: the tablist still owns tabs alone
        "docs": "/docs",
        "404": "/id/no-such-entity",
    }


def in_language(path: str, lang: str) -> str:
    if lang == "en":
        return path
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@dataclass
class Visit:
    page: str
    lang: str
    url: str
    status: int
    violations: list[dict]
    #: The document's width at each viewport width (wider: the page scrolls sideways).
    widths: dict[int, int]


@pytest.fixture(scope="module")
def visits(browser, server, pages) -> list[Visit]:
    """Every page in both languages: axe-core's run at desktop width, then a screenshot at each
    viewport, test-output/screens/{page}-{lang}-{width}.png. A page that script draws is opened
    anew at phone width (it lays itself out for the window it opens in); others are resized."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    tab = browser.new_page(viewport={"width": 1280, "height": VIEWPORTS[1280]})
    found = []
    for lang in LANGUAGES:
        for name, path in pages.items():
            url = server + in_language(path, lang)
            response = show(tab, name, url)
            tab.add_script_tag(path=str(AXE))
            violations = tab.evaluate(AXE_RUN)
            widths = {}
            for width, height in VIEWPORTS.items():
                if width != tab.viewport_size["width"]:
                    tab.set_viewport_size({"width": width, "height": height})
                    if name in READY:
                        show(tab, name, url)
                tab.screenshot(path=str(SCREENS / f"{name}-{lang}-{width}.png"), full_page=True)
                widths[width] = tab.evaluate("document.documentElement.scrollWidth")
            tab.set_viewport_size({"width": 1280, "height": VIEWPORTS[1280]})
            found.append(Visit(name, lang, url, response.status, violations, widths))
    tab.close()
    return found


def show(tab, name: str, url: str):
    """Open a page and wait until it shows what it is checked for; its response. The editor
    keeps its tabs in the browser's storage: each visit starts from none, as a first one does."""
    if name in READY and urlsplit(tab.url).netloc == urlsplit(url).netloc:
        tab.evaluate("() => localStorage.clear()")
    response = tab.goto(url, wait_until="load")
    if name in READY:
        tab.wait_for_selector(READY[name], timeout=30_000)
    if name in CLICK:
        tab.click(CLICK[name][0])
        tab.wait_for_selector(CLICK[name][1], timeout=30_000)
    return response


@pytest.mark.browser
def test_every_page_answers(visits, pages):
    """Every page of the sweep was seen in both languages, each with its status."""
    assert [(v.page, v.lang) for v in visits] == [(p, lang) for lang in LANGUAGES for p in pages]
    assert {(v.page, v.status) for v in visits} == {
        (page, 404 if page == "404" else 200) for page in pages
    }


@pytest.mark.browser
def test_axe_finds_no_serious_or_critical_violation(visits):
    problems, known = [], set()
    for visit in visits:
        for v in visit.violations:
            if (visit.page, v["rule"], v["target"]) in KNOWN:
                known.add((visit.page, v["rule"], v["target"]))
                continue
            problems.append(
                f"{visit.page} ({visit.lang}, {visit.url}): {v['impact']} {v['rule']} at "
                f"{v['target']!r} (+{v['count'] - 1} more): {v['help']}"
            )
    assert problems == [], "axe-core found:\n" + "\n".join(problems)
    assert known == set(KNOWN), f"no longer found, remove from KNOWN: {set(KNOWN) - known}"


@pytest.mark.browser
def test_no_page_scrolls_sideways(visits):
    """Reflow (WCAG 1.4.10): at 390 pixels as at 1280 the page is as wide as the window; wide
    tables scroll inside their own box."""
    wider = [
        f"{v.page} ({v.lang}, {v.url}) is {scrolled} pixels wide at {width}"
        for v in visits
        for width, scrolled in v.widths.items()
        if scrolled != width
    ]
    assert wider == [], "\n".join(wider)


@pytest.mark.browser
def test_screenshots_of_every_page_at_desktop_and_phone_width(visits, pages):
    expected = {
        f"{page}-{lang}-{width}.png" for page in pages for lang in LANGUAGES for width in VIEWPORTS
    }
    assert expected <= {path.name for path in SCREENS.glob("*.png")}
    for name in expected:
        width = int(name.rsplit("-", 1)[1].removesuffix(".png"))
        with Image.open(SCREENS / name) as image:
            assert image.width == width, name
            assert image.height >= VIEWPORTS[width], name


@pytest.mark.browser
def test_home_page_by_keyboard(browser, server):
    """Tab alone reaches the search box, the language switch and every main navigation link,
    and each shows where the focus is (an outline or a shadow)."""
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.goto(server + "/", wait_until="load")
    navigation = tab.locator("header nav a").evaluate_all("links => links.map(a => a.href)")
    main = {"/", "/queries", "/coverage", "/editor", "/def", "/docs"}
    assert main <= {urlsplit(href).path for href in navigation}, navigation
    stops = []
    for _ in range(20):
        tab.keyboard.press("Tab")
        stops.append(tab.evaluate(FOCUSED))
    tab.close()
    order = " → ".join(stop(s) for s in stops)
    search = [s for s in stops if s["tag"] == "input" and s["name"] == "q" and s["header"]]
    switch = [s for s in stops if s["languages"] and s["tag"] == "a"]
    nav = [s for s in stops if s["nav"]]
    assert len(search) == 1, f"the header's search box not once in: {order}"
    assert [s["text"] for s in switch] == ["中文"], f"the language switch not in: {order}"
    assert [s["href"] for s in nav] == [urlsplit(href).path for href in navigation], order
    invisible = [
        stop(s)
        for s in [*search, *switch, *nav]
        if s["outline"] == "0px" and s["shadow"] in ("", "none")
    ]
    assert invisible == [], "focus shows no outline and no shadow on: " + ", ".join(invisible)


def stop(focused: dict) -> str:
    """A focused element, for a message: its tag and its link, name or text."""
    return f"<{focused['tag']}> {focused['href'] or focused['name'] or focused['text']}"


@dataclass
class Crawl:
    #: URL -> (status, whether the answer is an HTML page), every URL requested.
    answers: dict[str, tuple[int, bool]]
    #: URL -> the page that linked it first.
    referrer: dict[str, str]

    def broken(self, lang: str) -> list[str]:
        return [
            f"{lang}: {status} {url} (linked from {self.referrer[url]})"
            for url, (status, _) in self.answers.items()
            if status >= 400
        ]


def crawl(server: str, start: str, cookie: str | None, known: Crawl | None = None) -> Crawl:
    """Request ``start``, every same-origin link on it, and every such link on those (two levels
    deep), each distinct URL once: by GET, a download link by HEAD. Redirects are followed; no
    cookie is kept (``cookie``: the language a browser that chose one sends). A URL that
    ``known`` (an earlier crawl) found to be no HTML page, a download or a stylesheet, is not
    asked again: its answer does not depend on the language."""
    origin = urlsplit(server).netloc
    found = Crawl({}, {server + start: "(start)"})
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    headers = {"Cookie": f"lang={cookie}"} if cookie else {}
    again = {
        url: answer for url, answer in (known.answers if known else {}).items() if not answer[1]
    }

    with (
        httpx.Client(
            timeout=60, follow_redirects=True, cookies=no_cookies, headers=headers
        ) as client,
        ThreadPoolExecutor(4) as pool,
    ):

        def fetch(item: tuple[str, bool]) -> tuple[str, int, str | None]:
            url, download = item
            if url in again:
                return url, again[url][0], None
            response = client.head(url) if download else client.get(url)
            page = not download and response.headers.get("content-type", "").startswith("text/html")
            return url, response.status_code, response.text if page else None

        level = [(server + start, False)]
        for depth in range(3):
            following = []
            for url, status, html in pool.map(fetch, level):
                found.answers[url] = (status, html is not None)
                if depth == 2 or html is None:
                    continue
                for href, download in links(html):
                    target = urldefrag(urljoin(url, href)).url
                    if urlsplit(target).netloc == origin and target not in found.referrer:
                        found.referrer[target] = url
                        following.append((target, download))
            level = following
    return found


def other_language(switch: re.Match) -> str:
    return "/lang/zh?" if switch[1] == "en" else "/lang/en?"


def test_crawl_two_levels_deep_in_both_languages_finds_no_broken_link(server):
    """English from /, then Chinese from /?lang=zh, sending the cookie that the language
    switch sets (links do not carry the language)."""
    english = crawl(server, "/", None)
    chinese = crawl(server, "/?lang=zh", "zh", english)
    broken = english.broken("en") + chinese.broken("zh")
    count = len(english.answers) + len(chinese.answers)
    assert broken == [], f"{len(broken)} of {count} URLs broken:\n" + "\n".join(broken)
    # The same site in both: each page's language switch leads to the other language.
    switched = {re.sub("/lang/(en|zh)[?]", other_language, url) for url in english.answers}
    assert set(chinese.answers) == switched | {server + "/?lang=zh"}
