"""Build the knowledge graph: each data file into its named graph, queried as their union."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from .namespaces import GRAPH, ID, ITU, PROV, RDF, bind_prefixes
from .project import Project, as_project, relative_path

ONTOLOGY_GRAPH = GRAPH["ontology"]
REFERENCE_GRAPH = GRAPH["reference"]
#: Statements the curators infer rather than read in one report (data/curation.ttl): attributed
#: to itu:curators, never prov:wasDerivedFrom a document (docs/data-conventions.md).
CURATION_GRAPH = GRAPH["curation"]


class DataFileError(ValueError):
    """A curated Turtle file cannot be parsed; names the file and the line."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{relative_path(path)}:{line}" if line else relative_path(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class SourceFile:
    """One Turtle file and the named graph its statements load into."""

    path: Path
    graph: URIRef


def source_files(project: Project | Path | None = None) -> list[SourceFile]:
    """List every Turtle file of the graph with its named graph, ontology first.

    ``project`` is a Project, a data folder, or None for the project around the current
    directory (see ``itugraph.project``). In each data folder, ``reference/**`` loads into
    ``graph/reference``, ``curation.ttl`` into ``graph/curation``; ``{slug}.ttl`` and ``{slug}/**.ttl`` into ``graph/{slug}``, the graph
    of source document ``{slug}``.
    """
    project = as_project(project)
    files = [
        SourceFile(path, ONTOLOGY_GRAPH)
        for folder in project.ontology
        for path in sorted(folder.glob("*.ttl"))
    ]
    for folder in project.data:
        for path in sorted(folder.rglob("*.ttl")):
            slug = path.relative_to(folder).parts[0].removesuffix(".ttl")
            files.append(SourceFile(path, GRAPH[slug]))
    return files


def source_slugs(files: list[SourceFile]) -> list[str]:
    """The slugs of the source documents among the named graphs (not ontology, reference or
    curation)."""
    special = {ONTOLOGY_GRAPH, REFERENCE_GRAPH, CURATION_GRAPH}
    return sorted({str(f.graph).removeprefix(str(GRAPH)) for f in files if f.graph not in special})


def turtle_of(paths: list[Path]) -> bytes:
    """One Turtle document of these files: the file itself when there is one, else their merged
    statements."""
    if len(paths) == 1:
        return paths[0].read_bytes()
    merged = Graph()
    bind_prefixes(merged.namespace_manager)
    for path in paths:
        parse_turtle(path, merged)
    return merged.serialize(format="turtle", encoding="utf-8")


def turtle_syntax_error(path: Path) -> DataFileError | None:
    """pyoxigraph's account of a Turtle file's first syntax error (its line is the real one,
    where rdflib's does not count the lines inside long strings), or None if it parses."""
    try:
        for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            pass
    except SyntaxError as error:
        return native_syntax_error(path, error)
    return None


def native_syntax_error(path: Path, error: SyntaxError) -> DataFileError:
    """A pyoxigraph syntax error in a Turtle file, as the file, line and message to show."""
    return DataFileError(path, getattr(error, "lineno", None), f"Turtle syntax error: {error.msg}")


def parse_turtle(path: Path, into: Graph) -> None:
    """Parse one Turtle file into a graph, turning syntax errors into a DataFileError."""
    try:
        into.parse(path, format="turtle")
    except BadSyntax as error:
        native = turtle_syntax_error(path)
        if native is not None:
            raise native from None
        raise DataFileError(path, error.lines + 1, f"Turtle syntax error: {error._why}") from None
    except (SyntaxError, ValueError) as error:
        raise DataFileError(path, None, str(error)) from None


class KnowledgeGraph(Dataset):
    """The built graph: an rdflib Dataset (union default graph) that remembers its source files
    and the project they came from."""

    def __init__(
        self, source_files: list[SourceFile] | None = None, project: Project | None = None
    ) -> None:
        super().__init__(default_union=True)
        self.source_files = list(source_files or [])
        self.project = project

    def files_of_graph(self, graph: URIRef) -> list[Path]:
        """The curated files whose statements make up a named graph."""
        return [f.path for f in self.source_files if f.graph == graph]


def load_graph(project: Project | Path | None = None) -> KnowledgeGraph:
    """Load ontology and curated data into a Dataset whose default graph is the union.

    Each source document's statements sit in ``graph/{slug}``, which is described as derived
    from ``document/{slug}``, so every statement can be traced to the report that makes it.
    """
    project = as_project(project)
    files = source_files(project)
    dataset = KnowledgeGraph(files, project)
    bind_prefixes(dataset.namespace_manager)
    for source in files:
        parse_turtle(source.path, dataset.graph(source.graph))
    for subject, predicate, obj, graph in provenance_statements(files):
        dataset.graph(graph).add((subject, predicate, obj))
    return dataset


def provenance_statements(files: list[SourceFile]) -> list[tuple[URIRef, URIRef, URIRef, URIRef]]:
    """The provenance contract, stated once for every loader: each source document's named graph
    ``graph/{slug}`` is a prov:Entity derived from ``document/{slug}``; ``graph/curation``, if
    there is one, is a prov:Entity attributed to itu:curators and derived from no document (as
    quads: subject, predicate, object, graph)."""
    statements = []
    if any(f.graph == CURATION_GRAPH for f in files):
        statements.append((CURATION_GRAPH, RDF.type, PROV.Entity, CURATION_GRAPH))
        statements.append((CURATION_GRAPH, PROV.wasAttributedTo, ITU.curators, CURATION_GRAPH))
    for slug in source_slugs(files):
        graph = GRAPH[slug]
        statements.append((graph, RDF.type, PROV.Entity, graph))
        statements.append((graph, PROV.wasDerivedFrom, ID[f"document/{slug}"], graph))
    return statements


def iter_named_graphs(dataset: Dataset) -> Iterator[Graph]:
    """Yield the non-empty named graphs of a dataset, sorted by IRI."""
    graphs = [g for g in dataset.graphs() if len(g) and isinstance(g.identifier, URIRef)]
    yield from sorted(graphs, key=lambda g: str(g.identifier))
