"""Run queries on the server's store with a timeout, a result cap and a length limit."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.query import Result
from rdflib.term import Node
from starlette.concurrency import run_in_threadpool

from ..store import oxigraph_query

UPDATE_KEYWORDS = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


class QueryRejected(Exception):
    """A query the server will not run; carries the HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Limits:
    timeout: float = 10.0
    max_rows: int = 10_000
    max_query_length: int = 20_000


async def run(
    store: ox.Store, text: str, limits: Limits, bindings: Mapping[str, Node] | None = None
) -> Result:
    """Run a query in a worker thread; 413 if too long, 403 for updates, 400 if malformed, 503 on timeout.

    A timed-out query cannot be interrupted inside the engine; it finishes in its thread while
    the server goes on answering other requests.
    """
    if len(text) > limits.max_query_length:
        raise QueryRejected(
            413, f"query of {len(text)} characters exceeds the limit of {limits.max_query_length}"
        )
    if UPDATE_KEYWORDS.match(text):
        raise QueryRejected(403, "this endpoint is read-only: SPARQL Update is not accepted")
    try:
        result = await asyncio.wait_for(
            run_in_threadpool(oxigraph_query, store, text, bindings), timeout=limits.timeout
        )
    except TimeoutError:
        raise QueryRejected(
            503, f"query did not finish within {limits.timeout:g} s; simplify it or add a LIMIT"
        ) from None
    except ValueError as error:
        raise QueryRejected(400, str(error)) from None
    if result.type == "SELECT" and len(result.bindings) > limits.max_rows:
        result.bindings = result.bindings[: limits.max_rows]
        result.truncated = True
    return result
