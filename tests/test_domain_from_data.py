"""Regions, cycles and examples come from the data: a copy of the data with a seventh region and
a WTDC-29 initiative shows them in the command line, the OpenAPI document, the reports and the
web pages, with no change to the code (only to the data and the shapes' lists of codes)."""

from __future__ import annotations

import json

import pytest

from itugraph.project import locate
from itugraph.queries import initiative_cycles, region_codes
from itugraph.reports import coverage_matrix, region_report
from itugraph.store import open_store

from .conftest import copy_of_repository, itugraph, serving

OCEANIA = """
region:OCE
    a itu:Region ;
    rdfs:label "Oceania"@en , "大洋洲区域"@zh ;
    dcterms:source document:rehearsal-cycle ;
    itu:code "OCE" ;
.
"""
#: Made up for the test, as the region is: no document states them.
WTDC29 = """
conference:WTDC-29
    a itu:Conference ;
    rdfs:label "World Telecommunication Development Conference 2029 (WTDC-29)"@en ;
    dcterms:source document:rehearsal-cycle ;
    itu:startDate "2029-11-12"^^xsd:date ;
    itu:endDate "2029-11-23"^^xsd:date ;
    itu:locatedIn city:baku ;
.
"""
REPORT = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX document: <https://w3id.org/itugraph/id/document/>
PREFIX itu: <https://w3id.org/itugraph/def#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

document:rehearsal-cycle a itu:SourceDocument ;
    dcterms:title "A rehearsal of the next cycle"@en ;
    dcterms:language "en" ;
    dcterms:date "2029"^^xsd:gYear .

<https://w3id.org/itugraph/id/initiative/WTDC-29/OCE1/text/rehearsal-cycle> a itu:InitiativeText ;
    dcterms:isVersionOf <https://w3id.org/itugraph/id/initiative/WTDC-29/OCE1> ;
    dcterms:title "Connecting the islands"@en ;
    prov:wasDerivedFrom document:rehearsal-cycle .

<https://w3id.org/itugraph/id/initiative/WTDC-29/OCE1> a itu:RegionalInitiative ;
    prov:wasDerivedFrom document:rehearsal-cycle ;
    itu:code "OCE1" ;
    itu:cycle <https://w3id.org/itugraph/id/conference/WTDC-29> ;
    itu:region <https://w3id.org/itugraph/id/region/OCE> .
"""


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    root = copy_of_repository(tmp_path_factory.mktemp("domain") / "copy")
    reference = root / "data" / "reference"
    (reference / "regions.ttl").write_text((reference / "regions.ttl").read_text() + OCEANIA)
    conferences = reference / "conferences.ttl"
    conferences.write_text(conferences.read_text() + WTDC29)
    (root / "data" / "rehearsal-cycle.ttl").write_text(REPORT)
    shapes = root / "shapes" / "itugraph-shapes.ttl"
    text = shapes.read_text()
    text = text.replace("(AFR|AMS|ARB|ASP|CIS|EUR)", "(AFR|AMS|ARB|ASP|CIS|EUR|OCE)")
    text = text.replace('"CIS" "EUR" )', '"CIS" "EUR" "OCE" )')
    text = text.replace("WTDC-(17|22|25)", "WTDC-(17|22|25|29)")
    text = text.replace(
        "<https://w3id.org/itugraph/id/conference/WTDC-25> )",
        "<https://w3id.org/itugraph/id/conference/WTDC-25> "
        "<https://w3id.org/itugraph/id/conference/WTDC-29> )",
    )
    shapes.write_text(text)
    return root


@pytest.fixture(scope="module")
def store(copy):
    return open_store(locate(start=copy))


def test_the_copy_conforms(copy):
    result = itugraph("validate", cwd=copy)
    assert result.returncode == 0, result.stdout + result.stderr


def test_regions_and_cycles_are_read_from_the_data(store):
    assert region_codes(store) == ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR", "OCE")
    assert initiative_cycles(store)[0] == "https://w3id.org/itugraph/id/conference/WTDC-29"


def test_the_command_line_takes_and_lists_the_new_region(copy):
    answer = itugraph("query", "initiatives-across-cycles", "--param", "region=OCE", cwd=copy)
    assert answer.returncode == 0, answer.stderr
    assert "OCE1" in answer.stdout and "WTDC-29" in answer.stdout
    refused = itugraph("query", "field-offices", "--param", "region=XYZ", cwd=copy)
    assert refused.returncode == 2
    assert "expected one of AFR, AMS, ARB, ASP, CIS, EUR, OCE; got 'XYZ'" in refused.stderr
    listed = itugraph("queries", cwd=copy).stdout
    assert "--param region=<AFR|AMS|ARB|ASP|CIS|EUR|OCE>" in listed
    report = itugraph("report", "region", "OCE", cwd=copy)
    assert report.returncode == 0 and "# Oceania (OCE)" in report.stdout


def test_reports_have_a_row_for_the_new_region(store):
    assert coverage_matrix(store, "sdg").regions[-1] == "OCE"
    summary = region_report(store, "OCE")
    assert (summary.name, summary.initiatives) == (
        "Oceania",
        [
            (
                "World Telecommunication Development Conference 2029 (WTDC-29)",
                "OCE1 — Connecting the islands",
                "",
                0,
            )
        ],
    )


def test_the_api_and_pages_show_them(copy):
    with serving(project=locate(start=copy)) as client:
        check_api_and_pages(client)


def check_api_and_pages(client) -> None:
    schema = json.loads(client.get("/openapi.json").text)
    parameter = next(
        p
        for p in schema["paths"]["/api/queries/field-offices"]["get"]["parameters"]
        if p["name"] == "region"
    )
    assert parameter["schema"]["anyOf"][0]["pattern"] == "^(AFR|AMS|ARB|ASP|CIS|EUR|OCE)$"
    home = client.get("/").text
    assert "World Telecommunication Development Conference 2029 (WTDC-29)" in home
    assert ">OCE1 — Connecting the islands</a>" in home
    assert client.get("/api/queries/field-offices", params={"region": "OCE"}).status_code == 200
