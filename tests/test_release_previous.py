"""`itugraph release --previous DIR`: a real release of a copy of the repository, then a second one
from a copy with known edits (a label changed, an entity added) with --previous → changes.md and
changes.json hold exactly those edits (the report of itugraph diff, the versions named by their
release), dataset.ttl links the two releases by the IRI the first one's dataset.ttl gives, the
checksums, the description and the index list the new files; a folder that is not a release is one
line, exit 2, and no release folder.

What the edits touch is chosen from the data by rules (as tests/test_diff.py does), never named
here."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH

from itugraph.cli import main
from itugraph.diff import Snapshot, compact, compare, read
from itugraph.diff_formats import render
from itugraph.graph import load_graph
from itugraph.labels import Labels, natural_key
from itugraph.namespaces import GRAPH
from itugraph.project import locate
from itugraph.release import ReleaseError, build_release
from itugraph.release.description import MEDIA_TYPES
from itugraph.validation import validate

from .conftest import copy_of_repository, itugraph
from .test_diff import graphs_stating, is_entity, rewrite, the_label

DCAT = "http://www.w3.org/ns/dcat#"
RELEASE = "https://w3id.org/itugraph/release/"
NEW_LABEL = "Renamed by the release test"
ADDED_LABEL = "Added by the release test"
#: The files of a release without --previous (tests/test_release.py lists them too).
PLAIN_FILES = sorted(set(MEDIA_TYPES) - {"changes.md", "changes.json"} | {"SHA256SUMS"})


@dataclass(frozen=True)
class Versions:
    """A pristine copy of the repository, its release 1.0.0 (in a folder not named after the
    version), and an edited copy: what the edits touched, read before editing."""

    old: Path
    new: Path
    first: Path
    dataset: Dataset  # the pristine copy, loaded
    graph: URIRef  # the named graph of the edited file
    document: URIRef  # the source document of that graph
    renamed: URIRef
    old_label: str
    added: URIRef
    added_class: URIRef


def make_versions(root: Path) -> Versions:
    """Copy the repository, release it as 1.0.0 (issued 2026-11-23) into root/releases/first, and
    make an edited copy: in the first source file, the first entity with one class and one English
    label that file alone states is renamed; an entity is added there, of the first class whose
    entities in that file say only their class, label and source, and whose shapes' IRI pattern
    the new IRI fits (so that the edited copy still conforms)."""
    old = copy_of_repository(root / "old")
    new = root / "new"
    shutil.copytree(old, new)
    dataset = load_graph(locate(start=old, environment=False))
    out = root / "releases"
    build_release(dataset, out, "1.0.0", "2026-11-23", None, validate(dataset))
    first = out / "first"
    (out / "1.0.0").rename(first)
    path = sorted((new / "data").glob("*.ttl"))[0]
    graph = GRAPH[path.stem]
    in_file = dataset.graph(graph)
    renamed = next(
        s
        for s in sorted(set(in_file.subjects(RDF.type, None)))
        if is_entity(s)
        and len(set(dataset.objects(s, RDF.type))) == 1
        and the_label(dataset, s)
        and graphs_stating(dataset, (s, RDFS.label, None)) == {graph}
    )
    simple = {RDF.type, RDFS.label, PROV.wasDerivedFrom}
    shapes = Graph()
    for file in sorted((old / "shapes").glob("*.ttl")):
        shapes.parse(file, format="turtle")
    added_class, added = min(
        (cls, URIRef(f"{s}-added-by-test-release-previous"))
        for s in set(in_file.subjects(RDF.type, None))
        if is_entity(s) and set(in_file.predicates(s, None)) == simple
        for cls in [in_file.value(s, RDF.type)]
        if all(
            re.search(str(pattern), f"{s}-added-by-test-release-previous")
            for shape in shapes.subjects(SH.targetClass, cls)
            for pattern in shapes.objects(shape, SH.pattern)
        )
    )
    document = dataset.value(graph, PROV.wasDerivedFrom)
    old_label = the_label(dataset, renamed)
    rewrite(
        path,
        remove=[(renamed, RDFS.label, Literal(old_label, lang="en"))],
        add=[
            (renamed, RDFS.label, Literal(NEW_LABEL, lang="en")),
            (added, RDF.type, added_class),
            (added, RDFS.label, Literal(ADDED_LABEL, lang="en")),
            (added, PROV.wasDerivedFrom, document),
        ],
    )
    return Versions(
        old, new, first, dataset, graph, document, renamed, old_label, added, added_class
    )


def expected_changes(v: Versions) -> dict:
    """The entries of changes.json the edits must give, from the data read before editing."""
    labels = Labels.from_graph(v.dataset)
    renamed_class = v.dataset.value(v.renamed, RDF.type)
    changed = {
        "iri": str(v.renamed),
        "label": NEW_LABEL,
        "properties": [
            {
                "property": str(RDFS.label),
                "label": "rdfs:label",
                "old": [{"value": v.old_label, "language": "en"}],
                "new": [{"value": NEW_LABEL, "language": "en"}],
            }
        ],
    }
    added = {
        "iri": str(v.added),
        "label": ADDED_LABEL,
        "properties": [  # rdf:type first, then by the properties' names
            {
                "property": str(RDF.type),
                "label": "rdf:type",
                "old": [],
                "new": [{"iri": str(v.added_class), "label": the_label(v.dataset, v.added_class)}],
            },
            {
                "property": str(PROV.wasDerivedFrom),
                "label": "prov:wasDerivedFrom",
                "old": [],
                "new": [{"iri": str(v.document), "label": labels.text(str(v.document))}],
            },
            {
                "property": str(RDFS.label),
                "label": "rdfs:label",
                "old": [],
                "new": [{"value": ADDED_LABEL, "language": "en"}],
            },
        ],
    }
    groups: dict[URIRef, dict] = {}
    for cls, kind, entry in ((renamed_class, "changed", changed), (v.added_class, "added", added)):
        group = groups.setdefault(
            cls,
            {"classes": [str(cls)], "label": the_label(v.dataset, cls), "added": [],
             "removed": [], "changed": []},
        )  # fmt: skip
        group[kind].append(entry)
    return {
        "summary": {
            "statements_added": 4,
            "statements_removed": 1,
            "entities_added": 1,
            "entities_removed": 0,
            "entities_changed": 1,
            "statements_moved": 0,
        },
        "classes": [
            groups[c] for c in sorted(groups, key=lambda c: natural_key(the_label(v.dataset, c)))
        ],
        "moved": [],
        "graphs": [
            {
                "graph": str(v.graph),
                "document": str(v.document),
                "label": labels.text(str(v.document)),
                "added": 4,
                "removed": 1,
            }
        ],
    }


_MADE: dict[Path, Versions] = {}


def shared_versions(tmp_path_factory) -> Versions:
    """The versions, made once per test session (tests/test_changes_page.py serves them too)."""
    session = tmp_path_factory.getbasetemp()
    if session not in _MADE:
        _MADE[session] = make_versions(tmp_path_factory.mktemp("previous"))
    return _MADE[session]


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> Versions:
    return shared_versions(tmp_path_factory)


def shared_second(tmp_path_factory) -> Path:
    """Release 1.1.0 of the edited copy with --previous, by the command as a user runs it; made
    once per test session."""
    versions = shared_versions(tmp_path_factory)
    out = versions.new / "dist"
    if not (out / "1.1.0").exists():
        run = itugraph(
            "release", "-o", str(out), "--version", "1.1.0", "--issued", "2026-12-01",
            "--previous", str(versions.first), cwd=versions.new,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert run.stdout == f"wrote 16 files to {out / '1.1.0'}\n"
    return out / "1.1.0"


@pytest.fixture(scope="module")
def second(tmp_path_factory) -> Path:
    return shared_second(tmp_path_factory)


def quads(release: Path) -> int:
    return len([line for line in (release / "graph.nq").read_text().splitlines() if line])


def test_changes_json_holds_exactly_the_edits(versions, second):
    report = json.loads((second / "changes.json").read_text())
    expected = expected_changes(versions)
    assert report["format"] == "itugraph-diff/1"
    assert report["old"] == {"source": "release 1.0.0", "statements": quads(versions.first),
                             "graphs": 8}  # fmt: skip
    assert report["new"] == {"source": "release 1.1.0", "statements": quads(versions.first) + 3,
                             "graphs": 8}  # fmt: skip
    assert quads(second) == quads(versions.first) + 3
    assert report["identical"] is False
    for key in ("summary", "classes", "moved", "graphs"):
        assert report[key] == expected[key], key


def test_the_changes_are_itugraph_diff_of_the_two_releases(versions, second):
    """No second implementation, and the same bytes in another process: the files are the
    reports of `itugraph diff FIRST SECOND`, the versions named by their release rather than
    by the folders they were read from."""
    old, new = read(versions.first), read(second)
    assert old.source == f"release folder {versions.first} (graph.nq)"
    changes = compare(Snapshot("release 1.0.0", old.quads), Snapshot("release 1.1.0", new.quads))
    assert (second / "changes.json").read_bytes() == render(changes, "json")
    assert (second / "changes.md").read_bytes() == render(changes, "md")
    markdown = (second / "changes.md").read_text()
    assert markdown.startswith(
        "# Changes to the graph\n\n| | source | statements | named graphs |\n|---|---|---:|---:|\n"
        f"| old | release 1.0.0 | {quads(versions.first):,} | 8 |\n"
        f"| new | release 1.1.0 | {quads(second):,} | 8 |\n\n"
        "4 statements added and 1 removed: 1 entity added, 0 removed and 1 changed; "
        "0 statements moved between source documents.\n"
    )
    assert (
        f"- **{NEW_LABEL}** `{compact(str(versions.renamed))}`\n"
        f'  - rdfs:label: "{versions.old_label}"@en → "{NEW_LABEL}"@en\n'
    ) in markdown
    assert f"- **{ADDED_LABEL}** `{compact(str(versions.added))}`, 3 statements\n" in markdown


def test_dataset_ttl_links_the_previous_release_by_its_own_iri(versions, second):
    """The first release sits in a folder named "first": its IRI comes from its dataset.ttl."""
    description = Graph().parse(second / "dataset.ttl", format="turtle")
    rows = description.query(
        """PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?release ?version ?previous ?revised WHERE {
          ?release a dcat:Dataset ; dcat:version ?version .
          OPTIONAL { ?release dcat:previousVersion ?previous }
          OPTIONAL { ?release prov:wasRevisionOf ?revised }
        }"""
    )
    assert [tuple(map(str, row)) for row in rows] == [
        (f"{RELEASE}1.1.0", "1.1.0", f"{RELEASE}1.0.0", f"{RELEASE}1.0.0")
    ]
    first = Graph().parse(versions.first / "dataset.ttl", format="turtle")
    assert list(first.subjects(URIRef(f"{DCAT}previousVersion"), None)) == []
    assert list(first.subjects(PROV.wasRevisionOf, None)) == []


def test_the_changes_files_are_described_and_checksummed(versions, second):
    names = sorted(p.name for p in second.iterdir())
    assert names == sorted([*PLAIN_FILES, "changes.md", "changes.json"])
    assert sorted(p.name for p in versions.first.iterdir()) == PLAIN_FILES
    sums = dict(
        reversed(line.split("  ")) for line in (second / "SHA256SUMS").read_text().splitlines()
    )
    assert sorted(sums) == sorted(set(names) - {"SHA256SUMS"})
    for name in ("changes.md", "changes.json"):
        assert sums[name] == hashlib.sha256((second / name).read_bytes()).hexdigest()
    description = Graph().parse(second / "dataset.ttl", format="turtle")
    release = URIRef(f"{RELEASE}1.1.0")
    media = "https://www.iana.org/assignments/media-types/"
    for name, media_type in (("changes.md", "text/markdown"), ("changes.json", "application/json")):
        node = URIRef(f"{release}/{name}")
        assert (release, URIRef(f"{DCAT}distribution"), node) in description
        assert description.value(node, URIRef(f"{DCAT}mediaType")) == URIRef(media + media_type)
        assert int(description.value(node, URIRef(f"{DCAT}byteSize"))) == len(
            (second / name).read_bytes()
        )
    index = (second / "index.html").read_text()
    assert (
        '<li><a href="changes.md">Changes since release 1.0.0</a> (<a href="changes.json">JSON</a>)'
        "</li>\n</ul>"
    ) in index
    assert f'<dd><a href="{RELEASE}1.0.0" rel="prev">1.0.0</a></dd>' in index
    assert "Previous version" not in (versions.first / "index.html").read_text()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing", "--previous {dir}: no such folder"),
        ("old", "--previous {dir}: not a release folder (no SHA256SUMS)"),
        ("releases", "--previous {dir}: not a release folder (no SHA256SUMS); it holds the "
                     "release folders first"),
        ("old/pyproject.toml", "--previous {dir}: not a folder; give a release folder"),
        ("tampered", "--previous {dir}: graph.nq does not match its SHA256SUMS line"),
    ],
)  # fmt: skip
def test_a_folder_that_is_not_a_release_is_one_line_exit_2(versions, tmp_path, target, message):
    root = versions.first.parents[1]
    if target == "tampered":
        shutil.copytree(versions.first, tmp_path / "tampered")
        with (tmp_path / "tampered" / "graph.nq").open("a") as nq:
            nq.write("<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
        folder = tmp_path / "tampered"
    else:
        folder = root / target
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["release", "-o", str(out), "--version", "2.0.0", "--previous", str(folder)]
    )
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message.format(dir=folder)}\n"
    assert result.stdout == ""
    assert not out.exists()


def test_the_previous_release_must_come_before(versions, tmp_path):
    with pytest.raises(ReleaseError) as same:
        build_release(versions.dataset, tmp_path, "1.0.0", "2026-12-01", previous=versions.first)
    assert str(same.value) == (
        f"--previous {versions.first} is release 1.0.0, the version being written; give an "
        "earlier release"
    )
    with pytest.raises(ReleaseError) as later:
        build_release(versions.dataset, tmp_path, "0.9.0", "2026-11-22", previous=versions.first)
    assert str(later.value) == (
        f"--previous {versions.first} (release 1.0.0) was issued 2026-11-23, after this release "
        "(2026-11-22); give an earlier release"
    )
    assert list(tmp_path.iterdir()) == []


def test_help_explains_previous():
    result = CliRunner().invoke(main, ["release", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert (
        "--previous DIR An earlier release folder (its SHA256SUMS, graph.nq and dataset.ttl)"
        in (text)
    )
    assert "dcat:previousVersion and prov:wasRevisionOf" in text
    assert "itugraph release --version 0.2.0 --previous dist/0.1.0" in text
