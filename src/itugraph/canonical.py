"""Keep curated Turtle in one canonical form: its leading comment block, then rdflib's sorted
long-form Turtle with the project's prefixes. ``itugraph format`` rewrites files into it."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .graph import parse_turtle
from .namespaces import bind_prefixes
from .project import Project, as_project


def leading_comments(text: str) -> list[str]:
    """The comment lines at the top of a Turtle file, before any statement."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            lines.append(line.rstrip())
        elif line.strip():
            break
    return lines


def canonical_turtle(path: Path) -> str:
    """The canonical text of a Turtle file: same triples, same header comments, stable layout."""
    graph = Graph(bind_namespaces="none")
    parse_turtle(path, graph)
    bind_prefixes(graph.namespace_manager)
    body = graph.serialize(format="longturtle")
    header = leading_comments(path.read_text(encoding="utf-8"))
    return "\n".join(header) + ("\n" if header else "") + body.strip() + "\n"


def curated_files(project: Project | Path | None = None) -> list[Path]:
    """The curated Turtle files kept canonical: those of the project's own data folders (not the
    package's, which a data repository only reads)."""
    project = as_project(project)
    own = [
        folder
        for folder in project.data
        if project.root is None or folder.is_relative_to(project.root)
    ]
    return sorted(path for folder in own or project.data for path in folder.rglob("*.ttl"))


def format_files(paths: list[Path], check: bool = False) -> list[Path]:
    """Rewrite files in canonical form (or, with check, only report them); returns those not canonical."""
    changed = []
    for path in paths:
        canonical = canonical_turtle(path)
        if path.read_text(encoding="utf-8") != canonical:
            changed.append(path)
            if not check:
                path.write_text(canonical, encoding="utf-8")
    return changed
