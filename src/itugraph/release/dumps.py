"""graph.ttl, graph.nt, graph.nq, graph.rdf and graph.jsonld: the graph in each syntax, its blank
nodes labelled canonically so that every run writes the same bytes.

graph.nt is what ``itugraph export --format nt`` writes of the canonical dataset (the one sorted
N-Triples writer, :func:`itugraph.serialization.serialize`); graph.nq is sorted by the same
:func:`itugraph.serialization.sorted_lines`. graph.rdf and graph.jsonld are made from graph.nt."""

from __future__ import annotations

import json

import pyoxigraph as ox
from pyld import jsonld
from rdflib import Dataset, Graph
from rdflib.compare import to_canonical_graph

from ..graph import iter_named_graphs
from ..namespaces import bind_prefixes
from ..serialization import serialize, sorted_lines
from .jsonld import json_document


def canonical_dataset(dataset: Dataset) -> Dataset:
    """A copy whose blank nodes carry canonical labels (RGDA1), so serializations repeat exactly."""
    copy = Dataset(default_union=True)
    bind_prefixes(copy.namespace_manager)
    for named in iter_named_graphs(dataset):
        target = copy.graph(named.identifier)
        for triple in sorted(to_canonical_graph(named)):
            target.add(triple)
    return copy


def canonical_union(canonical: Dataset) -> Graph:
    """The union of the named graphs of a canonical dataset, with the project's prefixes."""
    union = Graph()
    bind_prefixes(union.namespace_manager)
    for triple in sorted(canonical.triples((None, None, None))):
        union.add(triple)
    return union


def graph_dumps(canonical: Dataset, union: Graph, context: dict) -> dict[str, bytes]:
    """The graph's files by name: the canonical ``union`` as Turtle, N-Triples, RDF/XML and
    JSON-LD compacted with ``context``; the ``canonical`` dataset's named graphs as N-Quads."""
    ntriples = serialize(canonical, "nt")

    def triples() -> ox.QuadParser:
        return ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)

    expanded = json.loads(ox.serialize(triples(), format=ox.RdfFormat.JSON_LD))
    return {
        "graph.ttl": union.serialize(format="turtle", encoding="utf-8"),
        "graph.nt": ntriples,
        "graph.nq": sorted_lines(serialize(canonical, "nq")),
        "graph.rdf": ox.serialize(triples(), format=ox.RdfFormat.RDF_XML),
        "graph.jsonld": json_document(jsonld.compact(expanded, context["@context"])),
    }
