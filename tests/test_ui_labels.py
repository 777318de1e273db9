"""The browser pages name things by their labels, in the page's language (in-process app).

Entities are shown by what the data calls them (initiatives by code and title, expected results
by number and text in numeric order, documents by title, classes by the ontology's labels), on
every entity page, in search and on the home page; named graphs have local pages; every page is
in English or Chinese, and the caches keep the two apart."""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from itugraph.serve import ServerSettings

from .conftest import serving

ID = "https://w3id.org/itugraph/id/"
GRAPH = "https://w3id.org/itugraph/graph/"
CATALOGUE = Path(__file__).parents[1] / "src" / "itugraph" / "serve" / "messages.toml"
AFR1_TITLE = (
    "Meaningful connectivity and resilient infrastructure for sustainable development including "
    "emergency telecommunications and multi-hazard early warning systems in the Africa region"
)
#: A browser that chose Chinese (the switch's cookie).
CHINESE = {"cookie": "lang=zh"}
#: Properties that give an entity something to be called by (docs/data-conventions.md).
NAMING = (
    "<http://www.w3.org/2000/01/rdf-schema#label> <http://www.w3.org/2004/02/skos/core#prefLabel> "
    "<http://purl.org/dc/terms/title> <http://purl.org/dc/terms/description> "
    "<http://www.w3.org/2004/02/skos/core#notation>"
)


@pytest.fixture(scope="module")
def client():
    with serving(ServerSettings(timeout=5)) as client:
        yield client


class Page(HTMLParser):
    """The parts of a page the tests read: its links (href, text, lang), the lang of <html>,
    and the text of chosen elements."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str | None]] = []
        self.html_lang: str | None = None
        self._open: list[tuple[str, str | None, list[str]]] = []
        self.h1 = ""
        self._in_h1 = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag == "a":
            self._open.append((attributes.get("href") or "", attributes.get("lang"), []))
        if tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, lang, text = self._open.pop()
            self.links.append((href, " ".join("".join(text).split()), lang))
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        for _, _, text in self._open:
            text.append(data)
        if self._in_h1:
            self.h1 += data

    def texts(self, prefix: str) -> list[str]:
        """The texts of the links whose href starts with prefix, in page order."""
        return [text for href, text, _ in self.links if href.startswith(prefix)]


def sparql(client, query: str) -> list[dict]:
    response = client.get(
        "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def section(html: str, start: str, end: str) -> str:
    """The part of a page between two markers (both must be there)."""
    assert start in html, start
    rest = html[html.index(start) :]
    assert end in rest, end
    return rest[: rest.index(end)]


def people_order(text: str) -> tuple:
    """How people order labels: numbers by value, letters without case (written for the test,
    independently of itugraph.labels)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.findall(r"\d+|\D+", text)
    )


# -- the catalogue ---------------------------------------------------------------------------


def test_every_interface_word_is_in_both_languages():
    catalogue = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    assert catalogue["languages"] == {"en": "English", "zh": "中文"}
    for table in ("messages", "terms"):
        for key, texts in catalogue[table].items():
            assert set(texts) == {"en", "zh"}, f"{table}.{key}"
            assert all(text.strip() for text in texts.values()), f"{table}.{key}"
            fields = [sorted(re.findall(r"\{\w+\}", texts[lang])) for lang in ("en", "zh")]
            assert fields[0] == fields[1], f"{table}.{key} fills in other values in Chinese"


# -- entity pages -----------------------------------------------------------------------------


def test_region_page_lists_initiatives_by_code_and_title(client):
    html = client.get("/id/region/AFR").text
    group = section(html, "<summary><span>regional initiative</span>", "</details>")
    assert Page(group).texts("/id/initiative/") == [
        f"AFR1 — {AFR1_TITLE}",
        "AFR2 — Developing an inclusive, trustworthy artificial intelligence ecosystem in Africa "
        "for socio-economic development",
        "AFR3 — Building trust, safety and security in the use of telecommunications/ "
        "information and communication technology and Data protection and privacy",
        "AFR4 — Development of digital applications, micro, small and medium enterprises and "
        "digital innovation ecosystems",
        "AFR5 — Sustainable Funding Mechanisms for Africa\u2019s Digital Transformation",
    ]
    assert "initiative/WTDC-25/AFR1<" not in html


def test_sdg_and_document_pages_name_initiatives_not_paths(client):
    sdg = Page(client.get("/id/sdg/9").text).texts("/id/initiative/")
    assert sdg[:2] == [
        "EUR1 — Digital infrastructure development",
        "EUR2 — Digital transformation for resilience",
    ]
    document = Page(client.get("/id/document/tdag-2025-rpm-coordination").text)
    initiatives = [
        text
        for href, text, _ in document.links
        if href.startswith("/id/initiative/") and "/result/" not in href
    ]
    assert initiatives[0] == f"AFR1 — {AFR1_TITLE}"
    assert not [t for t in document.texts("/id/") if t.startswith(("initiative/", "document/"))]


def test_initiative_page_heading_has_the_code_and_the_objective_once(client):
    html = client.get("/id/initiative/WTDC-25/EUR3").text
    page = Page(html)
    assert page.h1 == "EUR3 — Digital inclusion and skills development"
    objective = "Objective of this initiative is to facilitate equitable access"
    passages = section(html, '<section class="passages"', "</section>")
    assert html.count(objective) - passages.count(objective) == 1
    assert '<p class="kinds"><a href="/def/RegionalInitiative">regional initiative</a></p>' in html


def test_expected_results_in_numeric_order(client):
    html = client.get("/id/initiative/WTDC-25/AFR1").text
    assert re.findall(r'<li value="(\d+)">', html) == [str(n) for n in range(1, 18)]
    results = Page(html).texts("/id/initiative/WTDC-25/AFR1/result/")
    assert results[:3] == [
        "Support in developing national digital transformation strategies that are innovative.",
        "Support in developing action plans with digital key performance indicators Increased "
        "Internet Penetration: A measurable rise in broadband coverage, particularly in remote "
        "and rural communities.",
        "Greater Affordability: By reducing the price of internet services, smartphones, and "
        "computers, more people can participate in the digital world, reducing inequalities in "
        "access to information, online services, and opportunities.",
    ]
    assert [href for href, _, _ in Page(html).links if "/result/" in href] == [
        f"/id/initiative/WTDC-25/AFR1/result/{n}" for n in range(1, 18)
    ]


def test_expected_result_page_is_named_by_number_and_text(client):
    page = Page(client.get("/id/initiative/WTDC-25/AFR1/result/10").text)
    assert page.h1 == (
        "10 — Support in facilitating collaboration between the Telecommunication sector and "
        "other relevant sectors such as transport and energy needed for digital transformation."
    )
    assert f"AFR1 — {AFR1_TITLE}" in page.texts("/id/initiative/WTDC-25/AFR1")


def test_classes_and_properties_by_the_ontology_labels(client):
    page = Page(client.get("/id/office/ro-afr").text)
    assert page.texts("/def/") == [
        "regional office",
        *["contributes to"] * 3,
        "headed by",
        "located in",
        "partner",
        "region",
    ]


def test_document_page_named_by_title_and_links_its_local_graph(client):
    html = client.get("/id/document/council-2024-regional-presence").text
    assert (
        '<h1 lang="zh">国际电联区域代表处对履行国际电联职责做出的贡献<small class="fallback"'
        in html
    )
    assert (
        '<a href="/graph/council-2024-regional-presence">Its statements: named graph '
        "graph/council-2024-regional-presence, 1,309 triples</a>"
    ) in html
    assert 'href="https://w3id.org/itugraph/graph/' not in html


def test_resolution_page_answers_what_implements_it_in_a_region(client):
    html = client.get("/id/resolution/WTDC/37").text
    africa = section(
        html, '<h3><a href="/id/region/AFR">Africa</a> <small>(15)</small>', "</table>"
    )
    rows = re.findall(r"<tr><td>(.*?)</tr>", africa)
    assert len(rows) == 15
    first = Page(rows[0]).links
    assert [text for _, text, _ in first] == [
        "Bridge the Digital Divide Sierra Leone",
        "digital transformation centre",
        "Digital Transformation Centres Initiative",
        "BDT initiatives to enhance and strengthen the Regional Presence",
    ]
    assert first[-1][0] == "/id/document/cwg-fhr-bdt-regional-presence"


# -- every entity page -------------------------------------------------------------------------


def test_every_entity_page_shows_labels_where_the_data_has_them(client):
    """Walk every subject of the default graph under id/: no link shows a dataset IRI (whole,
    as a path, or its last segment) where the graph gives the entity a label."""
    subjects = [
        row["s"]["value"]
        for row in sparql(
            client,
            f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), "{ID}")) }}',
        )
    ]
    labelled = {
        row["s"]["value"]
        for row in sparql(
            client,
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?p {{ {NAMING} }} "
            "{ ?s ?p ?o } UNION { ?version <http://purl.org/dc/terms/isVersionOf> ?s ; ?p ?o } "
            f'FILTER (STRSTARTS(STR(?s), "{ID}")) }}',
        )
    }
    assert len(subjects) > 700 and set(subjects) == labelled
    failures = []
    for subject in subjects:
        path = "/" + subject.removeprefix("https://w3id.org/itugraph/")
        response = client.get(quote(path), headers={"accept": "text/html"})
        assert response.status_code == 200, path
        page = Page(response.text)
        for href, text, _ in page.links:
            if not href.startswith("/id/"):
                continue
            iri = "https://w3id.org/itugraph" + href.split("?")[0].split("#")[0]
            raw = {iri, iri.removeprefix(ID), href, iri.rsplit("/", 1)[-1]}
            if iri in labelled and text in raw:
                failures.append(f"{path} shows {iri} as {text!r}")
        for href, text, _ in page.links:
            if href.startswith(("/def/", "/graph/")) and text.startswith(("itu:", "http")):
                failures.append(f"{path} shows {href} as {text!r}")
            if href.startswith("https://w3id.org/itugraph/"):
                failures.append(f"{path} links {href} off-site")
    assert failures == []


# -- named graphs ----------------------------------------------------------------------------


def test_named_graphs_have_local_pages(client):
    sizes = {
        row["g"]["value"]: int(row["n"]["value"])
        for row in sparql(
            client, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
    }
    assert len(sizes) == 9
    listing = client.get("/graph").text
    for graph, size in sizes.items():
        name = graph.removeprefix(GRAPH)
        assert f'<a href="/graph/{name}"><code>graph/{name}</code></a>' in listing
        page = client.get(f"/graph/{name}")
        assert page.status_code == 200, name
        assert f"{size:,} triples about" in page.text
        assert f'<a href="?format=turtle" download="{name}.ttl">Turtle</a>' in page.text
    page = client.get("/graph/council-2024-regional-presence").text
    assert (
        "陈述" not in page
        and "The statements of: <a "
        'href="/id/document/council-2024-regional-presence" lang="zh">'
        "国际电联区域代表处对履行国际电联职责做出的贡献</a>"
    ) in page
    assert '<td><a href="/def/Event">event</a></td><td class="n">42</td>' in page


def test_a_graph_downloads_as_its_triples(client):
    from rdflib import Graph

    (row,) = sparql(
        client,
        "SELECT (COUNT(*) AS ?n) WHERE "
        f"{{ GRAPH <{GRAPH}tsag-2020-regional-offices> {{ ?s ?p ?o }} }}",
    )
    size = int(row["n"]["value"])
    turtle = client.get("/graph/tsag-2020-regional-offices", params={"format": "turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=turtle.text, format="turtle")) == size > 400
    lines = client.get(
        "/graph/tsag-2020-regional-offices", headers={"accept": "application/n-triples"}
    ).text.splitlines()
    assert len([line for line in lines if line.strip()]) == size
    assert client.get("/graph/no-such-report").status_code == 404
    assert client.get("/graph/examples").status_code == 200


# -- search ----------------------------------------------------------------------------------


def test_search_hits_are_labelled_with_human_types(client):
    html = client.get("/search", params={"q": "Cyber Resilience in the Arab"}).text
    assert (
        '<li><a href="/id/priority/WTDC-25/ARB/5">5 — Advancing Cyber Resilience in the Arab '
        'World</a><br><small class="types"><span>regional priority</span> · matched in its title'
        "</small></li>"
    ) in html
    offices = client.get("/search", params={"q": "Regional Office for"}).text
    assert "itu:" not in offices
    assert "<span>regional office</span>" in offices
    documents = Page(client.get("/search", params={"q": "国际电联区域代表处对履行"}).text)
    assert documents.texts("/id/document/") == ["国际电联区域代表处对履行国际电联职责做出的贡献"]


def test_search_puts_the_entity_named_by_the_phrase_first(client):
    hits = Page(client.get("/search", params={"q": "Africa"}).text).texts("/id/")
    assert hits[0] == "Africa"
    named = [i for i, hit in enumerate(hits) if "africa" in hit.casefold()]
    assert named == list(range(len(named))) and len(named) < len(hits)
    first_text = min(i for i, hit in enumerate(hits) if len(hit) > 80)
    assert hits.index("Regional Office for Africa") < first_text


# -- the home page -----------------------------------------------------------------------------


def test_home_page_lists_resolutions_as_people_count(client):
    html = client.get("/").text
    chips = Page(section(html, "<h3><span>resolution</span>", "</ul>")).texts("/id/resolution/")
    labels = [
        row["l"]["value"]
        for row in sparql(
            client,
            "SELECT ?l WHERE { ?r a <https://w3id.org/itugraph/def#Resolution> ; "
            '<http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER (lang(?l) = "en") }',
        )
    ]
    assert chips == sorted(labels, key=people_order) and len(chips) == 42
    assert chips.index("PP Resolution 25") < chips.index("PP Resolution 191")
    assert chips.index("WTDC Resolution 8") < chips.index("WTDC Resolution 78")
    assert chips[:3] == ["Council Resolution 1408", "PP Resolution 25", "PP Resolution 123"]


def test_home_page_orients(client):
    html = client.get("/").text
    page = Page(html)
    assert html.index('class="big-search"') < html.index("Start from a region")
    africa = section(html, '<h3><a href="/id/region/AFR">Africa</a></h3>', "</article>")
    assert Page(africa).texts("/id/initiative/")[0] == f"AFR1 — {AFR1_TITLE}"
    row = section(
        html, '<td><a href="/def/RegionalInitiative">regional initiative</a></td>', "</tr>"
    )
    assert re.findall(r'<td class="n[^"]*">([^<]*)</td>', row) == [
        "28",
        "5",
        "5",
        "2",
        "5",
        "6",
        "5",
    ]
    site = client.app.state.site
    graphs = len(list(site.store.named_graphs()))
    assert f"{site.triples:,} triples in {graphs - 1} named graphs" in html
    assert f"{len(site.graph_store):,} triples in {graphs} graphs" in html
    glance = section(html, "Coverage at a glance", "</table>")
    assert '<a href="/coverage?by=sdg">9 / 17</a>' not in glance
    assert '<a href="/coverage?by=sdg">9 of 17</a>' in glance
    documents = section(html, "Source documents", "</ul>")
    assert Page(documents).texts("/id/document/") == [
        "Contribution of the ITU Regional Offices to the implementation of the ITU-T four-year "
        "rolling operational plan (2024-2025)",
        "Outcomes of the RPM Coordination Meeting for WTDC-25",
        "国际电联区域代表处对履行国际电联职责做出的贡献",
        "Contribution of the ITU Regional Offices to the implementation of the ITU-T four-year "
        "rolling operational plan (January to August 2020)",
        "BDT initiatives to enhance and strengthen the Regional Presence",
    ]
    names = [q["name"] for q in client.get("/api/queries").json()]
    questions = [href for href, _, _ in page.links if href.startswith("/queries/")]
    assert sorted(questions) == sorted(f"/queries/{name}" for name in names)
    assert not [href for href, _, _ in page.links if href.startswith("/api/")]


# -- languages -------------------------------------------------------------------------------


def test_pages_in_chinese(client):
    home = client.get("/", headers=CHINESE).text
    page = Page(home)
    assert page.html_lang == "zh"
    assert page.h1 == "国际电联的区域代表性"
    assert "从区域开始" in home and "图谱包含的内容" in home
    assert page.texts("/id/region/")[:6] == [
        "非洲区域", "美洲区域", "阿拉伯国家区域", "亚太区域", "独联体国家区域", "欧洲区域",
    ]  # fmt: skip
    initiative = client.get("/id/initiative/WTDC-25/AFR1", headers=CHINESE).text
    assert Page(initiative).html_lang == "zh"
    fallback = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))["messages"]["fallback"]["zh"]
    assert (
        f'<h1 lang="en">AFR1 — {AFR1_TITLE}<small class="fallback" title="{fallback}">en</small>'
        "</h1>"
    ) in initiative
    assert '<a href="/id/region/AFR">非洲区域</a>' in initiative
    assert "<h2>陈述</h2>" in initiative and "<h2>来源</h2>" in initiative
    english = client.get("/id/initiative/WTDC-25/AFR1").text
    assert Page(english).html_lang == "en" and "<h2>Statements</h2>" in english


def test_language_switch_remembers_and_returns(client):
    response = client.get(
        "/lang/zh", params={"next": "/id/region/AFR?format=html"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/id/region/AFR?format=html&lang=zh"
    assert response.headers["set-cookie"].startswith("lang=zh;")
    assert response.headers["cache-control"] == "no-store"
    away = client.get("/lang/en", params={"next": "https://example.org/"}, follow_redirects=False)
    assert away.headers["location"] == "/?lang=en"
    client.cookies.clear()
    switch = Page(client.get("/id/region/AFR").text).links
    assert ("/lang/zh?next=%2Fid%2Fregion%2FAFR", "中文", "zh") in switch


def test_the_caches_keep_languages_apart():
    with serving(ServerSettings(cache_size=8)) as client:
        site = client.app.state.site
        english = client.get("/id/region/AFR")
        chinese = client.get("/id/region/AFR", headers=CHINESE)
        again = client.get("/id/region/AFR", headers=CHINESE)
        assert Page(english.text).h1 == "Africa" and Page(chinese.text).h1 == "非洲区域"
        assert again.text == chinese.text and again.headers["etag"] == chinese.headers["etag"]
        assert english.headers["etag"] != chinese.headers["etag"]
        assert english.headers["vary"].startswith("Accept, Cookie")
        iri = "https://w3id.org/itugraph/id/region/AFR"
        assert ("entity", iri, "html") in site.cache
        assert (("entity", iri, "html"), "zh") in site.cache
        held = client.get(
            "/id/region/AFR", headers={**CHINESE, "if-none-match": english.headers["etag"]}
        )
        assert held.status_code == 200 and Page(held.text).h1 == "非洲区域"
        assert (
            client.get(
                "/id/region/AFR", headers={**CHINESE, "if-none-match": chinese.headers["etag"]}
            ).status_code
            == 304
        )
        by_parameter = client.get("/id/region/AFR", params={"lang": "zh"})
        assert Page(by_parameter.text).h1 == "非洲区域"
        turtle = client.get("/id/region/AFR", headers={"accept": "text/turtle"})
        assert "Cookie" not in turtle.headers["vary"]
