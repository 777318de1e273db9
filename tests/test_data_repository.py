"""A data repository of one's own, as docs/contributing-data.md describes it: facts of a further
report in a folder with an itugraph.toml, read on top of the installed package's graph, with a
shape of its own. validate, query, serve and release all see package + repository data."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .conftest import free_port, itugraph, start_process, stop_process

SOURCE_TEXT = "A further report. The Regional Office for Africa held a workshop in May 2026.\n"
REPORT = """\
# Source: data/sources/further-report.txt
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX document: <https://w3id.org/itugraph/id/document/>
PREFIX event: <https://w3id.org/itugraph/id/event/>
PREFIX itu: <https://w3id.org/itugraph/def#>
PREFIX office: <https://w3id.org/itugraph/id/office/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX region: <https://w3id.org/itugraph/id/region/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

document:further-report a itu:SourceDocument ;
    dcterms:title "A further report"@en ;
    dcterms:language "en" ;
    dcterms:date "2026"^^xsd:gYear .

event:further-workshop-2026 a itu:Event ;
    rdfs:label "Further workshop"@en ;
    prov:wasDerivedFrom document:further-report ;
    itu:organizer office:ro-afr ;
    itu:region region:AFR ;
    itu:startDate "2026-05"^^xsd:gYearMonth .
"""
#: A rule of the repository's own: its documents are dated.
OWN_SHAPE = """\
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX own: <https://example.org/my-itu-data/shapes#>

own:DatedDocument a sh:NodeShape ;
    sh:targetNode <https://w3id.org/itugraph/id/document/further-report> ;
    sh:property [ sh:path dcterms:date ; sh:minCount 1 ;
        sh:message "Our documents state their date." ] .
"""
OWN_QUERY = """\
#+ title: Further workshops
#+ question: Which events does the further report state?
SELECT ?event WHERE { ?event a <https://w3id.org/itugraph/def#Event> ;
    <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/itugraph/id/document/further-report> }
"""
EVENT = "https://w3id.org/itugraph/id/event/further-workshop-2026"


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("data-repository") / "my-itu-data"
    (root / "data" / "sources").mkdir(parents=True)
    (root / "shapes").mkdir()
    (root / "queries").mkdir()
    (root / "itugraph.toml").write_text('extends-package = true\ndata = "data"\n')
    (root / "data" / "sources" / "further-report.txt").write_text(SOURCE_TEXT)
    digest = hashlib.sha256(SOURCE_TEXT.encode()).hexdigest()
    (root / "data" / "sources" / "README.md").write_text(
        f"| SHA-256 | file |\n|---|---|\n| `{digest}` | `further-report.txt` |\n"
    )
    (root / "data" / "further-report.ttl").write_text(REPORT)
    (root / "shapes" / "own.ttl").write_text(OWN_SHAPE)
    (root / "queries" / "further-workshops.rq").write_text(OWN_QUERY)
    return root


def test_validate_reads_package_and_repository(repository: Path):
    result = itugraph("validate", cwd=repository)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in 9 graphs from the itugraph package's data + ./data (./itugraph.toml)" in (
        result.stderr
    )


def test_query_sees_both_and_lists_the_repository_query(repository: Path):
    listed = itugraph("queries", cwd=repository).stdout
    assert "further-workshops\n  Further workshops: Which events" in listed
    assert "\nregions\n" in listed
    answer = itugraph("query", "further-workshops", "--format", "csv", cwd=repository)
    assert answer.stdout.splitlines() == ["event", EVENT]
    regions = itugraph("query", "regions", "--format", "csv", cwd=repository).stdout
    assert len(regions.splitlines()) == 7


def test_a_broken_edit_breaks_the_repository_rule_with_file_and_line(
    repository: Path, tmp_path: Path
):
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("itugraph.toml", "shapes", "queries", "data"):
        source = repository / name
        target = broken / name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.write_bytes(source.read_bytes())
    report = broken / "data" / "further-report.ttl"
    report.write_text(report.read_text().replace('    dcterms:date "2026"^^xsd:gYear .', "."))
    result = itugraph("validate", "--format", "github", cwd=broken)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=data/further-report.ttl,line=12::document:further-report: "
        "Our documents state their date. [own:DatedDocument]"
    )


def test_serve_answers_for_repository_entities(repository: Path, tmp_path: Path):
    port = free_port()
    command = [sys.executable, "-m", "itugraph", "serve", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    process = start_process(command, f"{url}/api/queries", repository, "itugraph serve", 180)
    try:
        with urllib.request.urlopen(f"{url}/id/event/further-workshop-2026") as page:
            assert page.status == 200 and "Further workshop" in page.read().decode()
        with urllib.request.urlopen(f"{url}/api/queries/further-workshops") as answer:
            rows = json.loads(answer.read())["rows"]
        assert [row["event"]["value"] for row in rows] == [EVENT]
    finally:
        stop_process(process)


def test_release_holds_the_repository_graph_and_shapes(repository: Path):
    result = itugraph("release", "-o", "dist", "--issued", "2026-12-01", cwd=repository)
    assert result.returncode == 0, result.stderr
    (release,) = (repository / "dist").iterdir()
    quads = (release / "graph.nq").read_text()
    assert f"<{EVENT}> " in quads and "<https://w3id.org/itugraph/graph/further-report> ." in quads
    assert "region/AFR" in quads
    assert "Our documents state their date." in (release / "shapes.ttl").read_text()


def test_a_blank_node_shape_is_named_by_its_node_shape_in_a_full_native_run(
    repository: Path, tmp_path: Path
):
    """Regression: the native full run (no earlier report to build on) named a property shape
    by the blank-node label of another parse of the shapes."""
    broken = tmp_path / "broken"
    shutil.copytree(repository, broken)
    report = broken / "data" / "further-report.ttl"
    report.write_text(report.read_text().replace('    dcterms:date "2026"^^xsd:gYear .', "."))
    env = {**os.environ, "ITUGRAPH_CACHE_DIR": str(tmp_path / "empty-cache")}
    result = subprocess.run(
        [sys.executable, "-m", "itugraph", "validate", "--full", "--format", "github"],
        cwd=broken,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].endswith(
        "Our documents state their date. [own:DatedDocument]"
    )
