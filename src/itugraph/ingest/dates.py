"""Dates as reports write them ("from 6 to 8 December 2016", "13 – 15 September 2023",
"4-5 March 2020", "25th February", "May 2020", "2023年10月3日至5日"), as typed literals at the
precision the text gives: ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``."""

# ruff: noqa: RUF001, RUF002, RUF003 (reports write full-width punctuation, dashes and curly quotes)

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from rdflib import Literal
from rdflib.namespace import XSD

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_M = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_D = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_Y = r"(?:19|20)[0-9]{2}"
_TO = r"\s*(?:-|–|—|to|until|and|till)\s*"

_PATTERNS = [
    # 28 November – 2 December 2016; from 6 to 8 December 2016; 4-5 March 2020; 27 to 30 July2020
    re.compile(
        rf"(?:\bfrom\s+)?\b(?P<d1>{_D})(?:\s+(?P<m1>{_M}))?(?:,?\s*(?P<y1>{_Y}))?{_TO}"
        rf"(?P<d2>{_D})\s+(?P<m2>{_M})(?:,?\s*(?P<y2>{_Y}))?\b",
        re.IGNORECASE,
    ),
    # 30 January 2025; 25th February
    re.compile(rf"\b(?P<d1>{_D})\s+(?P<m1>{_M})(?:,?\s*(?P<y1>{_Y}))?\b", re.IGNORECASE),
    # March 5-6, 2020; May 12, 2024
    re.compile(
        rf"\b(?P<m1>{_M})\s+(?P<d1>{_D})(?:{_TO}(?P<d2>{_D}))?,?\s+(?P<y1>{_Y})\b", re.IGNORECASE
    ),
    # January – August 2020 (a period of months)
    re.compile(rf"\b(?P<m1>{_M}){_TO}(?P<m2>{_M}),?\s+(?P<y1>{_Y})\b"),
    # December 2016 (a month alone)
    re.compile(rf"\b(?P<m1>{_M})\s+(?P<y1>{_Y})\b", re.IGNORECASE),
    # 2023年10月3日至5日, 2023年8月16日至9月2日, 2024年4月23日
    re.compile(
        r"(?P<y1>(?:19|20)[0-9]{2})年(?P<m1>[0-9]{1,2})月(?P<d1>[0-9]{1,2})日"
        r"(?:\s*(?:至|到|-|–|—)\s*(?:(?P<m2>[0-9]{1,2})月)?(?P<d2>[0-9]{1,2})日)?"
    ),
    # 2023年9月 (a month alone)
    re.compile(r"(?P<y1>(?:19|20)[0-9]{2})年(?P<m1>[0-9]{1,2})月(?![0-9])"),
]
_CAPITALISED = re.compile(rf"^{_M}$")


@dataclass(frozen=True)
class DateMention:
    """A date or date range in a text: its span, start and end (None for a single date) as
    typed literals, and whether the year was taken from an earlier date in the text."""

    start: int
    end: int
    first: Literal
    last: Literal | None
    year_inferred: bool = False


def _month(token: str | None) -> int | None:
    if token is None:
        return None
    token = token.rstrip(".").lower()
    return int(token) if token.isdigit() else _MONTHS.get(token)


def _day(token: str | None) -> int | None:
    return None if token is None else int(re.sub(r"\D", "", token))


def date_literal(year: int, month: int | None = None, day: int | None = None) -> Literal | None:
    """The literal of a date at the precision given (None if no such day exists)."""
    if month is None:
        return Literal(f"{year:04d}", datatype=XSD.gYear)
    if not 1 <= month <= 12:
        return None
    if day is None:
        return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return Literal(f"{year:04d}-{month:02d}-{day:02d}", datatype=XSD.date)


def find_dates(text: str) -> list[DateMention]:
    """Every date in ``text``, leftmost-longest first; a day and month without a year take the
    year of the nearest earlier date that has one."""
    taken: list[tuple[int, int, re.Match]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end, _ in taken):
                continue
            if not _plausible(match):
                continue
            taken.append((match.start(), match.end(), match))
    mentions = []
    last_year: int | None = None
    for start, end, match in sorted(taken, key=lambda t: t[0]):
        groups = match.groupdict()
        year_text = groups.get("y2") or groups.get("y1")
        inferred = year_text is None
        if inferred and last_year is None:
            continue
        year = int(year_text) if year_text else last_year
        last_year = year
        m2, d2 = _month(groups.get("m2")), _day(groups.get("d2"))
        m1 = _month(groups.get("m1")) or m2
        d1 = _day(groups.get("d1"))
        y1 = int(groups["y1"]) if groups.get("y1") and groups.get("y2") else year
        first = date_literal(y1, m1, d1)
        if d1 is None and d2 is None and m2 is not None:
            last = date_literal(year, m2)
        else:
            last = date_literal(year, m2 or m1, d2) if d2 is not None else None
        if first is None or ((d2 is not None or m2 is not None) and last is None):
            continue
        if last is not None and str(last) < str(first):
            continue
        mentions.append(DateMention(start, end, first, last, inferred))
    return mentions


def _plausible(match: re.Match) -> bool:
    """A month name that is also a word ("may", "march") counts only when capitalised."""
    for name in ("m1", "m2"):
        token = match.groupdict().get(name)
        if token and not token.isdigit() and not token[0].isupper():
            return False
    return True
