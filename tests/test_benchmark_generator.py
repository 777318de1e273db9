"""benchmarks/generate.py: copies of the real graph that conform and scale as designed."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import URIRef

from itugraph.graph import GRAPH, load_graph
from itugraph.queries import run_query
from itugraph.sources import source_documents
from itugraph.validation import validate

COPIES = 2


def _load_generator():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("benchmark_generate", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generator = _load_generator()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    """A data folder of two copies of the real documents, its manifest and its loaded graph."""
    out = tmp_path_factory.mktemp("bench") / f"k{COPIES}"
    manifest = generator.generate(out, copies=COPIES)
    return out, manifest, load_graph(out)


def _union(dataset) -> set:
    return set(dataset.triples((None, None, None)))


def test_scale_maps_to_copies() -> None:
    """x1 is the real graph; x10, x100 and x1000 aim at 10k, 100k and 1M quads."""
    unit = 5088
    assert [generator.copies_for(s, unit) for s in (1, 10, 100, 1000)] == [1, 2, 20, 197]


def test_generated_folder_has_one_file_per_document_and_copy(generated) -> None:
    """Each copy of each source document is its own file, hence its own named graph."""
    out, manifest, dataset = generated
    documents = sorted(p.stem for p in Path(out).glob("*.ttl") if p.stem != "curation")
    assert (out / "curation.ttl").is_file(), "the curators' statements are kept once"
    assert len(documents) == manifest.documents == len(source_documents()) * COPIES
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert {str(GRAPH[slug]) for slug in documents} <= graphs
    assert (out / "reference" / "regions.ttl").read_bytes() == (
        generator.resource_path("data") / "reference" / "regions.ttl"
    ).read_bytes()


def test_quad_and_triple_counts_scale_as_designed(generated) -> None:
    """Quads: fixed + k * unit exactly; union triples: T(1) + (k - 1) * d, d = the real triples
    that name something a copy renames (or a copy's named graph)."""
    _, manifest, dataset = generated
    real = load_graph()
    real_quads = sum(1 for _ in real.quads())
    assert real_quads == manifest.fixed_quads + manifest.unit_quads
    assert sum(1 for _ in dataset.quads()) == manifest.fixed_quads + COPIES * manifest.unit_quads

    docs = {str(GRAPH[slug]) for slug in generator.document_files(generator.resource_path("data"))}
    replicator = generator.Replicator.from_folder(generator.resource_path("data"))
    stated = {triple for graph in docs for triple in real.graph(URIRef(graph))}
    per_copy = sum(
        1 for triple in stated if any(replicator.is_replicated(t) or str(t) in docs for t in triple)
    )
    real_triples = len(_union(real))
    assert len(_union(dataset)) == real_triples + (COPIES - 1) * per_copy
    assert 0.8 * COPIES * real_triples < len(_union(dataset)) <= COPIES * real_triples


def test_generated_graph_conforms(generated) -> None:
    """The copies satisfy every shape (notes and warnings allowed, as for the real graph)."""
    _, _, dataset = generated
    report = validate(dataset)
    assert report.conforms, report.as_text()
    assert not [r for r in report.results if r.severity == "Violation"]


def test_initiatives_across_cycles_has_k_times_the_rows(generated) -> None:
    """Each real initiative appears once per copy, with the same cycle, status and result count."""
    _, _, dataset = generated
    real = load_graph()
    for region in ("CIS", "EUR"):
        ours = run_query("initiatives-across-cycles", dataset, region=region)
        theirs = run_query("initiatives-across-cycles", real, region=region)
        assert len(ours) == COPIES * len(theirs) > 0
        shape = Counter((r.cycle, r.status, int(r.results)) for r in ours)
        assert shape == Counter(
            {
                k: COPIES * n
                for k, n in Counter((r.cycle, r.status, int(r.results)) for r in theirs).items()
            }
        )


def test_expected_results_by_region_counts_k_times(generated) -> None:
    """Same region and cycle rows; initiatives and results counted k times over."""
    _, _, dataset = generated
    real = {
        (r.region, r.cycle): (int(r.initiatives), int(r.results))
        for r in run_query("expected-results-by-region", load_graph())
    }
    ours = {
        (r.region, r.cycle): (int(r.initiatives), int(r.results))
        for r in run_query("expected-results-by-region", dataset)
    }
    assert ours == {key: (COPIES * i, COPIES * n) for key, (i, n) in real.items()}
    assert all(isinstance(region, URIRef) for region, _ in ours)
