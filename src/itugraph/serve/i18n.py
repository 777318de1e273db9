"""The interface's languages: which one a request asks for, the interface's own words in it (the
catalogue ``messages.toml``), and the switch between languages.

A request's language is its ``lang`` query parameter when that names a language of the
catalogue, else its ``lang`` cookie (set by the switch, ``/lang/{code}``), else English. Pages
therefore vary by the Cookie header: the cache of answers and the ETags take the language in
(see ``answer_variant`` and ``caching.ConditionalGet``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import Scope

CATALOGUE = Path(__file__).parent / "messages.toml"
DEFAULT = "en"
COOKIE = "lang"
#: A year, in seconds: how long the browser remembers the chosen language.
REMEMBER = 365 * 24 * 3600


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """The interface's words: key -> language -> text (``messages.toml``)."""
    with CATALOGUE.open("rb") as file:
        data = tomllib.load(file)
    return {key: dict(texts) for key, texts in data["messages"].items()}


@cache
def term_words() -> dict[str, dict[str, str]]:
    """Words for terms of standard vocabularies the ontology declares without a label:
    IRI -> language -> text (``[terms]`` of ``messages.toml``)."""
    with CATALOGUE.open("rb") as file:
        return {iri: dict(texts) for iri, texts in tomllib.load(file)["terms"].items()}


@cache
def languages() -> dict[str, str]:
    """The interface's languages, code -> the language's name in itself, in catalogue order."""
    with CATALOGUE.open("rb") as file:
        return dict(tomllib.load(file)["languages"])


def language_of(scope: Scope) -> str:
    """The language a request asks for: ``?lang=``, else the ``lang`` cookie, else English."""
    known = languages()
    for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1")):
        if name == COOKIE and value in known:
            return value
    chosen = cookie_parser(Headers(scope=scope).get("cookie", "")).get(COOKIE)
    return chosen if chosen in known else DEFAULT


def answer_variant(scope: Scope) -> str | None:
    """What an answer depends on besides its request line and Accept header: the language,
    None for the default one (so that English answers keep their plain cache keys)."""
    language = language_of(scope)
    return None if language == DEFAULT else language


@dataclass(frozen=True)
class UI:
    """The interface in one language, for one page: ``ui("key", n=3)`` is a message of the
    catalogue with its ``{n}`` filled in, falling back to English where a text is missing."""

    lang: str
    path: str

    def __call__(self, key: str, **values: Any) -> str:
        texts = catalogue()[key]
        text = texts.get(self.lang) or texts[DEFAULT]
        return text.format(**values) if values else text

    def markup(self, key: str, **values: Any) -> Markup:
        """A message as HTML, for a message whose values are elements (a name marked with its
        language, a ``<code>``): its text escaped, values escaped unless they are Markup."""
        texts = catalogue()[key]
        return Markup(escape(texts.get(self.lang) or texts[DEFAULT])).format(**values)

    def has(self, key: str) -> bool:
        """Whether the catalogue has a message ``key``."""
        return key in catalogue()

    @property
    def languages(self) -> list[dict[str, Any]]:
        """The switch: each language with its name, the link that chooses it, and whether it
        is the page's."""
        return [
            {
                "code": code,
                "name": name,
                "href": f"/lang/{code}?{urlencode({'next': self.path})}",
                "current": code == self.lang,
            }
            for code, name in languages().items()
        ]

    def number(self, value: int) -> str:
        """A count as the interface writes it (thousands grouped)."""
        return f"{value:,}"


def ui_for(request: Request) -> UI:
    """The interface in the request's language, knowing the page it is on (for the switch)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != COOKIE]
    path = request.url.path + (f"?{urlencode(query)}" if query else "")
    return UI(language_of(request.scope), path)


def _local(target: str) -> str:
    """A path on this site to return to; anything else (another site, a scheme) becomes /."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def add_language_switch(app: FastAPI) -> None:
    """``/lang/{code}?next=/path``: remember the language in a cookie and go back to the page,
    in that language (``?lang=`` too, so that the page shows it even without cookies)."""

    @app.get("/lang/{code}", include_in_schema=False)
    async def switch_language(code: str, next: str = "/") -> Response:
        if code not in languages():
            code = DEFAULT
        target = _local(next)
        path, _, query = target.partition("?")
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != COOKIE]
        target = f"{quote(path, safe='/%:@-._~!$&()*+,;=')}?{urlencode([*kept, (COOKIE, code)])}"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, code, max_age=REMEMBER, path="/", samesite="lax")
        response.headers["Cache-Control"] = "no-store"
        return response
