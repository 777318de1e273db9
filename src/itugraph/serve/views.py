"""What the browser pages show, in the page's language: entities by their labels (one rule,
itugraph/labels.py), statements with the reports that state them, the home page's overview,
search hits and the named graphs. Every word about the data comes from the data or the ontology;
the interface's own words come from the catalogue (messages.toml, i18n.py)."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from ..alignment import Aligner
from ..labels import Label, natural_key
from ..namespaces import DCTERMS, ITU, OWL, PROV, RDF, RDFS
from ..query_text import with_values
from ..reports import COVERAGE_KINDS, coverage_matrix
from ..store import OxigraphStore, oxigraph_query, to_rdflib_term
from .i18n import DEFAULT, languages, term_words
from .site import Site
from .source_pages import passage_views
from .sparql_examples import EXAMPLES_GRAPH

TYPE = str(RDF.type)
OBJECTIVE = str(ITU.objective)
RESULT_OF = str(ITU.expectedResultOf)
DERIVED_FROM = str(PROV.wasDerivedFrom)
#: A group of "Linked from" longer than this is shown folded; one longer than MANY in columns.
OPEN_GROUP = 20
MANY = 8
#: Search hits named by at most this many characters (names, not texts) come first.
SHORT_LABEL = 80

PREFIXES = f"""PREFIX itu: <{ITU}>
PREFIX rdfs: <{RDFS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX prov: <{PROV}>
PREFIX owl: <{OWL}>
"""


def _primary(tag: str) -> str:
    return tag.lower().split("-")[0]


class Namer:
    """How one page, in one language, shows terms: by their label, a literal in its language;
    a term's view says which language its text is in when that is not the page's (a fallback,
    marked on the page)."""

    def __init__(self, site: Site, lang: str) -> None:
        self.site = site
        self.lang = lang
        self.base = site.settings.public_base

    def compact(self, iri: str) -> str:
        """An IRI nothing labels, as short as it can be told: its path under ``id/``,
        ``itu:Term``, ``graph/name``; any other IRI whole."""
        for prefix, short in (
            (f"{self.base}id/", ""),
            (f"{self.base}def#", "itu:"),
            (f"{self.base}graph/", "graph/"),
        ):
            if iri.startswith(prefix):
                return short + iri.removeprefix(prefix)
        return iri

    def label(self, iri: str) -> tuple[Label, bool]:
        """The label of an IRI in the page's language, and whether it is only the IRI."""
        found = self.site.labels.label(iri, self.lang)
        if found is not None:
            return found, False
        words = term_words().get(iri)
        if words:
            language = self.lang if self.lang in words else DEFAULT
            return Label(words[language], language), False
        return Label(self.compact(iri), ""), True

    def term(self, iri: str) -> dict[str, Any]:
        """An IRI as the templates show it: label text, the label's language where it is not
        the page's (``lang`` attribute and fallback mark), and the local page it links to."""
        label, raw = self.label(iri)
        fallback = label.differs_from(self.lang)
        return {
            "iri": iri,
            "href": self.site.local(iri),
            "label": label.text,
            "lang": label.language if fallback else "",
            "fallback": fallback,
            "raw": raw,
        }

    def literal(self, literal: ox.Literal) -> dict[str, Any]:
        language = literal.language or ""
        other = bool(language) and _primary(language) != _primary(self.lang)
        return {"text": literal.value, "lang": language if other else "", "fallback": False}

    def value(self, term: ox.NamedNode | ox.Literal | ox.BlankNode) -> dict[str, Any]:
        if isinstance(term, ox.NamedNode):
            return self.term(term.value)
        if isinstance(term, ox.Literal):
            return self.literal(term)
        return {"text": str(term), "lang": "", "fallback": False}

    def sort(self, terms: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Terms in the natural order of their labels."""
        return sorted(terms, key=lambda t: (natural_key(t["label"]), t["iri"]))

    def terms(self, iris) -> list[dict[str, Any]]:
        return self.sort([self.term(iri) for iri in set(iris)])


@dataclass
class GraphFacts:
    """A named graph: its IRI, the document it is derived from (if any), its size."""

    iri: str
    document: str | None
    triples: int

    @property
    def name(self) -> str:
        return "graph/" + self.iri.rsplit("/graph/", 1)[-1]


class Views:
    """The pages' content over one Site; what does not depend on the language is computed once."""

    def __init__(self, site: Site) -> None:
        self.site = site
        store = site.store
        sizes = {
            s["g"].value: int(s["n"].value)
            for s in store.query(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
        }
        documents = {
            s["g"].value: s["d"].value
            for s in store.query(f"SELECT ?g ?d WHERE {{ GRAPH ?g {{ ?g <{DERIVED_FROM}> ?d }} }}")
        }
        self.graphs = {
            iri: GraphFacts(iri, documents.get(iri), n) for iri, n in sorted(sizes.items())
        }
        self.examples_graph = str(EXAMPLES_GRAPH)
        self.aligner = Aligner(OxigraphStore(store), site.project)
        # The store is read-only: an entity's classes are read once.
        self.types_of = functools.lru_cache(maxsize=2**16)(self.types_of)

    def namer(self, lang: str) -> Namer:
        return Namer(self.site, lang)

    def query(self, text: str) -> list[ox.QuerySolution]:
        return list(self.site.store.query(PREFIXES + text))

    def types_of(self, iri: str) -> tuple[str, ...]:
        return tuple(
            sorted(
                q.object.value
                for q in self.site.store.quads_for_pattern(
                    ox.NamedNode(iri), ox.NamedNode(TYPE), None, ox.DefaultGraph()
                )
                if isinstance(q.object, ox.NamedNode)
            )
        )

    # -- sources ---------------------------------------------------------------------------

    def sources(self, namer: Namer, graphs: set[str]) -> dict[str, dict[str, Any]]:
        """The graphs stating something on a page, numbered in the order of their documents'
        labels: graph IRI -> its entry in the page's list of sources."""
        entries = []
        for iri in graphs:
            facts = self.graphs.get(iri)
            document = facts.document if facts else None
            entries.append(
                {
                    "graph": self.graph_view(iri),
                    "document": namer.term(document) if document else None,
                    "date": self.document_date(document) if document else None,
                }
            )
        entries.sort(
            key=lambda e: natural_key(
                e["document"]["label"] if e["document"] else e["graph"]["name"]
            )
        )
        for n, entry in enumerate(entries, 1):
            entry["n"] = n
        return {entry["graph"]["iri"]: entry for entry in entries}

    def graph_view(self, iri: str) -> dict[str, Any]:
        facts = self.graphs.get(iri)
        name = facts.name if facts else iri
        return {
            "iri": iri,
            "name": name,
            "href": self.site.local(iri),
            "triples": facts.triples if facts else 0,
        }

    def document_date(self, document: str) -> str | None:
        for quad in self.site.store.quads_for_pattern(
            ox.NamedNode(document), ox.NamedNode(str(DCTERMS.date)), None, ox.DefaultGraph()
        ):
            return quad.object.value
        return None

    # -- entity pages ----------------------------------------------------------------------

    def entity(
        self, iri: str, lang: str, outgoing: list[ox.Quad], incoming: list[ox.Quad]
    ) -> dict[str, Any]:
        """An entity page: its label, classes, dedicated sections (objective, expected results,
        what implements a resolution, a document's graph), its statements with their sources,
        and what links to it, grouped by class."""
        namer = self.namer(lang)
        me = namer.term(iri)
        types = self.types_of(iri)
        stated: list[tuple[ox.Quad, str]] = [
            (q, q.graph_name.value) for q in outgoing if isinstance(q.graph_name, ox.NamedNode)
        ]
        is_initiative = str(ITU.RegionalInitiative) in types
        answer = self.initiative_rows(iri) if is_initiative else []
        texts = self.initiative_texts(answer, namer)
        results = self.expected_results(answer, namer)
        contributions = (
            self.contributions(iri, namer)
            if {str(ITU.Resolution), str(ITU.ResolutionRevision)} & set(types)
            else None
        )
        own_graphs = [self.graph_view(g.iri) for g in self.graphs.values() if g.document == iri]
        shown_apart = {g["iri"] for g in own_graphs}
        graphs = {graph for _, graph in stated}
        sources = self.sources(namer, graphs)

        objective: dict[tuple[str, str], dict[str, Any]] = {}
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for quad, graph in stated:
            predicate = quad.predicate.value
            if predicate == TYPE:
                continue
            target = objective if predicate == OBJECTIVE else rows
            key = (predicate, str(quad.object))
            row = target.setdefault(
                key,
                {
                    "property": namer.term(predicate),
                    "value": namer.value(quad.object),
                    "sources": set(),
                },
            )
            row["sources"].add(sources[graph]["n"])
        statements = sorted(
            rows.values(),
            key=lambda r: (
                natural_key(r["property"]["label"]),
                natural_key(r["value"].get("label") or r["value"]["text"]),
            ),
        )
        for row in [*statements, *objective.values()]:
            row["sources"] = sorted(row["sources"])

        others = []
        for code in languages():
            if code == lang:
                continue
            other = self.site.labels.label(iri, code)
            if other and other.text != me["label"] and _primary(other.language) == code:
                others.append({"text": other.text, "lang": code})

        return {
            "iri": iri,
            "me": me,
            "title": me["label"],
            "others": others,
            "types": namer.terms(types),
            "objective": list(objective.values()),
            "texts": texts,
            "versions_href": next(
                (
                    f"/versions/{q.object.value}"
                    for q in outgoing
                    if q.predicate.value == str(ITU.code) and str(ITU.Region) in types
                ),
                None,
            ),
            "results": results,
            "contributions": contributions,
            "own_graphs": own_graphs,
            "statements": statements,
            "incoming": self.linked_from(
                incoming,
                namer,
                skip_subjects=shown_apart,
                skip_property=RESULT_OF if results else None,
            ),
            "sources": sorted(sources.values(), key=lambda e: e["n"]),
            "passages": passage_views(self.aligner, namer, iri),
        }

    def initiative_rows(self, iri: str) -> list[ox.QuerySolution]:
        """The canned query ``initiative`` for one initiative: its texts and their results, as
        pyoxigraph terms (no conversion on a page's path)."""
        query = self.site.queries["initiative"]
        return list(self.query(with_values(query.text, {"initiative": URIRef(iri)})))

    def initiative_texts(self, answer: list, namer: Namer) -> list[dict[str, Any]]:
        """An initiative's texts (its versions), one per stating document, the latest stage first:
        status, title and objective as each document gives them, and the document."""
        texts: dict[str, dict[str, Any]] = {}
        for row in answer:  # a row per expected result: the text's own values repeat
            version = row["version"].value
            objective = row["objective"]
            texts[version] = {
                "text": namer.term(version),
                "status": namer.term(row["status"].value) if row["status"] else None,
                "objective": (
                    {"text": objective.value, "lang": objective.language or ""}
                    if objective is not None
                    else None
                ),
                "document": namer.term(row["document"].value),
            }
        return list(texts.values())

    def expected_results(self, answer: list, namer: Namer) -> list[dict[str, Any]]:
        """An initiative's expected results in the order of their numbers."""
        texts: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
        for row in answer:
            if row["ordinal"] is None or row["result"] is None:
                continue
            key = (int(row["ordinal"].value), row["result"].value)
            texts[key][row["text"].language or ""] = row["text"].value
        results = []
        for (n, result), by_language in sorted(texts.items()):
            preferred = [c for c in (namer.lang, "", DEFAULT) if c in by_language]
            language = (preferred or sorted(by_language))[0]
            fallback = bool(language) and _primary(language) != _primary(namer.lang)
            results.append(
                {
                    "n": n,
                    "text": by_language[language],
                    "href": self.site.local(result),
                    "lang": language if fallback else "",
                    "fallback": fallback,
                }
            )
        return results

    def contributions(self, iri: str, namer: Namer) -> list[dict[str, Any]]:
        """What implements a resolution (the work or a revision), by region, and which report
        says so: the canned query ``resolution-coverage``."""
        query = self.site.queries["resolution-coverage"]
        answer = oxigraph_query(
            self.site.store, query.text, {"resolution": to_rdflib_term(ox.NamedNode(iri))}
        )
        by_region: dict[str, set[tuple[str, str, str, str, str]]] = defaultdict(set)
        for row in answer:
            region = str(row["region"]) if row["region"] is not None else ""
            by_region[region].add(
                (
                    str(row["item"]),
                    str(row["kind"]),
                    str(row["via"]),
                    str(row["target"]),
                    str(row["document"]),
                )
            )
        groups = []
        for region, found in by_region.items():
            items = []
            for item, kind, via, target, document in found:
                items.append(
                    {
                        "item": namer.term(item),
                        "kind": namer.term(kind),
                        "via": namer.term(via) if via != item else None,
                        "target": namer.term(target) if target != iri else None,
                        "document": namer.term(document),
                    }
                )
            items.sort(
                key=lambda r: (
                    natural_key(r["kind"]["label"]),
                    natural_key(r["item"]["label"]),
                    natural_key(r["document"]["label"]),
                )
            )
            groups.append({"region": namer.term(region) if region else None, "entries": items})
        groups.sort(
            key=lambda g: (
                g["region"] is None,
                natural_key(g["region"]["label"]) if g["region"] else (),
            )
        )
        return groups

    def linked_from(
        self,
        incoming: list[ox.Quad],
        namer: Namer,
        skip_subjects: set[str],
        skip_property: str | None,
    ) -> list[dict[str, Any]]:
        """What links to an entity, grouped by the linking entity's class and the property."""
        links: dict[str, set[str]] = defaultdict(set)
        for quad in incoming:
            if not isinstance(quad.subject, ox.NamedNode):
                continue
            subject, predicate = quad.subject.value, quad.predicate.value
            if subject in skip_subjects or subject in self.graphs or predicate == skip_property:
                continue
            links[subject].add(predicate)
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for subject, predicates in links.items():
            kind = self.main_type(subject, namer)
            for predicate in predicates:
                groups[(kind, predicate)].append(subject)
        views = []
        for (kind, predicate), subjects in groups.items():
            items = namer.terms(subjects)
            views.append(
                {
                    "type": namer.term(kind) if kind else None,
                    "property": namer.term(predicate),
                    "entries": items,
                    "open": len(items) <= OPEN_GROUP,
                    "many": len(items) > MANY,
                }
            )
        views.sort(
            key=lambda g: (
                natural_key(g["type"]["label"]) if g["type"] else (),
                natural_key(g["property"]["label"]),
            )
        )
        return views

    def main_type(self, iri: str, namer: Namer) -> str:
        """The class a linking entity is grouped under: the first of its classes of the
        ontology in label order ("" when it has none)."""
        types = self.types_of(iri)
        if not types:
            return ""
        own = [t for t in types if t.startswith(f"{namer.base}def#")] or types
        return min(own, key=lambda t: natural_key(namer.term(t)["label"]))

    # -- the home page ---------------------------------------------------------------------

    def home(self, lang: str) -> dict[str, Any]:
        namer = self.namer(lang)
        base = self.site.settings.public_base
        regions = [
            s["r"].value
            for s in self.query("SELECT ?r ?c WHERE { ?r a itu:Region ; itu:code ?c } ORDER BY ?c")
        ]
        cycles = list(self.site.cycles)
        initiatives: dict[tuple[str, str], list[str]] = defaultdict(list)
        for s in self.query(
            "SELECT DISTINCT ?i ?r ?c WHERE { ?i a itu:RegionalInitiative ; itu:region ?r ; itu:cycle ?c }"
        ):
            initiatives[(s["r"].value, s["c"].value)].append(s["i"].value)
        cards = []
        for region in regions:
            cards.append(
                {
                    "region": namer.term(region),
                    "cycles": [
                        {
                            "cycle": namer.term(cycle),
                            "entries": namer.terms(initiatives[(region, cycle)]),
                        }
                        for cycle in cycles
                        if initiatives.get((region, cycle))
                    ],
                }
            )

        return {
            "regions": cards,
            "contents": self.contents(namer, regions),
            "counts": self.counts(),
            "coverage": self.coverage_glance(namer, regions),
            "documents": self.documents(namer),
            "resolutions": namer.terms(
                s["r"].value for s in self.query("SELECT ?r WHERE { ?r a itu:Resolution }")
            ),
            "targets": self.targets(namer),
            "queries": sorted(
                (
                    {
                        "name": q.name,
                        "title": q.title,
                        "question": q.question,
                        "href": f"/queries/{q.name}",
                    }
                    for q in self.site.queries.values()
                ),
                key=lambda q: natural_key(q["title"]),
            ),
            "base": base,
        }

    def counts(self) -> dict[str, int]:
        """Triples and graphs, told apart: the data and the ontology (what ``itugraph stats``
        and ``validate`` count) and what the SPARQL endpoint serves (those and its examples)."""
        examples = self.graphs.get(self.examples_graph)
        return {
            "triples": self.site.triples,
            "graphs": len([g for g in self.graphs if g != self.examples_graph]),
            "examples": examples.triples if examples else 0,
            "served": len(self.site.graph_store),
            "served_graphs": len(self.graphs),
        }

    def contents(self, namer: Namer, regions: list[str]) -> list[dict[str, Any]]:
        """Entities per class of the ontology (subclasses counted in their superclasses), in
        all and per region; subclasses follow their superclass."""
        own = f"{namer.base}def#"
        totals = {
            s["c"].value: int(s["n"].value)
            for s in self.query(
                "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a/rdfs:subClassOf* ?c "
                f'FILTER (STRSTARTS(STR(?c), "{own}")) }} GROUP BY ?c'
            )
        }
        per_region: dict[tuple[str, str], int] = {
            (s["c"].value, s["r"].value): int(s["n"].value)
            for s in self.query(
                "SELECT ?c ?r (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a/rdfs:subClassOf* ?c ; itu:region ?r "
                f'FILTER (STRSTARTS(STR(?c), "{own}")) }} GROUP BY ?c ?r'
            )
        }
        parents: dict[str, set[str]] = defaultdict(set)
        for s in self.query(
            "SELECT ?c ?p WHERE { ?c rdfs:subClassOf ?p "
            f'FILTER (STRSTARTS(STR(?c), "{own}") && STRSTARTS(STR(?p), "{own}")) }}'
        ):
            if s["p"].value in totals:
                parents[s["c"].value].add(s["p"].value)
        children: dict[str, list[str]] = defaultdict(list)
        for child, ps in parents.items():
            if child in totals:
                for parent in ps:
                    children[parent].append(child)
        rows: list[dict[str, Any]] = []

        def add(iri: str, depth: int) -> None:
            rows.append(
                {
                    "class": namer.term(iri),
                    "depth": depth,
                    "total": totals[iri],
                    "cells": [per_region.get((iri, r), 0) for r in regions],
                }
            )
            for child in namer.sort([namer.term(c) for c in children.get(iri, [])]):
                add(child["iri"], depth + 1)

        for root in namer.sort([namer.term(c) for c in totals if not parents.get(c)]):
            add(root["iri"], 0)
        return rows

    def coverage_glance(self, namer: Namer, regions: list[str]) -> dict[str, Any]:
        """For each region, how many targets of each kind of the coverage matrix it reaches."""
        choices = {
            name: iri
            for p in self.site.queries["targets"].parameters
            if p.name == "kind"
            for name, iri in p.choices
        }
        kinds = []
        for kind in COVERAGE_KINDS:
            matrix = coverage_matrix(self.site.graph_store, kind)
            klass = choices.get(kind, str(ITU.Resolution))
            kinds.append(
                {
                    "kind": kind,
                    "class": namer.term(klass),
                    "href": f"/coverage?by={kind}",
                    "total": len(matrix.columns),
                    "reached": {
                        code: sum(1 for c in matrix.columns if matrix.count(code, c))
                        for code in matrix.regions
                    },
                }
            )
        codes = {
            s["r"].value: s["c"].value
            for s in self.query("SELECT ?r ?c WHERE { ?r a itu:Region ; itu:code ?c }")
        }
        return {
            "kinds": kinds,
            "rows": [
                {
                    "region": namer.term(r),
                    "cells": [
                        {
                            "reached": k["reached"].get(codes[r], 0),
                            "total": k["total"],
                            "href": k["href"],
                        }
                        for k in kinds
                    ],
                }
                for r in regions
            ],
        }

    def documents(self, namer: Namer) -> list[dict[str, Any]]:
        """The source documents, latest first, with their date, language and graph."""
        found = {}
        for s in self.query(
            "SELECT ?d ?date ?language WHERE { ?d a itu:SourceDocument "
            "OPTIONAL { ?d dcterms:date ?date } OPTIONAL { ?d dcterms:language ?language } }"
        ):
            found[s["d"].value] = (
                s["date"].value if s["date"] else "",
                s["language"].value if s["language"] else "",
            )
        names = languages()
        views = []
        for document, (date, language) in found.items():
            views.append(
                {
                    "document": namer.term(document),
                    "date": date,
                    "language": names.get(language, language),
                    "graphs": [
                        self.graph_view(g.iri)
                        for g in self.graphs.values()
                        if g.document == document
                    ],
                }
            )
        views.sort(key=lambda v: (-int(v["date"][:4] or 0), natural_key(v["document"]["label"])))
        return views

    def targets(self, namer: Namer) -> list[dict[str, Any]]:
        """The development targets, by kind (the subclasses of itu:DevelopmentTarget)."""
        kinds: dict[str, list[str]] = defaultdict(list)
        for s in self.query(
            "SELECT ?k ?t WHERE { ?k rdfs:subClassOf itu:DevelopmentTarget . ?t a ?k }"
        ):
            kinds[s["k"].value].append(s["t"].value)
        return [
            {"class": kind, "entries": namer.terms(kinds[kind["iri"]])}
            for kind in namer.terms(kinds)
        ]

    # -- search ----------------------------------------------------------------------------

    def search(self, q: str, lang: str, match: str | None) -> list[dict[str, Any]]:
        """Entities whose name, title or text contains q: by label, with their classes and the
        text that matched (in the page's language where one did); the entities whose label
        holds the phrase first."""
        namer = self.namer(lang)
        query = self.site.queries["search"]
        values = {"phrase": q}
        if match in languages():
            values["language"] = match
        answer = oxigraph_query(self.site.store, query.text, query.bindings(values))
        found: dict[str, dict[str, Any]] = {}
        for r in answer:
            entity = str(r["entity"])
            hit = found.setdefault(entity, {"types": set(), "matches": []})
            hit["types"].add(str(r["type"]))
            hit["matches"].append((str(r["property"]), r["text"]))
        rows = []
        for entity, hit in found.items():
            property_, text = min(
                hit["matches"],
                key=lambda m: (
                    _primary(m[1].language or "") != _primary(lang),
                    natural_key(namer.term(m[0])["label"]),
                    str(m[1]),
                ),
            )
            language = text.language or ""
            term = namer.term(entity)
            rows.append(
                {
                    "entity": term,
                    "types": namer.terms(hit["types"]),
                    "property": namer.term(property_),
                    "text": "" if str(text) in term["label"] else str(text),
                    "lang": language if language and _primary(language) != _primary(lang) else "",
                }
            )
        needle = q.strip().casefold()

        def rank(row: dict[str, Any]) -> tuple:
            label = row["entity"]["label"].casefold()
            return (
                label != needle,
                needle not in label,
                len(label) > SHORT_LABEL,
                natural_key(row["entity"]["label"]),
            )

        return sorted(rows, key=rank)

    # -- named graphs ----------------------------------------------------------------------

    def graph(self, iri: str, lang: str) -> dict[str, Any] | None:
        """A named graph's page: what it is (the document it states, or the ontology it holds),
        its size, entities per class, and downloads of its triples."""
        facts = self.graphs.get(iri)
        if facts is None:
            return None
        namer = self.namer(lang)
        node = f"<{iri}>"
        subjects = int(
            self.query(
                f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}"
            )[0]["n"].value
        )
        classes = [
            {"class": namer.term(s["c"].value), "n": int(s["n"].value)}
            for s in self.query(
                f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {node} {{ ?s a ?c }} }} GROUP BY ?c"
            )
        ]
        classes.sort(key=lambda c: (natural_key(c["class"]["label"]), c["class"]["iri"]))
        ontologies = [
            s["o"].value
            for s in self.query(f"SELECT ?o WHERE {{ GRAPH {node} {{ ?o a owl:Ontology }} }}")
        ]
        if facts.document:
            about = namer.term(facts.document)
        elif ontologies:
            about = namer.term(ontologies[0])
        else:
            about = None
        slug = facts.name.removeprefix("graph/")
        return {
            "graph": self.graph_view(iri),
            "about": about,
            "date": self.document_date(facts.document) if facts.document else None,
            "subjects": subjects,
            "classes": classes,
            "served_only": iri == self.examples_graph,
            "downloads": [
                {"label": "Turtle", "href": "?format=turtle", "file": f"{slug}.ttl"},
                {"label": "N-Triples", "href": "?format=nt", "file": f"{slug}.nt"},
                {"label": "JSON-LD", "href": "?format=jsonld", "file": f"{slug}.jsonld"},
            ],
        }

    def graph_list(self, lang: str) -> dict[str, Any]:
        namer = self.namer(lang)
        rows = []
        for facts in self.graphs.values():
            about = None
            if facts.document:
                about = namer.term(facts.document)
            rows.append(
                {
                    "graph": self.graph_view(facts.iri),
                    "about": about,
                    "served_only": facts.iri == self.examples_graph,
                }
            )
        rows.sort(key=lambda r: (r["served_only"], natural_key(r["graph"]["name"])))
        return {"rows": rows, "counts": self.counts()}


def graph_iri(site: Site, name: str) -> str:
    """The IRI of the named graph served at ``/graph/{name}``."""
    return f"{site.settings.public_base}graph/{name}"
