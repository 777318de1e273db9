"""Canned questions as pages: /queries lists them, /queries/{name} asks one with a form made from
its header and shows the answer as a labelled table, with downloads, the SPARQL text and a link
to the editor. In-process (TestClient) for the answers, then once in Chromium."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import html5lib
import pyoxigraph as ox
import pytest

from itugraph.namespaces import RDFS, SKOS
from itugraph.queries import catalogue
from itugraph.serve import ServerSettings

from .conftest import serving

ID = "https://w3id.org/itugraph/id/"
QUERIES = catalogue()
NAMES = sorted(QUERIES)
UNPARAMETERISED = [n for n in NAMES if not any(p.required for p in QUERIES[n].parameters)]
NEEDING = [n for n in NAMES if any(p.required for p in QUERIES[n].parameters)]
ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

#: The field offices of the Americas, as the graph states them and the page labels them.
AMERICAS_OFFICES = [
    ["Americas", "ITU Area Office in Barbados", "ITU Area Office in Barbados", "area office", "", "Barbados", "", ""],
    ["Americas", "ITU Area Office in Chile", "ITU Area Office in Chile", "area office", "", "Chile", "", ""],
    ["Americas", "ITU Area Office in Honduras", "ITU Area Office in Honduras", "area office", "", "Honduras", "", ""],
    ["Americas", "ITU Area Office in Panama", "ITU Area Office in Panama", "area office", "", "Panama", "", ""],
    ["Americas", "Regional Office for the Americas", "Regional Office for the Americas", "regional office", "Brasilia", "Brazil", "Bruno Ramos", "Bruno Ramos"],
]  # fmt: skip


@pytest.fixture(scope="module")
def client():
    with serving(ServerSettings()) as client:
        yield client


def parse(text: str):
    return html5lib.parse(text, namespaceHTMLElements=False)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def table(document) -> dict:
    """The answer table: its variables, header texts and rows of cells (text, link, IRI)."""
    found = document.find(".//table[@id='answer-table']")
    assert found is not None, "no answer table"
    heads = found.findall("./thead/tr/th")
    rows = []
    for tr in found.findall("./tbody/tr"):
        row = []
        for td in tr.findall("./td"):
            anchor = td.find("./a")
            named = anchor if anchor is not None else td.find("./span[@title]")
            row.append(
                {
                    "text": text_of(td),
                    "href": None if anchor is None else anchor.get("href"),
                    "iri": None if named is None else named.get("title"),
                }
            )
        rows.append(row)
    return {
        "vars": [th.get("data-var") for th in heads],
        "heads": [text_of(th) for th in heads],
        "rows": rows,
    }


def texts(answer: dict) -> list[list[str]]:
    return [[c["text"] for c in row] for row in answer["rows"]]


def link(document, text: str) -> str:
    for anchor in document.iter("a"):
        if text_of(anchor) == text:
            return anchor.get("href")
    raise AssertionError(f"no link {text!r}")


def submitted(document) -> str:
    """The URL a browser goes to when the form is sent as it stands (empty fields left out, as
    the page's script does; without the script they would be sent empty, which means the same)."""
    form = document.find(".//form[@id='ask']")
    assert form.get("method") == "get"
    pairs = []
    for control in form.iter():
        name = control.get("name")
        if control.tag == "select":
            chosen = [o for o in control.findall("./option") if o.get("selected") is not None]
            value = (chosen or control.findall("./option"))[0].get("value")
        elif control.tag == "input":
            value = control.get("value") or ""
        else:
            continue
        if name and value.strip():
            pairs.append((name, value))
    return form.get("action") + (f"?{urlencode(pairs)}" if pairs else "")


def controls(document) -> dict:
    form = document.find(".//form[@id='ask']")
    assert form is not None, "no form"
    return {c.get("name"): c for c in form.iter() if c.tag in ("select", "input") and c.get("name")}


def selected(control) -> str | None:
    chosen = [o.get("value") for o in control.findall("./option") if o.get("selected") is not None]
    return chosen[0] if chosen else None


def data_labels(client, iri: str) -> dict[str, list[tuple[str, str]]]:
    """What the store states as the IRI's rdfs:label and skos:prefLabel: (language, text)."""
    store = client.app.state.site.store
    found = {}
    for prop in (RDFS.label, SKOS.prefLabel):
        for quad in store.quads_for_pattern(
            ox.NamedNode(iri), ox.NamedNode(str(prop)), None, ox.DefaultGraph()
        ):
            found.setdefault(str(prop), []).append((quad.object.language or "", quad.object.value))
    return found


def expected_label(client, iri: str) -> str | None:
    """The label the page must show: the IRI's English name (rdfs:label or skos:prefLabel; the
    first in code-point order where there are several), None if it has none."""
    labels = data_labels(client, iri)
    english = sorted(text for texts in labels.values() for lang, text in texts if lang == "en")
    return english[0] if english else None


def example_values(name: str) -> dict[str, str]:
    return {p.name: p.example for p in QUERIES[name].parameters if p.required}


# -- the catalogue ---------------------------------------------------------------------------


def test_index_lists_every_question_once_in_groups(client):
    response = client.get("/queries")
    assert response.status_code == 200
    document = parse(response.text)
    assert document.get("lang") == "en"
    groups = {
        text_of(section.find("./h2")): [text_of(a) for a in section.findall("./ul/li/a")]
        for section in document.iter("section")
    }
    assert list(groups) == [
        "Overviews",
        "Lists you can narrow down",
        "About one region",
        "About one document, entity, initiative or resolution",
        "Searching the text",
    ]
    assert groups["About one region"] == [
        "A region's initiatives across cycles",
        "Events in a region",
        "Organizers and partners of events",
        "SDG, WSIS and GDC gaps",
    ]
    assert groups["Searching the text"] == ["Search by name"]
    assert groups["Lists you can narrow down"] == [
        "Centres by type and region",
        "Expected results per region and cycle",
        "Field offices",
        "Regional initiatives as drafted and as adopted",
        "Regional preparatory meetings",
        "SDG, WSIS and GDC coverage",
        "SDGs, WSIS action lines, GDC objectives",
    ]
    hrefs = sorted(a.get("href") for s in document.iter("section") for a in s.findall("./ul/li/a"))
    assert hrefs == sorted(f"/queries/{name}" for name in NAMES)
    for name in NAMES:
        assert QUERIES[name].question in response.text.replace("&#39;", "'")


def test_site_navigation_links_the_questions(client):
    document = parse(client.get("/queries/regions").text)
    nav = document.find(".//header/nav")
    assert "/queries" in [a.get("href") for a in nav.findall("./a")]
    assert link(document, "← All canned questions") == "/queries"


# -- one page per question -------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_question_has_a_page_with_its_form(client, name):
    canned = QUERIES[name]
    response = client.get(f"/queries/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    document = parse(response.text)
    assert document.get("lang") == "en"
    assert text_of(document.find(".//h1")) == canned.title
    if not canned.parameters:
        assert document.find(".//form[@id='ask']") is None
        table(document)
        return
    fields = controls(document)
    assert list(fields) == [p.name for p in canned.parameters]
    for p in canned.parameters:
        control = fields[p.name]
        assert (control.get("required") is not None) == (p.required and p.default is None), p.name
        label = document.find(f".//label[@for='{control.get('id')}']")
        assert ("required" in text_of(label)) == (p.required and p.default is None), p.name
        if p.type in ("choice", "region", "lang"):
            assert control.tag == "select", p.name
            values = [o.get("value") for o in control.findall("./option") if o.get("value")]
            if p.type == "choice":
                assert values == [choice for choice, _ in p.choices]
            elif p.type == "region":
                assert values == ["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"]
            else:
                assert values == ["en", "zh"]
            assert selected(control) == (p.default or ""), p.name
        else:
            assert control.tag == "input", p.name
            assert control.get("value") == (p.default or ""), p.name


def test_select_options_are_labelled_from_the_graph(client):
    document = parse(client.get("/queries/centres").text)
    fields = controls(document)
    assert [text_of(o) for o in fields["kind"].findall("./option")] == [
        "— any —",
        "acceleration centre",
        "digital transformation centre",
        "ITU Academy training centre",
        "open source programme office",
    ]
    assert [text_of(o) for o in fields["region"].findall("./option")][1:3] == [
        "AFR — Africa",
        "AMS — Americas",
    ]
    # An entity's suggestions are the instances of its example's class, as the API takes them.
    document = parse(client.get("/queries/document-contents").text)
    suggestions = document.find(".//datalist[@id='s-document']")
    assert sorted(o.get("value") for o in suggestions.findall("./option")) == [
        "document/council-2024-regional-presence",
        "document/cwg-fhr-bdt-regional-presence",
        "document/tdag-2025-rpm-coordination",
        "document/tsag-2020-regional-offices",
        "document/tsag-2025-regional-offices",
    ]


@pytest.mark.parametrize("name", UNPARAMETERISED)
def test_table_is_the_api_answer_labelled(client, name):
    """As many rows as the JSON API gives for the same (no) parameters, one column per
    variable, and the first row's IRIs shown by their labels, linked to their pages."""
    document = parse(client.get(f"/queries/{name}").text)
    api = client.get(f"/api/queries/{name}").json()
    answer = table(document)
    assert answer["vars"] == api["variables"]
    assert len(answer["rows"]) == len(api["rows"])
    assert answer["rows"], f"{name}: no rows"
    first = answer["rows"][0]
    for variable, shown in zip(api["variables"], first, strict=True):
        term = api["rows"][0].get(variable)
        if term is None:
            assert shown == {"text": "", "href": None, "iri": None}, variable
        elif term["type"] == "uri":
            assert shown["iri"] == term["value"], variable
            if term["value"].startswith(ID):
                assert shown["href"] == "/id/" + term["value"].removeprefix(ID), variable
            label = expected_label(client, term["value"])
            if label is not None:
                assert shown["text"] == label, f"{name}: {variable} {term['value']}"
        else:
            assert shown["text"] == term["value"], variable


def test_headers_name_the_variables(client):
    answer = table(parse(client.get("/queries/field-offices", params={"region": "AFR"}).text))
    assert answer["heads"] == [
        "Region",
        "Office",
        "Office label",
        "Kind",
        "City",
        "Country",
        "Head",
        "Head label",
    ]


def test_field_offices_of_a_region_labelled_and_linked(client):
    answer = table(parse(client.get("/queries/field-offices", params={"region": "AFR"}).text))
    assert texts(answer) == [
        [
            "Africa",
            "Regional Office for Africa",
            "Regional Office for Africa",
            "regional office",
            "Addis Ababa",
            "Ethiopia",
            "Andrew Rugege",
            "Andrew Rugege",
        ]
    ]
    assert [c["href"] for c in answer["rows"][0]] == [
        "/id/region/AFR",
        "/id/office/ro-afr",
        None,
        None,
        "/id/city/addis-ababa",
        "/id/country/ETH",
        "/id/person/andrew-rugege",
        None,
    ]
    answer = table(parse(client.get("/queries/field-offices", params={"region": "AMS"}).text))
    assert texts(answer) == AMERICAS_OFFICES


def test_page_language_labels_and_lang_attribute(client):
    response = client.get("/queries/field-offices", params={"region": "AFR", "lang": "zh"})
    document = parse(response.text)
    assert document.get("lang") == "zh"
    row = table(document)["rows"][0]
    assert [row[0]["text"], row[1]["text"], row[5]["text"]] == [
        "非洲区域",
        "国际电联非洲区域代表处",
        "埃塞俄比亚",
    ]
    # The officeLabel column is a literal the query chose (in English): shown as it is.
    assert row[2]["text"] == "Regional Office for Africa"
    assert selected(controls(document)["region"]) == "AFR"
    assert text_of(controls(document)["region"].find("./option[@value='AFR']")) == "AFR — 非洲区域"
    # The language chosen by ?lang= stays in the page's links and in the form.
    assert link(document, "永久链接") == "/queries/field-offices?region=AFR&lang=zh"
    assert submitted(document) == "/queries/field-offices?region=AFR&lang=zh"
    assert link(document, "CSV") == "/api/queries/field-offices?region=AFR&format=csv"
    # The site's language cookie chooses it too; the links then need not say it.
    by_cookie = parse(
        client.get("/queries/field-offices?region=AFR", headers={"cookie": "lang=zh"}).text
    )
    assert by_cookie.get("lang") == "zh"
    assert texts(table(by_cookie)) == texts(table(document))
    assert link(by_cookie, "永久链接") == "/queries/field-offices?region=AFR"


def test_permalink_round_trips(client):
    for path, params in [
        ("/queries/field-offices", {"region": "AMS"}),
        ("/queries/events-in-region", {"region": "ASP", "year": "2024"}),
        ("/queries/target-gaps", {"region": "EUR", "kind": "wsis"}),
    ]:
        url = f"{path}?{urlencode(params)}"
        response = client.get(url)
        document = parse(response.text)
        answer = table(document)
        assert answer["rows"], url
        fields = controls(document)
        for name, value in params.items():
            control = fields[name]
            shown = selected(control) if control.tag == "select" else control.get("value")
            assert shown == value, (url, name)
        assert link(document, "Permalink") == submitted(document) == url
        again = client.get(submitted(document))
        assert again.text == response.text
    # A default is preselected: sending the form as it stands names it, with the same answer.
    document = parse(client.get("/queries/targets").text)
    assert submitted(document) == "/queries/targets?kind=sdg"
    assert table(parse(client.get(submitted(document)).text)) == table(document)
    assert len(table(document)["rows"]) == 17


def test_downloads_give_the_same_rows(client):
    document = parse(client.get("/queries/field-offices", params={"region": "AMS"}).text)
    answer = table(document)
    csv_link = link(document, "CSV")
    assert csv_link == "/api/queries/field-offices?region=AMS&format=csv"
    rows = list(csv.reader(io.StringIO(client.get(csv_link).text)))
    assert rows[0] == answer["vars"]
    assert rows[1:] == [[c["iri"] or c["text"] for c in row] for row in answer["rows"]]
    assert link(document, "JSON") == "/api/queries/field-offices?region=AMS"
    api = client.get(link(document, "JSON")).json()
    results = client.get(link(document, "SPARQL results (JSON)")).json()
    assert results["head"]["vars"] == answer["vars"]
    assert results["results"]["bindings"] == api["rows"]
    assert len(api["rows"]) == len(answer["rows"]) == 5
    xml = client.get(link(document, "SPARQL results (XML)"))
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    assert xml.text.count("<result>") == 5


def test_sparql_text_and_editor_link_carry_the_bound_parameters(client):
    document = parse(client.get("/queries/field-offices", params={"region": "AMS"}).text)
    shown = "".join(document.find(".//details/pre").itertext())
    assert "VALUES (?region) { (<https://w3id.org/itugraph/id/region/AMS>) }" in shown
    editor = urlsplit(link(document, "Open in the SPARQL editor"))
    assert editor.path == "/editor"
    assert parse_qs(editor.query) == {"query": [shown]}
    assert "%0A" in editor.query and "+" not in editor.query
    results = client.get("/sparql", params={"query": shown, "format": "json"}).json()
    assert len(results["results"]["bindings"]) == 5


def test_paging_follows_the_api(client):
    document = parse(client.get("/queries/resolution-matrix").text)
    api = client.get("/api/queries/resolution-matrix").json()
    assert api["truncated"] is True
    assert len(table(document)["rows"]) == len(api["rows"]) == 100
    following = link(document, "next")
    assert following == "/queries/resolution-matrix?offset=100"
    second = parse(client.get(following).text)
    rest = client.get("/api/queries/resolution-matrix", params={"offset": 100}).json()
    assert len(table(second)["rows"]) == len(rest["rows"]) == 77
    assert link(second, "CSV") == "/api/queries/resolution-matrix?offset=100&format=csv"
    assert link(second, "previous") == "/queries/resolution-matrix"


# -- asking wrongly --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NEEDING)
def test_missing_required_parameter_shows_the_form_and_a_note(client, name):
    response = client.get(f"/queries/{name}")
    assert response.status_code == 200
    document = parse(response.text)
    assert document.find(".//form[@id='ask']") is not None
    assert document.find(".//table[@id='answer-table']") is None
    assert document.find(".//*[@role='alert']") is None
    note = text_of(document.find(".//p[@role='status']"))
    needed = [p.name for p in QUERIES[name].parameters if p.required]
    assert note.startswith(f"This question needs a {' and a '.join(needed)}:"), note


def test_missing_one_of_two_values(client):
    response = client.get("/queries/events-in-region", params={"year": "2024"})
    assert response.status_code == 200
    document = parse(response.text)
    assert text_of(document.find(".//p[@role='status']")) == (
        "This question needs a region: choose it above, then press Show the answer."
    )
    assert controls(document)["year"].get("value") == "2024"


@pytest.mark.parametrize(
    ("path", "params", "message", "field"),
    [
        (
            "/queries/field-offices",
            {"region": "XYZ"},
            "parameter 'region' (region): expected one of AFR, AMS, ARB, ASP, CIS, EUR; got 'XYZ'",
            "region",
        ),
        (
            "/queries/events-in-region",
            {"region": "ASP", "year": "twenty"},
            "parameter 'year' (year): expected a four-digit year, e.g. 2024; got 'twenty'",
            "year",
        ),
        (
            "/queries/targets",
            {"kind": "sgd"},
            "parameter 'kind' (choice): expected one of sdg, wsis, gdc; got 'sgd'",
            "kind",
        ),
        (
            "/queries/regions",
            {"region": "AFR"},
            "'BDT regions' has no parameter 'region'; its parameters: none",
            None,
        ),
        (
            "/queries/regions",
            {"offset": "-1"},
            "offset must be a whole number of at least 0; got '-1'",
            None,
        ),
    ],
)
def test_invalid_value_is_a_400_page_with_the_form(client, path, params, message, field):
    response = client.get(path, params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    document = parse(response.text)
    assert text_of(document.find(".//*[@role='alert']")) == f"Cannot answer: {message}"
    assert document.find(".//table[@id='answer-table']") is None
    if field:
        assert controls(document)[field].get("aria-invalid") == "true"


def test_unknown_question_is_the_sites_404_page(client):
    response = client.get("/queries/no-such-question", headers={"accept": "text/html"})
    assert response.status_code == 404
    document = parse(response.text)
    assert text_of(document.find(".//h1")) == "404"
    assert "No canned question is called 'no-such-question'" in text_of(document.find(".//main"))


# -- labels, caching -------------------------------------------------------------------------


def test_no_cell_shows_a_raw_iri_the_data_labels(client):
    """Every question (with its examples where it needs values): an IRI cell with an English
    label shows that label; no cell shows a raw IRI of the graph that has a label."""
    seen = 0
    for name in NAMES:
        response = client.get(f"/queries/{name}", params=example_values(name))
        assert response.status_code == 200, name
        for row in table(parse(response.text))["rows"]:
            for cell in row:
                if cell["text"].startswith("https://w3id.org/"):
                    labels = data_labels(client, cell["text"])
                    assert not labels, f"{name}: shows {cell['text']} raw though labelled {labels}"
                if cell["iri"]:
                    seen += 1
                    label = expected_label(client, cell["iri"])
                    if label is not None:
                        assert cell["text"] == label, f"{name}: {cell['iri']} is not labelled"
                    assert not cell["text"].startswith("http"), f"{name}: {cell['iri']} raw"
    assert seen > 1000


def test_answer_pages_are_cached_and_validated(client):
    site = client.app.state.site
    url = "/queries/field-offices?region=ARB"
    first = client.get(url)
    assert first.status_code == 200
    assert ("query-pages", "field-offices", "en", (("region", "ARB"),)) in site.cache
    again = client.get(url, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert first.headers["cache-control"].startswith("public, max-age=")


# -- in a browser ----------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_browser_asks_a_question_of_a_region(server, browser):

    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/queries")
    page.get_by_role("link", name="Field offices", exact=True).click()
    page.wait_for_selector("form#ask")
    assert page.url == server + "/queries/field-offices"
    page.select_option("select[name=region]", "AMS")
    page.click("form#ask button[type=submit]")
    page.wait_for_url(server + "/queries/field-offices?region=AMS")
    rows = page.locator("#answer-table tbody tr")
    assert rows.count() == 5
    shown = [rows.nth(i).inner_text().split("\t") for i in range(rows.count())]
    assert [[text.strip() for text in row] for row in shown] == AMERICAS_OFFICES
    assert page.locator("select[name=region]").input_value() == "AMS"
    page.screenshot(path=str(OUTPUT / "query.png"), full_page=True)

    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(server + "/queries/field-offices?region=AMS")
    assert phone.locator("#answer-table tbody tr").count() == 5
    phone.screenshot(path=str(OUTPUT / "query-phone.png"), full_page=True)
