"""Passages of the curated graph (itugraph.alignment): exact spans of known facts in the five
source documents, every quoted text of the graph found as written, and the matching rules
(white space, Chinese line breaks, footnote markup, whole words, nothing invented) on a small
data folder of its own."""

# ruff: noqa: RUF001 (the Chinese text's full-width punctuation)

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from itugraph.alignment import (
    CODE,
    MARKUP,
    NAME,
    QUOTE,
    Aligner,
    Statement,
    UnknownEntity,
    normalise,
    spans,
)
from itugraph.namespaces import DCTERMS, ID, ITU, RDFS
from itugraph.sources import source_documents
from itugraph.store import open_store

SOURCES = {d.slug: d.path for d in source_documents()}
RPM = "tdag-2025-rpm-coordination"
CWG = "cwg-fhr-bdt-regional-presence"
COUNCIL = "council-2024-regional-presence"


def text_of(slug: str) -> str:
    """A source document's text, read here (not through the module under test)."""
    return SOURCES[slug].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def store():
    return open_store()


@pytest.fixture(scope="module")
def aligner(store) -> Aligner:
    return Aligner(store)


def spans_of(alignment, prop: str) -> list[tuple[str, int, int, str]]:
    """The passages stating ``prop``: document, start, end, exact text."""
    return [
        (f.passage.source, f.passage.start, f.passage.end, f.passage.exact)
        for f in alignment.found
        if any(s.property == prop for s in f.statements)
    ]


# -- known facts, known offsets ----------------------------------------------------------------


def test_expected_result_description_in_the_rpm_document(aligner):
    result = f"{ID}initiative/WTDC-25/AFR4/result/1"
    description = (
        "Assistance in undertaking a comprehensive assessment of the human and institutional "
        "capacity and regulatory environment related to digital innovation, emerging "
        "technologies, and SMMEs at national and regional levels."
    )
    alignment = aligner.provenance(result)
    assert spans_of(alignment, str(DCTERMS.description)) == [(RPM, 52402, 52618, description)]
    assert text_of(RPM)[52402:52618] == description
    [found] = alignment.found
    assert found.passage.prefix == "start-ups.\nExpected results:\n1. "
    assert found.passage.suffix == "\n2. Support Member States in dev"
    assert alignment.unaligned == ()


def test_initiative_objective_title_and_code(aligner):
    """An initiative's page gathers its code and the title and objective of each of its texts
    (its versions, dcterms:isVersionOf it), in document order."""
    alignment = aligner.provenance(f"{ID}initiative/WTDC-25/AFR4")
    objective = (
        "To foster an enabling digital innovation ecosystem that can navigate technological "
        "revolutions and establishment of a sustainable conducive environment for the "
        "utilization of emerging technologies and development of SMEEs and start-ups."
    )
    assert spans_of(alignment, str(ITU.objective)) == [(RPM, 52144, 52380, objective)]
    assert spans_of(alignment, str(ITU.code)) == [
        (CWG, 2253, 2257, "AFR4"),
        (RPM, 52021, 52025, "AFR4"),
    ]
    assert spans_of(alignment, str(DCTERMS.title)) == [
        (
            CWG,
            2260,
            2366,
            "Development of digital applications, micro, small and medium enterprises and "
            "digital innovation ecosystems",
        ),
        (
            RPM,
            52027,
            52132,
            "Digital infrastructure applications, SMEs Development and Emerging Technologies "
            "and Innovation Ecosystems",
        ),
    ]
    positions = [(f.passage.source, f.passage.start) for f in alignment.found]
    assert positions == sorted(positions)
    assert [m.start() for m in re.finditer(r"\bAFR4\b", text_of(RPM))] == [52021]
    assert alignment.unaligned == ()


def test_chinese_label_in_the_council_document(aligner):
    alignment = aligner.provenance(f"{ID}office/ro-afr")
    labels = [
        (f.passage.source, f.passage.start, f.passage.end, f.passage.exact)
        for f in alignment.found
        if any(s.property == str(RDFS.label) and s.language == "zh" for s in f.statements)
    ]
    assert labels == [(COUNCIL, 3392, 3403, "国际电联非洲区域代表处")]
    assert text_of(COUNCIL)[3392:3403] == "国际电联非洲区域代表处"
    codes = [
        f.passage.start
        for f in alignment.found
        if f.passage.source == COUNCIL and f.passage.exact == "RO-AFR"
    ]
    assert codes == [m.start() for m in re.finditer("RO-AFR", text_of(COUNCIL))]
    assert codes[0] == 3404


def test_footnote_markup_stays_in_the_span_but_not_in_the_quote(aligner):
    """The conventions leave word-processor footnotes out of quotes: the description is found,
    and its span is the original text, marker included."""
    [found] = aligner.provenance(f"{ID}initiative/WTDC-25/AMS1/result/1").found
    text = text_of(RPM)
    start = text.index("Assistance in the design, financing")
    end = text.index("high-speed networks.", start) + len("high-speed networks.")
    assert (found.passage.start, found.passage.end) == (start, end)
    assert "[footnoteRef:1]" in found.passage.exact
    assert found.passage.exact.replace("[footnoteRef:1]", "") == found.statements[0].value


def test_an_unknown_entity_is_an_error_and_a_known_one_without_text_is_not(aligner):
    with pytest.raises(UnknownEntity):
        aligner.provenance(f"{ID}region/XYZ")
    region = aligner.provenance(f"{ID}region/AFR")
    assert region.found == () and region.unaligned == ()


def test_a_value_written_nowhere_is_unaligned_never_given_a_passage(aligner):
    invented = Statement(
        f"{ID}office/ro-afr", str(RDFS.label), "Regional Office on the Moon", "en",
        f"https://w3id.org/itugraph/graph/{RPM}", f"{ID}document/{RPM}", NAME,
    )  # fmt: skip
    alignment = aligner.align([invented], invented.entity)
    assert alignment.found == () and alignment.unaligned == (invented,)


# -- the whole graph ----------------------------------------------------------------------------

QUOTED = f"""SELECT DISTINCT ?entity ?p ?text ?document WHERE {{
  GRAPH ?g {{ ?entity ?p ?text . ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?document }}
  {{ ?entity <{ITU.objective}> ?text BIND(<{ITU.objective}> AS ?p) }}
  UNION {{ ?entity a <{ITU.ExpectedResult}> ; <{DCTERMS.description}> ?text
           BIND(<{DCTERMS.description}> AS ?p) }}
}}"""


def test_every_quoted_text_has_a_passage_that_is_exactly_it(store, aligner):
    """Every objective and every expected result's description, wherever the data puts them,
    has a passage in its document whose exact text is the quote (footnote markup aside)."""
    rows = list(store.query(QUOTED))
    assert len(rows) >= 167 + 25
    failures = []
    for entity, prop, text, document in rows:
        slug = str(document).removeprefix(f"{ID}document/")
        alignment = aligner.provenance(str(entity), versions=False)
        exact = [
            f.passage.exact
            for f in alignment.found
            if f.passage.source == slug
            and any(s.property == str(prop) and s.value == str(text) for s in f.statements)
        ]
        if not exact:
            failures.append(f"{entity} {prop}: no passage in {slug}")
        elif [MARKUP.sub("", e) for e in exact] != [str(text)]:
            failures.append(f"{entity} {prop}: passage {exact!r} is not {str(text)!r}")
    assert failures == []


def test_coverage_figures(aligner):
    figures = aligner.coverage()
    assert figures.statements[CODE].aligned == figures.statements[CODE].total >= 40
    quotes = figures.statements[QUOTE]
    assert quotes.total >= 250
    unaligned_quotes = sorted(
        (s.entity.removeprefix(ID), s.property) for s in figures.unaligned if s.kind == QUOTE
    )
    # The documents' titles are the curators' (the texts state none); every other quote is found.
    assert unaligned_quotes == [
        (f"document/{slug}", str(DCTERMS.title))
        for slug in (CWG, RPM, "tsag-2020-regional-offices", "tsag-2025-regional-offices")
    ]
    assert quotes.aligned == quotes.total - 4
    assert figures.entities.aligned > 0.8 * figures.entities.total
    assert all(s.kind == NAME for s in figures.unaligned if s.kind != QUOTE)
    assert all(s.required for s in figures.unaligned)
    assert 0 < figures.translations.aligned < figures.translations.total
    assert list(figures.unaligned) == sorted(figures.unaligned)


def test_matches_are_cached_per_process(aligner):
    statement = aligner.statements(f"{ID}initiative/WTDC-25/AFR4/result/1")[0]
    aligner.spans(statement)
    before = spans.cache_info().hits
    assert aligner.spans(statement) == ((52402, 52618),)
    assert spans.cache_info().hits == before + 1


# -- the matching rules, on a data folder of its own ---------------------------------------------

MINI_TEXT = (
    "Report of the example.\n"
    "The Example Union (EXU) met twice. A union of examples\n"
    "   that spans two lines[footnoteRef:2] was agreed. [2: A footnote.]\n"
    "Codes: EXU1 and EXU12; the EXU1-bis item; XEXU1.\n"
)
MINI_ZH = "示例报告。\n本次会议由示例\n联盟（EXU）主办。\n"
MINI_TTL = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX itu: <https://w3id.org/itugraph/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
<https://w3id.org/itugraph/id/document/{slug}> dcterms:language "{lang}" .
<https://w3id.org/itugraph/id/organization/exu> {statements} ;
    prov:wasDerivedFrom <https://w3id.org/itugraph/id/document/{slug}> .
"""


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Path:
    """A data folder with two small documents, an English and a Chinese one."""
    data = tmp_path_factory.mktemp("mini") / "data"
    (data / "sources").mkdir(parents=True)
    rows = []
    for slug, lang, text, statements in (
        (
            "mini-report",
            "en",
            MINI_TEXT,
            'rdfs:label "Example Union"@en ; skos:altLabel "EXU" ; itu:code "EXU1" ; '
            'dcterms:description "A union of examples that spans two lines was agreed."@en ; '
            'rdfs:label "示例联盟"@zh ; skos:altLabel "Union of the Moon"@en',
        ),
        (
            "mini-zh",
            "zh",
            MINI_ZH,
            'rdfs:label "示例联盟"@zh ; rdfs:label "Example Union"@en ; skos:altLabel "EXU"@en',
        ),
    ):
        path = data / "sources" / f"{slug}.txt"
        path.write_text(text, encoding="utf-8")
        rows.append(f"| `{hashlib.sha256(path.read_bytes()).hexdigest()}` | `{slug}.txt` |")
        ttl = MINI_TTL.format(slug=slug, lang=lang, statements=statements)
        (data / f"{slug}.ttl").write_text(ttl, encoding="utf-8")
    (data / "sources" / "README.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def mini_alignment(mini):
    aligner = Aligner(open_store(mini, use_cache=False), mini)
    return aligner.provenance(f"{ID}organization/exu")


def found_values(alignment) -> list[tuple[str, int, int, str, tuple[str, ...]]]:
    return [
        (f.passage.source, f.passage.start, f.passage.end, f.passage.exact,
         tuple(s.value for s in f.statements))
        for f in alignment.found
    ]  # fmt: skip


def test_wrapped_lines_footnotes_whole_words_and_chinese_line_breaks(mini_alignment):
    start = MINI_TEXT.index("A union of examples")
    end = MINI_TEXT.index("was agreed.") + len("was agreed.")
    zh = MINI_ZH.index("示例\n联盟")
    assert MINI_TEXT[27:40] == "Example Union" and MINI_TEXT[42:45] == "EXU"
    assert found_values(mini_alignment) == [
        ("mini-report", 27, 40, "Example Union", ("Example Union",)),
        ("mini-report", 42, 45, "EXU", ("EXU",)),
        (
            "mini-report",
            start,
            end,
            "A union of examples\n   that spans two lines[footnoteRef:2] was agreed.",
            ("A union of examples that spans two lines was agreed.",),
        ),
        ("mini-report", MINI_TEXT.index("EXU1 "), MINI_TEXT.index("EXU1 ") + 4, "EXU1", ("EXU1",)),
        ("mini-report", MINI_TEXT.index("EXU1-"), MINI_TEXT.index("EXU1-") + 4, "EXU1", ("EXU1",)),
        ("mini-zh", zh, zh + 5, "示例\n联盟", ("示例联盟",)),
        ("mini-zh", zh + 6, zh + 9, "EXU", ("EXU",)),
    ]


def test_only_the_documents_language_and_what_is_not_there_is_reported(mini_alignment):
    """A translation (the Chinese label in the English report, the English one in the Chinese
    report) written nowhere is not reported, though the English acronym the Chinese report
    writes has its passage; the label in the document's language written nowhere is the one
    unaligned statement."""
    assert [(s.value, s.source) for s in mini_alignment.unaligned] == [
        ("Union of the Moon", "mini-report")
    ]


def test_normalise_keeps_the_offsets_of_the_original():
    text = " a\n\tb[footnoteRef:1]  c 中\n文 d "
    normal, offsets = normalise(text)
    assert normal == "a b c 中文 d"
    assert [text[i] for i in offsets] == ["a", "\n", "b", " ", "c", " ", "中", "文", " ", "d"]
    assert normalise("") == ("", ())
