"""Coverage you can explore: the region-by-target matrix with labels, and the items behind a cell.

The dimensions (what the targets are) come from the ontology: the classes in the range of
``itu:contributesTo`` that are targets, not contributors (so not ``itu:RegionalInitiative``),
with a class that has subclasses replaced by its subclasses (``itu:DevelopmentTarget`` by SDG,
WSIS action line and GDC objective) and a class of versions dropped (``itu:ResolutionRevision``
counts through its work). Their keys are the choices of the ``kind`` parameter of the canned
query ``target-coverage`` (``sdg``, ``wsis``, ``gdc``), else the class's local name in lower case
(``resolution``). The counts come from the canned queries the ``itugraph report coverage``
command uses (``resolution-matrix`` and ``target-coverage``); the contributors of a cell are
the same items, with their labels, kinds, and the source documents that state the link.

For a notebook::

    from itugraph.coverage import coverage, contributors
    table = coverage(by="sdg")              # the project's cached store unless a graph is given
    table.count("https://w3id.org/itugraph/id/sdg/9", "EUR")
    table.empty_regions                     # regions whose column is all zero
    contributors(by="resolution", target="resolution/WTDC/37", region="AFR")
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Dataset, URIRef
from rdflib.term import Node

from .labels import natural_key
from .namespaces import ID, ITU
from .queries import get_query, run_query
from .query_text import sparql

PREFIXES = """PREFIX itu: <https://w3id.org/itugraph/def#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

#: The target classes of itu:contributesTo, from the ontology (see the module's docstring), with
#: the position of their range member in the ontology's list (for the order of the dimensions).
DIMENSIONS_QUERY = (
    PREFIXES
    + """SELECT ?class ?label ?comment (COUNT(DISTINCT ?before) AS ?position) WHERE {
  itu:contributesTo rdfs:range/owl:unionOf ?list .
  ?list rdf:rest* ?before . ?before rdf:rest* ?node . ?node rdf:first ?member .
  MINUS { itu:contributesTo rdfs:domain/owl:unionOf ?domain . ?domain rdf:rest* ?cell . ?cell rdf:first ?member }
  ?class rdfs:subClassOf* ?member .
  FILTER NOT EXISTS { ?subclass rdfs:subClassOf ?class FILTER (?subclass != ?class) }
  FILTER NOT EXISTS { ?version a ?class ; dcterms:isVersionOf ?work }
  ?class rdfs:label ?label FILTER (lang(?label) = "en")
  OPTIONAL { ?class rdfs:comment ?comment FILTER (lang(?comment) = "en") }
}
GROUP BY ?class ?label ?comment"""
)

#: The rows of a dimension: every instance of its class, with its English label and notation.
TARGETS_QUERY = (
    PREFIXES
    + """SELECT ?target (SAMPLE(?l) AS ?label) (SAMPLE(?n) AS ?notation) WHERE {
  ?target a ?class .
  OPTIONAL { ?target rdfs:label ?l FILTER (lang(?l) = "en") }
  OPTIONAL { ?target skos:notation|itu:number ?n }
}
GROUP BY ?target"""
)

#: The items counted in a cell of the resolution matrix (the pattern of resolution-matrix.rq):
#: what contributes to the resolution or one of its revisions, or is a member of what does, and
#: has the region; with the documents that state the contribution and the membership.
RESOLUTION_CELL_QUERY = (
    PREFIXES
    + """SELECT ?item ?kind ?target ?via ?document ?membership WHERE {
  ?target dcterms:isVersionOf? ?work .
  { ?item itu:contributesTo ?target . BIND (?item AS ?via) }
  UNION { ?item itu:memberOf ?via . ?via itu:contributesTo ?target . }
  ?item itu:region ?region ; a ?kind .
  OPTIONAL { GRAPH ?graph { ?via itu:contributesTo ?target } ?graph prov:wasDerivedFrom ?document }
  OPTIONAL {
    FILTER (?via != ?item)
    GRAPH ?memberGraph { ?item itu:memberOf ?via } ?memberGraph prov:wasDerivedFrom ?membership
  }
}"""
)

#: The initiatives counted in a cell of the target matrix (the pattern of target-coverage.rq).
TARGET_CELL_QUERY = (
    PREFIXES
    + """SELECT ?item ?kind ?target ?via ?cycle ?document WHERE {
  ?item a itu:RegionalInitiative ; itu:region ?region ; itu:cycle ?cycle ; itu:contributesTo ?work .
  BIND (itu:RegionalInitiative AS ?kind) BIND (?work AS ?target) BIND (?item AS ?via)
  OPTIONAL { GRAPH ?graph { ?item itu:contributesTo ?work } ?graph prov:wasDerivedFrom ?document }
}"""
)

#: For a set of IRIs (VALUES filled in): labels, titles (with the document's dcterms:language
#: for an untagged title; an initiative's are its texts', with their status's stage), code,
#: cycle, and superclasses.
DESCRIBE_QUERY = (
    PREFIXES
    + """SELECT ?s ?label ?title ?language ?versionTitle ?stage ?code ?cycle ?super WHERE {
  VALUES ?s { %s }
  { ?s rdfs:label ?label }
  UNION { ?s dcterms:title ?title OPTIONAL { ?s dcterms:language ?language } }
  UNION {
    ?version dcterms:isVersionOf ?s ; dcterms:title ?versionTitle .
    OPTIONAL { ?version itu:status/itu:stage ?stage }
  }
  UNION { ?s itu:code ?code }
  UNION { ?s itu:cycle ?cycle }
  UNION { ?s rdfs:subClassOf+ ?super FILTER (isIRI(?super)) }
}"""
)


def _select(graph: Any, text: str, bindings: Mapping[str, Node] | None = None) -> list[dict]:
    """A SELECT's rows as dicts of variable name to term (unbound variables left out), on a
    GraphStore (``open_store``) or an rdflib Dataset."""
    if isinstance(graph, Dataset):
        result = sparql(graph, text, bindings)
    else:
        result = graph.query(text, bindings)
    names = [str(v) for v in result.vars]
    return [{name: row[i] for i, name in enumerate(names) if row[i] is not None} for row in result]


def _store(graph: Any) -> Any:
    if graph is not None:
        return graph
    from .store import open_store

    return open_store()


#: What no IRI holds (RFC 3987): spaces, angle brackets, quotes and the like.
_NOT_IN_IRI = re.compile(r"[\s<>\"{}|\\^`]")


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1]


@dataclass(frozen=True)
class Dimension:
    """What the rows of the matrix are: a class of targets of itu:contributesTo."""

    key: str
    iri: str
    label: str
    comment: str = ""
    position: int = 0

    @property
    def plural(self) -> str:
        return self.label + "s"

    @property
    def counts_all_items(self) -> bool:
        """Resolutions count every contributing item of a region (resolution-matrix); the other
        targets count the regional initiatives of the region (target-coverage)."""
        return self.iri == str(ITU.Resolution)

    @property
    def unit(self) -> str:
        return "contributing items" if self.counts_all_items else "regional initiatives"

    @property
    def unit_one(self) -> str:
        return "contributing item" if self.counts_all_items else "regional initiative"

    @property
    def title(self) -> str:
        return f"Coverage of {self.plural} by region ({self.unit} per cell)"


@dataclass(frozen=True)
class Region:
    code: str
    iri: str
    label: str


@dataclass(frozen=True)
class Target:
    """A row: a target (a resolution, an SDG, …) with its English label and notation."""

    iri: str
    label: str
    notation: str = ""

    @property
    def key(self) -> str:
        """The target's path under id/ (resolution/WTDC/37), as links write it."""
        return self.iri.removeprefix(str(ID))


@dataclass(frozen=True)
class Link:
    """An entity with the text to show for it."""

    iri: str
    label: str
    lang: str = "en"


@dataclass(frozen=True)
class Contributor:
    """An item counted in a cell: what it is, through what it contributes (a centre through its
    programme), to which target exactly (a resolution or one of its revisions), and the source
    documents that state the link (the contribution, and a centre's membership)."""

    iri: str
    label: str
    kind: Link
    code: str = ""
    cycle: Link | None = None
    via: tuple[Link, ...] = ()
    targets: tuple[Link, ...] = ()
    documents: tuple[Link, ...] = ()
    lang: str = "en"

    @property
    def name(self) -> str:
        """The label, after the item's code when it has one (EUR5: Digital innovation ecosystems)."""
        return f"{self.code}: {self.label}" if self.code and self.code != self.label else self.label


@dataclass
class Coverage:
    """Targets (rows) by regions (columns); a cell counts the region's items that contribute."""

    dimension: Dimension
    regions: tuple[Region, ...]
    targets: tuple[Target, ...]
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    def count(self, target: str | Target, region: str | Region) -> int:
        """The count of a cell, by target IRI (or Target) and region code (or Region)."""
        iri = target.iri if isinstance(target, Target) else target
        code = region.code if isinstance(region, Region) else region
        return self.cells.get((iri, code), 0)

    @property
    def peak(self) -> int:
        return max(self.cells.values(), default=0)

    @property
    def empty_regions(self) -> list[Region]:
        """The regions no item of which the documents link to any target of the dimension."""
        return [r for r in self.regions if not any(self.count(t, r) for t in self.targets)]

    @property
    def empty_targets(self) -> list[Target]:
        """The targets no region's items are linked to."""
        return [t for t in self.targets if not any(self.count(t, r) for r in self.regions)]

    def target(self, key: str) -> Target | None:
        """A row by IRI or by path under id/ (``resolution/WTDC/37``)."""
        key = key.strip().removeprefix("<").removesuffix(">")
        for target in self.targets:
            if key in (target.iri, target.key):
                return target
        return None

    def region(self, code: str) -> Region | None:
        code = code.strip()
        for region in self.regions:
            if code.upper() == region.code or code == region.iri:
                return region
        return None

    @property
    def empty_regions_note(self) -> str:
        """One sentence naming the all-zero columns, or an empty string."""
        empty = [r.code for r in self.empty_regions]
        if not empty:
            return ""
        names = empty[0] if len(empty) == 1 else f"{', '.join(empty[:-1])} and {empty[-1]}"
        return (
            f"No document states {self.dimension.label} links for {self.dimension.unit} of "
            f"{names}: {'its column is' if len(empty) == 1 else 'their columns are'} empty."
        )

    @property
    def empty_targets_note(self) -> str:
        """One sentence naming the all-zero rows, or an empty string."""
        empty = self.empty_targets
        if not empty:
            return ""
        return (
            f"No document links {self.dimension.unit} of any region to "
            + "; ".join(t.label for t in empty)
            + "."
        )

    def rows(self) -> list[tuple[Target, list[tuple[Region, int]]]]:
        return [(t, [(r, self.count(t, r)) for r in self.regions]) for t in self.targets]


def dimensions(graph: Any = None) -> dict[str, Dimension]:
    """The dimensions of the graph's ontology, by key, in the ontology's order."""
    graph = _store(graph)
    keys = {iri: key for key, iri in _kind_choices()}
    found = []
    for row in _select(graph, DIMENSIONS_QUERY):
        iri = str(row["class"])
        order = list(keys).index(iri) if iri in keys else len(keys)
        found.append(
            (
                (int(row["position"]), order, str(row["label"])),
                Dimension(
                    key=keys.get(iri, _local(iri).lower()),
                    iri=iri,
                    label=str(row["label"]),
                    comment=str(row.get("comment", "")),
                    position=int(row["position"]),
                ),
            )
        )
    return {d.key: d for _, d in sorted(found, key=lambda pair: pair[0])}


def _kind_choices() -> tuple[tuple[str, str], ...]:
    (kind,) = [p for p in get_query("target-coverage").parameters if p.name == "kind"]
    return kind.choices


def _dimension(graph: Any, by: str | Dimension) -> Dimension:
    if isinstance(by, Dimension):
        return by
    known = dimensions(graph)
    if by not in known:
        raise ValueError(f"unknown coverage dimension {by!r}; expected one of {', '.join(known)}")
    return known[by]


def _region_code(iri: object) -> str:
    return str(iri).removeprefix(f"{ID}region/")


def coverage(graph: Any = None, by: str | Dimension = "resolution") -> Coverage:
    """The coverage of one dimension (``resolution``, ``sdg``, ``wsis``, ``gdc``): every target
    of the dimension as a row, naturally sorted by label, every region as a column, and the
    counts of the canned queries resolution-matrix and target-coverage."""
    graph = _store(graph)
    dimension = _dimension(graph, by)
    regions = tuple(
        Region(str(r.code), str(r.region), str(r.labelEn or r.code))
        for r in run_query("regions", graph)
    )
    targets = [
        Target(
            str(row["target"]),
            str(row.get("label") or _local(str(row["target"]))),
            str(row.get("notation", "")),
        )
        for row in _select(graph, TARGETS_QUERY, {"class": URIRef(dimension.iri)})
    ]
    if dimension.counts_all_items:
        counts = run_query("resolution-matrix", graph)
        cells = {(str(r.resolution), _region_code(r.region)): int(r["items"]) for r in counts}
    else:
        query = get_query("target-coverage")
        rows = _select(graph, query.text, {"kind": URIRef(dimension.iri)})
        cells = {(str(r["target"]), _region_code(r["region"])): int(r["initiatives"]) for r in rows}
    return Coverage(
        dimension,
        regions,
        tuple(sorted(targets, key=lambda t: (natural_key(t.label), t.iri))),
        {cell: n for cell, n in cells.items() if n},
    )


def _describe(graph: Any, iris: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Names (label or title, with language), code, cycle and superclasses of each IRI."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    if any(_NOT_IN_IRI.search(iri) for iri in iris):
        raise ValueError("not an IRI")
    described: dict[str, dict[str, Any]] = {i: {"supers": set(), "names": []} for i in iris}
    values = " ".join(f"<{iri}>" for iri in iris)
    for row in _select(graph, DESCRIBE_QUERY % values):
        entry = described[str(row["s"])]
        for name, rank in (("label", 0), ("title", 1), ("versionTitle", 2)):
            if name in row:
                term = row[name]
                language = getattr(term, "language", None) or str(row.get("language", ""))
                preferred = 0 if language in ("en", "") else 1
                latest = -int(row["stage"].toPython()) if "stage" in row else 0
                entry["names"].append(
                    ((preferred, rank, latest, str(term)), str(term), language or "en")
                )
        for name in ("code", "cycle"):
            if name in row:
                entry.setdefault(name, str(row[name]))
        if "super" in row:
            entry["supers"].add(str(row["super"]))
    return described


def _link(described: dict[str, dict[str, Any]], iri: str) -> Link:
    """An IRI with its name: the English (or untagged) label, else title, else any label or
    title in its language, else the last segment of the IRI."""
    names = described.get(iri, {}).get("names")
    if not names:
        return Link(iri, _local(iri))
    _, text, language = min(names)
    return Link(iri, text, language)


def _name(described: dict[str, dict[str, Any]], iri: str) -> str:
    return _link(described, iri).label


def contributors(
    graph: Any = None,
    by: str | Dimension = "resolution",
    target: str = "",
    region: str = "",
) -> list[Contributor]:
    """The items counted in one cell: target by IRI or path under id/ (``resolution/WTDC/37``),
    region by code (``AFR``). Sorted by kind, then naturally by name."""
    graph = _store(graph)
    dimension = _dimension(graph, by)
    target_iri = target.strip().removeprefix("<").removesuffix(">")
    if not re.match(r"^[a-z][a-z0-9+.-]*:", target_iri):
        target_iri = f"{ID}{target_iri}"
    region_iri = region if region.startswith(str(ID)) else f"{ID}region/{region.strip().upper()}"
    for iri in (target_iri, region_iri):
        if _NOT_IN_IRI.search(iri):
            raise ValueError(f"not an IRI or a path under id/: {iri!r}")
    text = RESOLUTION_CELL_QUERY if dimension.counts_all_items else TARGET_CELL_QUERY
    rows = _select(graph, text, {"work": URIRef(target_iri), "region": URIRef(region_iri)})
    items: dict[str, dict[str, set]] = {}
    for row in rows:
        entry = items.setdefault(
            str(row["item"]),
            {"kinds": set(), "via": set(), "targets": set(), "documents": set(), "cycle": set()},
        )
        entry["kinds"].add(str(row["kind"]))
        if row["via"] != row["item"]:
            entry["via"].add(str(row["via"]))
        entry["targets"].add(str(row["target"]))
        for name in ("document", "membership"):
            if name in row:
                entry["documents"].add(str(row[name]))
        if "cycle" in row:
            entry["cycle"].add(str(row["cycle"]))
    mentioned = set(items)
    for entry in items.values():
        for name in ("kinds", "via", "targets", "documents", "cycle"):
            mentioned |= entry[name]
    described = _describe(graph, mentioned)
    found = []
    for iri, entry in items.items():
        kinds = entry["kinds"]
        specific = sorted(k for k in kinds if not any(k in described[o]["supers"] for o in kinds))
        kind = specific[0]

        def links(iris: set[str]) -> tuple[Link, ...]:
            return tuple(
                sorted((_link(described, i) for i in iris), key=lambda x: natural_key(x.label))
            )

        cycle = min(entry["cycle"], default=None)
        found.append(
            Contributor(
                iri=iri,
                label=_name(described, iri),
                kind=Link(kind, _name(described, kind)),
                code=described[iri].get("code", ""),
                cycle=Link(cycle, _local(cycle)) if cycle else None,
                via=links(entry["via"]),
                targets=links(entry["targets"]),
                documents=links(entry["documents"]),
                lang=_link(described, iri).lang,
            )
        )
    return sorted(found, key=lambda c: (c.kind.label.casefold(), natural_key(c.name), c.iri))
