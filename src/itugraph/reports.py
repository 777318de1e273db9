"""Coverage reports: the region-by-target matrix (resolutions, SDGs, WSIS action lines, GDC
objectives) as tables and heatmaps, its gaps, and a one-page summary of a region."""

from __future__ import annotations

import base64
import csv
import html
import io
from collections import Counter
from dataclasses import dataclass, field

from rdflib import Dataset

from .labels import Labels, natural_key
from .namespaces import ID
from .queries import get_query, region_codes, run_query

COVERAGE_KINDS = ("resolution", "sdg", "wsis", "gdc")
COVERAGE_FORMATS = ("csv", "md", "html", "png", "svg")
KIND_TITLES = {
    "resolution": "resolutions",
    "sdg": "Sustainable Development Goals",
    "wsis": "WSIS action lines",
    "gdc": "Global Digital Compact objectives",
}


@dataclass
class Column:
    """One target of the matrix: its IRI, a short heading and a full name."""

    iri: str
    heading: str
    name: str


@dataclass
class CoverageMatrix:
    """Regions by targets; a cell counts the items of the region that contribute to the target."""

    kind: str
    columns: list[Column]
    cells: dict[tuple[str, str], int] = field(default_factory=dict)
    regions: tuple[str, ...] = ()

    def count(self, region: str, column: Column) -> int:
        return self.cells.get((region, column.iri), 0)

    def gaps(self) -> dict[str, list[Column]]:
        """For each region, the targets no item of the region reaches."""
        return {r: [c for c in self.columns if not self.count(r, c)] for r in self.regions}

    @property
    def title(self) -> str:
        unit = "contributing items" if self.kind == "resolution" else "regional initiatives"
        return f"Coverage of {KIND_TITLES[self.kind]} by region ({unit} per cell)"


def _code(region_iri: object) -> str:
    return str(region_iri).removeprefix(f"{ID}region/")


def coverage_matrix(graph: Dataset, kind: str = "sdg") -> CoverageMatrix:
    """Build the region-by-target matrix from the canned queries."""
    if kind not in COVERAGE_KINDS:
        raise ValueError(
            f"unknown coverage kind {kind!r}; expected one of {', '.join(COVERAGE_KINDS)}"
        )
    if kind == "resolution":
        rows = list(run_query("resolution-matrix", graph))
        columns: dict[str, Column] = {}
        for row in rows:
            body = str(row.resolution).removeprefix(f"{ID}resolution/").split("/")[0]
            columns[str(row.resolution)] = Column(
                str(row.resolution), f"{body} {row.number}", f"{body} Resolution {row.number}"
            )
        ordered = sorted(
            columns.values(), key=lambda c: (c.heading.split()[0], c.heading.split()[1].zfill(6))
        )
        cells = {(_code(r.region), str(r.resolution)): int(r.items) for r in rows}
        return CoverageMatrix(kind, ordered, cells, region_codes(graph))
    targets = [
        Column(str(r.target), ("SDG " if kind == "sdg" else "") + str(r.notation), str(r.label))
        for r in run_query("targets", graph, kind=kind)
    ]
    cells = {
        (_code(r.region), str(r.target)): int(r.initiatives)
        for r in run_query("target-coverage", graph, kind=kind)
    }
    return CoverageMatrix(kind, targets, cells, region_codes(graph))


def to_csv(matrix: CoverageMatrix) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["region", *(c.heading for c in matrix.columns)])
    for region in matrix.regions:
        writer.writerow([region, *(matrix.count(region, c) for c in matrix.columns)])
    return buffer.getvalue()


def _gap_lines(matrix: CoverageMatrix) -> list[str]:
    return [
        f"- **{region}**: " + (", ".join(c.heading for c in missing) if missing else "none")
        for region, missing in matrix.gaps().items()
    ]


def to_markdown(matrix: CoverageMatrix) -> str:
    lines = [f"# {matrix.title}", ""]
    lines.append("| region | " + " | ".join(c.heading for c in matrix.columns) + " |")
    lines.append("|---" * (len(matrix.columns) + 1) + "|")
    for region in matrix.regions:
        lines.append(
            f"| {region} | "
            + " | ".join(str(matrix.count(region, c)) for c in matrix.columns)
            + " |"
        )
    lines += ["", "## Gaps (no contribution)", "", *_gap_lines(matrix)]
    return "\n".join(lines) + "\n"


def heatmap(matrix: CoverageMatrix, fmt: str = "png") -> bytes:
    """The matrix as a heatmap image (png or svg): labelled axes, counts in cells, a colour bar.

    Drawn on a Figure of its own, not through pyplot's global state, so that threads (the
    server's) can draw at the same time."""
    from matplotlib.figure import Figure

    values = [[matrix.count(r, c) for c in matrix.columns] for r in matrix.regions]
    width = max(6.0, 0.45 * len(matrix.columns) + 2.5)
    figure = Figure(figsize=(width, 4.2), dpi=110)
    axes = figure.subplots()
    image = axes.imshow(values, cmap="YlGnBu", aspect="auto", vmin=0)
    axes.set_xticks(
        range(len(matrix.columns)), [c.heading for c in matrix.columns], rotation=60, ha="right"
    )
    axes.set_yticks(range(len(matrix.regions)), matrix.regions)
    axes.set_xlabel(KIND_TITLES[matrix.kind])
    axes.set_ylabel("BDT region")
    peak = max((v for row in values for v in row), default=0) or 1
    for y, row in enumerate(values):
        for x, value in enumerate(row):
            axes.text(x, y, str(value), ha="center", va="center", fontsize=8,
                      color="white" if value > peak / 2 else "black")  # fmt: skip
    from matplotlib.ticker import MaxNLocator

    colour_bar = figure.colorbar(image, ax=axes, ticks=MaxNLocator(integer=True))
    colour_bar.set_label("contributing items" if matrix.kind == "resolution" else "initiatives")
    axes.set_title(matrix.title, fontsize=10)
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format=fmt, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None
    )
    return buffer.getvalue()


def _html_page(title: str, body: str) -> str:
    style = (
        "body{font-family:'Noto Sans',Arial,sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}"
        "th:first-child,td:first-child{text-align:left}td.zero{color:#bbb}img{max-width:100%}"
        "table.versions td,table.versions th{text-align:left;vertical-align:top}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{style}</style></head><body>\n{body}\n</body></html>\n"
    )


def to_html(matrix: CoverageMatrix) -> str:
    """A single self-contained page: the table, the heatmap (inline PNG) and the gaps."""
    head = "".join(
        f'<th title="{html.escape(c.name)}">{html.escape(c.heading)}</th>' for c in matrix.columns
    )
    rows = "".join(
        f"<tr><td>{region}</td>"
        + "".join(
            f'<td class="{"zero" if not matrix.count(region, c) else ""}">{matrix.count(region, c)}</td>'
            for c in matrix.columns
        )
        + "</tr>"
        for region in matrix.regions
    )
    chart = base64.b64encode(heatmap(matrix, "png")).decode("ascii")
    gaps = "".join(
        f"<li><b>{region}</b>: {html.escape(', '.join(c.heading for c in missing) or 'none')}</li>"
        for region, missing in matrix.gaps().items()
    )
    body = (
        f"<h1>{html.escape(matrix.title)}</h1><table><tr><th>region</th>{head}</tr>{rows}</table>"
        f'<img alt="heatmap: {html.escape(matrix.title)}" src="data:image/png;base64,{chart}">'
        f"<h2>Gaps (no contribution)</h2><ul>{gaps}</ul>"
    )
    return _html_page(matrix.title, body)


def render_coverage(matrix: CoverageMatrix, fmt: str) -> bytes:
    """The matrix in one of COVERAGE_FORMATS, as bytes."""
    if fmt in ("png", "svg"):
        return heatmap(matrix, fmt)
    text = {"csv": to_csv, "md": to_markdown, "html": to_html}[fmt](matrix)
    return text.encode("utf-8")


@dataclass
class RegionReport:
    """What the graph holds about one region, everything named by its label (itugraph.labels):
    offices as (name, kind, place); initiatives as (cycle, initiative, statuses, number of
    expected results), one row each, the statuses the reports give it joined; centres by the
    label of their class."""

    code: str
    name: str
    offices: list[tuple[str, str, str]]
    initiatives: list[tuple[str, str, str, int]]
    events_by_year: dict[str, int]
    centres: dict[str, list[str]]
    coverage: dict[str, list[str]]
    gaps: dict[str, list[str]]


def region_report(graph: Dataset, code: str) -> RegionReport:
    """Collect a region's offices, initiatives, events per year, centres and target coverage."""
    (region,) = [r for r in run_query("regions", graph) if str(r.code) == code.upper()] or [None]
    if region is None:
        known = ", ".join(region_codes(graph))
        raise ValueError(f"unknown region {code!r}; expected one of {known}")
    code = str(region.code)
    labels = Labels.from_graph(graph)
    offices = [
        (str(r.officeLabel), str(r.kind), labels.text(str(r.city or r.country)))
        for r in run_query("field-offices", graph, region=code)
    ]
    found: dict[tuple[str, str], tuple[set[str], int]] = {}
    for r in run_query("initiatives-across-cycles", graph, region=code):
        statuses, _ = found.setdefault((str(r.cycle), str(r.initiative)), (set(), int(r.results)))
        if r.status:
            statuses.add(labels.text(str(r.status)))
    initiatives = sorted(
        (
            (
                labels.text(cycle),
                labels.text(initiative),
                ", ".join(sorted(statuses, key=natural_key)),
                results,
            )
            for (cycle, initiative), (statuses, results) in found.items()
        ),
        key=lambda row: (natural_key(row[0]), natural_key(row[1])),
    )
    dated = {
        (str(r.event), str(r.start)) for r in run_query("events-in-region", graph, region=code)
    }
    events = Counter(start[:4] for _, start in dated)
    centres: dict[str, list[str]] = {}
    for r in run_query("centres", graph, region=code):
        centres.setdefault(labels.text(str(r.kind)), []).append(str(r.label))
    coverage, gaps = {}, {}
    for kind in ("sdg", "wsis", "gdc"):
        matrix = coverage_matrix(graph, kind)
        coverage[kind] = [c.heading for c in matrix.columns if matrix.count(code, c)]
        gaps[kind] = [c.heading for c in matrix.gaps()[code]]
    return RegionReport(
        code=code,
        name=str(region.labelEn),
        offices=sorted(set(offices)),
        initiatives=initiatives,
        events_by_year=dict(sorted(events.items())),
        centres={
            k: sorted(set(v)) for k, v in sorted(centres.items(), key=lambda kv: natural_key(kv[0]))
        },
        coverage=coverage,
        gaps=gaps,
    )


def region_markdown(report: RegionReport) -> str:
    lines = [f"# {report.name} ({report.code})", "", "## Field offices", ""]
    lines += [f"- {name} ({kind}, {place})" for name, kind, place in report.offices] or [
        "- none recorded"
    ]
    lines += ["", "## Regional initiatives"]
    for cycle, rows in _by_cycle(report.initiatives):
        lines += ["", f"### {cycle}", "", "| initiative | status | expected results |"]
        lines.append("|---|---|---|")
        lines += [f"| {name} | {status or '—'} | {n} |" for name, status, n in rows]
    if not report.initiatives:
        lines += ["", "- none recorded"]
    lines += ["", "## Events by year", "", "| year | events |", "|---|---|"]
    lines += [f"| {year} | {n} |" for year, n in report.events_by_year.items()]
    lines += ["", "## Centres", ""]
    lines += [
        f"- {kind} ({len(names)}): {', '.join(names)}" for kind, names in report.centres.items()
    ] or ["- none recorded"]
    lines += ["", "## Coverage by its initiatives", ""]
    for kind in ("sdg", "wsis", "gdc"):
        lines.append(f"- {KIND_TITLES[kind]}: reached {', '.join(report.coverage[kind]) or 'none'}; "
                     f"not reached {', '.join(report.gaps[kind]) or 'none'}")  # fmt: skip
    return "\n".join(lines) + "\n"


def _by_cycle(
    initiatives: list[tuple[str, str, str, int]],
) -> list[tuple[str, list[tuple[str, str, int]]]]:
    """The initiatives grouped under their cycles, in the report's order."""
    groups: dict[str, list[tuple[str, str, int]]] = {}
    for cycle, name, status, n in initiatives:
        groups.setdefault(cycle, []).append((name, status, n))
    return list(groups.items())


def region_html(report: RegionReport) -> str:
    """The region summary as one self-contained HTML page."""

    def items(values: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{html.escape(v)}</li>" for v in values) + "</ul>"

    def table(headings: list[str], rows: list[tuple]) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headings)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
            for row in rows
        )
        return f"<table><tr>{head}</tr>{body}</table>"

    body = [
        f"<h1>{html.escape(report.name)} ({report.code})</h1>",
        "<h2>Field offices</h2>",
        items(
            [f"{name} ({kind}, {place})" for name, kind, place in report.offices]
            or ["none recorded"]
        ),
        "<h2>Regional initiatives</h2>",
        *(
            f"<h3>{html.escape(cycle)}</h3>"
            + table(["initiative", "status", "expected results"], rows)
            for cycle, rows in _by_cycle(report.initiatives)
        ),
        "<h2>Events by year</h2>",
        table(["year", "events"], list(report.events_by_year.items())),
        "<h2>Centres</h2>",
        items(
            [f"{kind} ({len(names)}): {', '.join(names)}" for kind, names in report.centres.items()]
            or ["none recorded"]
        ),
        "<h2>Coverage by its initiatives</h2>",
        items(
            [
                f"{KIND_TITLES[k]}: reached {', '.join(report.coverage[k]) or 'none'}; "
                f"not reached {', '.join(report.gaps[k]) or 'none'}"
                for k in ("sdg", "wsis", "gdc")
            ]
        ),
    ]
    return _html_page(f"{report.name} ({report.code})", "\n".join(body))


#: The groups of the draft-to-adopted comparison, in the report's order, with what each means
#: (the ``change`` column of queries/initiatives-drafted-and-adopted.rq, VERSIONS_QUERY).
VERSION_GROUPS = {
    "changed": "A title or objective that both documents state differs.",
    "same": "Every text that both documents state is the same, word for word.",
    "adopted only": "Adopted, with no draft in the graph.",
    "draft only": "Drafted; no document in the graph states it adopted (which does not say the "
    "conference dropped it).",
}
VERSIONS_QUERY = "initiatives-drafted-and-adopted"
NO_VERSIONS = "No document states an initiative of this region and cycle as draft or adopted."


@dataclass
class InitiativeVersion:
    """One initiative as drafted and as adopted: texts verbatim ("" where a document states
    none), documents named by their titles ("" where none states that status)."""

    code: str
    initiative: str
    change: str
    draft_title: str
    adopted_title: str
    draft_objective: str
    adopted_objective: str
    draft_document: str
    adopted_document: str


@dataclass
class VersionsReport:
    """A region's initiatives of one cycle, draft against adopted text."""

    code: str
    name: str
    cycle: str
    initiatives: list[InitiativeVersion]

    def groups(self) -> dict[str, list[InitiativeVersion]]:
        """The initiatives by change, in the order of VERSION_GROUPS (empty groups kept)."""
        return {
            change: [i for i in self.initiatives if i.change == change] for change in VERSION_GROUPS
        }


def versions_report(graph: Dataset, code: str, cycle: str | None = None) -> VersionsReport:
    """A region's initiatives of a cycle (default: the query's, the latest) as drafted and as
    adopted, from the canned query VERSIONS_QUERY."""
    (region,) = [r for r in run_query("regions", graph) if str(r.code) == code.upper()] or [None]
    if region is None:
        known = ", ".join(region_codes(graph))
        raise ValueError(f"unknown region {code!r}; expected one of {known}")
    code = str(region.code)
    query = get_query(VERSIONS_QUERY)
    (parameter,) = [p for p in query.parameters if p.name == "cycle"]
    cycle_iri = str(parameter.parse(cycle or parameter.default))
    labels = Labels.from_graph(graph)

    def text(value: object) -> str:
        return "" if value is None else str(value)

    def document(value: object) -> str:
        return "" if value is None else labels.text(str(value))

    initiatives = [
        InitiativeVersion(
            code=str(r.code),
            initiative=str(r.initiative),
            change=str(r.change),
            draft_title=text(r.draftTitle),
            adopted_title=text(r.adoptedTitle),
            draft_objective=text(r.draftObjective),
            adopted_objective=text(r.adoptedObjective),
            draft_document=document(r.draftDocument),
            adopted_document=document(r.adoptedDocument),
        )
        for r in run_query(VERSIONS_QUERY, graph, region=code, cycle=cycle_iri)
    ]
    initiatives.sort(key=lambda i: natural_key(i.code))
    return VersionsReport(code, str(region.labelEn), labels.text(cycle_iri), initiatives)


def _version_rows(initiative: InitiativeVersion) -> list[tuple[str, str, str]]:
    """The rows of one initiative's side-by-side table: what, as drafted, as adopted."""
    return [
        ("title", initiative.draft_title or "—", initiative.adopted_title or "—"),
        ("objective", initiative.draft_objective or "—", initiative.adopted_objective or "—"),
        ("document", initiative.draft_document or "—", initiative.adopted_document or "—"),
    ]


def _versions_title(report: VersionsReport) -> str:
    return f"{report.name} ({report.code}): initiatives of {report.cycle} as drafted and as adopted"


def versions_markdown(report: VersionsReport) -> str:
    """The comparison as Markdown: per group, per initiative a table of draft against adopted."""

    def cell(value: str) -> str:
        return " ".join(value.split()).replace("|", "\\|")

    lines = [f"# {_versions_title(report)}"]
    if not report.initiatives:
        return "\n".join([*lines, "", NO_VERSIONS]) + "\n"
    for change, initiatives in report.groups().items():
        lines += ["", f"## {change.capitalize()} ({len(initiatives)})", "", VERSION_GROUPS[change]]
        if not initiatives:
            lines += ["", "- none"]
        for initiative in initiatives:
            lines += ["", f"### {initiative.code}", "", "| | as drafted | as adopted |"]
            lines.append("|---|---|---|")
            lines += [
                f"| {what} | {cell(drafted)} | {cell(adopted)} |"
                for what, drafted, adopted in _version_rows(initiative)
            ]
    return "\n".join(lines) + "\n"


def versions_html(report: VersionsReport) -> str:
    """The comparison as one self-contained HTML page, laid out as the Markdown."""
    title = _versions_title(report)
    body = [f"<h1>{html.escape(title)}</h1>"]
    if not report.initiatives:
        body.append(f"<p>{NO_VERSIONS}</p>")
    for change, initiatives in (report.groups() if report.initiatives else {}).items():
        body.append(f"<h2>{change.capitalize()} ({len(initiatives)})</h2>")
        body.append(f"<p>{html.escape(VERSION_GROUPS[change])}</p>")
        if not initiatives:
            body.append("<ul><li>none</li></ul>")
        for initiative in initiatives:
            rows = "".join(
                f"<tr><th>{what}</th><td>{html.escape(drafted)}</td>"
                f"<td>{html.escape(adopted)}</td></tr>"
                for what, drafted, adopted in _version_rows(initiative)
            )
            body.append(
                f"<h3>{html.escape(initiative.code)}</h3>"
                '<table class="versions"><tr><th></th><th>as drafted</th><th>as adopted</th></tr>'
                f"{rows}</table>"
            )
    return _html_page(title, "\n".join(body))
