"""From a report to a draft: read it, look up the graph's vocabularies, extract candidates,
find conflicts, and write the draft Turtle and its review report to a folder."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ..passages import Passage
from ..project import Project, as_project
from ..sources import MANIFEST, source_documents
from .draft import (
    DocumentInfo,
    accepted,
    draft_graph,
    draft_turtle,
    find_conflicts,
    header_lines,
)
from .extract import extract
from .gazetteer import Gazetteer, build_gazetteer
from .model import Candidate, IngestError, SourceText, slugify
from .read import MAX_BYTES, TEXT_EXTENSIONS, read_source
from .review import review_html, review_markdown


@dataclass
class Draft:
    """A report read and its candidates, ready to be reviewed or accepted."""

    info: DocumentInfo
    source: SourceText
    candidates: list[Candidate]
    gazetteer: Gazetteer
    project: Project
    notes: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the report's bytes, as the manifest records it."""
        return hashlib.sha256(self.source.data).hexdigest()

    def kept(self, reject: set[str] = frozenset()) -> list[Candidate]:
        """The candidates written to the draft when ``reject`` are left out."""
        return accepted(self.candidates, reject)

    def turtle(self, reject: set[str] = frozenset()) -> str:
        """The draft Turtle, in the canonical form of ``data/{slug}.ttl``."""
        kept = self.kept(reject)
        graph = draft_graph(self.info, kept, self.gazetteer)
        return draft_turtle(self.info, graph, header_lines(self.info, kept, self.candidates))


def own_data_folder(project: Project) -> Path:
    """The data folder ingest writes to: the project's own (not the package's)."""
    own = [f for f in project.data if project.root is None or f.is_relative_to(project.root)]
    return (own or list(project.data))[-1]


def prepare(
    path: Path,
    project: Project | Path | None = None,
    *,
    slug: str | None = None,
    title: str | None = None,
    date: str | None = None,
    language: str | None = None,
    use_cache: bool = True,
    max_bytes: int = MAX_BYTES,
) -> Draft:
    """Read a report and extract its candidate facts against the project's graph.

    Raises IngestError for an unreadable report, a slug that is not a slug, or a slug whose
    source is already a different document.
    """
    from ..store import open_store
    from ..validation import load_shapes

    project = as_project(project)
    source = read_source(Path(path), max_bytes)
    slug = slug or slugify(Path(path).stem)
    if not slug or slug != slugify(slug):
        raise IngestError(f"{slug!r} is not a slug (lower-case ASCII words joined by '-')")
    source_name = f"{slug}{source.extension}"
    sha256 = hashlib.sha256(source.data).hexdigest()
    _check_slug(project, slug, source_name, sha256)
    notes = []
    if not (title or source.title):
        notes.append("The document states no title; the file name is used (set one with --title).")
    info = DocumentInfo(
        slug=slug,
        title=title or source.title or Path(path).stem,
        date=date or source.date,
        language=language or source.language or "en",
        source_name=source_name,
    )
    if source.extension not in TEXT_EXTENSIONS:
        notes.append(
            f"Passages point into the text extracted from the {source.extension} file, kept "
            f"beside this report as {slug}.txt."
        )
    store = open_store(project, use_cache=use_cache)
    gazetteer = build_gazetteer(store, load_shapes(project), slug)
    candidates = extract(slug, source.text, gazetteer, info.language)
    texts = _source_texts(project)
    find_conflicts(
        candidates, gazetteer, lambda graph, subject: _passage_of(texts, gazetteer, graph, subject)
    )
    return Draft(info, source, candidates, gazetteer, project, notes)


def _check_slug(project: Project, slug: str, source_name: str, sha256: str) -> None:
    """Refuse a slug that names another document: a manifest row or a data file of that slug
    whose source is not these bytes."""
    for document in source_documents(project):
        if document.slug == slug and (
            document.sha256 != sha256 or document.path.name != source_name
        ):
            raise IngestError(
                f"slug {slug!r} is already the document {document.path.name} with another "
                f"SHA-256; choose another --slug"
            )
    listed = {d.slug for d in source_documents(project)}
    for folder in project.data:
        if (folder / f"{slug}.ttl").exists() and slug not in listed:
            raise IngestError(
                f"slug {slug!r} is already used by {folder / f'{slug}.ttl'}, which lists no "
                f"source in {MANIFEST}; choose another --slug"
            )


def _source_texts(project: Project) -> dict[str, str]:
    texts = {}
    for document in source_documents(project):
        if document.path.suffix in TEXT_EXTENSIONS and document.path.is_file():
            texts[document.slug] = document.path.read_text(encoding="utf-8")
    return texts


def _passage_of(
    texts: dict[str, str], gazetteer: Gazetteer, graph: str, subject: URIRef
) -> Passage | None:
    """Where another document states something of an entity: its label's first occurrence."""
    text = texts.get(graph)
    if text is None:
        return None
    for language in ("en", "zh", ""):
        label = gazetteer.label(subject, language)
        if label and label in text:
            start = text.index(label)
            return Passage.of(graph, text, start, start + len(label))
    return None


def write_draft(draft: Draft, folder: Path, reject: set[str] = frozenset()) -> list[Path]:
    """Write the draft Turtle, review.md and review.html (and, for a .docx, .pdf or .html
    report, the extracted text its passages point into) to ``folder``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        kept = draft.kept(reject)
        files = {
            f"{draft.info.slug}.ttl": draft.turtle(reject),
            "review.md": review_markdown(draft.info, draft.candidates, kept, draft.notes),
            "review.html": review_html(
                draft.info, draft.source.text, draft.candidates, kept, draft.notes
            ),
        }
        if draft.source.extension not in TEXT_EXTENSIONS:
            files[f"{draft.info.slug}.txt"] = draft.source.text
        written = []
        for name, text in files.items():
            target = folder / name
            target.write_text(text, encoding="utf-8")
            written.append(target)
    except OSError as error:
        raise IngestError(
            f"cannot write the draft to {folder}: {error.strerror or error}"
        ) from None
    return written


def parse_ids(values: tuple[str, ...] | list[str]) -> set[str]:
    """Candidate ids from ``--reject`` values ("E2,P1" or several options)."""
    return {part for value in values for part in re.split(r"[,\s]+", value) if part}
