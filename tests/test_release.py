"""The linked-data release: reproducible byte for byte, every artefact parses back with the
graph's triples, and the VoID counts are the graph's own."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import VOID

from itugraph.cli import main
from itugraph.release import build_release
from itugraph.validate import validate


@pytest.fixture(scope="module")
def release(graph, tmp_path_factory) -> tuple[Path, Path]:
    report = validate(graph)
    first = tmp_path_factory.mktemp("first")
    second = tmp_path_factory.mktemp("second")
    build_release(graph, first, "9.9.9", "2026-11-23", "https://example.org/sparql", report)
    build_release(graph, second, "9.9.9", "2026-11-23", "https://example.org/sparql", report)
    return first / "9.9.9", second / "9.9.9"


def test_two_builds_are_byte_identical(release):
    first, second = release
    assert (first / "SHA256SUMS").read_text() == (second / "SHA256SUMS").read_text()
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())


def test_checksums_match_the_files(release):
    folder = release[0]
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("graph.ttl", "turtle"),
        ("graph.nt", "nt"),
        ("graph.rdf", "xml"),
        ("graph.jsonld", "json-ld"),
    ],
)
def test_graph_artefacts_parse_back_with_every_triple(graph, release, name, fmt):
    parsed = Graph().parse(release[0] / name, format=fmt)
    assert len(parsed) == len(set(graph.triples((None, None, None)))), name


def test_nquads_keep_the_named_graphs(graph, release):
    parsed = Dataset().parse(release[0] / "graph.nq", format="nquads")
    names = {str(g.identifier) for g in parsed.graphs() if len(g)}
    assert "https://w3id.org/itugraph/graph/tdag-2025-rpm-coordination" in names
    assert sum(len(g) for g in parsed.graphs()) == sum(len(g) for g in graph.graphs())


def test_ntriples_sorted(release):
    lines = (release[0] / "graph.nt").read_text().splitlines()
    assert lines == sorted(lines)


def test_jsonld_uses_the_published_context(release):
    document = json.loads((release[0] / "graph.jsonld").read_text())
    context = json.loads((release[0] / "itugraph.context.jsonld").read_text())
    assert document["@context"] == context["@context"]
    node = next(n for n in document["@graph"] if n["@id"] == "initiative:WTDC-25/EUR3/result/1")
    assert node["ordinal"] == "1"  # typed xsd:integer by the context


def test_void_counts_are_the_graphs(graph, release):
    description = Graph().parse(release[0] / "dataset.ttl", format="turtle")
    dataset = URIRef("https://w3id.org/itugraph/release/9.9.9")
    assert int(description.value(dataset, VOID.triples)) == len(graph)
    partitions = {
        description.value(p, VOID["class"]): int(description.value(p, VOID.entities))
        for p in description.objects(dataset, VOID.classPartition)
    }
    region = URIRef("https://w3id.org/itugraph/def#Region")
    expected_result = URIRef("https://w3id.org/itugraph/def#ExpectedResult")
    assert partitions[region] == 6 and partitions[expected_result] == 167
    assert str(description.value(dataset, VOID.sparqlEndpoint)) == "https://example.org/sparql"


def test_dcat_distributions_and_validation_report(release):
    description = Graph().parse(release[0] / "dataset.ttl", format="turtle")
    text = (release[0] / "dataset.ttl").read_text()
    assert "dcat:byteSize" in text and "dqv:hasQualityMetadata" in text
    report = Graph().parse(release[0] / "validation-report.ttl", format="turtle")
    conforms = list(report.objects(None, URIRef("http://www.w3.org/ns/shacl#conforms")))
    assert [bool(c.toPython()) for c in conforms] == [True]
    assert len(description) > 100


def test_cli_release(tmp_path):
    result = CliRunner().invoke(
        main, ["release", "-o", str(tmp_path), "--issued", "2026-11-23", "--version", "1.0.0"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "1.0.0" / "SHA256SUMS").exists()


def test_cli_release_rejects_bad_date(tmp_path):
    result = CliRunner().invoke(main, ["release", "-o", str(tmp_path), "--issued", "23/11/2026"])
    assert result.exit_code == 2
    assert "--issued" in result.output
    assert not any(tmp_path.iterdir())


def test_failed_build_leaves_no_folder(graph, tmp_path):
    class BrokenReport:
        """Fails when the build reaches the validation report, after the graph files are written."""

    with pytest.raises(AttributeError):
        build_release(graph, tmp_path, "1.0.0", "2026-11-23", None, BrokenReport())
    assert list(tmp_path.iterdir()) == []
