"""Where the source documents state what the graph says: the passages of an entity's facts.

A statement's document is read from the data: the named graph the statement is in, and that
graph's ``prov:wasDerivedFrom`` (``document/{slug}``, whose text is ``sources/{slug}.txt``).
Each literal of these properties is looked for in its document's text:

- quoted texts: ``dcterms:title``, ``itu:objective``, ``dcterms:description``;
- names: ``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``;
- codes: ``skos:notation`` and every sub-property of it the ontology declares (``itu:code``).

A literal in the document's language (``dcterms:language``) or without a language tag is
*required*: found nowhere, it is reported unaligned. One in another language (the English name of
an office stated in the Chinese report) is a translation: it gets the passages where the text
writes it as it is (an acronym in Latin letters), and is not reported when it is written nowhere.

Matching is verbatim up to the two things the data conventions (docs/data-conventions.md) let a
quotation leave out: the way the text breaks lines and spaces (a run of white space is one space,
and none between two Chinese characters), and word-processor footnote markup (``[footnoteRef:1]``,
``[1: footnote text]``). A match begins and ends at word boundaries, and the passage is the span
of the original text, whatever it holds there. A statement found nowhere is reported unaligned,
never given an invented passage. Texts and matches are cached for the life of the process.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef

from .namespaces import DCTERMS, ENTITY_KINDS, ID, ITU, PROV, RDFS, SKOS
from .passages import CONTEXT, Passage
from .project import Project, as_project
from .sources import source_documents
from .store import PREFIXES, GraphStore

QUOTE, NAME, CODE = "quote", "name", "code"
#: The properties whose literals are looked for, by kind (codes: their sub-properties too).
PROPERTIES = {
    QUOTE: (str(DCTERMS.title), str(ITU.objective), str(DCTERMS.description)),
    NAME: (str(RDFS.label), str(SKOS.prefLabel), str(SKOS.altLabel)),
    CODE: (str(SKOS.notation),),
}
KINDS = (QUOTE, NAME, CODE)
#: Word-processor markup in the source copies that no quotation includes.
MARKUP = re.compile(r"\[footnoteRef:\d+\]|\[\d+:[^\]]*\]")
#: Where the documents' IRIs are minted: ``document/{slug}`` is the text ``sources/{slug}.txt``.
DOCUMENTS = f"{ID}document/"
ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"

_STATEMENTS = f"""SELECT DISTINCT ?entity ?p ?o ?g ?document WHERE {{
  GRAPH ?g {{ ?entity ?p ?o . ?g <{PROV.wasDerivedFrom}> ?document }}
  FILTER (isIRI(?entity) && isLiteral(?o) && (DATATYPE(?o) = <http://www.w3.org/2001/XMLSchema#string> || LANG(?o) != ""))
}}"""
_CODES = f"SELECT ?p WHERE {{ ?p <{RDFS.subPropertyOf}>+ <{SKOS.notation}> }}"
_ALL_VERSIONS = f"SELECT DISTINCT ?version ?work WHERE {{ ?version <{DCTERMS.isVersionOf}> ?work }}"
_DOCUMENTS = f"""SELECT ?document ?language WHERE {{
  GRAPH ?g {{ ?g <{PROV.wasDerivedFrom}> ?document }}
  OPTIONAL {{ ?document <{DCTERMS.language}> ?language }}
}}"""


class UnknownEntity(LookupError):
    """The graph states nothing about this IRI."""


@dataclass(frozen=True, order=True)
class Statement:
    """A statement with a literal value, in the named graph of one source document."""

    entity: str
    property: str
    value: str
    language: str
    graph: str
    document: str
    kind: str
    #: In the document's language or untagged: a statement the document must write.
    required: bool = True

    @property
    def source(self) -> str:
        """The slug of the statement's document (``document/{slug}``: ``sources/{slug}.txt``)."""
        return self.document.removeprefix(DOCUMENTS)


@dataclass(frozen=True)
class Found:
    """A passage and the statements it states (one span may state a label and a title alike)."""

    passage: Passage
    statements: tuple[Statement, ...]

    @property
    def document(self) -> str:
        """The IRI of the document the passage is in."""
        return self.statements[0].document


@dataclass(frozen=True)
class Alignment:
    """An entity's passages, by document and position, and its statements found in no passage."""

    entity: str
    found: tuple[Found, ...]
    unaligned: tuple[Statement, ...]

    def as_json(self) -> dict[str, Any]:
        """The passages as a W3C Web Annotation page: one annotation per passage, its body the
        entity and the stated values, its target the span of the document (``Passage.as_json``
        with the document's IRI as source); the unaligned statements after them."""
        items = []
        for found in self.found:
            passage = found.passage
            target = {"type": "SpecificResource", **passage.as_json()}
            target["source"] = found.document
            body: list[dict[str, Any]] = [{"id": self.entity, "purpose": "identifying"}]
            for statement in found.statements:
                value: dict[str, Any] = {
                    "type": "TextualBody",
                    "purpose": "describing",
                    "value": statement.value,
                    "property": statement.property,
                }
                if statement.language:
                    value["language"] = statement.language
                body.append(value)
            items.append(
                {
                    "id": f"{self.entity}#passage-{passage.source}-{passage.start}-{passage.end}",
                    "type": "Annotation",
                    "motivation": "identifying",
                    "body": body,
                    "target": target,
                }
            )
        return {
            "@context": [
                ANNOTATION_CONTEXT,
                {
                    "property": {
                        "@id": "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate",
                        "@type": "@id",
                    }
                },
            ],
            "id": f"{self.entity}#passages",
            "type": "AnnotationPage",
            "items": items,
            "unaligned": [
                {
                    "property": s.property,
                    "value": s.value,
                    "language": s.language or None,
                    "document": s.document,
                }
                for s in self.unaligned
            ],
        }

    def as_text(self) -> str:
        """The passages for a terminal: document, offsets and what the span states, then the
        span in its context (between « and »); the unaligned statements last."""
        documents = len({found.document for found in self.found})
        lines = [
            f"{self.entity}: {_count(len(self.found), 'passage')} in "
            f"{_count(documents, 'document')}"
        ]
        for found in self.found:
            passage = found.passage
            stated = ", ".join(
                _compact(s.property)
                + (f" of {_compact(s.entity)}" if s.entity != self.entity else "")
                for s in found.statements
            )
            lines.append(f"{passage.source} {passage.start}-{passage.end}  {stated}")
            context = f"{_flat(passage.prefix)}«{passage.exact}»{_flat(passage.suffix)}"
            lines.append(f"  …{context}…")
        if self.unaligned:
            lines.append(f"unaligned ({len(self.unaligned)}): written so in no passage")
            lines += [f"  {_describe(s)}" for s in self.unaligned]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Tally:
    """How many of some statements (or entities) there are, and how many have a passage."""

    total: int
    aligned: int

    @property
    def share(self) -> float:
        """The aligned share, 1 when there is nothing to align."""
        return self.aligned / self.total if self.total else 1.0

    def __str__(self) -> str:
        """The tally as "aligned of total (share %)"."""
        return f"{self.aligned} of {self.total} ({100 * self.share:.1f} %)"


@dataclass(frozen=True)
class Coverage:
    """Passages over the whole graph: the entities with a literal to look for; the required
    statements of each kind and the statements in another language than their document's; how
    many of each have a passage; and the unaligned statements, sorted."""

    entities: Tally
    statements: dict[str, Tally]
    translations: Tally
    unaligned: tuple[Statement, ...]

    def as_text(self) -> str:
        """The figures, one a line, then the unaligned statements."""
        lines = [f"entities with a passage: {self.entities}"]
        for kind in KINDS:
            lines.append(f"{kind} statements with a passage: {self.statements[kind]}")
        lines.append(f"in another language than the document, written as such: {self.translations}")
        if self.unaligned:
            lines.append(f"unaligned ({len(self.unaligned)}):")
            lines += [f"  {_compact(s.entity)} {_describe(s)}" for s in self.unaligned]
        return "\n".join(lines) + "\n"

    def as_json(self) -> dict[str, Any]:
        """The figures and the unaligned statements as JSON."""
        return {
            "entities": {"total": self.entities.total, "aligned": self.entities.aligned},
            "statements": {
                kind: {"total": tally.total, "aligned": tally.aligned}
                for kind, tally in self.statements.items()
            },
            "translations": {
                "total": self.translations.total,
                "aligned": self.translations.aligned,
            },
            "unaligned": [
                {
                    "entity": s.entity,
                    "property": s.property,
                    "value": s.value,
                    "language": s.language or None,
                    "document": s.document,
                }
                for s in self.unaligned
            ],
        }


def _count(n: int, noun: str) -> str:
    """A count and its noun, plural unless one."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _flat(text: str) -> str:
    """Context for one line: every run of white space as one space."""
    return re.sub(r"\s+", " ", text)


def _compact(iri: str) -> str:
    """An IRI as the terminal shows it: ``prefix:name`` or its path under ``id/``."""
    if iri.startswith(str(ID)):
        return iri.removeprefix(str(ID))
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and prefix not in ENTITY_KINDS:
            return f"{prefix}:{iri.removeprefix(namespace)}"
    return iri


def _describe(statement: Statement, width: int = 70) -> str:
    """A statement for one line: property, value (shortened), its document."""
    value = statement.value
    value = value if len(value) <= width else value[: width - 1] + "…"
    return f"{_compact(statement.property)} {value!r} in {statement.source}"


# -- the texts, normalised -------------------------------------------------------------------


def _joins_without_space(char: str) -> bool:
    """Whether the script of ``char`` writes words without spaces between them (CJK)."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
    )


def _word(char: str) -> bool:
    """Whether ``char`` continues a word written with spaces (a letter or digit, not CJK)."""
    return char.isalnum() and not _joins_without_space(char)


def normalise(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` with markup dropped and white space collapsed (one space; none between two CJK
    characters, none at either end), and for each character kept its offset in ``text``."""
    kept: list[tuple[str, int]] = []
    position = 0
    for markup in [*MARKUP.finditer(text), None]:
        stop = markup.start() if markup else len(text)
        kept += [(text[i], i) for i in range(position, stop)]
        position = markup.end() if markup else stop
    chars: list[str] = []
    offsets: list[int] = []
    space: int | None = None
    for char, offset in kept:
        if char.isspace():
            if space is None:
                space = offset
            continue
        if (
            space is not None
            and chars
            and not (_joins_without_space(chars[-1]) and _joins_without_space(char))
        ):
            chars.append(" ")
            offsets.append(space)
        space = None
        chars.append(char)
        offsets.append(offset)
    return "".join(chars), tuple(offsets)


@functools.lru_cache(maxsize=64)
def _text(path: Path) -> str:
    """A source copy's text, read once per process."""
    return path.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=64)
def _normalised(path: Path) -> tuple[str, tuple[int, ...]]:
    """A source copy's text as normalise() reads it, worked out once per process."""
    return normalise(_text(path))


@functools.lru_cache(maxsize=2**16)
def spans(path: Path, value: str) -> tuple[tuple[int, int], ...]:
    """Every span of the text at ``path`` where ``value`` is written (as normalise() reads them
    both), beginning and ending at word boundaries: offsets into the original text."""
    needle, _ = normalise(value)
    if not needle:
        return ()
    haystack, offsets = _normalised(path)
    found = []
    at = haystack.find(needle)
    while at >= 0:
        end = at + len(needle)
        before = haystack[at - 1] if at else ""
        after = haystack[end] if end < len(haystack) else ""
        if not (_word(needle[0]) and before and _word(before)) and not (
            _word(needle[-1]) and after and _word(after)
        ):
            found.append((offsets[at], offsets[end - 1] + 1))
        at = haystack.find(needle, at + 1)
    return tuple(found)


# -- the aligner -----------------------------------------------------------------------------


class Aligner:
    """The passages of a graph's statements in its source documents (``source_documents()``): the
    documents and the properties to look at are read from the graph once."""

    def __init__(
        self, store: GraphStore, project: Project | Path | None = None, context: int = CONTEXT
    ) -> None:
        """Read the documents' copies and languages and the code properties once."""
        self.store = store
        self.context = context
        self.texts = {d.slug: d.path for d in source_documents(as_project(project))}
        self.kinds = {p: kind for kind in KINDS for p in PROPERTIES[kind]}
        self.kinds |= {str(row[0]): CODE for row in store.query(_CODES)}
        self.languages: dict[str, str] = {}
        for document, language in store.query(_DOCUMENTS):
            self.languages[str(document)] = _primary(str(language)) if language else ""
        self.documents = {iri.removeprefix(DOCUMENTS): iri for iri in self.languages}

    def source_path(self, slug: str) -> Path | None:
        """The copy of the source document ``slug``, if the project has one."""
        return self.texts.get(slug)

    def source_text(self, slug: str) -> str:
        """The text of the source document ``slug`` (KeyError if the project has none)."""
        return _text(self.texts[slug])

    @functools.cached_property
    def _by_entity(self) -> dict[str, list[Statement]]:
        """Every entity's statements, read once: the store is read-only and a page asks for one
        entity's at a time."""
        index: dict[str, list[Statement]] = defaultdict(list)
        for statement in self._statements(None):
            index[statement.entity].append(statement)
        return index

    @functools.cached_property
    def _versions(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = defaultdict(list)
        for version, work in self.store.query(_ALL_VERSIONS):
            if isinstance(version, URIRef):
                index[str(work)].append(str(version))
        return {work: sorted(versions) for work, versions in index.items()}

    def statements(self, entity: str | None = None) -> list[Statement]:
        """The statements to look for (of ``entity``, else of every entity), sorted: literals
        of the properties of PROPERTIES, required in the document's language or untagged."""
        if entity is None:
            return self._statements(None)
        return list(self._by_entity.get(entity, ()))

    def _statements(self, entity: str | None) -> list[Statement]:
        bindings = {"entity": URIRef(entity)} if entity else None
        found = set()
        for subject, predicate, value, graph, document in self.store.query(_STATEMENTS, bindings):
            kind = self.kinds.get(str(predicate))
            if kind is None or not isinstance(value, Literal):
                continue
            language = value.language or ""
            wanted = self.languages.get(str(document), "")
            required = not (language and wanted and _primary(language) != wanted)
            found.add(
                Statement(
                    str(subject),
                    str(predicate),
                    str(value),
                    language,
                    str(graph),
                    str(document),
                    kind,
                    required,
                )
            )
        return sorted(found)

    def spans(self, statement: Statement) -> tuple[tuple[int, int], ...]:
        """Where the statement's document writes its value; () without a copy of the document."""
        path = self.texts.get(statement.source)
        return spans(path, statement.value) if path else ()

    def align(self, statements: Iterable[Statement], entity: str) -> Alignment:
        """The passages of ``statements`` (of one entity), sorted by document and position."""
        by_span: dict[tuple[str, int, int], list[Statement]] = defaultdict(list)
        unaligned = []
        for statement in statements:
            found = self.spans(statement)
            if not found and statement.required:
                unaligned.append(statement)
            for start, end in found:
                by_span[(statement.source, start, end)].append(statement)
        passages = [
            Found(
                Passage.of(source, self.source_text(source), start, end, self.context),
                tuple(sorted(stated, key=_by_property)),
            )
            for (source, start, end), stated in sorted(by_span.items())
        ]
        return Alignment(entity, tuple(passages), tuple(unaligned))

    def versions(self, entity: str) -> list[str]:
        """The entities that are versions of ``entity`` (``dcterms:isVersionOf`` it): the texts
        of an initiative as each document states them, the revisions of a resolution."""
        return list(self._versions.get(entity, ()))

    def provenance(self, entity: str, versions: bool = True) -> Alignment:
        """The passages that state the facts of ``entity`` (and, with ``versions``, of its
        versions); UnknownEntity if the graph has no statement about it at all."""
        statements = self.statements(entity)
        for version in self.versions(entity) if versions else ():
            statements += self.statements(version)
        if (
            not statements
            and not self.store.query(
                "ASK WHERE { { ?entity ?p ?o } UNION { ?s ?p ?entity } }",
                {"entity": URIRef(entity)},
            ).askAnswer
        ):
            raise UnknownEntity(f"the graph states nothing about {entity}")
        return self.align(statements, entity)

    def coverage(self) -> Coverage:
        """How many entities and statements of each kind have a passage, over the whole graph."""
        totals: dict[str, list[int]] = {kind: [0, 0] for kind in (*KINDS, "other")}
        entities: dict[str, bool] = {}
        unaligned = []
        for statement in self.statements():
            aligned = bool(self.spans(statement))
            tally = totals[statement.kind if statement.required else "other"]
            tally[0] += 1
            tally[1] += aligned
            entities[statement.entity] = entities.get(statement.entity, False) or aligned
            if statement.required and not aligned:
                unaligned.append(statement)
        return Coverage(
            Tally(len(entities), sum(entities.values())),
            {kind: Tally(*totals[kind]) for kind in KINDS},
            Tally(*totals["other"]),
            tuple(unaligned),
        )


def _primary(tag: str) -> str:
    """A language tag's primary subtag, lower case (zh-Hans: zh)."""
    return tag.lower().split("-")[0]


def _by_property(statement: Statement) -> tuple:
    """The order of a passage's statements: quotes, names, codes, then by property and value."""
    return (KINDS.index(statement.kind), statement.property, statement.value, statement.graph)


@functools.lru_cache(maxsize=8)
def _aligner(store: GraphStore, project: Project | None) -> Aligner:
    """One Aligner per store and project, for the module's functions."""
    return Aligner(store, project)


def provenance(entity: str, store: GraphStore, project: Project | Path | None = None) -> Alignment:
    """The passages of the source documents that state the facts of ``entity`` (an IRI)."""
    return _aligner(store, as_project(project)).provenance(entity)


def coverage(store: GraphStore, project: Project | Path | None = None) -> Coverage:
    """How many entities and quoted, named and coded statements have a passage."""
    return _aligner(store, as_project(project)).coverage()
