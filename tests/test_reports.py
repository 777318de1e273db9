"""Coverage reports: matrix values from the documents, gaps, valid charts, self-contained HTML."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ElementTree

import pytest
from click.testing import CliRunner
from PIL import Image

from itugraph.cli import main
from itugraph.reports import coverage_matrix, region_markdown, region_report, render_coverage


@pytest.fixture(scope="module")
def sdg(graph):
    return coverage_matrix(graph, "sdg")


def test_sdg_matrix_is_europe_tables(sdg):
    europe = {c.heading: sdg.count("EUR", c) for c in sdg.columns if sdg.count("EUR", c)}
    assert europe == {
        "SDG 2": 1,
        "SDG 3": 1,
        "SDG 4": 2,
        "SDG 5": 1,
        "SDG 8": 1,
        "SDG 9": 4,
        "SDG 10": 1,
        "SDG 11": 1,
        "SDG 16": 1,
    }
    assert [c.heading for c in sdg.columns] == [f"SDG {n}" for n in range(1, 18)]
    assert all(
        sdg.count(region, c) == 0
        for region in ("AFR", "AMS", "ARB", "ASP", "CIS")
        for c in sdg.columns
    )


def test_sdg_gaps_of_europe(sdg):
    assert [c.heading for c in sdg.gaps()["EUR"]] == [
        f"SDG {n}" for n in (1, 6, 7, 12, 13, 14, 15, 17)
    ]


def test_resolution_matrix_column_for_resolution_90(graph):
    matrix = coverage_matrix(graph, "resolution")
    (column,) = [c for c in matrix.columns if c.heading == "WTDC 90"]
    assert {r: matrix.count(r, column) for r in matrix.regions} == {
        "AFR": 6,
        "AMS": 1,
        "ARB": 1,
        "ASP": 4,
        "CIS": 1,
        "EUR": 1,
    }


def test_wsis_matrix_has_eleven_columns(graph):
    matrix = coverage_matrix(graph, "wsis")
    assert [c.heading for c in matrix.columns] == [f"C{n}" for n in range(1, 12)]
    assert matrix.count("EUR", matrix.columns[0]) == 5


def test_unknown_kind(graph):
    with pytest.raises(ValueError, match="unknown coverage kind"):
        coverage_matrix(graph, "mdg")


def test_csv_and_markdown(sdg):
    csv_lines = render_coverage(sdg, "csv").decode().splitlines()
    assert csv_lines[0].startswith("region,SDG 1,SDG 2")
    assert csv_lines[6] == "EUR,0,1,1,2,1,0,0,1,4,1,1,0,0,0,0,1,0"
    markdown = render_coverage(sdg, "md").decode()
    assert "- **EUR**: SDG 1, SDG 6, SDG 7, SDG 12, SDG 13, SDG 14, SDG 15, SDG 17" in markdown


def test_png_heatmap_is_a_readable_image(sdg):
    image = Image.open(io.BytesIO(render_coverage(sdg, "png")))
    assert image.format == "PNG"
    width, height = image.size
    assert 700 <= width <= 1400 and 350 <= height <= 700
    assert len(image.getcolors(maxcolors=100000) or []) > 20


def test_svg_heatmap_parses_and_labels_axes(sdg):
    svg = render_coverage(sdg, "svg")
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"SDG 17" in svg or b"SDG" in svg


def test_html_is_self_contained(sdg):
    page = render_coverage(sdg, "html").decode()
    assert "data:image/png;base64," in page
    assert not re.search(r'(src|href)="https?://', page)
    assert "<td>EUR</td>" in page


def test_region_report_europe(graph):
    report = region_report(graph, "eur")
    assert report.offices == [("ITU Office for Europe", "regional office", "Geneva")]
    wtdc25 = "World Telecommunication Development Conference 2025 (WTDC-25)"
    assert report.initiatives == [
        (wtdc25, "EUR1 — Digital infrastructure development", "draft", 6),
        (wtdc25, "EUR2 — Digital transformation for resilience", "draft", 5),
        (wtdc25, "EUR3 — Digital inclusion and skills development", "adopted, draft", 5),
        (wtdc25, "EUR4 — Trust and confidence in the use of telecommunications/ information "
                 "and communication technologies", "draft", 6),
        (wtdc25, "EUR5 — Digital innovation ecosystems", "adopted, draft", 6),
    ]  # fmt: skip
    assert list(report.centres) == ["acceleration centre", "ITU Academy training centre"]
    assert report.centres["ITU Academy training centre"] == [
        "NRD Cyber Security", "National Institute of Telecommunications",
        "Tallinn University of Technology", "UNU-MERIT /Maastricht University",
    ]  # fmt: skip
    assert report.gaps["wsis"] == ["C8", "C9", "C10"]
    assert "# Europe (EUR)" in region_markdown(report)


def test_region_report_unknown_region(graph):
    with pytest.raises(ValueError, match="unknown region"):
        region_report(graph, "XYZ")


def test_cli_report_coverage_png(tmp_path):
    target = tmp_path / "sdg.png"
    result = CliRunner().invoke(
        main, ["report", "coverage", "--by", "sdg", "--format", "png", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert Image.open(target).format == "PNG"


def test_cli_report_region_names_places_kinds_and_initiatives_by_their_labels():
    """Regression: the report showed `addis-ababa`, class names (`AcademyTrainingCentre`) and
    AFR2 and AFR4 twice (once per status)."""
    result = CliRunner().invoke(main, ["report", "region", "AFR"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "- Regional Office for Africa (regional office, Addis Ababa)" in lines
    rows = [line for line in lines if line.startswith("| AFR")]
    assert [row.split(" — ")[0] for row in rows] == [f"| AFR{n}" for n in range(1, 6)]
    assert rows[1] == (
        "| AFR2 — Developing an inclusive, trustworthy artificial intelligence ecosystem in Africa "
        "for socio-economic development | adopted, draft | 13 |"
    )
    assert "### World Telecommunication Development Conference 2025 (WTDC-25)" in lines
    assert [
        line.split(" (")[0] for line in lines if line.startswith("- ") and "centre" in line
    ] == [
        "- acceleration centre",
        "- digital transformation centre",
        "- ITU Academy training centre",
    ]
    assert "addis-ababa" not in result.stdout and "AcademyTrainingCentre" not in result.stdout


def test_cli_report_region_html(tmp_path):
    target = tmp_path / "afr.html"
    result = CliRunner().invoke(
        main, ["report", "region", "AFR", "--format", "html", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    page = target.read_text()
    assert "<h1>Africa (AFR)</h1>" in page
    assert "Regional Office for Africa" in page


def test_cli_report_region_rejects_unknown_code():
    result = CliRunner().invoke(main, ["report", "region", "EU"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: unknown region 'EU'; expected one of AFR, AMS, ARB, ASP, CIS, EUR\n"
    )
