"""The command line, through click's CliRunner: exit codes, formats and error messages."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph


def test_help_lists_commands_with_examples(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in (
        "validate",
        "export",
        "queries",
        "query",
        "sparql",
        "stats",
        "format",
        "reason",
    ):
        assert command in result.output
    assert "Examples:" in result.output


@pytest.mark.parametrize("command", ["validate", "export", "query", "sparql", "stats", "format"])
def test_every_command_has_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_validate_conforms(run):
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Conforms")


def test_validate_json(run):
    result = run("validate", "--format", "json")
    assert json.loads(result.stdout)["conforms"] is True


def test_validate_reports_violations_with_exit_1(run, reference_only_data: Path):
    fixture = Path(__file__).parent / "fixtures" / "broken" / "office-without-region.ttl"
    (reference_only_data / "bad.ttl").write_text(fixture.read_text())
    result = run("--data-dir", str(reference_only_data), "validate")
    assert result.exit_code == 1
    assert "office:ao-x  (in bad.ttl)" in result.output
    assert "itush:FieldOffice-region" in result.output


def test_turtle_error_exits_2_naming_file_and_line(run, reference_only_data: Path):
    (reference_only_data / "bad.ttl").write_text(
        "@prefix itu: <https://w3id.org/itugraph/def#> .\nitu:a itu:b .\n"
    )
    result = run("--data-dir", str(reference_only_data), "validate")
    assert result.exit_code == 2
    assert f"{reference_only_data / 'bad.ttl'}:2: Turtle syntax error" in result.output


def test_export_nt_to_file(run, tmp_path: Path):
    target = tmp_path / "graph.nt"
    result = run("export", "--format", "nt", "-o", str(target))
    assert result.exit_code == 0
    assert len(Graph().parse(target, format="nt")) > 1000


def test_export_unwritable_exits_2(run, tmp_path: Path):
    result = run("export", "--format", "ttl", "-o", str(tmp_path / "no" / "graph.ttl"))
    assert result.exit_code == 2
    assert not (tmp_path / "no").exists()


def test_queries_lists_questions_and_parameters(run):
    result = run("queries")
    assert "field-offices" in result.output
    assert (
        "  --param region=<AFR|AMS|ARB|ASP|CIS|EUR>  (optional, e.g. ASP) only the offices of "
        "this BDT region (AFR, AMS, ARB, ASP, CIS, EUR)\n" in result.stdout
    )


def test_query_csv(run):
    result = run("query", "regions", "--format", "csv")
    lines = result.output.splitlines()
    assert lines[0] == "region,code,labelEn,labelZh"
    assert lines[1] == "https://w3id.org/itugraph/id/region/AFR,AFR,Africa,非洲区域"


def test_query_tsv_and_json(run):
    tsv = run("query", "regions", "--format", "tsv").output.splitlines()
    assert tsv[0] == "?region\t?code\t?labelEn\t?labelZh"
    assert tsv[6].startswith('<https://w3id.org/itugraph/id/region/EUR>\t"EUR"')
    data = json.loads(run("query", "regions", "--format", "json").output)
    assert [b["code"]["value"] for b in data["results"]["bindings"]] == [
        "AFR",
        "AMS",
        "ARB",
        "ASP",
        "CIS",
        "EUR",
    ]


def test_query_table_has_rows(run):
    result = run("query", "field-offices", "--param", "region=EUR")
    assert result.exit_code == 0
    assert "ITU Office for Europe" in result.output


def test_unknown_query_exits_2_and_lists_known(run):
    result = run("query", "offices")
    assert result.exit_code == 2
    assert "known queries:" in result.output and "field-offices" in result.output


def test_bad_parameter_exits_2_naming_it(run):
    result = run("query", "field-offices", "--param", "region=Mars")
    assert result.exit_code == 2
    assert "parameter 'region'" in result.output


def test_parameter_without_equals(run):
    result = run("query", "field-offices", "--param", "region")
    assert result.exit_code == 2
    assert "is not key=value" in result.output


def test_sparql_ad_hoc_and_from_file(run, tmp_path: Path):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/itugraph/def#Region> }"
    assert run("sparql", text, "--format", "csv").output.splitlines() == ["n", "6"]
    query_file = tmp_path / "q.rq"
    query_file.write_text(text)
    assert run("sparql", "-f", str(query_file), "--format", "csv").output.splitlines() == ["n", "6"]


def test_sparql_ask(run):
    result = run("sparql", "ASK { <https://w3id.org/itugraph/id/region/AFR> ?p ?o }")
    assert result.output == "true\n"


def test_sparql_syntax_error_exits_2_with_position(run):
    result = run("sparql", "SELECT * WHERE {\n  ?s ?p\n}")
    assert result.exit_code == 2
    assert "line 3, column" in result.output or "line 2, column" in result.output


def test_sparql_needs_exactly_one_source(run):
    assert run("sparql").exit_code == 2


def test_stats(run):
    result = run("stats")
    assert "graph/reference" in result.output
    assert "itu:Region" in result.output


def test_format_check_passes_on_shipped_data(run):
    result = run("format", "--check")
    assert result.exit_code == 0, result.output


def test_format_rewrites_a_file(run, tmp_path: Path):
    path = tmp_path / "x.ttl"
    path.write_text(
        "# keep me\n@prefix itu: <https://w3id.org/itugraph/def#> .\nitu:a itu:b itu:c.\n"
    )
    assert run("format", "--check", str(path)).exit_code == 1
    assert run("format", str(path)).exit_code == 0
    assert path.read_text().startswith("# keep me\nPREFIX itu:")
    assert run("format", "--check", str(path)).exit_code == 0


def test_validate_github_annotations_name_file_and_line(run, reference_only_data: Path):
    fixture = Path(__file__).parent / "fixtures" / "broken" / "office-without-region.ttl"
    (reference_only_data / "bad.ttl").write_text(fixture.read_text())
    line = next(
        n
        for n, text in enumerate(fixture.read_text().splitlines(), 1)
        if text.startswith("office:ao-x ")
    )
    result = run("--data-dir", str(reference_only_data), "validate", "--format", "github")
    assert result.exit_code == 1
    assert result.output.startswith(
        f"::error file={reference_only_data / 'bad.ttl'},line={line}::office:ao-x:"
    )


def test_validate_junit(run, reference_only_data: Path, tmp_path: Path):
    import xml.etree.ElementTree as ElementTree

    fixture = Path(__file__).parent / "fixtures" / "broken" / "office-without-region.ttl"
    (reference_only_data / "bad.ttl").write_text(fixture.read_text())
    target = tmp_path / "report.xml"
    result = run(
        "--data-dir", str(reference_only_data), "validate", "--format", "junit", "-o", str(target)
    )
    assert result.exit_code == 1
    suite = ElementTree.parse(target).getroot()
    assert suite.get("failures") == "1"
    assert suite.find("testcase/failure").get("type") == "sh:MinCountConstraintComponent"


BROKEN_TURTLE = '@prefix itu: <https://w3id.org/itugraph/def#> .\n\nitu:x itu:y "unterminated .\n'


def test_validate_github_annotates_a_syntax_error(run, reference_only_data: Path):
    (reference_only_data / "broken.ttl").write_text(BROKEN_TURTLE)
    result = run("--data-dir", str(reference_only_data), "validate", "--format", "github")
    assert result.exit_code == 2
    broken = reference_only_data / "broken.ttl"
    annotation = f"::error file={broken},line=3::{broken}: Turtle syntax error: "
    assert result.stdout.startswith(annotation) and result.stdout.endswith(" [Turtle parser]\n")
    assert result.stderr.startswith(f"Error: cannot load the data: {broken}:3: Turtle syntax")


def test_validate_junit_fails_on_a_syntax_error(run, reference_only_data: Path, tmp_path: Path):
    import xml.etree.ElementTree as ElementTree

    (reference_only_data / "broken.ttl").write_text(BROKEN_TURTLE)
    target = tmp_path / "report.xml"
    result = run(
        "--data-dir", str(reference_only_data), "validate", "--format", "junit", "-o", str(target)
    )
    assert result.exit_code == 2
    suite = ElementTree.parse(target).getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("1", "1")
    case = suite.find("testcase")
    assert (case.get("file"), case.get("line")) == (str(reference_only_data / "broken.ttl"), "3")
    failure = case.find("failure")
    assert failure.get("message").startswith("Turtle syntax error: ")


@pytest.mark.parametrize(
    "args",
    [
        ["--no-cache", "--data-dir", "{data}", "query", "regions", "--format", "csv"],
        ["query", "regions", "--format", "csv", "--no-cache", "--data-dir", "{data}"],
        ["query", "--data-dir", "{data}", "regions", "--no-cache", "--format", "csv"],
    ],
    ids=["before", "after", "between"],
)
def test_global_options_before_or_after_the_subcommand(run, reference_only_data: Path, args):
    """`itugraph query regions --no-cache` works as `itugraph --no-cache query regions`."""
    result = run(*[a.replace("{data}", str(reference_only_data)) for a in args])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        "https://w3id.org/itugraph/id/region/AFR,AFR,Africa,非洲区域"
    )


def test_options_after_the_subcommand_are_checked_as_before_it(run, tmp_path: Path):
    missing = tmp_path / "missing"
    result = run("query", "regions", "--data-dir", str(missing))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_sparql_that_crashes_the_engine_exits_2_with_a_message(tmp_path: Path):
    """`itugraph sparql -f` on a deeply nested query: a clear error, never a segfault."""
    nested = tmp_path / "nested.rq"
    nested.write_text("SELECT (" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) {}")
    result = subprocess.run(
        [sys.executable, "-m", "itugraph", "sparql", "-f", str(nested)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        "Error: the query stopped the SPARQL engine (killed by SIGSEGV)"
    )


def test_sparql_stopped_at_its_timeout(run):
    started = time.monotonic()
    result = run("sparql", "SELECT * { ?s ?p ?o . ?s2 ?p2 ?o2 }", "--timeout", "1")
    assert result.exit_code == 2
    assert result.stderr == "Error: query did not finish within 1 s; simplify it or add a LIMIT\n"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("command", [["query", "regions"], ["export"], ["sparql", "ASK {}"]])
def test_a_full_disk_on_standard_output_is_one_line_and_exit_2(command):
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "itugraph", *command],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: cannot write to standard output: No space left on device"
    )
    assert "Traceback" not in result.stderr


def test_sparql_file_that_is_not_utf8(run, tmp_path: Path):
    latin = tmp_path / "latin.rq"
    latin.write_bytes('SELECT * WHERE { ?s ?p "é" }'.encode("latin-1"))
    result = run("sparql", "-f", str(latin))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {latin} is not UTF-8 text (byte 24)\n"


def test_endpoint_that_is_not_a_url(run):
    result = run("query", "regions", "--endpoint", "notaurl")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: 'notaurl' is not an http:// or https:// URL of a SPARQL endpoint\n"
    )
