"""The shapes: the shipped graph conforms, every shape catches its broken example, and the shapes
themselves conform to SHACL-for-SHACL."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph

from itugraph.graph import load_graph
from itugraph.namespaces import ITUSH, RDF, SH, bind_prefixes
from itugraph.validation import load_shapes, validate

from .conftest import FIXTURES

BROKEN = sorted((FIXTURES / "broken").glob("*.ttl"))


def expected(path: Path) -> tuple[str, str]:
    """The (shape, constraint component) a broken fixture's '# expect:' line names."""
    match = re.search(r"^# expect: (\S+) (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path.name} lacks a '# expect: itush:Shape sh:Component' line"
    return match.group(1), match.group(2)


def test_shipped_graph_conforms(graph):
    report = validate(graph)
    assert report.conforms, report.as_text()
    assert not [r for r in report.results if r.severity == "Warning"], report.as_text()


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_fixture_is_caught(fixture: Path, reference_only_data: Path):
    shape, component = expected(fixture)
    shutil.copy(fixture, reference_only_data / fixture.name)
    report = validate(load_graph(reference_only_data))
    caught = {(r.shape, r.component) for r in report.results}
    assert (shape, component) in caught, (
        f"{fixture.name}: expected {shape} / {component}, got:\n{report.as_text()}"
    )


def test_every_shape_has_a_broken_fixture():
    shapes = load_shapes()
    names = {
        shapes.namespace_manager.normalizeUri(s) for s in shapes.subjects(RDF.type, SH.NodeShape)
    }
    names |= {
        shapes.namespace_manager.normalizeUri(s)
        for s in shapes.subjects(RDF.type, SH.PropertyShape)
        if str(s).startswith(str(ITUSH))
    }
    covered = {expected(path)[0] for path in BROKEN}
    node_shape_of = {}
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        for prop in shapes.objects(node_shape, SH.property):
            node_shape_of.setdefault(shapes.namespace_manager.normalizeUri(prop), set()).add(
                shapes.namespace_manager.normalizeUri(node_shape)
            )
    covered_node_shapes = {s for name in covered for s in node_shape_of.get(name, {name})} | covered
    missing = sorted(
        n
        for n in names
        if (n.endswith("Shape") and n not in covered_node_shapes)
        or (not n.endswith("Shape") and n not in covered)
    )
    assert not missing, f"shapes without a broken fixture in tests/fixtures/broken: {missing}"


def test_every_node_shape_targets_an_ontology_class(graph):
    shapes = load_shapes()
    from itugraph.graph import ONTOLOGY_GRAPH

    ontology_classes = set(graph.graph(ONTOLOGY_GRAPH).subjects(RDF.type, None))
    targeted = set(shapes.objects(None, SH.targetClass))
    assert targeted <= ontology_classes


def test_every_ontology_class_has_a_node_shape(graph):
    from itugraph.graph import ONTOLOGY_GRAPH
    from itugraph.namespaces import ITU, OWL

    classes = {
        c
        for c in graph.graph(ONTOLOGY_GRAPH).subjects(RDF.type, OWL.Class)
        if str(c).startswith(str(ITU))
    }
    targeted = set(load_shapes().objects(None, SH.targetClass))
    assert sorted(classes - targeted) == []


def test_shapes_conform_to_shacl_for_shacl():
    shapes = load_shapes()
    conforms, _, text = shacl_validate(shapes, shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_every_shape_has_a_message():
    shapes = load_shapes()
    bind_prefixes(shapes.namespace_manager)
    lacking = []
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            has_message = (shape, SH.message, None) in shapes
            has_message |= any(
                (c, SH.message, None) in shapes for c in shapes.objects(shape, SH.sparql)
            )
            if not has_message:
                lacking.append(shapes.namespace_manager.normalizeUri(shape))
    assert not lacking, f"shapes without sh:message: {lacking}"


def test_report_names_file_and_shape(reference_only_data: Path):
    shutil.copy(
        FIXTURES / "broken" / "city-without-country.ttl", reference_only_data / "broken-city.ttl"
    )
    text = validate(load_graph(reference_only_data)).as_text()
    assert "city:nairobi  (in broken-city.ttl)" in text, text
    assert "itush:City-inCountry" in text
    assert "A city is in exactly one country" in text


def test_sparql_constraint_shows_its_own_message(reference_only_data: Path):
    """Regression: a SPARQL constraint's result showed its node shape's IRI-pattern message."""
    shutil.copy(FIXTURES / "broken" / "result-duplicate-ordinal.ttl", reference_only_data)
    report = validate(load_graph(reference_only_data))
    messages = {r.message for r in report.results if r.component == "sh:SPARQLConstraintComponent"}
    assert any("is stated twice" in m for m in messages), messages
    assert not any(m.startswith("An expected result IRI is") for m in messages), messages


def test_turtle_report_parses():
    report = validate(load_graph())
    Graph().parse(data=report.as_turtle(), format="turtle")
