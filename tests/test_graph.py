"""Loading: each source in its named graph, the union as default graph, clear parse errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from itugraph.graph import DataFileError, load_graph, source_files
from itugraph.namespaces import GRAPH, ID, ITU, PROV, RDF
from itugraph.project import locate
from itugraph.sources import source_documents

SOURCE_SLUGS = sorted(document.slug for document in source_documents())


def test_the_manifest_lists_every_source_document_and_nothing_else():
    """data/sources/README.md is the list of sources: every copy in data/sources/ is in it once,
    and each listed document has its data file (data/{slug}.ttl)."""
    (data,) = locate().data
    on_disk = sorted(p.stem for p in (data / "sources").iterdir() if p.name != "README.md")
    assert on_disk == SOURCE_SLUGS, "fix data/sources/README.md"
    assert len(set(SOURCE_SLUGS)) == len(SOURCE_SLUGS)
    assert [s for s in SOURCE_SLUGS if not (data / f"{s}.ttl").is_file()] == []
    assert len(SOURCE_SLUGS) >= 5


@pytest.mark.parametrize("slug", SOURCE_SLUGS)
def test_each_source_has_its_named_graph_and_document(graph, slug):
    named = graph.graph(GRAPH[slug])
    document = ID[f"document/{slug}"]
    assert (document, RDF.type, ITU.SourceDocument) in named
    assert (GRAPH[slug], PROV.wasDerivedFrom, document) in named


def test_default_graph_is_the_union(graph):
    office = ID["office/ro-afr"]
    assert (office, RDF.type, ITU.RegionalOffice) in graph
    graphs_stating = {
        g.identifier for g in graph.graphs() if (office, RDF.type, ITU.RegionalOffice) in g
    }
    assert GRAPH["tsag-2020-regional-offices"] in graphs_stating


def test_every_data_file_maps_to_a_known_graph():
    allowed = {GRAPH["ontology"], GRAPH["reference"], GRAPH["curation"]}
    allowed |= {GRAPH[s] for s in SOURCE_SLUGS}
    for source in source_files():
        assert source.graph in allowed, source.path


def test_turtle_error_names_file_and_line(reference_only_data: Path):
    broken = reference_only_data / "broken.ttl"
    broken.write_text(
        '@prefix itu: <https://w3id.org/itugraph/def#> .\n\nitu:x itu:y "unterminated .\n'
    )
    with pytest.raises(DataFileError) as caught:
        load_graph(reference_only_data)
    assert caught.value.path == broken
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{broken}:3: Turtle syntax error")


def test_files_of_graph(graph):
    files = graph.files_of_graph(URIRef(GRAPH["reference"]))
    assert sorted(f.name for f in files) == [
        "conferences.ttl",
        "gdc.ttl",
        "regions.ttl",
        "sdgs.ttl",
        "wsis.ttl",
    ]


def test_public_api_names_are_the_functions():
    """No module of the package shadows a function it exports (`itugraph.validate` is the
    function, whatever has been imported)."""
    import importlib
    import pkgutil

    import itugraph

    modules = {m.name for m in pkgutil.iter_modules(itugraph.__path__)}
    for name in modules:
        importlib.import_module(f"itugraph.{name}")
    assert sorted(set(itugraph.__all__) & modules) == []
    assert all(callable(getattr(itugraph, name)) for name in ("validate", "export", "open_store"))


def test_a_syntax_error_has_one_line_number_the_real_one(tmp_path):
    """rdflib does not count the lines inside a long string; both loaders report line 6."""
    import pyoxigraph as ox
    from rdflib import Graph

    from itugraph.graph import DataFileError, parse_turtle

    broken = tmp_path / "broken.ttl"
    broken.write_text(
        '@prefix ex: <http://example.org/> .\nex:a ex:note """one\ntwo\nthree""" .\n\n'
        "ex:b ex:p ex:q ex:r .\n"
    )
    with pytest.raises(DataFileError) as through_rdflib:
        parse_turtle(broken, Graph())
    with pytest.raises(SyntaxError) as through_oxigraph:
        ox.Store().load(path=str(broken), format=ox.RdfFormat.TURTLE)
    assert through_rdflib.value.line == through_oxigraph.value.lineno == 6
    assert str(through_rdflib.value).endswith(
        "broken.ttl:6: Turtle syntax error: " + through_oxigraph.value.msg
    )
