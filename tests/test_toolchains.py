"""Independent toolchains: Raptor's rapper parses every RDF artefact of a release to the triple
counts rdflib reads, and a second SHACL engine (pyshacl-turbo) gives pySHACL's verdicts on the
shipped graph and on every broken fixture. See docs/cross-checks.md."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from itugraph.graph import load_graph
from itugraph.release import build_release
from itugraph.release.description import MEDIA_TYPES
from itugraph.validation import ValidationReport, validate

from .conftest import FIXTURES

RAPPER_SYNTAX = {".ttl": "turtle", ".nt": "ntriples", ".rdf": "rdfxml"}
RDFLIB_FORMAT = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}
TRIPLE_ARTEFACTS = sorted(name for name in MEDIA_TYPES if Path(name).suffix in RAPPER_SYNTAX)
BROKEN = sorted((FIXTURES / "broken").glob("*.ttl"))

needs_rapper = pytest.mark.skipif(
    shutil.which("rapper") is None, reason="rapper (Debian package raptor2-utils) is not on PATH"
)

Result = tuple[str, str, str, str]
"""A validation result as the engines must agree on it: focus node, source constraint component,
severity and source shape."""

KNOWN_DIFFERENCES: dict[str, tuple[list[Result], list[Result], str]] = {}
"""Broken fixture -> (results only pySHACL reports, results only pyshacl-turbo reports, why).
Empty: the engines agree on every fixture (pySHACL 0.40.1, pyshacl-turbo 0.6.5)."""


@pytest.fixture(scope="session")
def pyshacl_report(graph) -> ValidationReport:
    """pySHACL's report on the shipped graph, shared by the release build and the engine check."""
    return validate(graph, engine="pyshacl")


@pytest.fixture(scope="session")
def release_folder(graph, pyshacl_report, tmp_path_factory) -> Path:
    """A release built once per session, as tests/test_release.py builds its own."""
    out = tmp_path_factory.mktemp("toolchains-release")
    build_release(graph, out, "9.9.9", "2026-11-23", "https://example.org/sparql", pyshacl_report)
    return out / "9.9.9"


def rapper_count(path: Path, syntax: str) -> int:
    """Parse a file with rapper in count mode; fail on any error or warning."""
    run = subprocess.run(
        ["rapper", "-i", syntax, "-c", str(path)], capture_output=True, text=True, check=False
    )
    problems = [
        line for line in run.stderr.splitlines() if re.match(r"rapper: (Error|Warning)", line)
    ]
    assert run.returncode == 0 and not problems, f"rapper {path.name}:\n{run.stderr}"
    match = re.search(r"Parsing returned (\d+) triples?", run.stderr)
    assert match, f"no count in rapper's output for {path.name}:\n{run.stderr}"
    return int(match.group(1))


def test_every_triple_artefact_is_cross_checked(release_folder):
    """The release's Turtle, N-Triples and RDF/XML files are exactly the ones checked below."""
    found = sorted(p.name for p in release_folder.iterdir() if p.suffix in RAPPER_SYNTAX)
    assert {"graph.ttl", "graph.nt", "graph.rdf"} <= set(found)
    assert found == TRIPLE_ARTEFACTS


@needs_rapper
@pytest.mark.parametrize("name", TRIPLE_ARTEFACTS)
def test_rapper_reads_the_triples_rdflib_reads(release_folder, name):
    """rapper parses the artefact cleanly to as many triples as rdflib finds in it."""
    path = release_folder / name
    expected = len(Graph().parse(path, format=RDFLIB_FORMAT[path.suffix]))
    assert expected > 0
    assert rapper_count(path, RAPPER_SYNTAX[path.suffix]) == expected


@needs_rapper
def test_rapper_reads_every_quad(graph, release_folder):
    """rapper parses graph.nq cleanly to one statement per quad, as rdflib and the dataset hold."""
    path = release_folder / "graph.nq"
    parsed = Dataset().parse(path, format="nquads")
    quads = sum(len(g) for g in graph.graphs())
    assert rapper_count(path, "nquads") == sum(len(g) for g in parsed.graphs()) == quads


def with_turbo(dataset: Dataset) -> ValidationReport:
    """itugraph's validate() with pyshacl-turbo in place of pySHACL: the very same call."""
    return validate(dataset, engine="turbo")


def results(report: ValidationReport) -> Counter[Result]:
    """The report's results as a multiset, so a result reported twice by one engine counts."""
    return Counter((r.focus, r.component, r.severity, r.shape) for r in report.results)


def test_shipped_graph_conforms_under_both_engines(graph, pyshacl_report):
    """Both engines find the shipped graph conforming, with the same (non-violation) results."""
    turbo = with_turbo(graph)
    assert pyshacl_report.conforms, pyshacl_report.as_text()
    assert turbo.conforms, turbo.as_text()
    assert results(turbo) == results(pyshacl_report)


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_engines_agree_on_broken_fixture(fixture: Path, reference_only_data: Path):
    """pyshacl-turbo catches the fixture's declared error and reports what pySHACL reports."""
    shutil.copy(fixture, reference_only_data / fixture.name)
    dataset = load_graph(reference_only_data)
    by_pyshacl, by_turbo = validate(dataset, engine="pyshacl"), with_turbo(dataset)
    only_pyshacl = sorted((results(by_pyshacl) - results(by_turbo)).elements())
    only_turbo = sorted((results(by_turbo) - results(by_pyshacl)).elements())
    known_pyshacl, known_turbo, _ = KNOWN_DIFFERENCES.get(fixture.stem, ([], [], ""))
    assert (only_pyshacl, only_turbo) == (known_pyshacl, known_turbo), (
        f"{fixture.name}: pySHACL:\n{by_pyshacl.as_text()}\npyshacl-turbo:\n{by_turbo.as_text()}"
    )
    if fixture.stem not in KNOWN_DIFFERENCES:
        assert by_pyshacl.conforms == by_turbo.conforms
        declared = re.search(r"^# expect: (\S+) (\S+)$", fixture.read_text(), re.MULTILINE)
        assert declared, f"{fixture.name} lacks a '# expect: itush:Shape sh:Component' line"
        caught = {(r.shape, r.component) for r in by_turbo.results}
        assert (declared.group(1), declared.group(2)) in caught, by_turbo.as_text()
