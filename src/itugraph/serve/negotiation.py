"""Pick a response format from the Accept header or a ``format`` parameter."""

from __future__ import annotations

import functools
import re

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
ALIASES = {"ttl": "turtle", "n-triples": "nt", "json-ld": "jsonld", "srj": "json", "srx": "xml"}


def format_pattern(*offered: dict[str, str]) -> str:
    """The values a ``format`` parameter may take for these offers (short names, their aliases
    and media types, or empty: negotiated from Accept), as a pattern for the API's documentation."""
    names = {name for offer in offered for name in offer}
    values = names | {media for offer in offered for media in offer.values()}
    values |= {alias for alias, name in ALIASES.items() if name in names}
    escaped = (re.sub(r"([+.])", r"\\\1", value) for value in sorted(values))
    return "^(" + "|".join(escaped) + ")?$"


@functools.lru_cache(maxsize=512)
def _accepted(accept: str) -> tuple[str, ...]:
    """Media types of an Accept header, best first (by q, then by order); the few headers
    clients send are parsed once."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        quality = 1.0
        for piece in pieces[1:]:
            if piece.startswith("q="):
                try:
                    quality = float(piece[2:])
                except ValueError:
                    quality = 0.0
        if pieces[0] and quality > 0:
            ranked.append((-quality, position, pieces[0].lower()))
    return tuple(media for _, _, media in sorted(ranked))


def choose(
    accept: str | None, fmt: str | None, offered: dict[str, str], default: str
) -> str | None:
    """The short name of the format to answer in, or None when nothing offered is acceptable."""
    if fmt:
        fmt = ALIASES.get(fmt.lower(), fmt.lower())
        if "/" in fmt:
            fmt = {media: name for name, media in offered.items()}.get(fmt, fmt)
        return fmt if fmt in offered else None
    if not accept:
        return default
    by_media = {media: name for name, media in offered.items()}
    by_media.setdefault("application/json", "json" if "json" in offered else "jsonld")
    for media in _accepted(accept):
        if media in by_media and by_media[media] in offered:
            return by_media[media]
        if media == "*/*":
            return default
        if media.endswith("/*"):
            kind = media.removesuffix("*")
            if offered[default].startswith(kind):
                return default
            matching = [name for name, offer in offered.items() if offer.startswith(kind)]
            if matching:
                return matching[0]
    return None
