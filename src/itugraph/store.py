"""The same graph in a second SPARQL engine: a pyoxigraph Store, queried like the rdflib Dataset.

Results come back as rdflib ``Result`` objects, so rendering and tests treat both engines alike.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from .export import serialize
from .queries import SparqlSyntaxError, with_values

ENGINES = ("rdflib", "oxigraph")


def to_oxigraph(dataset: Dataset) -> ox.Store:
    """An in-memory pyoxigraph Store: the named graphs as they are, and their union, without
    duplicates, as the default graph.

    (Oxigraph's own ``use_default_graph_as_union`` would repeat a triple once per graph that
    states it, so a join over facts stated by several reports would return repeated rows.)
    """
    store = ox.Store()
    store.bulk_load(serialize(dataset, "nq"), format=ox.RdfFormat.N_QUADS)
    store.bulk_load(serialize(dataset, "nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def to_rdflib_term(term: object) -> Node | None:
    """Convert a pyoxigraph term to rdflib's."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r}")


def oxigraph_query(
    store: ox.Store, text: str, bindings: Mapping[str, Node] | None = None
) -> Result:
    """Run SPARQL on the store (default graph = union of named graphs), bindings as a VALUES block."""
    try:
        answer = store.query(with_values(text, bindings or {}))
    except SyntaxError as error:
        raise SparqlSyntaxError(f"SPARQL syntax error: {error}") from None
    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QueryTriples):
        result = Result("CONSTRUCT")
        result.graph = quads_to_graph(answer)
        return result
    variables = [Variable(v.value) for v in answer.variables]
    result = Result("SELECT")
    result.vars = variables
    result.bindings = [
        {
            var: to_rdflib_term(solution[str(var)])
            for var in variables
            if solution[str(var)] is not None
        }
        for solution in answer
    ]
    return result


def quads_to_graph(quads) -> Graph:
    """An rdflib Graph of the triples of some pyoxigraph quads (their graph names dropped)."""
    graph = Graph()
    for quad in quads:
        graph.add(
            (
                to_rdflib_term(quad.subject),
                to_rdflib_term(quad.predicate),
                to_rdflib_term(quad.object),
            )
        )
    return graph
