"""Validation that reuses earlier reports, so that checking a small edit takes seconds, not minutes.

``validate_cached`` returns, in this order of preference:

* **cached**: the report saved for exactly these inputs (the cache entry of their input key);
* **incremental**: the report of an earlier version of the data, updated for the edit. The named
  graphs whose files changed are compared, quad by quad, between the earlier version's cached
  pyoxigraph store and the new one (derived from the earlier store by applying the difference);
  the focus nodes the difference can affect are validated again with pySHACL, on a small graph
  extracted from the new store, and their results replace theirs in the earlier report;
* **full**: ``validate.validate`` on the whole graph, when neither is possible (no earlier report,
  changed ontology or shapes, blank nodes or rdfs:subClassOf in a changed file, or shapes beyond
  the assumption below).

Each run saves its report in the cache entry of its inputs: ``validation.json`` (the results,
with their focus nodes' IRIs), ``report.nt`` (pySHACL's report graph), ``inputs.json`` (each
graph's files and the validator) and ``literals.json`` (the literals rdflib reads differently
from the canonical form pyoxigraph stores, e.g. ``3000000.0``, stored as ``3000000``, so that the
extracted graph holds what a full run reads). What ``analyse_shapes`` says of the shapes is kept
in ``.shapes-{validator}.json``.

The incremental run is exact under this assumption about the shapes, which ``analyse_shapes``
checks (anything else makes the run a full one): a shape looks only at the focus node's own
triples, at the types (rdf:type, with subclasses) of the values of some of its properties, and,
in SPARQL constraints, at other nodes joined to the focus node through shared values (``$this p
?v . ?other q ?v``, as "a second regional office in the region" does). Property paths are single
properties; shapes applied to values (sh:or members, sh:node, sh:qualifiedValueShape) look at the
value itself and its types only. Hence the affected focus nodes are: the subjects of changed
triples (S1; their objects too if the shapes use sh:targetObjectsOf); the nodes with a value whose
rdf:type changed (S2); and the nodes that a join connects, through shared values, to an S1 node
as it was before or is after the change (S3). Nodes brought into the extracted graph only for
their types or joins are not validated: shapes that target none of the affected nodes are
deactivated, and results are kept for affected nodes only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.term import Node
from rdflib.util import from_n3

from .cache import cache_dir, cached_store, complete_entries, file_digests, input_key
from .graph import (
    ONTOLOGY_GRAPH,
    DataFileError,
    SourceFile,
    iter_named_graphs,
    load_graph,
    parse_turtle,
    source_files,
)
from .namespaces import OWL, RDF, RDFS, SH, bind_prefixes
from .project import Project, as_project
from .serialization import write_atomic
from .store import OxigraphStore, load_oxigraph, to_oxigraph_term, to_rdflib_term
from .validation import (
    DEFAULT_ENGINE,
    ValidationReport,
    ValidationResult,
    first_statement,
    load_shapes,
    pinpoint,
    report_results,
    result_order,
    run_shacl,
    shapes_files,
    validate,
    validate_focus_nodes,
    validate_store,
)

_FORMAT = "itugraph-validation 1"
_REPORT = "validation.json"
_GRAPH = "report.nt"
_INPUTS = "inputs.json"
_LITERALS = "literals.json"
_ALLOWED_SEVERITIES = ("Warning", "Info")
_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))


class ShapesFileError(DataFileError):
    """A shapes file cannot be parsed."""


class Unsupported(Exception):
    """The shapes use something the incremental validation cannot follow; names what."""


class _FullRun(Exception):
    """The incremental validation cannot be used for these inputs; says why."""


@dataclass
class ValidationRun:
    """A validation report and how it was obtained: its mode (cached, incremental or full), why
    a full run was needed, and how much was validated."""

    report: ValidationReport
    mode: str
    seconds: float
    reason: str = ""
    graphs_changed: int = 0
    focus_nodes: int = 0
    targets: int = 0
    triples: int = 0

    def summary(self, seconds: float | None = None) -> str:
        """One line for people: what ran and how long it took (``seconds`` if given)."""
        took = f"{self.seconds if seconds is None else seconds:.1f} s"
        if self.mode == "cached":
            return f"(cached: the report for these exact inputs, in {took})"
        if self.mode == "incremental":
            graphs = f"{self.graphs_changed} graph{'s' * (self.graphs_changed != 1)} changed"
            return (
                f"(incremental: {graphs}, {self.focus_nodes} of {self.targets} focus nodes "
                f"re-validated in {took})"
            )
        why = f" ({self.reason})" if self.reason else ""
        return f"(full run{why}: {self.triples} triples checked in {took})"


def validate_cached(
    project: Project | Path | None = None,
    full: bool = False,
    use_cache: bool = True,
    engine: str = DEFAULT_ENGINE,
) -> ValidationRun:
    """Validate the graph, reusing the cached report of these inputs, else updating an earlier
    report incrementally, else (or with ``full``) validating everything; the report is saved
    in the cache (which ``use_cache=False`` leaves alone, validating everything). Each result
    gives the line of the offending statement. ``engine`` is the SHACL engine (validate.ENGINES)."""
    run = _validate_cached(project, full, use_cache, engine)
    run.report = pinpoint(run.report)
    return run


def _validate_cached(
    project: Project | Path | None, full: bool, use_cache: bool, engine: str
) -> ValidationRun:
    started = time.perf_counter()
    project = as_project(project)
    if not use_cache:
        dataset = load_graph(project)
        report = validate(dataset, _load_shapes(project), engine=engine)
        seconds = time.perf_counter() - started
        return ValidationRun(report, "full", seconds, "--no-cache", triples=len(dataset))
    files = source_files(project)
    digests = file_digests(files)
    key = input_key(files, digests)
    inputs = Inputs.of(files, digests, validator_digest(project, engine))
    reason = ""
    if not full:
        cached = _cached_run(files, inputs, key, started)
        if cached is not None:
            return cached
        try:
            return _incremental_run(project, files, inputs, key, started, engine)
        except (_FullRun, Unsupported) as why:
            reason = str(why)
        except DataFileError:
            reason = "a changed file does not parse"
        except OSError as error:
            reason = f"the cache cannot be used: {error}"
    return _full_run(project, files, inputs, key, started, reason, engine)


def validator_digest(project: Project | None = None, engine: str = DEFAULT_ENGINE) -> str:
    """A hash of what decides a report besides the data: the shapes, the engine and the
    validator's code."""
    digest = hashlib.sha256(_FORMAT.encode() + engine.encode())
    for package in ("itugraph", "pyshacl", "pyshacl-turbo", "rdflib", "pyoxigraph"):
        digest.update(f"{package} {version(package)}\0".encode())
    for path in shapes_files(project):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Inputs:
    """What a report was made from: the validator digest and each named graph's files as
    (path, SHA-256) pairs in load order."""

    validator: str
    graphs: dict[str, tuple[tuple[str, str], ...]]

    @classmethod
    def of(cls, files: list[SourceFile], digests: list[str], validator: str) -> Inputs:
        """The inputs of a run on these files (their digests from cache.file_digests)."""
        graphs: dict[str, list[tuple[str, str]]] = {}
        for source, digest in zip(files, digests, strict=True):
            graphs.setdefault(str(source.graph), []).append((str(source.path), digest))
        return cls(validator, {g: tuple(pairs) for g, pairs in graphs.items()})

    def changed_graphs(self, other: Inputs) -> set[str]:
        """The graphs whose content differs (their files' bytes, wherever the files are)."""
        return {
            graph
            for graph in self.graphs.keys() | other.graphs.keys()
            if sorted(d for _, d in self.graphs.get(graph, ()))
            != sorted(d for _, d in other.graphs.get(graph, ()))
        }

    def moved_graphs(self, other: Inputs) -> set[str]:
        """The graphs whose files differ in content, name or place."""
        return {
            graph
            for graph in self.graphs.keys() | other.graphs.keys()
            if self.graphs.get(graph) != other.graphs.get(graph)
        }

    def as_json(self) -> dict:
        """The inputs as JSON, for inputs.json."""
        return {"format": _FORMAT, "validator": self.validator, "graphs": self.graphs}

    @classmethod
    def from_json(cls, data: dict) -> Inputs:
        """The inputs read from inputs.json; ValueError if it has another format."""
        if data.get("format") != _FORMAT:
            raise ValueError("another format")
        graphs = {g: tuple((p, d) for p, d in pairs) for g, pairs in data["graphs"].items()}
        return cls(data["validator"], graphs)


@dataclass
class _Saved:
    """A report saved in a cache entry: results with their focus node IRIs."""

    entry: Path
    inputs: Inputs
    conforms: bool
    results: list[tuple[str, ValidationResult]]
    targets: int

    def graph(self) -> Graph:
        graph = Graph()
        graph.parse(data=(self.entry / _GRAPH).read_bytes(), format="nt")
        bind_prefixes(graph.namespace_manager)
        return graph

    def literals(self) -> dict[str, dict]:
        return json.loads((self.entry / _LITERALS).read_text(encoding="utf-8"))


def _read_inputs(entry: Path) -> Inputs | None:
    try:
        return Inputs.from_json(json.loads((entry / _INPUTS).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read_saved(entry: Path, inputs: Inputs) -> _Saved | None:
    try:
        data = json.loads((entry / _REPORT).read_text(encoding="utf-8"))
        results = [
            (
                item.pop("focus_iri"),
                ValidationResult(**{**item, "files": tuple(item["files"])}),
            )
            for item in data["results"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return _Saved(entry, inputs, data["conforms"], results, data["targets"])


def _save(
    entry: Path,
    inputs: Inputs,
    conforms: bool,
    results: list[tuple[str, ValidationResult]],
    graph: Graph,
    literals: dict[str, dict],
    targets: int,
) -> None:
    """Write the report into the cache entry, inputs.json last (a reader needs all four)."""
    payload = {
        "format": _FORMAT,
        "conforms": conforms,
        "targets": targets,
        "results": [{**asdict(result), "focus_iri": iri} for iri, result in results],
    }
    try:
        write_atomic(entry / _REPORT, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        write_atomic(entry / _GRAPH, graph.serialize(format="nt", encoding="utf-8"))
        write_atomic(entry / _LITERALS, json.dumps(literals, ensure_ascii=False).encode("utf-8"))
        write_atomic(entry / _INPUTS, json.dumps(inputs.as_json()).encode("utf-8"))
    except OSError:
        pass


def _report(saved_results: list[tuple[str, ValidationResult]], graph: Graph) -> ValidationReport:
    results = [result for _, result in saved_results]
    conforms = all(r.severity in _ALLOWED_SEVERITIES for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=graph)


def _cached_run(
    files: list[SourceFile], inputs: Inputs, key: str, started: float
) -> ValidationRun | None:
    entry = cache_dir() / key
    saved_inputs = _read_inputs(entry)
    if saved_inputs is None or saved_inputs.validator != inputs.validator:
        return None
    saved = _read_saved(entry, saved_inputs)
    if saved is None:
        return None
    results = saved.results
    moved = saved_inputs.moved_graphs(inputs)
    if moved:
        locator = _Locator(ox.Store.read_only(str(entry / "oxigraph")), files)
        results = [(iri, locator.relocate(iri, r, moved)) for iri, r in results]
    report = ValidationReport(
        conforms=saved.conforms, results=[r for _, r in results], graph=saved.graph()
    )
    seconds = time.perf_counter() - started
    return ValidationRun(report, "cached", seconds, targets=saved.targets)


def _full_run(
    project: Project,
    files: list[SourceFile],
    inputs: Inputs,
    key: str,
    started: float,
    reason: str,
    engine: str,
) -> ValidationRun:
    shapes = _load_shapes(project)
    if engine == "turbo":
        return _native_full_run(project, files, inputs, key, started, reason, shapes)
    dataset = load_graph(project)
    report, focus_nodes = validate_focus_nodes(dataset, shapes, engine=engine)
    targets = 0
    try:
        store = cached_store(files, load_oxigraph, key)
    except (OSError, DataFileError):
        store = None
    if store is not None:
        targets = _count_targets(store, shapes)
        named = iter_named_graphs(dataset)
        data_graphs = ((str(g.identifier), g) for g in named if g.identifier != ONTOLOGY_GRAPH)
        literals = literal_forms(data_graphs, store)
        results = [(str(f), r) for f, r in zip(focus_nodes, report.results, strict=True)]
        _save(cache_dir() / key, inputs, report.conforms, results, report.graph, literals, targets)
    seconds = time.perf_counter() - started
    return ValidationRun(
        report, "full", seconds, reason, targets=targets, focus_nodes=targets, triples=len(dataset)
    )


def _native_full_run(
    project: Project,
    files: list[SourceFile],
    inputs: Inputs,
    key: str,
    started: float,
    reason: str,
    shapes: Graph,
) -> ValidationRun:
    """A full run of pyshacl-turbo on the cached store itself: the data is never parsed by
    rdflib, so the stored literal forms are the ones validated (nothing to record)."""
    store = cached_store(files, load_oxigraph, key)
    report, focus_nodes = validate_store(store, files, shapes, project)
    targets = _count_targets(store, shapes)
    results = [(str(f), r) for f, r in zip(focus_nodes, report.results, strict=True)]
    _save(cache_dir() / key, inputs, report.conforms, results, report.graph, {}, targets)
    triples = len(OxigraphStore(store))
    seconds = time.perf_counter() - started
    return ValidationRun(
        report, "full", seconds, reason, targets=targets, focus_nodes=targets, triples=triples
    )


def _load_shapes(project: Project) -> Graph:
    try:
        return load_shapes(project)
    except DataFileError as error:
        raise ShapesFileError(error.path, error.line, error.message) from None


def _incremental_run(
    project: Project,
    files: list[SourceFile],
    inputs: Inputs,
    key: str,
    started: float,
    engine: str,
) -> ValidationRun:
    shapes = _load_shapes(project)
    analysis = _cached_analysis(shapes, inputs.validator)
    base = _base(inputs, key)
    changed = base.inputs.changed_graphs(inputs)
    if str(ONTOLOGY_GRAPH) in changed:
        raise _FullRun("the ontology changed")
    literals = {g: forms for g, forms in base.literals().items() if g in inputs.graphs}
    changed_files = [f for f in files if str(f.graph) in changed]
    old = ox.Store.read_only(str(base.entry / "oxigraph"))
    delta = _delta(old, load_oxigraph(changed_files), changed)
    changed_quads = [q for removed, added in delta.values() for q in removed | added]
    if any(_has_blank_node(q) for q in changed_quads):
        raise _FullRun("a changed graph has blank nodes")
    if any(q.predicate == _SUBCLASS for q in changed_quads):
        raise _FullRun("a changed graph states rdfs:subClassOf")
    os.utime(base.entry)
    store = cached_store(files, _patched(old, delta), key)
    literals |= literal_forms(_parsed_graphs(changed_files), store)
    inexact = sorted(g for g, forms in literals.items() if not forms["exact"])
    if inexact:
        raise _FullRun(f"rdflib and pyoxigraph read literals of {inexact[0]} differently")

    analysis = replace(analysis, joins=tuple(_with_subclasses(store, j) for j in analysis.joins))
    affected = _affected(old, store, delta, analysis)
    revalidated = _focus_nodes(store, analysis, affected)
    fresh_graph = Graph()
    if revalidated:
        data = _extract(store, affected, analysis, _DataTriples(store, literals))
        _deactivate_others(shapes, analysis, set().union(*revalidated.values()))
        fresh_graph = run_shacl(data, shapes, _ontology(files), engine)[1]
    locator = _Locator(store, files)
    affected_iris = {node.value for node in affected if isinstance(node, ox.NamedNode)}
    fresh = [
        (str(focus), locator.relocate(str(focus), result))
        for focus, result in report_results(
            fresh_graph, shapes, _no_location, _no_files, lambda focus: str(focus) in affected_iris
        )
    ]
    moved = base.inputs.moved_graphs(inputs)
    kept = [
        (iri, locator.relocate(iri, result, moved))
        for iri, result in base.results
        if iri not in affected_iris
    ]
    results = sorted(kept + fresh, key=lambda pair: result_order(pair[1]))
    report = _report(results, Graph())
    report.graph = _merged_graph(base.graph(), fresh_graph, affected_iris, report.conforms)
    targets = _count_targets(store, shapes)
    _save(cache_dir() / key, inputs, report.conforms, results, report.graph, literals, targets)
    return ValidationRun(
        report,
        "incremental",
        time.perf_counter() - started,
        graphs_changed=len(changed),
        focus_nodes=len(revalidated),
        targets=targets,
    )


def _base(inputs: Inputs, key: str) -> _Saved:
    """The saved report of an earlier version of the data that differs from this one in the
    fewest graphs (the most recent among those), with the same validator and ontology."""
    ontology = str(ONTOLOGY_GRAPH)
    candidates = []
    for entry in complete_entries():
        earlier = _read_inputs(entry)
        if entry.name == key or earlier is None or earlier.validator != inputs.validator:
            continue
        if ontology in earlier.changed_graphs(inputs):
            continue
        candidates.append((len(earlier.changed_graphs(inputs)), entry, earlier))
    for _, entry, earlier in sorted(candidates, key=lambda c: c[0]):
        saved = _read_saved(entry, earlier)
        if saved is not None:
            return saved
    raise _FullRun("no earlier report to start from")


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


Delta = dict[str, tuple[set[ox.Quad], set[ox.Quad]]]


def _delta(old: ox.Store, new: ox.Store, graphs: Iterable[str]) -> Delta:
    """For each graph: the quads only the old store has, and those only the new one has."""
    delta = {}
    for graph in graphs:
        name = ox.NamedNode(graph)
        before = set(old.quads_for_pattern(None, None, None, name))
        after = set(new.quads_for_pattern(None, None, None, name))
        delta[graph] = (before - after, after - before)
    return delta


def _patched(base: ox.Store, delta: Delta) -> Callable[[list[SourceFile], Path], ox.Store]:
    """A build for the cache: a copy of the base store (hard links) with the delta applied,
    holding the same quads as a store built from the files, default graph the union."""

    def build(files: list[SourceFile], path: Path) -> ox.Store:
        base.backup(str(path))
        store = ox.Store(str(path))
        removed = [q for gone, _ in delta.values() for q in gone]
        added = [q for _, new in delta.values() for q in new]
        for quad in removed:
            store.remove(quad)
        store.extend(added)
        for quad in removed:
            triple = (quad.subject, quad.predicate, quad.object)
            stated = store.quads_for_pattern(*triple, None)
            if all(isinstance(q.graph_name, ox.DefaultGraph) for q in stated):
                store.remove(ox.Quad(*triple))
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in added)
        for graph in delta:
            name = ox.NamedNode(graph)
            if next(store.quads_for_pattern(None, None, None, name), None) is None:
                store.remove_graph(name)
        return store

    return build


def _affected(old: ox.Store, new: ox.Store, delta: Delta, analysis: ShapesAnalysis) -> set:
    """The nodes whose validation results the delta can change (S1, S2 and S3 above; objects
    of changed triples only when being one makes a node a target)."""
    changed = {q for removed, added in delta.values() for q in removed | added}
    touched = {q.subject for q in changed}
    if analysis.by_objects:
        touched |= {q.object for q in changed if not isinstance(q.object, ox.Literal)}
    retyped = {q.subject for q in changed if q.predicate == _TYPE}
    referring = {
        q.subject
        for node in retyped
        for q in new.quads_for_pattern(None, None, node, ox.DefaultGraph())
    }
    joined = set()
    named = [node for node in touched if isinstance(node, ox.NamedNode)]
    for join in analysis.joins:
        rows = _shared_values(old, named, join) | _shared_values(new, named, join)
        joined |= _sharing(new, rows, join)
    return touched | referring | joined


@dataclass(frozen=True)
class Join:
    """A SPARQL constraint joining $this to ?other through shared values: for each shared
    variable, the predicates from $this and from ?other; every predicate of ?other; the classes
    whose instances it checks (None when its shapes have other kinds of target); and the fixed
    values ?other must have (``?other a itu:RegionalOffice``)."""

    shared: tuple[tuple[tuple[URIRef, ...], tuple[URIRef, ...]], ...]
    other_predicates: frozenset[URIRef]
    classes: frozenset[URIRef] | None
    other_fixed: tuple[tuple[URIRef, Node], ...] = ()


def _values_block(variables: list[str], rows: Iterable[tuple]) -> str:
    body = " ".join("(" + " ".join(str(term) for term in row) + ")" for row in rows)
    return f"VALUES ({' '.join(variables)}) {{ {body} }}"


def _patterns(subject: str, join: Join, side: int) -> str:
    """The join's patterns on $this (side 0) or ?other (side 1), the shared values as ?v0…"""
    shared = [
        f"{subject} <{predicate}> ?v{i} ."
        for i, predicates in enumerate(join.shared)
        for predicate in predicates[side]
    ]
    fixed = [f"{subject} {p.n3()} {o.n3()} ." for p, o in join.other_fixed] if side else []
    return " ".join(shared + fixed)


def _with_subclasses(store: ox.Store, join: Join) -> Join:
    """The join with its classes' subclasses (in the ontology or data) among its classes."""
    if join.classes is None:
        return join
    query = (
        f"SELECT DISTINCT ?sub WHERE {{ VALUES ?c {{ {_listed(join.classes)} }} "
        f"?sub <{RDFS.subClassOf}>* ?c }}"
    )
    found = {URIRef(row["sub"].value) for row in store.query(query)}
    return replace(join, classes=frozenset(found | join.classes))


def _class_filter(subject: str, join: Join) -> str:
    """A pattern keeping the instances of the join's classes (their subclasses expanded)."""
    if join.classes is None:
        return ""
    return f"VALUES ?class {{ {_listed(join.classes)} }} {subject} <{RDF.type}> ?class ."


def _shared_values(store: ox.Store, nodes: list[ox.NamedNode], join: Join) -> set[tuple]:
    """The combinations of shared values the nodes have as ?other of the join."""
    if not nodes:
        return set()
    variables = [f"?v{i}" for i in range(len(join.shared))]
    query = (
        f"SELECT DISTINCT {' '.join(variables)} WHERE {{ "
        f"{_values_block(['?other'], ((n,) for n in nodes))} {_patterns('?other', join, 1)} }}"
    )
    return {tuple(solution[v[1:]] for v in variables) for solution in store.query(query)}


def _sharing(store: ox.Store, rows: set[tuple], join: Join) -> set:
    """The nodes checked by the join that have, as $this, one of these combinations of values."""
    if not rows:
        return set()
    variables = [f"?v{i}" for i in range(len(join.shared))]
    query = (
        f"SELECT DISTINCT ?this WHERE {{ {_values_block(variables, rows)} "
        f"{_patterns('?this', join, 0)} {_class_filter('?this', join)} }}"
    )
    return {solution["this"] for solution in store.query(query)}


def _partners(store: ox.Store, nodes: list, join: Join) -> set:
    """The nodes that can be ?other of the join for these nodes as $this."""
    named = [n for n in nodes if isinstance(n, ox.NamedNode)]
    if not named:
        return set()
    query = (
        f"SELECT DISTINCT ?other WHERE {{ {_values_block(['?this'], ((n,) for n in named))} "
        f"{_class_filter('?this', join)} {_patterns('?this', join, 0)} "
        f"{_patterns('?other', join, 1)} }}"
    )
    return {solution["other"] for solution in store.query(query)}


def _target_patterns(shapes: Graph) -> str:
    """A SPARQL pattern binding ?f to every focus node of the shapes: instances of target
    classes (with subclasses), target nodes, subjects and objects of target properties."""
    classes = set(shapes.objects(None, SH.targetClass))
    for kind in (SH.NodeShape, SH.PropertyShape):
        classes |= {s for s in shapes.subjects(RDF.type, kind) if _is_class(shapes, s)}
    parts = [
        f"{{ VALUES ?c {{ {_listed(classes)} }} ?f <{RDF.type}>/<{RDFS.subClassOf}>* ?c }}",
        f"{{ VALUES ?f {{ {_listed(shapes.objects(None, SH.targetNode))} }} }}",
    ]
    for predicate, pattern in ((SH.targetSubjectsOf, "?f ?p ?o"), (SH.targetObjectsOf, "?s ?p ?f")):
        parts.append(f"{{ VALUES ?p {{ {_listed(shapes.objects(None, predicate))} }} {pattern} }}")
    return " UNION ".join(parts)


def _listed(terms: Iterable[Node]) -> str:
    return " ".join(sorted(term.n3() for term in set(terms)))


def _count_targets(store: ox.Store, shapes: Graph) -> int:
    """How many focus nodes the shapes have in the store (what a full run validates)."""
    query = f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ {_target_patterns(shapes)} }}"
    return int(next(iter(store.query(query)))["n"].value)


def _is_class(graph: Graph, node: Node) -> bool:
    return any((node, RDF.type, kind) in graph for kind in (RDFS.Class, OWL.Class))


class _DataTriples:
    """The triples of the data graphs, read from the store's union graph, each literal in the
    form(s) rdflib reads from the files; triples only the ontology states are left to pySHACL,
    which mixes the ontology in itself."""

    def __init__(self, store: ox.Store, literals: dict[str, dict]) -> None:
        self.store = store
        self.ontology = ox.NamedNode(str(ONTOLOGY_GRAPH))
        self.forms: dict[str, dict[tuple[str, str, str], list[Literal]]] = {}
        for graph, table in literals.items():
            for s, p, stored, read in table["forms"]:
                self.forms.setdefault(graph, {})[(s, p, stored)] = [
                    Literal(text, lang=lang, datatype=URIRef(dt) if dt else None)
                    for text, lang, dt in read
                ]
        self.rewritten = {key for forms in self.forms.values() for key in forms}

    def __call__(self, subject, predicate=None) -> Iterator[tuple[Node, Node, Node]]:
        for quad in self.store.quads_for_pattern(subject, predicate, None, ox.DefaultGraph()):
            triple = (quad.subject, quad.predicate, quad.object)
            if isinstance(quad.object, ox.BlankNode):
                continue
            graphs = None
            if next(self.store.quads_for_pattern(*triple, self.ontology), None) is not None:
                graphs = self._data_graphs(triple)
                if not graphs:
                    continue
            s, p = to_rdflib_term(quad.subject), to_rdflib_term(quad.predicate)
            for obj in self._objects(triple, graphs):
                yield s, p, obj

    def _data_graphs(self, triple: tuple) -> list[str]:
        quads = self.store.quads_for_pattern(*triple, None)
        return [
            q.graph_name.value
            for q in quads
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name != self.ontology
        ]

    def _objects(self, triple: tuple, graphs: list[str] | None) -> list[Node]:
        s, p, o = triple
        key = (s.value, p.value, str(o))
        if not isinstance(o, ox.Literal) or key not in self.rewritten:
            return [to_rdflib_term(o)]
        read: list[Node] = []
        for graph in graphs if graphs is not None else self._data_graphs(triple):
            read += self.forms.get(graph, {}).get(key) or [to_rdflib_term(o)]
        return list(dict.fromkeys(read))


def _classes_of(store: ox.Store, node: ox.NamedNode) -> set[URIRef]:
    """The node's classes with their superclasses (rdfs:subClassOf in the ontology or data)."""
    query = f"SELECT DISTINCT ?c WHERE {{ {node} <{RDF.type}>/<{RDFS.subClassOf}>* ?c }}"
    return {
        URIRef(row["c"].value) for row in store.query(query) if isinstance(row["c"], ox.NamedNode)
    }


def _focus_nodes(store: ox.Store, analysis: ShapesAnalysis, nodes: set) -> dict[ox.NamedNode, set]:
    """The nodes that are focus nodes of some shape, each with the shapes targeting it."""
    found = {}
    for node in nodes:
        if not isinstance(node, ox.NamedNode):
            continue
        classes = _classes_of(store, node)
        iri = URIRef(node.value)
        shapes = {
            shape
            for shape, targets in analysis.targets.items()
            if targets.classes & classes
            or iri in targets.nodes
            or any(
                next(store.quads_for_pattern(node, ox.NamedNode(p), None), None)
                for p in targets.subjects_of
            )
            or any(
                next(store.quads_for_pattern(None, ox.NamedNode(p), node), None)
                for p in targets.objects_of
            )
        }
        if shapes:
            found[node] = shapes
    return found


def _deactivate_others(shapes: Graph, analysis: ShapesAnalysis, needed: set) -> None:
    """Deactivate the targeted shapes that no affected node needs (and no shape refers to), so
    that nodes brought in only for their types are not validated for nothing."""
    for shape in analysis.targets.keys() - needed - analysis.referenced:
        shapes.add((shape, SH.deactivated, Literal(True)))


def _extract(
    store: ox.Store, affected: set, analysis: ShapesAnalysis, triples: _DataTriples
) -> Graph:
    """What pySHACL needs to validate the affected nodes: their triples, the types of the values
    whose types their shapes check, and the join partners' triples on the join's predicates."""
    data = Graph()
    bind_prefixes(data.namespace_manager)
    values = set()
    for node in affected:
        if isinstance(node, ox.Literal):
            continue
        typed = analysis.typed_for(_classes_of(store, node))
        for triple in triples(node):
            data.add(triple)
            if triple[1] in typed and not isinstance(triple[2], Literal):
                values.add(triple[2])
    for value in values:
        for triple in triples(ox.NamedNode(str(value)), _TYPE):
            data.add(triple)
    for join in analysis.joins:
        for other in _partners(store, list(affected), join):
            for predicate in join.other_predicates:
                for triple in triples(other, ox.NamedNode(str(predicate))):
                    data.add(triple)
    return data


def _ontology(files: list[SourceFile]) -> Graph:
    ontology = Graph()
    bind_prefixes(ontology.namespace_manager)
    for source in files:
        if source.graph == ONTOLOGY_GRAPH:
            parse_turtle(source.path, ontology)
    return ontology


def _parsed_graphs(files: list[SourceFile]) -> Iterator[tuple[str, Graph]]:
    """The data files parsed by rdflib, one graph per named graph."""
    graphs: dict[str, Graph] = {}
    for source in files:
        parse_turtle(source.path, graphs.setdefault(str(source.graph), Graph()))
    yield from graphs.items()


def _no_location(focus: Node, shortened: str) -> tuple[None, None]:
    return None, None


def _no_files(focus: Node) -> tuple[str, ...]:
    return ()


class _Locator:
    """Where focus nodes are stated, found in the store as validate() finds them in the Dataset:
    the file names of the graphs stating them, and the first file and line."""

    def __init__(self, store: ox.Store, files: list[SourceFile]) -> None:
        self.store = store
        self.files = files
        self.names: dict[str, list[str]] = {}
        for source in files:
            self.names.setdefault(str(source.graph), []).append(source.path.name)
        self.lines: dict[Path, list[str]] = {}

    def _read(self, path: Path) -> list[str]:
        if path not in self.lines:
            self.lines[path] = path.read_text(encoding="utf-8").splitlines()
        return self.lines[path]

    def graphs(self, iri: str) -> set[str]:
        """The named graphs stating something about the node."""
        node = _named(iri)
        if node is None:
            return set()
        quads = self.store.quads_for_pattern(node, None, None, None)
        return {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}

    def _stated_in(self, iri: str, graphs: set[str]) -> bool:
        node = _named(iri)
        if node is None or len(graphs) > 16:
            return bool(self.graphs(iri) & graphs)
        return any(
            next(self.store.quads_for_pattern(node, None, None, ox.NamedNode(g)), None)
            for g in graphs
        )

    def relocate(
        self, iri: str, result: ValidationResult, only_in: set[str] | None = None
    ) -> ValidationResult:
        """The result with file, line and files of its focus node (unchanged when ``only_in``
        is given and the node is stated in none of those graphs)."""
        if only_in is not None and not self._stated_in(iri, only_in):
            return result
        graphs = self.graphs(iri)
        names = sorted({name for g in graphs for name in self.names.get(g, [g])})
        file, line = first_statement(
            self.files, URIRef(iri), result.focus, lambda g: str(g) in graphs, self._read
        )
        return replace(result, file=file, line=line, files=tuple(names))


def _named(iri: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def _merged_graph(old: Graph, fresh: Graph, affected: set[str], conforms: bool) -> Graph:
    """The report graph: the old results of unaffected focus nodes and the fresh results of the
    affected ones, with each SPARQL constraint described once."""
    merged = Graph()
    bind_prefixes(merged.namespace_manager)
    report = BNode()
    merged.add((report, RDF.type, SH.ValidationReport))
    merged.add((report, SH.conforms, Literal(conforms)))
    for graph, take_affected in ((old, False), (fresh, True)):
        for result in graph.subjects(RDF.type, SH.ValidationResult):
            if (str(graph.value(result, SH.focusNode)) in affected) != take_affected:
                continue
            merged.add((report, SH.result, result))
            _copy_closure(graph, result, merged)
    _describe_constraints_once(merged)
    return merged


def _copy_closure(source: Graph, node: Node, target: Graph) -> None:
    pending, seen = [node], set()
    while pending:
        subject = pending.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for predicate, obj in source.predicate_objects(subject):
            target.add((subject, predicate, obj))
            if isinstance(obj, BNode):
                pending.append(obj)


def _describe_constraints_once(graph: Graph) -> None:
    first: dict[frozenset, Node] = {}
    for result, constraint in list(graph.subject_objects(SH.sourceConstraint)):
        if not isinstance(constraint, BNode):
            continue
        description = frozenset(graph.predicate_objects(constraint))
        if any(isinstance(o, BNode) for _, o in description):
            continue
        kept = first.setdefault(description, constraint)
        if kept != constraint:
            graph.set((result, SH.sourceConstraint, kept))
            if (None, SH.sourceConstraint, constraint) not in graph:
                graph.remove((constraint, None, None))


def literal_forms(graphs: Iterable[tuple[str, Graph]], store: ox.Store) -> dict[str, dict]:
    """For each named graph (as rdflib parsed it): the literals that rdflib reads differently
    from the canonical form pyoxigraph stores (``3000000.0`` stored as ``3000000``), keyed by
    subject, predicate and stored form; ``exact`` is false when some literal of rdflib's has
    no stored counterpart to be found (e.g. under a blank node)."""
    table = {}
    for name, graph in graphs:
        graph_name = ox.NamedNode(name)
        read: dict[tuple[str, str, str], list[Literal]] = {}
        differs = set()
        exact = True
        for s, p, o in graph:
            if not isinstance(o, Literal) or not _may_be_rewritten(o):
                continue
            if isinstance(s, BNode):
                exact = False
                continue
            stored = next(
                store.quads_for_pattern(
                    to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), graph_name
                ),
                None,
            )
            if stored is None:
                exact = False
                continue
            key = (str(s), str(p), str(stored.object))
            read.setdefault(key, []).append(o)
            if _literal_key(to_rdflib_term(stored.object)) != _literal_key(o):
                differs.add(key)
        forms = [
            [*key, sorted([str(o), o.language, o.datatype and str(o.datatype)] for o in read[key])]
            for key in sorted(differs)
        ]
        table[name] = {"exact": exact, "forms": forms}
    return table


def _may_be_rewritten(literal: Literal) -> bool:
    if literal.language:
        return literal.language != literal.language.lower()
    return literal.datatype is not None


def _literal_key(literal: Node) -> tuple:
    return (str(literal), getattr(literal, "language", None), getattr(literal, "datatype", None))


def _n3s(terms: Iterable[Node]) -> list[str]:
    return [term.n3() for term in terms]


def _terms(texts: Iterable[str]) -> tuple:
    return tuple(from_n3(text) for text in texts)


def _sh(names: str) -> frozenset[URIRef]:
    return frozenset(SH[name] for name in names.split())


#: Parameters that say nothing about the data, and those that look only at the focus node's own
#: values (or, on values, at the value itself; sh:class at its types).
_PASSIVE = _sh(
    "targetClass targetNode targetSubjectsOf targetObjectsOf path message severity name "
    "description deactivated order group defaultValue prefixes declare"
)
_LOCAL = _sh(
    "class datatype nodeKind minExclusive minInclusive maxExclusive maxInclusive minLength "
    "maxLength pattern flags languageIn in hasValue minCount maxCount uniqueLang equals "
    "disjoint lessThan lessThanOrEquals qualifiedMinCount qualifiedMaxCount "
    "qualifiedValueShapesDisjoint closed ignoredProperties"
)
_SHAPE_LISTS = {SH["or"], SH["and"], SH.xone}


@dataclass(frozen=True)
class ShapeTargets:
    """The targets of a shape: classes (the shape's, with implicit class targets), nodes, and
    the properties whose subjects or objects it targets."""

    classes: frozenset[Node]
    nodes: frozenset[Node]
    subjects_of: frozenset[Node]
    objects_of: frozenset[Node]

    @classmethod
    def of(cls, shapes: Graph, shape: Node) -> ShapeTargets:
        """The targets the shape declares."""
        classes = set(shapes.objects(shape, SH.targetClass))
        if _is_class(shapes, shape):
            classes.add(shape)
        return cls(
            frozenset(classes),
            frozenset(shapes.objects(shape, SH.targetNode)),
            frozenset(shapes.objects(shape, SH.targetSubjectsOf)),
            frozenset(shapes.objects(shape, SH.targetObjectsOf)),
        )

    def __bool__(self) -> bool:
        return bool(self.classes or self.nodes or self.subjects_of or self.objects_of)


@dataclass(frozen=True)
class ShapesAnalysis:
    """What the incremental validation needs to know of the shapes: the joins of their SPARQL
    constraints; for each target class, the properties whose values' types its shapes check
    (under None, those checked for every focus node); whether targets depend on incoming edges."""

    joins: tuple[Join, ...]
    typed: dict[URIRef | None, frozenset[URIRef]]
    by_objects: bool
    targets: dict[URIRef, ShapeTargets]
    referenced: frozenset[Node]

    def as_json(self) -> dict:
        """The analysis as JSON, terms in N3."""
        return {
            "joins": [
                {
                    "shared": [[_n3s(this), _n3s(other)] for this, other in join.shared],
                    "other_predicates": _n3s(join.other_predicates),
                    "classes": None if join.classes is None else _n3s(join.classes),
                    "other_fixed": [[p.n3(), o.n3()] for p, o in join.other_fixed],
                }
                for join in self.joins
            ],
            "typed": [[None if c is None else c.n3(), _n3s(ps)] for c, ps in self.typed.items()],
            "by_objects": self.by_objects,
            "targets": [
                [
                    shape.n3(),
                    [_n3s(t.classes), _n3s(t.nodes), _n3s(t.subjects_of), _n3s(t.objects_of)],
                ]
                for shape, t in self.targets.items()
            ],
            "referenced": _n3s(self.referenced),
        }

    @classmethod
    def from_json(cls, data: dict) -> ShapesAnalysis:
        """The analysis read back from its JSON."""
        joins = tuple(
            Join(
                shared=tuple((_terms(this), _terms(other)) for this, other in join["shared"]),
                other_predicates=frozenset(_terms(join["other_predicates"])),
                classes=None if join["classes"] is None else frozenset(_terms(join["classes"])),
                other_fixed=tuple((from_n3(p), from_n3(o)) for p, o in join["other_fixed"]),
            )
            for join in data["joins"]
        )
        return cls(
            joins=joins,
            typed={
                None if c is None else from_n3(c): frozenset(_terms(ps)) for c, ps in data["typed"]
            },
            by_objects=data["by_objects"],
            targets={
                from_n3(shape): ShapeTargets(*(frozenset(_terms(terms)) for terms in targets))
                for shape, targets in data["targets"]
            },
            referenced=frozenset(_terms(data["referenced"])),
        )

    def typed_for(self, classes: Iterable[Node]) -> frozenset[URIRef]:
        """The properties whose values' types are checked on an instance of these classes."""
        found = set(self.typed.get(None, ()))
        for cls in classes:
            found |= self.typed.get(cls, frozenset())
        return frozenset(found)


def _cached_analysis(shapes: Graph, validator: str) -> ShapesAnalysis:
    """analyse_shapes, its answer kept in the cache for these shapes (parsing SPARQL is slow)."""
    path = cache_dir() / f".shapes-{validator}.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        try:
            saved = {"analysis": analyse_shapes(shapes).as_json()}
        except Unsupported as why:
            saved = {"unsupported": str(why)}
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(saved).encode("utf-8"))
    if "unsupported" in saved:
        raise Unsupported(saved["unsupported"])
    return ShapesAnalysis.from_json(saved["analysis"])


def analyse_shapes(shapes: Graph) -> ShapesAnalysis:
    """Check that the shapes stay within what the incremental validation follows (see the module
    docstring) and say what it needs to know of them; raises Unsupported if they do not."""
    if (None, RDF.type, SH.ConstraintComponent) in shapes:
        raise Unsupported("the shapes declare their own constraint components")
    seen: set[tuple[Node, bool]] = set()
    roots = set(shapes.subjects(RDF.type, SH.NodeShape))
    roots |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        roots |= set(shapes.subjects(target, None))
    typed: dict[URIRef | None, set[URIRef]] = {}
    targeting: dict[URIRef, ShapeTargets] = {}
    for shape in roots:
        _check_shape(shapes, shape, False, seen)
        targets = ShapeTargets.of(shapes, shape)
        if not targets:
            continue
        if not isinstance(shape, URIRef):
            raise Unsupported("a blank node shape has targets")
        targeting[shape] = targets
        keys: set[URIRef | None] = set(targets.classes)
        if targets.nodes or targets.subjects_of or targets.objects_of:
            keys.add(None)
        for key in keys:
            typed.setdefault(key, set()).update(_typed_predicates(shapes, shape, set()))
    joins = []
    for constraint in set(shapes.objects(None, SH.sparql)):
        joins += _joins(shapes, constraint)
    return ShapesAnalysis(
        joins=tuple(joins),
        typed={cls: frozenset(predicates) for cls, predicates in typed.items()},
        by_objects=(None, SH.targetObjectsOf, None) in shapes,
        targets=targeting,
        referenced=frozenset(
            child
            for shape in set(shapes.subjects())
            for child in [*_combined(shapes, shape), *shapes.objects(shape, SH.property)]
            if isinstance(child, URIRef)
        ),
    )


def _typed_predicates(shapes: Graph, shape: Node, seen: set) -> set[URIRef]:
    """The properties whose values' types the shape checks when applied to a focus node."""
    if shape in seen:
        return set()
    seen.add(shape)
    path = shapes.value(shape, SH.path)
    if path is not None:
        return {path} if _checks_types(shapes, shape, set()) else set()
    found: set[URIRef] = set()
    for child in _combined(shapes, shape) + list(shapes.objects(shape, SH.property)):
        found |= _typed_predicates(shapes, child, seen)
    return found


def _checks_types(shapes: Graph, shape: Node, seen: set) -> bool:
    """Whether the shape looks at the types of the nodes it is applied to (sh:class, in it or
    in the shapes it combines)."""
    if shape in seen:
        return False
    seen.add(shape)
    if (shape, SH["class"], None) in shapes:
        return True
    return any(_checks_types(shapes, child, seen) for child in _combined(shapes, shape))


def _combined(shapes: Graph, shape: Node) -> list[Node]:
    """The shapes a shape applies to the same nodes as itself (or, on a property, its values)."""
    members = [
        m for p in _SHAPE_LISTS for o in shapes.objects(shape, p) for m in Collection(shapes, o)
    ]
    for predicate in (SH["not"], SH.node, SH.qualifiedValueShape):
        members += list(shapes.objects(shape, predicate))
    return members


def _name(shapes: Graph, node: Node) -> str:
    return shapes.namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else "a shape"


def _check_shape(shapes: Graph, shape: Node, on_values: bool, seen: set) -> None:
    """Raise Unsupported if the shape, applied to focus nodes (or, with ``on_values``, to the
    values of a focus node's properties), looks further than the module docstring allows."""
    if (shape, on_values) in seen:
        return
    seen.add((shape, on_values))
    name = _name(shapes, shape)
    path = shapes.value(shape, SH.path)
    if path is not None and not isinstance(path, URIRef):
        raise Unsupported(f"{name} has a property path other than a single property")
    if path is not None and on_values:
        raise Unsupported(f"{name} looks at the properties of the values of a property")
    inner = on_values or path is not None
    for predicate, obj in shapes.predicate_objects(shape):
        if not str(predicate).startswith(str(SH)) or predicate in _PASSIVE | _LOCAL:
            continue
        if predicate in _SHAPE_LISTS:
            for member in Collection(shapes, obj):
                _check_shape(shapes, member, inner, seen)
        elif predicate in (SH["not"], SH.node, SH.property):
            _check_shape(shapes, obj, inner, seen)
        elif predicate == SH.qualifiedValueShape:
            _check_shape(shapes, obj, True, seen)
        elif predicate == SH.sparql:
            if inner:
                raise Unsupported(f"{name} has a SPARQL constraint on the values of a property")
        else:
            raise Unsupported(f"{name} uses {_name(shapes, predicate)}")


def _joins(shapes: Graph, constraint: Node) -> list[Join]:
    """The joins of one SPARQL constraint (none if it looks only at $this's own triples)."""
    from rdflib.plugins.sparql import prepareQuery

    name = ", ".join(sorted(_name(shapes, s) for s in shapes.subjects(SH.sparql, constraint)))
    text = shapes.value(constraint, SH.select)
    if text is None:
        raise Unsupported(f"{name} has a SPARQL constraint without sh:select")
    prefixes = {
        str(shapes.value(declaration, SH.prefix)): str(shapes.value(declaration, SH.namespace))
        for ontology in shapes.objects(constraint, SH.prefixes)
        for declaration in shapes.objects(ontology, SH.declare)
    }
    query = prepareQuery(str(text), initNs=prefixes)
    patterns = list(dict.fromkeys(_triple_patterns(query.algebra, name)))
    this = Variable("this")
    for _, predicate, obj in patterns:
        if not isinstance(predicate, URIRef):
            raise Unsupported(f"{name}: a SPARQL pattern with a path or a variable predicate")
        if obj == this:
            raise Unsupported(f"{name}: a SPARQL pattern with $this as object")
    from_this: dict[Node, list[URIRef]] = {}
    for subject, predicate, obj in patterns:
        if subject == this and isinstance(obj, Variable | BNode):
            from_this.setdefault(obj, []).append(predicate)
    classes = _classes_checked(shapes, constraint)
    joins = []
    for other in {s for s, _, _ in patterns} - {this}:
        if not isinstance(other, Variable | BNode):
            raise Unsupported(f"{name}: a SPARQL pattern about a fixed node")
        if any(obj == other for _, _, obj in patterns):
            raise Unsupported(f"{name}: a SPARQL path through {other.n3()}")
        own = [(p, o) for s, p, o in patterns if s == other]
        shared: dict[Node, list[URIRef]] = {}
        for predicate, obj in own:
            if obj in from_this:
                shared.setdefault(obj, []).append(predicate)
            elif isinstance(obj, Variable | BNode) and _uses(patterns, obj) > 1:
                raise Unsupported(f"{name}: a SPARQL join on {obj.n3()} without $this")
        if not shared:
            raise Unsupported(f"{name}: {other.n3()} is not joined to $this by a shared value")
        joins.append(
            Join(
                shared=tuple((tuple(from_this[v]), tuple(ps)) for v, ps in shared.items()),
                other_predicates=frozenset(p for p, _ in own) | {RDF.type},
                classes=classes,
                other_fixed=tuple((p, o) for p, o in own if isinstance(o, URIRef | Literal)),
            )
        )
    return joins


def _grouped_triples(triples: list) -> Iterator[tuple]:
    """The triples of a block as 3-tuples: in a FILTER EXISTS block rdflib gives the triples of
    a subject written with ";" as one flat run of terms."""
    for run in triples:
        for start in range(0, len(run), 3):
            yield tuple(run[start : start + 3])


def _uses(patterns: list[tuple], term: Node) -> int:
    return sum(1 for s, _, o in patterns for t in (s, o) if t == term)


def _classes_checked(shapes: Graph, constraint: Node) -> frozenset[URIRef] | None:
    classes: set[URIRef] = set()
    for owner in shapes.subjects(SH.sparql, constraint):
        if any(
            (owner, kind, None) in shapes
            for kind in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        ):
            return None
        classes |= set(shapes.objects(owner, SH.targetClass))
        if _is_class(shapes, owner):
            classes.add(owner)
    return frozenset(classes)


def _triple_patterns(node: object, name: str) -> Iterator[tuple]:
    """Every triple pattern of a SPARQL algebra tree, FILTER (NOT) EXISTS included."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name in ("Graph", "GraphGraphPattern", "ServiceGraphPattern"):
            raise Unsupported(f"{name}: a SPARQL constraint with GRAPH or SERVICE")
        if "triples" in node:
            yield from _grouped_triples(node["triples"])
        for key, value in node.items():
            if key != "triples":
                yield from _triple_patterns(value, name)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _triple_patterns(item, name)
