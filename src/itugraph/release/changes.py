"""The changes since a previous release: ``itugraph release --previous DIR`` writes them into the new
release as ``changes.md`` and ``changes.json`` (and ``itugraph serve --previous DIR`` shows them
on ``/changes``), from :func:`itugraph.diff.compare` and :func:`itugraph.diff_formats.render`:
the report ``itugraph diff DIR NEW`` writes, with the versions named by their release, not by
where they were read (so that a release does not depend on the folder it was built in).

A previous release is a folder ``itugraph release`` wrote: its ``SHA256SUMS``, its ``graph.nq``
(the graph compared) and its ``dataset.ttl``, whose one ``dcat:Dataset`` with a ``dcat:version``
gives the release's IRI, version and issue date (read, never guessed from the folder's name).
When SHA256SUMS lists ``graph.nq`` and ``dataset.ttl``, their checksums must match."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from ..diff import Changes, DiffError, Snapshot, compare, read
from ..diff_formats import render

#: The files a release with a previous version gains, with their media types.
CHANGES_FILES = {"changes.md": "text/markdown", "changes.json": "application/json"}
#: The files that make a folder a release, as far as --previous is concerned.
RELEASE_FILES = ("SHA256SUMS", "dataset.ttl", "graph.nq")
DCAT_VERSION = URIRef(f"{DCAT}version")


class PreviousReleaseError(ValueError):
    """A --previous folder that is not a release, or whose description cannot be read: one line."""


@dataclass(frozen=True)
class PreviousRelease:
    """An earlier release: its folder, dataset IRI, version, issue date (None when its
    description gives none), SHA256SUMS (bytes) and graph."""

    folder: Path
    iri: str
    version: str
    issued: str | None
    checksums: bytes
    snapshot: Snapshot


def read_previous(folder: Path, option: str = "--previous") -> PreviousRelease:
    """Read a release folder; PreviousReleaseError (``option`` starts its message) unless it is
    one."""
    where = f"{option} {folder}"
    if not folder.exists():
        raise PreviousReleaseError(f"{where}: no such folder")
    if not folder.is_dir():
        raise PreviousReleaseError(f"{where}: not a folder; give a release folder")
    for name in RELEASE_FILES:
        if not (folder / name).is_file():
            inside = sorted(p.parent.name for p in folder.glob(f"*/{RELEASE_FILES[0]}"))
            hint = f"; it holds the release folders {', '.join(inside)}" if inside else ""
            raise PreviousReleaseError(f"{where}: not a release folder (no {name}){hint}")
    try:
        checksums = (folder / "SHA256SUMS").read_bytes()
        listed = _checksums(checksums.decode("utf-8"))
        for name in ("graph.nq", "dataset.ttl"):
            digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
            if name in listed and listed[name] != digest:
                raise PreviousReleaseError(f"{where}: {name} does not match its SHA256SUMS line")
    except (OSError, UnicodeDecodeError) as error:
        raise PreviousReleaseError(f"{where}: cannot read it: {error}") from None
    iri, version, issued = _described(folder / "dataset.ttl", where)
    try:
        snapshot = read(folder, "previous release")
    except DiffError as error:
        raise PreviousReleaseError(f"{where}: {error}") from None
    return PreviousRelease(
        folder, iri, version, issued, checksums, Snapshot(f"release {version}", snapshot.quads)
    )


def _checksums(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        if name:
            found[name] = digest
    return found


def _described(path: Path, where: str) -> tuple[str, str, str | None]:
    """The release's dataset IRI, version and issue date, from its dataset.ttl."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises many kinds on a broken file
        message = " ".join(str(error).split())[:200]
        raise PreviousReleaseError(f"{where}: dataset.ttl is not Turtle: {message}") from None
    releases = sorted(
        {s for s in graph.subjects(RDF.type, DCAT.Dataset) if (s, DCAT_VERSION, None) in graph}
    )
    if len(releases) != 1:
        raise PreviousReleaseError(
            f"{where}: dataset.ttl describes {len(releases)} datasets with a dcat:version; "
            "a release's describes one"
        )
    release = releases[0]
    versions = sorted(str(v) for v in graph.objects(release, DCAT_VERSION))
    issued = graph.value(release, DCTERMS.issued)
    return str(release), versions[0], None if issued is None else str(issued)


def changes_from(previous: PreviousRelease, new: Snapshot) -> Changes:
    """The changes from the previous release to ``new`` (a snapshot named as it should read)."""
    return compare(previous.snapshot, new)


def changes_files(changes: Changes) -> dict[str, bytes]:
    """``changes.md`` and ``changes.json``: the Markdown and JSON reports of itugraph diff."""
    return {name: render(changes, name.rsplit(".", 1)[1]) for name in CHANGES_FILES}
