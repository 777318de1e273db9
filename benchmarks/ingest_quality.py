"""How well ``itugraph ingest`` reads the five curated reports, scored against their curated files.

    python benchmarks/ingest_quality.py [--output table.md]

For each source document the repository's ontology, shapes and data are copied to a temporary
project with that document's curated file left out; the document is ingested there (with its own
slug, so the graph it is scored against never helped find it), and its candidates are scored
against ``data/{slug}.ttl`` per kind of fact: precision and recall of resolution citations (the
works and revisions named), initiative blocks (code, title and objective, verbatim), expected
results (verbatim), events with dates (start and end), events with places (start and place),
people with roles (the person) and projects with amounts (amount and currency). The last column
says whether every candidate's passage selects its quote in the source text.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from itugraph.ingest import prepare  # noqa: E402
from itugraph.namespaces import ITU  # noqa: E402
from itugraph.sources import source_documents  # noqa: E402

KINDS = (
    "resolution citations",
    "initiative blocks",
    "expected results",
    "events with dates",
    "events with places",
    "people with roles",
    "projects with amounts",
)
_EVENT_CLASSES = (ITU.Event, ITU.RegionalPreparatoryMeeting, ITU.RegionalDevelopmentForum)


def _norm(value) -> str | None:
    return None if value is None else " ".join(str(value).split())


def facts(graph: Graph) -> dict[str, Counter]:
    """The facts of each scored kind in a graph, as multisets of comparable keys."""
    found: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    for cls in (ITU.Resolution, ITU.ResolutionRevision):
        for subject in set(graph.subjects(RDF.type, cls)):
            found["resolution citations"][str(subject)] += 1
    for initiative in set(graph.subjects(RDF.type, ITU.RegionalInitiative)):
        holders = [initiative, *graph.subjects(DCTERMS.isVersionOf, initiative)]
        for holder in holders:
            title = graph.value(holder, DCTERMS.title)
            if title is not None:
                objective = graph.value(holder, ITU.objective)
                key = (str(initiative), _norm(title), _norm(objective))
                found["initiative blocks"][key] += 1
    for result in set(graph.subjects(RDF.type, ITU.ExpectedResult)):
        description = graph.value(result, DCTERMS.description)
        if description is not None:
            found["expected results"][(str(result), _norm(description))] += 1
    events = {s for cls in _EVENT_CLASSES for s in graph.subjects(RDF.type, cls)}
    for event in events:
        start = graph.value(event, ITU.startDate)
        if start is None:
            continue
        end = graph.value(event, ITU.endDate)
        found["events with dates"][(str(start), None if end is None else str(end))] += 1
        place = graph.value(event, ITU.locatedIn)
        if place is not None:
            found["events with places"][(str(start), str(place))] += 1
    roles = (ITU.chair, ITU.viceChair, ITU.headedBy)
    for person in set(graph.subjects(RDF.type, ITU.Person)):
        if any(graph.subjects(role, person) for role in roles) or graph.value(
            person, ITU.represents
        ):
            found["people with roles"][str(person)] += 1
    for cls in (ITU.Project, ITU.Programme):
        for project in set(graph.subjects(RDF.type, cls)):
            amount = graph.value(project, ITU.amount)
            if amount is not None:
                currency = graph.value(project, ITU.currency)
                found["projects with amounts"][(float(amount), str(currency))] += 1
    return found


def score(gold: Counter, predicted: Counter) -> tuple[float | None, float | None, int, int]:
    """Precision and recall of predicted against gold multisets (None when there is nothing)."""
    hits = sum((gold & predicted).values())
    precision = hits / sum(predicted.values()) if predicted else None
    recall = hits / sum(gold.values()) if gold else None
    return precision, recall, sum(gold.values()), sum(predicted.values())


def project_without(slug: str, folder: Path) -> Path:
    """A copy of the repository's project with ``data/{slug}.ttl`` left out."""
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / name, folder / name)
    (folder / "data" / f"{slug}.ttl").unlink()
    (folder / "itugraph.toml").write_text('extends-package = false\ndata = "data"\n')
    return folder


def run() -> tuple[list[list[str]], bool]:
    """Score every source document; the rows of the table and whether every passage holds."""
    rows = []
    passages_hold = True
    for document in source_documents(ROOT / "data"):
        with tempfile.TemporaryDirectory(prefix="itugraph-ingest-bench-") as temporary:
            project = project_without(document.slug, Path(temporary))
            draft = prepare(
                project / "data" / "sources" / document.path.name,
                project / "data",
                slug=document.slug,
                use_cache=False,
            )
        predicted = Graph()
        for candidate in draft.candidates:
            for triple in candidate.triples:
                predicted.add(triple)
        gold = Graph().parse(ROOT / "data" / f"{document.slug}.ttl")
        ok = all(c.passage.found_in(draft.source.text) for c in draft.candidates)
        passages_hold &= ok
        gold_facts, predicted_facts = facts(gold), facts(predicted)
        row = [document.slug]
        for kind in KINDS:
            p, r, g, n = score(gold_facts[kind], predicted_facts[kind])
            row.append(_cell(p, r, g, n))
        row.append(f"{len(draft.candidates)}, {'all' if ok else 'NOT all'}")
        rows.append(row)
    return rows, passages_hold


def _cell(precision, recall, gold: int, predicted: int) -> str:
    if not gold and not predicted:
        return "—"
    p = "—" if precision is None else f"{precision:.0%}"
    r = "—" if recall is None else f"{recall:.0%}"
    return f"{p} / {r} ({predicted}/{gold})"


def table(rows: list[list[str]]) -> str:
    """The Markdown table: one row per document, precision / recall (candidates/curated)."""
    head = ["document", *KINDS, "candidates, passages hold"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="Also write the table to this file.")
    arguments = parser.parse_args()
    rows, passages_hold = run()
    text = table(rows)
    print(text)
    if arguments.output:
        arguments.output.write_text(text, encoding="utf-8")
    sys.exit(0 if passages_hold else 1)


if __name__ == "__main__":
    main()
