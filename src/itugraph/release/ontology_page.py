"""ontology.html: the ontology documented by pyLODE as one self-contained HTML page, the same
bytes on every run whatever the hash seed, each term's anchor its IRI's local name."""

from __future__ import annotations

import logging
import re
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from importlib import metadata
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, VANN, XSD
from rdflib.paths import Path as PropertyPath

from ..namespaces import ITU, RDFS


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
