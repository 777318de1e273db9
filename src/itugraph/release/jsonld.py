"""itugraph.context.jsonld and initiatives.jsonld: the JSON-LD context made from the ontology and
the data, and the regional initiatives with their expected results, framed and compacted with it
(the list a web page iterates over, with no graph to walk)."""

from __future__ import annotations

import json
import re

from pyld import jsonld
from rdflib import Dataset, Graph
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from ..graph import ONTOLOGY_GRAPH
from ..namespaces import ID, ITU, PROV, RDFS, SKOS
from ..serialization import sorted_lines

INITIATIVE_TRIPLES = """
PREFIX itu: <https://w3id.org/itugraph/def#>
CONSTRUCT { ?s ?p ?o } WHERE {
  VALUES ?class { itu:RegionalInitiative itu:InitiativeText itu:ExpectedResult }
  ?s a ?class ; ?p ?o .
}"""

#: Standard vocabulary terms the data uses, with the JSON-LD keys the context gives them.
VOCABULARY_TERMS = {
    "label": {"@id": str(RDFS.label), "@container": "@language"},
    "title": {"@id": str(DCTERMS.title), "@container": "@language"},
    "description": {"@id": str(DCTERMS.description)},
    "derivedFrom": {"@id": str(PROV.wasDerivedFrom), "@type": "@id"},
    "notation": {"@id": str(SKOS.notation)},
    "editorialNote": {"@id": str(SKOS.editorialNote)},
    "expectedResults": {"@reverse": str(ITU.expectedResultOf), "@container": "@set"},
    "texts": {"@reverse": str(DCTERMS.isVersionOf), "@container": "@set"},
}
_TYPED_RANGES = {XSD.integer: "xsd:integer", XSD.decimal: "xsd:decimal", XSD.boolean: "xsd:boolean"}


def jsonld_context(dataset: Dataset) -> dict:
    """Short keys for the contract's terms, a JSON-LD context a web developer can reuse, made
    from the graph: each itu: property of the ontology (object properties IRI-valued, numbers and
    booleans typed by their range), a prefix for each kind of entity under id/ that the data
    has, and the standard vocabulary terms of VOCABULARY_TERMS."""
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    context: dict = {"@version": 1.1, "itu": str(ITU), "id": str(ID), "xsd": str(XSD)}
    kinds = {
        str(subject).removeprefix(str(ID)).split("/", 1)[0]
        for subject in dataset.subjects()
        if str(subject).startswith(str(ID))
    }
    for kind in sorted(kinds):
        context[kind] = f"{ID}{kind}/"
    for kind, typed in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
        for prop in sorted(ontology.subjects(RDF.type, kind)):
            if not str(prop).startswith(str(ITU)):
                continue
            entry = {"@id": str(prop)}
            value_type = "@id" if typed else _TYPED_RANGES.get(ontology.value(prop, RDFS.range))
            if value_type:
                entry["@type"] = value_type
            context[str(prop).removeprefix(str(ITU))] = entry
    context.update(VOCABULARY_TERMS)
    return {"@context": context}


def context_document(context: dict) -> bytes:
    """The bytes of itugraph.context.jsonld."""
    return (json.dumps(context, indent=2, sort_keys=True) + "\n").encode()


def json_document(document: dict) -> bytes:
    """The bytes of a JSON-LD document of the release: keys sorted, one space of indent."""
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _natural(text: str) -> list:
    """A sort key that puts EUR2 before EUR10 and result/9 before result/10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def framed_initiatives(graph: Graph, context: dict) -> dict:
    """Every regional initiative with its texts (one per stating document) and its expected
    results nested in ordinal order, framed and compacted with ``context``: the list a web page
    iterates over, with no graph to walk."""
    triples = graph.query(INITIATIVE_TRIPLES).graph
    nquads = sorted_lines(triples.serialize(format="nt", encoding="utf-8")).decode("utf-8")
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads"})
    frame = {
        "@context": context["@context"],
        "@type": "itu:RegionalInitiative",
        "@embed": "@never",
        "texts": {"@type": "itu:InitiativeText", "@embed": "@always"},
        "expectedResults": {"@type": "itu:ExpectedResult", "@embed": "@always"},
    }
    initiatives = jsonld.frame(expanded, frame)["@graph"]
    for initiative in initiatives:
        texts = initiative.setdefault("texts", [])
        for text in texts:
            text.pop(str(DCTERMS.isVersionOf), None)
        texts.sort(key=lambda text: text["@id"])
        results = initiative.setdefault("expectedResults", [])
        for result in results:
            listed = jsonld.JsonLdProcessor.arrayify(result.get("listedIn", []))
            if listed:  # the texts are nested above: name them here
                ids = [text["@id"] if isinstance(text, dict) else text for text in listed]
                result["listedIn"] = ids[0] if len(ids) == 1 else ids
            parents = result.pop("expectedResultOf", [])
            others = [p for p in jsonld.JsonLdProcessor.arrayify(parents) if p != initiative["@id"]]
            if others:
                result["expectedResultOf"] = others[0] if len(others) == 1 else others
        results.sort(key=lambda result: (_natural(str(result.get("ordinal"))), result["@id"]))
    initiatives.sort(key=lambda initiative: _natural(initiative["@id"]))
    return {"@context": context["@context"], "@graph": initiatives}
