"""Every canned query is standard SPARQL 1.1: rdflib and pyoxigraph give the same answers over the
same graph (in the same order where the query orders its results)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from itugraph.queries import catalogue, get_query, sparql
from itugraph.store import oxigraph_query, to_oxigraph

QUERIES = sorted(catalogue())


@pytest.fixture(scope="module")
def store(graph):
    return to_oxigraph(graph)


def key(term):
    """A term as the engines must agree on it: RDF 1.1 plain literals are xsd:string, and
    numbers compare by value (one engine writes 3000000.0 where the other writes 3000000)."""
    if term is None or not isinstance(term, Literal):
        return None if term is None else str(term)
    datatype = "" if term.datatype in (None, XSD.string) else str(term.datatype)
    text = str(term)
    if term.datatype in (XSD.decimal, XSD.integer):
        text = str(Decimal(text).normalize())
    return (text, datatype, term.language or "")


def comparable(result) -> list[tuple]:
    return [tuple(key(term) for term in row) for row in result]


@pytest.mark.parametrize("name", QUERIES)
def test_same_answers_on_rdflib_and_oxigraph(graph, store, name):
    query = get_query(name)
    bindings = query.bindings({p.name: p.example for p in query.parameters})
    by_rdflib = comparable(sparql(graph, query.text, bindings))
    by_oxigraph = comparable(oxigraph_query(store, query.text, bindings))
    assert by_rdflib, f"{query.path} gives no rows with its examples"
    if "ORDER BY" in query.text:
        assert by_oxigraph == by_rdflib, query.path
    else:
        assert sorted(by_oxigraph, key=repr) == sorted(by_rdflib, key=repr), query.path
