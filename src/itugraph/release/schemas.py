"""ontology.ttl and shapes.ttl: the ontology and the SHACL shapes of the project, each merged
from its source files into one Turtle file."""

from __future__ import annotations

from ..graph import ONTOLOGY_GRAPH, source_files, turtle_of
from ..project import Project
from ..validation import shapes_files


def ontology_turtle(project: Project) -> bytes:
    """The ontology: the Turtle of every source file loaded into the ontology graph."""
    return turtle_of([f.path for f in source_files(project) if f.graph == ONTOLOGY_GRAPH])


def shapes_turtle(project: Project) -> bytes:
    """The SHACL shapes the data is validated against."""
    return turtle_of(shapes_files(project))
