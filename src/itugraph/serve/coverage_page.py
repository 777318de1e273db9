"""``/coverage``: the region-by-target heatmap as an HTML table to explore, a cell's contributors,
and the report's CSV, PNG and SVG downloads (``/coverage.csv?by=sdg`` and so on).

The numbers and lists come from itugraph.coverage (shared with notebooks and checked against
the ``itugraph report coverage`` matrix); this module only colours, lays out and caches them.
Everything that reads the store or draws runs off the event loop (asyncio.to_thread).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from ..coverage import Contributor, Coverage, Dimension, contributors, coverage, dimensions
from ..reports import COVERAGE_KINDS, coverage_matrix, render_coverage
from .caching import CachedAnswer
from .i18n import UI, ui_for
from .site import Site

#: The downloads offered under the table: the report's own renderings (itugraph report coverage).
DOWNLOADS = {"csv": "text/csv; charset=utf-8", "png": "image/png", "svg": "image/svg+xml"}

#: A sequential scale from light yellow to dark blue (ColorBrewer YlGnBu, as the PNG heatmap).
SCALE = (
    "#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4",
    "#1d91c0", "#225ea8", "#253494", "#081d58",
)  # fmt: skip
ZERO = ("#ffffff", "#5c6670")
DARK_TEXT, LIGHT_TEXT = "#000000", "#ffffff"


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [c / 255 for c in _rgb(colour)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two colours."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def shade(count: int, peak: int) -> tuple[str, str]:
    """Background and text colour of a cell: white for 0, else along SCALE by count / peak (the
    lightest non-zero shade is SCALE[1]), with whichever text colour contrasts more."""
    if count <= 0 or peak <= 0:
        return ZERO
    position = 1 + (len(SCALE) - 2) * min(count, peak) / peak
    low = min(int(position), len(SCALE) - 2)
    weight = position - low
    mixed = [
        round(a + (b - a) * weight)
        for a, b in zip(_rgb(SCALE[low]), _rgb(SCALE[low + 1]), strict=True)
    ]
    background = "#" + "".join(f"{c:02x}" for c in mixed)
    text = max((DARK_TEXT, LIGHT_TEXT), key=lambda t: contrast(background, t))
    return background, text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Group:
    """The contributors of a cell of one kind (all the digital transformation centres, …)."""

    heading: str
    items: tuple[Contributor, ...]


def grouped(found: list[Contributor]) -> list[Group]:
    groups: dict[str, list[Contributor]] = {}
    for item in found:
        groups.setdefault(item.kind.label, []).append(item)
    return [
        Group(f"{_capital(kind)}{'' if len(items) == 1 else 's'}", tuple(items))
        for kind, items in groups.items()
    ]


def units(dimension: Dimension, ui: UI) -> tuple[str, str]:
    """What a cell counts, in the page's language: plural and singular."""
    if dimension.counts_all_items:
        return ui("cov_items"), ui("cov_item")
    return ui("cov_initiatives"), ui("cov_initiative")


def english(text: str, ui: UI) -> Markup:
    """A name from the data (in English) as HTML, marked lang="en" on a page in another
    language."""
    if ui.lang == "en":
        return Markup.escape(text)
    return Markup('<span lang="en">{}</span>').format(text)


def empty_regions(table: Coverage, ui: UI, unit: str) -> Markup:
    """One sentence naming the all-zero columns (Coverage.empty_regions_note, in the page's
    language), or nothing."""
    empty = [r.code for r in table.empty_regions]
    if not empty:
        return Markup()
    names = empty[0] if len(empty) == 1 else ui("cov_comma").join(empty[:-1])
    if len(empty) > 1:
        names += ui("cov_and") + empty[-1]
    key = "cov_empty_region" if len(empty) == 1 else "cov_empty_regions"
    target = english(table.dimension.label, ui)
    return ui.markup(key, target=target, unit=unit, regions=names)


def empty_targets(table: Coverage, ui: UI, unit: str) -> Markup:
    """One sentence naming the all-zero rows (Coverage.empty_targets_note, in the page's
    language), or nothing."""
    if not table.empty_targets:
        return Markup()
    labels = [english(t.label, ui) for t in table.empty_targets]
    return ui.markup(
        "cov_empty_targets", unit=unit, targets=Markup.escape(ui("cov_semicolon")).join(labels)
    )


def add_coverage_pages(
    app: FastAPI, site: Site, templates: Jinja2Templates, error_response
) -> None:
    """Register ``/coverage`` (the table, a cell's contributors) and ``/coverage.{csv,png,svg}``."""
    known = dimensions(site.graph_store)
    first = next(iter(known), "resolution")

    def link(by: str, target: str = "", region: str = "") -> str:
        params = {"by": by, **({"target": target, "region": region} if target else {})}
        return "/coverage?" + urlencode(params)

    def check(request: Request, by: str) -> Response | None:
        if by not in known:
            return error_response(request, 400, f"by must be one of {', '.join(known)}")
        return None

    @app.get("/coverage", response_class=HTMLResponse, include_in_schema=False)
    async def coverage_route(
        request: Request, by: str = first, target: str = "", region: str = ""
    ) -> Response:
        """The heatmap of one dimension; with target and region, that cell's contributors."""
        refused = check(request, by)
        if refused is not None:
            return refused
        if bool(target.strip()) != bool(region.strip()):
            return error_response(request, 400, "target and region go together: give both")
        key = ("coverage", by, target.strip(), region.strip().upper())
        return await site.cache.answer(
            key, lambda: coverage_page(request, known[by], target, region)
        )

    async def coverage_page(
        request: Request, dimension: Dimension, target: str, region: str
    ) -> CachedAnswer | Response:
        def compute():
            table = coverage(site.graph_store, dimension)
            if not target.strip():
                return table, None, None, None
            row, column = table.target(target), table.region(region)
            if row is None or column is None:
                return table, row, column, None
            return (
                table,
                row,
                column,
                contributors(site.graph_store, dimension, row.iri, column.code),
            )

        table, row, column, found = await asyncio.to_thread(compute)
        if target.strip() and row is None:
            return error_response(request, 404, f"No {dimension.label} {target!r} in the graph.")
        if region.strip() and column is None:
            known_regions = ", ".join(r.code for r in table.regions)
            return error_response(
                request, 404, f"No region {region!r}; the regions are {known_regions}."
            )
        page = templates.TemplateResponse(
            request,
            "coverage.html",
            context(request, table, row, column, found),
        )
        return CachedAnswer(bytes(page.body), "text/html", {"Vary": "Cookie"})

    def context(request: Request, table: Coverage, row, column, found) -> dict:
        peak = table.peak
        ui = ui_for(request)
        unit, unit_one = units(table.dimension, ui)
        rows = []
        for target, counts in table.rows():
            cells = []
            for region, count in counts:
                background, text = shade(count, peak)
                names = {"region": region.code, "target": target.label}
                title = (
                    ui("cov_cell_title", n=count, unit=unit_one if count == 1 else unit, **names)
                    if count
                    else ui("cov_cell_none", unit=unit, **names)
                )
                cells.append(
                    {
                        "region": region,
                        "count": count,
                        "style": f"background:{background};color:{text}",
                        "title": title,
                        "href": link(table.dimension.key, target.key, region.code)
                        if count
                        else None,
                        "selected": row == target and column == region,
                    }
                )
            rows.append({"target": target, "href": site.local(target.iri), "cells": cells})
        return {
            "ui": ui,
            "unit": unit,
            "unit_one": unit_one,
            "empty_regions": empty_regions(table, ui, unit),
            "empty_targets": empty_targets(table, ui, unit),
            "table": table,
            "dimension": table.dimension,
            "rows": rows,
            "switch": [
                {
                    "key": d.key,
                    "label": _capital(d.plural),
                    "href": link(d.key),
                    "current": d.key == table.dimension.key,
                }
                for d in known.values()
            ],
            "scale": [
                {"offset": f"{i / (len(SCALE) - 2):.3f}", "colour": c}
                for i, c in enumerate(SCALE[1:])
            ],
            "peak": peak,
            "downloads": [
                {"format": fmt, "href": f"/coverage.{fmt}?{urlencode({'by': table.dimension.key})}"}
                for fmt in DOWNLOADS
            ]
            if table.dimension.key in COVERAGE_KINDS
            else [],
            "cell": None
            if row is None or column is None
            else {
                "target": row,
                "region": column,
                "count": table.count(row, column),
                "groups": grouped(found or []),
                "close": link(table.dimension.key),
            },
        }

    @app.get("/coverage.{fmt}", include_in_schema=False)
    async def coverage_download(request: Request, fmt: str, by: str = first) -> Response:
        """The matrix as ``itugraph report coverage --by BY --format FMT`` writes it."""
        if fmt not in DOWNLOADS:
            return error_response(request, 404, f"No coverage.{fmt}; try csv, png or svg.")
        refused = check(request, by)
        if refused is not None:
            return refused
        if by not in COVERAGE_KINDS:
            return error_response(request, 404, f"The report has no {by} matrix.")

        async def build() -> CachedAnswer:
            def draw() -> bytes:
                return render_coverage(coverage_matrix(site.graph_store, by), fmt)

            body = await asyncio.to_thread(draw)
            disposition = f'inline; filename="coverage-{by}.{fmt}"'
            return CachedAnswer(body, DOWNLOADS[fmt], {"Content-Disposition": disposition})

        return await site.cache.answer(("coverage-download", by, fmt), build)
