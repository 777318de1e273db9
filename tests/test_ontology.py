"""The ontology: every term documented and typed, the contract's terms present, and consistent
under the HermiT reasoner (which also finds a deliberate contradiction)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal

from itugraph.graph import ONTOLOGY_GRAPH, load_graph
from itugraph.namespaces import ITU, OWL, RDF, RDFS
from itugraph.reasoning import check_consistency, owl2_compatible

CONTRACT_CLASSES = [
    "Region", "Country", "City", "FieldOffice", "RegionalOffice", "AreaOffice", "Conference",
    "Resolution", "ResolutionRevision", "RegionalInitiative", "ExpectedResult", "SDG",
    "WSISActionLine", "GDCObjective", "Event", "RegionalPreparatoryMeeting",
    "RegionalDevelopmentForum", "Programme", "Centre", "AccelerationCentre",
    "DigitalTransformationCentre", "AcademyTrainingCentre", "OpenSourceProgrammeOffice", "Project",
    "Person", "Organization", "SourceDocument",
]  # fmt: skip
CONTRACT_PROPERTIES = [
    "region", "locatedIn", "inCountry", "headedBy", "adoptedAt", "expectedResultOf", "ordinal",
    "code", "cycle", "objective", "number", "startDate", "endDate", "participantCount", "chair",
    "viceChair", "contributesTo", "fundedBy",
]  # fmt: skip


@pytest.fixture(scope="module")
def ontology(graph) -> Graph:
    return graph.graph(ONTOLOGY_GRAPH)


def own_terms(ontology: Graph, kind) -> list:
    return sorted(t for t in ontology.subjects(RDF.type, kind) if str(t).startswith(str(ITU)))


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_contract_class_exists(ontology, name):
    assert (ITU[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", CONTRACT_PROPERTIES)
def test_contract_property_is_typed(ontology, name):
    kinds = set(ontology.objects(ITU[name], RDF.type))
    assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, name


def test_every_term_has_english_label_and_comment(ontology):
    terms = [
        t
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in own_terms(ontology, kind)
    ]
    assert len(terms) > 50
    for term in terms:
        labels = [x for x in ontology.objects(term, RDFS.label) if x.language == "en"]
        comments = [c for c in ontology.objects(term, RDFS.comment) if c.language == "en"]
        assert labels and comments, f"{term} lacks an English rdfs:label or rdfs:comment"


def test_every_property_has_domain_and_range(ontology):
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in own_terms(ontology, kind):
            assert (prop, RDFS.domain, None) in ontology, f"{prop} has no rdfs:domain"
            assert (prop, RDFS.range, None) in ontology, f"{prop} has no rdfs:range"


def test_version_iri_and_info(ontology):
    header = next(ontology.subjects(RDF.type, OWL.Ontology))
    version = ontology.value(header, OWL.versionInfo)
    assert str(ontology.value(header, OWL.versionIRI)) == f"{header}/{version}"


def test_owl2_compatible_turns_dates_into_strings():
    graph = Graph()
    graph.add((ITU.x, ITU.startDate, Literal("2025-02-04", datatype=RDF.XMLLiteral)))
    from itugraph.namespaces import XSD

    graph.add((ITU.y, ITU.startDate, Literal("2025", datatype=XSD.gYear)))
    converted = owl2_compatible(graph)
    assert (ITU.y, ITU.startDate, Literal("2025")) in converted


@pytest.mark.reasoner
def test_graph_is_consistent_under_hermit(graph):
    report = check_consistency(graph)
    assert report.consistent, report
    assert report.unsatisfiable_classes == []


@pytest.mark.reasoner
def test_contradiction_is_reported_inconsistent(reference_only_data):
    (reference_only_data / "contradiction.ttl").write_text(
        "@prefix itu: <https://w3id.org/itugraph/def#> .\n"
        "<https://w3id.org/itugraph/id/region/AFR> a itu:Country .\n"
    )
    report = check_consistency(load_graph(reference_only_data))
    assert not report.consistent


@pytest.mark.reasoner
def test_reference_data_alone_is_consistent(reference_only_data):
    assert check_consistency(load_graph(reference_only_data)).consistent
