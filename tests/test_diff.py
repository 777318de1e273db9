"""itugraph diff on real data: a copy of the repository's graph with known edits (a label changed,
a statement removed, an entity added, a statement moved to another source document) gives exactly
those report entries; the RDF Patch turns OLD into NEW (folders, a release, git revisions);
identical versions give exit 0 and an empty report; unreadable versions give one line, exit 2.

What the edits touch is chosen from the data by rules, never named here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS

from itugraph.cli import main
from itugraph.diff import PatchError, apply_patch, diff, patch_text, read, statements
from itugraph.diff_formats import FORMATS, as_dict, render
from itugraph.graph import load_graph
from itugraph.labels import Labels, natural_key
from itugraph.namespaces import GRAPH, ID
from itugraph.project import locate
from itugraph.release import build_release
from itugraph.validation import validate

from .conftest import copy_of_repository

#: Names the report gives properties the ontology does not label (their prefixed form).
PREFIXED = {
    RDF.type: "rdf:type",
    RDFS.label: "rdfs:label",
    PROV.wasDerivedFrom: "prov:wasDerivedFrom",
}
NEW_LABEL = "Renamed by the diff test"
HOSTILE_LABEL = "Added by test_diff <script>alert(1)</script> & co"


@pytest.fixture(autouse=True)
def no_git_above(tmp_path_factory, monkeypatch):
    """git never looks above the test's folders for a repository (nor at this one)."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path_factory.getbasetemp()))
    for name in [n for n in os.environ if n.startswith("GIT_") and n != "GIT_CEILING_DIRECTORIES"]:
        monkeypatch.delenv(name)


def run(*args: str, cwd: Path | None = None):
    """The command in-process; ``cwd`` is where it runs (for git: and the default NEW)."""
    here = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(here)


def project_at(folder: Path) -> Dataset:
    return load_graph(locate(start=folder, environment=False))


def graphs_stating(dataset: Dataset, triple: tuple) -> set:
    return {getattr(g, "identifier", g) for *_, g in dataset.quads((*triple, None))}


def the_label(dataset: Dataset, iri: URIRef) -> str | None:
    """The entity's one English rdfs:label, or None unless it has exactly one."""
    labels = [label for label in dataset.objects(iri, RDFS.label) if label.language == "en"]
    return str(labels[0]) if len(labels) == 1 else None


def is_entity(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(ID))


def rewrite(path: Path, remove=(), add=()) -> None:
    """Parse a Turtle file, remove and add triples, write it back."""
    graph = Graph()
    graph.parse(path, format="turtle")
    for triple in remove:
        assert triple in graph
        graph.remove(triple)
    for triple in add:
        graph.add(triple)
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")


@dataclass(frozen=True)
class Edits:
    """The pristine copy (OLD), the edited copy (NEW) and what the edits touched."""

    old: Path
    new: Path
    dataset: Dataset  # OLD, loaded
    file_a: Path  # relative to the copy
    file_b: Path
    graph_a: URIRef
    graph_b: URIRef
    renamed: URIRef  # E1: its label changed
    old_label: str
    dropped: tuple  # (E2, p, o): removed
    moved: tuple  # (E3, p, o): moved from A to B
    added: URIRef  # a new entity in B
    added_class: URIRef

    def class_label(self, iri: URIRef) -> str:
        return the_label(self.dataset, iri)

    def label(self, iri: URIRef) -> str:
        return the_label(self.dataset, iri)


def pick_edits(old: Path, new: Path) -> Edits:
    """Choose what to edit by rules: A and B are the first two source documents' files; E1 the
    first entity of A with one English label, whose labels A alone states; E2 and E3 the first two statements that
    only A makes, about other entities, linking two entities with one English label each."""
    dataset = project_at(old)
    files = sorted(  # source documents' files: not data/curation.ttl (graph/curation)
        p.relative_to(old) for p in (old / "data").glob("*.ttl") if p.stem != "curation"
    )
    file_a, file_b = files[0], files[1]
    graph_a, graph_b = GRAPH[file_a.stem], GRAPH[file_b.stem]
    in_a = dataset.graph(graph_a)
    renamed = next(
        s
        for s in sorted(set(in_a.subjects(RDF.type, None)))
        if is_entity(s)
        and the_label(dataset, s)
        and graphs_stating(dataset, (s, RDFS.label, None)) == {graph_a}
    )
    links = [
        (s, p, o)
        for s, p, o in sorted(in_a)
        if is_entity(s)
        and is_entity(o)
        and renamed not in (s, o)
        and p not in (RDF.type, PROV.wasDerivedFrom)
        and the_label(dataset, s)
        and the_label(dataset, o)
        and len(set(dataset.objects(s, RDF.type))) == 1
        and graphs_stating(dataset, (s, p, o)) == {graph_a}
    ]
    dropped = links[0]
    moved = next(link for link in links if link[0] != dropped[0])
    added_class = dataset.value(dropped[2], RDF.type)
    added = URIRef(f"{dropped[2]}-added-by-test-diff")
    document_b = dataset.value(graph_b, PROV.wasDerivedFrom)
    old_label = the_label(dataset, renamed)
    rewrite(
        new / file_a,
        remove=[(renamed, RDFS.label, Literal(old_label, lang="en")), dropped, moved],
        add=[(renamed, RDFS.label, Literal(NEW_LABEL, lang="en"))],
    )
    rewrite(
        new / file_b,
        add=[
            moved,
            (added, RDF.type, added_class),
            (added, RDFS.label, Literal(HOSTILE_LABEL, lang="en")),
            (added, PROV.wasDerivedFrom, document_b),
        ],
    )
    return Edits(
        old, new, dataset, file_a, file_b, graph_a, graph_b, renamed, old_label, dropped, moved,
        added, added_class,
    )  # fmt: skip


@pytest.fixture(scope="module")
def edits(tmp_path_factory) -> Edits:
    root = tmp_path_factory.mktemp("diff")
    old = copy_of_repository(root / "old")
    new = copy_of_repository(root / "new")
    return pick_edits(old, new)


@pytest.fixture(scope="module")
def changes(edits):
    return diff(edits.old, edits.new)


@pytest.fixture(scope="module")
def release(edits, tmp_path_factory) -> Path:
    """A real release of OLD."""
    report = validate(edits.dataset)
    out = tmp_path_factory.mktemp("release")
    build_release(edits.dataset, out, "0.0.0-test", "2026-01-01", None, report)
    return out / "0.0.0-test"


def expected_report(e: Edits) -> dict:
    """The report entries the edits must give, built from the data read before editing."""
    documents = Labels.from_graph(e.dataset)

    def prop(p):
        return the_label(e.dataset, p) or PREFIXED[p]

    def iri(term):
        return {"iri": str(term), "label": e.label(term) or documents.text(str(term))}

    entity_e1 = {
        "iri": str(e.renamed),
        "label": NEW_LABEL,
        "properties": [
            {
                "property": str(RDFS.label),
                "label": "rdfs:label",
                "old": [{"value": e.old_label, "language": "en"}],
                "new": [{"value": NEW_LABEL, "language": "en"}],
            }
        ],
    }
    subject, predicate, obj = e.dropped
    entity_e2 = {
        "iri": str(subject),
        "label": e.label(subject),
        "properties": [
            {"property": str(predicate), "label": prop(predicate), "old": [iri(obj)], "new": []}
        ],
    }
    document_b = e.dataset.value(e.graph_b, PROV.wasDerivedFrom)
    added_properties = sorted(
        [
            (RDFS.label, {"value": HOSTILE_LABEL, "language": "en"}),
            (PROV.wasDerivedFrom, iri(document_b)),
        ],
        key=lambda pair: natural_key(prop(pair[0])),
    )
    entity_new = {
        "iri": str(e.added),
        "label": HOSTILE_LABEL,
        "properties": [
            {
                "property": str(RDF.type),
                "label": "rdf:type",
                "old": [],
                "new": [{"iri": str(e.added_class), "label": e.class_label(e.added_class)}],
            },
            *(
                {"property": str(p), "label": prop(p), "old": [], "new": [value]}
                for p, value in added_properties
            ),
        ],
    }
    groups: dict[str, dict] = {}
    for cls, kind, entry in (
        (e.dataset.value(e.renamed, RDF.type), "changed", entity_e1),
        (e.dataset.value(subject, RDF.type), "changed", entity_e2),
        (e.added_class, "added", entity_new),
    ):
        group = groups.setdefault(
            str(cls),
            {"classes": [str(cls)], "label": e.class_label(cls), "added": [], "removed": [],
             "changed": []},
        )  # fmt: skip
        group[kind].append(entry)
        group[kind].sort(key=lambda entry: natural_key(entry["label"]))
    moved_s, moved_p, moved_o = e.moved
    return {
        "summary": {
            "statements_added": 5,
            "statements_removed": 3,
            "entities_added": 1,
            "entities_removed": 0,
            "entities_changed": 2,
            "statements_moved": 1,
        },
        "classes": sorted(groups.values(), key=lambda g: natural_key(g["label"])),
        "moved": [
            {
                "subject": iri(moved_s),
                "property": {"iri": str(moved_p), "label": prop(moved_p)},
                "object": iri(moved_o),
                "from": [str(e.graph_a)],
                "to": [str(e.graph_b)],
            }
        ],
        "graphs": [
            {
                "graph": str(graph),
                "document": str(e.dataset.value(graph, PROV.wasDerivedFrom)),
                "label": documents.text(str(e.dataset.value(graph, PROV.wasDerivedFrom))),
                "added": added,
                "removed": removed,
            }
            for graph, added, removed in ((e.graph_a, 1, 3), (e.graph_b, 4, 0))
        ],
    }


def test_the_report_has_exactly_the_edits(edits, changes):
    report = as_dict(changes)
    expected = expected_report(edits)
    old_count = len(statements(edits.dataset))
    assert report["format"] == "itugraph-diff/1"
    assert report["old"] == {
        "source": f"project folder {edits.old}",
        "statements": old_count,
        "graphs": len({q.graph_name for q in statements(edits.dataset)}),
    }
    assert report["new"]["statements"] == old_count + 5 - 3
    assert report["identical"] is False
    for key in ("summary", "classes", "moved", "graphs"):
        assert report[key] == expected[key], key
    assert list(report) == [
        "format", "old", "new", "identical", "summary", "classes", "moved", "graphs",
    ]  # fmt: skip


def test_a_moved_statement_does_not_change_its_entity(edits, changes):
    touched = {e.iri for e in changes.entities}
    assert str(edits.moved[0]) not in touched
    assert touched == {str(edits.renamed), str(edits.dropped[0]), str(edits.added)}


def test_the_command_reports_json_and_exits_1(edits, changes):
    result = run("diff", str(edits.old), str(edits.new), "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == as_dict(changes)
    assert result.stderr == (
        "5 statements added and 3 removed: 1 entity added, 0 removed and 2 changed; "
        "1 statement moved between source documents.\n"
    )


def test_markdown_and_html_name_the_entities_by_label(edits, changes):
    markdown = render(changes, "md").decode()
    page = render(changes, "html").decode()
    e2 = edits.label(edits.dropped[0])
    for text in (markdown, page):
        assert NEW_LABEL in text
        assert edits.old_label in text
        assert e2 in text
        assert edits.class_label(edits.added_class) in text
    assert f"- **{NEW_LABEL}** `" in markdown
    assert f'"{edits.old_label}"@en → "{NEW_LABEL}"@en' in markdown
    assert "Added by test\\_diff \\<script\\>alert(1)\\</script\\> & co" in markdown
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "Added by test_diff &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def test_the_patch_round_trips(edits, changes, tmp_path):
    patch = tmp_path / "changes.patch"
    result = run("diff", str(edits.old), str(edits.new), "--format", "patch", "-o", str(patch))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert patch.read_text() == patch_text(changes)
    rows = patch.read_text().splitlines()
    assert rows[0] == "TX ." and rows[-1] == "TC ."
    assert [r[0] for r in rows[1:-1]] == ["D"] * 3 + ["A"] * 5
    assert statements(apply_patch(edits.old, patch)) == statements(edits.new)
    assert statements(apply_patch(edits.dataset, changes)) == statements(edits.new)


def test_a_patch_that_does_not_fit_is_refused(edits, changes):
    once = apply_patch(edits.old, changes)
    with pytest.raises(PatchError, match=r"^patch line 2: deletes a statement the version lacks"):
        apply_patch(once, changes)
    with pytest.raises(PatchError, match=r"^patch line 1: unknown row 'X'"):
        apply_patch(edits.old, "X <a> <b> <c> <d> .\n")
    with pytest.raises(PatchError, match="TX without TC"):
        apply_patch(edits.old, "TX .\n")


def without_axiom(ontology: Path) -> int:
    """Remove the first owl:AllDisjointClasses axiom (a blank node and its member list) from the
    ontology file; returns how many statements went."""
    graph = Graph()
    graph.parse(ontology, format="turtle")
    axiom = sorted(graph.subjects(RDF.type, OWL.AllDisjointClasses), key=lambda b: sorted(
        str(o) for o in graph.items(graph.value(b, OWL.members))))[0]  # fmt: skip
    closure, todo = set(), [axiom]
    while todo:
        node = todo.pop()
        for triple in graph.triples((node, None, None)):
            closure.add(triple)
            if isinstance(triple[2], BNode):
                todo.append(triple[2])
    for triple in closure:
        graph.remove(triple)
    ontology.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    return len(closure)


def test_the_patch_rebuilds_a_removed_file_and_blank_nodes(edits, tmp_path):
    """NEW: the repository's graph. OLD: a copy with one file edited, one file removed, one
    entity added, and one blank-node axiom missing from the ontology."""
    old = copy_of_repository(tmp_path / "old")
    files = sorted((old / "data").glob("*.ttl"))
    removed_file = files[-1]
    removed_file.unlink()
    rewrite(
        old / edits.file_a,
        remove=[(edits.renamed, RDFS.label, Literal(edits.old_label, lang="en"))],
        add=[
            (edits.renamed, RDFS.label, Literal(NEW_LABEL, lang="en")),
            (URIRef(f"{edits.added}-in-old"), RDF.type, edits.added_class),
        ],
    )
    blank_statements = without_axiom(next((old / "ontology").glob("*.ttl")))
    changes = diff(old, edits.old)
    patch = patch_text(changes)
    rebuilt = statements(apply_patch(old, patch))
    assert rebuilt == statements(edits.old)
    rows = patch.splitlines()
    removed_graph = f"<{GRAPH[removed_file.stem]}> ."
    in_removed = [
        q for q in statements(edits.old) if q.graph_name.value == str(GRAPH[removed_file.stem])
    ]
    assert sum(r.startswith("A ") and r.endswith(removed_graph) for r in rows) == len(in_removed)
    assert sum(r.startswith("A ") and "_:" in r for r in rows) == blank_statements
    assert sum(r.startswith("D ") and "_:" in r for r in rows) == 0
    assert changes.summary["entities_removed"] == 1
    assert [e.iri for e in changes.entities if e.kind == "removed"] == [f"{edits.added}-in-old"]


def test_a_release_against_its_data_and_against_an_edit(edits, changes, release):
    same = run("diff", str(release), str(edits.old / "data"), "--format", "json")
    assert same.exit_code == 0
    report = json.loads(same.stdout)
    assert report["identical"] is True
    assert report["old"]["source"] == f"release folder {release} (graph.nq)"
    assert report["new"]["source"] == f"data folder {edits.old / 'data'}"
    edited = diff(release, edits.new / "data")
    mine, theirs = as_dict(edited), as_dict(changes)
    for key in ("summary", "classes", "moved", "graphs"):
        assert mine[key] == theirs[key], key
    assert statements(apply_patch(release, patch_text(edited))) == statements(edits.new)


def test_identical_versions_exit_0_with_an_empty_report(edits):
    assert any(isinstance(q.subject, ox.BlankNode) for q in read(edits.old).quads)
    md = run("diff", str(edits.old), str(edits.old))
    assert md.exit_code == 0
    assert md.stdout.endswith("\nNo differences.\n")
    assert "## " not in md.stdout
    assert md.stderr == "No differences.\n"
    same = diff(edits.old, edits.old)
    assert not same
    assert render(same, "patch") == b""
    report = as_dict(same)
    assert report["identical"] is True
    assert report["summary"] == dict.fromkeys(report["summary"], 0)
    assert (report["classes"], report["moved"], report["graphs"]) == ([], [], [])


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=folder, check=True, capture_output=True,
    )  # fmt: skip


def test_git_head_against_the_working_tree(edits, tmp_path):
    repo = copy_of_repository(tmp_path / "repo")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the graph")
    clean = run("diff", "git:HEAD", "--format", "json", cwd=repo)
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["old"]["source"].startswith("git:HEAD (commit ")
    rewrite(
        repo / edits.file_a,
        remove=[(edits.renamed, RDFS.label, Literal(edits.old_label, lang="en"))],
        add=[(edits.renamed, RDFS.label, Literal(NEW_LABEL, lang="en"))],
    )
    dirty = run("diff", "git:HEAD", ".", "--format", "json", cwd=repo)
    assert dirty.exit_code == 1
    (group,) = json.loads(dirty.stdout)["classes"]
    assert [e["iri"] for e in group["changed"]] == [str(edits.renamed)]
    assert group["changed"][0]["properties"][0]["old"] == [
        {"value": edits.old_label, "language": "en"}
    ]
    git(repo, "commit", "-q", "-am", "renamed")
    back = run("diff", "git:HEAD~1", "git:HEAD", "--format", "patch", cwd=repo)
    assert back.exit_code == 1
    assert statements(apply_patch(edits.old, back.stdout)) == statements(repo)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["git:HEAD~5"], "Error: OLD git:HEAD~5: unknown revision 'HEAD~5' in "),
        (["git:-x"], "Error: OLD git:-x: not a git revision"),
    ],
)
def test_unknown_revisions_are_one_line_exit_2(tmp_path, args, message):
    repo = copy_of_repository(tmp_path / "repo")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the graph")
    result = run("diff", *args, cwd=repo)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_outside_a_git_repository_is_one_line_exit_2(edits):
    result = run("diff", "git:HEAD", cwd=edits.old)
    assert result.exit_code == 2
    assert result.stderr == f"Error: OLD git:HEAD: {edits.old} is not in a git repository\n"


def test_a_missing_old_is_one_line_exit_2(tmp_path):
    result = run("diff", str(tmp_path / "nowhere"), ".")
    assert result.exit_code == 2
    assert result.stderr == f"Error: OLD {tmp_path / 'nowhere'}: no such file or folder\n"


def test_a_broken_release_is_one_line_exit_2(release, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(release, broken)
    lines = (broken / "graph.nq").read_text().splitlines(keepends=True)
    lines[41] = lines[41][: len(lines[41]) // 2] + "\n"
    (broken / "graph.nq").write_text("".join(lines))
    result = run("diff", str(broken), str(release))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: OLD {broken / 'graph.nq'}:42: not N-Quads: ")
    assert result.stderr.count("\n") == 1


def test_output_into_a_missing_folder_is_one_line_exit_2(edits, tmp_path):
    target = tmp_path / "missing" / "changes.md"
    result = run("diff", str(edits.old), str(edits.new), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"Error: cannot write {target}: No such file or directory\n"
    assert not target.parent.exists()


def test_an_explicit_project_ignores_the_data_dir_environment(edits, monkeypatch):
    monkeypatch.setenv("ITUGRAPH_DATA_DIR", str(edits.new / "data"))
    assert statements(edits.old) != statements(edits.new)


def test_help_explains_versions_and_exit_codes():
    text = run("diff", "--help").stdout
    for phrase in ("release folder", "project folder", "data folder", "git:REV", "git:HEAD~3"):
        assert phrase in text
    assert "Exit status: 0 no differences, 1 differences found" in " ".join(text.split())
    assert f"--format [{'|'.join(FORMATS)}]" in text
