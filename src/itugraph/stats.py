"""Summary counts of the graph: triples overall and per named graph, instances per class."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset

from .graph import iter_named_graphs
from .queries import run_query


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


def graph_stats(dataset: Dataset) -> GraphStats:
    """Count triples and instances per class of the built graph."""
    graphs = {str(g.identifier): len(g) for g in iter_named_graphs(dataset)}
    classes = {
        dataset.namespace_manager.normalizeUri(row[0]): int(row[1])
        for row in run_query("instances-per-class", dataset)
    }
    return GraphStats(triples=len(dataset), graphs=graphs, classes=classes)
