"""The linked-data release: reproducible byte for byte, every artefact parses back with the
graph's triples, the VoID counts are the graph's own, the framed initiatives hold exactly the
initiatives' triples, the ontology page documents every term, and the index lists every file."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, VOID

from itugraph.cli import main
from itugraph.release import ReleaseError, build_release
from itugraph.release.description import MEDIA_TYPES
from itugraph.validation import validate

ITU = "https://w3id.org/itugraph/def#"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
INITIATIVES_AND_RESULTS = """
PREFIX itu: <https://w3id.org/itugraph/def#>
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?s a itu:RegionalInitiative } UNION { ?s a itu:InitiativeText } UNION { ?s a itu:ExpectedResult }
  ?s ?p ?o .
}"""
#: Expected results of initiative WTDC-25/AFR1, verbatim from data/tdag-2025-rpm-coordination.ttl
AFR1_RESULTS = {
    1: "Support in developing national digital transformation strategies that are innovative.",
    10: "Support in facilitating collaboration between the Telecommunication sector and other relevant sectors such as transport and energy needed for digital transformation.",
    17: "Sharing best practices, guidance materials, and conduct cross-border and cross-sectoral risk analysis at regional level including resilient testing exercise.",
}


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
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {"initiatives.jsonld", "ontology.html", "index.html"} <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_ontology_page_does_not_depend_on_the_hash_seed(release):
    """Two builds in one process share a hash seed and pyLODE iterates sets, so build in another
    process; it must also leave logging as it found it and print nothing."""
    script = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from itugraph.release.ontology_page import ontology_html\n"
        "page = ontology_html(Path(sys.argv[1]))\n"
        "root = logging.getLogger()\n"
        "assert not root.handlers and root.level == logging.WARNING, 'pylode configured logging'\n"
        "sys.stdout.buffer.write(page)\n"
    )
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    run = subprocess.run(
        [sys.executable, "-c", script, str(release[0] / "ontology.ttl")],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0 and run.stderr == b"", run.stderr.decode()[-2000:]
    assert run.stdout == (release[0] / "ontology.html").read_bytes()


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
    dataset = URIRef("https://w3id.org/itugraph/release/9.9.9")
    media = {
        str(d).removeprefix(f"{dataset}/"): str(description.value(d, DCAT.mediaType)).removeprefix(
            "https://www.iana.org/assignments/media-types/"
        )
        for d in description.objects(dataset, DCAT.distribution)
    }
    assert sorted(media) == [
        "graph.jsonld", "graph.nq", "graph.nt", "graph.rdf", "graph.ttl", "initiatives.jsonld",
        "itugraph.context.jsonld", "ontology.html", "ontology.ttl", "shapes.ttl",
        "validation-report.ttl",
    ]  # fmt: skip
    assert media["initiatives.jsonld"] == "application/ld+json"
    assert media["ontology.html"] == "text/html"
    assert description.value(dataset, DCAT.landingPage) == URIRef(f"{dataset}/index.html")
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


@pytest.mark.parametrize("version", ["..", ".", "", "a/b", "../x", "-rf", "v 1"])
def test_cli_release_refuses_an_unsafe_version_and_deletes_nothing(tmp_path, version):
    """`--version ..` once emptied the parent of the output folder; `--version ""` the folder."""
    out = tmp_path / "sbx" / "sub"
    out.mkdir(parents=True)
    (tmp_path / "keep.txt").write_text("mine")
    (tmp_path / "sbx" / "keep.txt").write_text("mine")
    (out / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["release", "-o", str(out), "--version", version])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: version {version!r} is not a plain name (letters, digits, '.', '_', '+', '-')\n"
    )
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "keep.txt",
        "sbx",
        "sbx/keep.txt",
        "sbx/sub",
        "sbx/sub/keep.txt",
    ]


def test_cli_release_refuses_an_impossible_date(tmp_path):
    result = CliRunner().invoke(main, ["release", "-o", str(tmp_path), "--issued", "2026-13-45"])
    assert result.exit_code == 2 and "expected a date YYYY-MM-DD" in result.output
    assert not any(tmp_path.iterdir())


def test_an_existing_release_is_replaced_only_with_force(graph, tmp_path):
    report = validate(graph)
    build_release(graph, tmp_path, "1.0.0", "2026-11-23", None, report)
    with pytest.raises(ReleaseError, match="is there already; give --force to replace it"):
        build_release(graph, tmp_path, "1.0.0", "2026-11-24", None, report)
    files = build_release(graph, tmp_path, "1.0.0", "2026-11-24", None, report, force=True)
    assert '"2026-11-24"' in files["dataset.ttl"].read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.0.0"]


def test_a_folder_that_is_not_a_release_is_never_replaced(graph, tmp_path):
    (tmp_path / "1.0.0").mkdir()
    (tmp_path / "1.0.0" / "notes.txt").write_text("mine")
    with pytest.raises(ReleaseError, match="is not a release"):
        build_release(graph, tmp_path, "1.0.0", "2026-11-23", None, validate(graph), force=True)
    assert (tmp_path / "1.0.0" / "notes.txt").read_text() == "mine"


def test_failed_build_leaves_no_folder(graph, tmp_path):
    class BrokenReport:
        """Fails when the build reaches the validation report, after the graph files are written."""

    with pytest.raises(AttributeError):
        build_release(graph, tmp_path, "1.0.0", "2026-11-23", None, BrokenReport())
    assert list(tmp_path.iterdir()) == []


def _initiatives(release) -> list[dict]:
    return json.loads((release[0] / "initiatives.jsonld").read_text())["@graph"]


def _count(graph, cls: str) -> int:
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{ITU}{cls}> }}"
    return int(next(iter(graph.query(query)))[0])


def test_framed_initiatives_hold_exactly_the_initiatives_triples(graph, release):
    parsed = Graph().parse(release[0] / "initiatives.jsonld", format="json-ld")
    expected = graph.query(INITIATIVES_AND_RESULTS).graph
    assert len(expected) > 1000
    assert set(parsed) == set(expected)


def test_framed_initiatives_list_every_initiative_with_its_results(graph, release):
    initiatives = _initiatives(release)
    assert len(initiatives) == _count(graph, "RegionalInitiative") == 28
    results = [r for i in initiatives for r in i["expectedResults"]]
    assert len(results) == _count(graph, "ExpectedResult") == 167
    assert [i["@id"] for i in initiatives][:3] == [
        "initiative:WTDC-17/CIS3", "initiative:WTDC-25/AFR1", "initiative:WTDC-25/AFR2",
    ]  # fmt: skip
    assert {i["@type"] for i in initiatives} == {"itu:RegionalInitiative"}
    assert all(isinstance(i["expectedResults"], list) for i in initiatives)
    assert not any("expectedResultOf" in r for r in results)  # said once, by the nesting
    for initiative in initiatives:
        ordinals = [int(r["ordinal"]) for r in initiative["expectedResults"]]
        assert ordinals == list(range(1, len(ordinals) + 1)), initiative["@id"]


def test_framed_initiative_nests_its_results_in_ordinal_order(graph, release):
    afr1 = next(i for i in _initiatives(release) if i["@id"] == "initiative:WTDC-25/AFR1")
    assert afr1["code"] == "AFR1"
    assert afr1["cycle"] == "conference:WTDC-25"
    assert afr1["derivedFrom"] == "document:tdag-2025-rpm-coordination"
    (draft,) = afr1["texts"]
    assert draft["@id"] == "initiative:WTDC-25/AFR1/text/tdag-2025-rpm-coordination"
    assert draft["status"] == "itu:draft"
    assert draft["derivedFrom"] == "document:tdag-2025-rpm-coordination"
    assert draft["title"]["en"].startswith("Meaningful connectivity and resilient infrastructure")
    assert "isVersionOf" not in str(draft)  # said once, by the nesting
    results = afr1["expectedResults"]
    assert {r["listedIn"] for r in results} == {draft["@id"]}
    assert [r["@id"] for r in results] == [
        f"initiative:WTDC-25/AFR1/result/{n}" for n in range(1, 18)
    ]
    assert [r["ordinal"] for r in results] == [str(n) for n in range(1, 18)]
    texts = [r["description"]["@value"] for r in results]
    assert {n: texts[n - 1] for n in AFR1_RESULTS} == AFR1_RESULTS
    in_graph = graph.query(
        """PREFIX itu: <https://w3id.org/itugraph/def#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?text WHERE {
          ?r itu:expectedResultOf <https://w3id.org/itugraph/id/initiative/WTDC-25/AFR1> ;
             itu:ordinal ?n ; dcterms:description ?text .
        } ORDER BY ?n"""
    )
    assert texts == [str(row[0]) for row in in_graph]
    assert {r["description"]["@language"] for r in results} == {"en"}
    eur3 = next(i for i in _initiatives(release) if i["@id"] == "initiative:WTDC-25/EUR3")
    assert [(text["status"], text["title"]) for text in eur3["texts"]] == [
        ("itu:adopted", {"en": "Digital inclusion and skills development"}),
        ("itu:draft", {"en": "Digital inclusion and skills development"}),
    ]
    assert "status" not in eur3 and "title" not in eur3
    assert len(eur3["expectedResults"]) == 5 and "sdg:4" in eur3["contributesTo"]


def test_framed_initiatives_use_the_published_context(release):
    document = json.loads((release[0] / "initiatives.jsonld").read_text())
    context = json.loads((release[0] / "itugraph.context.jsonld").read_text())
    assert document["@context"] == context["@context"]
    assert context["@context"]["expectedResults"] == {
        "@reverse": f"{ITU}expectedResultOf",
        "@container": "@set",
    }


class _Page(HTMLParser):
    """Collects a page's element ids, link targets, and the text of its table rows."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.sources: list[str] = []
        self.rows: list[list[str]] = []
        self._in_cell = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if "href" in attributes:
            self.hrefs.append(attributes["href"])
        if "src" in attributes:
            self.sources.append(attributes["src"])
        if tag == "tr":
            self.rows.append([])
        if tag == "td" and self.rows:
            self.rows[-1].append("")
            self._in_cell = True

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.rows[-1][-1] += data.strip()


def test_ontology_page_documents_every_class_and_property(release):
    ontology = Graph().parse(release[0] / "ontology.ttl", format="turtle")
    text = (release[0] / "ontology.html").read_text()
    page = _Page(text)
    classes = sorted(c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))
    assert len([c for c in classes if str(c).startswith(ITU)]) == 32
    for cls in classes:
        if str(cls).startswith(ITU):
            local = str(cls).removeprefix(ITU)
            label = str(ontology.value(cls, RDFS.label))
            section = re.search(rf'<div class="property entity" id="{local}">\s*<h3>([^<]*)<', text)
            assert section and section.group(1).strip() == label, local
        else:
            assert str(cls) in page.hrefs, cls  # a superclass from a standard vocabulary
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in ontology.subjects(RDF.type, kind):
            if str(prop).startswith(ITU):
                assert str(prop).removeprefix(ITU) in page.ids, prop
    assert "schema:Event" in text and 'id="Event1"' not in text


def test_ontology_page_is_self_contained_and_its_links_resolve(release):
    text = (release[0] / "ontology.html").read_text()
    html5lib.HTMLParser(strict=True).parse(text)  # raises on any parse error
    page = _Page(text)
    assert len(page.ids) == len(set(page.ids))
    fragments = {href[1:] for href in page.hrefs if href.startswith("#")}
    assert fragments - set(page.ids) == set()
    assert page.sources == []
    assert "<link" in text and not re.search(r'<link [^>]*href="(?!data:)', text)
    assert "<style>" in text and "@import" not in text
    assert "ns1" not in text and "None. Defined in None" not in text
    status = text[text.index('id="InitiativeStatus"') :]
    assert re.search(r"one of <a [^>]*>draft</a>, <a [^>]*>adopted</a>", status)


def test_index_lists_every_file_with_size_and_checksum(release):
    folder = release[0]
    text = (folder / "index.html").read_text()
    page = _Page(text)
    listed = [line.split("  ")[1] for line in (folder / "SHA256SUMS").read_text().splitlines()]
    assert "index.html" in listed
    for name in listed:
        assert name == "index.html" or name in page.hrefs, name
    assert "SHA256SUMS" in page.hrefs
    rows = {row[0]: row[1:] for row in page.rows if row}
    assert sorted(rows) == sorted(set(listed) - {"index.html"})
    for name, (media_type, size, digest) in rows.items():
        assert media_type == MEDIA_TYPES[name], name
        assert int(size) == (folder / name).stat().st_size, name
        assert digest == hashlib.sha256((folder / name).read_bytes()).hexdigest(), name
    for name in ("ontology.html", "dataset.ttl", "validation-report.ttl", "initiatives.jsonld"):
        assert name in page.hrefs
    assert "<title>itugraph 9.9.9</title>" in text
    assert '<time datetime="2026-11-23">2026-11-23</time>' in text
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in text
    assert "https://example.org/sparql" in page.hrefs
    assert "conforms to the itugraph shapes" in text


def test_context_is_made_from_the_ontology_and_the_data(graph, release):
    """Every itu: property of the ontology has its key; the id/ kinds come from the data."""
    from rdflib.namespace import OWL, RDF

    context = json.loads((release[0] / "itugraph.context.jsonld").read_text())["@context"]
    ontology = graph.graph(URIRef("https://w3id.org/itugraph/graph/ontology"))
    properties = {
        str(p).removeprefix(str(ITU))
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ontology.subjects(RDF.type, kind)
        if str(p).startswith(str(ITU))
    }
    keyed = {
        key
        for key, value in context.items()
        if isinstance(value, dict) and value.get("@id", "").startswith(str(ITU))
    }
    assert keyed == properties
    assert context["priority"] == "https://w3id.org/itugraph/id/priority/"
    assert context["ordinal"] == {"@id": f"{ITU}ordinal", "@type": "xsd:integer"}
    assert context["headedBy"] == {"@id": f"{ITU}headedBy", "@type": "@id"}
    assert context["objective"] == {"@id": f"{ITU}objective"}
