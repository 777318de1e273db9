"""itugraph: a knowledge graph of the ITU's regional presence, with SHACL validation and canned SPARQL.

The public API, which the ``itugraph`` command wraps::

    from itugraph import load_graph, validate, run_query, export
    graph = load_graph()
    report = validate(graph)
    for row in run_query("field-offices", graph, region="AFR"):
        print(row.office, row.city)
    export(graph, "nq", "itugraph.nq")
"""

from .graph import DataFileError, load_graph
from .queries import ParameterError, QueryError, UnknownQueryError, catalogue, run_query
from .serialization import export
from .store import open_store
from .validation import ValidationReport, validate

__version__ = "0.1.0"

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
