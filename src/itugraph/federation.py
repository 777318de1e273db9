"""Federated queries (SPARQL 1.1 ``SERVICE``) are off unless an endpoint is allowed.

Evaluating ``SERVICE <url>`` makes the engine send an HTTP request to ``url``: from a server, a
way for anyone to reach hosts behind it. The query text is read (not evaluated) for the SERVICE
clauses it has, outside strings, IRIs and comments; a query is refused unless each names, by
its IRI, an endpoint of the allow-list. A variable endpoint (``SERVICE ?x``) is never allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = r"[A-Za-z_\u00C0-\uFFFF][\w\u00B7\u00C0-\uFFFF]*"
_TOKEN = re.compile(
    rf"""
      (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    | (?P<pname>(?:{_WORD}(?:[\w.-]*[\w-])?)?:[\w\u00B7\u00C0-\uFFFF.:%-]*)
    | (?P<name>[?$]?{_WORD})
    | (?P<other>\S)
    """,
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class ServiceRefused(ValueError):
    """A query calls a SERVICE that is not allowed; says which and how to allow it."""


def service_endpoints(text: str) -> list[str | None]:
    """The endpoints of the query's SERVICE clauses, in order (None for a variable endpoint)."""
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    tokens = [
        (match.lastgroup, match.group())
        for match in _TOKEN.finditer(text)
        if match.lastgroup != "comment"
    ]
    endpoints: list[str | None] = []
    for index, (kind, value) in enumerate(tokens):
        if kind != "name" or value.upper() != "SERVICE":
            continue
        following = tokens[index + 1 : index + 3]
        if following and following[0][0] == "name" and following[0][1].upper() == "SILENT":
            following = following[1:]
        target = following[0] if following else None
        endpoints.append(target[1][1:-1] if target and target[0] == "iri" else None)
    return endpoints


def check_services(text: str, allowed: Iterable[str] = ()) -> None:
    """Raise ServiceRefused unless every SERVICE of the query names an allowed endpoint."""
    allowed = set(allowed)
    for endpoint in service_endpoints(text):
        if endpoint is None or endpoint not in allowed:
            shown = f"<{endpoint}>" if endpoint else "a variable endpoint"
            raise ServiceRefused(
                f"federated queries are off: SERVICE {shown} is not allowed"
                + ("" if endpoint is None else f" (allow it with --allow-service {endpoint})")
            )
