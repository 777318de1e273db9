"""dataset.ttl and SHA256SUMS: the release described in VoID and DCAT (counts, class and property
partitions, one distribution per file with its media type, size and checksum, the validation
report as quality metadata), and the SHA-256 of every file. The title, description, licence and
media types here are also what index.html shows."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

from ..namespaces import BASE, ID, PROV, bind_prefixes
from ..queries import example_resources

DQV = Namespace("http://www.w3.org/ns/dqv#")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
TITLE = "itugraph: a knowledge graph of the ITU's regional presence"
DESCRIPTION = "Regions, field offices, resolutions, regional initiatives and their expected results, events, centres, programmes and projects from five ITU reports, with provenance per named graph."  # fmt: skip
#: Every file of a release but SHA256SUMS, with its media type.
MEDIA_TYPES = {
    "graph.ttl": "text/turtle",
    "graph.nt": "application/n-triples",
    "graph.nq": "application/n-quads",
    "graph.jsonld": "application/ld+json",
    "graph.rdf": "application/rdf+xml",
    "itugraph.context.jsonld": "application/ld+json",
    "initiatives.jsonld": "application/ld+json",
    "ontology.ttl": "text/turtle",
    "ontology.html": "text/html",
    "shapes.ttl": "text/turtle",
    "validation-report.ttl": "text/turtle",
    "dataset.ttl": "text/turtle",
    "index.html": "text/html",
    # only in a release built with a previous one (itugraph release --previous, .changes)
    "changes.md": "text/markdown",
    "changes.json": "application/json",
}
#: What the changes files hold, said in dataset.ttl.
CHANGES_DESCRIPTIONS = {
    "changes.md": "The changes from release {previous} to release {version}: entities added, "
    "removed and changed by class, statements moved between source documents, statements added "
    "and removed per source document (itugraph diff, Markdown).",
    "changes.json": "The changes from release {previous} to release {version}, as itugraph diff "
    "--format json writes them (format itugraph-diff/1).",
}


def sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checksums(files: dict[str, Path]) -> bytes:
    """SHA256SUMS: one line per file, as ``sha256sum -c`` checks it, sorted by name."""
    return "".join(f"{sha256(path)}  {name}\n" for name, path in sorted(files.items())).encode()


def describe(
    dataset: Dataset,
    version: str,
    issued: str,
    files: dict[str, Path],
    endpoint: str | None,
    previous: tuple[str, str] | None = None,
) -> Graph:
    """VoID and DCAT description of the release: counts, partitions, distributions with sizes;
    with ``previous`` (the previous release's dataset IRI and version), the link to it
    (``dcat:previousVersion``, ``prov:wasRevisionOf``) and what the changes files hold."""
    graph = Graph()
    bind_prefixes(graph.namespace_manager)
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dqv", DQV), ("foaf", FOAF)):
        graph.bind(prefix, namespace)
    release = URIRef(f"{BASE}release/{version}")
    graph.add((release, RDF.type, VOID.Dataset))
    graph.add((release, RDF.type, DCAT.Dataset))
    graph.add((release, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((release, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((release, DCTERMS.license, LICENSE))
    graph.add((release, DCAT.landingPage, URIRef(f"{release}/index.html")))
    graph.add((release, URIRef(f"{DCAT}version"), Literal(version)))
    graph.add((release, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    if previous is not None:
        graph.add((release, URIRef(f"{DCAT}previousVersion"), URIRef(previous[0])))
        graph.add((release, PROV.wasRevisionOf, URIRef(previous[0])))
        for name in CHANGES_DESCRIPTIONS:
            what = CHANGES_DESCRIPTIONS[name].format(previous=previous[1], version=version)
            graph.add((URIRef(f"{release}/{name}"), DCTERMS.description, Literal(what, lang="en")))
    publisher = URIRef(f"{BASE}id/organization/itugraph-project")
    graph.add((release, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal("itugraph project")))
    graph.add((release, VOID.uriSpace, Literal(str(ID))))
    graph.add((release, VOID.triples, Literal(len(dataset), datatype=XSD.integer)))
    for example in example_resources(dataset):
        graph.add((release, VOID.exampleResource, URIRef(example)))
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
            (distribution, URIRef("http://spdx.org/rdf/terms#checksum"), Literal(sha256(path)))
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
