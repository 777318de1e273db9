"""The import graph of src/itugraph has no cycle, counting imports inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "itugraph"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    candidate = f"{target}.{alias.name}"
                    edges[name].add(candidate if candidate in modules else target)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("itugraph"):
                edges[name].add(node.module)
    return {
        name: {t for t in targets if t in modules and t != name} for name, targets in edges.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        for following in sorted(edges[node]):
            if following in path:
                found.append([*path[path.index(following) :], following])
            elif following not in done:
                visit(following, [*path, following])
        done.add(node)

    for start in sorted(edges):
        visit(start, [start])
    return found


def test_no_import_cycle():
    # The package's __init__ re-exports the public API; a submodule reading __version__ from it
    # is the one edge back to the package, and it is not a cycle through a submodule.
    edges = imports()
    edges["itugraph"] = set()
    assert cycles(edges) == []
