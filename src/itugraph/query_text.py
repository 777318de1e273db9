"""SPARQL text as the package hands it to an engine: parameters bound as a VALUES block, the
errors of a query that cannot run, and rdflib's evaluation of it. The engines' wrappers (store,
remote, server, queries) use this module; it uses none of them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import Dataset
from rdflib.query import Result
from rdflib.term import Node


class QueryError(ValueError):
    """A query cannot run: unknown name, malformed SPARQL, or a bad parameter."""


class SparqlSyntaxError(QueryError):
    """A SPARQL query does not parse; says where."""


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values(text: str, bindings: Mapping[str, Node]) -> str:
    """The query with its parameters bound by a VALUES block opening its WHERE clause.

    For engines without initBindings (pyoxigraph, remote endpoints). The values are RDF terms
    serialized by rdflib (quotes escaped), so a parameter can never change the query's shape.
    """
    if not bindings:
        return text
    match = _WHERE.search(text)
    if not match:
        raise QueryError("a query with parameters needs a WHERE { … } clause to bind them")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    block = f"\n  VALUES ({names}) {{ ({terms}) }}"
    return text[: match.end()] + block + text[match.end() :]


def sparql(graph: Dataset, text: str, bindings: Mapping[str, Node] | None = None) -> Result:
    """Run a SPARQL query on the graph's union default graph; syntax errors say line and column."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(text)
    except ParseException as error:
        raise SparqlSyntaxError(
            f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}\n"
            f"  {error.line}\n  {' ' * (error.col - 1)}^"
        ) from None
    except Exception as error:
        raise SparqlSyntaxError(f"SPARQL error: {error}") from None
    return graph.query(prepared, initBindings=dict(bindings or {}))
