"""One store interface, two engines: pyoxigraph (native Turtle parsing, the default) holds exactly
the rdflib Dataset's quads, exports them in every format, and a cache of built stores is reused
for the same inputs and rebuilt when any input changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph

from itugraph.cache import CACHE_ENV, cached_store, clear_cache, input_key
from itugraph.cli import main
from itugraph.graph import DataFileError, source_files
from itugraph.queries import run_query
from itugraph.resources import resource_path
from itugraph.results import render
from itugraph.serialization import EXPORT_FORMATS
from itugraph.store import (
    BACKENDS,
    OxigraphStore,
    RdflibStore,
    load_oxigraph,
    open_store,
    to_rdflib_term,
)

from .conftest import key

PARSE_AS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
PARSE_AS["xml"] = "xml"
REGION_LABELS = (
    "PREFIX itu: <https://w3id.org/itugraph/def#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?label WHERE { ?r a itu:Region ; rdfs:label ?label FILTER(LANG(?label) = 'en') } "
    "ORDER BY ?label"
)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


@pytest.fixture(scope="module")
def oxigraph_store() -> OxigraphStore:
    return open_store(backend="oxigraph", use_cache=False)


def _quads_without_bnodes(quads) -> set[tuple]:
    """Quads without blank nodes (their labels differ), literals compared by value."""
    return {(s, p, key(o), g) for s, p, o, g in quads if not {type(s), type(o)} & {BNode}}


def test_native_load_holds_the_datasets_quads(graph, oxigraph_store):
    """pyoxigraph's own Turtle parser gives the same named graphs and statements as rdflib's
    (it writes decimals canonically: 3000000 where the file says 3000000.0)."""
    by_oxigraph = [
        tuple(to_rdflib_term(t) for t in (q.subject, q.predicate, q.object, q.graph_name))
        for q in oxigraph_store.store
        if not isinstance(q.graph_name, ox.DefaultGraph)
    ]
    by_rdflib = list(graph.quads((None, None, None, None)))
    assert len(by_oxigraph) == len(by_rdflib)
    assert _quads_without_bnodes(by_oxigraph) == _quads_without_bnodes(
        (s, p, o, g.identifier if hasattr(g, "identifier") else g) for s, p, o, g in by_rdflib
    )


def test_union_default_graph_has_no_duplicates(graph, oxigraph_store):
    """The default graph is the union of the sources, each triple once (as rdflib's union)."""
    distinct = {triple for named in graph.graphs() for triple in named}
    assert len(oxigraph_store) == len(RdflibStore(graph)) == len(distinct) > 5000


@pytest.mark.parametrize("backend", BACKENDS)
def test_open_store_answers_sparql(backend):
    """Either backend answers the same question the same way."""
    labels = [
        str(row[0]) for row in open_store(backend=backend, use_cache=False).query(REGION_LABELS)
    ]
    assert labels[:3] == ["Africa", "Americas", "Arab States"] and len(labels) == 6


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_oxigraph_export_parses_back(graph, oxigraph_store, fmt):
    """Every export format written by pyoxigraph parses back with every triple."""
    keeps_graphs = EXPORT_FORMATS[fmt][1]
    parsed = Dataset() if keeps_graphs else Graph()
    parsed.parse(data=oxigraph_store.serialize(fmt), format=PARSE_AS[fmt])
    expected = len(list(graph.quads())) if keeps_graphs else len(graph)
    found = len(list(parsed.quads())) if keeps_graphs else len(parsed)
    assert found == expected


def test_oxigraph_ntriples_sorted(graph, oxigraph_store):
    """N-Triples come out sorted, one line per triple of the union."""
    lines = oxigraph_store.serialize("nt").splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(set(lines)) == len(graph)


def test_unknown_backend_is_named():
    with pytest.raises(ValueError, match="unknown store 'jena'; expected one of oxigraph, rdflib"):
        open_store(backend="jena")


def test_turtle_error_names_file_and_line(reference_only_data: Path):
    """A syntax error found by pyoxigraph's parser names the file and line, like rdflib's."""
    (reference_only_data / "broken.ttl").write_text(
        "@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n  ex:d .\n"
    )
    with pytest.raises(DataFileError) as caught:
        open_store(reference_only_data, use_cache=False)
    assert caught.value.path.name == "broken.ttl"
    assert caught.value.line == 4


def _counting_build(calls: list):
    def build(files, path):
        calls.append(path)
        return load_oxigraph(files, path)

    return build


def test_cache_reused_for_the_same_inputs(cache):
    """The second open finds the store built by the first and does not parse again."""
    files = source_files()
    calls: list = []
    first = cached_store(files, _counting_build(calls))
    second = cached_store(files, _counting_build(calls))
    assert len(calls) == 1
    assert len(first) == len(second)
    assert [p.name for p in cache.iterdir()] == [input_key(files)]


def test_cache_rebuilt_when_an_input_changes(cache, tmp_path):
    """Editing one data file gives a new key, and the answers show the edit."""
    data = tmp_path / "data"
    shutil.copytree(resource_path("data"), data)
    before = [str(r[0]) for r in open_store(data).query(REGION_LABELS)]
    regions = data / "reference" / "regions.ttl"
    regions.write_text(regions.read_text().replace('"Europe"@en', '"Europa"@en'))
    after = [str(r[0]) for r in open_store(data).query(REGION_LABELS)]
    assert "Europe" in before and "Europe" not in after and "Europa" in after
    assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 2


def test_failed_build_leaves_no_entry(cache):
    """A build that fails half-way leaves neither an entry nor its side folder."""

    def failing(files, path):
        load_oxigraph(files[:1], path)
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        cached_store(source_files(), failing)
    assert list(cache.iterdir()) == []


def test_cache_clear(cache):
    open_store()
    assert clear_cache() == 1
    assert not cache.exists()
    assert clear_cache() == 0


def test_cli_answer_is_the_rdflib_backends_answer(cache):
    """The command (pyoxigraph, cached) prints what the rdflib backend answers."""
    command = ["query", "field-offices", "--format", "csv"]
    default = CliRunner().invoke(main, command)
    by_rdflib = render(run_query("field-offices", open_store(backend="rdflib")), "csv")
    assert default.exit_code == 0
    assert default.stdout.splitlines() == by_rdflib.splitlines()
    assert "office/ro-afr,Regional Office for Africa" in default.stdout


def test_cli_cache_clear(cache):
    runner = CliRunner()
    assert runner.invoke(main, ["query", "regions"]).exit_code == 0
    result = runner.invoke(main, ["cache", "clear"])
    assert result.exit_code == 0
    assert result.output == f"removed 1 cached store(s) from {cache}\n"
