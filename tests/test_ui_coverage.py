"""Coverage you can explore: /coverage draws the region-by-target matrix as an HTML table (rows
the targets by label, columns the regions), each count a link to the items behind it with their
source documents; a switch between the dimensions the ontology has; a line naming the regions
whose column is empty; the report's CSV, PNG and SVG as downloads. In-process (TestClient) for
the numbers, checked against the canned queries and independent SPARQL, then in Chromium."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import html5lib
import pytest
from click.testing import CliRunner
from PIL import Image

from itugraph.cli import main
from itugraph.coverage import contributors, coverage, dimensions
from itugraph.queries import run_query
from itugraph.reports import COVERAGE_KINDS, coverage_matrix
from itugraph.serve import ServerSettings
from itugraph.store import open_store

from .conftest import serving

ID = "https://w3id.org/itugraph/id/"
DEF = "https://w3id.org/itugraph/def#"
ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
HAS_CHROMIUM = Path(CHROMIUM).exists()
PREFIXES = """PREFIX itu: <https://w3id.org/itugraph/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
DIMENSIONS = ["resolution", "sdg", "wsis", "gdc"]
CLASSES = {
    "resolution": "Resolution",
    "sdg": "SDG",
    "wsis": "WSISActionLine",
    "gdc": "GDCObjective",
}
REGIONS = ["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"]
WTDC_37_AFRICA = [
    # digital transformation centres, through the DTC initiative
    "Bridge the Digital Divide Sierra Leone",
    "Concept",
    "Ecole Multinationale Supérieure des Postes d'Abidjan",
    "Ghana Investment Fund for Electronic Communications",
    "Rwanda Information Society Authority",
    "Secretariat National pour le Renforcement des Capacités",
    "Smart Zambia Institute",
    "Uganda Institute of Information and Communications Technology",
    # ITU Academy training centres, through their programme
    "African Advanced Level Telecommunications Institute",
    "Computer Emergency Response Team of Mauritius",
    "Digital Bridge Institute",
    "University of the Witwatersand",
    # the open source programme office of Kenya, to the 2022 and 2025 revisions
    "Open Source Programme Office of Kenya",
    # the programme itself
    "Digital Transformation Centres Initiative",
]
CWG = "BDT initiatives to enhance and strengthen the Regional Presence"
RPM = "Outcomes of the RPM Coordination Meeting for WTDC-25"
#: Cells pinned from the documents: dimension, target, region, count, contributors, documents.
PINNED = [
    ("resolution", "resolution/WTDC/37", "AFR", 14, WTDC_37_AFRICA, {CWG}),
    (
        "sdg",
        "sdg/9",
        "EUR",
        4,
        [
            "EUR1: Digital infrastructure development",
            "EUR2: Digital transformation for resilience",
            "EUR4: Trust and confidence in the use of telecommunications/ information and "
            "communication technologies",
            "EUR5: Digital innovation ecosystems",
        ],
        {RPM},
    ),
    (
        "wsis",
        "wsis/C11",
        "EUR",
        5,
        [
            "EUR1: Digital infrastructure development",
            "EUR2: Digital transformation for resilience",
            "EUR3: Digital inclusion and skills development",
            "EUR4: Trust and confidence in the use of telecommunications/ information and "
            "communication technologies",
            "EUR5: Digital innovation ecosystems",
        ],
        {RPM},
    ),
    (
        "gdc",
        "gdc/2",
        "EUR",
        2,
        ["EUR3: Digital inclusion and skills development", "EUR5: Digital innovation ecosystems"],
        {RPM},
    ),
]


@pytest.fixture(scope="module")
def client():
    with serving(ServerSettings()) as client:
        yield client


@pytest.fixture(scope="module")
def store():
    """The project's store, the one the server serves, for the expected answers."""
    return open_store()


def select(store, text: str) -> list[dict[str, str]]:
    result = store.query(PREFIXES + text)
    names = [str(v) for v in result.vars]
    return [{n: str(row[i]) for i, n in enumerate(names) if row[i] is not None} for row in result]


def parse(text: str):
    return html5lib.HTMLParser(strict=False, namespaceHTMLElements=False).parse(text)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def heatmap(text: str) -> dict:
    """The page's heatmap: region codes of the columns, and per row its label, the target IRI
    (from its link) and the cells by region (count, title, link, style)."""
    table = parse(text).find(".//table[@id='heatmap']")
    assert table is not None, "no heatmap table"
    regions = [text_of(th) for th in table.findall("./thead/tr/th")[1:]]
    rows = []
    for tr in table.findall("./tbody/tr"):
        head = tr.find("./th")
        anchor = head.find(".//a")
        cells = {}
        for td in tr.findall("./td"):
            link = td.find("./a")
            cells[td.get("data-region")] = {
                "count": int(text_of(td)),
                "title": td.get("title"),
                "href": None if link is None else link.get("href"),
                "style": td.get("style"),
            }
        assert list(cells) == regions
        rows.append(
            {
                "label": text_of(head),
                "iri": ID + anchor.get("href").removeprefix("/id/"),
                "cells": cells,
            }
        )
    return {"regions": regions, "rows": rows}


def counts_of(page: dict) -> dict[tuple[str, str], int]:
    return {
        (row["iri"], region): cell["count"]
        for row in page["rows"]
        for region, cell in row["cells"].items()
    }


def canned_counts(store, by: str) -> dict[tuple[str, str], int]:
    """The non-zero cells as the canned queries of `itugraph report coverage` answer them."""
    if by == "resolution":
        rows = run_query("resolution-matrix", store)
        return {
            (str(r.resolution), str(r.region).rsplit("/", 1)[-1]): int(r["items"]) for r in rows
        }
    rows = run_query("target-coverage", store, kind=by)
    return {(str(r.target), str(r.region).rsplit("/", 1)[-1]): int(r.initiatives) for r in rows}


def cell_items(text: str) -> list[dict]:
    """The contributors a cell page lists: name, link, kind heading, documents (title, link)."""
    section = parse(text).find(".//section[@id='cell']")
    assert section is not None
    found = []
    heading = None
    for element in section.iter():
        if element.tag == "h3":
            heading = text_of(element)
        if element.tag == "li":
            item = element.find("./a[@class='item']")
            documents = element.findall(".//a[@class='document']")
            found.append(
                {
                    "name": text_of(item),
                    "href": item.get("href"),
                    "group": heading,
                    "documents": [(text_of(d), d.get("href")) for d in documents],
                }
            )
    return found


# -- the table ------------------------------------------------------------------------------


def test_dimensions_come_from_the_ontology(client, store):
    """The switch offers the target classes of itu:contributesTo: resolutions and every
    subclass of itu:DevelopmentTarget, named by the ontology's labels."""
    subclasses = select(
        store,
        "SELECT ?c WHERE { ?c rdfs:subClassOf itu:DevelopmentTarget } ORDER BY ?c",
    )
    assert sorted(c["c"] for c in subclasses) == sorted(
        DEF + CLASSES[k] for k in ("sdg", "wsis", "gdc")
    )
    found = dimensions(store)
    assert list(found) == DIMENSIONS
    assert set(found) == set(COVERAGE_KINDS)
    assert {k: d.iri for k, d in found.items()} == {k: DEF + c for k, c in CLASSES.items()}
    nav = parse(client.get("/coverage").text).find(".//nav[@class='dimensions']")
    links = [(text_of(a), a.get("href"), a.get("aria-current")) for a in nav.findall("./a")]
    assert links == [
        ("Resolutions", "/coverage?by=resolution", "page"),
        ("Sustainable Development Goals", "/coverage?by=sdg", None),
        ("WSIS action lines", "/coverage?by=wsis", None),
        ("Global Digital Compact objectives", "/coverage?by=gdc", None),
    ]


@pytest.mark.parametrize("by", DIMENSIONS)
def test_cells_are_the_canned_query_counts(client, store, by):
    """Every cell equals the canned query's count (zero where it has none), the same numbers
    as the report's matrix; the rows are every instance of the dimension's class."""
    page = heatmap(client.get("/coverage", params={"by": by}).text)
    assert page["regions"] == REGIONS
    shown = counts_of(page)
    expected = canned_counts(store, by)
    assert expected and set(expected) <= set(shown)
    assert {cell: n for cell, n in shown.items() if n} == expected
    matrix = coverage_matrix(store, by)
    for column in matrix.columns:
        for region in REGIONS:
            assert shown[(column.iri, region)] == matrix.count(region, column)
    instances = select(
        store,
        f"SELECT ?t ?l WHERE {{ ?t a itu:{CLASSES[by]} ; rdfs:label ?l FILTER (lang(?l) = 'en') }}",
    )
    assert sorted((r["iri"], r["label"]) for r in page["rows"]) == sorted(
        (i["t"], i["l"]) for i in instances
    )


def test_rows_are_labels_in_natural_order(client):
    labels = [r["label"] for r in heatmap(client.get("/coverage?by=resolution").text)["rows"]]
    assert labels[:8] == [
        "Council Resolution 1408",
        "PP Resolution 25",
        "PP Resolution 123",
        "PP Resolution 135",
        "PP Resolution 157",
        "PP Resolution 191",
        "WTDC Resolution 8",
        "WTDC Resolution 9",
    ]
    assert labels.index("WTDC Resolution 8") < labels.index("WTDC Resolution 78")
    assert labels[-3:] == ["WTDC Resolution COM3/1", "WTSA Resolution 44", "WTSA Resolution 100"]
    wsis = [r["label"] for r in heatmap(client.get("/coverage?by=wsis").text)["rows"]]
    assert [label.split(".")[0] for label in wsis] == [f"C{n}" for n in range(1, 12)]
    sdg = [r["label"] for r in heatmap(client.get("/coverage?by=sdg").text)["rows"]]
    assert sdg[0] == "Goal 1: No poverty" and sdg[9] == "Goal 10: Reduced inequalities"
    assert len(sdg) == 17


@pytest.mark.parametrize(("by", "target", "region", "count", "names", "documents"), PINNED)
def test_pinned_cell_and_its_contributors(
    client, store, by, target, region, count, names, documents
):
    """A cell's count, its tooltip, its link, and the list behind it: the items (labels and
    local pages) and the titles of the documents that state the link, as pinned from the
    documents and as independent SPARQL finds them."""
    page = heatmap(client.get("/coverage", params={"by": by}).text)
    (row,) = [r for r in page["rows"] if r["iri"] == ID + target]
    cell = row["cells"][region]
    unit = "contributing items" if by == "resolution" else "regional initiatives"
    assert cell["count"] == count
    assert cell["title"] == f"{region} · {row['label']}: {count} {unit}"
    assert (
        cell["href"]
        == f"/coverage?by={by}&target={target.replace('/', '%2F')}&region={region}#cell"
    )
    query = parse_qs(urlsplit(cell["href"]).query)
    assert query == {"by": [by], "target": [target], "region": [region]}

    listed = cell_items(client.get(cell["href"].split("#")[0]).text)
    assert len(listed) == count
    assert sorted(i["name"] for i in listed) == sorted(names)
    assert {title for i in listed for title, _ in i["documents"]} == documents
    for item in listed:
        assert item["href"].startswith("/id/")
        assert all(href.startswith("/id/document/") for _, href in item["documents"])

    if by == "resolution":
        pattern = f"""
          ?target dcterms:isVersionOf? <{ID}{target}> .
          {{ ?item itu:contributesTo ?target . BIND (?item AS ?via) }}
          UNION {{ ?item itu:memberOf ?via . ?via itu:contributesTo ?target . }}
          ?item itu:region <{ID}region/{region}> .
          GRAPH ?g {{ ?via itu:contributesTo ?target }}"""
    else:
        pattern = f"""
          ?item a itu:RegionalInitiative ; itu:cycle ?cycle ; itu:region <{ID}region/{region}> .
          GRAPH ?g {{ ?item itu:contributesTo <{ID}{target}> }}"""
    expected = select(
        store,
        f"""SELECT ?item ?name ?title WHERE {{ {pattern}
          ?g prov:wasDerivedFrom/dcterms:title ?title .
          {{ ?item rdfs:label ?n FILTER (lang(?n) = "en") }}
          UNION {{  # an initiative: the title of its text at the latest stage
            ?v dcterms:isVersionOf ?item ; dcterms:title ?n ; itu:status/itu:stage ?stage .
            FILTER NOT EXISTS {{
              ?later dcterms:isVersionOf ?item ; itu:status/itu:stage ?laterStage .
              FILTER (?laterStage > ?stage)
            }}
          }}
          OPTIONAL {{ ?item itu:code ?code }}
          BIND (COALESCE(CONCAT(?code, ": ", STR(?n)), STR(?n)) AS ?name)
        }}""",
    )
    assert sorted({e["name"] for e in expected}) == sorted(i["name"] for i in listed)
    assert {e["title"] for e in expected} == documents
    by_name = {i["name"]: i for i in listed}
    for e in expected:
        assert by_name[e["name"]]["href"] == "/id/" + e["item"].removeprefix(ID)


def test_wtdc_37_in_africa_is_grouped_by_kind_with_the_programme(client):
    listed = cell_items(
        client.get("/coverage?by=resolution&target=resolution/WTDC/37&region=AFR").text
    )
    groups = {}
    for item in listed:
        groups.setdefault(item["group"], []).append(item["name"])
    assert groups == {
        "Digital transformation centres 8": WTDC_37_AFRICA[:8],
        "ITU Academy training centres 4": WTDC_37_AFRICA[8:12],
        "Open source programme office 1": ["Open Source Programme Office of Kenya"],
        "Programme 1": ["Digital Transformation Centres Initiative"],
    }
    page = client.get("/coverage?by=resolution&target=resolution/WTDC/37&region=AFR").text
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)  # well-formed
    assert (
        'through <a href="/id/programme/dtc-initiative">Digital Transformation Centres Initiative</a>'
        in page
    )
    assert 'href="/id/resolution/WTDC/37/2025">WTDC Resolution 37 (Rev. Baku, 2025)</a>' in page


def test_every_count_links_and_every_link_answers(client):
    page = heatmap(client.get("/coverage?by=gdc").text)
    for row in page["rows"]:
        for region, cell in row["cells"].items():
            assert (cell["href"] is not None) == (cell["count"] > 0), (row["label"], region)
    listed = cell_items(
        client.get("/coverage?by=resolution&target=resolution/PP/25&region=CIS").text
    )
    assert [i["name"] for i in listed] == ["Regional Office for the CIS Region"]
    (office,) = listed
    assert [href for _, href in office["documents"]] == [
        "/id/document/tsag-2025-regional-offices",
        "/id/document/tsag-2020-regional-offices",
        "/id/document/council-2024-regional-presence",
    ]
    assert office["documents"][2][0] == "国际电联区域代表处对履行国际电联职责做出的贡献"
    for href in [office["href"], *(h for _, h in office["documents"])]:
        assert client.get(href).status_code == 200, href


# -- what is empty, and why -----------------------------------------------------------------


@pytest.mark.parametrize("by", ["sdg", "wsis", "gdc"])
def test_empty_regions_are_named(client, store, by):
    """The line under the table names exactly the regions of which no document links any
    regional initiative to a target of the dimension."""
    linked = select(
        store,
        f"""SELECT DISTINCT ?code WHERE {{
          ?i a itu:RegionalInitiative ; itu:region ?r ; itu:contributesTo ?t .
          ?t a itu:{CLASSES[by]} . ?r itu:code ?code }}""",
    )
    empty = [r for r in REGIONS if r not in {x["code"] for x in linked}]
    assert empty == ["AFR", "AMS", "ARB", "ASP", "CIS"]
    text = client.get("/coverage", params={"by": by}).text
    line = text_of(parse(text).find(".//p[@id='empty-regions']"))
    label = {"sdg": "Sustainable Development Goal", "wsis": "WSIS action line",
             "gdc": "Global Digital Compact objective"}[by]  # fmt: skip
    assert line == (
        f"No document states {label} links for regional initiatives of "
        "AFR, AMS, ARB, ASP and CIS: their columns are empty."
    )
    assert re.findall(r"\b[A-Z]{3}\b", line) == empty
    page = heatmap(text)
    for region in empty:
        assert all(row["cells"][region]["count"] == 0 for row in page["rows"])
    assert any(row["cells"]["EUR"]["count"] for row in page["rows"])


def test_resolutions_name_the_empty_rows_not_regions(client, store):
    text = client.get("/coverage?by=resolution").text
    assert parse(text).find(".//p[@id='empty-regions']") is None
    unlinked = select(
        store,
        """SELECT ?l WHERE { ?r a itu:Resolution ; rdfs:label ?l FILTER (lang(?l) = "en")
          FILTER NOT EXISTS { ?t dcterms:isVersionOf? ?r .
            { ?i itu:contributesTo ?t } UNION { ?i itu:memberOf/itu:contributesTo ?t }
            ?i itu:region ?region } }""",
    )
    assert sorted(u["l"] for u in unlinked) == [
        "PP Resolution 135",
        "PP Resolution 157",
        "PP Resolution 191",
        "WTDC Resolution 31",
    ]
    line = text_of(parse(text).find(".//p[@id='empty-targets']"))
    assert line == (
        "No document links contributing items of any region to "
        "PP Resolution 135; PP Resolution 157; PP Resolution 191; WTDC Resolution 31."
    )


# -- downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize("by", DIMENSIONS)
def test_csv_download_has_the_numbers_of_the_cells(client, store, by):
    """The CSV (the report's, regions as rows) holds the HTML cells' numbers; targets it leaves
    out (no item reaches them) are all-zero rows of the HTML; it is what the CLI writes."""
    response = client.get("/coverage.csv", params={"by": by})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'inline; filename="coverage-{by}.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    headings = rows[0][1:]
    iri_of = {c.heading: c.iri for c in coverage_matrix(store, by).columns}
    assert sorted(headings) == sorted(iri_of)
    shown = counts_of(heatmap(client.get("/coverage", params={"by": by}).text))
    assert [row[0] for row in rows[1:]] == REGIONS
    for row in rows[1:]:
        for heading, value in zip(headings, row[1:], strict=True):
            assert int(value) == shown[(iri_of[heading], row[0])], (heading, row[0])
    for (iri, _), count in shown.items():
        if iri not in iri_of.values():
            assert count == 0
    printed = CliRunner().invoke(main, ["report", "coverage", "--by", by, "--format", "csv"])
    assert printed.exit_code == 0, printed.output
    assert printed.output == response.text


@pytest.mark.parametrize("by", DIMENSIONS)
def test_png_and_svg_downloads_stay(client, by):
    page = parse(client.get("/coverage", params={"by": by}).text)
    links = [a.get("href") for a in page.findall(".//p[@class='downloads']/a")]
    assert links == [f"/coverage.{fmt}?by={by}" for fmt in ("csv", "png", "svg")]
    png = client.get(f"/coverage.png?by={by}")
    assert png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.width > 400
    svg = client.get(f"/coverage.svg?by={by}")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert ElementTree.fromstring(svg.content).tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.headers["content-disposition"] == f'inline; filename="coverage-{by}.svg"'


# -- colours, errors, caching, the shared function ------------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("by", DIMENSIONS)
def test_cells_are_readable_and_darker_for_more(client, by):
    """Every cell's number contrasts with its colour at least 4.5:1 (WCAG AA); more is darker."""
    page = heatmap(client.get("/coverage", params={"by": by}).text)
    shades = {}
    for row in page["rows"]:
        for cell in row["cells"].values():
            background, text = re.fullmatch(
                r"background:(#[0-9a-f]{6});color:(#[0-9a-f]{6})", cell["style"]
            ).groups()
            high, low = sorted((_luminance(background), _luminance(text)), reverse=True)
            assert (high + 0.05) / (low + 0.05) >= 4.5, cell
            shades[cell["count"]] = _luminance(background)
    ordered = [shades[n] for n in sorted(shades)]
    assert ordered == sorted(ordered, reverse=True) and len(set(ordered)) == len(ordered)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/coverage?by=nothing", 400),
        ("/coverage?by=sdg&target=sdg/9", 400),
        ("/coverage?by=sdg&region=EUR", 400),
        ("/coverage?by=sdg&target=sdg/99&region=EUR", 404),
        ("/coverage?by=sdg&target=resolution/WTDC/37&region=EUR", 404),
        ("/coverage?by=sdg&target=sdg/9&region=MARS", 404),
        ("/coverage.pdf?by=sdg", 404),
        ("/coverage.csv?by=nothing", 400),
    ],
)
def test_bad_requests(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["cache-control"] == "no-store"


def test_answers_are_cached_per_parameter(client):
    """Each combination of parameters is its own answer (the cache keys have them all)."""
    paths = [
        "/coverage?by=sdg",
        "/coverage?by=wsis",
        "/coverage?by=sdg&target=sdg/9&region=EUR",
        "/coverage?by=sdg&target=sdg/4&region=EUR",
        "/coverage?by=sdg&target=sdg%2F4&region=eur",
    ]
    first = [client.get(p) for p in paths]
    again = [client.get(p) for p in paths]
    for one, two in zip(first, again, strict=True):
        assert one.text == two.text and one.headers["etag"] == two.headers["etag"]
    headings = [
        (lambda h: None if h is None else text_of(h))(
            parse(r.text).find(".//h2[@id='cell-heading']")
        )
        for r in first
    ]
    assert headings == [
        "Behind a number",
        "Behind a number",
        "Goal 9: Industry, innovation and infrastructure in Europe (EUR)",
        "Goal 4: Quality education in Europe (EUR)",
        "Goal 4: Quality education in Europe (EUR)",
    ]
    assert heatmap(first[0].text)["rows"][0]["label"] == "Goal 1: No poverty"
    assert heatmap(first[1].text)["rows"][0]["label"].startswith("C1. ")


def test_the_notebook_function_agrees_on_both_engines(store, graph):
    """itugraph.coverage is what the page shows, on the Oxigraph store and on rdflib."""
    for by in DIMENSIONS:
        fast, reference = coverage(store, by), coverage(graph, by)
        assert fast.cells == reference.cells and fast.targets == reference.targets
    table = coverage(store, "resolution")
    assert table.count(f"{ID}resolution/WTDC/37", "AFR") == 14
    assert [c.name for c in contributors(graph, "resolution", "resolution/WTDC/37", "AFR")] == (
        WTDC_37_AFRICA
    )
    for target in table.targets:
        for region in table.regions:
            found = contributors(store, table.dimension, target.iri, region.code)
            assert len(found) == table.count(target, region), (target.label, region.code)


# -- in a browser ----------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.browser
@pytest.mark.skipif(not HAS_CHROMIUM, reason="Chromium is not installed")
def test_browser_hover_click_switch_and_keyboard(server, browser):

    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/coverage?by=resolution")
    row = page.locator("#heatmap tbody tr", has=page.locator("th", has_text="WTDC Resolution 37"))
    cell = row.locator("td[data-region=AFR]")
    cell.hover()
    assert cell.get_attribute("title") == "AFR · WTDC Resolution 37: 14 contributing items"
    assert cell.inner_text() == "14"
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header back at the top
    page.screenshot(path=str(OUTPUT / "coverage.png"), full_page=True)

    cell.locator("a").click()
    page.wait_for_selector("#cell ul.contributors li")
    assert parse_qs(urlsplit(page.url).query) == {
        "by": ["resolution"],
        "target": ["resolution/WTDC/37"],
        "region": ["AFR"],
    }
    assert page.inner_text("#cell-heading") == "WTDC Resolution 37 in Africa (AFR)"
    names = page.locator("#cell a.item").all_inner_texts()
    assert sorted(names) == sorted(WTDC_37_AFRICA)
    assert set(page.locator("#cell a.document").all_inner_texts()) == {CWG}
    page.screenshot(path=str(OUTPUT / "coverage-cell.png"))

    page.get_by_role("link", name="Sustainable Development Goals", exact=True).click()
    page.wait_for_url(server + "/coverage?by=sdg")
    assert page.inner_text("#empty-regions") == (
        "No document states Sustainable Development Goal links for regional initiatives "
        "of AFR, AMS, ARB, ASP and CIS: their columns are empty."
    )
    assert page.locator("#heatmap tbody tr").count() == 17

    for _ in range(80):  # Tab until a count of the table has the focus, then Enter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#heatmap td') !== null"):
            break
    focused = page.evaluate(
        "[document.activeElement.closest('tr').querySelector('th').innerText,"
        " document.activeElement.closest('td').dataset.region]"
    )
    assert focused == ["Goal 2: Zero hunger", "EUR"]
    page.keyboard.press("Enter")
    page.wait_for_selector("#cell ul.contributors li")
    assert page.inner_text("#cell-heading") == "Goal 2: Zero hunger in Europe (EUR)"
    assert page.locator("#cell a.item").count() == 1

    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(server + "/coverage?by=wsis")
    table_width = phone.evaluate("document.querySelector('#heatmap').getBoundingClientRect().right")
    assert table_width <= 390
    phone.screenshot(path=str(OUTPUT / "coverage-phone.png"), full_page=True)
