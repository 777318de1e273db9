"""Every canned query is standard SPARQL 1.1: rdflib and pyoxigraph (each parsing the Turtle itself)
give the same answers over the same graph (in the same order where the query orders its results)."""

from __future__ import annotations

import pytest

from itugraph.queries import catalogue, get_query, sparql
from itugraph.store import open_store

from .conftest import comparable

QUERIES = sorted(catalogue())


@pytest.fixture(scope="module")
def store(graph):
    return open_store(backend="oxigraph", use_cache=False)


@pytest.mark.parametrize("name", QUERIES)
def test_same_answers_on_rdflib_and_oxigraph(graph, store, name):
    query = get_query(name)
    bindings = query.bindings({p.name: p.example for p in query.parameters})
    by_rdflib = comparable(sparql(graph, query.text, bindings))
    by_oxigraph = comparable(store.query(query.text, bindings))
    assert by_rdflib, f"{query.path} gives no rows with its examples"
    if "ORDER BY" in query.text:
        assert by_oxigraph == by_rdflib, query.path
    else:
        assert sorted(by_oxigraph, key=repr) == sorted(by_rdflib, key=repr), query.path
