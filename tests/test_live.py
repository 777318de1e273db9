"""End to end: `itugraph serve` started on a free loopback port, used through SPARQLWrapper as a
real client, fuzzed by schemathesis from its own OpenAPI document, and driven in Chromium."""

from __future__ import annotations

import os
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from .conftest import free_port, start_process, stop_process

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
COUNT_REGIONS = "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/itugraph/def#Region> }"

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real command, `itugraph serve`, on a free loopback port; stopped after the module."""
    port = free_port()
    command = [sys.executable, "-m", "itugraph", "serve", "--port", str(port), "--timeout", "3"]
    url = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("serve")
    process = start_process(command, f"{url}/api/queries", folder, "itugraph serve", seconds=180)
    yield url
    stop_process(process)


def wrapper(server: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(server, method):
    client = wrapper(server, JSON, method)
    client.setQuery(COUNT_REGIONS)
    assert client.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "6"


@pytest.mark.parametrize(("fmt", "expected"), [(XML, "6"), (CSV, "n\r\n6\r\n"), (TSV, "?n")])
def test_sparqlwrapper_other_result_formats(server, fmt, expected):
    client = wrapper(server, fmt)
    client.setQuery(COUNT_REGIONS)
    converted = client.queryAndConvert()
    text = converted.toxml() if fmt == XML else converted.decode("utf-8")
    assert expected in text


def test_sparqlwrapper_construct_turtle(server):
    client = wrapper(server, TURTLE)
    client.setQuery(
        "CONSTRUCT { ?r a ?t } WHERE { ?r a ?t . ?r a <https://w3id.org/itugraph/def#Region> }"
    )
    assert b"region:AFR a itu:Region" in client.queryAndConvert()


def test_sparqlwrapper_ask(server):
    client = wrapper(server, JSON)
    client.setQuery("ASK { <https://w3id.org/itugraph/id/region/EUR> ?p ?o }")
    assert client.queryAndConvert()["boolean"] is True


def test_sparqlwrapper_malformed_query(server):
    client = wrapper(server, JSON)
    client.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        client.queryAndConvert()


def test_sparqlwrapper_update_refused(server):
    client = wrapper(server, JSON, "POST")
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(urllib.error.HTTPError) as caught:
        client.queryAndConvert()
    assert caught.value.code == 403


def test_timeout_then_still_answering(server):
    request = urllib.request.Request(
        f"{server}/sparql?"
        + urllib.parse.urlencode(
            {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}
        )
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 503
    client = wrapper(server, JSON)
    client.setQuery(COUNT_REGIONS)
    assert client.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "6"


def test_api_conforms_to_its_openapi(server):
    """schemathesis generates requests for every operation of /openapi.json, positive and
    negative, with all its checks: no 5xx, schema-valid requests accepted (tests/schemathesis.toml
    has the one exception), invalid ones refused, every response documented and conforming."""
    from hypothesis import HealthCheck, given, settings

    config = SchemathesisConfig.from_path(str(Path(__file__).with_name("schemathesis.toml")))
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json", config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case):
            case.call_and_validate()

        check()


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_browser_search_initiative_and_editor(server, browser):

    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    assert "The ITU's regional presence" in page.inner_text("h1")
    page.screenshot(path=str(OUTPUT / "home.png"), full_page=True)

    page.fill("input[name=q]", "欧洲区域")
    page.click("header button[type=submit]")
    page.wait_for_selector("ul.hits li")
    assert page.locator('a[href="/id/region/EUR"]').count() >= 1
    page.screenshot(path=str(OUTPUT / "search-zh.png"), full_page=True)

    page.goto(server + "/id/initiative/WTDC-25/EUR3")
    items = page.locator("ol.results li")
    assert items.count() == 5
    assert (
        items.nth(4)
        .inner_text()
        .startswith("Building and/or strengthening partnerships with the private sector")
    )
    page.screenshot(path=str(OUTPUT / "initiative-eur3.png"), full_page=True)
    # The SPARQL editor is driven in tests/test_ui_editor.py.


if os.environ.get("CI"):
    assert CHROMIUM, "CI must install Chromium for the browser test"
