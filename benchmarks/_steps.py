"""Benchmark steps run in a fresh process by run.py; each prints one JSON line per timed phase.

    python benchmarks/run.py --step load-rdflib --data DIR [--timeout 300] [--only a,b]

A line is ``{"phase": name, "seconds": s, ...}``; a phase that overruns ``--timeout`` prints
``{"phase": name, "timeout": true}`` (where Python gets control back; run.py kills the process
where it does not), one that fails ``{"phase": name, "error": text}``. Setup that is not the
figure being measured (loading the graph before validating, querying or exporting) is reported
as phase ``prepare``. Libraries are called directly: rdflib through itugraph.graph.load_graph,
pyoxigraph through ``Store.bulk_load`` of the same Turtle files.
"""

from __future__ import annotations

import json
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STEPS = (
    "load-rdflib",
    "load-oxigraph",
    "validate",
    "queries-rdflib",
    "queries-oxigraph",
    "export-rdflib",
    "export-oxigraph",
)
EXPORTS = ("nt", "ttl")


class PhaseTimeout(BaseException):
    """The phase ran past its time limit (a BaseException, so library code does not swallow it)."""


def _alarm(signum: int, frame: object) -> None:
    raise PhaseTimeout


@contextmanager
def _limit(seconds: float) -> Iterator[None]:
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def emit(record: dict[str, Any]) -> None:
    """Print one JSON line and flush, so run.py sees it at once."""
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def phase(
    name: str,
    timeout: float,
    work: Callable[[], dict[str, Any] | None],
    describe: Callable[[Any], dict[str, Any]] | None = None,
) -> Any:
    """Time ``work`` under the limit and emit its record; return its ``_value`` (else True).

    ``describe`` adds untimed details (counts) about the value to the record.
    """
    started = time.perf_counter()
    try:
        with _limit(timeout):
            details = work() or {}
        seconds = time.perf_counter() - started
        if describe is not None:
            details.update(describe(details.get("_value")))
    except PhaseTimeout:
        emit({"phase": name, "timeout": True})
        return None
    except Exception as error:
        emit({"phase": name, "error": f"{type(error).__name__}: {error}"[:500]})
        traceback.print_exc()
        return None
    value = details.pop("_value", None)
    emit({"phase": name, "seconds": round(seconds, 6), **details})
    return value if value is not None else True


def load_rdflib(data: Path):
    """The graph as the package builds it: an rdflib Dataset, one named graph per file."""
    from itugraph.graph import load_graph

    return load_graph(data)


def load_oxigraph(data: Path):
    """The pyoxigraph Store as the package builds it (itugraph.store.load_oxigraph): each file in
    its named graph, the duplicate-free union as the default graph."""
    from itugraph.graph import source_files
    from itugraph.store import load_oxigraph as build

    return build(source_files(data))


def _counts_rdflib(dataset) -> dict[str, int]:
    return {"quads": sum(1 for _ in dataset.quads())}


def _counts_oxigraph(store) -> dict[str, int]:
    import pyoxigraph as ox

    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return {"quads": len(store) - default, "union_triples": default}


def canned_queries() -> list[tuple[str, str, dict]]:
    """Every canned query with its default parameters (the example where one is required)."""
    from itugraph.queries import catalogue

    out = []
    for name, query in sorted(catalogue().items()):
        values = {p.name: p.example for p in query.parameters if p.required and p.default is None}
        out.append((name, query.text, query.bindings(values)))
    return out


def _rows(result) -> int:
    if result.type == "ASK":
        return 1
    if result.type == "CONSTRUCT":
        return len(result.graph)
    return len(result.bindings)


def prefixes() -> dict[str, str]:
    """The project's prefixes, for Turtle output."""
    from rdflib import Graph

    from itugraph.namespaces import bind_prefixes

    graph = Graph(bind_namespaces="none")
    bind_prefixes(graph.namespace_manager)
    return {prefix: str(namespace) for prefix, namespace in graph.namespaces()}


def run(step: str, data: Path, timeout: float, only: list[str] | None) -> None:
    """Run one step on the data folder, emitting its phases."""
    import pyoxigraph  # noqa: F401  (imports are not part of any figure)

    import itugraph.graph
    import itugraph.queries
    import itugraph.serialization
    import itugraph.store
    import itugraph.validation  # noqa: F401

    if step == "load-rdflib":
        phase("load", timeout, lambda: {"_value": load_rdflib(data)}, _counts_rdflib)
    elif step == "load-oxigraph":
        phase("load", timeout, lambda: {"_value": load_oxigraph(data)}, _counts_oxigraph)
    elif step == "validate":
        from itugraph.validation import load_shapes, validate

        state: dict[str, Any] = {}

        def prepare() -> dict[str, Any]:
            state["dataset"], state["shapes"] = load_rdflib(data), load_shapes()
            return {}

        def check() -> dict[str, Any]:
            report = validate(state["dataset"], state["shapes"])
            return {"conforms": report.conforms, "results": len(report.results)}

        if phase("prepare", timeout, prepare):
            phase("validate", timeout, check)
    elif step in ("queries-rdflib", "queries-oxigraph"):
        _queries(step.removeprefix("queries-"), data, timeout, only)
    elif step in ("export-rdflib", "export-oxigraph"):
        _exports(step.removeprefix("export-"), data, timeout, only)
    else:
        raise SystemExit(f"unknown step {step!r}; steps: {', '.join(STEPS)}")


def _queries(engine: str, data: Path, timeout: float, only: list[str] | None) -> None:
    if engine == "rdflib":
        from itugraph.queries import sparql as ask

        graph = phase("prepare", timeout, lambda: {"_value": load_rdflib(data)})
    else:
        from itugraph.store import oxigraph_query as ask

        graph = phase("prepare", timeout, lambda: {"_value": load_oxigraph(data)})
    if graph is None:
        return
    for name, text, bindings in canned_queries():
        if only is None or name in only:
            phase(name, timeout, lambda t=text, b=bindings: {"rows": _rows(ask(graph, t, b))})


def _exports(engine: str, data: Path, timeout: float, only: list[str] | None) -> None:
    formats = [f for f in EXPORTS if only is None or f in only]
    if engine == "rdflib":
        from itugraph.serialization import serialize

        dataset = phase("prepare", timeout, lambda: {"_value": load_rdflib(data)})
        if dataset is None:
            return
        for fmt in formats:
            phase(fmt, timeout, lambda f=fmt: {"bytes": len(serialize(dataset, f))})
        return
    import pyoxigraph as ox

    store = phase("prepare", timeout, lambda: {"_value": load_oxigraph(data)})
    if store is None:
        return
    syntax = {"nt": (ox.RdfFormat.N_TRIPLES, None), "ttl": (ox.RdfFormat.TURTLE, prefixes())}
    for fmt in formats:
        rdf_format, names = syntax[fmt]

        def dump(rdf_format=rdf_format, names=names) -> dict[str, Any]:
            output = store.dump(format=rdf_format, from_graph=ox.DefaultGraph(), prefixes=names)
            return {"bytes": len(output)}

        phase(fmt, timeout, dump)
