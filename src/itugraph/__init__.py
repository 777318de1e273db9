"""itugraph: a knowledge graph of the ITU's regional presence, with SHACL validation and canned SPARQL.

The public API, which the ``itugraph`` command wraps::

    from itugraph import load_graph, validate, run_query, export
    graph = load_graph()
    report = validate(graph)
    for row in run_query("field-offices", graph, region="AFR"):
        print(row.office, row.city)
    export(graph, "nq", "itugraph.nq")
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

#: Public names and the module each lives in, imported on first use so that the command starts fast.
_EXPORTS = {
    "export": "export",
    "DataFileError": "graph",
    "load_graph": "graph",
    "open_store": "store",
    "ParameterError": "queries",
    "QueryError": "queries",
    "UnknownQueryError": "queries",
    "catalogue": "queries",
    "run_query": "queries",
    "ValidationReport": "validate",
    "validate": "validate",
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'itugraph' has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)


__all__ = [
    "DataFileError",
    "ParameterError",
    "QueryError",
    "UnknownQueryError",
    "ValidationReport",
    "__version__",
    "catalogue",
    "export",
    "load_graph",
    "open_store",
    "run_query",
    "validate",
]
