"""Canned questions as pages: ``/queries`` lists them, ``/queries/{name}`` asks one.

A question's page is generated from its ``.rq`` header: one form field per parameter (a select
where the parameter has choices: a choice's from the header, a region's and a language's from
the graph; an entity's suggestions are the instances of its example's class), required ones
marked, defaults preselected. The form is sent with GET, so the page's URL is a permalink of
the answer. The answer comes from the worker processes exactly as the JSON API's does (the
query text with its parameters bound, ``engine.run``, the same row limit); each IRI is shown by
its label in the page's language (``site.label``, English as the fallback) and linked to its
page here (``site.local``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from rdflib import Graph

from ..namespaces import RDF, RDFS, XSD, bind_prefixes
from ..queries import CannedQuery, Parameter, ParameterError
from ..query_text import QueryError, with_values
from .caching import CachedAnswer
from .engine import QueryRejected, run
from .i18n import COOKIE as LANG
from .i18n import DEFAULT as DEFAULT_LANGUAGE
from .i18n import language_of
from .site import Site

#: Rows per page: the JSON API's default ``limit``, so a page and its downloads agree.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 10_000

NUMERIC = {
    str(XSD[name])
    for name in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")
}

#: An entity parameter given as a path under id/ (the shape itugraph.queries accepts).
ENTITY_PATH = re.compile(r"^[a-z]+/[A-Za-z0-9/_.-]+$")


def add_query_pages(
    app: FastAPI,
    site: Site,
    templates: Jinja2Templates,
    error_response: Callable[[Request, int, str], Response],
) -> None:
    """Register ``/queries`` and ``/queries/{name}``."""
    base = site.settings.public_base
    languages = _languages(site)
    prefixes = _prefixes()

    def label(iri: str, language: str) -> str | None:
        """What the site calls an IRI in the page's language (site.label, the one labelling
        rule of every page), else in English; None when nothing labels it."""
        return site.label(iri, language) or (
            site.label(iri, DEFAULT_LANGUAGE) if language != DEFAULT_LANGUAGE else None
        )

    def compact(iri: str) -> str:
        """An unlabelled IRI, short: a path under id/, else a prefixed name, else itself."""
        if iri.startswith(f"{base}id/"):
            return iri.removeprefix(f"{base}id/")
        for prefix, namespace in prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri.removeprefix(namespace)}"
        return iri

    def iri_view(iri: str, language: str) -> dict[str, Any]:
        href = site.local(iri)
        if href is None and not iri.startswith(base):
            href = iri
        return {"iri": iri, "href": href, "label": label(iri, language) or compact(iri)}

    def cell(term: dict[str, str] | None, language: str) -> dict[str, Any]:
        if term is None:
            return {}
        if term["type"] == "uri":
            return iri_view(term["value"], language)
        if term["type"] == "bnode":
            return {"text": f"_:{term['value']}"}
        return {
            "text": term["value"],
            "lang": term.get("xml:lang"),
            "numeric": term.get("datatype") in NUMERIC,
        }

    @cache
    def suggestions(example: str, language: str) -> tuple[tuple[str, str], ...]:
        """Values to suggest for an entity parameter: the instances of its example's classes
        (those of the ontology), labelled, as the parameter accepts them."""
        types = rdf_objects(example_iri(example), str(RDF.type))
        classes = [t for t in types if t.startswith(f"{base}def#")]
        members = {
            quad.subject.value
            for c in classes
            for quad in site.store.quads_for_pattern(
                None, ox.NamedNode(str(RDF.type)), ox.NamedNode(c), ox.DefaultGraph()
            )
            if isinstance(quad.subject, ox.NamedNode)
        }
        options = []
        for iri in members:
            value = compact(iri) if iri.startswith(f"{base}id/") else iri
            if not ENTITY_PATH.match(value):
                value = iri
            options.append((value, label(iri, language) or value))
        return tuple(sorted(options, key=lambda option: (option[1].casefold(), option[0])))

    def example_iri(example: str) -> str:
        return example if not ENTITY_PATH.match(example) else f"{base}id/{example}"

    def rdf_objects(iri: str, predicate: str) -> list[str]:
        return [
            quad.object.value
            for quad in site.store.quads_for_pattern(
                ox.NamedNode(iri), ox.NamedNode(predicate), None, ox.DefaultGraph()
            )
            if isinstance(quad.object, ox.NamedNode)
        ]

    def field(parameter: Parameter, given: str | None, language: str) -> dict[str, Any]:
        required = parameter.required and parameter.default is None
        value = given if given is not None else (parameter.default or "")
        options = None
        if parameter.type == "choice":
            options = [(name, label(iri, language) or name) for name, iri in parameter.choices]
        elif parameter.type == "region":
            value = value.strip().upper()
            options = []
            for code in site.regions:
                named = label(str(parameter.parse(code)), language)
                options.append((code, f"{code} — {named}" if named else code))
        elif parameter.type == "lang":
            options = [(code, code) for code in languages]
        empty = None
        if options is not None and (required or parameter.default is None):
            empty = f"— choose a {_words(parameter.name)} —" if required else "— any —"
        return {
            "name": parameter.name,
            "label": _words(parameter.name).capitalize(),
            "description": parameter.description,
            "type": parameter.type,
            "required": required,
            "value": value,
            "options": options,
            "empty": empty,
            "suggestions": suggestions(parameter.example, language)
            if parameter.type == "entity" and parameter.example
            else (),
            "example": parameter.example,
            "input": {"integer": "number", "iri": "url"}.get(parameter.type, "text"),
            "pattern": "[0-9]{4}" if parameter.type == "year" else None,
        }

    def page_url(name: str, pairs: list[tuple[str, str]]) -> str:
        return f"/queries/{name}" + (f"?{urlencode(pairs)}" if pairs else "")

    @app.get("/queries", response_class=HTMLResponse, include_in_schema=False)
    async def queries_index(request: Request) -> Response:
        language = language_of(request.scope)
        asked = request.query_params.get(LANG)

        async def build() -> CachedAnswer:
            suffix = f"?{urlencode({LANG: language})}" if asked == language else ""
            groups = [
                {
                    "heading": heading,
                    "queries": [
                        {
                            "name": q.name,
                            "title": q.title,
                            "question": q.question,
                            "href": f"/queries/{q.name}{suffix}",
                            "needs": [_words(p.name) for p in _needs(q)],
                            "narrows": [_words(p.name) for p in q.parameters if p not in _needs(q)],
                        }
                        for q in members
                    ],
                }
                for heading, members in _groups(site.queries.values())
            ]
            page = templates.TemplateResponse(
                request, "queries.html", {"groups": groups, "lang": language}
            )
            return CachedAnswer(bytes(page.body), "text/html")

        return await site.cache.answer(("query-pages", "index", language, asked), build)

    @app.get("/queries/{name}", response_class=HTMLResponse, include_in_schema=False)
    async def query_page(request: Request, name: str) -> Response:
        canned = site.queries.get(name)
        if canned is None:
            return error_response(
                request, 404, f"No canned question is called {name!r}; see /queries for them all."
            )
        language = language_of(request.scope)
        items = tuple(sorted(request.query_params.multi_items()))
        return await site.cache.answer(
            ("query-pages", name, language, items), lambda: answer_page(request, canned, language)
        )

    async def answer_page(
        request: Request, canned: CannedQuery, language: str
    ) -> CachedAnswer | Response:
        problems: list[str] = []
        given: dict[str, str] = {}
        for key in dict.fromkeys(request.query_params.keys()):
            values = request.query_params.getlist(key)
            if len(values) > 1:
                problems.append(f"give one value for {key!r}, not {len(values)}")
            given[key] = values[-1]
        # The page's language is the site's (i18n: ?lang=, else the cookie); a ?lang= that
        # chose it is kept in the page's links.
        spoken = [(LANG, language)] if given.pop(LANG, None) == language else []
        limit = _whole(given.pop("limit", ""), PAGE_SIZE, 1, MAX_PAGE_SIZE, "limit", problems)
        offset = _whole(given.pop("offset", ""), 0, 0, None, "offset", problems)
        names = [p.name for p in canned.parameters]
        unknown = sorted(set(given) - set(names))
        if unknown:
            problems.append(
                f"{canned.title!r} has no parameter {unknown[0]!r}; "
                f"its parameters: {', '.join(names) or 'none'}"
            )
        values = {key: value for key, value in given.items() if key in names and value.strip()}
        invalid: dict[str, str] = {}
        for parameter in canned.parameters:
            if parameter.name not in values:
                continue
            if parameter.type == "region":
                values[parameter.name] = values[parameter.name].strip().upper()
            try:
                parameter.parse(values[parameter.name], site.regions)
            except ParameterError as error:
                invalid[parameter.name] = str(error)
        missing = [p for p in _needs(canned) if p.name not in values]

        # The question's parameters in the header's order, then paging and language: the
        # API's links carry the first two, the page's own links all three.
        asked = [(name, values[name]) for name in names if name in values]
        paging = [("limit", str(limit))] if limit != PAGE_SIZE else []
        at = [("offset", str(offset))] if offset else []
        context: dict[str, Any] = {
            "query": canned,
            "fields": [
                {**field(p, values.get(p.name), language), "error": invalid.get(p.name)}
                for p in canned.parameters
            ],
            "lang": language,
            "index": "/queries" + (f"?{urlencode(spoken)}" if spoken else ""),
            "hidden": [*spoken, *paging],
            "answered": False,
        }

        def render(status: int = 200, **extra: Any) -> HTMLResponse:
            return templates.TemplateResponse(
                request, "query.html", {**context, **extra}, status_code=status
            )

        if problems or invalid:
            return render(400, errors=[*problems, *invalid.values()])
        if missing:
            page = render(missing=[_words(p.name) for p in missing])
            return CachedAnswer(bytes(page.body), "text/html")
        try:
            text = with_values(canned.text, canned.bindings(values, site.regions))
        except QueryError as error:
            return render(400, errors=[str(error)])
        try:
            answer = await run(
                site.pool, text, site.settings.limits, "json", None, offset, max_rows=limit
            )
        except QueryRejected as rejected:
            return render(rejected.status, errors=[rejected.message])
        results = json.loads(answer.body)
        variables = results.get("head", {}).get("vars", [])
        rows = [
            [cell(binding.get(v), language) for v in variables]
            for binding in results.get("results", {}).get("bindings", [])
        ]
        api = f"/api/queries/{canned.name}"

        def sparql(fmt: str) -> str:
            return f"/sparql?{urlencode({'query': text, 'format': fmt})}"

        api_pairs = [*asked, *paging, *at]
        own = [*asked, *spoken, *paging]
        before = max(offset - limit, 0)
        page = render(
            answered=True,
            boolean=results.get("boolean"),
            columns=[{"var": v, "label": _words(v).capitalize()} for v in variables],
            rows=rows,
            first=offset + 1,
            last=offset + len(rows),
            previous=page_url(canned.name, [*own, *([("offset", str(before))] if before else [])])
            if offset
            else None,
            next=page_url(canned.name, [*own, ("offset", str(offset + limit))])
            if answer.truncated
            else None,
            text=text,
            downloads=[
                ("CSV", f"{api}?{urlencode([*api_pairs, ('format', 'csv')])}", "csv"),
                ("JSON", api + (f"?{urlencode(api_pairs)}" if api_pairs else ""), "json"),
                ("SPARQL results (JSON)", sparql("json"), "srj"),
                ("SPARQL results (XML)", sparql("xml"), "srx"),
            ],
            editor=f"/editor?query={quote(text, safe='')}",
            permalink=page_url(canned.name, [*own, *at]),
        )
        return CachedAnswer(bytes(page.body), "text/html")


def _whole(
    text: str, default: int, low: int, high: int | None, name: str, problems: list[str]
) -> int:
    """A whole number from the query string within [low, high], or the default, noting errors."""
    if not text.strip():
        return default
    if not re.fullmatch(r"\d+", text.strip()) or int(text) < low or (high and int(text) > high):
        bound = f"from {low} to {high}" if high else f"of at least {low}"
        problems.append(f"{name} must be a whole number {bound}; got {text!r}")
        return default
    return int(text)


def _words(name: str) -> str:
    """A variable or parameter name as words: ``officeLabel`` → ``office label``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|_", " ", name).lower()


def _needs(query: CannedQuery) -> list[Parameter]:
    return [p for p in query.parameters if p.required and p.default is None]


def _groups(queries) -> list[tuple[str, list[CannedQuery]]]:
    """The questions grouped by what they ask of the reader: nothing (overviews), optional
    filters, or one thing (a region, an entity, a text) that they are about."""
    groups: dict[str, list[CannedQuery]] = {}
    by_type: dict[str, list[CannedQuery]] = {}
    for query in queries:
        needs = _needs(query)
        if needs:
            by_type.setdefault(needs[0].type, []).append(query)
        elif query.parameters:
            groups.setdefault("Lists you can narrow down", []).append(query)
        else:
            groups.setdefault("Overviews", []).append(query)
    ordered = [(h, groups[h]) for h in ("Overviews", "Lists you can narrow down") if h in groups]
    # The region first (the most asked-for), text search last.
    order = {"region": 0, "string": 2}
    for kind, members in sorted(by_type.items(), key=lambda item: (order.get(item[0], 1), item[0])):
        if kind == "string":
            heading = "Searching the text"
        else:
            names = sorted({_words(_needs(q)[0].name) for q in members})
            heading = "About one " + (
                names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
            )
        ordered.append((heading, members))
    return [(h, sorted(m, key=lambda q: q.title.casefold())) for h, m in ordered]


def _languages(site: Site) -> tuple[str, ...]:
    """The languages of the graph's labels, the default first."""
    found = {
        term["lang"].value
        for term in site.store.query(
            f"SELECT DISTINCT (LANG(?label) AS ?lang) WHERE {{ ?s <{RDFS.label}> ?label }}"
        )
        if term["lang"] is not None and term["lang"].value
    }
    return (DEFAULT_LANGUAGE, *sorted(found - {DEFAULT_LANGUAGE}))


def _prefixes() -> list[tuple[str, str]]:
    """The project's prefixes (namespaces.bind_prefixes), the longest namespace first."""
    manager = bind_prefixes(Graph(bind_namespaces="none").namespace_manager)
    return sorted(
        ((prefix, str(namespace)) for prefix, namespace in manager.namespaces()),
        key=lambda pair: -len(pair[1]),
    )
