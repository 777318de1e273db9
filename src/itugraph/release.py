"""A versioned, reproducible linked-data release: the graph in several syntaxes, a JSON-LD
context, the initiatives framed as JSON-LD, the ontology with its HTML documentation, the shapes,
VoID and DCAT descriptions, the validation report, checksums and an index page."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from html import escape
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader
from pyld import jsonld
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VANN, VOID, XSD
from rdflib.paths import Path as PropertyPath

from .graph import ONTOLOGY_GRAPH, iter_named_graphs, source_files, turtle_of
from .namespaces import BASE, ID, ITU, PROV, RDFS, SKOS, bind_prefixes
from .project import as_project
from .queries import example_resources
from .serialization import sorted_lines, write_atomic
from .validation import ValidationReport, shapes_files, validate

DQV = Namespace("http://www.w3.org/ns/dqv#")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
TITLE = "itugraph: a knowledge graph of the ITU's regional presence"
DESCRIPTION = "Regions, field offices, resolutions, regional initiatives and their expected results, events, centres, programmes and projects from five ITU reports, with provenance per named graph."  # fmt: skip
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
}
TEMPLATES = Path(__file__).parent / "templates"
INITIATIVE_TRIPLES = """
PREFIX itu: <https://w3id.org/itugraph/def#>
CONSTRUCT { ?s ?p ?o } WHERE {
  VALUES ?class { itu:RegionalInitiative itu:ExpectedResult }
  ?s a ?class ; ?p ?o .
}"""


def canonical_dataset(dataset: Dataset) -> Dataset:
    """A copy whose blank nodes carry canonical labels (RGDA1), so serializations repeat exactly."""
    copy = Dataset(default_union=True)
    bind_prefixes(copy.namespace_manager)
    for named in iter_named_graphs(dataset):
        target = copy.graph(named.identifier)
        for triple in sorted(to_canonical_graph(named)):
            target.add(triple)
    return copy


#: Standard vocabulary terms the data uses, with the JSON-LD keys the context gives them.
VOCABULARY_TERMS = {
    "label": {"@id": str(RDFS.label), "@container": "@language"},
    "title": {"@id": str(DCTERMS.title), "@container": "@language"},
    "description": {"@id": str(DCTERMS.description)},
    "derivedFrom": {"@id": str(PROV.wasDerivedFrom), "@type": "@id"},
    "notation": {"@id": str(SKOS.notation)},
    "editorialNote": {"@id": str(SKOS.editorialNote)},
    "expectedResults": {"@reverse": str(ITU.expectedResultOf), "@container": "@set"},
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


def _natural(text: str) -> list:
    """A sort key that puts EUR2 before EUR10 and result/9 before result/10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def framed_initiatives(graph: Graph, context: dict) -> dict:
    """Every regional initiative with its expected results nested in ordinal order, framed and
    compacted with ``context``: the list a web page iterates over, with no graph to walk."""
    triples = graph.query(INITIATIVE_TRIPLES).graph
    nquads = "".join(sorted(set(triples.serialize(format="nt").splitlines(keepends=True))))
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads"})
    frame = {
        "@context": context["@context"],
        "@type": "itu:RegionalInitiative",
        "@embed": "@never",
        "expectedResults": {"@type": "itu:ExpectedResult", "@embed": "@always"},
    }
    initiatives = jsonld.frame(expanded, frame)["@graph"]
    for initiative in initiatives:
        results = initiative.setdefault("expectedResults", [])
        for result in results:
            parents = result.pop("expectedResultOf", [])
            others = [p for p in jsonld.JsonLdProcessor.arrayify(parents) if p != initiative["@id"]]
            if others:
                result["expectedResultOf"] = others[0] if len(others) == 1 else others
        results.sort(key=lambda result: (_natural(str(result.get("ordinal"))), result["@id"]))
    initiatives.sort(key=lambda initiative: _natural(initiative["@id"]))
    return {"@context": context["@context"], "@graph": initiatives}


class _SortedGraph(Graph):
    """A graph that yields matching triples in sorted order, so that what pyLODE writes does not
    depend on the hash seed of the process."""

    def triples(self, triple):
        """Matching triples, sorted (property paths as rdflib evaluates them, step by step)."""
        if isinstance(triple[1], PropertyPath):
            yield from super().triples(triple)
        else:
            yield from sorted(super().triples(triple))


@contextmanager
def _root_logger_kept() -> Iterator[None]:
    """Undo what pyLODE does to the root logger: ``basicConfig(level=DEBUG)`` when imported, and
    a default handler added by its calls to the module-level ``logging.info``."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        yield
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers


def _pylode() -> types.ModuleType:
    """The pylode package, even where pyLODE 3.4.1 cannot import itself because it reads its
    version from a pyproject.toml that its wheel lacks (RDFLib/pyLODE#260)."""
    with _root_logger_kept():
        try:
            import pylode
        except FileNotFoundError:
            version = types.ModuleType("pylode.version")
            version.__version__ = metadata.version("pylode")
            sys.modules["pylode.version"] = version
            import pylode
    return pylode


_UNION_MEMBER = r"<span>\s*<a [^>]*>[^<]*</a>\s*<sup [^>]*>[^<]*</sup>\s*</span>"
_UNION_JOIN = r'\s*<span class="cardinality">(?:or|and)</span>\s*'
_UNION = re.compile(rf"{_UNION_MEMBER}(?:{_UNION_JOIN}{_UNION_MEMBER})+")


def _sort_union(match: re.Match) -> str:
    """The members of a union pyLODE wrote in set order (memory addresses), sorted by label."""
    text = match.group(0)
    members = re.findall(_UNION_MEMBER, text)
    joint = re.search(_UNION_JOIN, text).group(0)
    return joint.join(sorted(members, key=lambda m: (re.sub(r"<[^>]*>|\s+", "", m), m)))


def ontology_html(source: Path) -> bytes:
    """The ontology in the Turtle file ``source`` documented by pyLODE as one self-contained HTML
    page (styles inline, nothing fetched), the same bytes on every run, each term's anchor its
    IRI's local name."""
    base = str(ITU)
    ontology = Graph(bind_namespaces="none").parse(source, format="turtle")
    iri = next(ontology.subjects(RDF.type, OWL.Ontology))
    described = _SortedGraph(bind_namespaces="core")
    for prefix, namespace in ontology.namespaces():
        described.bind(prefix, namespace, override=True)
    for s, p, o in to_canonical_graph(ontology):
        if isinstance(s, BNode) or s == iri or str(s).startswith(base):
            described.add((s, p, o))
    if (iri, VANN.preferredNamespaceUri, None) not in described:
        described.bind("vann", VANN)
        described.add((iri, VANN.preferredNamespacePrefix, Literal("itu")))
        described.add((iri, VANN.preferredNamespaceUri, Literal(base, datatype=XSD.anyURI)))
    pylode = _pylode()
    from pylode.utils import back_onts_label_props

    with _root_logger_kept():
        document = pylode.OntPub(ontology=described)
        document.back_onts = _SortedGraph(
            store=document.back_onts.store, identifier=document.back_onts.identifier
        )
        document.props_labeled = back_onts_label_props(document.back_onts)
        for term in described.subjects(unique=True):
            if isinstance(term, URIRef) and str(term).startswith(base):
                document.fids[str(term)] = str(term)[len(base) :]
        html = document.make_html()
    html = _UNION.sub(_sort_union, html)
    html = html.replace(' title="None. Defined in None"', "")
    return _fill_enumerations(html, described).encode("utf-8")


def _fill_enumerations(html: str, ontology: Graph) -> str:
    """Write the members of each ``owl:equivalentClass [ owl:oneOf (…) ]`` into the cell pyLODE
    leaves empty (it renders unions and intersections, not enumerations, nor named individuals)."""
    for cls, node in sorted(ontology.subject_objects(OWL.equivalentClass)):
        for first in ontology.objects(node, OWL.oneOf):
            links = [_link(ontology, member) for member in Collection(ontology, first)]
            local = re.escape(str(cls).rpartition("#")[2])
            html = re.sub(
                rf'(id="{local}">.*?owl#equivalentClass"[^>]*>[^<]*</a>\s*</th>\s*<td>)(</td>)',
                lambda match, links=links: (
                    f"{match.group(1)}one of {', '.join(links)}{match.group(2)}"
                ),
                html,
                count=1,
                flags=re.S,
            )
    return html


def _link(ontology: Graph, term: URIRef) -> str:
    """A link to a term, its label as text and its comment as tooltip."""
    comment = escape(str(ontology.value(term, RDFS.comment) or ""))
    label = escape(str(ontology.value(term, RDFS.label) or term))
    return f'<a href="{escape(str(term))}" title="{comment}">{label}</a>'


def index_html(
    files: dict[str, Path], version: str, issued: str, endpoint: str | None, conforms: bool
) -> bytes:
    """The release's landing page: what it is, its licence, and every file with its media type,
    size and SHA-256, so a person can download and check each one."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True
    )
    artefacts = [
        {"name": name, "media_type": MEDIA_TYPES[name], "size": path.stat().st_size,
         "sha256": _sha256(path)}
        for name, path in sorted(files.items())
    ]  # fmt: skip
    page = environment.get_template("release-index.html").render(
        title=TITLE,
        description=DESCRIPTION,
        version=version,
        issued=issued,
        license=str(LICENSE),
        endpoint=endpoint,
        conforms=conforms,
        artefacts=artefacts,
    )
    return page.encode("utf-8")


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
    graph.add((release, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((release, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((release, DCTERMS.license, LICENSE))
    graph.add((release, DCAT.landingPage, URIRef(f"{release}/index.html")))
    graph.add((release, URIRef(f"{DCAT}version"), Literal(version)))
    graph.add((release, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
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


class ReleaseError(ValueError):
    """A release that cannot be written as asked: an unsafe version name, a bad date, or a folder
    that is there already and would be replaced (or was not written by a release)."""


_SAFE_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


def check_version(version: str) -> None:
    """Raise ReleaseError unless ``version`` is a plain name, safe as a folder name."""
    if not _SAFE_VERSION.match(version) or set(version) <= {"."}:
        raise ReleaseError(
            f"version {version!r} is not a plain name (letters, digits, '.', '_', '+', '-')"
        )


def build_release(
    dataset: Dataset,
    out_dir: Path,
    version: str,
    issued: str | None = None,
    endpoint: str | None = None,
    report: ValidationReport | None = None,
    force: bool = False,
) -> dict[str, Path]:
    """Write the release folder ``out_dir/{version}``; returns its files by name. Two runs with the
    same inputs and issue date write byte-identical files.

    ``version`` must be a plain name (letters, digits, ``.``, ``_``, ``+``, ``-``; not ``.`` or
    ``..``); ``issued`` a real date, YYYY-MM-DD. An existing version folder is replaced only with
    ``force``, and only if it is a release (it has SHA256SUMS); nothing else is ever deleted."""
    check_version(version)
    try:
        issued = date.fromisoformat(issued).isoformat() if issued else date.today().isoformat()
    except ValueError:
        raise ReleaseError(f"issue date {issued!r} is not a date YYYY-MM-DD") from None
    final = out_dir / version
    if final.exists() and not force:
        raise ReleaseError(f"{final} is there already; give --force to replace it")
    if final.exists() and not (final / "SHA256SUMS").is_file():
        raise ReleaseError(f"{final} is not a release (no SHA256SUMS); not replacing it")
    folder = out_dir / f".{version}.partial-{os.getpid()}"
    folder.mkdir(parents=True)
    try:
        files = _write_release(dataset, folder, version, issued, endpoint, report)
        if final.exists():
            shutil.rmtree(final)
        folder.rename(final)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
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
    put("graph.nt", sorted_lines(union.serialize(format="nt", encoding="utf-8")))
    put("graph.nq", sorted_lines(canonical.serialize(format="nquads", encoding="utf-8")))
    put(
        "graph.rdf",
        ox.serialize(
            ox.parse(files["graph.nt"].read_bytes(), format=ox.RdfFormat.N_TRIPLES),
            format=ox.RdfFormat.RDF_XML,
        ),
    )
    context = jsonld_context(dataset)
    put("itugraph.context.jsonld", (json.dumps(context, indent=2, sort_keys=True) + "\n").encode())
    triples = ox.parse(files["graph.nt"].read_bytes(), format=ox.RdfFormat.N_TRIPLES)
    expanded = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    compacted = jsonld.compact(expanded, context["@context"])
    put(
        "graph.jsonld",
        (json.dumps(compacted, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode(),
    )
    initiatives = framed_initiatives(union, context)
    put(
        "initiatives.jsonld",
        (json.dumps(initiatives, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode(),
    )
    project = getattr(dataset, "project", None) or as_project(None)
    put(
        "ontology.ttl",
        turtle_of([f.path for f in source_files(project) if f.graph == ONTOLOGY_GRAPH]),
    )
    put("ontology.html", ontology_html(files["ontology.ttl"]))
    put("shapes.ttl", turtle_of(shapes_files(project)))
    report = report or validate(dataset)
    report_graph = Graph()
    bind_prefixes(report_graph.namespace_manager)
    for triple in sorted(to_canonical_graph(report.graph)):
        report_graph.add(triple)
    put("validation-report.ttl", report_graph.serialize(format="turtle", encoding="utf-8"))
    description = describe(dataset, version, issued, dict(files), endpoint)
    put("dataset.ttl", description.serialize(format="turtle", encoding="utf-8"))
    put("index.html", index_html(dict(files), version, issued, endpoint, report.conforms))
    sums = "".join(f"{_sha256(path)}  {name}\n" for name, path in sorted(files.items()))
    put("SHA256SUMS", sums.encode())
    return files
