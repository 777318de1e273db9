"""What the endpoint says about itself: a SPARQL service description with a VoID description of
the dataset, and the canned queries as SHACL-SPARQL executables (the SIB sparql-examples style)."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH, VOID, XSD

from ..namespaces import GRAPH, ID, bind_prefixes
from ..queries import CannedQuery, example_resources
from ..store import OxigraphStore

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SCHEMA = Namespace("https://schema.org/")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
EXAMPLES_GRAPH = GRAPH["examples"]


def examples_graph(queries: dict[str, CannedQuery], public_base: str) -> Iterator[ox.Quad]:
    """The canned queries as sh:SPARQLExecutable resources in the graph ``graph/examples``."""
    graph_name = ox.NamedNode(str(EXAMPLES_GRAPH))
    endpoint = ox.NamedNode(f"{public_base}sparql")

    def quad(s, p, o):
        return ox.Quad(s, ox.NamedNode(str(p)), o, graph_name)

    for query in queries.values():
        node = ox.NamedNode(f"{public_base}query/{query.name}")
        executable = (
            SH.SPARQLSelectExecutable if "SELECT" in query.text.upper() else SH.SPARQLExecutable
        )
        yield quad(node, RDF.type, ox.NamedNode(str(SH.SPARQLExecutable)))
        yield quad(node, RDF.type, ox.NamedNode(str(executable)))
        yield quad(node, RDFS.label, ox.Literal(query.title, language="en"))
        yield quad(node, RDFS.comment, ox.Literal(query.question, language="en"))
        yield quad(node, SH.select, ox.Literal(query.text))
        yield quad(node, SCHEMA.target, endpoint)


def service_description(
    store: OxigraphStore, triples: int, public_base: str, endpoint_url: str
) -> Graph:
    """sd:Service for this endpoint, its default dataset described with VoID (triples, classes,
    properties with counts), for query editors' autocompletion."""
    graph = Graph()
    bind_prefixes(graph.namespace_manager)
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = URIRef(endpoint_url)
    dataset = URIRef(f"{public_base}dataset")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD"):  # fmt: skip
        graph.add((service, SD.resultFormat, FORMATS[fmt]))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    default = BNode()
    graph.add((service, SD.defaultDataset, default))
    graph.add((default, RDF.type, SD.Dataset))
    graph.add((default, SD.defaultGraph, dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, SD.Graph))
    graph.add((dataset, VOID.sparqlEndpoint, service))
    graph.add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for example in example_resources(store):
        public = example.replace(str(ID), f"{public_base}id/", 1)
        graph.add((dataset, VOID.exampleResource, URIRef(public)))
    partitions = (
        ("class", "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c", VOID.classPartition, VOID["class"], VOID.entities),
        ("property", "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s ?c ?o } GROUP BY ?c", VOID.propertyPartition, VOID.property, VOID.triples),
    )  # fmt: skip
    for _, text, link, key, count in partitions:
        for solution in store.store.query(text):
            partition = BNode()
            graph.add((dataset, link, partition))
            graph.add((partition, key, URIRef(solution["c"].value)))
            graph.add((partition, count, Literal(int(solution["n"].value), datatype=XSD.integer)))
    return graph
