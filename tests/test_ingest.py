"""itugraph.ingest's extraction on paraphrased reports (other names, places, dates, codes and
numbers than the five curated documents): the exact candidates, passages and triples."""

# ruff: noqa: RUF001 (reports write full-width punctuation, dashes and curly quotes)

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from itugraph.ingest import prepare
from itugraph.ingest.dates import find_dates
from itugraph.ingest.read import detect_language
from itugraph.namespaces import ID, ITU

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ROOT = Path(__file__).parents[1]


def iri(path: str) -> URIRef:
    return ID[path]


@pytest.fixture(scope="module")
def drafts():
    """Each fixture report read against the repository's own graph."""
    names = ("offices-report", "rpm-outcomes", "council-zh", "project-note")
    return {
        name: prepare(FIXTURES / f"{name}.txt", ROOT / "data", use_cache=False) for name in names
    }


def by_id(draft):
    return {c.id: c for c in draft.candidates}


def test_dates_in_the_forms_reports_write_them():
    found = [
        (str(d.first), None if d.last is None else str(d.last), d.year_inferred)
        for d in find_dates(
            "from 6 to 8 December 2016; 13 – 15 September 2023; 4-5 March 2020; on 25th "
            "February; in May 2020; 28 November – 2 December 2016; 2023年10月3日至5日; 2023年9月"
        )
    ]
    assert found == [
        ("2016-12-06", "2016-12-08", False),
        ("2023-09-13", "2023-09-15", False),
        ("2020-03-04", "2020-03-05", False),
        ("2020-02-25", None, True),
        ("2020-05", None, False),
        ("2016-11-28", "2016-12-02", False),
        ("2023-10-03", "2023-10-05", False),
        ("2023-09", None, False),
    ]
    assert find_dates("we may 2020 go") == []


def test_language_detection():
    assert detect_language("区域代表处报告，2031年") == "zh"
    assert detect_language("Report of the field offices") == "en"


def test_every_passage_selects_its_quote(drafts):
    for draft in drafts.values():
        for candidate in draft.candidates:
            assert candidate.passage.found_in(draft.source.text), candidate.id
            assert candidate.passage.source == draft.info.slug


def test_english_report_candidates(drafts):
    draft = drafts["offices-report"]
    text = draft.source.text
    assert [(c.id, c.kind, c.summary) for c in draft.candidates] == [
        ("R1", "resolution", "PP Resolution 25 (Rev. Bucharest, 2022)"),
        ("R2", "resolution", "WTDC Resolution 23 (Kigali, 2022)"),
        ("R3", "resolution", "PP Resolution 123"),
        ("E1", "event", "Workshop on Quantum Networks (2030-12-06 – 2030-12-08)"),
        ("E2", "event", "Webinar on Satellite Spectrum (2031-01-19)"),
        ("E3", "event", "Forum on Rural Broadband (2031-02-03 – 2031-02-04)"),
        ("P1", "person", "Amara Okonkwo (headedBy)"),
        ("P2", "person", "Tomas Ibarra (chair)"),
    ]
    assert draft.info.title == "Report of the field offices to the advisory group, 2031"
    assert draft.info.date == "2031-03-14"
    assert draft.info.language == "en"
    candidates = by_id(draft)
    quote = "Resolution 25 (Rev. Bucharest, 2022) of the ITU Plenipotentiary Conference"
    assert candidates["R1"].passage.exact == quote
    assert candidates["R1"].passage.start == text.index(quote)
    revision, work = iri("resolution/PP/25/2022"), iri("resolution/PP/25")
    document = iri("document/offices-report")
    assert set(candidates["R1"].triples) == {
        (work, RDF.type, ITU.Resolution),
        (work, ITU.number, Literal("25")),
        (work, RDFS.label, Literal("PP Resolution 25", lang="en")),
        (revision, RDF.type, ITU.ResolutionRevision),
        (revision, DCTERMS.isVersionOf, work),
        (revision, ITU.adoptedAt, iri("conference/PP-22")),
        (revision, RDFS.label, Literal("PP Resolution 25 (Rev. Bucharest, 2022)", lang="en")),
        (work, PROV.wasDerivedFrom, document),
        (revision, PROV.wasDerivedFrom, document),
    }
    assert candidates["R1"].reused == sorted([work, revision, iri("conference/PP-22")])


def test_event_with_dates_place_organizers_and_participants(drafts):
    draft = drafts["offices-report"]
    event = by_id(draft)["E1"]
    sentence = (
        "The ITU Office for Europe held a workshop on Quantum Networks from 6 to 8 December 2030 "
        "in Tallinn, Estonia, organized by CEPT."
    )
    assert event.passage.exact == sentence
    assert event.passage.start == draft.source.text.index(sentence)
    subject = iri("event/workshop-on-quantum-networks-2030")
    city, country = iri("city/tallinn"), iri("country/EST")
    assert set(event.triples) == {
        (subject, RDF.type, ITU.Event),
        (subject, RDFS.label, Literal("Workshop on Quantum Networks", lang="en")),
        (subject, ITU.startDate, Literal("2030-12-06", datatype=XSD.date)),
        (subject, ITU.endDate, Literal("2030-12-08", datatype=XSD.date)),
        (subject, ITU.eventKind, Literal("workshop")),
        (city, RDF.type, ITU.City),
        (city, RDFS.label, Literal("Tallinn", lang="en")),
        (city, ITU.inCountry, country),
        (country, RDF.type, ITU.Country),
        (country, RDFS.label, Literal("Estonia", lang="en")),
        (subject, ITU.locatedIn, city),
        (subject, ITU.organizer, iri("organization/cept")),
        (subject, ITU.organizer, iri("office/ro-eur")),
        (subject, ITU.region, iri("region/EUR")),
        (subject, ITU.participantCount, Literal(140, datatype=XSD.integer)),
        (subject, ITU.countQualifier, Literal("more than")),
        (subject, PROV.wasDerivedFrom, iri("document/offices-report")),
        (city, PROV.wasDerivedFrom, iri("document/offices-report")),
        (country, PROV.wasDerivedFrom, iri("document/offices-report")),
    }
    webinar = by_id(draft)["E2"]
    assert (
        iri("event/webinar-on-satellite-spectrum-2031"),
        ITU.online,
        Literal(True),
    ) in webinar.triples


def test_people_with_roles(drafts):
    draft = drafts["offices-report"]
    head, chair = by_id(draft)["P1"], by_id(draft)["P2"]
    assert head.passage.exact == "led by Ms Amara Okonkwo."
    assert (iri("office/ro-afr"), ITU.headedBy, iri("person/amara-okonkwo")) in head.triples
    assert chair.passage.exact == (
        "chaired by Mr Tomas Ibarra, Director General of the Agency for Digital Networks"
    )
    forum = iri("event/forum-on-rural-broadband-2031")
    assert (forum, ITU.chair, iri("person/tomas-ibarra")) in chair.triples
    assert (
        iri("person/tomas-ibarra"),
        SKOS.editorialNote,
        Literal("Named as Director General of the Agency for Digital Networks.", lang="en"),
    ) in chair.triples
    assert chair.requires == ["E3"]


def test_initiative_blocks_and_expected_results_verbatim_in_order(drafts):
    draft = drafts["rpm-outcomes"]
    text = draft.source.text
    assert [(c.id, c.summary) for c in draft.candidates if c.kind in ("initiative", "result")] == [
        ("I1", "EUR7: Green networks"),
        ("I2", "CIS9: Digital skills for rural schools"),
        ("X1", "EUR7 result 1"),
        ("X2", "EUR7 result 2"),
        ("X3", "CIS9 result 1"),
        ("X4", "CIS9 result 2"),
    ]
    initiative = iri("initiative/WTDC-25/EUR7")
    node = URIRef(f"{initiative}/text/rpm-outcomes")
    eur7 = by_id(draft)["I1"]
    objective = (
        "Objective of this initiative is to help countries reduce the energy use of networks."
    )
    assert (node, ITU.objective, Literal(objective, lang="en")) in eur7.triples
    assert (node, DCTERMS.title, Literal("Green networks", lang="en")) in eur7.triples
    assert (node, ITU.status, ITU.draft) in eur7.triples
    assert (initiative, ITU.cycle, iri("conference/WTDC-25")) in eur7.triples
    assert (initiative, ITU.region, iri("region/EUR")) in eur7.triples
    second = by_id(draft)["X2"]
    quote = (
        "Training of regulators on circular economy policies;\na) including e-waste collection; "
        "and\nb) including repair markets."
    )
    assert second.passage.exact == quote
    assert second.passage.start == text.index(quote)
    result = URIRef(f"{initiative}/result/2")
    assert set(second.triples) == {
        (result, RDF.type, ITU.ExpectedResult),
        (result, ITU.expectedResultOf, initiative),
        (result, ITU.listedIn, node),
        (result, ITU.ordinal, Literal(2, datatype=XSD.integer)),
        (result, DCTERMS.description, Literal(quote, lang="en")),
        (result, PROV.wasDerivedFrom, iri("document/rpm-outcomes")),
    }
    assert second.requires == ["I1"]
    cis9 = by_id(draft)["I2"]
    paragraph = "The need to bring digital skills to rural schools requires joint work of the countries of the region."
    cis_node = URIRef(f"{iri('initiative/WTDC-25/CIS9')}/text/rpm-outcomes")
    assert (cis_node, ITU.objective, Literal(paragraph, lang="en")) in cis9.triples
    assert by_id(draft)["X4"].passage.exact == "Creation of a shared learning platform."


def test_development_targets_of_an_initiative(drafts):
    draft = drafts["rpm-outcomes"]
    targets = [c for c in draft.candidates if c.kind == "target"]
    initiative = iri("initiative/WTDC-25/EUR7")
    assert [t.triples[0] for t in targets] == [
        (initiative, ITU.contributesTo, iri("wsis/C2")),
        (initiative, ITU.contributesTo, iri("wsis/C7")),
        (initiative, ITU.contributesTo, iri("sdg/7")),
        (initiative, ITU.contributesTo, iri("sdg/13")),
    ]
    assert [t.passage.exact for t in targets] == ["C2", "C7", "SDG7", "SDG 13"]


def test_chinese_report(drafts):
    draft = drafts["council-zh"]
    assert draft.info.language == "zh"
    assert [(c.id, c.summary) for c in draft.candidates] == [
        ("R1", "PP Resolution 25 (Rev. Bucharest, 2022)"),
        ("R2", "PP Resolution 135 (Rev. Bucharest, 2022)"),
        ("R3", "WTDC Resolution 17 (Rev. Kigali, 2022)"),
        ("E1", "RDF-EUR (2031-05-12 – 2031-05-14)"),
    ]
    assert by_id(draft)["R2"].passage.exact == "第135号决议（2022年，布加勒斯特，修订版）"
    forum = by_id(draft)["E1"]
    subject = iri("event/rdf-eur-2031")
    assert (
        subject,
        RDFS.label,
        Literal("国际电联2031年欧洲区域发展论坛", lang="zh"),
    ) in forum.triples
    assert (subject, RDFS.label, Literal("RDF-EUR", lang="en")) in forum.triples
    assert (subject, ITU.locatedIn, iri("city/bangkok")) in forum.triples
    assert (subject, ITU.participantCount, Literal(250, datatype=XSD.integer)) in forum.triples
    assert (subject, ITU.countQualifier, Literal("nearly")) in forum.triples
    assert (subject, ITU.eventKind, Literal("forum")) in forum.triples


def test_project_with_code_funder_amount_and_dates(drafts):
    (project,) = drafts["project-note"].candidates
    subject = iri("project/4asp30511")
    assert set(project.triples) == {
        (subject, RDF.type, ITU.Project),
        (subject, RDFS.label, Literal("Ocean Data Links", lang="en")),
        (subject, SKOS.notation, Literal("4ASP30511")),
        (subject, ITU.amount, Literal("2500000", datatype=XSD.decimal)),
        (subject, ITU.currency, Literal("EUR")),
        (subject, ITU.fundedBy, iri("organization/european-commission")),
        (subject, ITU.startDate, Literal("2030-03-01", datatype=XSD.date)),
        (subject, ITU.plannedEndDate, Literal("2032-06", datatype=XSD.gYearMonth)),
        (subject, PROV.wasDerivedFrom, iri("document/project-note")),
    }


def test_entities_of_the_graph_are_reused_not_minted(drafts):
    draft = drafts["offices-report"]
    minted = {t[0] for c in draft.candidates for t in c.triples if t[1] == RDF.type}
    assert iri("office/ro-afr") not in minted
    assert iri("organization/cept") not in minted
    assert iri("country/EST") in minted
    turtle = draft.turtle()
    assert "office:ro-afr\n    prov:wasDerivedFrom document:offices-report ;" in turtle
    assert "organization:cept\n" not in turtle


def test_conflict_with_the_graph_is_listed_with_both_passages(tmp_path):
    report = tmp_path / "rpm-dates.txt"
    report.write_text(
        "RPM dates\nThe RPM Coordination Meeting was held on 14 May 2025 in Geneva, Switzerland.\n",
        encoding="utf-8",
    )
    draft = prepare(report, ROOT / "data", use_cache=False)
    (event,) = draft.candidates
    assert event.subject == iri("event/rpm-coordination-2025")
    (conflict,) = event.conflicts
    assert conflict.predicate == ITU.startDate
    assert conflict.ours == Literal("2025-05-14", datatype=XSD.date)
    assert conflict.theirs == Literal("2025-05-12", datatype=XSD.date)
    assert conflict.graph == "tdag-2025-rpm-coordination"
    assert conflict.their_passage.exact == "RPM Coordination Meeting"
    assert draft.kept() == []
