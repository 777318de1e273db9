"""Export: every format parses back, quads keep their graphs, a file is written whole or not at all."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph

from itugraph.namespaces import GRAPH
from itugraph.serialization import EXPORT_FORMATS, export, serialize

PARSE_AS = {
    "ttl": "turtle",
    "nt": "nt",
    "nq": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
    "xml": "xml",
}


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_export_parses_back_with_same_triples(graph, fmt):
    data = serialize(graph, fmt)
    keeps_graphs = EXPORT_FORMATS[fmt][1]
    parsed = Dataset() if keeps_graphs else Graph()
    parsed.parse(data=data, format=PARSE_AS[fmt])
    union = {t for t in graph.triples((None, None, None))}
    parsed_triples = (
        {t for t in parsed.triples((None, None, None))}
        if not keeps_graphs
        else {(s, p, o) for s, p, o, _ in parsed.quads((None, None, None, None))}
    )
    assert len(parsed_triples) == len(union)


def test_nquads_keep_each_source_graph(graph):
    data = serialize(graph, "nq")
    quads = list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, pyoxigraph.NamedNode)}
    assert str(GRAPH["tsag-2020-regional-offices"]) in graphs
    assert str(GRAPH["reference"]) in graphs


def test_ntriples_file_read_by_rdflib_and_oxigraph(graph, tmp_path: Path):
    path = tmp_path / "graph.nt"
    export(graph, "nt", path)
    by_rdflib = Graph().parse(path, format="nt")
    by_oxigraph = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(by_rdflib) == len(by_oxigraph) == len(set(graph.triples((None, None, None))))


def test_ntriples_is_sorted_and_stable(graph):
    first = serialize(graph, "nt")
    lines = first.splitlines()
    assert lines == sorted(lines)
    assert serialize(graph, "nt") == first


def test_failed_write_leaves_no_file(graph, tmp_path: Path):
    target = tmp_path / "missing-folder" / "graph.ttl"
    with pytest.raises(OSError):
        export(graph, "ttl", target)
    assert not target.exists()


def test_no_temporary_file_left_behind(graph, tmp_path: Path):
    export(graph, "ttl", tmp_path / "graph.ttl")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_export_to_stream(graph):
    stream = io.BytesIO()
    export(graph, "nt", stream)
    assert stream.getvalue() == serialize(graph, "nt")


def test_unknown_format(graph):
    with pytest.raises(ValueError, match="unknown export format 'n3'"):
        serialize(graph, "n3")
