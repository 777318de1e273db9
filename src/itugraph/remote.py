"""The graph on someone else's SPARQL server: publish it through the SPARQL 1.1 Graph Store HTTP
Protocol, and run queries there through SPARQLWrapper with the same answers as the embedded store.

``publish`` puts each named graph under its own IRI and the duplicate-free union of them under one
more (``graph/all`` unless told otherwise). ``remote_query`` then asks with that union as the
default graph and the source graphs as the named graphs (the protocol's ``default-graph-uri`` and
``named-graph-uri``), which is the dataset the embedded store answers over.
"""

from __future__ import annotations

import io
import re
import socket
import urllib.error
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph
from rdflib.query import Result, ResultException
from rdflib.term import Node

from .graph import source_files
from .namespaces import GRAPH
from .project import Project
from .query_text import with_values

if TYPE_CHECKING:
    import httpx

    from .store import OxigraphStore

UNION_GRAPH = GRAPH["all"]
# SPARQLWrapper guesses a query's type from its text but keeps every second line of a comment
# block, so a header saying "moved" made it send the query as a MOVE update.
_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)
AUTH_SCHEMES = ("basic", "digest")


class RemoteError(RuntimeError):
    """A SPARQL server refused or failed a request; says which server and why."""


@dataclass(frozen=True)
class Endpoint:
    """A remote SPARQL 1.1 query endpoint and the dataset to ask over."""

    url: str
    default_graphs: tuple[str, ...] = (str(UNION_GRAPH),)
    named_graphs: tuple[str, ...] = ()
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    timeout: int = 60


@dataclass(frozen=True)
class PublishedGraph:
    """One graph put on the server: its IRI, the triples sent and the triples the server holds."""

    iri: str
    sent: int
    stored: int


@dataclass
class PublishReport:
    """What ``publish`` did, graph by graph."""

    store_url: str
    graphs: list[PublishedGraph] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """Whether the server holds exactly the triples sent, in every graph."""
        return all(g.sent == g.stored for g in self.graphs)


def _describe_http_error(url: str, status: int, reason: str, body: str) -> str:
    hint = {
        401: "authentication failed: check --user and --password",
        403: "the server refuses this user write access",
        404: "no such endpoint: check the URL",
        413: "the server refuses a body this large",
    }.get(status, reason)
    return f"{url}: HTTP {status}: {hint}" + (f"\n{body.strip()[:500]}" if body.strip() else "")


def _authenticated_client(
    store_url: str, user: str | None, password: str | None, timeout: float
) -> httpx.Client:
    """A client that answers the server's challenge, Basic or Digest, before any body is sent.

    Virtuoso answers an unauthenticated PUT with 401 and closes the connection mid-upload, so the
    scheme is learnt from a GET first and Digest's challenge is then reused for every request.
    """
    import httpx

    client = httpx.Client(timeout=timeout)
    if user is None:
        return client
    probe = str(httpx.URL(store_url).copy_merge_params({"graph": "urn:x-itugraph:no-such-graph"}))
    challenge = _send(client, "GET", probe).headers.get("WWW-Authenticate", "")
    scheme = httpx.DigestAuth if challenge.lower().startswith("digest") else httpx.BasicAuth
    client.auth = scheme(user, password or "")
    if _send(client, "GET", probe).status_code == 401:
        raise RemoteError(_describe_http_error(store_url, 401, "Unauthorized", ""))
    return client


def _send(client: httpx.Client, method: str, url: str, **options) -> httpx.Response:
    """One request; a failure to connect or an answer of 400 and above becomes a RemoteError,
    except 401 and 404 to a GET (a challenge, an absent graph)."""
    import httpx

    try:
        response = client.request(method, url, **options)
    except httpx.TimeoutException:
        raise RemoteError(f"{url}: no answer within {client.timeout.read} s") from None
    except httpx.TransportError as error:
        raise RemoteError(f"{url}: cannot reach the server: {error}") from None
    if response.status_code >= 400 and not (
        method in ("GET", "HEAD") and response.status_code in (401, 404)
    ):
        raise RemoteError(
            _describe_http_error(url, response.status_code, response.reason_phrase, response.text)
        )
    return response


def graphs_to_publish(
    store: OxigraphStore, union_graph: str = str(UNION_GRAPH)
) -> dict[str, bytes]:
    """The graphs ``publish`` puts on a server, as N-Triples (one statement a line): each named
    graph of the built store, and their union."""
    native = store.store
    graphs = {
        iri: native.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))
        for iri in store.named_graphs()
    }
    graphs[union_graph] = native.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return graphs


def publish(
    store: OxigraphStore,
    store_url: str,
    union_graph: str = str(UNION_GRAPH),
    user: str | None = None,
    password: str | None = None,
    timeout: float = 300,
) -> PublishReport:
    """Put every named graph of the built store and their union on a Graph Store Protocol
    endpoint (HTTP PUT, which replaces a graph's old content), then read each back and count its
    triples."""
    import httpx

    report = PublishReport(store_url)
    client = _authenticated_client(store_url, user, password, timeout)
    try:
        for iri, triples in graphs_to_publish(store, union_graph).items():
            url = str(httpx.URL(store_url).copy_merge_params({"graph": iri}))
            headers = {"Content-Type": "application/n-triples"}
            _send(client, "PUT", url, content=triples, headers=headers)
            answer = _send(client, "GET", url, headers={"Accept": "application/n-triples"})
            if answer.status_code != 200:
                raise RemoteError(
                    f"{url}: the graph just put cannot be read back (HTTP {answer.status_code})"
                )
            stored = parse_answer(
                url, answer.content, answer.headers.get("content-type", "application/n-triples")
            )
            report.graphs.append(PublishedGraph(iri, triples.count(b"\n"), len(stored)))
    finally:
        client.close()
    return report


def endpoint_for(url: str, dataset_graphs: Sequence[str], **options) -> Endpoint:
    """An Endpoint asking over a published itugraph: the union as default graph, the source
    graphs as named graphs."""
    if not re.match(r"^https?://[^\s/]+", url):
        raise RemoteError(f"{url!r} is not an http:// or https:// URL of a SPARQL endpoint")
    union = options.pop("union_graph", None) or str(UNION_GRAPH)
    return Endpoint(url, (union,), tuple(dataset_graphs), **options)


def remote_query(
    endpoint: Endpoint, text: str, bindings: Mapping[str, Node] | None = None
) -> Result:
    """Run SPARQL on a remote endpoint; the answer is an rdflib Result like a local query's."""
    from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint.url)
    client.setQuery(_COMMENT_LINE.sub("", with_values(text, bindings or {})))
    client.setMethod(POST)
    client.setTimeout(endpoint.timeout)
    for graph in endpoint.default_graphs:
        client.addDefaultGraph(graph)
    for graph in endpoint.named_graphs:
        client.addNamedGraph(graph)
    if endpoint.user is not None:
        if endpoint.auth not in AUTH_SCHEMES:
            raise ValueError(f"auth must be one of {', '.join(AUTH_SCHEMES)}")
        client.setHTTPAuth(DIGEST if endpoint.auth == "digest" else BASIC)
        client.setCredentials(endpoint.user, endpoint.password or "")
    is_graph = client.queryType in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if is_graph else JSON)
    try:
        response = client.query().response
        body = response.read()
        content_type = response.headers.get("Content-Type", "")
    except SPARQLWrapperException as error:
        detail = str(error).split("Response:", 1)[-1].strip()
        status = {"Unauthorized": 401, "EndPointNotFound": 404}.get(type(error).__name__)
        if status is not None:
            raise RemoteError(
                _describe_http_error(endpoint.url, status, type(error).__name__, "")
            ) from None
        raise RemoteError(f"{endpoint.url}: {type(error).__name__}: {detail[:800]}") from None
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")
        raise RemoteError(
            _describe_http_error(endpoint.url, error.code, error.reason, body)
        ) from None
    except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, socket.timeout | TimeoutError):
            reason = f"no answer within {endpoint.timeout} s"
        raise RemoteError(f"{endpoint.url}: cannot reach the server: {reason}") from None
    if is_graph:
        result = Result("CONSTRUCT")
        result.graph = parse_answer(endpoint.url, body, content_type)
        return result
    try:
        return Result.parse(io.BytesIO(body), format="json")
    except (ValueError, KeyError, TypeError, ResultException) as error:
        raise RemoteError(
            f"{endpoint.url}: the answer is not SPARQL JSON results: {error}"
        ) from None


def parse_answer(url: str, body: bytes, content_type: str) -> Graph:
    """A server's RDF answer as a graph, or a RemoteError saying it is not the RDF it claims."""
    syntax = _rdf_format(content_type)
    try:
        return Graph().parse(data=body, format=syntax)
    except Exception as error:  # rdflib's parsers raise many types; any means "not RDF"
        first = body[:80].decode("utf-8", "replace").splitlines()[:1]
        raise RemoteError(
            f"{url}: the answer ({content_type or 'no content type'}) is not {syntax} RDF: "
            f"{type(error).__name__}; it begins {first[0] if first else ''!r}"
        ) from None


def _rdf_format(content_type: str) -> str:
    media = content_type.split(";")[0].strip().lower()
    return {
        "application/n-triples": "nt",
        "text/plain": "nt",
        "application/rdf+xml": "xml",
        "application/ld+json": "json-ld",
    }.get(media, "turtle")


def published_graph_iris(project: Project | Path | None = None) -> list[str]:
    """The IRIs of the source graphs ``publish`` puts on a server for this project."""
    return sorted({str(source.graph) for source in source_files(project)})
