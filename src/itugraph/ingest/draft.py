"""The draft of a document's graph: the accepted candidates and the document node, with labels
reconciled against the graph and conflicts set aside, in the canonical Turtle of ``data/``."""

# ruff: noqa: RUF001, RUF002 (reports write full-width punctuation, dashes and curly quotes)

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..canonical import canonical_turtle
from ..namespaces import ID, ITU, bind_prefixes
from ..passages import Passage
from .dates import find_dates
from .gazetteer import Gazetteer
from .model import Candidate, Conflict, Triple


@dataclass(frozen=True)
class DocumentInfo:
    """What the draft says of the document: slug, title, date, language, and its source copy's
    file name under ``sources/``."""

    slug: str
    title: str
    date: str | None
    language: str
    source_name: str

    @property
    def iri(self) -> URIRef:
        """The document's IRI, ``document/{slug}``."""
        return ID[f"document/{self.slug}"]


def date_of(text: str | None) -> Literal | None:
    """A document date as a typed literal: a date, a month, or a year."""
    if not text:
        return None
    text = text.strip()
    if len(text) == 4 and text.isdigit():
        return Literal(text, datatype=XSD.gYear)
    if len(text) == 7 and text[4] == "-" and text.replace("-", "").isdigit():
        return Literal(text, datatype=XSD.gYearMonth)
    if len(text) == 10 and text[4] == text[7] == "-" and text.replace("-", "").isdigit():
        return Literal(text, datatype=XSD.date)
    found = find_dates(text)
    return found[0].first if found else None


def find_conflicts(
    candidates: list[Candidate],
    gazetteer: Gazetteer,
    passage_of: Callable[[str, URIRef], Passage | None],
) -> None:
    """Mark each candidate whose single-valued statement differs from the graph's, with the
    graph's value and, where ``passage_of(graph, subject)`` finds it, the other passage."""
    for candidate in candidates:
        candidate.conflicts = []
        for subject, predicate, value in candidate.triples:
            if predicate not in gazetteer.functional_properties:
                continue
            for theirs, graph in gazetteer.functional.get((subject, predicate), []):
                if theirs != value and not _same_value(theirs, value):
                    candidate.conflicts.append(
                        Conflict(predicate, value, theirs, graph, passage_of(graph, subject))
                    )


def _same_value(a, b) -> bool:
    try:
        return isinstance(a, Literal) and isinstance(b, Literal) and a.eq(b)
    except TypeError:
        return False


def accepted(candidates: list[Candidate], reject: set[str] = frozenset()) -> list[Candidate]:
    """The candidates to write: all but the rejected and the conflicting, and but those that
    need a candidate left out (an expected result needs its initiative)."""
    kept = {c.id for c in candidates if c.id not in reject and not c.conflicts}
    changed = True
    while changed:
        changed = False
        for candidate in candidates:
            if candidate.id in kept and not set(candidate.requires) <= kept:
                kept.discard(candidate.id)
                changed = True
    return [c for c in candidates if c.id in kept]


def draft_graph(info: DocumentInfo, candidates: list[Candidate], gazetteer: Gazetteer) -> Graph:
    """The statements of the draft: the document node, then the candidates' triples, an entity's
    label the graph already spells otherwise kept as a skos:altLabel."""
    graph = Graph()
    bind_prefixes(graph.namespace_manager)
    document = info.iri
    graph.add((document, RDF.type, ITU.SourceDocument))
    graph.add((document, DCTERMS.title, Literal(info.title, lang=info.language)))
    graph.add((document, DCTERMS.language, Literal(info.language)))
    date = date_of(info.date)
    if date is not None:
        graph.add((document, DCTERMS.date, date))
    labels: dict[tuple[URIRef, str], str] = {}
    single: dict[tuple[URIRef, URIRef], object] = {}
    for candidate in candidates:
        for triple in candidate.triples:
            for statement in _reconciled(triple, gazetteer, labels, single):
                graph.add(statement)
    return graph


def _reconciled(triple: Triple, gazetteer: Gazetteer, labels, single) -> list[Triple]:
    subject, predicate, value = triple
    if predicate == RDFS.label and isinstance(value, Literal):
        language = value.language or ""
        known = gazetteer.label(subject, language) or labels.get((subject, language))
        if known is not None and known != str(value):
            return [(subject, SKOS.altLabel, value)]
        labels[(subject, language)] = str(value)
    if predicate in gazetteer.functional_properties and predicate != RDF.type:
        seen = single.setdefault((subject, predicate), value)
        if seen != value:
            return []
    return [triple]


def draft_turtle(info: DocumentInfo, graph: Graph, header: list[str]) -> str:
    """The draft in canonical Turtle (``itugraph format``'s form), under a comment header."""
    with tempfile.TemporaryDirectory(prefix="itugraph-ingest-") as folder:
        path = Path(folder) / f"{info.slug}.ttl"
        comments = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header)
        path.write_text(comments + graph.serialize(format="turtle"), encoding="utf-8")
        return canonical_turtle(path)


def header_lines(info: DocumentInfo, kept: list[Candidate], all_: list[Candidate]) -> list[str]:
    """The comment block of a drafted file: its source and which candidates it holds."""
    left_out = [c.id for c in all_ if c not in kept]
    lines = [
        f"Source: data/sources/{info.source_name}, {info.title}.",
        "Drafted by `itugraph ingest` from the candidates below; every statement has its passage",
        "in the review report (review.md, review.html).",
        f"Candidates written: {len(kept)} of {len(all_)}.",
    ]
    if left_out:
        lines.append(
            f"Left out (rejected, in conflict, or needing one left out): {', '.join(left_out)}."
        )
    return lines


def passage_text(passage: Passage | None) -> str:
    """A passage as ``“quote” (start–end)`` for people."""
    if passage is None:
        return "(no passage found)"
    return f"“{passage.exact}” ({passage.source}, {passage.start}–{passage.end})"
