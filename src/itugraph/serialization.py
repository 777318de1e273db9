"""Write the graph in an RDF syntax, to a file atomically (complete or absent) or to a stream."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import IO

from rdflib import Dataset, Graph

#: Export formats: our name -> (rdflib serializer, keeps named graphs)
EXPORT_FORMATS: dict[str, tuple[str, bool]] = {
    "ttl": ("turtle", False),
    "nt": ("nt", False),
    "nq": ("nquads", True),
    "trig": ("trig", True),
    "jsonld": ("json-ld", True),
    "xml": ("xml", False),
}


def sorted_lines(data: bytes) -> bytes:
    """N-Triples or N-Quads in their canonical order: each statement once, lines sorted. The one
    writer of sorted N-Triples that ``export`` and ``release`` share."""
    return b"".join(sorted(set(data.splitlines(keepends=True))))


def serialize(dataset: Dataset, fmt: str) -> bytes:
    """Serialize the graph: quad formats keep each statement's named graph, triple formats the union."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}"
        )
    serializer, keeps_graphs = EXPORT_FORMATS[fmt]
    if keeps_graphs:
        return dataset.serialize(format=serializer, encoding="utf-8")
    union = Graph()
    union.namespace_manager = dataset.namespace_manager
    for triple in dataset.triples((None, None, None)):
        union.add(triple)
    data = union.serialize(format=serializer, encoding="utf-8")
    return sorted_lines(data) if fmt == "nt" else data


def export(dataset: Dataset, fmt: str, dest: str | Path | IO[bytes] | None = None) -> None:
    """Write the graph in ``fmt`` to ``dest``: a path (written whole, then renamed), a binary stream,
    or standard output when None."""
    write_output(serialize(dataset, fmt), dest)


def write_output(data: bytes, dest: str | Path | IO[bytes] | None = None) -> None:
    """Write bytes to a path (whole, then renamed), a binary stream, or standard output (None)."""
    if dest is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if not isinstance(dest, str | Path):
        dest.write(data)
        return
    write_atomic(Path(dest), data)


def write_atomic(target: Path, data: bytes) -> None:
    """Write bytes to a file so that it is either complete or absent (temporary file, then rename)."""
    handle, temporary = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
