"""Incremental validation: after an edit, re-validating only the focus nodes the edit can affect
gives the same report as validating everything, and an unchanged graph's report comes from the
cache."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from itugraph.cache import CACHE_ENV, cache_dir, cached_store, input_key
from itugraph.cli import main
from itugraph.graph import load_graph, source_files
from itugraph.incremental import (
    ShapesAnalysis,
    Unsupported,
    analyse_shapes,
    literal_forms,
    validate_cached,
)
from itugraph.namespaces import ITU, PROV, SH
from itugraph.resources import resource_path
from itugraph.store import load_oxigraph
from itugraph.validation import ValidationReport, load_shapes, result_order, validate

from .conftest import FIXTURES

TSAG_2020 = "tsag-2020-regional-offices.ttl"
TSAG_2025 = "tsag-2025-regional-offices.ttl"
TDAG = "tdag-2025-rpm-coordination.ttl"
CWG = "cwg-fhr-bdt-regional-presence.ttl"


def assert_same_report(report: ValidationReport, expected: ValidationReport) -> None:
    """Same conformance, the same results with every field, in the report's order, and an
    isomorphic report graph."""
    assert report.conforms == expected.conforms
    assert sorted(report.results, key=repr) == sorted(expected.results, key=repr)
    assert report.results == sorted(report.results, key=result_order)
    assert isomorphic(report.graph, expected.graph)


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@dataclass(frozen=True)
class Edit:
    """Edits applied in turn (each validated), and what the last report must then say."""

    steps: tuple[Callable[[Path], None], ...]
    expect: Callable[[ValidationReport], bool]


def has(focus: str, shape: str, component: str) -> Callable[[ValidationReport], bool]:
    def check(report: ValidationReport) -> bool:
        return any(
            (r.focus, r.shape, r.component) == (focus, shape, component) for r in report.results
        )

    return check


def lacks(focus: str) -> Callable[[ValidationReport], bool]:
    return lambda report: all(r.focus != focus for r in report.results)


EDITS = {
    "change a label": Edit(
        (
            lambda d: replace_once(
                d / TSAG_2020, '"Atsuko Okuda"@en ;', '"Atsuko Okuda (ITU)"@en ;'
            ),
        ),
        lacks("person:atsuko-okuda"),
    ),
    "add an entity": Edit(
        (
            lambda d: append(
                d / TSAG_2020,
                '\nperson:jane-doe\n    a itu:Person ;\n    rdfs:label "Jane Doe"@en ;\n'
                "    prov:wasDerivedFrom document:tsag-2020-regional-offices ;\n.\n",
            ),
        ),
        lacks("person:jane-doe"),
    ),
    "remove a required property": Edit(
        (lambda d: replace_once(d / TSAG_2020, '    rdfs:label "Atsuko Okuda"@en ;\n', ""),),
        has("person:atsuko-okuda", "itush:label", "sh:MinCountConstraintComponent"),
    ),
    "second regional office of a region": Edit(
        (
            lambda d: append(
                d / TSAG_2025,
                "\noffice:ro-afr-2\n    a itu:RegionalOffice ;\n"
                '    rdfs:label "Second Regional Office for Africa"@en ;\n'
                "    prov:wasDerivedFrom document:tsag-2025-regional-offices ;\n"
                "    itu:locatedIn city:geneva ;\n    itu:region region:AFR ;\n.\n",
            ),
        ),
        has("office:ro-afr", "itush:RegionalOfficeShape", "sh:SPARQLConstraintComponent"),
    ),
    "duplicate ordinal of an expected result": Edit(
        (
            lambda d: append(
                d / TDAG,
                "\n<https://w3id.org/itugraph/id/initiative/WTDC-25/AFR1/result/99>\n"
                "    a itu:ExpectedResult ;\n"
                '    dcterms:description "The first result, restated."@en ;\n'
                "    prov:wasDerivedFrom document:tdag-2025-rpm-coordination ;\n"
                "    itu:expectedResultOf <https://w3id.org/itugraph/id/initiative/WTDC-25/AFR1> ;\n"
                "    itu:ordinal 1 ;\n.\n",
            ),
        ),
        has(
            "<https://w3id.org/itugraph/id/initiative/WTDC-25/AFR1/result/1>",
            "itush:ExpectedResultShape",
            "sh:SPARQLConstraintComponent",
        ),
    ),
    "type change breaks a referring node's sh:class": Edit(
        (
            lambda d: replace_once(
                d / TSAG_2020,
                "person:atsuko-okuda\n    a itu:Person ;",
                "person:atsuko-okuda\n    a itu:Organization ;",
            ),
        ),
        has("office:ro-asp", "itush:FieldOffice-headedBy", "sh:ClassConstraintComponent"),
    ),
    "a violation fixed again": Edit(
        (
            lambda d: replace_once(d / TSAG_2020, '    rdfs:label "Atsuko Okuda"@en ;\n', ""),
            lambda d: replace_once(
                d / TSAG_2020,
                "person:atsuko-okuda\n    a itu:Person ;\n",
                'person:atsuko-okuda\n    a itu:Person ;\n    rdfs:label "Okuda Atsuko"@en ;\n',
            ),
        ),
        lacks("person:atsuko-okuda"),
    ),
    "a decimal literal as written": Edit(
        (
            lambda d: replace_once(
                d / CWG,
                '    itu:amount 4000000.0 ;\n    itu:currency "EUR" ;\n',
                "    itu:amount 4000000.0 ;\n",
            ),
        ),
        lambda report: (
            "An amount (4000000.0) needs its itu:currency."
            in {str(message) for message in report.graph.objects(None, SH.resultMessage)}
        ),
    ),
}


@dataclass(frozen=True)
class Seed:
    data: Path
    cache: Path
    report: ValidationReport


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Seed:
    """A copy of the data with its report validated in full and cached (done once)."""
    root = tmp_path_factory.mktemp("seed")
    shutil.copytree(resource_path("data"), root / "data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(root / "cache"))
        run = validate_cached(root / "data")
    assert run.mode == "full"
    return Seed(root / "data", root / "cache", run.report)


@pytest.fixture
def seeded(seed: Seed, tmp_path: Path, monkeypatch) -> Path:
    """A data folder of this test (another path than the seed's) and a copy of the seed's cache."""
    shutil.copytree(seed.data, tmp_path / "data")
    shutil.copytree(seed.cache, tmp_path / "cache")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "data"


@pytest.mark.parametrize("edit", list(EDITS.values()), ids=list(EDITS))
def test_incremental_report_equals_full_report(edit: Edit, seeded: Path):
    for step in edit.steps:
        step(seeded)
        run = validate_cached(seeded)
        assert run.mode == "incremental", run.reason
        assert 0 < run.focus_nodes < run.targets
        assert_same_report(run.report, validate(load_graph(seeded)))
    assert edit.expect(run.report), run.report.as_text()
    again = validate_cached(seeded)
    assert again.mode == "cached"
    assert_same_report(again.report, run.report)


def test_unchanged_inputs_give_the_cached_report(seed: Seed, seeded: Path):
    """The cached report, its files and lines pointing into this data folder, not the seed's."""
    run = validate_cached(seeded)
    assert run.mode == "cached"
    assert [r.file for r in run.report.results] == [
        r.file.replace(str(seed.data), str(seeded)) for r in seed.report.results
    ]
    assert [r.line for r in run.report.results] == [r.line for r in seed.report.results]
    assert run.report.conforms == seed.report.conforms


def test_full_forces_a_full_run(cache, reference_only_data: Path):
    shutil.copy(FIXTURES / "broken" / "regional-office-twice.ttl", reference_only_data)
    first = validate_cached(reference_only_data)
    forced = validate_cached(reference_only_data, full=True)
    assert (first.mode, forced.mode) == ("full", "full")
    assert first.reason == "no earlier report to start from" and forced.reason == ""
    assert_same_report(forced.report, first.report)
    assert validate_cached(reference_only_data).mode == "cached"


def test_every_broken_fixture_added_then_half_removed(cache, reference_only_data: Path):
    """Every shape's broken example, added at once and then every other one removed again:
    each time the incremental report is the full one."""
    assert validate_cached(reference_only_data).mode == "full"
    broken = sorted((FIXTURES / "broken").glob("*.ttl"))
    for path in broken:
        shutil.copy(path, reference_only_data / path.name)
    added = validate_cached(reference_only_data)
    assert added.mode == "incremental", added.reason
    assert_same_report(added.report, validate(load_graph(reference_only_data)))
    assert not added.report.conforms
    for path in broken[::2]:
        (reference_only_data / path.name).unlink()
    removed = validate_cached(reference_only_data)
    assert removed.mode == "incremental", removed.reason
    assert_same_report(removed.report, validate(load_graph(reference_only_data)))


def without_blank_nodes(store: ox.Store) -> set[ox.Quad]:
    """The quads without blank nodes (which each load of the ontology names anew)."""
    return {
        q
        for q in store
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }


def test_derived_store_holds_what_a_build_holds(cache, reference_only_data: Path):
    """The store made by patching the earlier one equals the store built from the files."""
    shutil.copy(FIXTURES / "broken" / "regional-office-twice.ttl", reference_only_data)
    validate_cached(reference_only_data)
    (reference_only_data / "regional-office-twice.ttl").unlink()
    shutil.copy(FIXTURES / "broken" / "result-duplicate-ordinal.ttl", reference_only_data)
    assert validate_cached(reference_only_data).mode == "incremental"
    files = source_files(reference_only_data)
    derived = cached_store(files, lambda *_: pytest.fail("rebuilt"))
    built = load_oxigraph(files)
    assert len(derived) == len(built)
    assert without_blank_nodes(derived) == without_blank_nodes(built)
    assert set(derived.named_graphs()) == set(built.named_graphs())
    assert (cache_dir() / input_key(files) / "validation.json").exists()


def test_blank_nodes_make_a_full_run(cache, reference_only_data: Path):
    validate_cached(reference_only_data)
    (reference_only_data / "blank.ttl").write_text(
        '@prefix itu: <https://w3id.org/itugraph/def#> .\n[] itu:code "X" .\n'
    )
    run = validate_cached(reference_only_data)
    assert run.mode == "full"
    assert run.reason == "a changed graph has blank nodes"


def test_literal_forms_keep_what_rdflib_reads(tmp_path: Path):
    """Literals pyoxigraph stores in another form are kept as rdflib reads them; one whose
    stored counterpart cannot be found makes the graph inexact."""
    path = tmp_path / "literals.ttl"
    path.write_text(
        "@prefix ex: <http://example.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:a ex:amount 3.0 ; ex:label "x"@EN ; ex:code "c"^^xsd:string ; ex:n 7 ; ex:s "y" .\n'
    )
    graph = Graph().parse(path, format="turtle")
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://g"))
    table = literal_forms([("http://g", graph)], store)["http://g"]
    assert table["exact"]
    assert {tuple(form[0]) for *_, form in table["forms"]} == {
        ("3.0", None, "http://www.w3.org/2001/XMLSchema#decimal"),
        ("x", "EN", None),
        ("c", None, "http://www.w3.org/2001/XMLSchema#string"),
    }
    path.write_text(
        "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:a ex:date "2024-01-05Z"^^xsd:date .\n'
    )
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://g"))
    graph = Graph().parse(path, format="turtle")
    assert not literal_forms([("http://g", graph)], store)["http://g"]["exact"]


def test_shapes_joins_are_found():
    """The two constraints that compare a node with others, found from the shapes' SPARQL."""
    joins = {
        (tuple(p for this, _ in j.shared for p in this), tuple(sorted(j.classes or ())))
        for j in analyse_shapes(load_shapes()).joins
    }
    assert joins == {
        ((ITU.region,), (ITU.RegionalOffice,)),
        ((ITU.expectedResultOf, ITU.ordinal), (ITU.ExpectedResult,)),
    }


def test_shapes_analysis_survives_json():
    """The analysis is cached as JSON; read back, it is the same."""
    analysis = analyse_shapes(load_shapes())
    assert ShapesAnalysis.from_json(json.loads(json.dumps(analysis.as_json()))) == analysis


def test_shapes_say_whose_types_they_check():
    """A city's shapes check the type of its country only; a field office's, of much more."""
    analysis = analyse_shapes(load_shapes())
    assert analysis.typed_for([ITU.City, ITU.Place]) == {ITU.inCountry}
    assert {ITU.region, ITU.headedBy, PROV.wasDerivedFrom} <= analysis.typed_for([ITU.FieldOffice])
    assert not analysis.by_objects


SHAPES_PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
"""
UNSUPPORTED = {
    "sequence path": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
    "sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .",
    "inverse path": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
    "sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:maxCount 1 ] .",
    "sh:node on values": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
    "sh:property [ sh:path ex:p ; sh:node ex:T ] . "
    "ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .",
    "qualified shape on values' properties": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
    "sh:property [ sh:path ex:p ; sh:qualifiedMinCount 1 ; "
    "sh:qualifiedValueShape [ sh:property [ sh:path ex:q ; sh:minCount 1 ] ] ] .",
    "SPARQL with $this as object": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
    'sh:sparql [ sh:select "SELECT $this WHERE { ?x <http://example.org/p> $this }" ] .',
    "SPARQL path through a value": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
    'sh:sparql [ sh:select "SELECT $this WHERE { $this <http://example.org/p> ?v . '
    '?v <http://example.org/q> ?w }" ] .',
    "a SHACL-AF rule": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ] .",
}


@pytest.mark.parametrize("shape", list(UNSUPPORTED.values()), ids=list(UNSUPPORTED))
def test_shapes_beyond_the_assumption_are_refused(shape: str):
    with pytest.raises(Unsupported):
        analyse_shapes(Graph().parse(data=SHAPES_PREFIXES + shape, format="turtle"))


def test_value_checks_and_node_shapes_on_the_focus_are_accepted():
    shapes = Graph().parse(
        data=SHAPES_PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:T ; "
        "sh:property [ sh:path ex:p ; sh:or ( [ sh:class ex:D ] [ sh:datatype ex:E ] ) ; "
        "sh:qualifiedMinCount 1 ; sh:qualifiedValueShape [ sh:class ex:D ] ] . "
        "ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .",
        format="turtle",
    )
    analysis = analyse_shapes(shapes)
    assert analysis.joins == ()
    assert analysis.typed_for([URIRef("http://example.org/C")]) == {URIRef("http://example.org/p")}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def test_cli_says_which_mode_ran(cache, reference_only_data: Path):
    """Text reports say on stderr how they were made; the report itself and the exit status do
    not depend on it."""
    shutil.copy(FIXTURES / "broken" / "regional-office-twice.ttl", reference_only_data)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--data-dir", str(reference_only_data), "validate", *args])

    full, cached = run(), run()
    assert "(full run (no earlier report to start from): " in full.stderr
    assert "(cached: the report for these exact inputs, in " in cached.stderr
    assert full.exit_code == cached.exit_code == 1
    assert full.stdout == cached.stdout and "office:ro-b" in full.stdout
    replace_once(
        reference_only_data / "regional-office-twice.ttl",
        'rdfs:label "Office B"@en ; itu:region region:EUR',
        'rdfs:label "Office B"@en ; itu:region region:AFR',
    )
    incremental = run()
    assert re.search(
        r"^\(incremental: 1 graph changed, 2 of \d+ focus nodes re-validated in \d+\.\d s\)$",
        incremental.stderr,
        re.MULTILINE,
    )
    assert incremental.exit_code == 0 and incremental.stdout.startswith("Conforms")
    forced = run("--full")
    assert "(full run: " in forced.stderr and forced.stdout == incremental.stdout
    as_json = run("--format", "json")
    assert '"conforms": true' in as_json.stdout
    assert re.fullmatch(
        rf"[\d,]+ triples in 3 graphs from {reference_only_data} \(--data-dir\)\n", as_json.stderr
    )


def test_cli_without_cache_validates_everything(cache, reference_only_data: Path):
    result = CliRunner().invoke(
        main, ["--no-cache", "--data-dir", str(reference_only_data), "validate"]
    )
    assert result.exit_code == 0
    assert "(full run (--no-cache): " in result.stderr
    assert not cache.exists()


def test_focus_node_iris_are_saved(cache, reference_only_data: Path):
    """The saved report names each result's focus node by IRI, which the next run matches."""
    shutil.copy(FIXTURES / "broken" / "regional-office-twice.ttl", reference_only_data)
    validate_cached(reference_only_data)
    entry = cache_dir() / input_key(source_files(reference_only_data))
    text = (entry / "validation.json").read_text(encoding="utf-8")
    assert '"focus_iri": "https://w3id.org/itugraph/id/office/ro-a"' in text


def test_a_filter_exists_block_with_several_triples_of_one_subject_is_analysed():
    """Regression: rdflib gives the triples of ``FILTER NOT EXISTS { ?t a C ; p $this }`` as one
    flat run of six terms; the analysis unpacked it as a triple and crashed with a traceback
    instead of naming the pattern it cannot follow ($this as object)."""
    from rdflib import Variable
    from rdflib.plugins.sparql import prepareQuery

    from itugraph.incremental import _triple_patterns

    query = prepareQuery(
        "SELECT $this WHERE { FILTER NOT EXISTS { ?t a <urn:x:C> ; <urn:x:p> $this . } }"
    )
    assert list(_triple_patterns(query.algebra, "shape")) == [
        (
            Variable("t"),
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("urn:x:C"),
        ),
        (Variable("t"), URIRef("urn:x:p"), Variable("this")),
    ]
