"""Namespaces of the data contract (see docs/design.md): ontology terms, instances, named graphs, shapes."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, NamespaceManager

#: The base IRI of everything the project mints; the one place it is written.
BASE = "https://w3id.org/itugraph/"
ITU = Namespace(f"{BASE}def#")
ID = Namespace(f"{BASE}id/")
GRAPH = Namespace(f"{BASE}graph/")
ITUSH = Namespace(f"{BASE}shapes#")

#: Prefixes for the kinds of entity under ``id/``; used to print IRIs compactly.
ENTITY_KINDS = (
    "region", "country", "city", "office", "conference", "resolution", "initiative", "sdg",
    "wsis", "gdc", "event", "programme", "centre", "project", "person", "organization", "document",
)  # fmt: skip


def bind_prefixes(manager: NamespaceManager) -> NamespaceManager:
    """Bind the project's prefixes (itu:, itush:, graph:, and one per entity kind) on a manager."""
    for prefix, namespace in {
        "itu": ITU,
        "itush": ITUSH,
        "graph": GRAPH,
        "dcterms": DCTERMS,
        "prov": PROV,
        "skos": SKOS,
        "owl": OWL,
        "sh": SH,
        "xsd": XSD,
        "rdf": RDF,
        "rdfs": RDFS,
    }.items():
        manager.bind(prefix, namespace, override=True, replace=True)
    for kind in ENTITY_KINDS:
        manager.bind(kind, Namespace(f"{ID}{kind}/"), override=True, replace=True)
    return manager
