"""Check the ontology and data for logical consistency with the HermiT OWL reasoner (owlready2)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal

from .namespaces import XSD

#: Datatypes the data uses that are outside the OWL 2 datatype map, which HermiT rejects. The
#: ontology gives the properties that carry them the range rdfs:Literal; SHACL checks them.
NON_OWL2_DATATYPES = frozenset({XSD.date, XSD.gYear, XSD.gYearMonth})


@dataclass
class ConsistencyReport:
    """Whether the graph is consistent, and which classes (if any) can have no instance."""

    consistent: bool
    unsatisfiable_classes: list[str] = field(default_factory=list)
    explanation: str = ""


def owl2_compatible(graph: Graph) -> Graph:
    """A copy whose literals use only the OWL 2 datatype map (dates become plain strings)."""
    result = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in NON_OWL2_DATATYPES:
            o = Literal(str(o))
        result.add((s, p, o))
    return result


def check_consistency(graph: Graph | Dataset) -> ConsistencyReport:
    """Run HermiT on the ontology and data (the union of a dataset) and report the outcome."""
    import owlready2

    triples = Graph()
    for triple in graph.triples((None, None, None)):
        triples.add(triple)
    world = owlready2.World()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "graph.nt"
        owl2_compatible(triples).serialize(path, format="nt", encoding="utf-8")
        ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with ontology:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as error:
            return ConsistencyReport(consistent=False, explanation=str(error))
    unsatisfiable = sorted(c.iri for c in world.inconsistent_classes())
    return ConsistencyReport(consistent=not unsatisfiable, unsatisfiable_classes=unsatisfiable)
