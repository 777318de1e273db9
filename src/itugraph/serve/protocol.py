"""HTTP details the framework leaves to the application: HEAD answered for every GET route,
request bodies bounded while they are read, and the short way to GET /sparql."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette._utils import get_route_path
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .caching import set_header


class HeadAsGet:
    """ASGI middleware: a HEAD request is answered as the GET of the same URL, without the body
    (status, Content-Type, Content-Length and validators as the GET's)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class OpenCORS(CORSMiddleware):
    """Starlette's CORSMiddleware for any origin without credentials (``allow_origins=["*"]``),
    with the headers of a simple (not preflight) answer edited in their raw list: the same
    headers as Starlette's (``Access-Control-Allow-Origin: *`` when the request has an Origin,
    ``Origin`` added to Vary always), at a third of the cost."""

    def __init__(self, app: ASGIApp, **options) -> None:
        super().__init__(app, **options)
        assert self.allow_all_origins and not self.allow_credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = preflight = None
        for name, value in scope["headers"]:
            if name == b"origin" and origin is None:
                origin = value
            elif name == b"access-control-request-method":
                preflight = True
        if origin is not None and preflight and scope["method"] == "OPTIONS":
            response = self.preflight_response(request_headers=Headers(scope=scope))
            await response(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = message["headers"] = list(message.get("headers", []))
                if origin is not None:
                    for key, value in self.simple_headers.items():
                        set_header(raw, key.lower().encode("latin-1"), value)
                varies = [value.decode("latin-1") for name, value in raw if name == b"vary"]
                set_header(raw, b"vary", ", ".join([*varies, "Origin"]))
            await send(message)

        await self.app(scope, receive, send_with_cors)


class BodyLimit:
    """ASGI middleware: a request body larger than ``max_bytes`` gets a 413 at once: by its
    Content-Length before anything is read, else as soon as the bytes read pass the bound. A body
    within the bound is read here and handed on whole."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = PlainTextResponse(
            f"request body larger than {self.max_bytes} bytes\n",
            status_code=413,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


class DirectGet:
    """ASGI middleware, the innermost: a GET of one of ``routes`` goes straight to its endpoint,
    past FastAPI's routing and parameter resolution, which cost as much as the rest of a
    request to /sparql together. ``routes`` maps a path (exact) or a path ending in "/" (every
    path under it) to an endpoint taking the request and the rest of the path after that
    prefix ("" for an exact path); it may be filled in after the middleware is added. The
    routes stay declared (for the OpenAPI document, and for every other method); an endpoint
    gives the answer its route gives."""

    def __init__(
        self, app: ASGIApp, routes: dict[str, Callable[[Request, str], Awaitable[Response]]]
    ) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path = get_route_path(scope)
            endpoint, rest = self.routes.get(path), ""
            if endpoint is None:
                prefix = path[: path.find("/", 1) + 1]
                if prefix and (endpoint := self.routes.get(prefix)) is not None:
                    rest = path[len(prefix) :]
            if endpoint is not None:
                response = await endpoint(Request(scope, receive, send), rest)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
