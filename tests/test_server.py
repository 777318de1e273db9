"""The web app in-process (the factory with TestClient): protocol, API, linked data, pages, errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from itugraph.serve import ServerSettings, create_app

COUNT_REGIONS = "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/itugraph/def#Region> }"


@pytest.fixture(scope="module")
def client(graph):
    return TestClient(create_app(graph, ServerSettings(timeout=2, max_rows=50)))


@pytest.mark.parametrize(
    ("accept", "media", "check"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            lambda t: json.loads(t)["results"]["bindings"][0]["n"]["value"] == "6",
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            lambda t: "<literal" in t and ">6</literal>" in t,
        ),
        ("text/csv", "text/csv", lambda t: t.splitlines() == ["n", "6"]),
        (
            "text/tab-separated-values",
            "text/tab-separated-values",
            lambda t: t.splitlines()[0] == "?n",
        ),
    ],
)
def test_select_formats_by_accept(client, accept, media, check):
    response = client.get("/sparql", params={"query": COUNT_REGIONS}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert check(response.text)


def test_format_parameter_overrides_accept(client):
    response = client.get(
        "/sparql",
        params={"query": COUNT_REGIONS, "format": "csv"},
        headers={"accept": "application/json"},
    )
    assert response.text.splitlines() == ["n", "6"]


def test_post_form_and_direct(client):
    form = client.post("/sparql", data={"query": COUNT_REGIONS}, headers={"accept": "text/csv"})
    direct = client.post(
        "/sparql",
        content=COUNT_REGIONS,
        headers={"content-type": "application/sparql-query", "accept": "text/csv"},
    )
    assert form.text == direct.text == "n\r\n6\r\n"


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
    ],
)
def test_construct_formats(client, accept, media):
    query = "CONSTRUCT { ?r ?p ?o } WHERE { ?r a <https://w3id.org/itugraph/def#Region> ; ?p ?o }"
    response = client.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert response.headers["content-type"].startswith(media)
    parsed = Graph().parse(
        data=response.text,
        format={
            "text/turtle": "turtle",
            "application/n-triples": "nt",
            "application/ld+json": "json-ld",
        }[media],
    )
    assert len(set(parsed.subjects())) == 6


def test_ask(client):
    response = client.get(
        "/sparql", params={"query": "ASK { ?s a <https://w3id.org/itugraph/def#RegionalOffice> }"}
    )
    assert json.loads(response.text)["boolean"] is True


def test_service_description_and_void(client):
    response = client.get("/sparql", headers={"accept": "text/turtle"})
    graph = Graph().parse(data=response.text, format="turtle")
    text = response.text
    assert "sd:Service" in text and "void:classPartition" in text
    triples = [
        o for s, p, o in graph if str(p).endswith("#triples") and str(s).endswith("/dataset")
    ]
    assert int(triples[0]) > 5000


def test_canned_queries_published_as_sparql_executables(client):
    query = """PREFIX sh: <http://www.w3.org/ns/shacl#> PREFIX schema: <https://schema.org/>
    SELECT (COUNT(?q) AS ?n) WHERE { ?q a sh:SPARQLExecutable ; sh:select ?text ; schema:target ?t }"""
    response = client.get("/sparql", params={"query": query, "format": "csv"})
    assert response.text.splitlines()[1] == "25"


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX x: <urn:x> DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
    ],
)
def test_updates_refused(client, update):
    assert client.get("/sparql", params={"query": update}).status_code == 403
    assert client.post("/sparql", data={"update": update}).status_code == 403
    assert (
        client.post(
            "/sparql", content=update, headers={"content-type": "application/sparql-update"}
        ).status_code
        == 403
    )


def test_malformed_query_400_with_parser_message(client):
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "error" in response.text.lower()


def test_oversize_query_413(client):
    response = client.post(
        "/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000}
    )
    assert response.status_code == 413


def test_timeout_503_and_server_still_answers(client):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    response = client.get("/sparql", params={"query": slow})
    assert response.status_code == 503
    assert "did not finish within 2 s" in response.text
    assert client.get("/sparql", params={"query": COUNT_REGIONS, "format": "csv"}).text.endswith(
        "6\r\n"
    )


def test_result_cap(client):
    response = client.get(
        "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "csv"}
    )
    assert len(list(csv.reader(io.StringIO(response.text)))) == 51
    assert response.headers["x-result-truncated"] == "true"


def test_cors_for_get(client):
    response = client.get(
        "/sparql", params={"query": COUNT_REGIONS}, headers={"origin": "https://example.org"}
    )
    assert response.headers["access-control-allow-origin"] == "*"


def test_api_lists_queries(client):
    names = [q["name"] for q in client.get("/api/queries").json()]
    assert len(names) == 25 and "field-offices" in names


def test_api_runs_a_canned_query_with_paging(client):
    data = client.get("/api/queries/preparatory-meetings", params={"limit": 2, "offset": 1}).json()
    assert data["offset"] == 1 and len(data["rows"]) == 2
    assert data["rows"][0]["name"]["value"] == "Abdulla Bin Khadiya"


def test_api_csv(client):
    response = client.get("/api/queries/regions", params={"format": "csv"})
    assert (
        response.text.splitlines()[1]
        == "https://w3id.org/itugraph/id/region/AFR,AFR,Africa,非洲区域"
    )


def test_api_bad_parameter_400_names_it(client):
    response = client.get("/api/queries/entity-provenance", params={"entity": "not an iri"})
    assert response.status_code == 400
    assert "parameter 'entity'" in response.json()["error"]
    response = client.get("/api/queries/field-offices", params={"region": "Mars"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "region"]


def test_openapi_generated_from_headers(client):
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/queries/events-in-region"]["get"]
    assert operation["summary"] == "Events in a region"
    names = {p["name"] for p in operation["parameters"]}
    assert {"region", "year", "limit", "offset", "format"} <= names


def test_entity_html_page(client):
    page = client.get("/id/initiative/WTDC-25/EUR3", headers={"accept": "text/html"}).text
    assert "Digital inclusion and skills development" in page
    assert "Objective of this initiative is to facilitate equitable access" in page
    assert page.count('<li value="') == 5
    assert 'href="/id/document/tdag-2025-rpm-coordination"' in page


def test_entity_chinese_label(client):
    page = client.get("/id/office/ro-afr").text
    assert "国际电联非洲区域代表处" in page


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_entity_content_negotiation(client, accept, fmt):
    response = client.get("/id/region/AFR", headers={"accept": accept})
    graph = Graph().parse(data=response.text, format=fmt)
    assert len(graph) > 5
    assert "Accept" in response.headers["vary"]


def test_unknown_entity_404(client):
    assert client.get("/id/office/nowhere", headers={"accept": "text/html"}).status_code == 404
    assert client.get("/id/office/nowhere", headers={"accept": "text/turtle"}).status_code == 404


def test_invalid_iri_path_is_404_not_500(client):
    """Regression: schemathesis found /id/ paths that are not valid IRIs crashing with 500."""
    assert client.get("/id/%28%3B%F1%BD%A8%A5%7C%C2%AB").status_code == 404
    assert client.get("/def/a%20b").status_code == 404


def test_ontology_pages(client):
    assert (
        "Regional initiative" in client.get("/def").text
        or "regional initiative" in client.get("/def").text
    )
    assert "One of the six regions" in client.get("/def/Region").text
    turtle = client.get("/def", headers={"accept": "text/turtle"}).text
    assert len(Graph().parse(data=turtle, format="turtle")) > 400


def test_search_chinese(client):
    page = client.get("/search", params={"q": "欧洲区域"}).text
    assert 'href="/id/region/EUR"' in page


def test_home_coverage_editor_have_no_cdn(client):
    for path in ("/", "/coverage?by=sdg", "/editor"):
        page = client.get(path).text
        assert "https://cdn" not in page and 'src="http' not in page, path
    assert "<svg" in client.get("/coverage?by=wsis").text


def test_interactive_docs_are_served_locally(client):
    page = client.get("/docs").text
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr" not in page
    assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200
