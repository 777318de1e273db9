"""Each report's graph states only what the report says: cities, office seats, resolution numbers
and citations, event names and alternative labels are in the report's own words (in English or
Chinese), and what the curators infer is in graph/curation, never presented as a report's.

A failure names the data file and the statement. docs/data-conventions.md, "Curator
inferences", says where an inference goes instead.
"""
# ruff: noqa: RUF001, RUF002 (the Chinese report's full-width punctuation)

from __future__ import annotations

import re

import pytest
from rdflib import Literal

from itugraph.graph import CURATION_GRAPH
from itugraph.namespaces import DCTERMS, GRAPH, ID, ITU, PROV, RDF, RDFS, SKOS
from itugraph.sources import source_documents

SLUGS = sorted(d.slug for d in source_documents())
SOURCES = source_documents()[0].path.parent
EVENT_CLASSES = (ITU.Event, ITU.RegionalPreparatoryMeeting, ITU.RegionalDevelopmentForum)
#: Places in revision citations, as the Chinese report writes them.
PLACES_ZH = {"Bucharest": "布加勒斯特", "Dubai": "迪拜", "Kigali": "基加利", "Geneva": "日内瓦"}

#: Every itu:locatedIn of a field office, per report, with the report's passage that states it.
OFFICE_SEATS = {
    ("council-2024-regional-presence", "office/ao-new-delhi", "city/new-delhi"): (
        "驻扎在印度新德里的国际电联地区办事处和创新中心"
    ),
    ("council-2024-regional-presence", "office/ro-arb", "city/cairo"): (
        "位于埃及开罗的国际电联区域代表处"
    ),
    ("cwg-fhr-bdt-regional-presence", "office/ao-honduras", "country/HND"): (
        "Relocation of ITU Area Office from Honduras to Panama"
    ),
    ("cwg-fhr-bdt-regional-presence", "office/ao-panama", "country/PAN"): (
        "The launch of the ITU Area Office in Panama"
    ),
    ("cwg-fhr-bdt-regional-presence", "office/ao-new-delhi", "city/new-delhi"): (
        "Area Office and Innovation Centre hosted by the Indian Government in New Delhi"
    ),
    ("tsag-2020-regional-offices", "office/ro-afr", "city/addis-ababa"): (
        "The Regional Office for Africa is based in Addis Ababa"
    ),
    ("tsag-2020-regional-offices", "office/ro-ams", "city/brasilia"): (
        "The Regional Office for the Americas is based in Brasilia"
    ),
    ("tsag-2020-regional-offices", "office/ro-arb", "city/cairo"): (
        "The Regional Office for Arab States is based in Cairo"
    ),
    ("tsag-2020-regional-offices", "office/ro-asp", "city/bangkok"): (
        "The Regional Office for Asia and the Pacific is based in Bangkok"
    ),
    ("tsag-2020-regional-offices", "office/ro-cis", "city/moscow"): (
        "The Regional Office for the CIS Region is based in Moscow"
    ),
    ("tsag-2020-regional-offices", "office/ro-eur", "city/geneva"): (
        "The ITU Office for Europe is based at the ITU Headquarters in Geneva"
    ),
    ("tsag-2025-regional-offices", "office/ro-afr", "city/addis-ababa"): "Addis Ababa (Africa)",
    ("tsag-2025-regional-offices", "office/ro-asp", "city/bangkok"): (
        "Bangkok (Asia and the Pacific)"
    ),
    ("tsag-2025-regional-offices", "office/ro-ams", "city/brasilia"): "Brasilia (Americas)",
    ("tsag-2025-regional-offices", "office/ro-arb", "city/cairo"): "Cairo (Arab States)",
    ("tsag-2025-regional-offices", "office/ro-cis", "city/moscow"): "Moscow (CIS countries)",
    ("tsag-2025-regional-offices", "office/ao-chile", "country/CHL"): "Chile (South America)",
    ("tsag-2025-regional-offices", "office/ao-honduras", "country/HND"): (
        "Honduras (Central America)"
    ),
    ("tsag-2025-regional-offices", "office/ao-barbados", "country/BRB"): "Barbados (Caribbean)",
    ("tsag-2025-regional-offices", "office/ao-new-delhi", "city/new-delhi"): "Area Office in Delhi",
}

#: Every itu:contributesTo of a field office, per report, with the report's passage.
OFFICE_CONTRIBUTIONS = {
    "council-2024-regional-presence": {
        **{
            (
                office,
                "resolution/PP/25/2022",
            ): "第25号决议（2022年，布加勒斯特，修订版）呼吁国际电联"
            for office in (
                "office/ao-new-delhi",
                "office/ro-afr",
                "office/ro-ams",
                "office/ro-arb",
                "office/ro-asp",
                "office/ro-cis",
                "office/ro-eur",
            )
        },
        ("office/ro-afr", "resolution/WTSA/100/2020"): (
            "RO-AFR支持电信标准化局落实世界电信标准化全会（WTSA-20）有关非洲通用应急号码的第100号决议"
        ),
    },
    "tsag-2020-regional-offices": {
        **{
            (f"office/ro-{r}", "resolution/PP/25/2018"): (
                "contribution of the ITU Regional Offices to the implementation of the ITU-T "
                "four-year rolling operational plan as requested by the Resolution 25 (Rev. Dubai 2018)"
            )
            for r in ("afr", "ams", "arb", "asp", "cis", "eur")
        },
        ("office/ro-cis", "initiative/WTDC-17/CIS3"): (
            "to contribute to the implementation of the Regional Initiative CIS3"
        ),
    },
    "tsag-2025-regional-offices": {
        **{
            (f"office/ro-{r}", "resolution/PP/25/2022"): (
                "contribution of the ITU Regional Offices to the implementation of the ITU-T "
                "four-year rolling operational plan as requested by the Resolution 25 "
                "(Rev. Bucharest, 2022)"
            )
            for r in ("afr", "ams", "arb", "asp", "cis", "eur")
        },
        **{
            ("office/ro-ams", revision): (
                "the AMS RO is supporting TSB at the highest level of relevant events or platforms "
                "in the Regions through the revamped products and services of Bridging the "
                "Standardization Gap (cf., Resolution 123 of PP-22 & 44 of WTSA-24)"
            )
            for revision in ("resolution/PP/123/2022", "resolution/WTSA/44/2024")
        },
    },
}

#: Alternative labels that are not the report's words but built from them, each explained in the
#: file's header: the OSPOs' names, and the area offices' "in {country}" and "for {sub-region}".
CONSTRUCTED_ALT_LABELS = {
    ("cwg-fhr-bdt-regional-presence", "centre/ospo-kenya", "Kenya OSPO"),
    (
        "cwg-fhr-bdt-regional-presence",
        "centre/ospo-trinidad-and-tobago",
        "Trinidad and Tobago OSPO",
    ),
    ("tsag-2025-regional-offices", "office/ao-barbados", "Area Office for the Caribbean"),
    ("tsag-2025-regional-offices", "office/ao-barbados", "Area Office in Barbados"),
    ("tsag-2025-regional-offices", "office/ao-chile", "Area Office for South America"),
    ("tsag-2025-regional-offices", "office/ao-chile", "Area Office in Chile"),
    ("tsag-2025-regional-offices", "office/ao-honduras", "Area Office for Central America"),
    ("tsag-2025-regional-offices", "office/ao-honduras", "Area Office in Honduras"),
}


def text_of(slug: str) -> str:
    return re.sub(r"\s+", " ", (SOURCES / f"{slug}.txt").read_text(encoding="utf-8"))


def occurs(words: str, text: str) -> bool:
    """The words occur in the text, not as part of a longer Latin word or number."""
    pattern = r"(?<![A-Za-z0-9])" + re.escape(re.sub(r"\s+", " ", words)) + r"(?![A-Za-z0-9])"
    return re.search(pattern, text) is not None


def short(node) -> str:
    return str(node).removeprefix(str(ID))


def where(slug: str) -> str:
    return f"data/{slug}.ttl"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_city_is_named_by_the_report(graph, slug):
    """A city described in a report's graph, or where something of it is, is named in the report."""
    named = graph.graph(GRAPH[slug])
    text = text_of(slug)
    cities = set(named.subjects(RDF.type, ITU.City)) | {
        place
        for place in named.objects(None, ITU.locatedIn)
        if (place, RDF.type, ITU.City) in graph
    }
    unnamed = [
        short(city)
        for city in sorted(cities)
        if not any(
            occurs(str(name), text)
            for predicate in (RDFS.label, SKOS.altLabel)
            for name in graph.objects(city, predicate)
        )
    ]
    assert not unnamed, f"{where(slug)}: cities the report does not name: {unnamed}"


def test_every_office_seat_is_stated_by_its_report(graph):
    offices = set(graph.subjects(RDF.type, ITU.RegionalOffice)) | set(
        graph.subjects(RDF.type, ITU.AreaOffice)
    )
    found = {
        (slug, short(office), short(place))
        for slug in SLUGS
        for office in offices
        for place in graph.graph(GRAPH[slug]).objects(office, ITU.locatedIn)
    }
    unstated = sorted(found - set(OFFICE_SEATS))
    assert not unstated, "office seats no passage of the report states: " + ", ".join(
        f"{where(slug)}: {office} itu:locatedIn {place}" for slug, office, place in unstated
    )
    assert found == set(OFFICE_SEATS)
    for (slug, office, place), passage in OFFICE_SEATS.items():
        assert passage in text_of(slug), f"{where(slug)}: {office} in {place}: {passage!r}"


def test_offices_contribute_only_to_what_their_report_says(graph):
    offices = set(graph.subjects(RDF.type, ITU.RegionalOffice)) | set(
        graph.subjects(RDF.type, ITU.AreaOffice)
    )
    for slug in SLUGS:
        named = graph.graph(GRAPH[slug])
        found = {
            (short(office), short(target))
            for office in offices
            for target in named.objects(office, ITU.contributesTo)
        }
        expected = OFFICE_CONTRIBUTIONS.get(slug, {})
        assert found == set(expected), (
            f"{where(slug)}: office itu:contributesTo not stated by the report: "
            f"{sorted(found - set(expected))}; missing: {sorted(set(expected) - found)}"
        )
        for (office, target), passage in expected.items():
            assert passage in text_of(slug), f"{where(slug)}: {office} -> {target}: {passage!r}"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_resolution_number_occurs_in_the_report(graph, slug):
    named = graph.graph(GRAPH[slug])
    text = text_of(slug)
    missing = [
        f"{short(work)} itu:number {number}"
        for work in sorted(named.subjects(RDF.type, ITU.Resolution))
        for number in graph.objects(work, ITU.number)
        if not occurs(str(number), text)
    ]
    assert not missing, f"{where(slug)}: resolution numbers the report does not give: {missing}"


def citation_problem(label: str, number: str, text: str, chinese: bool) -> str | None:
    """Why a revision's English label cites more than the report says next to the resolution's
    number, or None. "(Rev. Bucharest, 2022)" needs "Resolution 25 (Rev. Bucharest, 2022)" (or
    "第25号决议（2022年，布加勒斯特，修订版）"); "(WTSA-24)" needs the conference in the text."""
    cited = re.search(r"\((Rev\. )?([^,()]+),? (\d{4})\)$", label)
    if cited:
        revised, place, year = cited.groups()
        if chinese:
            pattern = rf"第{re.escape(number)}号决议（{year}年，{PLACES_ZH.get(place, place)}" + (
                "，修订版）" if revised else "）"
            )
        else:
            numbers = rf"{re.escape(number)}(?:(?:,| and) [0-9A-Z/]+)*"
            rev = r"Rev\.\s*" if revised else ""
            pattern = rf"{numbers}\s*\({rev}{re.escape(place)},?\s*{year}\)"
        if not re.search(pattern, text):
            return f"the report does not cite resolution {number} as ({label.split('(')[-1]}"
        return None
    conference = re.search(r"\(((?:PP|WTDC|WTSA)-\d\d)\)$", label)
    if conference:
        return None if occurs(conference.group(1), text) else f"{conference.group(1)} not in text"
    return "the label cites neither a place and year nor a conference"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_revision_is_cited_as_the_report_cites_it(graph, slug):
    """A revision's label gives only the place, year or conference the report gives:
    "PP Resolution 25 (Rev. Bucharest, 2022)", "WTSA Resolution 44 (WTSA-24)"."""
    named = graph.graph(GRAPH[slug])
    text = text_of(slug)
    chinese = any(
        str(language) == "zh"
        for language in graph.objects(ID[f"document/{slug}"], DCTERMS.language)
    )
    problems = [
        f"{short(revision)} {str(label)!r}: {problem}"
        for revision in sorted(named.subjects(RDF.type, ITU.ResolutionRevision))
        for label in graph.objects(revision, RDFS.label)
        if isinstance(label, Literal) and label.language == "en"
        for problem in [
            citation_problem(
                str(label), str(graph.value(work_of(graph, revision), ITU.number)), text, chinese
            )
        ]
        if problem
    ]
    assert not problems, f"{where(slug)}: revisions cited beyond the report's words: {problems}"


def work_of(graph, revision):
    return graph.value(revision, DCTERMS.isVersionOf)


def codes_in(name: str) -> list[str]:
    """The codes and acronyms of a name: two capitals in a row, or letters with digits (RDF-AFR,
    BSG, G20, 5G, WTSA-24); ordinary words and ordinals are not codes."""
    return [
        token
        for token in re.findall(r"[A-Za-z0-9][A-Za-z0-9&\-]*[A-Za-z0-9]", name)
        if re.search(r"[A-Z]{2}", token) or (re.search(r"\d", token) and re.search(r"[A-Z]", token))
    ]


@pytest.mark.parametrize("slug", SLUGS)
def test_event_names_are_the_reports(graph, slug):
    """Every code or acronym in an event's English names occurs in its report (a Chinese report
    writes them in Latin letters too), and an event of the Chinese report has a Chinese label (which
    test_sources checks against the text) or, if the report names it only by a code, that code
    ("RRS-ASP")."""
    named = graph.graph(GRAPH[slug])
    text = text_of(slug)
    events = {event for cls in EVENT_CLASSES for event in named.subjects(RDF.type, cls)}
    foreign = [
        f"{short(event)}: {code} in {str(name)!r}"
        for event in sorted(events)
        for predicate in (RDFS.label, SKOS.altLabel, DCTERMS.title)
        for name in named.objects(event, predicate)
        if isinstance(name, Literal) and name.language != "zh"
        for code in codes_in(str(name))
        if not occurs(code, text)
    ]
    assert not foreign, f"{where(slug)}: event names the report does not write: {foreign}"
    if slug == "council-2024-regional-presence":
        lacking = [
            short(event)
            for event in sorted(events)
            if not any(n.language == "zh" for n in named.objects(event, RDFS.label))
            and not any(occurs(str(n), text) for n in named.objects(event, SKOS.altLabel))
        ]
        assert not lacking, f"{where(slug)}: events without the report's Chinese name: {lacking}"


def test_the_riga_forum_is_named_as_the_report_names_it(graph):
    forum = ID["event/5g-techritory-forum-2023"]
    assert {(str(n), n.language) for n in graph.objects(forum, RDFS.label)} == {
        ("2023 5G Technology Forum", "en"),
        ("2023年5G技术论坛", "zh"),
    }


@pytest.mark.parametrize("slug", SLUGS)
def test_alternative_labels_are_the_reports_words(graph, slug):
    named = graph.graph(GRAPH[slug])
    text = text_of(slug)
    found = {
        (slug, short(subject), str(label))
        for subject, label in named.subject_objects(SKOS.altLabel)
        if not occurs(str(label), text)
    }
    expected = {entry for entry in CONSTRUCTED_ALT_LABELS if entry[0] == slug}
    assert found == expected, (
        f"{where(slug)}: skos:altLabel the report does not write (move a curator's addition to "
        f"data/curation.ttl): {sorted(found - expected)}; no longer present: {sorted(expected - found)}"
    )


def test_announced_ends_are_planned_ends(graph):
    """Only ends that happened are itu:endDate of a project or programme; "will close in June
    2026" is itu:plannedEndDate."""
    ended = {
        (short(s), str(o))
        for s, o in graph.subject_objects(ITU.endDate)
        if (s, RDF.type, ITU.Project) in graph or (s, RDF.type, ITU.Programme) in graph
    }
    assert ended == {("project/critical-technologies-southeast-asia", "2024-12-31")}
    planned = {(short(s), str(o)) for s, o in graph.subject_objects(ITU.plannedEndDate)}
    assert planned == {
        ("project/7glo23133", "2026-06"),
        ("project/ai-technology-standards-capacity-building-asia-pacific", "2026-02"),
        ("project/critical-technologies-southeast-asia", "2024-06"),
    }


def test_funders_as_the_reports_name_them(graph):
    """ITU as a funder is organization:itu in every report ("funded by ITU and the Norwegian
    Goverment", "co-funded by ITU and Rostelecom")."""
    funders = {}
    for slug in SLUGS:
        for work, funder in graph.graph(GRAPH[slug]).subject_objects(ITU.fundedBy):
            funders.setdefault((slug, short(work)), set()).add(short(funder))
    assert funders == {
        ("council-2024-regional-presence", "project/critical-technologies-southeast-asia"): {
            "organization/dfat"
        },
        ("council-2024-regional-presence", "project/universal-meaningful-connectivity-europe"): {
            "organization/eu"
        },
        ("cwg-fhr-bdt-regional-presence", "programme/dtc-initiative"): {"organization/cisco"},
        ("cwg-fhr-bdt-regional-presence", "programme/osee"): {"organization/european-commission"},
        ("cwg-fhr-bdt-regional-presence", "project/7glo23133"): {
            "organization/itu",
            "organization/norwegian-government",
        },
        ("cwg-fhr-bdt-regional-presence", "project/9glo23128"): {"organization/eu"},
        ("cwg-fhr-bdt-regional-presence", "project/ospo-trinidad-and-tobago"): {"organization/idb"},
        (
            "tsag-2025-regional-offices",
            "project/ai-technology-standards-capacity-building-asia-pacific",
        ): {"organization/mic-japan"},
        ("tsag-2025-regional-offices", "project/critical-technologies-southeast-asia"): {
            "organization/dfat"
        },
        ("tsag-2025-regional-offices", "project/international-rdt-centre-cis-phase-2"): {
            "organization/itu",
            "organization/rostelecom",
        },
    }
    for slug in SLUGS:
        for passage in re.findall(r"(?:co-)?funded by ITU\b", text_of(slug)):
            assert any(
                (s, ITU.fundedBy, ID["organization/itu"]) in graph.graph(GRAPH[slug])
                for s in graph.graph(GRAPH[slug]).subjects()
            ), f"{where(slug)} says {passage!r} but records no itu:fundedBy organization:itu"


def test_curator_statements_are_never_a_reports(graph):
    """graph/curation is attributed to the curators and derived from no document; it only links
    identities and adds alternative labels, with notes."""
    curation = graph.graph(CURATION_GRAPH)
    assert (CURATION_GRAPH, PROV.wasAttributedTo, ITU.curators) in curation
    assert list(curation.objects(CURATION_GRAPH, PROV.wasDerivedFrom)) == []
    assert {short(d) for d in curation.objects(CURATION_GRAPH, PROV.wasInfluencedBy)} == {
        "document/council-2024-regional-presence",
        "document/cwg-fhr-bdt-regional-presence",
    }
    predicates = {p for s, p, o in curation if s != CURATION_GRAPH}
    assert predicates == {ITU.sameInstitutionAs, SKOS.altLabel, SKOS.editorialNote}
    stated_by_a_report = [
        (short(s), short(p), str(o))
        for s, p, o in curation
        if s != CURATION_GRAPH
        and p != SKOS.editorialNote
        and any((s, p, o) in graph.graph(GRAPH[slug]) for slug in SLUGS)
    ]
    assert stated_by_a_report == [], "a report states these: put them in the report's file"
