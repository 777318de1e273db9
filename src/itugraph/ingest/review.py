"""The review report of a draft, in Markdown and HTML: every candidate with its passage, its
confidence, what it reuses, the triples it would add and any conflict with the graph; the HTML
shows the source text with every candidate's passage highlighted and linked to its triples."""

# ruff: noqa: RUF001 (reports write full-width punctuation, dashes and curly quotes)

from __future__ import annotations

import html
from collections.abc import Iterable
from itertools import pairwise

from rdflib import Graph
from rdflib.namespace import NamespaceManager

from ..namespaces import bind_prefixes
from .draft import DocumentInfo, passage_text
from .model import Candidate, Triple

_MANAGER = bind_prefixes(NamespaceManager(Graph(), bind_namespaces="none"))
_KIND_NAMES = {
    "resolution": "resolution citations",
    "initiative": "regional initiatives",
    "result": "expected results",
    "event": "events",
    "person": "people with roles",
    "project": "projects and programmes",
    "target": "SDG, WSIS and GDC links",
}


def n3(term) -> str:
    """A term in Turtle, with the project's prefixes where the IRI allows one."""
    return term.n3(_MANAGER)


def triple_text(triple: Triple) -> str:
    """A triple as one Turtle statement."""
    return " ".join(n3(term) for term in triple) + " ."


def _status(candidate: Candidate, kept: set[str]) -> str:
    if candidate.conflicts:
        return "conflict"
    return "accepted" if candidate.id in kept else "left out"


def review_markdown(
    info: DocumentInfo, candidates: list[Candidate], kept: Iterable[Candidate], notes: list[str]
) -> str:
    """The review report in Markdown: the document, a count per kind, then each candidate."""
    kept_ids = {c.id for c in kept}
    out = [f"# Ingest review: {info.slug}", ""]
    out += [
        f"- title: {info.title}",
        f"- date: {info.date or 'not stated'}",
        f"- language: {info.language}",
        f"- source copy: data/sources/{info.source_name}",
        f"- candidates: {len(candidates)}; in the draft: {len(kept_ids)}; "
        f"conflicts: {sum(1 for c in candidates if c.conflicts)}",
        "",
    ]
    out += [f"> {note}" for note in notes] + ([""] if notes else [])
    out += ["| kind | candidates |", "|---|---|"]
    for kind, name in _KIND_NAMES.items():
        count = sum(1 for c in candidates if c.kind == kind)
        if count:
            out.append(f"| {name} | {count} |")
    out.append("")
    for candidate in candidates:
        out.append(
            f"## {candidate.id} · {candidate.kind} · {_escape_md(candidate.summary)} "
            f"({_status(candidate, kept_ids)}, confidence {candidate.confidence:.2f})"
        )
        out.append("")
        out.append(f"Passage: {_escape_md(passage_text(candidate.passage))}")
        for mention in candidate.mentions:
            out.append(f"Also: {_escape_md(passage_text(mention))}")
        if candidate.reused:
            out.append("Reuses: " + ", ".join(f"`{n3(iri)}`" for iri in candidate.reused))
        if candidate.requires:
            out.append("Needs: " + ", ".join(candidate.requires))
        for conflict in candidate.conflicts:
            out.append(
                f"**Conflict**: `{n3(conflict.predicate)}` here {n3(conflict.ours)}, in graph "
                f"`{conflict.graph}` {n3(conflict.theirs)}; their passage: "
                f"{_escape_md(passage_text(conflict.their_passage))}"
            )
        out += ["", "```turtle", *(triple_text(t) for t in candidate.triples), "```", ""]
    return "\n".join(out)


def _escape_md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def review_html(
    info: DocumentInfo,
    text: str,
    candidates: list[Candidate],
    kept: Iterable[Candidate],
    notes: list[str],
) -> str:
    """The review report as one HTML page: the source text with each candidate's passage
    highlighted (a link to the candidate), then the candidates and their triples."""
    kept_ids = {c.id for c in kept}
    spans: list[tuple[int, int, str]] = []
    for candidate in candidates:
        for passage in (candidate.passage, *candidate.mentions):
            spans.append((passage.start, passage.end, candidate.id))
    body = _highlighted(text, spans)
    e = html.escape
    rows = []
    for candidate in candidates:
        status = _status(candidate, kept_ids)
        triples = "\n".join(e(triple_text(t)) for t in candidate.triples)
        conflicts = "".join(
            f"<p class='conflict'>Conflict: {e(n3(c.predicate))} here {e(n3(c.ours))}, in "
            f"graph {e(c.graph)} {e(n3(c.theirs))}; their passage: "
            f"{e(passage_text(c.their_passage))}</p>"
            for c in candidate.conflicts
        )
        rows.append(
            f"<section class='candidate {status.replace(' ', '-')}' id='cand-{e(candidate.id)}'>"
            f"<h3><a href='#at-{e(candidate.id)}'>{e(candidate.id)}</a> · {e(candidate.kind)} · "
            f"{e(candidate.summary)}</h3>"
            f"<p>{e(status)}, confidence {candidate.confidence:.2f}; passage "
            f"{candidate.passage.start}–{candidate.passage.end}</p>"
            f"<blockquote>{e(candidate.passage.exact)}</blockquote>{conflicts}"
            f"<pre>{triples}</pre></section>"
        )
    notes_html = "".join(f"<p class='note'>{e(n)}</p>" for n in notes)
    return f"""<!DOCTYPE html>
<html lang="{e(info.language)}">
<head>
<meta charset="utf-8">
<title>Ingest review: {e(info.slug)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 80rem; }}
.source {{ white-space: pre-wrap; border: 1px solid #ccc; padding: 1rem; }}
mark {{ background: #fff3a0; }} mark a {{ color: inherit; text-decoration: none; }}
.candidate {{ border-top: 1px solid #ddd; }} .conflict {{ color: #a00; }}
.left-out h3, .conflict h3 {{ color: #777; }} pre {{ white-space: pre-wrap; }}
</style>
</head>
<body>
<h1>Ingest review: {e(info.slug)}</h1>
<p>{e(info.title)} · {e(info.date or "date not stated")} · {e(info.language)} ·
{len(candidates)} candidates, {len(kept_ids)} in the draft</p>
{notes_html}
<h2>Source text</h2>
<div class="source">{body}</div>
<h2>Candidates</h2>
{"".join(rows)}
</body>
</html>
"""


def _highlighted(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The text, escaped, with each stretch covered by passages in a <mark> linking to the first
    candidate covering it (all of them named in its title)."""
    points = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    anchored: set[str] = set()
    for start, end in pairwise(points):
        piece = html.escape(text[start:end])
        covering = [cid for s, e, cid in spans if s <= start and end <= e]
        if not covering:
            out.append(piece)
            continue
        ids = list(dict.fromkeys(covering))
        anchor = ""
        for cid in ids:
            if cid not in anchored:
                anchored.add(cid)
                anchor += f"<span id='at-{html.escape(cid)}'></span>"
        out.append(
            f"{anchor}<mark title='{html.escape(' '.join(ids))}'>"
            f"<a href='#cand-{html.escape(ids[-1])}'>{piece}</a></mark>"
        )
    return "".join(out)
