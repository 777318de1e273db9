"""Run the server's queries in worker processes: a length limit, read-only, a timeout, a memory
cap and a row cap, each refusal with its HTTP status (see itugraph.workers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..workers import Answer, QueryFailed, QueryPool, Request

UPDATE_KEYWORDS = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)

#: The HTTP status and message of a refused query.
QueryRejected = QueryFailed


@dataclass
class Limits:
    timeout: float = 10.0
    max_rows: int = 10_000
    max_query_length: int = 20_000
    allowed_services: tuple[str, ...] = ()


async def run(
    pool: QueryPool,
    text: str,
    limits: Limits,
    result_format: str | None = "json",
    graph_format: str | None = "turtle",
    offset: int = 0,
    max_rows: int | None = None,
    base_iri: str | None = None,
) -> Answer:
    """Answer a query in a worker process, off the event loop; 413 if too long, 403 for updates,
    400 if malformed or if it crashed the engine (the worker is replaced; the server goes on),
    406 if no format fits, 503 on timeout, over the memory cap or with every worker busy."""
    if len(text) > limits.max_query_length:
        raise QueryFailed(
            413, f"query of {len(text)} characters exceeds the limit of {limits.max_query_length}"
        )
    if UPDATE_KEYWORDS.match(text):
        raise QueryFailed(403, "this endpoint is read-only: SPARQL Update is not accepted")
    request = Request(
        text,
        result_format,
        graph_format,
        min(max_rows or limits.max_rows, limits.max_rows),
        base_iri,
        offset,
        limits.allowed_services,
    )
    return await pool.answer(request, limits.timeout)
