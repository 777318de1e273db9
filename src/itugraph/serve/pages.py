"""Linked-data pages (``/id/…``, ``/def``) with content negotiation, and the browser UI."""

from __future__ import annotations

import asyncio

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates

from ..namespaces import DCTERMS, ITU, PROV, RDF, RDFS
from ..query_text import with_values
from ..reports import COVERAGE_KINDS, coverage_matrix, heatmap
from ..store import oxigraph_query, quads_to_graph, to_rdflib_term
from .caching import CachedAnswer
from .negotiation import GRAPH_TYPES, choose
from .site import Site

PAGE_TYPES = {"html": "text/html", **GRAPH_TYPES}
SERIALIZERS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}
VARY = {"Vary": "Accept"}


def add_pages(app: FastAPI, site: Site, templates: Jinja2Templates, error_response) -> None:
    """Register the linked-data and UI routes."""
    base = site.settings.public_base
    page_responses = {
        200: {"content": {t: {} for t in PAGE_TYPES.values()}},
        404: {"description": "no such entity"},
        406: {"description": "no acceptable format"},
    }

    def term_view(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> dict:
        if isinstance(term, ox.NamedNode):
            return {
                "iri": term.value,
                "href": site.local(term.value),
                "label": site.label(term.value) or _short(term.value, base),
            }
        if isinstance(term, ox.Literal):
            return {"text": term.value, "language": term.language}
        return {"text": str(term)}

    async def entity_response(request: Request, iri: str, fmt: str | None) -> Response:
        chosen = choose(request.headers.get("accept"), fmt, PAGE_TYPES, "html")

        async def build() -> CachedAnswer | Response:
            try:
                node = ox.NamedNode(iri)
            except ValueError:
                return error_response(request, 404, f"{iri!r} is not an IRI of the graph.")
            outgoing = site.quads(subject=node)
            incoming = site.quads(obj=node)
            if not outgoing and not incoming:
                return error_response(request, 404, f"No entity {iri} in the graph.")
            if chosen is None:
                return not_acceptable()
            if chosen != "html":
                data = site.describe(iri).serialize(format=SERIALIZERS[chosen], encoding="utf-8")
                return CachedAnswer(data, PAGE_TYPES[chosen], VARY)
            body = render_entity(request, iri, outgoing, incoming).body
            return CachedAnswer(bytes(body), "text/html", VARY)

        if chosen is None:
            return await build()
        return await site.cache.answer(("entity", iri, chosen), build)

    def render_entity(request: Request, iri: str, outgoing: list[ox.Quad], incoming: list[ox.Quad]):
        statements: dict[tuple[str, str], dict] = {}
        documents: set[str] = set()
        for quad in outgoing:
            if isinstance(quad.graph_name, ox.DefaultGraph):
                continue
            key = (quad.predicate.value, str(quad.object))
            row = statements.setdefault(
                key,
                {
                    "property": term_view(quad.predicate),
                    "value": term_view(quad.object),
                    "sources": set(),
                },
            )
            graph_iri = quad.graph_name.value
            row["sources"].add(graph_iri.rsplit("/", 1)[-1])
            if quad.predicate.value == str(PROV.wasDerivedFrom):
                documents.add(quad.object.value)
        labels = {
            q.object.language or "": q.object.value
            for q in outgoing
            if q.predicate.value == str(RDFS.label) and isinstance(q.object, ox.Literal)
        }
        types = sorted({q.object.value for q in outgoing if q.predicate.value == str(RDF.type)})
        back = sorted(
            {
                (q.subject.value, q.predicate.value)
                for q in incoming
                if isinstance(q.subject, ox.NamedNode)
            }
        )
        results = []
        if str(ITU.RegionalInitiative) in types:
            query = site.queries["initiative"]
            answer = oxigraph_query(
                site.store, query.text, {"initiative": to_rdflib_term(ox.NamedNode(iri))}
            )
            results = sorted(
                {(int(r["ordinal"]), str(r["text"])) for r in answer if r["ordinal"] is not None}
            )
        return templates.TemplateResponse(
            request,
            "entity.html",
            {
                "iri": iri,
                "title": labels.get("en") or _title(outgoing) or _short(iri, base),
                "label_zh": labels.get("zh"),
                "types": [term_view(ox.NamedNode(t)) for t in types],
                "statements": sorted(
                    statements.values(), key=lambda r: (r["property"]["label"], str(r["value"]))
                ),
                "incoming": [
                    {"subject": term_view(ox.NamedNode(s)), "property": term_view(ox.NamedNode(p))}
                    for s, p in back
                ],
                "documents": [term_view(ox.NamedNode(d)) for d in sorted(documents)],
                "objective": _value(outgoing, str(ITU.objective)),
                "results": results,
            },
        )

    @app.get(
        "/id/{path:path}",
        tags=["linked data"],
        summary="An entity as HTML, Turtle, N-Triples or JSON-LD",
        responses=page_responses,
    )
    async def entity(request: Request, path: str, format: str | None = None) -> Response:
        return await entity_response(request, f"{base}id/{path}", format)

    @app.get(
        "/def",
        tags=["linked data"],
        summary="The ontology as HTML, Turtle, N-Triples or JSON-LD",
        responses=page_responses,
    )
    async def ontology(request: Request, format: str | None = None) -> Response:
        chosen = choose(request.headers.get("accept"), format, PAGE_TYPES, "html")
        if chosen is None:
            return not_acceptable()
        graph_node = ox.NamedNode(f"{base}graph/ontology")

        async def build() -> CachedAnswer:
            if chosen != "html":
                graph = quads_to_graph(site.store.quads_for_pattern(None, None, None, graph_node))
                data = graph.serialize(format=SERIALIZERS[chosen], encoding="utf-8")
                return CachedAnswer(data, PAGE_TYPES[chosen], VARY)
            terms = sorted(
                {
                    q.subject.value
                    for q in site.store.quads_for_pattern(
                        None, ox.NamedNode(str(RDF.type)), None, graph_node
                    )
                    if isinstance(q.subject, ox.NamedNode)
                    and q.subject.value.startswith(f"{base}def#")
                }
            )
            rows = [
                {
                    "term": term_view(ox.NamedNode(t)),
                    "comment": _value(site.quads(subject=ox.NamedNode(t)), str(RDFS.comment)),
                }
                for t in terms
            ]
            page = templates.TemplateResponse(request, "ontology.html", {"terms": rows})
            return CachedAnswer(bytes(page.body), "text/html", VARY)

        return await site.cache.answer(("def", chosen), build)

    @app.get(
        "/def/{term}",
        tags=["linked data"],
        summary="One class or property of the ontology",
        responses=page_responses,
    )
    async def ontology_term(request: Request, term: str, format: str | None = None) -> Response:
        return await entity_response(request, f"{base}def#{term}", format)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request) -> Response:
        return await site.cache.answer(("home",), lambda: home_page(request))

    async def home_page(request: Request) -> CachedAnswer:
        cycle = site.cycles[0] if site.cycles else ""
        browse = {
            "Regions": _listing(
                site,
                "SELECT ?e ?l WHERE { ?e a itu:Region ; rdfs:label ?l FILTER(lang(?l)='en') } ORDER BY ?l",
            ),
            "Resolutions": _listing(
                site,
                "SELECT ?e ?l WHERE { ?e a itu:Resolution ; rdfs:label ?l FILTER(lang(?l)='en') } ORDER BY ?l",
            ),
            f"Regional initiatives ({cycle.rsplit('/', 1)[-1]})": _listing(
                site,
                "SELECT ?e (MIN(CONCAT(?c, ': ', STR(?t))) AS ?l) WHERE { ?e a itu:RegionalInitiative ; itu:code ?c ; "
                f"itu:cycle <{cycle}> ; dcterms:title ?t }} GROUP BY ?e ORDER BY ?l",
            ),
            "Sustainable Development Goals": _listing(
                site,
                "SELECT ?e ?l WHERE { ?e a itu:SDG ; rdfs:label ?l ; skos:notation ?n } ORDER BY STRLEN(?n) ?n",
            ),
        }
        page = templates.TemplateResponse(
            request, "home.html", {"browse": browse, "queries": site.queries.values()}
        )
        return CachedAnswer(bytes(page.body), "text/html")

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    async def search(request: Request, q: str = "", lang: str | None = None) -> Response:
        rows = []
        if q.strip():
            query = site.queries["search"]
            values = {"phrase": q}
            if lang in ("en", "zh"):
                values["language"] = lang
            answer = oxigraph_query(site.store, query.text, query.bindings(values))
            seen = set()
            for r in answer:
                if str(r["entity"]) in seen:
                    continue
                seen.add(str(r["entity"]))
                rows.append(
                    {
                        "entity": term_view(ox.NamedNode(str(r["entity"]))),
                        "text": str(r["text"]),
                        "type": _short(str(r["type"]), base),
                    }
                )
        return templates.TemplateResponse(request, "search.html", {"q": q, "rows": rows})

    @app.get("/coverage", response_class=HTMLResponse, include_in_schema=False)
    async def coverage(request: Request, by: str = "sdg") -> Response:
        if by not in COVERAGE_KINDS:
            return error_response(request, 400, f"by must be one of {', '.join(COVERAGE_KINDS)}")
        return await site.cache.answer(("coverage", by), lambda: coverage_page(request, by))

    async def coverage_page(request: Request, by: str) -> CachedAnswer:
        matrix = await asyncio.to_thread(coverage_matrix, site.graph_store, by)
        svg = heatmap(matrix, "svg").decode("utf-8")
        svg = svg[svg.index("<svg") :]
        page = templates.TemplateResponse(
            request,
            "coverage.html",
            {"matrix": matrix, "svg": svg, "kinds": COVERAGE_KINDS, "by": by},
        )
        return CachedAnswer(bytes(page.body), "text/html")

    @app.get("/editor", response_class=HTMLResponse, include_in_schema=False)
    async def editor(request: Request) -> Response:
        examples = [
            {
                "name": q.name,
                "title": q.title,
                "text": with_values(q.text, q.bindings({p.name: p.example for p in q.parameters})),
            }
            for q in site.queries.values()
        ]
        return templates.TemplateResponse(request, "editor.html", {"examples": examples})


PREFIXES = """PREFIX itu: <https://w3id.org/itugraph/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def not_acceptable() -> Response:
    """406, listing what a page can be had as."""
    offered = ", ".join(PAGE_TYPES.values())
    return PlainTextResponse(
        f"not acceptable; this page is offered as {offered}\n", status_code=406
    )


def _listing(site: Site, text: str) -> list[dict]:
    return [
        {"href": site.local(s["e"].value), "label": s["l"].value}
        for s in site.store.query(PREFIXES + text)
    ]


def _value(quads: list[ox.Quad], predicate: str) -> str | None:
    for quad in quads:
        if quad.predicate.value == predicate and isinstance(quad.object, ox.Literal):
            return quad.object.value
    return None


def _title(quads: list[ox.Quad]) -> str | None:
    return _value(quads, str(DCTERMS.title))


def _short(iri: str, base: str) -> str:
    for prefix, short in ((f"{base}id/", ""), (f"{base}def#", "itu:")):
        if iri.startswith(prefix):
            return short + iri.removeprefix(prefix)
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
