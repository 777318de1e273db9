"""The source documents a project's facts come from, as its manifest lists them.

Each data folder keeps its documents in ``sources/`` with a manifest, ``sources/README.md``,
whose table gives each file's SHA-256 and name (``| `sha256` | `file` | …``). The manifest is the
list tests and tools count: adding a report adds one row, and nothing else hard-codes how many
documents there are.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .project import Project, as_project

MANIFEST = Path("sources") / "README.md"
_ROW = re.compile(r"^\|\s*`([0-9a-f]{64})`\s*\|\s*`([\w.-]+\.[A-Za-z0-9]+)`\s*\|", re.MULTILINE)


@dataclass(frozen=True)
class SourceDocument:
    """One source document: its slug (the name of its data file and named graph), its copy
    under ``sources/`` and the SHA-256 the manifest records for it."""

    slug: str
    path: Path
    sha256: str

    def intact(self) -> bool:
        """Whether the copy's bytes still have the recorded SHA-256."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest() == self.sha256


def source_documents(project: Project | Path | None = None) -> list[SourceDocument]:
    """Every document listed in the manifests of the project's data folders, in manifest order."""
    documents = []
    for folder in as_project(project).data:
        manifest = folder / MANIFEST
        if not manifest.is_file():
            continue
        for digest, name in _ROW.findall(manifest.read_text(encoding="utf-8")):
            path = manifest.parent / name
            documents.append(SourceDocument(Path(name).stem, path, digest))
    return documents
