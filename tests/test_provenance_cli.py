"""`itugraph provenance IRI`: the passages of an entity as text and as Web Annotation JSON-LD,
the whole graph's coverage, and one line with exit status 2 for what cannot be answered."""

from __future__ import annotations

import json

import pytest

from itugraph.cli import EXIT_CANNOT_RUN

ID = "https://w3id.org/itugraph/id/"
RPM = "tdag-2025-rpm-coordination"


def test_text_gives_document_offsets_and_the_quote_in_context(run):
    result = run("provenance", "initiative/WTDC-25/AFR4/result/1")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{ID}initiative/WTDC-25/AFR4/result/1: 1 passage in 1 document\n"
        f"{RPM} 52402-52618  dcterms:description\n"
        "  …start-ups. Expected results: 1. «Assistance in undertaking a comprehensive "
        "assessment of the human and institutional capacity and regulatory environment related "
        "to digital innovation, emerging technologies, and SMMEs at national and regional "
        "levels.» 2. Support Member States in dev…\n"
    )


def test_a_full_iri_and_a_path_give_the_same_answer(run):
    path = run("provenance", "office/ro-afr")
    full = run("provenance", f"{ID}office/ro-afr")
    bracketed = run("provenance", f"<{ID}office/ro-afr>")
    assert path.exit_code == full.exit_code == bracketed.exit_code == 0
    assert path.stdout == full.stdout == bracketed.stdout
    lines = path.stdout.splitlines()
    assert lines[:3] == [
        f"{ID}office/ro-afr: 18 passages in 3 documents",
        "council-2024-regional-presence 3392-3403  rdfs:label",
        "  …-C002号文件，其中重点介绍了各区域取得的主要成就。 3.3 «国际电联非洲区域代表处»（RO-AFR）继续与电信标准化局（TSB）和无线电通信局（BR…",  # noqa: RUF001
    ]


def test_versions_are_named_where_they_state_the_text(run):
    lines = run("provenance", "initiative/WTDC-25/AFR4").stdout.splitlines()
    assert lines[0] == f"{ID}initiative/WTDC-25/AFR4: 5 passages in 2 documents"
    heads = [line for line in lines[1:] if not line.startswith("  ")]
    assert heads == [
        "cwg-fhr-bdt-regional-presence 2253-2257  itu:code",
        "cwg-fhr-bdt-regional-presence 2260-2366  dcterms:title of "
        "initiative/WTDC-25/AFR4/text/cwg-fhr-bdt-regional-presence",
        f"{RPM} 52021-52025  itu:code",
        f"{RPM} 52027-52132  dcterms:title of initiative/WTDC-25/AFR4/text/{RPM}",
        f"{RPM} 52144-52380  itu:objective of initiative/WTDC-25/AFR4/text/{RPM}",
    ]


def test_unaligned_statements_are_listed(run):
    result = run("provenance", "resolution/WTDC/37/2022")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{ID}resolution/WTDC/37/2022: 0 passages in 0 documents\n"
        "unaligned (1): written so in no passage\n"
        "  rdfs:label 'WTDC Resolution 37 (Rev. Kigali, 2022)' in cwg-fhr-bdt-regional-presence\n"
    )


def test_json_is_a_web_annotation_page(run):
    result = run("provenance", "initiative/WTDC-25/AFR4/result/1", "--format", "json")
    assert result.exit_code == 0
    page = json.loads(result.stdout)
    assert page["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert page["type"] == "AnnotationPage"
    assert page["unaligned"] == []
    [annotation] = page["items"]
    assert annotation["type"] == "Annotation"
    assert annotation["id"] == f"{ID}initiative/WTDC-25/AFR4/result/1#passage-{RPM}-52402-52618"
    assert annotation["body"][0] == {
        "id": f"{ID}initiative/WTDC-25/AFR4/result/1",
        "purpose": "identifying",
    }
    assert annotation["body"][1]["property"] == "http://purl.org/dc/terms/description"
    assert annotation["body"][1]["language"] == "en"
    target = annotation["target"]
    assert target["type"] == "SpecificResource"
    assert target["source"] == f"{ID}document/{RPM}"
    position, quote = target["selector"]
    assert position == {"type": "TextPositionSelector", "start": 52402, "end": 52618}
    assert quote["type"] == "TextQuoteSelector"
    assert quote["exact"] == annotation["body"][1]["value"]
    assert quote["prefix"] == "start-ups.\nExpected results:\n1. "


def test_coverage_of_the_whole_graph(run):
    text = run("provenance", "--coverage")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert lines[0].startswith("entities with a passage: ")
    assert lines[1].startswith("quote statements with a passage: ")
    figures = json.loads(run("provenance", "--coverage", "--format", "json").stdout)
    quotes = figures["statements"]["quote"]
    assert lines[1] == (
        f"quote statements with a passage: {quotes['aligned']} of {quotes['total']} "
        f"({100 * quotes['aligned'] / quotes['total']:.1f} %)"
    )
    assert figures["statements"]["code"]["aligned"] == figures["statements"]["code"]["total"]
    assert len(figures["unaligned"]) == sum(
        t["total"] - t["aligned"] for t in figures["statements"].values()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["region/XYZ"], f"Error: region/XYZ: the graph states nothing about {ID}region/XYZ\n"),
        (
            ["not an iri"],
            "Error: not an iri: expected an absolute IRI such as "
            "https://w3id.org/itugraph/id/region/AFR\n",
        ),
        (
            ["https://example.org/x y"],
            "Error: https://example.org/x y: expected an absolute IRI such as "
            "https://w3id.org/itugraph/id/region/AFR\n",
        ),
    ],
)
def test_what_cannot_be_answered_is_one_line_and_exit_2(run, args, message):
    result = run("provenance", *args)
    assert result.exit_code == EXIT_CANNOT_RUN
    assert result.stdout == ""
    assert result.stderr == message


def test_an_iri_or_coverage_is_required_not_both(run):
    for args in ([], ["office/ro-afr", "--coverage"]):
        result = run("provenance", *args)
        assert result.exit_code == 2
        assert "give an IRI, or --coverage for the whole graph" in result.stderr
        assert "Traceback" not in result.output
