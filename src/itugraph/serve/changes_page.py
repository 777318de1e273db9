"""``/changes``: what changed from a previous release (``itugraph serve --previous DIR``) to the
served graph, in the site's layout and languages: the entities added, removed and changed, by
class, linked to their pages here; the statements moved between source documents; the
statements added and removed per source document. ``/changes.json`` and ``/changes.md`` are the
same changes as a release's changes.json and changes.md (:mod:`itugraph.release.changes`, the
reports of ``itugraph diff``).

The changes are worked out once, when the application is made (before the server listens):
:func:`changes_since` reads the previous release and the served project as ``itugraph diff``
does, and renders the downloads. Each language's page is rendered on its first request (off the
event loop) and kept in the answer cache. Without ``--previous`` the three paths answer 404 with
the site's error page, and the navigation has no link to them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from ..diff import KINDS, Changes, Snapshot, compact, read
from ..release.changes import PreviousRelease, changes_files, changes_from, read_previous
from .caching import CachedAnswer
from .i18n import ui_for
from .site import Site
from .views import Namer

#: The downloads, by the name of their path: media types.
DOWNLOADS = {"changes.json": "application/json", "changes.md": "text/markdown; charset=utf-8"}
NO_PREVIOUS = (
    "No previous release was given, so there are no changes to show: start the server with "
    "itugraph serve --previous DIR (DIR: a release folder written by itugraph release)."
)


@dataclass(frozen=True)
class ServedChanges:
    """The changes from a previous release to the served graph, their downloads (changes.md,
    changes.json) and the IRIs the served graph states (whose pages exist here)."""

    previous: PreviousRelease
    changes: Changes
    files: dict[str, bytes]
    present: frozenset[str]


def changes_since(site: Site, previous: Path | PreviousRelease | None) -> ServedChanges | None:
    """The changes from ``previous`` (a release folder, or its reading) to the site's project,
    read as ``itugraph diff`` reads a project; None without a previous release. Raises
    :class:`~itugraph.release.changes.PreviousReleaseError` for a folder that is not a release."""
    if previous is None:
        return None
    if isinstance(previous, Path):
        previous = read_previous(previous)
    served = read(site.project, "NEW")
    changes = changes_from(previous, Snapshot(served.source, served.quads))
    present = frozenset(
        term.value
        for q in served.quads
        for term in (q.subject, q.object, q.graph_name)
        if isinstance(term, ox.NamedNode)
    )
    return ServedChanges(previous, changes, changes_files(changes), present)


def add_changes_pages(
    app: FastAPI,
    site: Site,
    templates: Jinja2Templates,
    error_response,
    served: ServedChanges | None,
) -> None:
    """Register ``/changes``, ``/changes.json`` and ``/changes.md``; ``app.state.changes`` says
    whether they have content (base.html's navigation links them only then)."""
    app.state.changes = served is not None

    @app.get("/changes", response_class=HTMLResponse, include_in_schema=False)
    async def changes_page(request: Request) -> Response:
        if served is None:
            return error_response(request, 404, NO_PREVIOUS)
        ui = ui_for(request)

        async def build() -> CachedAnswer:
            context = await asyncio.to_thread(page_context, served, site, ui.lang)
            page = templates.TemplateResponse(request, "changes.html", {"ui": ui, **context})
            return CachedAnswer(bytes(page.body), "text/html", {"Vary": "Cookie"})

        return await site.cache.answer(("changes",), build)

    @app.get("/changes.{fmt}", include_in_schema=False)
    async def changes_download(request: Request, fmt: str) -> Response:
        name = f"changes.{fmt}"
        if name not in DOWNLOADS:
            return error_response(request, 404, f"No {name}; try changes.json or changes.md.")
        if served is None:
            return error_response(request, 404, NO_PREVIOUS)

        async def build() -> CachedAnswer:
            disposition = f'inline; filename="{name}"'
            headers = {"Content-Disposition": disposition}
            return CachedAnswer(served.files[name], DOWNLOADS[name], headers)

        return await site.cache.answer(("changes-download", name), build)


def page_context(served: ServedChanges, site: Site, lang: str) -> dict[str, Any]:
    """What changes.html shows, in one language: entities by their labels here (else in the
    previous release), linked to their pages when the served graph still has them."""
    changes, previous = served.changes, served.previous
    namer = Namer(site, lang)

    def term(iri: str) -> dict[str, Any]:
        view = namer.term(iri)
        if view["raw"]:
            found = changes.old.labels.label(iri, lang)
            if found is not None:
                fallback = found.differs_from(lang)
                language = found.language if fallback else ""
                view |= {"label": found.text, "lang": language, "fallback": fallback, "raw": False}
        view["gone"] = iri not in served.present and site.local(iri) is not None
        if view["gone"]:
            view["href"] = None
        return view

    def value(node) -> dict[str, Any]:
        if isinstance(node, ox.NamedNode):
            return term(node.value)
        return namer.value(node)

    def entity(change) -> dict[str, Any]:
        return {
            "term": term(change.iri),
            "compact": compact(change.iri),
            "statements": sum(len(p.old) + len(p.new) for p in change.properties),
            "properties": [
                {
                    "property": term(p.predicate.value),
                    "old": [value(v) for v in p.old],
                    "new": [value(v) for v in p.new],
                }
                for p in change.properties
            ]
            if change.kind == "changed"
            else [],
        }

    documents = {g.graph: g.document for g in changes.graphs}

    def graph(iri: str) -> dict[str, Any]:
        document = documents.get(iri)
        return {
            "name": "graph/" + iri.rsplit("/graph/", 1)[-1],
            "href": site.local(iri) if iri in served.present else None,
            "document": term(document) if document else None,
        }

    groups = [
        {
            "classes": [term(c) for c in group.classes],
            "kinds": [
                {"kind": kind, "entities": [entity(e) for e in getattr(group, kind)]}
                for kind in KINDS
                if getattr(group, kind)
            ],
        }
        for group in changes.by_class()
    ]
    versions = [
        {
            "role": "changes_old",
            "version": previous.version,
            "iri": previous.iri,
            "issued": previous.issued,
            "source": changes.old.source,
            "statements": len(changes.old.quads),
            "graphs": len(changes.old.graphs),
        },
        {
            "role": "changes_new",
            "version": None,
            "iri": None,
            "issued": None,
            "source": changes.new.source,
            "statements": len(changes.new.quads),
            "graphs": len(changes.new.graphs),
        },
    ]
    return {
        "previous": previous,
        "identical": not changes,
        "summary": changes.summary,
        "versions": versions,
        "groups": groups,
        "moved": [
            {
                "subject": value(m.subject),
                "property": term(m.predicate.value),
                "object": value(m.object),
                "from": [graph(g) for g in m.from_graphs],
                "to": [graph(g) for g in m.to_graphs],
            }
            for m in changes.moved
        ],
        "graphs": [
            {**graph(g.graph), "added": g.added, "removed": g.removed} for g in changes.graphs
        ],
        "downloads": [{"name": name, "href": f"/{name}"} for name in DOWNLOADS],
    }
