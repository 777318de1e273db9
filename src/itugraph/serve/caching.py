"""HTTP caching for a read-only graph: a content-derived version, validators on GET answers
(ETag, Last-Modified, 304 Not Modified, Cache-Control) and a bounded LRU of rendered answers,
which repeated GETs are served from before they reach the router."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.utils import formatdate, mktime_tz, parsedate_tz

from cachetools import LRUCache
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ANSWER_KEY = "itugraph.answer"
LONGEST_INDEXED_REQUEST = 2048

#: What the answer to the request being handled depends on besides its request line and Accept
#: header (the interface language), as ConditionalGet found it; None for the default variant and
#: outside a request. AnswerCache.answer keys on it, so no route has to remember to.
ANSWER_VARIANT: ContextVar[Hashable | None] = ContextVar("itugraph_answer_variant", default=None)


def content_version(key: str, extra: Iterable[bytes] = ()) -> str:
    """SHA-256 over the served store's content key (a hash of every input file, see
    itugraph.cache.input_key) and some extra bytes (the code that renders the answers): the same
    across restarts serving the same content, different as soon as one input byte differs."""
    digest = hashlib.sha256(key.encode())
    for chunk in extra:
        digest.update(hashlib.sha256(chunk).digest())
    return digest.hexdigest()


def http_date(timestamp: float) -> str:
    """A timestamp as an HTTP date (IMF-fixdate), to the second."""
    return formatdate(int(timestamp), usegmt=True)


@dataclass(frozen=True)
class CachedAnswer:
    """A rendered answer: body, media type and extra headers."""

    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


class AnswerResponse(Response):
    """A response made from an answer of the cache, telling the middleware which one it is."""

    def __init__(self, key: Hashable, answer: CachedAnswer) -> None:
        super().__init__(answer.body, media_type=answer.media_type, headers=answer.headers)
        self.key = key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = {"type": "http.response.start", "status": self.status_code}
        await send({**start, "headers": self.raw_headers, ANSWER_KEY: self.key})
        await send({"type": "http.response.body", "body": self.body})


class _LeastRecentlyUsed(LRUCache):
    """cachetools' LRU bounded in bytes of body, with a bound in entries too, counting evictions."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        super().__init__(maxsize=max_bytes, getsizeof=lambda answer: len(answer.body))
        self.max_entries = max_entries
        self.evictions = 0

    def popitem(self):
        self.evictions += 1
        return super().popitem()

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        while len(self) > self.max_entries:
            self.popitem()


class AnswerCache:
    """A least-recently-used cache of answers, bounded in entries and in bytes of body."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.entries = _LeastRecentlyUsed(max_entries, max_bytes)
        self.hits = 0
        self.misses = 0

    @property
    def size(self) -> int:
        """Bytes of body held."""
        return int(self.entries.currsize)

    @property
    def evictions(self) -> int:
        return self.entries.evictions

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self.entries

    def get(self, key: Hashable) -> CachedAnswer | None:
        """The answer stored under key (now the most recently used), or None."""
        answer = self.entries.get(key)
        if answer is None:
            self.misses += 1
            return None
        self.hits += 1
        return answer

    def put(self, key: Hashable, answer: CachedAnswer) -> None:
        """Store an answer, evicting the least recently used ones beyond the bounds.

        An answer larger than a sixteenth of the byte bound is not stored, so that one large
        answer cannot flush the cache.
        """
        if self.max_entries <= 0 or len(answer.body) * 16 > self.max_bytes:
            return
        self.entries[key] = answer

    async def answer(
        self, key: Hashable, build: Callable[[], Awaitable[CachedAnswer | Response]]
    ) -> Response:
        """The cached answer for key, or build's: a CachedAnswer, which is stored, or an error
        response, which is not. The key is taken with the request's variant (ANSWER_VARIANT),
        when it is not the default one."""
        variant = ANSWER_VARIANT.get()
        if variant is not None:
            key = (key, variant)
        cached = self.get(key)
        if cached is not None:
            return AnswerResponse(key, cached)
        built = await build()
        if isinstance(built, CachedAnswer):
            self.put(key, built)
            return AnswerResponse(key, built)
        return built

    def clear(self) -> None:
        """Forget every answer and reset the statistics."""
        self.entries = _LeastRecentlyUsed(self.max_entries, self.max_bytes)
        self.hits = self.misses = 0


def header(raw: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The first value of a header (``name`` in lower case) in a raw list, as Headers.get."""
    for key, value in raw:
        if key == name:
            return value.decode("latin-1")
    return None


def set_header(raw: list[tuple[bytes, bytes]], name: bytes, value: str) -> None:
    """MutableHeaders.__setitem__ on a raw list (``name`` in lower case): the first entry of that
    name takes the value and the others go, else the header is added at the end."""
    found = [index for index, (key, _) in enumerate(raw) if key == name]
    for index in reversed(found[1:]):
        del raw[index]
    if found:
        raw[found[0]] = (name, value.encode("latin-1"))
    else:
        raw.append((name, value.encode("latin-1")))


def _etags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",")]


def _parse_date(value: str) -> float | None:
    """An HTTP date as a timestamp, or None for one that does not parse (which HTTP says to
    ignore): a year 10000 or a bad day makes Python's parser raise, not return None."""
    try:
        parsed = parsedate_tz(value)
        return None if parsed is None else mktime_tz(parsed)
    except (ValueError, OverflowError, TypeError, IndexError):
        return None


class ConditionalGet:
    """ASGI middleware: validators and freshness on successful GET answers, 304 for a client
    that already holds the answer, and ``Cache-Control: no-store`` on every error.

    The ETag is strong: a hash of the graph version, the path, the query string and the media
    type of the answer. Answers that bring their own ETag (static files) keep it.

    A GET answered from the answer cache is remembered by its request (scheme, Host, path,
    query string, Accept and the variant: all an answer depends on); the same request again is
    answered from the cache here, without routing, as long as the cache still holds the answer.

    ``variant`` (optional) finds what else answers depend on in a request (the interface
    language, from a cookie): it is part of that index and of the answer cache's keys
    (ANSWER_VARIANT), and HTML answers, which depend on it, get it in their ETag and
    ``Vary: {vary}``.
    """

    def __init__(
        self,
        app: ASGIApp,
        version: str,
        last_modified: float,
        max_age: int,
        cache: AnswerCache | None = None,
        variant: Callable[[Scope], Hashable | None] | None = None,
        vary: str = "Cookie",
    ) -> None:
        self.app = app
        self.variant = variant
        self.vary = vary
        self.version = version
        self.last_modified_header = http_date(last_modified)
        self.cache_control = f"public, max-age={max_age}"
        self.cache = cache
        self.requests: OrderedDict[tuple, tuple[Hashable, list[tuple[bytes, bytes]]]] = (
            OrderedDict()
        )

    def etag(self, scope: Scope, media_type: str, variant: Hashable | None = None) -> str:
        """The strong entity tag of one representation."""
        path = scope.get("raw_path") or scope["path"].encode()
        parts = [self.version.encode(), path, scope.get("query_string", b""), media_type.encode()]
        if variant is not None:
            parts.append(repr(variant).encode())
        digest = hashlib.sha256(b"\0".join(parts)).hexdigest()
        return f'"{self.version[:16]}-{digest[:24]}"'

    def not_modified(self, request: Headers, etag: str, last_modified: str | None) -> bool:
        """Whether the client's validators match (If-None-Match first, else If-Modified-Since)."""
        if_none_match = request.get("if-none-match")
        if if_none_match is not None:
            return if_none_match.strip() == "*" or etag.removeprefix("W/") in _etags(if_none_match)
        since = request.get("if-modified-since")
        if since is None or last_modified is None:
            return False
        since_time, modified = _parse_date(since), _parse_date(last_modified)
        return since_time is not None and modified is not None and modified <= since_time

    def signature(
        self, scope: Scope, request: Headers, variant: Hashable | None = None
    ) -> tuple | None:
        """What identifies a GET for the cache here, or None for a request it does not index."""
        if scope["method"] != "GET" or self.cache is None or self.cache.max_entries <= 0:
            return None
        path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        if len(path) + len(query) > LONGEST_INDEXED_REQUEST:
            return None
        return (
            scope.get("scheme"),
            request.get("host"),
            path,
            query,
            request.get("accept"),
            variant,
        )

    def remember(self, signature: tuple, key: Hashable, headers: list[tuple[bytes, bytes]]) -> None:
        """Note which cached answer, sent with which headers, a request was given."""
        self.requests[signature] = (key, headers)
        self.requests.move_to_end(signature)
        while len(self.requests) > self.cache.max_entries:
            self.requests.popitem(last=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope)
        variant = self.variant(scope) if self.variant else None
        ANSWER_VARIANT.set(variant)
        signature = self.signature(scope, request, variant)
        if signature is not None and signature in self.requests:
            key, headers = self.requests[signature]
            answer = self.cache.get(key)
            if answer is not None:
                await self.send_stored(request, headers, answer.body, send)
                return
            del self.requests[signature]
        cacheable = scope["method"] in ("GET", "HEAD")
        dropping = False

        async def send_with_validators(message: Message) -> None:
            # The headers are edited in their raw list (what MutableHeaders would do, cheaper).
            nonlocal dropping
            if message["type"] != "http.response.start":
                if not (dropping and message["type"] == "http.response.body"):
                    await send(message)
                return
            key = message.pop(ANSWER_KEY, None)
            status = message["status"]
            raw = message["headers"] = list(message["headers"])
            if status >= 400:
                set_header(raw, b"cache-control", "no-store")
                raw[:] = [(n, v) for n, v in raw if n not in (b"etag", b"last-modified")]
            elif cacheable and status in (200, 304):
                media_type = header(raw, b"content-type") or ""
                varies = self.variant is not None and media_type.startswith("text/html")
                vary = header(raw, b"vary") or ""
                if varies and self.vary.lower() not in vary.lower():
                    set_header(raw, b"vary", f"{vary}, {self.vary}" if vary else self.vary)
                etag = header(raw, b"etag")
                if etag is None:
                    etag = self.etag(scope, media_type, variant if varies else None)
                    raw.append((b"etag", etag.encode("latin-1")))
                    set_header(raw, b"last-modified", self.last_modified_header)
                if header(raw, b"cache-control") is None:
                    raw.append((b"cache-control", self.cache_control.encode("latin-1")))
                if status == 200 and key is not None and signature is not None:
                    self.remember(signature, key, list(raw))
                if status == 200 and self.not_modified(
                    request, etag, header(raw, b"last-modified")
                ):
                    dropping = True
                    await send(_not_modified(message, raw))
                    await send({"type": "http.response.body", "body": b""})
                    return
            await send(message)

        await self.app(scope, receive, send_with_validators)

    async def send_stored(
        self, request: Headers, headers: list[tuple[bytes, bytes]], body: bytes, send: Send
    ) -> None:
        """Answer from the cache: the stored headers and body, or 304 when the client has it."""
        stored = Headers(raw=headers)
        start = {"type": "http.response.start", "status": 200, "headers": list(headers)}
        if self.not_modified(request, stored["etag"], stored.get("last-modified")):
            await send(_not_modified(start, headers))
            body = b""
        else:
            await send(start)
        await send({"type": "http.response.body", "body": body})


def _not_modified(start: Message, headers: list[tuple[bytes, bytes]]) -> Message:
    """A 304 start message: the 200's headers without those that describe a body."""
    kept = [(n, v) for n, v in headers if n not in (b"content-length", b"content-type")]
    return {**start, "status": 304, "headers": kept}
