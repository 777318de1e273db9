"""Accepting a draft: the accepted candidates become ``data/{slug}.ttl``, the report's bytes its
copy under ``data/sources/`` with a manifest row, but only if the whole graph still conforms.

Nothing is written before validation passes; each file is written to a temporary file beside
it and renamed, so a refused or interrupted accept leaves no partial file. Accepting the same
report again writes nothing (the files are already what it would write).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ..graph import DataFileError, load_graph, provenance_statements, source_files
from ..namespaces import GRAPH
from ..sources import MANIFEST
from ..validation import ValidationReport, validate
from .model import EXIT_VIOLATIONS, IngestError
from .pipeline import Draft, own_data_folder


@dataclass(frozen=True)
class AcceptResult:
    """What an accept wrote (paths changed; empty when everything was already there) and the
    validation report of the graph with the draft in it."""

    written: list[Path]
    report: ValidationReport
    candidates: int


def accept(draft: Draft, reject: set[str] = frozenset()) -> AcceptResult:
    """Validate the project's graph with the draft as ``graph/{slug}``; if it conforms, write
    the data file, the source copy and its manifest row. Raises IngestError (exit 1) otherwise."""
    unknown = sorted(reject - {c.id for c in draft.candidates})
    if unknown:
        raise IngestError(f"--reject names no candidate: {', '.join(unknown)}")
    folder = own_data_folder(draft.project)
    turtle = draft.turtle(reject)
    report = _validate_with(draft, turtle)
    if not report.conforms:
        violations = [r for r in report.results if r.severity.endswith("Violation")]
        first = violations[0] if violations else None
        detail = f"; first: {first.focus} {first.message}" if first else ""
        error = IngestError(
            f"the graph with this draft does not conform ({len(violations)} violations){detail}; "
            "nothing was written",
            EXIT_VIOLATIONS,
        )
        error.report = report  # type: ignore[attr-defined]
        raise error
    data_file = folder / f"{draft.info.slug}.ttl"
    source_copy = folder / "sources" / draft.info.source_name
    manifest = folder / MANIFEST
    plan = [(data_file, turtle.encode("utf-8")), (source_copy, draft.source.data)]
    plan.append((manifest, _manifest_with(manifest, draft).encode("utf-8")))
    written = []
    try:
        staged = []
        for path, data in plan:
            if path.exists() and path.read_bytes() == data:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            staged.append((Path(temporary), path))
        for temporary, path in staged:
            os.replace(temporary, path)
            written.append(path)
    except OSError as error:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise IngestError(f"cannot write to {folder}: {error.strerror or error}") from None
    return AcceptResult(written, report, len(draft.kept(reject)))


def _validate_with(draft: Draft, turtle: str) -> ValidationReport:
    """The project's validation of its graph with ``graph/{slug}`` replaced by the draft."""
    try:
        dataset = load_graph(draft.project)
    except DataFileError as error:
        raise IngestError(f"cannot load the data: {error}") from None
    named = GRAPH[draft.info.slug]
    dataset.remove_graph(dataset.graph(named))
    target = dataset.graph(named)
    drafted = Graph()
    drafted.parse(data=turtle, format="turtle")
    for triple in drafted:
        target.add(triple)
    files = source_files(draft.project)
    if not any(f.graph == named for f in files):
        for subject, predicate, obj, graph in provenance_statements(
            [type(files[0])(Path(f"{draft.info.slug}.ttl"), named)]
        ):
            dataset.graph(graph).add((subject, predicate, obj))
    return validate(dataset)


def _manifest_with(manifest: Path, draft: Draft) -> str:
    """The manifest with this report's row added, unless a row of its file is already there."""
    text = manifest.read_text(encoding="utf-8") if manifest.exists() else _MANIFEST_HEAD
    if f"`{draft.info.source_name}`" in text:
        return text
    year = (draft.info.date or "")[:4] or "not given"
    title = " ".join(draft.info.title.replace("|", "/").split())
    original = Path(draft.source.path).name.replace("|", "/")
    row = (
        f"| `{draft.sha256}` | `{draft.info.source_name}` | not given | {year} | "
        f"{draft.info.language} | {title} | `{original}` (itugraph ingest) |"
    )
    return text.rstrip("\n") + "\n" + row + "\n"


_MANIFEST_HEAD = """# Source documents

| SHA-256 | file | body | year | language | document symbol / what it is | seed |
|---|---|---|---|---|---|---|
"""
