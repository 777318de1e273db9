"""Keep curated Turtle in one canonical form: its leading comment block, then rdflib's sorted
long-form Turtle with the project's prefixes. ``itugraph format`` rewrites files into it."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .graph import parse_turtle
from .namespaces import bind_prefixes
from .resources import resource_path


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


def curated_files(data_dir: Path | None = None) -> list[Path]:
    """The curated Turtle files under data/ that are kept canonical."""
    return sorted((data_dir or resource_path("data")).rglob("*.ttl"))


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
