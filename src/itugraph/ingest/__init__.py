"""``itugraph ingest``: from a new ITU report to a reviewed draft of its graph, every candidate
fact with the passage that states it; accepted candidates become ``data/{slug}.ttl``.

Stages, one module each: ``read`` (the report to text), ``gazetteer`` (the graph's own
vocabularies), ``extract`` (patterns of the genre), ``draft`` (the Turtle), ``review`` (md and
html reports), ``accept`` (validated writing); ``pipeline`` runs them.
"""

from .accept import AcceptResult, accept
from .model import EXIT_CANNOT_RUN, EXIT_VIOLATIONS, Candidate, IngestError
from .pipeline import Draft, parse_ids, prepare, write_draft
from .read import MAX_BYTES

__all__ = [
    "EXIT_CANNOT_RUN",
    "EXIT_VIOLATIONS",
    "MAX_BYTES",
    "AcceptResult",
    "Candidate",
    "Draft",
    "IngestError",
    "accept",
    "parse_ids",
    "prepare",
    "write_draft",
]
