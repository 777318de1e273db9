"""The passages of the source documents on the pages: an entity page's section of the spans that
state its names, codes and texts (itugraph.alignment), and ``/sources/{slug}``, a document's text
with one span highlighted and scrolled to (``?start=&end=``, character offsets as the passages
count them)."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from ..alignment import Aligner, Alignment, UnknownEntity
from .caching import CachedAnswer
from .i18n import ui_for
from .site import Site

#: Passages shown of a document before the rest are folded away.
SHOWN = 3
#: An offset in a source text: a whole number, at least 0.
Offset = Annotated[int | None, Query(ge=0, description="character offset in the source text")]


def _primary(tag: str) -> str:
    """A language tag's primary subtag, lower case."""
    return tag.lower().split("-")[0]


def _flat(text: str) -> str:
    """Context on one line: every run of white space as one space."""
    return re.sub(r"\s+", " ", text)


def source_href(slug: str, start: int, end: int) -> str:
    """The local page of the source text ``slug`` with ``start:end`` highlighted."""
    return f"/sources/{slug}?{urlencode({'start': start, 'end': end})}#passage"


def passage_views(aligner: Aligner, namer: Any, iri: str) -> dict[str, Any]:
    """An entity page's passages, grouped by document (views.Namer names the terms): each with
    its context, the span to mark, what it states and the link to it in the source text; and
    the statements found in no passage."""
    try:
        alignment: Alignment = aligner.provenance(iri)
    except UnknownEntity:
        return {"count": 0, "documents": [], "unaligned": []}
    documents: dict[str, dict[str, Any]] = {}
    for found in alignment.found:
        passage = found.passage
        group = documents.get(found.document)
        if group is None:
            language = aligner.languages.get(found.document, "")
            group = documents[found.document] = {
                "document": namer.term(found.document),
                "lang": language if language and language != _primary(namer.lang) else "",
                "entries": [],
            }
        group["entries"].append(
            {
                "prefix": ("…" if passage.start > len(passage.prefix) else "")
                + _flat(passage.prefix),
                "exact": passage.exact,
                "suffix": _flat(passage.suffix) + "…",
                "start": passage.start,
                "end": passage.end,
                "href": source_href(passage.source, passage.start, passage.end),
                "properties": _unique(namer.term(s.property) for s in found.statements),
                "versions": _unique(
                    namer.term(s.entity) for s in found.statements if s.entity != iri
                ),
            }
        )
    for group in documents.values():
        entries = group.pop("entries")
        group |= {"count": len(entries), "shown": entries[:SHOWN], "more": entries[SHOWN:]}
    unaligned = []
    for statement in alignment.unaligned:
        language = statement.language
        unaligned.append(
            {
                "property": namer.term(statement.property),
                "text": statement.value,
                "lang": language if language and _primary(language) != _primary(namer.lang) else "",
                "document": namer.term(statement.document),
            }
        )
    return {
        "count": len(alignment.found),
        "documents": list(documents.values()),
        "unaligned": unaligned,
    }


def _unique(terms) -> list[dict[str, Any]]:
    """Terms without repeats (by IRI), in the order first met."""
    seen: dict[str, dict[str, Any]] = {}
    for term in terms:
        seen.setdefault(term["iri"], term)
    return list(seen.values())


def _invalid(parameter: str, message: str) -> RequestValidationError:
    """A bad parameter, answered as FastAPI's own: a 400 problem document naming it."""
    return RequestValidationError(
        [{"loc": ("query", parameter), "msg": message, "type": "value_error"}]
    )


def source_view(aligner: Aligner, namer: Any, slug: str, start: int | None, end: int | None):
    """The page of a source text: its document, its language, and the text in three parts, the
    span ``start:end`` the middle one (None without a span)."""
    text = aligner.source_text(slug)
    if (start is None) != (end is None):
        missing = "end" if end is None else "start"
        raise _invalid(missing, "give both start and end, or neither")
    if start is not None and end is not None:
        if end > len(text):
            raise _invalid("end", f"the text has {len(text)} characters; end must not exceed it")
        if start > end:
            raise _invalid("start", "start must not be after end")
    document = aligner.documents.get(slug)
    language = aligner.languages.get(document, "") if document else ""
    parts = (text, None, "") if start is None else (text[:start], text[start:end], text[end:])
    return {
        "slug": slug,
        "document": namer.term(document) if document else None,
        "lang": language,
        "characters": len(text),
        "start": start,
        "end": end,
        "before": parts[0],
        "span": parts[1],
        "after": parts[2],
    }


def add_source_pages(
    app: FastAPI, site: Site, templates: Jinja2Templates, views: Any, error_response
) -> None:
    """Register ``/sources/{slug}`` over the pages' views (views.Views: its aligner, namer)."""
    aligner: Aligner = views.aligner

    @app.get("/sources/{slug}", include_in_schema=False)
    async def source_text(
        request: Request, slug: str, start: Offset = None, end: Offset = None
    ) -> Response:
        """A source document's text, the span ``start:end`` highlighted and scrolled to."""
        ui = ui_for(request)
        if aligner.source_path(slug) is None:
            return error_response(
                request, 404, ui("sources_unknown", slug=slug), True, ui("error_not_found")
            )
        context = source_view(aligner, views.namer(ui.lang), slug, start, end)

        async def build() -> CachedAnswer:
            """The page, rendered once per span and language (the cache keys on the language)."""
            page = templates.TemplateResponse(request, "source.html", {"ui": ui, **context})
            return CachedAnswer(bytes(page.body), "text/html", {"Vary": "Cookie"})

        return await site.cache.answer(("source", slug, start, end), build)
