"""WTDC-25's regional initiatives as drafted and as adopted (queries/initiatives-drafted-and-adopted.rq and
`itugraph report versions`): every title and objective is the documents' own words, read here
from data/sources/*.txt, and each initiative is changed, same, adopted only or draft only as the documents
make it."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from itugraph.cli import main
from itugraph.queries import get_query, initiative_cycles, run_query
from itugraph.reports import versions_markdown, versions_report
from itugraph.sources import source_documents
from itugraph.store import open_store

from .conftest import ID, serving

QUERY = "initiatives-drafted-and-adopted"
COLUMNS = (
    "code",
    "initiative",
    "draftTitle",
    "adoptedTitle",
    "draftObjective",
    "adoptedObjective",
    "draftDocument",
    "adoptedDocument",
    "change",
)
#: The whole graph's answer (default cycle, every region): the 25 drafts of the RPM outcomes,
#: the 11 adopted initiatives of the BDT document, nine of them in both.
EXPECTED = {
    ("AFR1", "draft only"),
    ("AFR2", "changed"),
    ("AFR3", "draft only"),
    ("AFR4", "changed"),
    ("AFR5", "draft only"),
    ("AMS1", "draft only"),
    ("AMS2", "changed"),
    ("AMS3", "changed"),
    ("AMS4", "draft only"),
    ("AMS5", "draft only"),
    ("ARB1", "adopted only"),
    ("ARB4", "adopted only"),
    ("ASP1", "draft only"),
    ("ASP2", "same"),
    ("ASP3", "draft only"),
    ("ASP4", "changed"),
    ("ASP5", "draft only"),
    ("CIS1", "draft only"),
    ("CIS2", "changed"),
    ("CIS3", "draft only"),
    ("CIS4", "draft only"),
    ("CIS5", "draft only"),
    ("EUR1", "draft only"),
    ("EUR2", "draft only"),
    ("EUR3", "same"),
    ("EUR4", "draft only"),
    ("EUR5", "same"),
}
AFR4_DRAFTED = (
    "Digital infrastructure applications, SMEs Development and Emerging Technologies and "
    "Innovation Ecosystems"
)
AFR4_ADOPTED = (
    "Development of digital applications, micro, small and medium enterprises and digital "
    "innovation ecosystems"
)
DRAFTS = "tdag-2025-rpm-coordination"
ADOPTED = "cwg-fhr-bdt-regional-presence"
#: Europe's drafts give title and objective on one line; the objective is quoted from here.
EUROPE_OBJECTIVE = ": Objective of this initiative is"


@pytest.fixture(scope="module")
def store():
    return open_store()


def answer(graph, **params) -> list[dict[str, str | None]]:
    result = run_query(QUERY, graph, **params)
    assert tuple(str(v) for v in result.vars) == COLUMNS
    return [{c: None if r[c] is None else str(r[c]) for c in COLUMNS} for r in result]


def source_text(slug: str) -> str:
    (document,) = [d for d in source_documents() if d.slug == slug]
    return document.path.read_text(encoding="utf-8")


def drafted(code: str) -> tuple[str, str] | None:
    """Title and objective of a draft initiative as the RPM outcomes write them, or None."""
    text = source_text(DRAFTS)
    found = re.search(rf"^{code}: (.+)\n(.+)$", text, re.MULTILINE)
    if found is None:
        return None
    line, following = found[1], found[2]
    if EUROPE_OBJECTIVE in line:
        title, rest = line.split(EUROPE_OBJECTIVE, 1)
        return title, (EUROPE_OBJECTIVE.removeprefix(": ") + rest).strip()
    # The objective follows the title, labelled "Objective:" (ASP5: "Objectives:"), or, for
    # CIS1 to CIS3, unlabelled.
    return line.strip(), re.sub(r"^Objectives?: ", "", following).strip()


def adopted(code: str) -> str | None:
    """Title of an adopted initiative as the BDT document lists it ("Africa (AFR4): …"); the
    full stop that ends each list (after EUR5 and EUR3) is the list's, not the title's."""
    found = re.search(rf"\({code}\): (.+)$", source_text(ADOPTED), re.MULTILINE)
    return None if found is None else found[1].strip().removesuffix(".")


def test_default_cycle_is_the_latest_of_the_initiatives(store):
    (cycle,) = [p for p in get_query(QUERY).parameters if p.name == "cycle"]
    assert str(cycle.parse(cycle.default)) == initiative_cycles(store)[0]
    assert initiative_cycles(store)[0] == f"{ID}conference/WTDC-25"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_one_row_per_initiative_of_the_whole_graph(engine, store, graph):
    rows = answer(store if engine == "oxigraph" else graph)
    assert len(rows) == 27
    assert {(r["code"], r["change"]) for r in rows} == EXPECTED
    assert [r["code"] for r in rows] == sorted(code for code, _ in EXPECTED)


def test_each_row_is_the_documents_words(store):
    """Every text, document and change of the answer, derived from the source texts alone."""
    drafts = set(re.findall(r"^([A-Z]{3}\d): ", source_text(DRAFTS), re.MULTILINE))
    adoptions = set(re.findall(r"\(([A-Z]{3}\d)\): ", source_text(ADOPTED)))
    assert (len(drafts), len(adoptions), len(drafts & adoptions)) == (25, 11, 9)
    rows = answer(store)
    assert {r["code"] for r in rows} == drafts | adoptions
    for row in rows:
        code = row["code"]
        draft, title = drafted(code), adopted(code)
        assert row["initiative"] == f"{ID}initiative/WTDC-25/{code}"
        assert (row["draftTitle"], row["draftObjective"]) == (draft or (None, None)), code
        assert row["adoptedTitle"] == title, code
        assert row["adoptedObjective"] is None, code  # the BDT document states none
        assert row["draftDocument"] == (f"{ID}document/{DRAFTS}" if draft else None), code
        assert row["adoptedDocument"] == (f"{ID}document/{ADOPTED}" if title else None), code
        change = (
            "adopted only"
            if draft is None
            else "draft only"
            if title is None
            else "changed"
            if draft[0] != title
            else "same"
        )
        assert row["change"] == change, code


def test_afr4_is_changed_with_both_titles(store):
    (row,) = [r for r in answer(store, region="AFR") if r["code"] == "AFR4"]
    assert (row["draftTitle"], row["adoptedTitle"], row["change"]) == (
        AFR4_DRAFTED,
        AFR4_ADOPTED,
        "changed",
    )
    assert drafted("AFR4")[0] == AFR4_DRAFTED and adopted("AFR4") == AFR4_ADOPTED


def test_region_and_cycle_parameters(store):
    assert [(r["code"], r["change"]) for r in answer(store, region="AFR")] == [
        ("AFR1", "draft only"),
        ("AFR2", "changed"),
        ("AFR3", "draft only"),
        ("AFR4", "changed"),
        ("AFR5", "draft only"),
    ]
    assert answer(store, region="ARB", cycle="conference/WTDC-25") == [
        {
            "code": code,
            "initiative": f"{ID}initiative/WTDC-25/{code}",
            "draftTitle": None,
            "adoptedTitle": title,
            "draftObjective": None,
            "adoptedObjective": None,
            "draftDocument": None,
            "adoptedDocument": f"{ID}document/{ADOPTED}",
            "change": "adopted only",
        }
        for code, title in [
            ("ARB1", "Universal meaningful connectivity for inclusive growth"),
            (
                "ARB4",
                "Innovation ecosystems to support the adoption and growth of emerging "
                "technologies, including artificial intelligence",
            ),
        ]
    ]
    # WTDC-17's one initiative (CIS3, from the 2020 report) has no status: nothing to compare.
    assert answer(store, cycle="conference/WTDC-17") == []


def test_cli_report_for_africa_puts_each_title_in_its_column():
    result = CliRunner().invoke(main, ["report", "versions", "AFR"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(
        "# Africa (AFR): initiatives of World Telecommunication Development Conference 2025 "
        "(WTDC-25) as drafted and as adopted\n"
    )
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings == ["Changed (2)", "Same (0)", "Adopted only (0)", "Draft only (3)"]
    sections = dict(re.findall(r"^### (\w+)\n\n(.*?)(?=\n\n|\Z)", text, re.MULTILINE | re.DOTALL))
    assert list(sections) == ["AFR2", "AFR4", "AFR1", "AFR3", "AFR5"]
    afr4 = sections["AFR4"].splitlines()
    assert afr4[0] == "| | as drafted | as adopted |"
    assert afr4[2] == f"| title | {AFR4_DRAFTED} | {AFR4_ADOPTED} |"
    assert afr4[3] == f"| objective | {drafted('AFR4')[1]} | — |"
    assert afr4[4] == (
        "| document | Outcomes of the RPM Coordination Meeting for WTDC-25 "
        "| BDT initiatives to enhance and strengthen the Regional Presence |"
    )
    assert sections["AFR5"].splitlines()[2] == f"| title | {drafted('AFR5')[0]} | — |"


def test_cli_report_html_and_errors(tmp_path):
    target = tmp_path / "afr.html"
    runner = CliRunner()
    result = runner.invoke(
        main, ["report", "versions", "afr", "--format", "html", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert f"<tr><th>title</th><td>{AFR4_DRAFTED}</td><td>{AFR4_ADOPTED}</td></tr>" in page
    assert page.count("<h3>") == 5
    unknown = runner.invoke(main, ["report", "versions", "XYZ"])
    assert unknown.exit_code == 2
    assert "unknown region 'XYZ'; expected one of AFR, AMS, ARB, ASP, CIS, EUR" in unknown.output
    older = runner.invoke(main, ["report", "versions", "CIS", "--cycle", "conference/WTDC-17"])
    assert older.exit_code == 0, older.output
    assert older.output.endswith(
        "\n\nNo document states an initiative of this region and cycle as draft or adopted.\n"
    )


def test_report_of_the_store_groups_europe(store):
    report = versions_report(store, "EUR")
    assert {change: [i.code for i in group] for change, group in report.groups().items()} == {
        "changed": [],
        "same": ["EUR3", "EUR5"],
        "adopted only": [],
        "draft only": ["EUR1", "EUR2", "EUR4"],
    }
    assert "| title | Digital innovation ecosystems | Digital innovation ecosystems |" in (
        versions_markdown(report)
    )


def test_api_answers_the_same_rows(store):
    with serving() as client:
        response = client.get(f"/api/queries/{QUERY}", params={"region": "AFR"})
        page = client.get(f"/queries/{QUERY}", params={"region": "AFR"})
    assert response.status_code == 200
    data = response.json()
    assert data["variables"] == list(COLUMNS) and not data["truncated"]
    rows = [{c: row[c]["value"] if c in row else None for c in COLUMNS} for row in data["rows"]]
    assert rows == answer(store, region="AFR")
    assert [(r["code"], r["change"]) for r in rows] == [
        ("AFR1", "draft only"),
        ("AFR2", "changed"),
        ("AFR3", "draft only"),
        ("AFR4", "changed"),
        ("AFR5", "draft only"),
    ]
    assert page.status_code == 200 and AFR4_ADOPTED in page.text
