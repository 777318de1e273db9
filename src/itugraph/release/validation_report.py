"""validation-report.ttl: the SHACL validation report of the release's graph, its blank nodes
labelled canonically so that every run writes the same bytes."""

from __future__ import annotations

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from ..namespaces import bind_prefixes
from ..validation import ValidationReport


def validation_report_turtle(report: ValidationReport) -> bytes:
    """The report's graph as Turtle, with the project's prefixes."""
    graph = Graph()
    bind_prefixes(graph.namespace_manager)
    for triple in sorted(to_canonical_graph(report.graph)):
        graph.add(triple)
    return graph.serialize(format="turtle", encoding="utf-8")
