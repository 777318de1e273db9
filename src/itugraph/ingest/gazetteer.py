"""What the graph already knows, as names to look up in a new report: regions, countries (the
graph's and pycountry's, in English and Chinese), cities, offices, organizations, people,
conferences, resolutions, initiatives, development targets and the closed lists of the shapes.

Everything is read through the store, leaving out the named graph of the document being
ingested, so that ingesting a report again finds the same things as the first time.
"""

from __future__ import annotations

import gettext
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from ..namespaces import GRAPH, ID, ITU
from ..store import GraphStore

_PREFIXES = """
PREFIX itu: <https://w3id.org/itugraph/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
_NAME_PROPERTIES = "rdfs:label|skos:altLabel|itu:code|skos:notation"
_NAMED_CLASSES = {
    "region": "itu:Region",
    "country": "itu:Country",
    "city": "itu:City",
    "office": "itu:FieldOffice",
    "organization": "itu:Organization",
    "person": "itu:Person",
    "event": "itu:Event",
    "programme": "itu:Programme",
    "project": "itu:Project",
    "centre": "itu:Centre",
}
_COUNTRY_PREFIXES = re.compile(
    r"^(?:the\s+)?(?:(?:united\s+)?republic\s+of|kingdom\s+of|state\s+of|commonwealth\s+of)\s+",
    re.IGNORECASE,
)


def key(name: str) -> str:
    """A name as the gazetteer compares names: case and spacing folded, leading "the" dropped."""
    folded = " ".join(name.replace("\u2019", "'").split()).casefold()
    return folded.removeprefix("the ")


@dataclass(frozen=True)
class Conference:
    """A conference of the graph: IRI, body (PP, WTDC, WTSA), the year it began, its acronym,
    the year its acronym names (WTSA-20 met in 2022) and its host city's names."""

    iri: URIRef
    body: str
    year: int
    acronym: str
    nominal_year: int
    city_names: frozenset[str]


@dataclass
class Gazetteer:
    """Lookup tables of the graph's entities by name, code and acronym."""

    names: dict[str, dict[str, URIRef]] = field(default_factory=lambda: defaultdict(dict))
    labels: dict[URIRef, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    types: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    region_of: dict[URIRef, URIRef] = field(default_factory=dict)
    country_of: dict[URIRef, URIRef] = field(default_factory=dict)
    conferences: list[Conference] = field(default_factory=list)
    resolutions: set[URIRef] = field(default_factory=set)
    targets: dict[tuple[str, str], URIRef] = field(default_factory=dict)
    functional: dict[tuple[URIRef, URIRef], list[tuple[Node, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    event_kinds: tuple[str, ...] = ()
    functional_properties: frozenset[URIRef] = frozenset()
    country_names: dict[str, URIRef] = field(default_factory=dict)
    country_label: dict[URIRef, str] = field(default_factory=dict)
    resolution_bodies: dict[str, str] = field(default_factory=dict)
    initiative_texts: bool = False
    resolution_body_codes: tuple[str, ...] = ()

    def find(self, kind: str, name: str) -> URIRef | None:
        """The entity of a kind (region, city, office, organization, person, …) with this name,
        label, code or acronym, if the graph has one."""
        return self.names[kind].get(key(name))

    def country(self, name: str) -> URIRef | None:
        """The country with this name in English or Chinese ("Republic of X" and "The X" too)."""
        name = key(name)
        return self.country_names.get(name) or self.country_names.get(
            key(_COUNTRY_PREFIXES.sub("", name))
        )

    def exists(self, iri: URIRef) -> bool:
        """Whether the graph (outside the ingested document's graph) describes this IRI."""
        return iri in self.types or iri in self.labels

    def label(self, iri: URIRef, language: str = "en") -> str | None:
        """The graph's label of an entity in a language."""
        return self.labels.get(iri, {}).get(language)

    def region_codes(self) -> list[str]:
        """The codes of the graph's regions (AFR, AMS, …)."""
        return sorted(
            name.upper()
            for name, iri in self.names["region"].items()
            if str(iri).rsplit("/", 1)[-1].casefold() == name
        )


def _query(store: GraphStore, text: str, slug: str | None):
    own = f"<{GRAPH[slug]}>" if slug else "<urn:none>"
    return store.query(_PREFIXES + text.replace("$OWN", own))


def build_gazetteer(store: GraphStore, shapes: Graph, slug: str | None = None) -> Gazetteer:
    """The gazetteer of a store's graph, leaving out the named graph of document ``slug``;
    ``shapes`` gives the closed lists (event kinds) and the single-valued properties."""
    gazetteer = Gazetteer()
    classes = " ".join(_NAMED_CLASSES.values())
    rows = _query(
        store,
        f"""SELECT DISTINCT ?s ?type ?name WHERE {{
            GRAPH ?g {{ ?s a ?class }} FILTER (?g != $OWN)
            ?class rdfs:subClassOf* ?type .
            VALUES ?type {{ {classes} }}
            OPTIONAL {{ GRAPH ?h {{ ?s {_NAME_PROPERTIES} ?name }} FILTER (?h != $OWN) }}
        }}""",
        slug,
    )
    kind_of = {str(ITU[c.removeprefix("itu:")]): k for k, c in _NAMED_CLASSES.items()}
    for row in rows:
        kind = kind_of[str(row.type)]
        gazetteer.types[row.s].add(row.type)
        if row.get("name") is not None:
            gazetteer.names[kind].setdefault(key(str(row.name)), row.s)
    labels = _query(
        store,
        """SELECT ?s ?label WHERE { GRAPH ?g { ?s rdfs:label ?label } FILTER (?g != $OWN) }""",
        slug,
    )
    for row in labels:
        gazetteer.labels[row.s].setdefault(row.label.language or "", str(row.label))
        gazetteer.types.setdefault(row.s, set())
    for row in _query(
        store,
        """SELECT ?s ?region ?country WHERE { GRAPH ?g {
            { ?s itu:region ?region } UNION { ?s itu:inCountry ?country } } FILTER (?g != $OWN) }""",
        slug,
    ):
        if row.get("region") is not None:
            gazetteer.region_of.setdefault(row.s, row.region)
        if row.get("country") is not None:
            gazetteer.country_of.setdefault(row.s, row.country)
    _add_conferences(gazetteer, store, slug)
    for row in _query(
        store,
        """SELECT ?s WHERE { GRAPH ?g { ?s a ?t } FILTER (?g != $OWN)
            VALUES ?t { itu:Resolution itu:ResolutionRevision itu:RegionalInitiative
                        itu:ExpectedResult } }""",
        slug,
    ):
        gazetteer.resolutions.add(row.s)
        gazetteer.types[row.s].add(ITU.Resolution)
    for row in _query(
        store,
        """SELECT ?s ?name WHERE { ?s a itu:Resolution ; rdfs:label|skos:altLabel ?name }""",
        slug,
    ):
        body = str(row.s).removeprefix(str(ID)).split("/")[1]
        stem = re.sub(r"(?:第\S+号决议|\s*Resolution\s+\S+)$", "", str(row.name)).strip()
        if stem and stem != str(row.name):
            gazetteer.resolution_bodies.setdefault(key(stem), body)
    for row in _query(
        store,
        """SELECT ?s ?notation WHERE { ?s a ?t ; skos:notation ?notation
            VALUES ?t { itu:SDG itu:WSISActionLine itu:GDCObjective } }""",
        slug,
    ):
        kind = str(row.s).removeprefix(str(ID)).split("/")[0]
        gazetteer.targets[(kind, str(row.notation).upper())] = row.s
    _add_shapes(gazetteer, shapes)
    if gazetteer.functional_properties:
        values = " ".join(f"<{p}>" for p in sorted(gazetteer.functional_properties))
        for row in _query(
            store,
            f"""SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != $OWN)
                VALUES ?p {{ {values} }} }}""",
            slug,
        ):
            gazetteer.functional[(row.s, row.p)].append(
                (row.o, str(row.g).removeprefix(str(GRAPH)))
            )
    _add_countries(gazetteer)
    return gazetteer


def _add_conferences(gazetteer: Gazetteer, store: GraphStore, slug: str | None) -> None:
    rows = _query(
        store,
        """SELECT ?c ?start ?city ?name WHERE {
            ?c a itu:Conference ; itu:startDate ?start .
            OPTIONAL { ?c itu:locatedIn ?city . ?city rdfs:label|skos:altLabel ?name }
        }""",
        slug,
    )
    found: dict[URIRef, tuple[int, set[str]]] = {}
    for row in rows:
        year, names = found.setdefault(row.c, (int(str(row.start)[:4]), set()))
        if row.get("name") is not None:
            names.add(key(str(row.name)))
    for iri, (year, names) in sorted(found.items()):
        acronym = str(iri).rsplit("/", 1)[-1]
        body, _, yy = acronym.rpartition("-")
        nominal = 2000 + int(yy) if yy.isdigit() else year
        gazetteer.conferences.append(
            Conference(iri, body, year, acronym, nominal, frozenset(names))
        )


def _add_shapes(gazetteer: Gazetteer, shapes: Graph) -> None:
    """The closed list of event kinds and the properties with sh:maxCount 1."""
    for shape in shapes.subjects(SH.path, ITU.eventKind):
        listed = shapes.value(shape, SH["in"])
        if listed is not None:
            gazetteer.event_kinds = tuple(str(item) for item in Collection(shapes, listed))
    functional = set()
    for shape, count in shapes.subject_objects(SH.maxCount):
        path = shapes.value(shape, SH.path)
        if isinstance(path, URIRef) and int(count) == 1 and str(path).startswith(str(ITU)):
            functional.add(path)
    from rdflib.namespace import DCTERMS

    for shape, path in shapes.subject_objects(SH.path):
        if path == DCTERMS.description and shapes.value(shape, SH.maxCount) is not None:
            functional.add(path)
    gazetteer.functional_properties = frozenset(functional)
    gazetteer.initiative_texts = (None, SH.targetClass, ITU.InitiativeText) in shapes
    for shape in shapes.subjects(SH.targetClass, ITU.Resolution):
        pattern = str(shapes.value(shape, SH.pattern) or "")
        bodies = re.search(r"resolution/\(([A-Za-z|]+)\)", pattern)
        if bodies:
            gazetteer.resolution_body_codes = tuple(bodies[1].split("|"))


def _add_countries(gazetteer: Gazetteer) -> None:
    """Country names from pycountry (English and Chinese) and from the graph's own labels."""
    import pycountry

    try:
        chinese = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"]
        ).gettext
    except OSError:
        chinese = None
    for country in pycountry.countries:
        iri = ID[f"country/{country.alpha_3}"]
        label = getattr(country, "common_name", None) or country.name
        gazetteer.country_label[iri] = gazetteer.label(iri) or label
        names = {country.name, label, getattr(country, "official_name", country.name)}
        if chinese is not None:
            names |= {chinese(country.name), chinese(getattr(country, "official_name", ""))}
        for name in names:
            if name:
                gazetteer.country_names.setdefault(key(name), iri)
                simpler = key(re.split(r",|\(", name)[0])
                gazetteer.country_names.setdefault(simpler, iri)
    for name, iri in gazetteer.names["country"].items():
        gazetteer.country_names[name] = iri


def literal_values(gazetteer: Gazetteer, subject: URIRef, predicate: URIRef) -> list[Literal]:
    """The values the graph states for a single-valued property of an entity."""
    return [value for value, _ in gazetteer.functional.get((subject, predicate), [])]
