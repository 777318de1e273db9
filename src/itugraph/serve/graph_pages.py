"""Local pages of the named graphs: ``/graph`` lists them with their sizes, ``/graph/{name}`` is
one graph's page (its document, counts, entities per class) and, asked for Turtle, N-Triples or
JSON-LD (Accept or ``?format=``), the graph's triples to download. The path follows the graphs'
IRI pattern ``https://w3id.org/itugraph/graph/{name}`` (docs/design.md)."""

from __future__ import annotations

import asyncio

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates

from ..namespaces import bind_prefixes
from ..store import quads_to_graph
from .caching import CachedAnswer
from .i18n import ui_for
from .negotiation import GRAPH_TYPES, choose
from .site import Site
from .views import Views, graph_iri

GRAPH_PAGE_TYPES = {"html": "text/html", **GRAPH_TYPES}
SERIALIZERS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}
VARY = {"Vary": "Accept, Cookie"}


def add_graph_pages(
    app: FastAPI, site: Site, templates: Jinja2Templates, views: Views, error_response
) -> None:
    """Register ``/graph`` and ``/graph/{name}``."""

    @app.get("/graph", response_class=HTMLResponse, include_in_schema=False)
    async def graph_list(request: Request) -> Response:
        ui = ui_for(request)

        async def build() -> CachedAnswer:
            context = {"ui": ui, **views.graph_list(ui.lang)}
            page = templates.TemplateResponse(request, "graphs.html", context)
            return CachedAnswer(bytes(page.body), "text/html", {"Vary": "Cookie"})

        return await site.cache.answer(("graphs",), build)

    @app.get(
        "/graph/{name:path}",
        tags=["linked data"],
        summary="A named graph: its page (HTML) or its triples (Turtle, N-Triples, JSON-LD)",
        responses={
            200: {"content": {t: {} for t in GRAPH_PAGE_TYPES.values()}},
            404: {"description": "no such named graph"},
            406: {"description": "no acceptable format"},
        },
    )
    async def graph_page(request: Request, name: str, format: str | None = None) -> Response:
        iri = graph_iri(site, name)
        if iri not in views.graphs:
            return error_response(request, 404, f"No named graph {iri} in the dataset.")
        chosen = choose(request.headers.get("accept"), format, GRAPH_PAGE_TYPES, "html")
        if chosen is None:
            offered = ", ".join(GRAPH_PAGE_TYPES.values())
            return PlainTextResponse(
                f"not acceptable; this page is offered as {offered}\n", status_code=406
            )
        ui = ui_for(request)

        async def build() -> CachedAnswer:
            if chosen != "html":
                data = await asyncio.to_thread(triples, site, iri, chosen)
                return CachedAnswer(data, GRAPH_PAGE_TYPES[chosen], {"Vary": "Accept"})
            context = {"ui": ui, **views.graph(iri, ui.lang)}
            page = templates.TemplateResponse(request, "graph.html", context)
            return CachedAnswer(bytes(page.body), "text/html", VARY)

        return await site.cache.answer(("graph", iri, chosen), build)


def triples(site: Site, iri: str, fmt: str) -> bytes:
    """The triples of one named graph, serialized, with the project's prefixes."""
    quads = site.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
    graph = quads_to_graph(quads)
    bind_prefixes(graph.namespace_manager)
    return graph.serialize(format=SERIALIZERS[fmt], encoding="utf-8")
