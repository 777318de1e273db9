"""The reports of :func:`itugraph.diff.diff`: Markdown, a standalone HTML page, JSON, and the RDF
Patch (written by :func:`itugraph.diff.patch_text`).

The JSON document (``"format": "itugraph-diff/1"``) has these keys, always in this order; lists
are sorted as the Markdown report shows them::

    format        "itugraph-diff/1"
    old, new      {"source": where it was read, "statements": quads, "graphs": named graphs}
    identical     true when there is no difference (then every list below is empty)
    summary       {"statements_added", "statements_removed", "entities_added",
                   "entities_removed", "entities_changed", "statements_moved"}: counts
    classes       [{"classes": [class IRI…], "label": class label,
                    "added" | "removed" | "changed": [entity…]}]
                  entity: {"iri", "label", "properties": [{"property": IRI, "label",
                           "old": [value…], "new": [value…]}]}
                  "old" holds the values only OLD has, "new" those only NEW has (every value of an
                  added or removed entity); a value is {"iri", "label"}, {"blank"} (a canonical
                  label) or {"value", "language"} / {"value", "datatype"} (a literal; no
                  datatype key for xsd:string)
    moved         [{"subject": value, "property": {"iri", "label"}, "object": value,
                    "from": [graph IRI…], "to": [graph IRI…]}]: statements both make, whose
                  named graphs changed ("from": no longer stating it, "to": newly stating it)
    graphs        [{"graph": IRI, "document": IRI or null, "label", "added", "removed"}]: the
                  named graphs whose statements changed, and how many
"""

from __future__ import annotations

import html
import json

import pyoxigraph as ox

from .diff import KINDS, Changes, EntityChange, PropertyChange, compact, patch_text

#: The report formats of ``itugraph diff``.
FORMATS = ("md", "html", "json", "patch")
FORMAT_VERSION = "itugraph-diff/1"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def render(changes: Changes, fmt: str) -> bytes:
    """The report in one of FORMATS, as UTF-8 bytes."""
    writers = {"md": as_markdown, "html": as_html, "json": as_json, "patch": patch_text}
    if fmt not in writers:
        raise ValueError(f"unknown diff format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return writers[fmt](changes).encode("utf-8")


# --- JSON --------------------------------------------------------------------------------------


def as_dict(changes: Changes) -> dict:
    """The report as a JSON-ready dictionary (keys in the module's docstring)."""

    def value(term) -> dict:
        if isinstance(term, ox.NamedNode):
            return {"iri": term.value, "label": changes.label(term.value)}
        if isinstance(term, ox.BlankNode):
            return {"blank": term.value}
        if term.language:
            return {"value": term.value, "language": term.language}
        if term.datatype.value == _XSD_STRING:
            return {"value": term.value}
        return {"value": term.value, "datatype": term.datatype.value}

    def prop(change: PropertyChange) -> dict:
        return {
            "property": change.predicate.value,
            "label": changes.label(change.predicate.value),
            "old": [value(v) for v in change.old],
            "new": [value(v) for v in change.new],
        }

    def entity(change: EntityChange) -> dict:
        return {
            "iri": change.iri,
            "label": changes.label(change.iri),
            "properties": [prop(p) for p in change.properties],
        }

    def side(snapshot) -> dict:
        return {
            "source": snapshot.source,
            "statements": len(snapshot.quads),
            "graphs": len(snapshot.graphs),
        }

    return {
        "format": FORMAT_VERSION,
        "old": side(changes.old),
        "new": side(changes.new),
        "identical": not changes,
        "summary": changes.summary,
        "classes": [
            {
                "classes": list(group.classes),
                "label": group.label,
                **{kind: [entity(e) for e in getattr(group, kind)] for kind in KINDS},
            }
            for group in changes.by_class()
        ],
        "moved": [
            {
                "subject": value(move.subject),
                "property": {
                    "iri": move.predicate.value,
                    "label": changes.label(move.predicate.value),
                },
                "object": value(move.object),
                "from": list(move.from_graphs),
                "to": list(move.to_graphs),
            }
            for move in changes.moved
        ],
        "graphs": [
            {
                "graph": g.graph,
                "document": g.document,
                "label": changes.graph_label(g.graph),
                "added": g.added,
                "removed": g.removed,
            }
            for g in changes.graphs
        ],
    }


def as_json(changes: Changes) -> str:
    """The report as JSON (indented, keys as documented, UTF-8 text unescaped)."""
    return json.dumps(as_dict(changes), ensure_ascii=False, indent=2) + "\n"


# --- what both page formats say ----------------------------------------------------------------


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def summary_sentence(changes: Changes) -> str:
    """One sentence: statements added and removed, entities added, removed and changed, moves."""
    if not changes:
        return "No differences."
    s = changes.summary
    moved = s["statements_moved"]
    return (
        f"{_count(s['statements_added'], 'statement')} added and "
        f"{s['statements_removed']:,} removed: "
        f"{_count(s['entities_added'], 'entity', 'entities')} added, "
        f"{s['entities_removed']:,} removed and {s['entities_changed']:,} changed; "
        f"{_count(moved, 'statement')} moved between source documents."
    )


def _values(changes: Changes, terms) -> str:
    return "; ".join(changes.text(t) for t in terms)


def property_line(changes: Changes, change: PropertyChange) -> str:
    """``headed by: A → B``, ``contributes to: added C``, ``note: removed D``."""
    name = changes.label(change.predicate.value)
    if change.old and change.new:
        return f"{name}: {_values(changes, change.old)} → {_values(changes, change.new)}"
    if change.new:
        return f"{name}: added {_values(changes, change.new)}"
    return f"{name}: removed {_values(changes, change.old)}"


def _move_cells(changes, move) -> tuple[str, ...]:
    """A moved statement's row: entity, property, value, the graphs it left and joined."""
    return (
        changes.text(move.subject),
        changes.label(move.predicate.value),
        changes.text(move.object),
        _graphs(changes, move.from_graphs),
        _graphs(changes, move.to_graphs),
    )


def _graphs(changes: Changes, graphs: tuple[str, ...]) -> str:
    return ", ".join(changes.graph_label(g) for g in graphs) or "—"


# --- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>|#"})


def _md(text: str) -> str:
    return text.translate(_MD_SPECIAL)


def as_markdown(changes: Changes) -> str:
    """The report in Markdown: sources, a summary, the entities by class, moves, and counts per
    named graph."""
    lines = [
        "# Changes to the graph",
        "",
        "| | source | statements | named graphs |",
        "|---|---|---:|---:|",
    ]
    for role, snapshot in (("old", changes.old), ("new", changes.new)):
        lines.append(
            f"| {role} | {_md(snapshot.source)} | {len(snapshot.quads):,} | "
            f"{len(snapshot.graphs)} |"
        )
    lines += ["", summary_sentence(changes)]
    for group in changes.by_class():
        lines += ["", f"## {_md(group.label)}"]
        for kind in KINDS:
            members: tuple[EntityChange, ...] = getattr(group, kind)
            if not members:
                continue
            lines += ["", f"{kind.capitalize()}:", ""]
            for entity in members:
                lines.append(_md_entity(changes, entity))
                if kind == "changed":
                    lines += [f"  - {_md(property_line(changes, p))}" for p in entity.properties]
    if changes.moved:
        lines += [
            "",
            "## Statements moved between source documents",
            "",
            "| entity | property | value | from | to |",
            "|---|---|---|---|---|",
        ]
        for move in changes.moved:
            cells = _move_cells(changes, move)
            lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    if changes.graphs:
        lines += [
            "",
            "## Statements per source document",
            "",
            "| named graph | source document | added | removed |",
            "|---|---|---:|---:|",
        ]
        for g in changes.graphs:
            lines.append(
                f"| `{compact(g.graph)}` | {_md(changes.graph_label(g.graph))} | "
                f"{g.added:,} | {g.removed:,} |"
            )
    return "\n".join(lines) + "\n"


def _md_entity(changes: Changes, entity: EntityChange) -> str:
    line = f"- **{_md(changes.label(entity.iri))}** `{compact(entity.iri)}`"
    if entity.kind != "changed":
        count = sum(len(p.old) + len(p.new) for p in entity.properties)
        line += f", {_count(count, 'statement')}"
    return line


# --- HTML --------------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #1b1b1b; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; }
code { font-size: 0.9em; color: #555; }
.added { color: #0a6b2d; } .removed { color: #a1161b; }
"""


def as_html(changes: Changes) -> str:
    """The report as one standalone HTML page (no script, no outside resource), every text
    escaped."""
    e = html.escape
    body = [
        "<h1>Changes to the graph</h1>",
        "<table><tr><th></th><th>source</th><th>statements</th><th>named graphs</th></tr>",
    ]
    for role, snapshot in (("old", changes.old), ("new", changes.new)):
        body.append(
            f"<tr><th>{role}</th><td>{e(snapshot.source)}</td>"
            f'<td class="n">{len(snapshot.quads):,}</td><td class="n">{len(snapshot.graphs)}</td></tr>'
        )
    body += ["</table>", f"<p>{e(summary_sentence(changes))}</p>"]
    for group in changes.by_class():
        body.append(f"<h2>{e(group.label)}</h2>")
        for kind in KINDS:
            members: tuple[EntityChange, ...] = getattr(group, kind)
            if not members:
                continue
            body.append(f'<h3 class="{kind}">{kind.capitalize()}</h3><ul>')
            for entity in members:
                item = (
                    f"<strong>{e(changes.label(entity.iri))}</strong> "
                    f"<code>{e(compact(entity.iri))}</code>"
                )
                if kind == "changed":
                    item += (
                        "<ul>"
                        + "".join(
                            f"<li>{e(property_line(changes, p))}</li>" for p in entity.properties
                        )
                        + "</ul>"
                    )
                body.append(f"<li>{item}</li>")
            body.append("</ul>")
    if changes.moved:
        body += [
            "<h2>Statements moved between source documents</h2>",
            "<table><tr><th>entity</th><th>property</th><th>value</th><th>from</th><th>to</th></tr>",
        ]
        for move in changes.moved:
            cells = _move_cells(changes, move)
            body.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
        body.append("</table>")
    if changes.graphs:
        body += [
            "<h2>Statements per source document</h2>",
            "<table><tr><th>named graph</th><th>source document</th><th>added</th>"
            "<th>removed</th></tr>",
        ]
        for g in changes.graphs:
            body.append(
                f"<tr><td><code>{e(compact(g.graph))}</code></td>"
                f"<td>{e(changes.graph_label(g.graph))}</td>"
                f'<td class="n">{g.added:,}</td><td class="n">{g.removed:,}</td></tr>'
            )
        body.append("</table>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Changes to the graph</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
