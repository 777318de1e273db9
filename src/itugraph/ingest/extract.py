"""Candidate facts of a report, found by patterns of the genre (ITU reports on the regional
presence, RPM outcomes, Council and BDT reports) in English and Chinese, with the graph's
vocabularies (``Gazetteer``) naming what the text names.

Each kind of fact has one function: resolution citations, regional initiative blocks and their
expected results, events (dates, places, organizers, partners, participants), people with
roles, projects and programmes (codes, funders, amounts, dates) and SDG, WSIS action line and GDC
mentions. None of them knows a name of a particular report: names come from the graph.
"""

# ruff: noqa: RUF001, RUF002 (reports write full-width punctuation, dashes and curly quotes)

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from ..namespaces import ID, ITU
from ..passages import Passage
from .dates import DateMention, find_dates
from .gazetteer import Gazetteer, key, literal_values
from .model import Candidate, Triple, slugify

KIND_PREFIX = {
    "resolution": "R",
    "initiative": "I",
    "result": "X",
    "event": "E",
    "person": "P",
    "project": "J",
    "target": "T",
}
#: Chinese words for the event kinds of the shapes' closed list (a language lexicon, not facts).
_ZH_EVENT_WORDS = {
    "网络研讨会": "webinar",
    "研讨会": "workshop",
    "讲习班": "workshop",
    "论坛": "forum",
    "峰会": "summit",
    "圆桌会议": "round table",
    "培训": "training",
    "会议": "meeting",
    "对话": "dialogue",
    "展览": "exhibition",
    "竞赛": "competition",
    "大赛": "competition",
    "演习": "exercise",
}
_EN_EXTRA_EVENT_WORDS = ("conference", "session", "course", "hackathon", "congress")
_HONORIFIC = (
    r"(?:H\.\s?E\.?\s+|His Excellency\s+|Her Excellency\s+)?(?:Mr|Mrs|Ms|Miss|Dr|Prof|Eng|Hon)\.?"
)
_NAME_WORD = r"[A-Z][\w’'-]*\.?"
_NAME = (
    rf"{_NAME_WORD}(?:\s+(?:(?:bin|bint|de|da|del|van|von|al|el|la|le|di)\s+)?{_NAME_WORD}){{1,4}}"
)
_CURRENCY_WORDS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "euro": "EUR",
    "euros": "EUR",
    "dollars": "USD",
    "us dollars": "USD",
    "swiss francs": "CHF",
    "美元": "USD",
    "欧元": "EUR",
    "瑞士法郎": "CHF",
    "瑞郎": "CHF",
}
_SCALE = {"thousand": 1_000, "k": 1_000, "million": 1_000_000, "m": 1_000_000}
_SCALE |= {"billion": 1_000_000_000, "bn": 1_000_000_000, "万": 10_000, "亿": 100_000_000}
_QUALIFIERS = {
    "more than": "more than",
    "over": "more than",
    "above": "more than",
    "超过": "more than",
    "逾": "more than",
    "about": "about",
    "around": "about",
    "some": "about",
    "approximately": "about",
    "约": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "近": "nearly",
}


@dataclass
class _Span:
    start: int
    end: int
    text: str


@dataclass
class Extraction:
    """The state of one document's extraction: its text, the gazetteer, and what was found."""

    slug: str
    text: str
    gazetteer: Gazetteer
    language: str = "en"
    candidates: list[Candidate] = field(default_factory=list)
    by_subject: dict[URIRef, Candidate] = field(default_factory=dict)
    dates: list[DateMention] = field(default_factory=list)
    blocks: list[tuple[int, int, URIRef]] = field(default_factory=list)

    @property
    def document(self) -> URIRef:
        """The IRI of the document being ingested."""
        return ID[f"document/{self.slug}"]

    def passage(self, start: int, end: int) -> Passage:
        """The passage of this document from ``start`` to ``end``, trimmed of outer spaces."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return Passage.of(self.slug, self.text, start, end)

    def add(
        self,
        kind: str,
        subject: URIRef,
        summary: str,
        triples: list[Triple],
        passage: Passage,
        confidence: float,
        reused: list[URIRef] | None = None,
        requires: list[Candidate] | None = None,
    ) -> Candidate:
        """Record a candidate, or add the passage to the one already made for this subject."""
        if subject in self.by_subject and self.by_subject[subject].kind == kind:
            found = self.by_subject[subject]
            if passage != found.passage and passage not in found.mentions:
                found.mentions.append(passage)
            for triple in triples:
                if triple not in found.triples:
                    found.triples.append(triple)
            return found
        candidate = Candidate(
            id="",
            kind=kind,
            subject=subject,
            summary=summary,
            triples=_with_provenance(triples, self.document),
            passage=passage,
            confidence=round(confidence, 2),
            reused=sorted(set(reused or [])),
            requires=[c.id or str(id(c)) for c in requires or []],
        )
        candidate._requires = list(requires or [])  # type: ignore[attr-defined]
        self.candidates.append(candidate)
        self.by_subject.setdefault(subject, candidate)
        return candidate


def _with_provenance(triples: list[Triple], document: URIRef) -> list[Triple]:
    """Every subject the candidate describes is derived from the document (once each)."""
    out = list(dict.fromkeys(triples))
    for subject in dict.fromkeys(s for s, _, _ in triples):
        triple = (subject, PROV.wasDerivedFrom, document)
        if triple not in out:
            out.append(triple)
    return out


def extract(slug: str, text: str, gazetteer: Gazetteer, language: str = "en") -> list[Candidate]:
    """Every candidate fact of a document, numbered per kind in document order (R1, E1, …)."""
    run = Extraction(slug, text, gazetteer, language, dates=find_dates(text))
    resolutions(run)
    initiatives(run)
    events(run)
    people(run)
    projects(run)
    targets(run)
    counters: dict[str, int] = {}
    ordered = sorted(
        run.candidates, key=lambda c: (list(KIND_PREFIX).index(c.kind), c.passage.start)
    )
    for candidate in ordered:
        prefix = KIND_PREFIX[candidate.kind]
        counters[prefix] = counters.get(prefix, 0) + 1
        candidate.id = f"{prefix}{counters[prefix]}"
    for candidate in ordered:
        candidate.requires = [c.id for c in getattr(candidate, "_requires", [])]
        if hasattr(candidate, "_requires"):
            del candidate._requires
    return ordered


# ----------------------------------------------------------------------------------------------
# Sentences and lines
# ----------------------------------------------------------------------------------------------


def lines(text: str) -> Iterator[_Span]:
    """Each line of a text with its offsets (without the line break)."""
    start = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        yield _Span(start, start + len(body), body)
        start += len(line)


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z“\"(])|(?<=[。；！？])")


def sentences(text: str) -> Iterator[_Span]:
    """Each sentence (within a line) with its offsets; a table row of cells is one sentence."""
    for line in _rows(text):
        position = line.start
        for piece in _SENTENCE_END.split(line.text):
            if piece.strip():
                offset = text.index(piece, position) if piece else position
                yield _Span(offset, offset + len(piece), piece)
                position = offset + len(piece)


def _rows(text: str) -> Iterator[_Span]:
    """Lines, except that consecutive tab-indented table cells (one per line, as exported from
    Word) are joined into one row."""
    pending: list[_Span] = []
    for line in lines(text):
        if line.text.startswith("\t") and line.text.strip():
            pending.append(line)
            continue
        if pending:
            yield _Span(pending[0].start, pending[-1].end, text[pending[0].start : pending[-1].end])
            pending = []
        if line.text.strip():
            yield line
    if pending:
        yield _Span(pending[0].start, pending[-1].end, text[pending[0].start : pending[-1].end])


# ----------------------------------------------------------------------------------------------
# Resolution citations
# ----------------------------------------------------------------------------------------------

_NUMBER = r"(?:[A-Z]{2,5}[0-9]*/[0-9]+|[0-9]{1,4})"
_EN_RESOLUTION = re.compile(
    rf"(?:\b(?P<body>PP|WTDC|WTSA|Council)(?:[-‑](?P<yy>[0-9]{{2}}))?\s+)?"
    rf"\b[Rr]esolutions?\s*:?\s+(?P<numbers>{_NUMBER}(?:\s+of\s+(?:PP|WTDC|WTSA)[-‑][0-9]{{2}})?"
    rf"(?:\s*(?:,|and|&)\s*{_NUMBER}(?:\s+of\s+(?:PP|WTDC|WTSA)[-‑][0-9]{{2}})?)*)"
    r"(?:\s*\((?P<rev>Rev\.?\s*)?(?P<city>[A-Z][^,()0-9]*?),?\s*(?P<year>(?:19|20)[0-9]{2})\))?"
    r"(?:\s+of\s+the\s+(?:ITU\s+)?(?P<body_name>[A-Z][A-Za-z ]+?(?:Conference|Assembly|Council)))?"
)
_ZH_RESOLUTION = re.compile(
    r"第(?P<numbers>[0-9A-Z/]+(?:(?:、|和|及)[0-9A-Z/]+)*)号决议"
    r"(?:（(?P<year>(?:19|20)[0-9]{2})年，(?P<city>[^，）]+)(?:，(?P<rev>修订版))?）)?"
)


#: Chinese names of the bodies that adopt resolutions, to their English names (which the graph's
#: conference labels and the shapes' body codes turn into a body).
_ZH_BODY_NAMES = {
    "全权代表大会": "Plenipotentiary Conference",
    "世界电信发展大会": "World Telecommunication Development Conference",
    "世界电信标准化全会": "World Telecommunication Standardization Assembly",
    "理事会": "Council",
}


def _body_names(gazetteer: Gazetteer) -> dict[str, str]:
    """Names of the bodies that adopt resolutions, from the graph: the conferences' labels
    ("Plenipotentiary Conference 2018 (PP-18)"), the body codes the shapes allow, and the
    resolutions' own names ("全权代表大会第25号决议")."""
    names: dict[str, str] = {key(code): code for code in gazetteer.resolution_body_codes}
    for conference in gazetteer.conferences:
        label = gazetteer.label(conference.iri) or ""
        name = re.sub(r"\s*(?:19|20)[0-9]{2}.*$", "", label).strip()
        if name:
            names[key(name)] = conference.body
            if not name.startswith("World"):
                names[key(name.split()[0])] = conference.body
        names[key(conference.body)] = conference.body
    for name, body in gazetteer.resolution_bodies.items():
        names.setdefault(name, body)
    for chinese, english in _ZH_BODY_NAMES.items():
        if key(english) in names:
            names.setdefault(chinese, names[key(english)])
    return names


_ACRONYM = re.compile(r"\b(?P<body>PP|WTDC|WTSA|Council)(?:[-‑](?P<yy>[0-9]{2}))?\b")


def resolutions(run: Extraction) -> None:
    """Citations of resolutions: to the revision where the text names its conference ("Rev.
    Kigali, 2022", "of PP-22", "（2022年，基加利，修订版）"), else to the work."""
    bodies = _body_names(run.gazetteer)
    previous_end, previous_body = -10, None
    matches = [(m, "en") for m in _EN_RESOLUTION.finditer(run.text)]
    matches += [(m, "zh") for m in _ZH_RESOLUTION.finditer(run.text)]
    for match, _language in sorted(matches, key=lambda item: item[0].start()):
        groups = match.groupdict()
        body, yy = groups.get("body"), groups.get("yy")
        if not body and groups.get("body_name"):
            body = bodies.get(key(groups["body_name"]))
        if not body:
            body, yy = _body_before(run.text, match.start(), bodies)
        between = run.text[previous_end : match.start()]
        if not body and previous_body and re.fullmatch(r"[、，,;\s和及]*|\s*and\s*", between):
            body = previous_body
        items = _items(match)
        for number, of_body, of_yy in items:
            item_body, item_yy = (of_body, of_yy) if of_body else (body, yy)
            year = int(match["year"]) if match["year"] else None
            conference = _conference_of(run.gazetteer, item_body, match["city"], year, [number])
            if conference is None and item_body and item_yy and not match["year"]:
                conference = _by_acronym(run.gazetteer, f"{item_body}-{item_yy}")
            if conference is not None:
                item_body = conference.body
            if not item_body:
                item_body = _only_body_with(run.gazetteer, number)
            if not item_body:
                continue
            previous_end, previous_body = match.end(), item_body
            passage = run.passage(match.start(), match.end())
            _resolution_candidate(run, item_body, number, conference, match, passage)


def _items(match: re.Match) -> list[tuple[str, str | None, str | None]]:
    """The numbers a citation names, each with the conference an "of PP-22" gives it."""
    text = match["numbers"]
    listed = re.findall(rf"({_NUMBER})(?:\s+of\s+(PP|WTDC|WTSA)[-‑]([0-9]{{2}}))?", text)
    return [(number, body or None, yy or None) for number, body, yy in listed]


def _by_acronym(gazetteer: Gazetteer, acronym: str):
    return next((c for c in gazetteer.conferences if c.acronym == acronym), None)


def _body_before(text: str, start: int, bodies: dict[str, str]) -> tuple[str | None, str | None]:
    """The body named last before a citation in its line ("全权代表大会…第25号决议", "ITU
    Plenipotentiary Resolution 25", "WTDC-22 Resolutions … Resolutions 37, 40"), and the year
    of the conference when an acronym such as WTSA-20 names one right before the citation."""
    line_start = text.rfind("\n", 0, start) + 1
    window = text[max(line_start, start - 200) : start]
    best: tuple[int, str, str | None] | None = None
    for hit in _ACRONYM.finditer(window):
        if best is None or hit.start() >= best[0]:
            tail = window[hit.end() :]
            near = re.fullmatch(r"\W*|）[^。；，]{0,30}", tail) is not None
            best = (hit.start(), hit["body"], hit["yy"] if near else None)
    folded = window.casefold()
    for name, body in bodies.items():
        if len(name) < 2 or name.upper() in ("PP", "WTDC", "WTSA"):
            continue
        position = folded.rfind(name)
        if position >= 0 and (best is None or position > best[0]):
            best = (position, body, None)
    return (best[1], best[2]) if best else (None, None)


def _conference_of(gazetteer: Gazetteer, body, city, year, numbers):
    """The conference a "(Rev. City, year)" names: by host city and year, else by body and
    year, else by the revisions of the same number the graph already has."""
    if year is None:
        return None
    in_year = [c for c in gazetteer.conferences if year in (c.year, c.nominal_year)]
    if city:
        by_city = [c for c in in_year if key(city) in c.city_names]
        if by_city:
            return by_city[0]
    if body:
        by_body = [c for c in in_year if c.body == body]
        if len(by_body) == 1:
            return by_body[0]
    known = [
        c
        for c in in_year
        if ID[f"resolution/{c.body}/{numbers[0].replace('/', '-')}/{c.nominal_year}"]
        in gazetteer.resolutions
    ]
    if len(known) == 1:
        return known[0]
    return in_year[0] if len(in_year) == 1 else None


def _only_body_with(gazetteer: Gazetteer, number: str) -> str | None:
    """The body of the one work with this number the graph has, if there is exactly one."""
    slug = number.replace("/", "-")
    found = {
        str(iri).removeprefix(str(ID)).split("/")[1]
        for iri in gazetteer.resolutions
        if str(iri).removeprefix(str(ID)).split("/")[2:3] == [slug]
        and str(iri).count("/") == str(ID).count("/") + 2
    }
    return found.pop() if len(found) == 1 else None


def _resolution_candidate(run, body, number, conference, match, passage) -> None:
    gazetteer = run.gazetteer
    slug = number.replace("/", "-")
    work = ID[f"resolution/{body}/{slug}"]
    work_label = f"{body} Resolution {number}"
    triples: list[Triple] = [
        (work, RDF.type, ITU.Resolution),
        (work, ITU.number, Literal(number)),
        (work, RDFS.label, Literal(work_label, lang="en")),
    ]
    subject, summary = work, work_label
    if conference is not None:
        subject = ID[f"resolution/{body}/{slug}/{conference.nominal_year}"]
        city = gazetteer.label(_city_of(gazetteer, conference)) or ""
        revised = bool(match["rev"])
        inside = f"{'Rev. ' if revised else ''}{city}, {conference.nominal_year}"
        summary = f"{work_label} ({inside})"
        triples += [
            (subject, RDF.type, ITU.ResolutionRevision),
            (subject, DCTERMS.isVersionOf, work),
            (subject, ITU.adoptedAt, conference.iri),
            (subject, RDFS.label, Literal(summary, lang="en")),
        ]
    reused = [iri for iri in (work, subject) if iri in gazetteer.resolutions]
    if conference is not None:
        reused.append(conference.iri)
    explicit = bool(match.groupdict().get("body") or conference)
    run.add("resolution", subject, summary, triples, passage, 0.95 if explicit else 0.7, reused)


def _city_of(gazetteer: Gazetteer, conference) -> URIRef:
    for name in sorted(conference.city_names):
        city = gazetteer.find("city", name)
        if city is not None:
            return city
    return conference.iri


# ----------------------------------------------------------------------------------------------
# Regional initiative blocks
# ----------------------------------------------------------------------------------------------

_NUMBERED = re.compile(r"^\s*(?P<n>[0-9]{1,2})[.)]\s+(?P<text>\S.*?)\s*$")
_SUB_ITEM = re.compile(r"^\s*(?:[a-z]|[ivx]{1,4})\)\s+\S")
_EXPECTED = re.compile(r"^\s*Expected\s+results?\s*:?\s*$|^\s*预期成果\s*[:：]?\s*$", re.IGNORECASE)
_OBJECTIVE = re.compile(r"^\s*(?:Objectives?|目标)\s*[:：]\s*(?P<text>\S.*?)\s*$", re.IGNORECASE)
_SECTION = re.compile(r"^\s*[0-9]+(?:\.[0-9]+)+\.?\s+\S|^\s*[0-9]+\t")
_FOOTNOTE_MARK = re.compile(r"\[footnoteRef:[0-9]+\]")
_FOOTNOTE_TEXT = re.compile(r"\s*\[[0-9]+:[^\]]*\]\s*$")


def _verbatim(text: str) -> str:
    """A quoted text without footnote markers and footnote text, outer spaces trimmed."""
    return _FOOTNOTE_TEXT.sub("", _FOOTNOTE_MARK.sub("", text)).strip()


def _cycle(run: Extraction, before: int, lead: str) -> URIRef | None:
    """The WTDC whose action plan an initiative belongs to: the one the lead-in names, else the
    latest WTDC the document mentions."""
    wtdc = [c for c in run.gazetteer.conferences if c.body == "WTDC"]
    for conference in wtdc:
        if re.search(rf"\b{re.escape(conference.acronym)}\b", lead):
            return conference.iri
    mentioned = [
        c
        for c in wtdc
        if re.search(rf"\b{re.escape(c.acronym)}\b|WTDC-?{c.nominal_year % 100}\b", run.text)
    ]
    if mentioned:
        return max(mentioned, key=lambda c: c.nominal_year).iri
    latest = max((int(str(d.first)[:4]) for d in run.dates), default=None)
    earlier = [c for c in wtdc if latest is not None and c.nominal_year <= latest]
    return max(earlier, key=lambda c: c.nominal_year).iri if earlier else None


def _status(lead: str) -> URIRef:
    words = re.findall(r"draft|adopted|approved|草案|通过", lead, re.IGNORECASE)
    last = words[-1].casefold() if words else "draft"
    return ITU.draft if last in ("draft", "草案") else ITU.adopted


def initiatives(run: Extraction) -> None:
    """Initiative blocks: "EUR1: title" (with "Objective:" or the paragraph under it as the
    objective, then the numbered expected results, verbatim and in order), and list items
    "Region (AFR2): title"."""
    codes = "|".join(run.gazetteer.region_codes())
    if not codes:
        return
    header = re.compile(rf"^[\s–—•·-]*(?P<code>(?:{codes})[0-9]{{1,2}})\s*:\s*(?P<rest>\S.*?)\s*$")
    item = re.compile(
        rf"^[\s–—•·-]*(?P<name>[^\s()][^()\n]{{1,40}}?)\s*\((?P<code>(?:{codes})[0-9]{{1,2}})\)\s*[:：]\s*(?P<rest>\S.*?)\s*$"
    )
    all_lines = list(lines(run.text))
    index = 0
    lead = ""
    while index < len(all_lines):
        line = all_lines[index]
        match = header.match(line.text) or item.match(line.text)
        if not match:
            if line.text.strip():
                lead = line.text
            index += 1
            continue
        block_lead = lead
        index = _initiative_block(run, all_lines, index, match, block_lead, header, item)
    inline = re.compile(
        rf"\bRegional\s+Initiative\s+(?P<code>(?:{codes})[0-9]{{1,2}})\s*[,:]?\s*[“\"](?P<title>[^”\"]+)[”\"]"
    )
    for match in inline.finditer(run.text):
        _inline_initiative(run, match)


def _inline_initiative(run: Extraction, match: re.Match) -> None:
    """An initiative a sentence names with its title in quotes ("Regional Initiative CIS3
    “title”"): code, region, cycle and title, with no status (the sentence gives none)."""
    code = match["code"]
    region = run.gazetteer.find("region", re.sub(r"[0-9]+$", "", code))
    cycle = _cycle(run, match.start(), run.text[max(0, match.start() - 200) : match.start()])
    if region is None or cycle is None:
        return
    initiative = URIRef(f"{ID}initiative/{cycle.rsplit('/', 1)[-1]}/{code}")
    if any(c.subject == initiative and c.kind == "initiative" for c in run.candidates):
        return
    text_node = _text_node(run, initiative)
    holder = text_node or initiative
    triples: list[Triple] = [
        (initiative, RDF.type, ITU.RegionalInitiative),
        (initiative, ITU.code, Literal(code)),
        (initiative, ITU.region, region),
        (initiative, ITU.cycle, cycle),
    ]
    if text_node is not None:
        triples += [
            (text_node, RDF.type, ITU.InitiativeText),
            (text_node, DCTERMS.isVersionOf, initiative),
        ]
    triples.append((holder, DCTERMS.title, Literal(_verbatim(match["title"]), lang=run.language)))
    reused = [initiative] if run.gazetteer.exists(initiative) else []
    passage = run.passage(match.start(), match.end())
    summary = f"{code}: {_verbatim(match['title'])}"
    run.add("initiative", initiative, summary, triples, passage, 0.8, [*reused, region, cycle])


def _initiative_block(run, all_lines, index, match, lead, header, item) -> int:
    line = all_lines[index]
    code = match["code"]
    region = run.gazetteer.find("region", re.sub(r"[0-9]+$", "", code))
    cycle = _cycle(run, line.start, lead)
    if region is None or cycle is None:
        return index + 1
    rest_start = line.start + match.start("rest")
    rest = match["rest"]
    title, objective, objective_span = rest, None, None
    split = re.search(r":\s+(?=Objective\b)", rest)
    if split:
        title = rest[: split.start()]
        objective = rest[split.end() :]
        objective_span = (rest_start + split.end(), line.end)
    title = title.rstrip()
    listed = "name" in match.groupdict()
    if listed and title.endswith("."):
        title = title[:-1]
    initiative = URIRef(f"{ID}initiative/{cycle.rsplit('/', 1)[-1]}/{code}")
    status = _status(lead)
    index += 1
    results: list[tuple[int, str, int, int]] = []
    in_results = False
    while index < len(all_lines):
        current = all_lines[index]
        text = current.text
        if header.match(text) or item.match(text) or _SECTION.match(text):
            break
        if not text.strip():
            if in_results and results and not _continues(all_lines, index, len(results) + 1):
                break
            index += 1
            continue
        objective_match = _OBJECTIVE.match(text)
        numbered = _NUMBERED.match(text)
        if _EXPECTED.match(text):
            in_results = True
        elif objective_match and objective is None and not in_results:
            objective = objective_match["text"]
            objective_span = (current.start + objective_match.start("text"), current.end)
        elif in_results and numbered and int(numbered["n"]) == len(results) + 1:
            start = current.start + numbered.start("text")
            results.append((int(numbered["n"]), text[numbered.start("text") :], start, current.end))
        elif in_results and results and _SUB_ITEM.match(text):
            ordinal, body, start, _ = results[-1]
            results[-1] = (ordinal, run.text[start : current.end], start, current.end)
        elif in_results and results:
            break
        elif not (in_results or objective or numbered or listed or text.startswith("\t")):
            objective = text.strip()
            objective_span = (current.start, current.end)
        index += 1
    document_text = _text_node(run, initiative)
    passage = run.passage(line.start, line.end)
    triples: list[Triple] = [
        (initiative, RDF.type, ITU.RegionalInitiative),
        (initiative, ITU.code, Literal(code)),
        (initiative, ITU.region, region),
        (initiative, ITU.cycle, cycle),
    ]
    holder = document_text or initiative
    if document_text is not None:
        triples += [
            (document_text, RDF.type, ITU.InitiativeText),
            (document_text, DCTERMS.isVersionOf, initiative),
        ]
    triples += [
        (holder, DCTERMS.title, Literal(_verbatim(title), lang=run.language)),
        (holder, ITU.status, status),
    ]
    if objective is not None:
        triples.append((holder, ITU.objective, Literal(_verbatim(objective), lang=run.language)))
    end = results[-1][3] if results else (objective_span[1] if objective_span else line.end)
    whole = run.passage(line.start, end) if not results else passage
    reused = [initiative] if run.gazetteer.exists(initiative) else []
    parent = run.add(
        "initiative",
        initiative,
        f"{code}: {_verbatim(title)}",
        triples,
        whole,
        0.95,
        [*reused, region, cycle],
    )
    for ordinal, body, start, stop in results:
        result = URIRef(f"{initiative}/result/{ordinal}")
        result_triples: list[Triple] = [
            (result, RDF.type, ITU.ExpectedResult),
            (result, ITU.expectedResultOf, initiative),
            (result, ITU.ordinal, Literal(ordinal, datatype=XSD.integer)),
            (result, DCTERMS.description, Literal(_verbatim(body), lang=run.language)),
        ]
        if document_text is not None:
            result_triples.append((result, ITU.listedIn, document_text))
        run.add(
            "result",
            result,
            f"{code} result {ordinal}",
            result_triples,
            run.passage(start, stop),
            0.95,
            [result] if run.gazetteer.exists(result) else [],
            [parent],
        )
    run.blocks.append((line.start, end, initiative))
    return index


def _continues(all_lines: list[_Span], index: int, ordinal: int) -> bool:
    """Whether the next non-blank line after ``index`` is the numbered item ``ordinal``."""
    for line in all_lines[index + 1 :]:
        if line.text.strip():
            numbered = _NUMBERED.match(line.text)
            return bool(numbered) and int(numbered["n"]) == ordinal
    return False


def _text_node(run: Extraction, initiative: URIRef) -> URIRef | None:
    """The node of this document's text of an initiative, where the data contract has one."""
    if not run.gazetteer.initiative_texts:
        return None
    return URIRef(f"{initiative}/text/{run.slug}")


# ----------------------------------------------------------------------------------------------
# Places, organizations and people named in a sentence
# ----------------------------------------------------------------------------------------------

_PLACE = re.compile(
    r"(?:\b(?:in|at)\s+|^\s*|\t\s*|,\s+)(?P<city>[A-Z][\w’'.-]*(?:[ -][A-Z][\w’'.-]*){0,3})"
    r"(?:,\s*|\s+\()(?P<country>[A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|and|of|the)){0,5})"
    r"|\b(?:in|at)\s+(?P<only>[A-Z][\w’'.-]*(?:[ -][A-Z][\w’'.-]*){0,3})"
)
_ZH_PLACE = re.compile(r"在(?P<place>[\u4e00-\u9fff]{2,16}?)(?:举行|举办|召开)")
_ONLINE = re.compile(r"\b(?:virtual(?:ly)?|online|on-line)\b|线上|在线|虚拟", re.IGNORECASE)


def _place(run: Extraction, sentence: _Span) -> tuple[list[Triple], URIRef | None, list[URIRef]]:
    """The city (with its country) or country a sentence says something took place in: the
    triples that describe a new city or country, the place, and the entities reused."""
    gazetteer = run.gazetteer
    for match in _PLACE.finditer(sentence.text):
        city_name, country_name = match["city"] or match["only"], match["country"]
        country = _country_prefix(gazetteer, country_name) if country_name else None
        city = gazetteer.find("city", city_name)
        if city is not None:
            return [], city, [city]
        if country is not None and country_name:
            slug = slugify(city_name)
            if not slug or gazetteer.country(city_name):
                continue
            city = ID[f"city/{slug}"]
            triples = [
                (city, RDF.type, ITU.City),
                (city, RDFS.label, Literal(city_name, lang="en")),
                (city, ITU.inCountry, country),
            ]
            return triples + _country_triples(run, country), city, []
        only = gazetteer.country(city_name)
        if only is not None:
            return _country_triples(run, only), only, []
    for match in _ZH_PLACE.finditer(sentence.text):
        place = match["place"]
        for cut in range(len(place), 1, -1):
            country = gazetteer.country(place[:cut])
            if country is None:
                continue
            rest = place[cut:]
            city = gazetteer.find("city", rest) if rest else None
            if city is not None:
                return [], city, [city]
            return _country_triples(run, country), country, []
        city = gazetteer.find("city", place)
        if city is not None:
            return [], city, [city]
    return [], None, []


def _country_prefix(gazetteer: Gazetteer, name: str) -> URIRef | None:
    """The country a phrase starts with ("Rwanda", "Republic of Tunisia and …")."""
    words = name.split()
    for size in range(len(words), 0, -1):
        found = gazetteer.country(" ".join(words[:size]))
        if found is not None:
            return found
    return None


def _country_triples(run: Extraction, country: URIRef) -> list[Triple]:
    if run.gazetteer.exists(country):
        return []
    label = run.gazetteer.country_label.get(country)
    return [(country, RDF.type, ITU.Country), (country, RDFS.label, Literal(label, lang="en"))]


_BY = re.compile(
    r"\b(?P<verb>organi[sz]ed|hosted|convened|held|co-organi[sz]ed|arranged)\s+(?:jointly\s+)?by\s+"
    r"(?P<who>[^.;:]+)",
    re.IGNORECASE,
)
_WITH = re.compile(
    r"\b(?:in\s+(?:collaboration|cooperation|partnership|coordination)\s+with|jointly\s+with|"
    r"together\s+with|with\s+the\s+support\s+of|supported\s+by)\s+(?P<who>[^.;:]+)",
    re.IGNORECASE,
)
_ZH_BY = re.compile(r"由(?P<who>[^，。；]{2,30}?)(?:主办|承办|组织|举办)")


def _actors(run: Extraction, phrase: str) -> list[URIRef]:
    """Offices and organizations of the graph named in a phrase ("the African
    Telecommunications Union (ATU) and TSB"), in the order named."""
    found: list[tuple[int, URIRef]] = []
    folded = phrase.casefold()
    for kind in ("office", "organization"):
        for name, iri in sorted(run.gazetteer.names[kind].items(), key=lambda i: -len(i[0])):
            if len(name) < 2:
                continue
            pattern = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
            hit = re.search(pattern, folded)
            if hit and all(iri != other for _, other in found):
                found.append((hit.start(), iri))
                folded = folded[: hit.start()] + " " * len(hit[0]) + folded[hit.end() :]
    return [iri for _, iri in sorted(found)]


def _roles(run: Extraction, sentence: _Span) -> tuple[list[URIRef], list[URIRef]]:
    """Organizers and partners a sentence names."""
    organizers: list[URIRef] = []
    partners: list[URIRef] = []
    text = sentence.text
    for match in _BY.finditer(text):
        organizers += [a for a in _actors(run, _clause(match["who"])) if a not in organizers]
    for match in _ZH_BY.finditer(text):
        organizers += [a for a in _actors(run, match["who"]) if a not in organizers]
    for match in _WITH.finditer(text):
        partners += [
            a for a in _actors(run, _clause(match["who"])) if a not in partners + organizers
        ]
    subject = re.split(r"\b(?:held|organi[sz]ed|hosted|convened|conducted)\b", text, maxsplit=1)
    if len(subject) == 2:
        for actor in _actors(run, subject[0]):
            if actor not in organizers and actor not in partners:
                kind = "office" if actor in run.gazetteer.names["office"].values() else "org"
                (organizers if kind == "office" else partners).append(actor)
    return organizers, partners


def _clause(text: str) -> str:
    return re.split(r",\s*(?:which|where|who|and the|with)\b| – | — |\bwhere\b", text)[0]


# ----------------------------------------------------------------------------------------------
# Events
# ----------------------------------------------------------------------------------------------

_LABEL_STOP = re.compile(
    r"\s*(?:[,;:–—]|\bwas\b|\bwere\b|\bheld\b|\borgani[sz]ed\b|\bhosted\b|\btook place\b|"
    r"\bin\b|\bat\b|\bfrom\b|\bby\b|\bwith\b|\bwhich\b|\bthat\b|\bwhere\b|\battended\b|"
    r"\bduring\b|\bbetween\b|\bback-to-back\b|\bfollowed\b|\bas part\b|\bis\b|\bare\b|"
    r"\bwill\b|\bhas\b|\bhave\b|\bthe best\b)",
)
_PARTICIPANTS = re.compile(
    r"(?:(?P<q>more than|over|above|about|around|some|approximately|nearly|almost)\s+)?"
    r"(?P<n>[0-9][0-9,  ]*[0-9]|[0-9])\s+(?:participants|attendees|delegates|people|experts)"
    r"|(?P<zq>近|超过|逾|约)?(?P<zn>[0-9][0-9, ]*)(?:多)?名(?:与会者|代表|参与者|参会者)",
    re.IGNORECASE,
)


def _event_words(run: Extraction) -> list[tuple[str, str | None]]:
    """(word, event kind) pairs: the shapes' closed list of kinds (and plurals), a few generic
    event nouns with no kind, and the Chinese words for the kinds."""
    words = [(kind, kind) for kind in run.gazetteer.event_kinds]
    words += [(word, None) for word in _EN_EXTRA_EVENT_WORDS]
    words += [(word, kind) for word, kind in _ZH_EVENT_WORDS.items()]
    return sorted(words, key=lambda pair: -len(pair[0]))


def _kind_words(run: Extraction, text: str) -> list[tuple[int, int, str | None]]:
    found: list[tuple[int, int, str | None]] = []
    for word, kind in _event_words(run):
        if re.match(r"[\u4e00-\u9fff]", word):
            pattern = re.escape(word)
        else:
            pattern = rf"\b{re.escape(word)}(?:s|es)?\b"
        for hit in re.finditer(pattern, text, re.IGNORECASE):
            if not any(hit.start() < e and s < hit.end() for s, e, _ in found):
                found.append((hit.start(), hit.end(), kind))
    return sorted(found)


def _event_label(text: str, start: int, end: int) -> str:
    """The name of an event around its kind word: capitalised words before it, and the words
    after it up to a clause boundary."""
    before = text[:start]
    words = re.findall(r"(?:[A-Z0-9][\w&/’'()-]*|of|and|for|the|on)\s*$", before)
    left = start
    while words:
        left -= len(words[0])
        if text[left:start].split()[0].casefold() in ("of", "and", "for", "the", "on"):
            words = re.findall(r"(?:[A-Z0-9][\w&/’'()-]*|of|and|for|the|on)\s*$", text[:left])
            if not words:
                break
            continue
        words = re.findall(r"(?:[A-Z0-9][\w&/’'()-]*)\s*$", text[:left])
    while left < start and text[left:start].split()[0].casefold() in (
        "of",
        "and",
        "for",
        "the",
        "on",
    ):
        left = (
            start - len(text[left:start].split(None, 1)[1])
            if len(text[left:start].split()) > 1
            else start
        )
    after = text[end:]
    stop = _LABEL_STOP.search(after)
    right = end + (stop.start() if stop else len(after))
    label = " ".join(text[left:right].split())
    label = re.sub(r"^(?:a|an|the)\s+", "", label, flags=re.IGNORECASE)
    words_ = label.split()[:14]
    while words_ and words_[-1].casefold() in ("on", "of", "and", "for", "the", "to", "a"):
        words_.pop()
    label = " ".join(words_).rstrip(".,")
    if label.count(")") > label.count("("):
        label = label[label.index(")") + 1 :].strip()
    return label[:1].upper() + label[1:] if label else label


def _zh_event_label(text: str, end: int) -> str:
    start = end
    while start > 0 and text[start - 1] not in "，。；、（）：:,\n\t":
        start -= 1
    label = text[start:end]
    return re.sub(r"^(?:在|于|和|与)", "", label) or text[max(0, end - 8) : end]


def events(run: Extraction) -> None:
    """Events: a sentence (or table row) with a date and an event noun; its place, online, its
    organizers and partners, its participants, and the region of its section or organizer."""
    section_region: list[tuple[int, URIRef]] = _section_regions(run)
    used_slugs: set[str] = set()
    all_sentences = list(sentences(run.text))
    for position, sentence in enumerate(all_sentences):
        dates = [d for d in run.dates if sentence.start <= d.start and d.end <= sentence.end]
        if not dates:
            continue
        kinds = _kind_words(run, sentence.text)
        row = "\t" in sentence.text
        if not kinds and not row:
            continue
        follow = all_sentences[position + 1] if position + 1 < len(all_sentences) else None
        for date in dates:
            _event(run, sentence, date, kinds, row, follow, section_region, used_slugs)


def _section_regions(run: Extraction) -> list[tuple[int, URIRef]]:
    """Where each section about a region starts: a heading line naming a region or an office."""
    found = []
    for line in lines(run.text):
        text = line.text.strip()
        if not text or len(text) > 90 or text.endswith((".", "。", ":")):
            continue
        region = None
        for name, iri in run.gazetteer.names["office"].items():
            if len(name) > 4 and name in text.casefold():
                region = run.gazetteer.region_of.get(iri)
                break
        if region is None:
            for name, iri in run.gazetteer.names["region"].items():
                if len(name) > 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text.casefold()):
                    region = iri
                    break
        if region is not None and re.match(
            r"^\s*(?:[0-9]+(?:\.[0-9]+)*\.?\s|[A-Z\u4e00-\u9fff])", line.text
        ):
            found.append((line.start, region))
    return found


def _event(run, sentence, date, kinds, row, follow, section_region, used_slugs) -> None:
    gazetteer = run.gazetteer
    relative = date.start - sentence.start
    before = [k for k in kinds if k[1] <= relative]
    chosen = before[-1] if before else (kinds[0] if kinds else None)
    if row and not kinds:
        cells = [c.strip() for c in sentence.text.split("\t") if c.strip()]
        label = cells[0] if cells else ""
        kind = None
        if not label or find_dates(label):
            return
    elif chosen is None:
        return
    else:
        kind = chosen[2]
        if re.match(r"[\u4e00-\u9fff]", sentence.text[chosen[0] : chosen[1]]):
            label = _zh_event_label(sentence.text, chosen[1])
        else:
            stops = [
                d.start - sentence.start
                for d in run.dates
                if sentence.start <= d.start < sentence.end
            ]
            limit = min((s for s in stops if s >= chosen[1]), default=len(sentence.text))
            label = _event_label(sentence.text[:limit], chosen[0], chosen[1])
    if date.last is not None and len(str(date.first)) == 7 and len(str(date.last)) == 7:
        return
    if not label or not re.search(r"\w", label) or _names_conference(gazetteer, label):
        return
    if (
        chosen
        and kind is None
        and key(label).rstrip("s") == key(sentence.text[chosen[0] : chosen[1]]).rstrip("s")
    ):
        return
    year = str(date.first)[:4]
    zh = bool(re.search(r"[\u4e00-\u9fff]", label))
    acronym = re.search(r"（([A-Z][A-Z0-9-]{1,15})）", sentence.text[chosen[1] :] if chosen else "")
    english = acronym[1] if zh and acronym else label
    if zh and not acronym:
        english = f"{(kind or 'event').capitalize()} of {date.first}"
    existing = gazetteer.find("event", english) or gazetteer.find("event", label)
    if existing is not None and not any(
        str(value).startswith(year) for value in literal_values(gazetteer, existing, ITU.startDate)
    ):
        existing = None
    slug_words = slugify(english).split("-")[:8]
    slug = "-".join(w for w in slug_words if w) or "event"
    if not slug.endswith(year):
        slug = f"{slug}-{year}"
    event = existing or ID[f"event/{slug}"]
    if existing is None:
        base, number = slug, 2
        while slug in used_slugs or (gazetteer.exists(ID[f"event/{slug}"])):
            slug = f"{base}-{number}"
            number += 1
        event = ID[f"event/{slug}"]
    used_slugs.add(slug)
    triples: list[Triple] = [
        (event, RDF.type, ITU.Event),
        (event, RDFS.label, Literal(english, lang="en")),
        (event, ITU.startDate, date.first),
    ]
    if zh:
        triples.append((event, RDFS.label, Literal(label, lang="zh")))
        if not acronym:
            triples.append(
                (
                    event,
                    SKOS.editorialNote,
                    Literal(
                        "The English label is made by ingest from the kind and date: the "
                        "document names the event only in Chinese.",
                        lang="en",
                    ),
                )
            )
    if date.last is not None:
        triples.append((event, ITU.endDate, date.last))
    if kind:
        triples.append((event, ITU.eventKind, Literal(kind)))
    place_triples, place, reused = _place(run, sentence)
    triples += place_triples
    if place is not None:
        triples.append((event, ITU.locatedIn, place))
    if _ONLINE.search(sentence.text):
        triples.append((event, ITU.online, Literal(True)))
    organizers, partners = _roles(run, sentence)
    triples += [(event, ITU.organizer, o) for o in organizers]
    triples += [(event, ITU.partner, p) for p in partners]
    region = next(
        (gazetteer.region_of.get(o) for o in organizers if o in gazetteer.region_of), None
    )
    if region is None:
        earlier = [r for start, r in section_region if start <= sentence.start]
        region = earlier[-1] if earlier else None
    if region is not None:
        triples.append((event, ITU.region, region))
    count = _participants(sentence.text)
    if (
        count is None
        and follow is not None
        and not any(follow.start <= d.start < follow.end for d in run.dates)
    ):
        count = _participants(follow.text)
    if count is not None:
        number, qualifier = count
        triples.append((event, ITU.participantCount, Literal(number, datatype=XSD.integer)))
        if qualifier:
            triples.append((event, ITU.countQualifier, Literal(qualifier)))
    confidence = 0.6 + (0.15 if kind else 0) + (0.1 if place else 0) + (0.1 if organizers else 0)
    confidence -= 0.15 if date.year_inferred else 0
    reused += organizers + partners + ([region] if region else [])
    if existing is not None:
        reused.append(existing)
    summary = f"{english} ({date.first}{' – ' + str(date.last) if date.last else ''})"
    run.add(
        "event",
        event,
        summary,
        triples,
        run.passage(sentence.start, sentence.end),
        confidence,
        reused,
    )


def _names_conference(gazetteer: Gazetteer, label: str) -> bool:
    """Whether an event's name is a conference of the graph (those are not events)."""
    for conference in gazetteer.conferences:
        name = gazetteer.label(conference.iri) or ""
        if conference.acronym in label or (name and key(name) in key(label)):
            return True
    return False


def _participants(text: str) -> tuple[int, str | None] | None:
    match = _PARTICIPANTS.search(text)
    if not match:
        return None
    digits = re.sub(r"\D", "", match["n"] or match["zn"] or "")
    if not digits:
        return None
    qualifier = (match["q"] or match["zq"] or "").casefold()
    return int(digits), _QUALIFIERS.get(qualifier)


# ----------------------------------------------------------------------------------------------
# People with roles
# ----------------------------------------------------------------------------------------------

_ROLE_BY = re.compile(
    rf"\b(?P<role>chaired|led|headed|moderated|presided(?:\s+over)?|opened)\s+by\s+(?:the\s+)?"
    rf"(?P<hon>{_HONORIFIC})\s+(?P<name>{_NAME})"
    r"(?:,\s*(?P<title>(?:the\s+)?[A-Z][^,.;()]*?\b(?:of|at)\b\s+(?:the\s+)?[A-Z][^,.;()]*))?"
)
_ELECTED = re.compile(
    rf"(?P<hon>{_HONORIFIC})\s+(?P<name>{_NAME}?)"
    r"(?:,?\s*from\s+(?P<country>(?:the\s+)?[A-Z][\w’' -]*?))?,?\s+(?:was|is)\s+(?:elected|appointed|designated)\s+"
    r"(?:as\s+)?(?:the\s+)?(?P<role>Chair(?:man|person)?|Vice-Chair(?:man|person)?|President)"
    r"(?:\s+of\s+(?:the\s+)?(?P<event>[\w-]+(?:\s[\w-]+){0,5}?)(?=[.,;]|\s*$))?"
)
_VICE_LIST = re.compile(r"\bVice-Chairs?\b[^:]{0,40}?[:,]\s*(?P<list>[^.]+)")
_LIST_ITEM = re.compile(
    rf"(?P<hon>{_HONORIFIC})\s+(?P<name>{_NAME}?)(?:,?\s*(?:from\s+)?(?P<country>(?:the\s+)?[A-Z][\w’' -]*?(?:\s*\([A-Z]+\))?))?(?=\s*(?:,|\band\b|$))"
)


def people(run: Extraction) -> None:
    """People with roles: "chaired by Mr X, Director General of Y", "led by Ms Z", "Dr X from
    Y was elected as the Chair of Z", "… Vice-Chairs: Mr A from B, Ms C from D"."""
    for sentence in sentences(run.text):
        text = sentence.text
        for match in _ROLE_BY.finditer(text):
            role = match["role"]
            office = next(
                (
                    a
                    for a in _actors(run, text[: match.start()])
                    if a in run.gazetteer.names["office"].values()
                ),
                None,
            )
            event = _event_in(run, sentence)
            links: list[Triple] = []
            if role in ("led", "headed") and office is not None and event is None:
                links.append((office, ITU.headedBy, None))
            elif role == "chaired" and event is not None:
                links.append((event, ITU.chair, None))
            note = match["title"]
            _person(run, sentence, match, None, links, note)
        for match in _ELECTED.finditer(text):
            event = (
                _named_event(run, match["event"]) if match["event"] else _event_in(run, sentence)
            )
            prop = ITU.viceChair if match["role"].startswith("Vice") else ITU.chair
            links = [(event, prop, None)] if event is not None else []
            _person(run, sentence, match, match["country"], links, None)
        for listing in _VICE_LIST.finditer(text):
            event = _named_event(run, _event_name_in(text)) or _event_in(run, sentence)
            base = listing.start("list")
            for match in _LIST_ITEM.finditer(listing["list"]):
                links = [(event, ITU.viceChair, None)] if event is not None else []
                _person(run, sentence, match, match["country"], links, None, base)


def _event_name_in(text: str) -> str | None:
    found = re.search(r"\b(?:Chair|Vice-Chairs?)\s+of\s+(?:the\s+)?(?P<event>[\w-]+)", text)
    return found["event"] if found else None


def _named_event(run: Extraction, name: str | None) -> URIRef | None:
    """An event this document's candidates or the graph call by this name."""
    if not name:
        return None
    for candidate in run.candidates:
        if candidate.kind == "event" and key(candidate.summary.split(" (")[0]) == key(name):
            return candidate.subject
    return run.gazetteer.find("event", name)


def _event_in(run: Extraction, sentence: _Span) -> URIRef | None:
    for candidate in run.candidates:
        if candidate.kind == "event" and candidate.passage.start == sentence.start:
            return candidate.subject
    return None


def _person(run, sentence, match, country_name, links, note, base: int = 0) -> None:
    name = " ".join(match["name"].split()).rstrip(",")
    if name.endswith(".") and len(name.split()[-1]) > 2:
        name = name[:-1]
    if len(name.split()) < 2:
        return
    gazetteer = run.gazetteer
    existing = gazetteer.find("person", name)
    person = existing or ID[f"person/{slugify(name)}"]
    triples: list[Triple] = [
        (person, RDF.type, ITU.Person),
        (person, RDFS.label, Literal(name, lang="en")),
    ]
    reused = [person] if existing else []
    if country_name:
        country = _country_prefix(gazetteer, country_name.strip())
        if country is not None:
            triples.append((person, ITU.represents, country))
            triples += _country_triples(run, country)
    for subject, prop, _ in links:
        if subject is not None:
            triples.append((subject, prop, person))
    if note:
        triples.append(
            (person, SKOS.editorialNote, Literal(f"Named as {note.strip()}.", lang="en"))
        )
    start = sentence.start + base + match.start()
    end = sentence.start + base + match.end()
    requires = [
        c for c in run.candidates if any(s == c.subject for s, _, _ in links) and c.kind == "event"
    ]
    confidence = 0.8 if links else 0.6
    role = ", ".join(str(p).rsplit("#", 1)[-1] for _, p, _ in links) or "named"
    run.add(
        "person",
        person,
        f"{name} ({role})",
        triples,
        run.passage(start, end),
        confidence,
        reused,
        requires,
    )


# ----------------------------------------------------------------------------------------------
# Projects and programmes
# ----------------------------------------------------------------------------------------------

_AMOUNT = re.compile(
    r"(?P<cur>\b[A-Z]{3}\b|US\$|\$|€|£)\s?(?P<num>[0-9][0-9,.]*)(?:\s*(?P<scale>million|billion|thousand|bn|m|k)\b)?"
    r"|(?P<num2>[0-9][0-9,.]*)\s*(?P<scale2>million|billion|thousand|万|亿)?\s*(?P<cur2>euros?|(?:US\s)?dollars|Swiss francs|美元|欧元|瑞士法郎|瑞郎|\b[A-Z]{3}\b)",
)
_PROJECT_CODE = re.compile(r"\b[0-9][A-Z]{3}[0-9]{5}\b")
_FUNDED = re.compile(
    r"\b(?:co-)?(?:funded|financed|sponsored)\s+(?:jointly\s+)?(?:by\s+)?(?P<who>[^.;]+)|"
    r"\bwith\s+(?:funding|financing|a\s+grant)\s+from\s+(?P<who2>[^.;]+)|由(?P<zwho>[^，。；]{2,30}?)(?:资助|供资|出资)",
    re.IGNORECASE,
)
_PROJECT_NAME = re.compile(
    r"(?:the\s+)?(?P<name>(?:[A-Z][\w&’'()/-]*\s+(?:(?:of|for|and|on|in|the|to|through)\s+)*){1,14})"
    r"(?P<type>[Pp]roject|[Pp]rogramme|[Pp]rogram)\b"
    r"|\b(?P<type2>[Pp]roject|[Pp]rogramme)\s+(?:on|for|entitled|titled|called)\s+[“\"]?(?P<name2>[A-Z][^,.;”\"(]+)"
)
_START = re.compile(
    r"\b(?:began|started|commenced|launched|signed|start(?:s|ed)?|since)\b", re.IGNORECASE
)
_END = re.compile(
    r"\b(?:clos(?:e|ed|es)|end(?:ed|s)?|concluded|completed|finished|until|till)\b", re.IGNORECASE
)
_PLANNED = re.compile(r"\b(?:planned|expected|scheduled|foreseen|due|will|until)\b", re.IGNORECASE)


def projects(run: Extraction) -> None:
    """Projects and programmes with an ITU project code or an amount of money: name, code,
    funders, amount and currency, start, end and planned end."""
    import pycountry

    all_sentences = list(sentences(run.text))
    for position, sentence in enumerate(all_sentences):
        text = sentence.text
        amounts = []
        for match in _AMOUNT.finditer(text):
            currency = match["cur"] or match["cur2"]
            code = _CURRENCY_WORDS.get(currency.casefold(), currency.upper())
            if pycountry.currencies.get(alpha_3=code) is None:
                continue
            number = (match["num"] or match["num2"]).rstrip(".,")
            scale = (match["scale"] or match["scale2"] or "").casefold()
            try:
                value = float(number.replace(",", "")) * _SCALE.get(scale, 1)
            except ValueError:
                continue
            amounts.append((match, code, value))
        codes = _PROJECT_CODE.findall(text)
        if not amounts and not codes:
            continue
        name_match = _PROJECT_NAME.search(text)
        name = None
        kind = "project"
        if name_match:
            name = (name_match["name"] or name_match["name2"] or "").strip()
            name = re.sub(r"^(?:The|the)\s+", "", name)
            kind_word = (name_match["type"] or name_match["type2"] or "").casefold()
            kind = "programme" if kind_word.startswith("program") else "project"
            if name and len(name.split()) < 2:
                name = None
        if not name and not codes:
            continue
        code = codes[0] if codes else None
        slug = code.lower() if code else slugify(name)[:60].strip("-")
        subject = ID[f"{kind}/{slug}"]
        existing = None
        for candidate_kind in ("project", "programme"):
            for found in (
                run.gazetteer.find(candidate_kind, code or ""),
                run.gazetteer.find(candidate_kind, name or ""),
            ):
                existing = existing or found
        subject = existing or subject
        label = name or f"Project {code}"
        cls = ITU.Programme if kind == "programme" else ITU.Project
        triples: list[Triple] = [
            (subject, RDF.type, cls),
            (subject, RDFS.label, Literal(label, lang="en")),
        ]
        if code:
            triples.append((subject, SKOS.notation, Literal(code)))
        if amounts:
            _, currency, value = amounts[0]
            triples.append((subject, ITU.amount, Literal(_decimal(value), datatype=XSD.decimal)))
            triples.append((subject, ITU.currency, Literal(currency)))
        funders: list[URIRef] = []
        for match in _FUNDED.finditer(text):
            who = match["who"] or match["who2"] or match["zwho"] or ""
            funders += [a for a in _actors(run, _clause(who)) if a not in funders]
        triples += [(subject, ITU.fundedBy, f) for f in funders]
        window = [sentence]
        if position + 1 < len(all_sentences):
            window.append(all_sentences[position + 1])
        triples += _project_dates(run, subject, window)
        confidence = 0.5 + (0.2 if code else 0) + (0.15 if amounts else 0) + (0.1 if funders else 0)
        reused = ([existing] if existing else []) + funders
        summary = f"{label}" + (f" ({amounts[0][1]} {_decimal(amounts[0][2])})" if amounts else "")
        run.add(
            "project",
            subject,
            summary,
            triples,
            run.passage(sentence.start, sentence.end),
            confidence,
            reused,
        )


def _decimal(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0")


def _project_dates(run: Extraction, subject: URIRef, window: list[_Span]) -> list[Triple]:
    triples: list[Triple] = []
    for sentence in window:
        for date in run.dates:
            if not sentence.start <= date.start < sentence.end:
                continue
            lead = run.text[max(sentence.start, date.start - 40) : date.start]
            if _END.search(lead):
                ended = re.search(r"\b(?:ended|concluded|closed|completed|finished)\b", lead)
                prop = ITU.plannedEndDate if _PLANNED.search(lead) and not ended else ITU.endDate
                if not any(p == prop for _, p, _ in triples):
                    triples.append((subject, prop, date.last or date.first))
            elif _START.search(lead) and not any(p == ITU.startDate for _, p, _ in triples):
                triples.append((subject, ITU.startDate, date.first))
    return triples


# ----------------------------------------------------------------------------------------------
# SDG, WSIS action line and GDC mentions
# ----------------------------------------------------------------------------------------------

_SDG = re.compile(
    r"\bSDGs?\s*(?P<n>[0-9]{1,2}(?:\s*(?:,|and|&)\s*(?:SDG\s*)?[0-9]{1,2})*)|"
    r"\bSustainable Development Goals?\s+(?P<n2>[0-9]{1,2}(?:\s*(?:,|and)\s*[0-9]{1,2})*)|"
    r"可持续发展目标\s*(?P<n3>[0-9]{1,2})"
)
_WSIS = re.compile(r"\bC(?P<n>[0-9]{1,2})\b")
_GDC = re.compile(r"\bObjective\s+(?P<n>[1-5])\b")


def targets(run: Extraction) -> None:
    """SDG, WSIS action line and GDC objective mentions, as itu:contributesTo of the initiative
    whose block they sit in (or of the event their sentence describes)."""
    gazetteer = run.gazetteer
    context = None
    for line in lines(run.text):
        text = line.text
        if "WSIS" in text:
            context = "wsis"
        elif "Global Digital Compact" in text or re.search(r"\bGDC\b", text):
            context = "gdc"
        elif "Sustainable Development Goal" in text or not text.strip():
            context = None if not text.strip() and context == "gdc" else context
        found: list[tuple[int, int, URIRef]] = []
        for match in _SDG.finditer(text):
            for number in re.finditer(r"(?:SDGs?\s*)?([0-9]{1,2})", match[0]):
                iri = gazetteer.targets.get(("sdg", number[1]))
                if iri is not None:
                    found.append(
                        (match.start() + number.start(), match.start() + number.end(), iri)
                    )
        if context == "wsis" or re.search(r"\bAction Lines?\b", text):
            for match in _WSIS.finditer(text):
                iri = gazetteer.targets.get(("wsis", f"C{match['n']}"))
                if iri is not None:
                    found.append((match.start(), match.end(), iri))
        if context == "gdc":
            for match in _GDC.finditer(text):
                iri = gazetteer.targets.get(("gdc", match["n"]))
                if iri is not None:
                    found.append((match.start(), match.end(), iri))
        for start, end, iri in found:
            subject = _subject_at(run, line.start + start)
            if subject is None:
                continue
            name = str(iri).removeprefix(str(ID))
            run.add(
                "target",
                URIRef(f"{subject}#{name}"),
                f"{str(subject).removeprefix(str(ID))} contributes to {name}",
                [(subject, ITU.contributesTo, iri)],
                run.passage(line.start + start, line.start + end),
                0.85,
                [iri],
                [run.by_subject[subject]] if subject in run.by_subject else [],
            )


def _subject_at(run: Extraction, offset: int) -> URIRef | None:
    """The initiative whose block holds an offset (up to the next block), else the event whose
    sentence holds it."""
    blocks = sorted(run.blocks)
    for index, (start, _, initiative) in enumerate(blocks):
        following = blocks[index + 1][0] if index + 1 < len(blocks) else len(run.text)
        if start <= offset < following and _in_section(run.text, start, offset):
            return initiative
    for candidate in run.candidates:
        if candidate.kind == "event" and candidate.passage.start <= offset < candidate.passage.end:
            return candidate.subject
    return None


def _in_section(text: str, start: int, offset: int) -> bool:
    """Whether no section heading lies between a block's start and an offset."""
    return not any(_SECTION.match(line) for line in text[start:offset].splitlines()[1:])
