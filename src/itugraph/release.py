"""A versioned, reproducible linked-data release: the graph in several syntaxes, a JSON-LD
context, the ontology and shapes, VoID and DCAT descriptions, the validation report, checksums."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from pyld import jsonld
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

from .export import write_atomic
from .graph import iter_named_graphs
from .namespaces import ENTITY_KINDS, ID, ITU, PROV, RDFS, SKOS, bind_prefixes
from .resources import resource_path
from .validate import ValidationReport, validate

BASE = "https://w3id.org/itugraph/"
DQV = Namespace("http://www.w3.org/ns/dqv#")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
MEDIA_TYPES = {
    "graph.ttl": "text/turtle",
    "graph.nt": "application/n-triples",
    "graph.nq": "application/n-quads",
    "graph.jsonld": "application/ld+json",
    "graph.rdf": "application/rdf+xml",
    "itugraph.context.jsonld": "application/ld+json",
    "ontology.ttl": "text/turtle",
    "shapes.ttl": "text/turtle",
    "validation-report.ttl": "text/turtle",
    "dataset.ttl": "text/turtle",
}


def canonical_dataset(dataset: Dataset) -> Dataset:
    """A copy whose blank nodes carry canonical labels (RGDA1), so serializations repeat exactly."""
    copy = Dataset(default_union=True)
    bind_prefixes(copy.namespace_manager)
    for named in iter_named_graphs(dataset):
        target = copy.graph(named.identifier)
        for triple in sorted(to_canonical_graph(named)):
            target.add(triple)
    return copy


def jsonld_context() -> dict:
    """Short keys for the contract's terms: a JSON-LD context a web developer can reuse."""
    context: dict = {"@version": 1.1, "itu": str(ITU), "id": str(ID), "xsd": str(XSD)}
    for kind in ENTITY_KINDS:
        context[kind] = f"{ID}{kind}/"
    links = ["region", "locatedIn", "inCountry", "headedBy", "adoptedAt", "expectedResultOf", "cycle",
             "status", "contributesTo", "chair", "viceChair", "fundedBy", "represents", "preparesFor",
             "memberOf", "affiliateCountry", "beneficiaryCountry", "organizer", "partner", "relocatedTo"]  # fmt: skip
    for name in links:
        context[name] = {"@id": str(ITU[name]), "@type": "@id"}
    for name in ("code", "number", "objective", "countQualifier", "currency", "eventKind"):
        context[name] = {"@id": str(ITU[name])}
    context["ordinal"] = {"@id": str(ITU.ordinal), "@type": "xsd:integer"}
    context["participantCount"] = {"@id": str(ITU.participantCount), "@type": "xsd:integer"}
    context.update(
        {
            "label": {"@id": str(RDFS.label), "@container": "@language"},
            "title": {"@id": str(DCTERMS.title), "@container": "@language"},
            "description": {"@id": str(DCTERMS.description)},
            "derivedFrom": {"@id": str(PROV.wasDerivedFrom), "@type": "@id"},
            "notation": {"@id": str(SKOS.notation)},
        }
    )
    return {"@context": context}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def describe(
    dataset: Dataset, version: str, issued: str, files: dict[str, Path], endpoint: str | None
) -> Graph:
    """VoID and DCAT description of the release: counts, partitions, distributions with sizes."""
    graph = Graph()
    bind_prefixes(graph.namespace_manager)
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dqv", DQV), ("foaf", FOAF)):
        graph.bind(prefix, namespace)
    release = URIRef(f"{BASE}release/{version}")
    graph.add((release, RDF.type, VOID.Dataset))
    graph.add((release, RDF.type, DCAT.Dataset))
    graph.add(
        (
            release,
            DCTERMS.title,
            Literal("itugraph: a knowledge graph of the ITU's regional presence", lang="en"),
        )
    )
    graph.add((release, DCTERMS.description, Literal("Regions, field offices, resolutions, regional initiatives and their expected results, events, centres, programmes and projects from five ITU reports, with provenance per named graph.", lang="en")))  # fmt: skip
    graph.add((release, DCTERMS.license, LICENSE))
    graph.add((release, URIRef(f"{DCAT}version"), Literal(version)))
    graph.add((release, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    publisher = URIRef(f"{BASE}id/organization/itugraph-project")
    graph.add((release, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal("itugraph project")))
    graph.add((release, VOID.uriSpace, Literal(str(ID))))
    graph.add((release, VOID.triples, Literal(len(dataset), datatype=XSD.integer)))
    graph.add((release, VOID.exampleResource, ID["initiative/WTDC-25/EUR3"]))
    graph.add((release, VOID.exampleResource, ID["office/ro-afr"]))
    if endpoint:
        graph.add((release, VOID.sparqlEndpoint, URIRef(endpoint)))
    classes: dict = {}
    properties: dict = {}
    entities = set()
    for s, p, o in dataset.triples((None, None, None)):
        properties[p] = properties.get(p, 0) + 1
        if p == RDF.type:
            classes.setdefault(o, set()).add(s)
            entities.add(s)
    graph.add((release, VOID.entities, Literal(len(entities), datatype=XSD.integer)))
    graph.add((release, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    graph.add((release, VOID.properties, Literal(len(properties), datatype=XSD.integer)))
    for cls in sorted(classes):
        node = URIRef(f"{release}/class/{hashlib.sha1(str(cls).encode()).hexdigest()[:12]}")
        graph.add((release, VOID.classPartition, node))
        graph.add((node, VOID["class"], cls))
        graph.add((node, VOID.entities, Literal(len(classes[cls]), datatype=XSD.integer)))
    for prop in sorted(properties):
        node = URIRef(f"{release}/property/{hashlib.sha1(str(prop).encode()).hexdigest()[:12]}")
        graph.add((release, VOID.propertyPartition, node))
        graph.add((node, VOID.property, prop))
        graph.add((node, VOID.triples, Literal(properties[prop], datatype=XSD.integer)))
    for name, path in sorted(files.items()):
        distribution = URIRef(f"{release}/{name}")
        graph.add((release, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.downloadURL, distribution))
        graph.add(
            (
                distribution,
                DCAT.mediaType,
                URIRef(f"https://www.iana.org/assignments/media-types/{MEDIA_TYPES[name]}"),
            )
        )
        graph.add(
            (
                distribution,
                DCAT.byteSize,
                Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger),
            )
        )
        graph.add(
            (distribution, URIRef("http://spdx.org/rdf/terms#checksum"), Literal(_sha256(path)))
        )
    report = URIRef(f"{release}/validation-report.ttl")
    graph.add((release, DQV.hasQualityMetadata, report))
    graph.add((release, DCTERMS.conformsTo, URIRef(f"{BASE}shapes")))
    graph.add((report, RDF.type, DQV.QualityMetadata))
    graph.add(
        (
            report,
            DCTERMS.description,
            Literal(
                "The SHACL validation report of this release against the itugraph shapes.",
                lang="en",
            ),
        )
    )
    return graph


def build_release(
    dataset: Dataset,
    out_dir: Path,
    version: str,
    issued: str | None = None,
    endpoint: str | None = None,
    report: ValidationReport | None = None,
) -> dict[str, Path]:
    """Write the release folder ``out_dir/{version}``; returns its files by name. Two runs with the
    same inputs and issue date write byte-identical files."""
    issued = issued or date.today().isoformat()
    final = out_dir / version
    folder = out_dir / f".{version}.partial"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        files = _write_release(dataset, folder, version, issued, endpoint, report)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    shutil.rmtree(final, ignore_errors=True)
    folder.rename(final)
    return {name: final / name for name in files}


def _write_release(
    dataset: Dataset,
    folder: Path,
    version: str,
    issued: str,
    endpoint: str | None,
    report: ValidationReport | None,
) -> dict[str, Path]:
    canonical = canonical_dataset(dataset)
    union = Graph()
    bind_prefixes(union.namespace_manager)
    for triple in sorted(canonical.triples((None, None, None))):
        union.add(triple)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        files[name] = folder / name
        write_atomic(files[name], data)

    put("graph.ttl", union.serialize(format="turtle", encoding="utf-8"))
    put(
        "graph.nt",
        b"".join(
            sorted(set(union.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)))
        ),
    )
    put(
        "graph.nq",
        b"".join(
            sorted(
                set(
                    canonical.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)
                )
            )
        ),
    )
    put(
        "graph.rdf",
        ox.serialize(
            ox.parse(files["graph.nt"].read_bytes(), format=ox.RdfFormat.N_TRIPLES),
            format=ox.RdfFormat.RDF_XML,
        ),
    )
    context = jsonld_context()
    put("itugraph.context.jsonld", (json.dumps(context, indent=2, sort_keys=True) + "\n").encode())
    triples = ox.parse(files["graph.nt"].read_bytes(), format=ox.RdfFormat.N_TRIPLES)
    expanded = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    compacted = jsonld.compact(expanded, context["@context"])
    put(
        "graph.jsonld",
        (json.dumps(compacted, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode(),
    )
    put("ontology.ttl", (resource_path("ontology") / "itugraph.ttl").read_bytes())
    put("shapes.ttl", (resource_path("shapes") / "itugraph-shapes.ttl").read_bytes())
    report = report or validate(dataset)
    report_graph = Graph()
    bind_prefixes(report_graph.namespace_manager)
    for triple in sorted(to_canonical_graph(report.graph)):
        report_graph.add(triple)
    put("validation-report.ttl", report_graph.serialize(format="turtle", encoding="utf-8"))
    description = describe(dataset, version, issued, dict(files), endpoint)
    put("dataset.ttl", description.serialize(format="turtle", encoding="utf-8"))
    sums = "".join(f"{_sha256(path)}  {name}\n" for name, path in sorted(files.items()))
    put("SHA256SUMS", sums.encode())
    return files
