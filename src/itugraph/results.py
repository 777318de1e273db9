"""Render SPARQL results (rdflib Result objects) as a terminal table, CSV, TSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.query import Result

from .namespaces import bind_prefixes

if TYPE_CHECKING:
    from rich.console import Console

RESULT_FORMATS = ("table", "csv", "tsv", "json")
_PREFIXES = bind_prefixes(NamespaceManager(Graph(bind_namespaces="none")))


def _rows(result: Result) -> Iterator[tuple]:
    for row in result:
        yield tuple(row)


def _compact(term: object) -> str:
    """A short form for people: prefixed IRIs, plain literal text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return _PREFIXES.normalizeUri(term).strip("<>")
    if isinstance(term, Literal):
        return str(term) + (f" @{term.language}" if term.language else "")
    return str(term)


def _tsv_term(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef | Literal | BNode):
        return term.n3()
    return str(term)


def render(result: Result, fmt: str = "table", console: Console | None = None) -> str:
    """Render a SELECT or ASK result in one of RESULT_FORMATS; returns the text (table: printed)."""
    if fmt not in RESULT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(RESULT_FORMATS)}")
    if result.type == "ASK":
        answer = bool(result.askAnswer)
        return (
            json.dumps({"head": {}, "boolean": answer}) + "\n"
            if fmt == "json"
            else f"{answer}\n".lower()
        )
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph
        bind_prefixes(graph.namespace_manager)
        return graph.serialize(format="turtle")
    variables = [str(v) for v in result.vars or []]
    rows = list(_rows(result))
    if fmt == "json":
        return result.serialize(format="json").decode("utf-8") + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([["" if t is None else str(t) for t in row] for row in rows])
        return buffer.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
        return "\n".join(lines) + "\n"
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, caption=f"{len(rows)} row(s)")
    for variable in variables:
        table.add_column(variable, overflow="fold")
    for row in rows:
        table.add_row(*(_compact(t) for t in row))
    console = console or Console(
        file=io.StringIO(), width=None if sys.stdout.isatty() else 200, force_terminal=False
    )
    with console.capture() as capture:
        console.print(table)
    return capture.get()
