"""Summary counts of the graph: triples overall and per named graph, instances per class."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import NamespaceManager

from .namespaces import bind_prefixes
from .queries import run_query
from .store import GraphStore

_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@dataclass
class GraphStats:
    """Triples in the union, per named graph, and entities per class (subclasses included)."""

    triples: int
    graphs: dict[str, int]
    classes: dict[str, int]

    def as_text(self) -> str:
        """A plain report for people."""
        lines = [f"{self.triples} triples in the union of {len(self.graphs)} named graphs", ""]
        lines += [f"{count:>7}  {name}" for name, count in self.graphs.items()]
        lines += ["", "instances per class:"]
        lines += [f"{count:>7}  {name}" for name, count in self.classes.items()]
        return "\n".join(lines) + "\n"


def graph_stats(store: GraphStore) -> GraphStats:
    """Count triples and instances per class of the built graph."""
    names = bind_prefixes(NamespaceManager(Graph(), bind_namespaces="none"))
    graphs = {str(row.g): int(row.n) for row in store.query(_GRAPH_SIZES)}
    classes = {
        names.normalizeUri(row[0]): int(row[1]) for row in run_query("instances-per-class", store)
    }
    return GraphStats(triples=len(store), graphs=graphs, classes=classes)
