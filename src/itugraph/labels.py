"""What an entity is called, in a language: one labelling rule for every page, search hit and
report, read from the graph (its data and its ontology), never from code.

An entity is named by the first of these roles it has, and within a role by its value in the
language asked for, else a value without a language tag, else English, else any other language:

1. a name: ``rdfs:label`` or ``skos:prefLabel`` (regions, offices, resolutions, ontology terms);
2. a title, after its number when it has one: ``dcterms:title`` (documents; "AFR1 — …" for an
   initiative, whose ``itu:code`` is a sub-property of ``skos:notation`` in the ontology);
3. a text, after its number: ``dcterms:description`` ("1 — …" for an expected result, whose number
   is its ``itu:ordinal``);
4. a number alone.

A work with no title of its own (a regional initiative, whose texts are its versions) takes the
title of its versions (``dcterms:isVersionOf``) at the latest stage of the process, as the
ontology ranks their ``itu:status`` (``itu:stage``: adopted after draft); a version with no number
of its own is numbered as its work ("AFR4 — " and the title that text gives).

Numbers are ``skos:notation``, every sub-property of it the ontology declares, and ``itu:ordinal``
(the number a source gives an item within its list). Where a role has several values in one
language (an initiative titled differently by two reports), the first in code-point order is
taken, so that the label is the same on every page and in every run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import Dataset, Literal

from .namespaces import DCTERMS, ITU, RDFS, SKOS

NAMES = (str(RDFS.label), str(SKOS.prefLabel))
TITLES = (str(DCTERMS.title),)
TEXTS = (str(DCTERMS.description),)
NUMBERS = (str(SKOS.notation), str(ITU.ordinal))
#: Between a number and the title or text it precedes.
SEPARATOR = " — "

_LABELLING = f"""SELECT ?s ?p ?o WHERE {{
  {{ VALUES ?p {{ {" ".join(f"<{p}>" for p in (*NAMES, *TITLES, *TEXTS, *NUMBERS))} }} }}
  UNION {{ ?p <{RDFS.subPropertyOf}>+ <{SKOS.notation}> }}
  ?s ?p ?o .
  FILTER (isLiteral(?o))
}}"""

_VERSION_TITLES = f"""SELECT ?version ?work ?title ?stage WHERE {{
  ?version <{DCTERMS.isVersionOf}> ?work ; <{DCTERMS.title}> ?title .
  OPTIONAL {{ ?version <{ITU.status}>/<{ITU.stage}> ?stage . }}
}}"""

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """Sort key that orders text as people count: "Resolution 8" before "Resolution 78",
    "PP 25" before "PP 191", "C9" before "C10"; letters compared without case."""
    parts = _DIGITS.split(text.casefold())
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


@dataclass(frozen=True)
class Label:
    """A label's text and the language it is written in ("" when the data gives none)."""

    text: str
    language: str

    def differs_from(self, language: str) -> bool:
        """Whether this label is in another language than ``language`` (a fallback)."""
        return bool(self.language) and _primary(self.language) != _primary(language)


def _primary(tag: str) -> str:
    return tag.lower().split("-")[0]


def _pick(values: dict[str, list[str]], language: str) -> Label | None:
    """The value in ``language``, else one without a tag, else English, else any other."""
    if not values:
        return None
    by_primary: dict[str, list[tuple[str, str]]] = {}
    for tag, texts in values.items():
        by_primary.setdefault(_primary(tag), []).extend((text, tag) for text in texts)
    for wanted in (_primary(language), "", "en", *sorted(by_primary)):
        if by_primary.get(wanted):
            text, tag = min(by_primary[wanted])
            return Label(text, tag)
    return None


class Labels:
    """The labelling statements of a graph, and the rule that turns them into labels."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        """``rows``: subject IRI, role ("name", "title", "text" or "number"), text, language."""
        self._values: dict[str, dict[str, dict[str, list[str]]]] = {}
        for subject, role, text, language in rows:
            roles = self._values.setdefault(subject, {})
            roles.setdefault(role, {}).setdefault(language, []).append(text)
        # The statements never change after loading, so neither do the labels: worked out once.
        self.label = functools.lru_cache(maxsize=2**16)(self.label)

    @classmethod
    def from_graph(cls, graph: Any) -> Labels:
        """Read the labelling statements of a built graph: an rdflib Dataset (union default
        graph) or a GraphStore (``open_store``, the server's store)."""
        if isinstance(graph, Dataset):
            from .query_text import sparql

            def ask(text: str):
                return sparql(graph, text)
        else:
            ask = graph.query
        rows = []
        titled = set()
        for subject, predicate, value in ask(_LABELLING):
            if not isinstance(value, Literal):
                continue
            predicate = str(predicate)
            role = (
                "name"
                if predicate in NAMES
                else "title"
                if predicate in TITLES
                else "text"
                if predicate in TEXTS
                else "number"
            )
            rows.append((str(subject), role, str(value), value.language or ""))
            if role in ("name", "title"):
                titled.add(str(subject))
        latest: dict[str, tuple[int, list[Literal]]] = {}
        work_of: dict[str, str] = {}
        for version, work, title, stage in ask(_VERSION_TITLES):
            work_of[str(version)] = str(work)
            rank = int(stage.toPython()) if stage is not None else 0
            best = latest.setdefault(str(work), (rank, []))
            if rank > best[0]:
                latest[str(work)] = (rank, [title])
            elif rank == best[0]:
                best[1].append(title)
        for work, (_, titles) in latest.items():
            if work not in titled:
                rows.extend((work, "title", str(t), t.language or "") for t in titles)
        numbers: dict[str, list[tuple[str, str]]] = {}
        for subject, role, text, language in rows:
            if role == "number":
                numbers.setdefault(subject, []).append((text, language))
        rows.extend(
            (version, "number", text, language)
            for version, work in work_of.items()
            if version not in numbers
            for text, language in numbers.get(work, ())
        )
        return cls(rows)

    def __contains__(self, iri: str) -> bool:
        """Whether the graph gives the entity anything to be called by."""
        return iri in self._values

    def label(self, iri: str, language: str = "en") -> Label | None:
        """The entity's label in ``language`` (or the nearest one the data has), or None when the
        graph gives it none."""
        roles = self._values.get(iri)
        if not roles:
            return None
        number = _pick(roles.get("number", {}), language)
        name = _pick(roles.get("name", {}), language)
        if name is not None:
            return name
        for role in ("title", "text"):
            found = _pick(roles.get(role, {}), language)
            if found is not None:
                if number is None:
                    return found
                return Label(f"{number.text}{SEPARATOR}{found.text}", found.language)
        return number

    def text(self, iri: str, language: str = "en") -> str:
        """The label's text, or the IRI itself when nothing labels it."""
        found = self.label(iri, language)
        return found.text if found is not None else iri

    def sort_key(self, iri: str, language: str = "en") -> tuple:
        """Natural order of the entities' labels (then of their IRIs)."""
        return (natural_key(self.text(iri, language)), iri)
