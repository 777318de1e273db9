"""The objects ingest passes between its stages: the document read, candidate facts with their
passages, conflicts with the graph, and the errors a maintainer can act on."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..passages import Passage

Triple = tuple[URIRef, URIRef, Node]

#: Exit status of a run that cannot go ahead (input, output folder, slug); as ``itugraph`` uses.
EXIT_CANNOT_RUN = 2
#: Exit status of an accept refused because the graph would not conform.
EXIT_VIOLATIONS = 1


class IngestError(Exception):
    """A one-line reason ingest stopped, with the exit status the command returns."""

    def __init__(self, message: str, exit_code: int = EXIT_CANNOT_RUN) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class SourceText:
    """A document as ingest reads it: its bytes, the plain text passages point into, and what the
    document says about itself (title, date, language), each None when it does not say."""

    path: str
    extension: str
    data: bytes
    text: str
    title: str | None = None
    date: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Conflict:
    """A candidate's statement that contradicts what the graph holds: the property, both values,
    the graph that states the other, and the other's passage in its own source when found."""

    predicate: URIRef
    ours: Node
    theirs: Node
    graph: str
    their_passage: Passage | None = None


@dataclass
class Candidate:
    """One candidate fact: what it would add to the graph (``triples``) and the passage that
    states it, with a confidence in [0, 1] and the entities it reuses from the graph."""

    id: str
    kind: str
    subject: URIRef
    summary: str
    triples: list[Triple]
    passage: Passage
    confidence: float
    reused: list[URIRef] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    mentions: list[Passage] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by ``-``, accents folded (Fayçal → faycal), as the data
    conventions write slugs."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    folded = folded.replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def literal_text(node: Node) -> str:
    """The lexical form of a literal, the IRI of anything else."""
    return str(node) if isinstance(node, Literal | URIRef) else repr(node)
