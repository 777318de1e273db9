"""The canned query catalogue: headers, typed parameters, safe binding and pinned answers."""

from __future__ import annotations

import pytest
from rdflib import Literal

from itugraph.namespaces import ID
from itugraph.queries import (
    PARAMETER_TYPES,
    ParameterError,
    SparqlSyntaxError,
    UnknownQueryError,
    catalogue,
    get_query,
    run_query,
    sparql,
)

QUERIES = sorted(catalogue())


@pytest.mark.parametrize("name", QUERIES)
def test_header_is_complete(name):
    query = get_query(name)
    assert query.title and query.question.endswith("?"), f"{query.path}: title and a question"
    for parameter in query.parameters:
        assert parameter.type in PARAMETER_TYPES, f"{query.path}: {parameter.name}"
        assert parameter.description, (
            f"{query.path}: parameter {parameter.name} needs a description"
        )
        assert parameter.example, f"{query.path}: parameter {parameter.name} needs an example"
        assert f"?{parameter.name}" in query.text, f"{query.path}: ?{parameter.name} is not used"


@pytest.mark.parametrize("name", QUERIES)
def test_runs_with_its_examples(graph, name):
    query = get_query(name)
    examples = {p.name: p.example for p in query.parameters}
    rows = list(run_query(name, graph, **examples))
    assert rows, f"{query.path} gives no answer for its examples {examples}"


def test_at_least_five_queries():
    assert len(QUERIES) >= 5


def test_unknown_query_lists_known_ones():
    with pytest.raises(UnknownQueryError) as caught:
        get_query("field-office")
    assert "field-offices" in str(caught.value)


def test_missing_required_parameter_is_named(graph):
    with pytest.raises(ParameterError, match="needs parameter 'entity'"):
        run_query("entity-provenance", graph)


def test_ill_typed_parameter_is_named(graph):
    with pytest.raises(ParameterError, match="parameter 'region' \\(region\\)"):
        run_query("field-offices", graph, region="Africa")


def test_unknown_parameter_is_named(graph):
    with pytest.raises(ParameterError, match="no parameter 'regoin'"):
        run_query("field-offices", graph, regoin="AFR")


def test_syntax_error_gives_line_and_column(graph):
    with pytest.raises(SparqlSyntaxError, match="line 2, column"):
        sparql(graph, "SELECT ?s\nWHERE { ?s ?p }")


def test_injection_string_is_a_literal_not_query_text(graph):
    attack = 'x")) } UNION { ?entity ?property ?text . BIND(1 AS ?x) } #'
    assert list(run_query("search", graph, phrase=attack)) == []


def test_injection_in_entity_parameter_is_rejected(graph):
    with pytest.raises(ParameterError):
        run_query("entity-provenance", graph, entity="office/ro-afr> ?p ?o } #")


def test_regions_en_and_zh(graph):
    rows = [(str(r.code), str(r.labelEn), str(r.labelZh)) for r in run_query("regions", graph)]
    assert rows == [
        ("AFR", "Africa", "非洲区域"),
        ("AMS", "Americas", "美洲区域"),
        ("ARB", "Arab States", "阿拉伯国家区域"),
        ("ASP", "Asia and the Pacific", "亚太区域"),
        ("CIS", "Commonwealth of Independent States", "独联体国家区域"),
        ("EUR", "Europe", "欧洲区域"),
    ]


def test_regional_offices_by_region(graph):
    rows = [
        (r.region, r.office, r.city)
        for r in run_query("field-offices", graph)
        if str(r.kind) == "regional office"
    ]
    assert sorted(set(rows)) == sorted(
        (ID[f"region/{code}"], ID[f"office/ro-{code.lower()}"], ID[f"city/{city}"])
        for code, city in [
            ("AFR", "addis-ababa"), ("AMS", "brasilia"), ("ARB", "cairo"),
            ("ASP", "bangkok"), ("CIS", "moscow"), ("EUR", "geneva"),
        ]
    )  # fmt: skip


def test_office_heads_named_by_the_2020_report(graph):
    heads = {
        str(r.officeLabel): str(r.headLabel)
        for r in run_query("field-offices", graph)
        if r.headLabel is not None
    }
    assert heads == {
        "Regional Office for Africa": "Andrew Rugege",
        "Regional Office for the Americas": "Bruno Ramos",
        "Regional Office for the Arab States": "Adel Darwish",
        "Regional Office for Asia and the Pacific": "Atsuko Okuda",
        "Regional Office for the CIS Region": "Natalia Mochu",
        "ITU Office for Europe": "Jaroslaw Ponder",
    }


def test_conferences_in_date_order(graph):
    rows = [
        (r.conference.split("/")[-1], str(r.start), r.city.split("/")[-1])
        for r in run_query("conferences", graph)
    ]
    assert rows == [
        ("WTDC-17", "2017-10-09", "buenos-aires"),
        ("PP-18", "2018-10-29", "dubai"),
        ("WTSA-20", "2022-03-01", "geneva"),
        ("WTDC-22", "2022-06-06", "kigali"),
        ("PP-22", "2022-09-26", "bucharest"),
        ("WTSA-24", "2024-10-15", "new-delhi"),
        ("WTDC-25", "2025-11-17", "baku"),
    ]


def test_entity_provenance_names_each_document(graph):
    documents = {r.document for r in run_query("entity-provenance", graph, entity="office/ro-afr")}
    assert ID["document/tsag-2020-regional-offices"] in documents
    assert ID["document/council-2024-regional-presence"] in documents


def test_document_contents_of_the_2020_report_holds_its_heads(graph):
    people = {
        str(r.label)
        for r in run_query(
            "document-contents", graph, document="document/tsag-2020-regional-offices"
        )
        if r["class"].endswith("#Person")
    }
    assert {"Andrew Rugege", "Natalia Mochu", "Jaroslaw Ponder"} <= people


def test_search_chinese_label(graph):
    rows = list(run_query("search", graph, phrase="欧洲区域", language="zh"))
    assert (ID["region/EUR"], Literal("欧洲区域", lang="zh")) in {(r.entity, r.text) for r in rows}


def test_search_nothing_found(graph):
    assert list(run_query("search", graph, phrase="no such phrase anywhere")) == []


@pytest.mark.parametrize("top", ["FieldOffice", "Event"])
def test_region_summary_class_hierarchy_is_one_level_deep(graph, top):
    """region-summary matches subclasses one step down (for Virtuoso); deeper ones would be missed."""
    deeper = sparql(
        graph,
        "PREFIX itu: <https://w3id.org/itugraph/def#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"SELECT ?c WHERE {{ ?c rdfs:subClassOf/rdfs:subClassOf+ itu:{top} }}",
    )
    assert list(deeper) == []
