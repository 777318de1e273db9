"""The web app in-process (the factory with TestClient): protocol, API, linked data, pages, errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

import pytest
from rdflib import Graph

from itugraph.serve import ServerSettings
from itugraph.serve import app as server_app
from itugraph.serve.caching import AnswerCache, CachedAnswer

from .conftest import serving

COUNT_REGIONS = "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/itugraph/def#Region> }"


@pytest.fixture(scope="module")
def client():
    with serving(ServerSettings(timeout=2, max_rows=50)) as client:
        yield client


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
    assert response.text.splitlines()[1] == "26"


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


def test_a_query_that_crashes_the_engine_is_a_400_and_the_server_goes_on(client):
    nested = "SELECT (" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) {}"
    response = client.post("/sparql", data={"query": nested})
    assert response.status_code == 400
    assert response.text.startswith("the query stopped the SPARQL engine (killed by SIGSEGV)")
    assert client.get("/sparql", params={"query": COUNT_REGIONS, "format": "csv"}).text.endswith(
        "6\r\n"
    )


def test_construct_is_capped(client):
    response = client.get(
        "/sparql",
        params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"},
        headers={"accept": "application/n-triples"},
    )
    assert response.text.count(" .\n") == 50
    assert response.headers["x-result-truncated"] == "true"


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
    assert len(names) == 26 and "field-offices" in names


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
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("parameter 'entity': String should match pattern")
    response = client.get("/api/queries/field-offices", params={"region": "Mars"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == "region"
    assert response.json()["detail"].startswith("parameter 'region': String should match")


def test_api_unknown_parameter_400_lists_the_known(client):
    response = client.get("/api/queries/field-offices", params={"regoin": "AFR"})
    assert response.status_code == 400
    assert response.json() == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "query 'field-offices' has no parameter 'regoin'; its parameters: format, "
        "limit, offset, region",
        "parameters": ["format", "limit", "offset", "region"],
    }


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
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr" not in page
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


@pytest.fixture(scope="module")
def small_cache():
    """An app whose answer cache holds three entries, with its Site to read statistics from."""
    with serving(ServerSettings(cache_size=3, max_age=60)) as client:
        yield client, client.app.state.site


@pytest.fixture
def engine_calls(monkeypatch):
    """Count the queries that reach the engine: the real `run`, wrapped."""
    calls = []
    real = server_app.run

    async def counting(pool, text, *args, **kwargs):
        calls.append(text)
        return await real(pool, text, *args, **kwargs)

    monkeypatch.setattr(server_app, "run", counting)
    return calls


CACHED_GETS = [
    ("/sparql?query=" + quote(COUNT_REGIONS), "application/sparql-results+json"),
    ("/api/queries/regions", "application/json"),
    ("/id/region/AFR", "text/html"),
    ("/def", "text/html"),
    ("/def/Region", "text/turtle"),
    ("/static/itugraph.css", "text/css"),
]


@pytest.mark.parametrize(("path", "accept"), CACHED_GETS)
def test_get_answers_carry_validators_and_freshness(client, path, accept):
    first = client.get(path, headers={"accept": accept})
    second = client.get(path, headers={"accept": accept})
    assert first.status_code == second.status_code == 200
    etag = first.headers["etag"]
    assert etag == second.headers["etag"] and not etag.startswith("W/")
    assert etag.startswith('"') and etag.endswith('"')
    assert parsedate_to_datetime(first.headers["last-modified"]).year >= 2024
    assert first.headers["cache-control"] == "public, max-age=300"


@pytest.mark.parametrize(("path", "accept"), CACHED_GETS)
def test_if_none_match_gives_304_without_body(client, path, accept):
    etag = client.get(path, headers={"accept": accept}).headers["etag"]
    response = client.get(path, headers={"accept": accept, "if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == "public, max-age=300"
    other = client.get(path, headers={"accept": accept, "if-none-match": '"something-else"'})
    assert other.status_code == 200 and other.content


def test_if_none_match_list_and_star(client):
    etag = client.get("/api/queries/regions").headers["etag"]
    listed = client.get("/api/queries/regions", headers={"if-none-match": f'"x", W/{etag}'})
    assert listed.status_code == 304
    assert client.get("/api/queries/regions", headers={"if-none-match": "*"}).status_code == 304


def test_if_modified_since(client):
    modified = client.get("/id/region/AFR").headers["last-modified"]
    assert client.get("/id/region/AFR", headers={"if-modified-since": modified}).status_code == 304
    before = parsedate_to_datetime(modified) - timedelta(days=1)
    stale = client.get("/id/region/AFR", headers={"if-modified-since": format_datetime(before)})
    assert stale.status_code == 200 and stale.content
    etag_wins = client.get(
        "/id/region/AFR", headers={"if-modified-since": modified, "if-none-match": '"other"'}
    )
    assert etag_wins.status_code == 200


def test_etag_differs_by_media_type_and_query(client):
    def etag(path, accept):
        return client.get(path, headers={"accept": accept}).headers["etag"]

    html, turtle = etag("/id/region/AFR", "text/html"), etag("/id/region/AFR", "text/turtle")
    assert html != turtle
    assert turtle == etag("/id/region/AFR", "text/turtle;q=0.9, text/plain;q=0.1")
    query = "/sparql?query=" + quote(COUNT_REGIONS)
    assert etag(query, "text/csv") != etag(query, "application/sparql-results+json")
    assert etag("/id/region/AFR", "text/html") != etag("/id/region/EUR", "text/html")
    assert etag("/api/queries/regions?format=csv", "*/*") != etag("/api/queries/regions", "*/*")


@pytest.mark.parametrize(
    "path",
    ["/sparql?query=" + quote(COUNT_REGIONS), "/sparql", "/id/region/AFR", "/def", "/def/Region"],
)
def test_vary_accept_where_negotiated(client, path):
    assert "Accept" in client.get(path).headers["vary"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/sparql?query=" + quote("SELECT * WHERE { ?s ?p }"), 400),
        ("/sparql?query=" + quote("DROP ALL"), 403),
        ("/api/queries/entity-provenance?entity=not%20an%20iri", 400),
        ("/api/queries/field-offices?region=Mars", 400),
        ("/id/office/nowhere", 404),
        ("/coverage?by=nothing", 400),
        ("/static/nothing.css", 404),
    ],
)
def test_errors_are_not_stored(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers and "last-modified" not in response.headers
    assert client.get(path, headers={"if-none-match": "*"}).status_code == status


def test_post_answers_carry_no_validators(client):
    response = client.post("/sparql", data={"query": COUNT_REGIONS})
    assert response.status_code == 200
    assert "etag" not in response.headers


def test_repeated_canned_query_runs_once(small_cache, engine_calls):
    client, site = small_cache
    site.cache.clear()
    first = client.get("/api/queries/regions")
    second = client.get("/api/queries/regions")
    assert first.content == second.content and len(first.json()["rows"]) == 6
    assert len(engine_calls) == 1
    assert (site.cache.hits, site.cache.misses) == (1, 1)
    client.get("/api/queries/regions", params={"format": "csv"})
    client.get("/api/queries/field-offices", params={"region": "AFR"})
    client.get("/api/queries/field-offices", params={"region": "AFR", "limit": 100})
    assert len(engine_calls) == 3


def test_repeated_sparql_runs_once_get_and_post(small_cache, engine_calls):
    client, site = small_cache
    site.cache.clear()
    get = client.get("/sparql", params={"query": COUNT_REGIONS}, headers={"accept": "text/csv"})
    post = client.post("/sparql", data={"query": COUNT_REGIONS}, headers={"accept": "text/csv"})
    assert get.text == post.text == "n\r\n6\r\n"
    assert len(engine_calls) == 1
    client.get("/sparql", params={"query": COUNT_REGIONS, "format": "json"})
    assert len(engine_calls) == 2


def test_failed_queries_run_again(small_cache, engine_calls):
    client, site = small_cache
    site.cache.clear()
    for _ in range(2):
        assert (
            client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}).status_code == 400
        )
    assert len(engine_calls) == 2 and len(site.cache) == 0


def test_repeated_entity_page_is_rendered_once(small_cache, monkeypatch):
    client, site = small_cache
    site.cache.clear()
    looked_up = []
    real = site.quads

    def counting(subject=None, obj=None):
        looked_up.append((subject, obj))
        return real(subject, obj)

    monkeypatch.setattr(site, "quads", counting)
    first = client.get("/id/region/AFR", headers={"accept": "text/html"})
    calls = len(looked_up)
    second = client.get("/id/region/AFR", headers={"accept": "text/html"})
    assert first.text == second.text and "Africa" in first.text
    assert calls > 0 and len(looked_up) == calls
    client.get("/id/region/AFR", headers={"accept": "text/turtle"})
    assert len(looked_up) > calls
    assert site.cache.hits == 1 and len(site.cache) == 2


def test_cache_evicts_least_recently_used(small_cache):
    client, site = small_cache
    site.cache.clear()
    for code in ("AFR", "AMS", "ARB"):
        client.get(f"/id/region/{code}")
    client.get("/id/region/AFR")
    client.get("/id/region/ASP")
    assert len(site.cache) == 3 and site.cache.evictions == 1
    assert ("entity", "https://w3id.org/itugraph/id/region/AMS", "html") not in site.cache
    assert ("entity", "https://w3id.org/itugraph/id/region/AFR", "html") in site.cache
    for code in ("CIS", "EUR", "AFR", "AMS"):
        client.get(f"/id/region/{code}")
    assert len(site.cache) == 3 and site.cache.evictions == 5


def test_cache_bounded_in_bytes():
    cache = AnswerCache(max_entries=100, max_bytes=160)
    for n in range(5):
        cache.put(n, CachedAnswer(b"x" * 10, "text/plain"))
    cache.put("large", CachedAnswer(b"x" * 11, "text/plain"))
    assert "large" not in cache and len(cache) == 5
    for n in range(5, 20):
        cache.put(n, CachedAnswer(b"x" * 10, "text/plain"))
    assert len(cache) == 16 and cache.size == 160 and 3 not in cache and 19 in cache
    off = AnswerCache(max_entries=0, max_bytes=160)
    off.put("a", CachedAnswer(b"x", "text/plain"))
    assert len(off) == 0


def test_answers_from_cache_keep_cors_and_host(client):
    for _ in range(2):
        response = client.get("/api/queries/regions", headers={"origin": "https://example.org"})
        assert response.headers["access-control-allow-origin"] == "*"
    for host in ("a.example", "b.example", "a.example"):
        description = client.get("/sparql", headers={"host": host, "accept": "text/turtle"})
        assert f"<http://{host}/sparql>" in description.text


def test_evicted_answer_is_built_again(small_cache, engine_calls):
    client, site = small_cache
    site.cache.clear()
    client.get("/api/queries/regions")
    for code in ("AFR", "AMS", "ARB"):
        client.get("/api/queries/field-offices", params={"region": code})
    assert len(engine_calls) == 4
    again = client.get("/api/queries/regions")
    assert again.status_code == 200 and len(again.json()["rows"]) == 6
    assert len(engine_calls) == 5


def test_the_version_follows_the_data(tmp_path):
    """Same inputs, same ETag version (across restarts); one changed byte of data, another."""
    from itugraph.project import locate

    from .conftest import copy_of_repository, serving

    def version(**options) -> str:
        with serving(**options) as client:
            return client.app.state.site.version

    first = version()
    assert version() == first
    copy = copy_of_repository(tmp_path / "copy")
    report = copy / "data" / "tsag-2020-regional-offices.ttl"
    report.write_text(report.read_text().replace('"2020"^^xsd:gYear', '"2021"^^xsd:gYear', 1))
    assert version(project=locate(start=copy)) != first


def test_openapi_marks_required_parameters_and_a_missing_one_is_a_400(client):
    schema = client.get("/openapi.json").json()
    (region,) = [
        p
        for p in schema["paths"]["/api/queries/target-gaps"]["get"]["parameters"]
        if p["name"] == "region"
    ]
    assert region["required"] is True
    response = client.get("/api/queries/target-gaps")
    assert response.status_code == 400
    assert response.json()["detail"] == "parameter 'region': Field required"


def test_an_unknown_path_is_the_site_s_404_page_for_a_browser(client):
    page = client.get("/nope", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "There is no page at this address." in page.text
    assert client.get("/nope").json() == {"detail": "Not Found"}


def test_openapi_documents_the_400_problem_the_server_sends(client):
    """No 422 (FastAPI's default shape, never sent here): a bad parameter is documented as
    what it is, a 400 problem document."""
    spec = client.get("/openapi.json").json()
    statuses = {s for ops in spec["paths"].values() for op in ops.values() for s in op["responses"]}
    assert "422" not in statuses
    responses = spec["paths"]["/api/queries/field-offices"]["get"]["responses"]
    assert responses["400"]["content"]["application/problem+json"] == {
        "schema": {"$ref": "#/components/schemas/Problem"}
    }
    answer = client.get("/api/queries/field-offices", params={"region": "Mars"})
    assert answer.status_code == 400
    assert set(answer.json()) <= set(spec["components"]["schemas"]["Problem"]["properties"])
