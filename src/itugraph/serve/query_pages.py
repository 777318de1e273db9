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
from markupsafe import Markup, escape
from rdflib import Graph

from ..namespaces import RDF, RDFS, XSD, bind_prefixes
from ..queries import CannedQuery, Parameter, ParameterError
from ..query_text import QueryError, with_values
from .caching import CachedAnswer
from .engine import QueryRejected, run
from .i18n import COOKIE as LANG
from .i18n import DEFAULT as DEFAULT_LANGUAGE
from .i18n import UI, language_of, ui_for
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

    def field(parameter: Parameter, given: str | None, ui: UI) -> dict[str, Any]:
        language = ui.lang
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
            empty = (
                ui("query_choose", name=_word_text(parameter.name, ui))
                if required
                else ui("query_any")
            )
        return {
            "name": parameter.name,
            "label": _word(parameter.name, ui, capital=True),
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
        ui = ui_for(request)

        async def build() -> CachedAnswer:
            suffix = f"?{urlencode({LANG: language})}" if asked == language else ""
            groups = [
                {
                    "heading": _heading(key, names, ui),
                    "queries": [
                        {
                            "name": q.name,
                            "title": q.title,
                            "question": q.question,
                            "href": f"/queries/{q.name}{suffix}",
                            "needs": _list([_word(p.name, ui) for p in _needs(q)], ui),
                            "narrows": _list(
                                [_word(p.name, ui) for p in q.parameters if p not in _needs(q)], ui
                            ),
                        }
                        for q in members
                    ],
                }
                for key, names, members in _groups(site.queries.values())
            ]
            page = templates.TemplateResponse(
                request, "queries.html", {"groups": groups, "lang": language, "ui": ui}
            )
            return CachedAnswer(bytes(page.body), "text/html")

        return await site.cache.answer(("query-pages", "index", language, asked), build)

    @app.get("/queries/{name}", response_class=HTMLResponse, include_in_schema=False)
    async def query_page(request: Request, name: str) -> Response:
        canned = site.queries.get(name)
        if canned is None:
            message = ui_for(request)("query_unknown", name=repr(name))
            return error_response(request, 404, message, True)
        language = language_of(request.scope)
        items = tuple(sorted(request.query_params.multi_items()))
        return await site.cache.answer(
            ("query-pages", name, language, items), lambda: answer_page(request, canned, language)
        )

    async def answer_page(
        request: Request, canned: CannedQuery, language: str
    ) -> CachedAnswer | Response:
        ui = ui_for(request)
        problems: list[Markup] = []
        given: dict[str, str] = {}
        for key in dict.fromkeys(request.query_params.keys()):
            values = request.query_params.getlist(key)
            if len(values) > 1:
                problems.append(escape(ui("query_one_value", name=repr(key), n=len(values))))
            given[key] = values[-1]
        # The page's language is the site's (i18n: ?lang=, else the cookie); a ?lang= that
        # chose it is kept in the page's links.
        spoken = [(LANG, language)] if given.pop(LANG, None) == language else []
        limit = _whole(given.pop("limit", ""), PAGE_SIZE, 1, MAX_PAGE_SIZE, "limit", problems, ui)
        offset = _whole(given.pop("offset", ""), 0, 0, None, "offset", problems, ui)
        names = [p.name for p in canned.parameters]
        unknown = sorted(set(given) - set(names))
        if unknown:
            problems.append(
                ui.markup(
                    "query_no_parameter",
                    title=_english(repr(canned.title), ui),
                    name=repr(unknown[0]),
                    names=", ".join(names) or ui("query_no_parameters"),
                )
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
                invalid[parameter.name] = _english(str(error), ui)
        missing = [p for p in _needs(canned) if p.name not in values]

        # The question's parameters in the header's order, then paging and language: the
        # API's links carry the first two, the page's own links all three.
        asked = [(name, values[name]) for name in names if name in values]
        paging = [("limit", str(limit))] if limit != PAGE_SIZE else []
        at = [("offset", str(offset))] if offset else []
        context: dict[str, Any] = {
            "query": canned,
            "fields": [
                {**field(p, values.get(p.name), ui), "error": invalid.get(p.name)}
                for p in canned.parameters
            ],
            "lang": language,
            "ui": ui,
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
            page = render(
                missing=_list([_word(p.name, ui) for p in missing], ui, "query_missing_and"),
                missing_key="query_missing_one" if len(missing) == 1 else "query_missing_many",
            )
            return CachedAnswer(bytes(page.body), "text/html")
        try:
            text = with_values(canned.text, canned.bindings(values, site.regions))
        except QueryError as error:
            return render(400, errors=[_english(str(error), ui)])
        try:
            answer = await run(
                site.pool, text, site.settings.limits, "json", None, offset, max_rows=limit
            )
        except QueryRejected as rejected:
            return render(rejected.status, errors=[_english(rejected.message, ui)])
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
                (ui("query_results_json"), sparql("json"), "srj"),
                (ui("query_results_xml"), sparql("xml"), "srx"),
            ],
            editor=f"/editor?query={quote(text, safe='')}",
            permalink=page_url(canned.name, [*own, *at]),
        )
        return CachedAnswer(bytes(page.body), "text/html")


def _whole(
    text: str,
    default: int,
    low: int,
    high: int | None,
    name: str,
    problems: list[Markup],
    ui: UI,
) -> int:
    """A whole number from the query string within [low, high], or the default, noting errors."""
    if not text.strip():
        return default
    if not re.fullmatch(r"\d+", text.strip()) or int(text) < low or (high and int(text) > high):
        key = "query_whole_range" if high else "query_whole_least"
        problems.append(escape(ui(key, name=name, low=low, high=high, given=repr(text))))
        return default
    return int(text)


def _words(name: str) -> str:
    """A variable or parameter name as words: ``officeLabel`` → ``office label``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|_", " ", name).lower()


def _needs(query: CannedQuery) -> list[Parameter]:
    return [p for p in query.parameters if p.required and p.default is None]


def _groups(queries) -> list[tuple[str, list[str], list[CannedQuery]]]:
    """The questions grouped by what they ask of the reader: nothing (overviews), optional
    filters, or one thing (a region, an entity, a text) that they are about. A group is its
    heading's message key, the parameters its heading names, and its questions."""
    groups: dict[str, list[CannedQuery]] = {}
    by_type: dict[str, list[CannedQuery]] = {}
    for query in queries:
        needs = _needs(query)
        if needs:
            by_type.setdefault(needs[0].type, []).append(query)
        elif query.parameters:
            groups.setdefault("queries_narrow", []).append(query)
        else:
            groups.setdefault("queries_overviews", []).append(query)
    ordered: list[tuple[str, list[str], list[CannedQuery]]] = [
        (key, [], groups[key]) for key in ("queries_overviews", "queries_narrow") if key in groups
    ]
    # The region first (the most asked-for), text search last.
    order = {"region": 0, "string": 2}
    for kind, members in sorted(by_type.items(), key=lambda item: (order.get(item[0], 1), item[0])):
        if kind == "string":
            ordered.append(("queries_text", [], members))
        else:
            ordered.append(("queries_about", sorted({_needs(q)[0].name for q in members}), members))
    return [(k, n, sorted(m, key=lambda q: q.title.casefold())) for k, n, m in ordered]


def _heading(key: str, names: list[str], ui: UI) -> Markup:
    """A group's heading: "About one region", "About one entity or initiative"…"""
    words = [_word(name, ui) for name in names]
    if len(words) > 1:
        words = [_list(words[:-1], ui), words[-1]]
    return ui.markup(key, names=Markup(escape(ui("queries_or"))).join(words))


def _word_text(name: str, ui: UI) -> str:
    """A parameter as a word in the page's language (``param_*`` of the catalogue), else as
    the words of its name."""
    key = f"param_{name}"
    return ui(key) if ui.has(key) else _words(name)


def _word(name: str, ui: UI, capital: bool = False) -> Markup:
    """A parameter as a word, as HTML: marked lang="en" where the catalogue has no word for
    it and the page is in another language."""
    text = _word_text(name, ui)
    if capital:
        text = text[:1].upper() + text[1:]
    if ui.has(f"param_{name}"):
        return Markup(escape(text))
    return _english(text, ui)


def _english(text: str, ui: UI) -> Markup:
    """English text (from the data, an engine's message) as HTML: marked lang="en" on a page
    in another language."""
    if ui.lang == DEFAULT_LANGUAGE:
        return Markup(escape(text))
    return Markup('<span lang="en">{}</span>').format(text)


def _list(items: list[Markup], ui: UI, joiner: str = "queries_comma") -> Markup:
    """Items joined as the page's language writes a list."""
    return Markup(escape(ui(joiner))).join(items)


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
