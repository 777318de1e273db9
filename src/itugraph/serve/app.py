"""The application factory: ``create_app(graph, settings)`` builds a FastAPI app over one store."""

from __future__ import annotations

import functools
import inspect
import json
import re
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from rdflib import Graph
from starlette.datastructures import URL
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from .. import __version__
from ..namespaces import bind_prefixes
from ..project import Project
from ..queries import PARAMETER_PATTERNS, CannedQuery, QueryError
from ..query_text import with_values
from ..release.changes import PreviousRelease
from .caching import CachedAnswer, ConditionalGet, content_version
from .changes_page import add_changes_pages, changes_since
from .engine import QueryRejected, run
from .i18n import answer_variant, ui_for
from .markup import install as install_markup
from .negotiation import GRAPH_TYPES, RESULT_TYPES, choose, format_pattern
from .pages import add_pages
from .protocol import BodyLimit, DirectGet, HeadAsGet, OpenCORS
from .query_pages import add_query_pages
from .site import HERE, ServerSettings, Site
from .sparql_examples import service_description


def serialize_graph(graph: Graph, fmt: str) -> bytes:
    """A graph in one of GRAPH_TYPES' formats, with the project's prefixes."""
    bind_prefixes(graph.namespace_manager)
    return graph.serialize(
        format={"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt], encoding="utf-8"
    )


def error_response(
    request: Request, status: int, message: str, translated: bool = False, heading: str = ""
) -> Response:
    """The site's error page to a browser, else the message as text. A message is in English
    unless ``translated`` (in the page's language, from the catalogue); the page's heading is
    ``heading``, else the status."""
    if "text/html" in request.headers.get("accept", ""):
        context = {"status": status, "message": message, "translated": translated}
        context |= {"heading": heading, "ui": ui_for(request)}
        return templates.TemplateResponse(request, "error.html", context, status_code=status)
    return PlainTextResponse(message + "\n", status_code=status)


templates = Jinja2Templates(directory=HERE / "templates")
install_markup(templates.env)

#: A ``lang`` field of a query string, its letters as they are or percent-encoded: the only
#: way a query string can choose the language (i18n.language_of).
_LANG_FIELD = re.compile(rb"(?:^|&)(?:l|%6[cC])(?:a|%61)(?:n|%6[eE])(?:g|%67)=")


def request_variant(scope: Scope) -> str | None:
    """i18n.answer_variant, without parsing the query string (a SPARQL query, say) of a request
    that names no language and carries no cookie: that one is the default variant."""
    if not _LANG_FIELD.search(scope.get("query_string", b"")):
        for name, _ in scope["headers"]:
            if name == b"cookie":
                break
        else:
            return None
    return answer_variant(scope)


def endpoint_url(request: Request) -> str:
    """``str(request.url).split("?")[0]``, without making the URL of a long query string: the
    URL made from the request's scheme, server, path and Host header alone is the same up to
    its "?", and is kept for the next request to the same endpoint."""
    scope = request.scope
    host = next((value for name, value in scope["headers"] if name == b"host"), None)
    server = scope.get("server")
    server = None if server is None else tuple(server)
    return _endpoint_url(scope.get("scheme", "http"), server, scope["path"], host)


@functools.lru_cache(maxsize=256)
def _endpoint_url(scheme: str, server: tuple | None, path: str, host: bytes | None) -> str:
    headers = [] if host is None else [(b"host", host)]
    scope = {"scheme": scheme, "server": server, "path": path, "headers": headers}
    return str(URL(scope=scope)).split("?")[0]


#: The ``format`` parameter of /sparql: a result or graph format, by name or media type; the
#: values are documented, and any other is answered 406 like an unacceptable Accept header.
SparqlFormat = Annotated[
    str | None,
    Query(json_schema_extra={"pattern": format_pattern(RESULT_TYPES, GRAPH_TYPES)}),
]


def create_app(
    settings: ServerSettings | None = None,
    project: Project | None = None,
    use_cache: bool = True,
    previous: Path | PreviousRelease | None = None,
) -> FastAPI:
    """Build the web application over the project's graph (the one around the current
    directory unless given); its worker processes stop when the application shuts down.
    ``previous``, a release folder, gives /changes: the changes from it to this graph."""
    settings = settings or ServerSettings()
    site = Site(settings, project, use_cache)
    changes = changes_since(site, previous)
    if changes is not None:  # the answers' version (ETags) takes the previous release in
        site.version = content_version(site.version, [changes.previous.checksums])

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        site.pool.close()

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        title="itugraph",
        version=__version__,
        description="A knowledge graph of the ITU's regional presence: SPARQL endpoint, canned queries and linked data.",
    )
    app.state.site = site
    _document_problems(app)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, method_not_allowed)
    direct: dict[str, Any] = {"/sparql": lambda request, _: sparql_get_directly(request)}
    app.state.direct_gets = direct  # add_pages adds /id/
    app.add_middleware(DirectGet, routes=direct)
    app.add_middleware(
        ConditionalGet,
        version=site.version,
        last_modified=site.last_modified,
        max_age=settings.max_age,
        cache=site.cache,
        variant=request_variant,
    )
    app.add_middleware(OpenCORS, allow_origins=["*"], allow_methods=["GET"], allow_headers=["*"])
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyLimit, max_bytes=max(64 * 1024, 4 * settings.max_query_length))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/docs", include_in_schema=False)
    async def interactive_docs() -> HTMLResponse:
        """Swagger UI over /openapi.json, served from the package (no CDN). Accessible: the
        page's language declared, no link nested in each operation's button (deep linking
        off), and static/docs.css's colours readable (axe-core, tests/test_ui_accessibility.py)."""
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="itugraph API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            swagger_ui_parameters={"deepLinking": False},
        )
        html = bytes(page.body).decode().replace("<html>", '<html lang="en">', 1)
        html = html.replace(
            "</head>", '<link rel="stylesheet" href="/static/docs.css">\n</head>', 1
        )
        return HTMLResponse(html)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        """The site's icon (static/favicon.svg drawn at 16, 32 and 48 pixels)."""
        return FileResponse(HERE / "static" / "favicon.ico", media_type="image/x-icon")

    templates.env.globals["local"] = site.local

    async def answer_sparql(request: Request, text: str | None, fmt: str | None) -> Response:
        accept = request.headers.get("accept")
        vary = {"Vary": "Accept"}
        if not text:
            endpoint = endpoint_url(request)
            chosen = choose(accept, fmt, GRAPH_TYPES, "turtle")
            if chosen is None and fmt:
                offered = ", ".join(GRAPH_TYPES.values())
                message = f"the service description is offered as {offered}; not as {fmt!r}\n"
                return PlainTextResponse(message, status_code=406)
            chosen = chosen or "turtle"

            async def describe() -> CachedAnswer:
                graph = service_description(
                    site.graph_store, site.triples, settings.public_base, endpoint
                )
                return CachedAnswer(serialize_graph(graph, chosen), GRAPH_TYPES[chosen], vary)

            return await site.cache.answer(("description", endpoint, chosen), describe)

        formats = (
            choose(accept, fmt, RESULT_TYPES, "json"),
            choose(accept, fmt, GRAPH_TYPES, "turtle"),
        )

        async def evaluate() -> CachedAnswer | Response:
            try:
                base = endpoint_url(request)
                answer = await run(site.pool, text, settings.limits, *formats, base_iri=base)
            except QueryRejected as rejected:
                message = rejected.message
                if rejected.status == 406:
                    offered = [*RESULT_TYPES.values(), *GRAPH_TYPES.values()]
                    message = (
                        f"cannot answer in the requested format; offered: {', '.join(offered)}"
                    )
                return PlainTextResponse(message + "\n", status_code=rejected.status)
            offered = GRAPH_TYPES if answer.form == "CONSTRUCT" else RESULT_TYPES
            headers = dict(vary)
            if answer.truncated:
                headers["X-Result-Truncated"] = "true"
            return CachedAnswer(answer.body, offered[answer.format], headers)

        return await site.cache.answer(("sparql", text, formats), evaluate)

    text = {"content": {"text/plain": {"schema": {"type": "string"}}}}
    protocol_responses = {
        200: {
            "description": "results (JSON, XML, CSV, TSV) or a graph (Turtle, N-Triples, JSON-LD)",
            "content": {t: {} for t in [*RESULT_TYPES.values(), *GRAPH_TYPES.values()]},
        },
        400: {"description": "malformed query", **text},
        403: {"description": "update refused: the endpoint is read-only", **text},
        406: {"description": "no acceptable result format", **text},
        413: {"description": "query too long", **text},
        415: {"description": "unsupported request body", **text},
        503: {"description": "query timed out", **text},
    }

    @app.get(
        "/sparql",
        tags=["SPARQL"],
        summary="SPARQL 1.1 query (GET); without a query, the service description",
        responses=protocol_responses,
    )
    async def sparql_get(
        request: Request, query: str | None = None, format: SparqlFormat = None
    ) -> Response:
        if "update" in request.query_params:
            return PlainTextResponse(
                "an update is never sent with GET, and this endpoint is read-only\n",
                status_code=400,
            )
        if len(request.query_params.getlist("query")) > 1:
            return PlainTextResponse("give one query parameter, not several\n", status_code=400)
        return await answer_sparql(request, query, format)

    async def sparql_get_directly(request: Request) -> Response:
        """sparql_get without FastAPI's parameter machinery (protocol.DirectGet): its two
        parameters are optional strings, which FastAPI takes as the last value given, or None."""
        parameters = request.query_params
        return await sparql_get(request, parameters.get("query"), parameters.get("format"))

    @app.post(
        "/sparql",
        tags=["SPARQL"],
        summary="SPARQL 1.1 query (POST form or application/sparql-query)",
        responses=protocol_responses,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "query": {"type": "string", "minLength": 1},
                                "format": {
                                    "type": "string",
                                    "pattern": format_pattern(RESULT_TYPES, GRAPH_TYPES),
                                },
                            },
                            "required": ["query"],
                        }
                    },
                    "application/sparql-query": {"schema": {"type": "string", "minLength": 1}},
                },
            }
        },
    )
    async def sparql_post(request: Request, format: SparqlFormat = None) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            return PlainTextResponse(
                "this endpoint is read-only: SPARQL Update is not accepted\n", status_code=403
            )
        body = await request.body()
        try:
            if content_type == "application/sparql-query":
                text = body.decode("utf-8")
            elif content_type == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("ascii"), encoding="utf-8", errors="strict")
                if "update" in form:
                    return PlainTextResponse(
                        "this endpoint is read-only: SPARQL Update is not accepted\n",
                        status_code=403,
                    )
                if len(form.get("query", [])) > 1:
                    return PlainTextResponse(
                        "give one query parameter, not several\n", status_code=400
                    )
                text = form.get("query", [""])[0]
                format = format or form.get("format", [None])[0]
            else:
                return PlainTextResponse(
                    "POST a form (query=…) or an application/sparql-query body\n",
                    status_code=415,
                )
        except UnicodeDecodeError:
            return PlainTextResponse("the request body is not UTF-8\n", status_code=400)
        if not text:
            return PlainTextResponse("missing query\n", status_code=400)
        return await answer_sparql(request, text, format)

    @app.get(
        "/api/queries",
        tags=["canned queries"],
        summary="The canned queries with their questions and parameters",
    )
    async def list_queries() -> list[dict[str, Any]]:
        return [
            {
                "name": q.name,
                "title": q.title,
                "question": q.question,
                "parameters": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "required": p.required,
                        "default": p.default,
                        "example": p.example,
                        "description": p.description,
                        "choices": [name for name, _ in p.choices] or None,
                    }
                    for p in q.parameters
                ],
                "url": f"/api/queries/{q.name}",
            }
            for q in site.queries.values()
        ]

    for canned in site.queries.values():
        app.add_api_route(
            f"/api/queries/{canned.name}",
            _canned_endpoint(site, canned),
            methods=["GET"],
            tags=["canned queries"],
            summary=canned.title,
            description=canned.question,
            name=f"query_{canned.name.replace('-', '_')}",
            response_model=None,
            responses={
                200: {"content": {"application/json": {}, "text/csv": {}}},
                400: {"description": "bad or unknown parameter", "content": PROBLEM},
                503: {"description": "query timed out or over the memory cap", "content": PROBLEM},
            },
        )

    add_pages(app, site, templates, error_response)
    add_query_pages(app, site, templates, error_response)
    add_changes_pages(app, site, templates, error_response, changes)
    return app


#: The media type of every error of the JSON API (RFC 9457).
PROBLEM = {"application/problem+json": {}}


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem document",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"parameter": {"type": "string"}, "message": {"type": "string"}},
            },
        },
        "parameters": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["type", "title", "status", "detail"],
}


def _document_problems(app: FastAPI) -> None:
    """FastAPI documents a 422 with its own error shape for every operation with parameters;
    this server answers a bad parameter 400 with a problem document: the OpenAPI says so."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if responses.pop("422", None) is None:
                    continue
                bad = responses.setdefault("400", {"description": "Bad Request"})
                bad.setdefault("content", {})["application/problem+json"] = {
                    "schema": {"$ref": "#/components/schemas/Problem"}
                }
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas["Problem"] = PROBLEM_SCHEMA
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


def problem(status: int, detail: str, **extra: Any) -> JSONResponse:
    """An RFC 9457 problem document: the one shape of the JSON API's errors."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    return JSONResponse(
        {**body, "detail": detail, **extra},
        status_code=status,
        media_type="application/problem+json",
    )


async def method_not_allowed(request: Request, error: StarletteHTTPException) -> Response:
    """A 405 whose Allow header lists every method any route of the path answers (FastAPI's
    names only the first route's), as OpenAPI documents them; other HTTP errors as the site's
    error page to a browser, unchanged otherwise."""
    if error.status_code != 405:
        if "text/html" in request.headers.get("accept", ""):
            if error.status_code == 404:
                ui = ui_for(request)
                return error_response(
                    request, 404, ui("error_no_page"), True, ui("error_not_found")
                )
            return error_response(request, error.status_code, str(error.detail))
        return await http_exception_handler(request, error)
    methods = set()
    for route in request.app.router.routes:
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(request.url.path):
            methods |= set(getattr(route, "methods", None) or ())
    allowed = ", ".join(sorted(methods - {"HEAD"}))
    response = problem(405, f"{request.method} is not allowed here; allowed: {allowed}")
    response.headers["Allow"] = allowed
    return response


async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    """A parameter FastAPI could not validate: a 400 problem naming each parameter."""
    errors = [
        {"parameter": ".".join(str(part) for part in e["loc"][1:]), "message": e["msg"]}
        for e in error.errors()
    ]
    detail = "; ".join(f"parameter {e['parameter']!r}: {e['message']}" for e in errors)
    return problem(400, detail, errors=errors)


def _canned_endpoint(site: Site, canned: CannedQuery):
    """An endpoint whose query parameters are the canned query's, so OpenAPI documents them."""

    async def endpoint(request: Request, **values: Any) -> Response:
        limit = values.pop("limit")
        offset = values.pop("offset")
        fmt = values.pop("format")
        params = {k.removesuffix("_"): v for k, v in values.items() if v is not None}
        known = sorted({p.name for p in canned.parameters} | {"limit", "offset", "format"})
        unknown = sorted(set(request.query_params) - set(known))
        if unknown:
            return problem(
                400,
                f"query {canned.name!r} has no parameter {unknown[0]!r}; "
                f"its parameters: {', '.join(known)}",
                parameters=known,
            )
        try:
            bindings = canned.bindings(params, site.regions)
        except QueryError as error:
            return problem(400, str(error))

        async def evaluate() -> CachedAnswer | Response:
            text = with_values(canned.text, bindings)
            try:
                answer = await run(
                    site.pool, text, site.settings.limits, fmt, None, offset, max_rows=limit
                )
            except QueryRejected as rejected:
                return problem(rejected.status, rejected.message)
            headers = {"X-Result-Truncated": "true"} if answer.truncated else {}
            if fmt == "csv":
                return CachedAnswer(answer.body, "text/csv", headers)
            results = json.loads(answer.body)
            content = {
                "query": canned.name,
                "variables": results["head"]["vars"],
                "offset": offset,
                "rows": results["results"]["bindings"],
                "truncated": answer.truncated,
            }
            return CachedAnswer(JSONResponse(content).body, "application/json", headers)

        values_key = tuple(sorted((name, term.n3()) for name, term in bindings.items()))
        key = ("query", canned.name, values_key, limit, offset, fmt)
        return await site.cache.answer(key, evaluate)

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    ]
    for p in canned.parameters:
        description = p.description + (
            f" (one of: {', '.join(n for n, _ in p.choices)})" if p.choices else ""
        )
        pattern = {
            "region": "^(" + "|".join(site.regions) + ")$",
            "choice": "^(" + "|".join(name for name, _ in p.choices) + ")$",
        }.get(p.type, PARAMETER_PATTERNS.get(p.type))
        required = p.required and p.default is None
        annotation = Annotated[
            str if required else str | None,
            Query(
                alias=p.name,
                description=description,
                examples=[p.example] if p.example else None,
                pattern=pattern,
            ),
        ]
        default = inspect.Parameter.empty if required else p.default
        parameters.append(
            inspect.Parameter(
                f"{p.name}_", inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
            )
        )
    parameters += [
        inspect.Parameter(
            "limit",
            inspect.Parameter.KEYWORD_ONLY,
            default=100,
            annotation=Annotated[int, Query(ge=1, le=10_000)],
        ),
        inspect.Parameter(
            "offset",
            inspect.Parameter.KEYWORD_ONLY,
            default=0,
            annotation=Annotated[int, Query(ge=0)],
        ),
        inspect.Parameter(
            "format",
            inspect.Parameter.KEYWORD_ONLY,
            default="json",
            annotation=Annotated[str, Query(pattern="^(json|csv)$")],
        ),
    ]
    endpoint.__signature__ = inspect.Signature(parameters)
    return endpoint
