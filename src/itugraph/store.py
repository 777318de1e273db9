"""One store interface, two engines: rdflib's Dataset and pyoxigraph (the default, and the fast one).

Results come back as rdflib ``Result`` objects, so rendering and tests treat both engines alike.
"""

from __future__ import annotations

import gc
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import NamespaceManager
from rdflib.query import Result
from rdflib.term import Node

from .graph import (
    SourceFile,
    iter_named_graphs,
    load_graph,
    native_syntax_error,
    provenance_statements,
    source_files,
)
from .namespaces import bind_prefixes
from .project import Project
from .query_text import SparqlSyntaxError, sparql, with_values
from .serialization import EXPORT_FORMATS, serialize, sorted_lines

#: The store backends: pyoxigraph (the default) and rdflib.
BACKENDS = ("oxigraph", "rdflib")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PREFIXES = bind_prefixes(NamespaceManager(Graph(), bind_namespaces="none"))
#: The project's prefixes, for serializers that take a dictionary.
PREFIXES = dict(sorted((prefix, str(ns)) for prefix, ns in _PREFIXES.namespaces() if prefix))


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
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r}")


def to_oxigraph_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to pyoxigraph's (the lexical form kept as it is)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is None:
            return ox.Literal(str(term))
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    raise TypeError(f"cannot convert {term!r}")


def oxigraph_query(
    store: ox.Store, text: str, bindings: Mapping[str, Node] | None = None
) -> Result:
    """Run SPARQL on the store (default graph = union of named graphs), bindings as a VALUES block."""
    sent = with_values(text, bindings or {})
    try:
        answer = store.query(sent)
    except SyntaxError as error:
        raise SparqlSyntaxError(syntax_message(sent, str(error))) from None
    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QueryTriples):
        result = Result("CONSTRUCT")
        result.graph = quads_to_graph(answer)
        return result
    return _select_result(answer)


def _select_result(solutions: ox.QuerySolutions) -> Result:
    variables = [Variable(v.value) for v in solutions.variables]
    result = Result("SELECT")
    result.vars = variables
    result.bindings = [
        {
            var: to_rdflib_term(solution[str(var)])
            for var in variables
            if solution[str(var)] is not None
        }
        for solution in solutions
    ]
    return result


def syntax_message(text: str, error: str) -> str:
    """Oxigraph's "error at L:C: …" as rdflib's message: line, column, the line and a caret."""
    match = re.match(r"error at (\d+):(\d+): (.*)", error, re.DOTALL)
    if not match:
        return f"SPARQL syntax error: {error}"
    line, column, reason = int(match[1]), int(match[2]), match[3]
    lines = text.splitlines() or [""]
    shown = lines[min(line, len(lines)) - 1]
    return (
        f"SPARQL syntax error at line {line}, column {column}: {reason}\n"
        f"  {shown}\n  {' ' * (column - 1)}^"
    )


def result_of_answer(answer) -> Result:
    """An rdflib Result of a worker's answer (itugraph.workers.Answer) in TSV, N-Triples or
    SPARQL JSON (ASK), for the renderers of the command line."""
    if answer.form == "ASK":
        result = Result("ASK")
        result.askAnswer = b"true" in answer.body
        return result
    if answer.form == "CONSTRUCT":
        result = Result("CONSTRUCT")
        result.graph = quads_to_graph(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
        return result
    return _select_result(ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.TSV))


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


class GraphStore(ABC):
    """The built graph behind one interface, whichever engine holds it: SPARQL over the union of
    the named graphs, and export in any of EXPORT_FORMATS."""

    backend: str

    @abstractmethod
    def query(self, text: str, bindings: Mapping[str, Node] | None = None) -> Result:
        """Run SPARQL (default graph: the union of the sources; GRAPH ?g: each source)."""

    @abstractmethod
    def serialize(self, fmt: str) -> bytes:
        """The graph in ``fmt``: quad formats keep the named graphs, triple formats give the union."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of distinct triples in the union."""

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """The IRIs of the non-empty named graphs, sorted."""


class RdflibStore(GraphStore):
    """rdflib's in-memory Dataset: the reference implementation, and what pySHACL validates."""

    backend = "rdflib"

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def query(self, text: str, bindings: Mapping[str, Node] | None = None) -> Result:
        return sparql(self.dataset, text, bindings)

    def serialize(self, fmt: str) -> bytes:
        return serialize(self.dataset, fmt)

    def __len__(self) -> int:
        return len(self.dataset)

    def named_graphs(self) -> list[str]:
        return [str(g.identifier) for g in iter_named_graphs(self.dataset)]


#: Our export format names -> pyoxigraph formats.
_OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


class OxigraphStore(GraphStore):
    """A pyoxigraph Store (in memory or opened read-only from the cache): the fast default."""

    backend = "oxigraph"

    def __init__(self, store: ox.Store, path: Path | None = None, key: str | None = None) -> None:
        self.store = store
        self.path = path
        self.key = key

    def query(self, text: str, bindings: Mapping[str, Node] | None = None) -> Result:
        return oxigraph_query(self.store, text, bindings)

    def serialize(self, fmt: str) -> bytes:
        if fmt not in EXPORT_FORMATS:
            raise ValueError(
                f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}"
            )
        target = _OX_FORMATS[fmt]
        prefixes = PREFIXES
        if target.supports_datasets:
            named = (q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph))
            return ox.serialize(named, format=target, prefixes=prefixes)
        data = self.store.dump(format=target, from_graph=ox.DefaultGraph(), prefixes=prefixes)
        return sorted_lines(data) if fmt == "nt" else data

    def __len__(self) -> int:
        (count,) = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(count["n"].value)

    def named_graphs(self) -> list[str]:
        return sorted(graph.value for graph in self.store.named_graphs())


def load_oxigraph(files: list[SourceFile], path: Path | None = None) -> ox.Store:
    """Parse the curated Turtle natively into a pyoxigraph Store laid out like the rdflib Dataset:
    each file in its named graph with the graph's provenance, and their union as default graph."""
    store = ox.Store(str(path)) if path else ox.Store()
    for source in files:
        graph = ox.NamedNode(str(source.graph))
        try:
            store.load(path=str(source.path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        except SyntaxError as error:
            failure = native_syntax_error(source.path, error)
            del store
            gc.collect()
            raise failure from None
    store.extend(
        ox.Quad(*(ox.NamedNode(str(term)) for term in statement))
        for statement in provenance_statements(files)
    )
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def open_store(
    project: Project | Path | None = None, backend: str = "oxigraph", use_cache: bool = True
) -> GraphStore:
    """The built graph in the chosen backend. With pyoxigraph and the cache on, the store built
    from these exact inputs is opened read-only from the cache instead of parsing the Turtle."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown store {backend!r}; expected one of {', '.join(BACKENDS)}")
    if backend == "rdflib":
        return RdflibStore(load_graph(project))
    files = source_files(project)
    if not use_cache:
        return OxigraphStore(load_oxigraph(files))
    from .cache import cached_store_path

    path = cached_store_path(files, _build_on_disk)
    return OxigraphStore(ox.Store.read_only(str(path)), path)


def open_served_store(
    project: Project | Path | None = None, extra: Sequence[ox.Quad] = (), use_cache: bool = True
) -> OxigraphStore:
    """The built graph plus ``extra`` quads (in their named graph and in the union) in an on-disk
    store that worker processes can open read-only: cached like open_store's, or, without the
    cache, built in a temporary folder removed at exit."""
    import atexit
    import hashlib
    import shutil
    import tempfile

    from .cache import cached_store_path, input_key

    files = source_files(project)
    extra = list(extra)
    union = [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in extra]

    def build(files: list[SourceFile], path: Path) -> ox.Store:
        store = _build_on_disk(files, path)
        store.extend(extra + union)
        return store

    digest = hashlib.sha256(ox.serialize(extra, format=ox.RdfFormat.N_QUADS) or b"")
    key = f"{input_key(files)}-{digest.hexdigest()[:16]}"
    if use_cache:
        path = cached_store_path(files, build, key)
    else:
        folder = Path(tempfile.mkdtemp(prefix="itugraph-store-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "oxigraph"
        store = build(files, path)
        store.flush()
        del store
        gc.collect()
    return OxigraphStore(ox.Store.read_only(str(path)), path, key)


def _build_on_disk(files: list[SourceFile], path: Path) -> ox.Store:
    """Build in memory, then move into an on-disk store in one bulk load: loading each file
    straight into the on-disk store ingests one batch per file and is several times slower."""
    built = load_oxigraph(files)
    dump = path.with_name(f"{path.name}.nq")
    built.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    del built
    store = ox.Store(str(path))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    dump.unlink()
    return store
