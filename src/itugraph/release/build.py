"""Write a release folder: check the version and issue date, write every artefact into a partial
folder, then rename it into place, so a release is complete or absent."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from datetime import date
from pathlib import Path

from rdflib import Dataset

from ..diff import Snapshot, read
from ..namespaces import BASE
from ..project import as_project
from ..serialization import write_atomic
from ..validation import ValidationReport, validate
from .changes import (
    PreviousRelease,
    PreviousReleaseError,
    changes_files,
    changes_from,
    read_previous,
)
from .description import checksums, describe
from .dumps import canonical_dataset, canonical_union, graph_dumps
from .index_page import index_html
from .jsonld import context_document, framed_initiatives, json_document, jsonld_context
from .ontology_page import ontology_html
from .schemas import ontology_turtle, shapes_turtle
from .validation_report import validation_report_turtle


class ReleaseError(ValueError):
    """A release that cannot be written as asked: an unsafe version name, a bad date, or a folder
    that is there already and would be replaced (or was not written by a release)."""


_SAFE_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


def check_version(version: str) -> None:
    """Raise ReleaseError unless ``version`` is a plain name, safe as a folder name."""
    if not _SAFE_VERSION.match(version) or set(version) <= {"."}:
        raise ReleaseError(
            f"version {version!r} is not a plain name (letters, digits, '.', '_', '+', '-')"
        )


def check_previous(previous: PreviousRelease, version: str, issued: str) -> None:
    """Raise ReleaseError when ``previous`` cannot come before release ``version`` issued on
    ``issued``: it is that version, or it was issued later."""
    if previous.iri == f"{BASE}release/{version}":
        raise ReleaseError(
            f"--previous {previous.folder} is release {previous.version}, the version being "
            "written; give an earlier release"
        )
    if previous.issued is not None and previous.issued > issued:
        raise ReleaseError(
            f"--previous {previous.folder} (release {previous.version}) was issued "
            f"{previous.issued}, after this release ({issued}); give an earlier release"
        )


def build_release(
    dataset: Dataset,
    out_dir: Path,
    version: str,
    issued: str | None = None,
    endpoint: str | None = None,
    report: ValidationReport | None = None,
    force: bool = False,
    previous: Path | PreviousRelease | None = None,
) -> dict[str, Path]:
    """Write the release folder ``out_dir/{version}``; returns its files by name. Two runs with the
    same inputs and issue date write byte-identical files.

    ``version`` must be a plain name (letters, digits, ``.``, ``_``, ``+``, ``-``; not ``.`` or
    ``..``); ``issued`` a real date, YYYY-MM-DD. An existing version folder is replaced only with
    ``force``, and only if it is a release (it has SHA256SUMS); nothing else is ever deleted.

    ``previous``, an earlier release (its folder, or :func:`.changes.read_previous`'s reading of
    it; not this version, not issued after ``issued``), adds ``changes.md`` and ``changes.json``
    (the changes from it to this release) and links the two in dataset.ttl
    (``dcat:previousVersion``, ``prov:wasRevisionOf``)."""
    check_version(version)
    try:
        issued = date.fromisoformat(issued).isoformat() if issued else date.today().isoformat()
    except ValueError:
        raise ReleaseError(f"issue date {issued!r} is not a date YYYY-MM-DD") from None
    if isinstance(previous, Path):
        try:
            previous = read_previous(previous)
        except PreviousReleaseError as error:
            raise ReleaseError(str(error)) from None
    if previous is not None:
        check_previous(previous, version, issued)
    final = out_dir / version
    if final.exists() and not force:
        raise ReleaseError(f"{final} is there already; give --force to replace it")
    if final.exists() and not (final / "SHA256SUMS").is_file():
        raise ReleaseError(f"{final} is not a release (no SHA256SUMS); not replacing it")
    folder = out_dir / f".{version}.partial-{os.getpid()}"
    created = [path for path in (out_dir, *out_dir.parents) if not path.exists()]
    folder.mkdir(parents=True)
    try:
        files = _write_release(dataset, folder, version, issued, endpoint, report, previous)
        if final.exists():
            shutil.rmtree(final)
        folder.rename(final)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        for path in created:  # the folders made for the output, deepest first, if still empty
            with contextlib.suppress(OSError):
                path.rmdir()
        raise
    return {name: final / name for name in files}


def _write_release(
    dataset: Dataset,
    folder: Path,
    version: str,
    issued: str,
    endpoint: str | None,
    report: ValidationReport | None,
    previous: PreviousRelease | None = None,
) -> dict[str, Path]:
    files: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        files[name] = folder / name
        write_atomic(files[name], data)

    canonical = canonical_dataset(dataset)
    union = canonical_union(canonical)
    context = jsonld_context(dataset)
    for name, data in graph_dumps(canonical, union, context).items():
        put(name, data)
    put("itugraph.context.jsonld", context_document(context))
    put("initiatives.jsonld", json_document(framed_initiatives(union, context)))
    project = getattr(dataset, "project", None) or as_project(None)
    put("ontology.ttl", ontology_turtle(project))
    put("ontology.html", ontology_html(files["ontology.ttl"]))
    put("shapes.ttl", shapes_turtle(project))
    report = report or validate(dataset)
    put("validation-report.ttl", validation_report_turtle(report))
    if previous is not None:
        released = Snapshot(f"release {version}", read(files["graph.nq"], "NEW").quads)
        for name, data in changes_files(changes_from(previous, released)).items():
            put(name, data)
    before = None if previous is None else (previous.iri, previous.version)
    description = describe(dataset, version, issued, dict(files), endpoint, before)
    put("dataset.ttl", description.serialize(format="turtle", encoding="utf-8"))
    put("index.html", index_html(dict(files), version, issued, endpoint, report.conforms, before))
    put("SHA256SUMS", checksums(files))
    return files
