"""The canned query catalogue: headers, typed parameters, safe binding and pinned answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal

from itugraph.namespaces import ID
from itugraph.queries import (
    PARAMETER_PATTERNS,
    PARAMETER_TYPES,
    ParameterError,
    QueryError,
    UnknownQueryError,
    catalogue,
    get_query,
    load_query,
    run_query,
    sparql,
)
from itugraph.query_text import SparqlSyntaxError
from itugraph.resources import resource_path

QUERIES = sorted(catalogue())
QUERY_FILES = sorted(path.name for path in resource_path("queries").glob("*.rq"))


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


@pytest.mark.parametrize("file_name", QUERY_FILES)
def test_shipped_query_header_is_strictly_valid(file_name):
    path = resource_path("queries") / file_name
    query = load_query(path)
    assert query.name == path.stem
    assert all(parameter.description for parameter in query.parameters)


def test_shipped_query_files_are_the_catalogue():
    assert [Path(name).stem for name in QUERY_FILES] == QUERIES


def test_field_offices_region_description_is_whole():
    (region,) = get_query("field-offices").parameters
    assert region.name == "region"
    assert (
        region.description == "only the offices of this BDT region (AFR, AMS, ARB, ASP, CIS, EUR)"
    )


@pytest.mark.parametrize("name", ["targets", "target-gaps", "target-coverage"])
def test_target_kind_description_is_whole(name):
    kind = next(p for p in get_query(name).parameters if p.name == "kind")
    assert kind.description == "which targets, sdg wsis or gdc"
    assert [choice for choice, _ in kind.choices] == ["sdg", "wsis", "gdc"]


PARAMETER_KEYS = "type, description, example, default, required, choices"


def _write_query(tmp_path: Path, *header: str) -> Path:
    path = tmp_path / "cut.rq"
    lines = [f"#+ {line}" for line in header]
    path.write_text("\n".join([*lines, "SELECT ?region WHERE { ?region ?p ?o }", ""]), "utf-8")
    return path


def test_flow_mapping_cut_by_a_comma_names_file_parameter_and_stray_key(tmp_path):
    path = _write_query(
        tmp_path,
        "title: Cut",
        "question: Is the description cut?",
        "params:",
        "  region: {type: region, example: ASP, description: only this region (AFR, AMS)}",
    )
    with pytest.raises(QueryError) as caught:
        load_query(path)
    assert str(caught.value) == (
        f"{path}: parameter 'region': unknown key 'AMS)' (it has no value: a comma in an "
        "unquoted value of a {…} mapping starts a new key; quote the value); "
        f"allowed keys: {PARAMETER_KEYS}"
    )
    assert "\n" not in str(caught.value)


def test_quoted_flow_mapping_value_keeps_its_commas(tmp_path):
    path = _write_query(
        tmp_path,
        "title: Quoted",
        "question: Is the description whole?",
        "params:",
        '  region: {type: region, example: ASP, description: "only this region (AFR, AMS)"}',
    )
    (region,) = load_query(path).parameters
    assert region.description == "only this region (AFR, AMS)"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            ["title: T", "question: Q?", "tags: [a]"],
            "header: unknown key 'tags'; allowed keys: title, question, params",
        ),
        (["title:", "question: Q?"], "header: 'title' is empty; it must be a non-empty text"),
        (["title: T", "question: ''"], "header: 'question' is empty; it must be a non-empty text"),
        (["title: T"], "header lacks question"),
        (
            ["title: T", "question: Q?", "params:", "  region: {type: region, description: }"],
            "parameter 'region': 'description' is empty; it must be a non-empty text",
        ),
        (
            ["title: T", "question: Q?", "params:", "  region: {type: region}"],
            "parameter 'region': lacks 'description'",
        ),
        (
            ["title: T", "question: Q?", "params:", "  region: region"],
            "parameter 'region': spec must be a mapping with keys "
            f"{PARAMETER_KEYS}; not str 'region'",
        ),
        (
            ["title: T", "question: Q?", "params:", "  region:"],
            f"parameter 'region': spec must be a mapping with keys {PARAMETER_KEYS}; it is empty",
        ),
        (
            ["title: T", "question: Q?", "params:", "  region: {type: region, description: d, exmaple: AFR}"],
            f"parameter 'region': unknown key 'exmaple'; allowed keys: {PARAMETER_KEYS}",
        ),
        (
            ["title: T", "question: Q?", "params:", "  region: {type: region, description: d, required: yes please}"],
            "parameter 'region': 'required' must be true or false, not 'yes please'",
        ),
    ],
)  # fmt: skip
def test_strict_header_errors_name_file_parameter_and_key(tmp_path, header, message):
    path = _write_query(tmp_path, *header)
    with pytest.raises(QueryError) as caught:
        load_query(path)
    assert str(caught.value) == f"{path}: {message}"


@pytest.mark.parametrize("kind", sorted(PARAMETER_PATTERNS))
def test_every_value_the_api_documents_is_accepted(kind):
    """The OpenAPI patterns promise what the parameter parsers accept (schemathesis's
    positive-data check relies on it): every value a pattern matches parses."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @given(st.from_regex(PARAMETER_PATTERNS[kind], fullmatch=True))
    @settings(max_examples=300, deadline=None, database=None)
    def parses(value: str) -> None:
        PARAMETER_TYPES[kind](value)

    parses()
