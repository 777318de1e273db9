"""Linked-data pages (``/id/…``, ``/def``) with content negotiation, and the browser UI."""

from __future__ import annotations

import asyncio
from typing import Annotated

import pyoxigraph as ox
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates

from ..namespaces import ITU, RDF, RDFS
from ..store import quads_to_graph
from .caching import CachedAnswer
from .coverage_page import add_coverage_pages
from .editor import editor_context
from .graph_pages import add_graph_pages
from .i18n import add_language_switch, ui_for
from .negotiation import GRAPH_TYPES, choose, format_pattern
from .site import Site
from .source_pages import add_source_pages
from .versions_page import add_versions_pages
from .views import Views

PAGE_TYPES = {"html": "text/html", **GRAPH_TYPES}

#: The ``format`` parameter of a page: documented values; any other is answered 406.
PageFormat = Annotated[str | None, Query(json_schema_extra={"pattern": format_pattern(PAGE_TYPES)})]
SERIALIZERS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}
VARY = {"Vary": "Accept"}
#: HTML pages depend on the interface language too (i18n.py), which a cookie may choose.
HTML_VARY = {"Vary": "Accept, Cookie"}


def add_pages(app: FastAPI, site: Site, templates: Jinja2Templates, error_response) -> None:
    """Register the linked-data and UI routes."""
    base = site.settings.public_base
    views = Views(site)
    templates.env.globals["ui_for"] = ui_for
    page_responses = {
        200: {"content": {t: {} for t in PAGE_TYPES.values()}},
        404: {"description": "no such entity"},
        406: {"description": "no acceptable format"},
    }

    def term_view(term: ox.NamedNode | ox.Literal | ox.BlankNode, lang: str = "en") -> dict:
        return views.namer(lang).value(term)

    async def entity_response(request: Request, iri: str, fmt: str | None) -> Response:
        chosen = choose(request.headers.get("accept"), fmt, PAGE_TYPES, "html")

        async def build() -> CachedAnswer | Response:
            try:
                node = ox.NamedNode(iri)
            except ValueError:
                return error_response(request, 404, f"{iri!r} is not an IRI of the graph.")
            outgoing = site.quads(subject=node)
            incoming = None if outgoing else site.quads(obj=node)  # looked up when needed
            if not outgoing and not incoming:
                return error_response(request, 404, f"No entity {iri} in the graph.")
            if chosen is None:
                return not_acceptable()
            if chosen != "html":
                data = site.describe(iri).serialize(format=SERIALIZERS[chosen], encoding="utf-8")
                return CachedAnswer(data, PAGE_TYPES[chosen], VARY)
            body = render_entity(request, iri, outgoing, incoming).body
            return CachedAnswer(bytes(body), "text/html", HTML_VARY)

        if chosen is None:
            return await build()
        return await site.cache.answer(("entity", iri, chosen), build)

    def render_entity(
        request: Request, iri: str, outgoing: list[ox.Quad], incoming: list[ox.Quad] | None
    ):
        ui = ui_for(request)
        if incoming is None:
            incoming = site.quads(obj=ox.NamedNode(iri))
        context = entity_view(iri, ui.lang, outgoing, incoming)
        return templates.TemplateResponse(request, "entity.html", {"ui": ui, **context})

    def entity_view(iri: str, lang: str, outgoing: list[ox.Quad], incoming: list[ox.Quad]) -> dict:
        """What an entity page shows in one language."""
        context = views.entity(iri, lang, outgoing, incoming)
        namer = views.namer(lang)
        context["results_class"] = namer.term(str(ITU.ExpectedResult))
        context["texts_heading"] = {
            key: namer.term(term)
            for key, term in (
                ("class", str(ITU.InitiativeText)),
                ("status", str(ITU.status)),
                ("objective", str(ITU.objective)),
            )
        }
        return context

    @app.get(
        "/id/{path:path}",
        tags=["linked data"],
        summary="An entity as HTML, Turtle, N-Triples or JSON-LD",
        responses=page_responses,
    )
    async def entity(request: Request, path: str, format: PageFormat = None) -> Response:
        return await entity_response(request, f"{base}id/{path}", format)

    async def entity_directly(request: Request, path: str) -> Response:
        """entity without FastAPI's parameter resolution (protocol.DirectGet): ``path`` is the
        rest of the path, ``format`` an optional string (the last one given), as FastAPI has
        them."""
        return await entity(request, path, request.query_params.get("format"))

    if hasattr(app.state, "direct_gets"):
        app.state.direct_gets["/id/"] = entity_directly

    @app.get(
        "/def",
        tags=["linked data"],
        summary="The ontology as HTML, Turtle, N-Triples or JSON-LD",
        responses=page_responses,
    )
    async def ontology(request: Request, format: PageFormat = None) -> Response:
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
                    "term": term_view(ox.NamedNode(t), ui_for(request).lang),
                    "comment": _value(site.quads(subject=ox.NamedNode(t)), str(RDFS.comment)),
                }
                for t in terms
            ]
            page = templates.TemplateResponse(request, "ontology.html", {"terms": rows})
            return CachedAnswer(bytes(page.body), "text/html", HTML_VARY)

        return await site.cache.answer(("def", chosen), build)

    @app.get(
        "/def/{term}",
        tags=["linked data"],
        summary="One class or property of the ontology",
        responses=page_responses,
    )
    async def ontology_term(request: Request, term: str, format: PageFormat = None) -> Response:
        return await entity_response(request, f"{base}def#{term}", format)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request) -> Response:
        return await site.cache.answer(("home",), lambda: home_page(request))

    async def home_page(request: Request) -> CachedAnswer:
        ui = ui_for(request)
        context = await asyncio.to_thread(views.home, ui.lang)
        context["resolution_class"] = views.namer(ui.lang).term(str(ITU.Resolution))
        page = templates.TemplateResponse(request, "home.html", {"ui": ui, **context})
        return CachedAnswer(bytes(page.body), "text/html", {"Vary": "Cookie"})

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    async def search(request: Request, q: str = "", match: str | None = None) -> Response:
        """Search names, titles and texts; ``match`` (en, zh) keeps only text in that language
        (the page's own language is ``lang``, as on every page)."""
        ui = ui_for(request)
        rows = views.search(q, ui.lang, match) if q.strip() else []
        context = {"ui": ui, "q": q, "rows": rows}
        return templates.TemplateResponse(request, "search.html", context)

    add_coverage_pages(app, site, templates, error_response)
    add_graph_pages(app, site, templates, views, error_response)
    add_source_pages(app, site, templates, views, error_response)
    add_versions_pages(app, site, templates, error_response)
    add_language_switch(app)

    @app.get("/editor", response_class=HTMLResponse, include_in_schema=False)
    async def editor(request: Request) -> Response:
        context = {"ui": ui_for(request), **editor_context(site)}
        return templates.TemplateResponse(request, "editor.html", context)


def not_acceptable() -> Response:
    """406, listing what a page can be had as."""
    offered = ", ".join(PAGE_TYPES.values())
    return PlainTextResponse(
        f"not acceptable; this page is offered as {offered}\n", status_code=406
    )


def _value(quads: list[ox.Quad], predicate: str) -> str | None:
    for quad in quads:
        if quad.predicate.value == predicate and isinstance(quad.object, ox.Literal):
            return quad.object.value
    return None
