"""``/versions/{region}``: a region's regional initiatives as drafted and as adopted, per
initiative the title and objective each document states, grouped by what changed (the report of
``itugraph report versions``, from the canned query initiatives-drafted-and-adopted)."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from ..queries import ParameterError, get_query
from ..reports import VERSIONS_QUERY, VersionsReport, versions_report
from .caching import CachedAnswer
from .i18n import ui_for
from .site import Site

#: The row labels of an initiative's table, in order, and the report's fields for each column.
ROWS = (
    ("versions_title_row", "draft_title", "adopted_title"),
    ("versions_objective", "draft_objective", "adopted_objective"),
    ("versions_document", "draft_document", "adopted_document"),
)


def add_versions_pages(
    app: FastAPI, site: Site, templates: Jinja2Templates, error_response
) -> None:
    """Register ``/versions/{region}`` (``?cycle=`` a WTDC conference, by default the latest)."""

    @app.get("/versions/{region}", response_class=HTMLResponse, include_in_schema=False)
    async def versions_page(request: Request, region: str, cycle: str | None = None) -> Response:
        if region.upper() not in site.regions:
            return error_response(request, 404, f"No region {region!r}.")
        if cycle is not None:
            (parameter,) = [p for p in get_query(VERSIONS_QUERY).parameters if p.name == "cycle"]
            try:
                parameter.parse(cycle)
            except ParameterError as error:
                return error_response(request, 400, str(error))
        ui = ui_for(request)

        async def build() -> CachedAnswer:
            report = await asyncio.to_thread(
                versions_report, site.graph_store, region.upper(), cycle
            )
            context = {"ui": ui, **view(site, report)}
            page = templates.TemplateResponse(request, "versions.html", context)
            return CachedAnswer(bytes(page.body), "text/html", {"Vary": "Cookie"})

        return await site.cache.answer(("versions", region.upper(), cycle), build)


def view(site: Site, report: VersionsReport) -> dict:
    """The page's groups: each change with its initiatives, each as rows of draft and adopted."""
    groups = []
    for change, initiatives in report.groups().items():
        entries = [
            {
                "href": site.local(i.initiative),
                "code": i.code,
                "rows": [
                    (label, getattr(i, draft), getattr(i, adopted))
                    for label, draft, adopted in ROWS
                ],
            }
            for i in initiatives
        ]
        groups.append({"change": change, "initiatives": entries})
    return {"report": report, "groups": groups}
