"""What changed between two versions of the graph, at the level people think in: entities.

``diff(old, new)`` reads two versions and returns their :class:`Changes`: the entities added,
removed and changed (each property's old and new values), grouped by class; the statements that
moved from one source document to another; and, per named graph, how many statements it gained
and lost. :mod:`itugraph.diff_formats` writes them as Markdown, HTML or JSON; :func:`patch_text`
writes them as an RDF Patch, and :func:`apply_patch` applies one::

    from itugraph.diff import apply_patch, diff, patch_text, statements
    changes = diff("git:v0.1.0", ".")
    assert statements(apply_patch("git:v0.1.0", patch_text(changes))) == statements(".")

**What a version is.** ``old`` and ``new`` are each one of:

- a release folder (``itugraph release``): its ``graph.nq``, which holds every named graph; or an
  N-Quads file itself;
- a project folder (one with ``itugraph.toml``, a ``[tool.itugraph]`` table in ``pyproject.toml``,
  or ``ontology/``, ``shapes/`` and ``data/``), read as every command reads it;
- a data folder, read as ``--data-dir`` reads it (the project around the current directory gives
  the ontology);
- ``git:REV`` (``git:HEAD~3``, ``git:v0.1.0``): that revision of the git repository around the
  current project, exported with ``git archive`` into a temporary folder and read as a project;
- a :class:`~itugraph.project.Project`, an rdflib ``Dataset`` (:func:`~itugraph.graph.load_graph`'s),
  or a store (:func:`~itugraph.store.open_store`'s, or a pyoxigraph ``Store``).

Folders are loaded by :func:`~itugraph.graph.load_graph`, the loader the release is written
from, which keeps every literal as the file writes it. (The pyoxigraph store keeps an
``xsd:decimal`` by value: ``4000000.0`` comes back as ``4000000``, so a release would differ
from its own data folder. A pyoxigraph store given as a version is compared as it is.)

**What is compared.** A statement is a quad: a triple in a named graph. The default graph, the
union, is derived from the named graphs and not compared (a release's ``graph.nq`` has none).
Terms are compared as RDF terms: ``"4000000.0"^^xsd:decimal`` and ``"4000000"^^xsd:decimal``
differ, as they do in the files.

**Blank nodes** are scoped to their named graph (the loader parses every file on its own) and
compared canonically: each named graph that has any is relabelled with
``rdflib.compare.to_canonical_graph`` (RGDA1, as the release's ``graph.nq`` is), whose label for
a blank node is a hash of the statements around it. Two named graphs are isomorphic exactly when
their canonical forms are equal, so a blank node counts as changed exactly when the statements
around it changed, and an added blank node does not relabel the others (as RDFC-1.0's running
numbers ``c14n0``, ``c14n1``… would). The data has no blank nodes; the ontology's OWL axioms do.

**Entities** are the IRIs under the dataset's ``id/`` namespace that are the subject of a
statement. An entity's description is what the union of the named graphs says about it (its
predicates and values): an entity is added when only NEW describes it, removed when only OLD
does, and changed when both do, differently; for each property that differs, the values only OLD
has and the values only NEW has. A statement both versions make, in other named graphs, is
*moved*, not changed: it is listed with the graphs that no longer state it and the graphs that
now do. Classes, properties and entities are named by their labels in the data and the ontology
(:mod:`itugraph.labels`): NEW's, else OLD's, else the IRI in its prefixed form.

**The patch** is an RDF Patch (https://afs.github.io/rdf-patch/): one transaction (``TX .`` …
``TC .``) of ``D`` rows, the removed quads, then ``A`` rows, the added ones, each an N-Quads
statement, sorted by named graph and then as text; no difference is an empty patch. Blank nodes
carry their canonical labels, so a patch fits the version it was made from as this module reads
it (:func:`apply_patch` canonicalizes it the same way first).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from .graph import DataFileError, iter_named_graphs, load_graph
from .labels import Labels, natural_key
from .namespaces import ID, PROV, RDF, bind_prefixes
from .project import Project, ProjectError, find_project_root, locate, relative_path
from .store import PREFIXES, GraphStore, OxigraphStore, RdflibStore, to_oxigraph_term

#: How a git revision is written as a version: ``git:REV``.
GIT_PREFIX = "git:"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))
_ENTITY_PREFIX = str(ID)

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class DiffError(ValueError):
    """A version that cannot be read (a missing folder, a broken file, an unknown revision), or a
    patch that does not parse or does not fit: one line, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class PatchError(DiffError):
    """An RDF Patch that does not parse, or that does not fit the dataset it is applied to."""


# --- reading a version -----------------------------------------------------------------------


class Snapshot:
    """One version of the graph as compared: where it was read from, its statements (quads, blank
    nodes canonical) and, on demand, the labels of what it names."""

    def __init__(self, source: str, quads: Iterable[ox.Quad]) -> None:
        self.source = source
        self.quads = frozenset(quads)

    def __repr__(self) -> str:
        return f"<Snapshot of {self.source}: {len(self.quads):,} statements>"

    @property
    def graphs(self) -> list[str]:
        """The IRIs of its named graphs, sorted."""
        return sorted({q.graph_name.value for q in self.quads})

    @cached_property
    def labels(self) -> Labels:
        """The labelling statements of this version (its data and its ontology)."""
        store = ox.Store()
        store.extend(self.quads)
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in self.quads)
        return Labels.from_graph(OxigraphStore(store))


def read(source: object, role: str = "version") -> Snapshot:
    """Read one version (see the module's docstring for what ``source`` may be); ``role``
    ("OLD", "NEW") starts the message of a DiffError."""
    if isinstance(source, Snapshot):
        return source
    if isinstance(source, Project):
        return Snapshot(source.describe(), _project_quads(source, role, source.describe()))
    if isinstance(source, Dataset):
        return Snapshot("an rdflib Dataset", canonical(_dataset_quads(source)))
    if isinstance(source, RdflibStore):
        return Snapshot("an rdflib store", canonical(_dataset_quads(source.dataset)))
    if isinstance(source, OxigraphStore | ox.Store):
        store = source.store if isinstance(source, OxigraphStore) else source
        named = (q for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
        return Snapshot("a pyoxigraph store", canonical(named))
    if isinstance(source, GraphStore):
        raise DiffError(f"{role}: cannot read a {type(source).__name__}")
    if not isinstance(source, str | Path):
        raise DiffError(f"{role}: cannot read a {type(source).__name__} as a version of the graph")
    if isinstance(source, str) and source.startswith(GIT_PREFIX):
        return _read_git(source, role)
    return _read_path(Path(source).expanduser(), role, str(source))


def statements(source: object) -> frozenset[ox.Quad]:
    """The statements of a version as :func:`diff` compares them: its quads in named graphs, blank
    nodes labelled canonically."""
    return read(source).quads


def _read_path(path: Path, role: str, spec: str) -> Snapshot:
    if not path.exists():
        raise DiffError(f"{role} {spec}: no such file or folder")
    if path.is_dir() and (path / "graph.nq").is_file():
        return _read_nquads(path / "graph.nq", role, f"release folder {relative_path(path)}")
    if path.is_file():
        if path.suffix != ".nq":
            raise DiffError(
                f"{role} {spec}: a file must be N-Quads (.nq); give a release folder, a project "
                "folder, a data folder or git:REV"
            )
        return _read_nquads(path, role, relative_path(path))
    found = find_project_root(path)
    kind = "project folder" if found is not None and found[0] == path.resolve() else "data folder"
    try:
        if kind == "project folder":
            project = locate(start=path, environment=False)
        else:
            if not any(path.rglob("*.ttl")):
                raise DiffError(
                    f"{role} {spec}: neither a release folder (graph.nq), nor a project folder, "
                    "nor a data folder (no .ttl file)"
                )
            project = locate(path)
    except ProjectError as error:
        raise DiffError(f"{role} {spec}: {error}") from None
    return Snapshot(f"{kind} {relative_path(path)}", _project_quads(project, role, spec))


def _read_nquads(path: Path, role: str, description: str) -> Snapshot:
    try:
        quads = [
            q
            for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        ]
    except SyntaxError as error:
        line = getattr(error, "lineno", None)
        where = f"{relative_path(path)}:{line}" if line else relative_path(path)
        raise DiffError(f"{role} {where}: not N-Quads: {error.msg}") from None
    except (OSError, ValueError) as error:
        raise DiffError(f"{role} {relative_path(path)}: cannot read it: {error}") from None
    if not quads:
        raise DiffError(f"{role} {relative_path(path)}: holds no statement in a named graph")
    return Snapshot(f"{description} (graph.nq)", canonical(quads))


def _project_quads(project: Project, role: str, spec: str) -> frozenset[ox.Quad]:
    try:
        dataset = load_graph(project)
    except DataFileError as error:
        raise DiffError(f"{role} {spec}: cannot load the data: {error}") from None
    return canonical(_dataset_quads(dataset))


def _read_git(spec: str, role: str) -> Snapshot:
    """``git:REV``: the revision's tree, exported with ``git archive`` into a temporary folder, read
    as the project at the place the current project has in the repository."""
    revision = spec.removeprefix(GIT_PREFIX)
    if not revision or revision.startswith("-"):
        raise DiffError(f"{role} {spec}: not a git revision")
    found = find_project_root()
    here = found[0] if found else Path.cwd().resolve()
    what = f"{role} {spec}"
    top = _git(here, ["rev-parse", "--show-toplevel"], what, f"{here} is not in a git repository")
    commit = _git(
        Path(top),
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
        what,
        f"unknown revision {revision!r} in {top}",
    )
    prefix = here.relative_to(Path(top).resolve())
    folder = Path(tempfile.mkdtemp(prefix="itugraph-diff-")).resolve()
    try:
        _export(Path(top), commit, folder, f"{role} {spec}")
        root = folder / prefix
        located = find_project_root(root) if root.is_dir() else None
        if located is None or located[0] != root:
            place = "the top of the repository" if prefix == Path() else f"./{prefix}"
            raise DiffError(f"{role} {spec}: the revision has no itugraph project at {place}")
        try:
            project = locate(start=root, environment=False)
            dataset = load_graph(project)
        except DataFileError as error:
            path = (
                error.path.relative_to(folder) if error.path.is_relative_to(folder) else error.path
            )
            where = f"{path}:{error.line}" if error.line else f"{path}"
            raise DiffError(f"{role} {spec}: {where}: {error.message}") from None
        except ProjectError as error:
            raise DiffError(f"{role} {spec}: {error}") from None
        return Snapshot(f"{spec} (commit {commit[:12]})", canonical(_dataset_quads(dataset)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _git(where: Path, arguments: list[str], what: str, failure: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(where), *arguments], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise DiffError(
            f"{what}: reading a git revision needs git, which is not installed"
        ) from None
    if done.returncode != 0 or not done.stdout.strip():
        raise DiffError(f"{what}: {failure}")
    return done.stdout.strip()


def _export(top: Path, commit: str, folder: Path, what: str) -> None:
    """``git archive COMMIT | tar -x -C folder``, with tarfile's "data" filter (no path outside the
    folder, no device files)."""
    with subprocess.Popen(
        ["git", "-C", str(top), "archive", "--format=tar", commit],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        try:
            with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
                archive.extractall(folder, filter="data")
        except (tarfile.TarError, OSError) as error:
            process.kill()
            raise DiffError(f"{what}: cannot export the revision: {error}") from None
        errors = process.stderr.read().decode("utf-8", "replace").strip()
    if process.returncode != 0:
        raise DiffError(f"{what}: git archive failed: {errors.splitlines()[0] if errors else ''}")


# --- terms and canonical blank nodes ---------------------------------------------------------


def _dataset_quads(dataset: Dataset) -> Iterator[ox.Quad]:
    for named in iter_named_graphs(dataset):
        if named.identifier == DATASET_DEFAULT_GRAPH_ID:
            continue
        graph = ox.NamedNode(str(named.identifier))
        for s, p, o in named:
            yield ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), graph)


def _to_rdflib(term: Term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise DiffError(f"cannot compare the term {term}: RDF 1.2 triple terms are not supported")


def canonical(quads: Iterable[ox.Quad]) -> frozenset[ox.Quad]:
    """The quads with the blank nodes of each named graph relabelled canonically (RGDA1); a graph
    without blank nodes is kept as it is."""
    by_graph: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        by_graph[quad.graph_name].append(quad)
    result: set[ox.Quad] = set()
    for name, members in by_graph.items():
        if not any(_has_blank_node(q) for q in members):
            result.update(members)
            continue
        graph = Graph()
        for q in members:
            graph.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
        result.update(
            ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), name)
            for s, p, o in to_canonical_graph(graph)
        )
    return frozenset(result)


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def compact(iri: str) -> str:
    """An IRI in its prefixed form with the project's prefixes (``office:ro-afr``), else ``<iri>``."""
    best = max(
        (ns for ns in PREFIXES.values() if iri.startswith(ns) and len(iri) > len(ns)),
        key=len,
        default=None,
    )
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def is_entity(term: Term) -> bool:
    """Whether a term is an entity: an IRI under the dataset's ``id/`` namespace."""
    return isinstance(term, ox.NamedNode) and term.value.startswith(_ENTITY_PREFIX)


# --- the changes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertyChange:
    """One property of an entity whose values differ: those only OLD has, those only NEW has."""

    predicate: ox.NamedNode
    old: tuple[Term, ...]
    new: tuple[Term, ...]


@dataclass(frozen=True)
class EntityChange:
    """An entity added, removed or changed; ``classes`` are its rdf:types (OLD's when removed)."""

    iri: str
    kind: str  # "added", "removed" or "changed"
    classes: tuple[str, ...]
    properties: tuple[PropertyChange, ...]


@dataclass(frozen=True)
class Move:
    """A statement both versions make, in other named graphs: ``from_graphs`` stated it and no
    longer do, ``to_graphs`` state it now and did not (either may be empty, not both)."""

    subject: Term
    predicate: ox.NamedNode
    object: Term
    from_graphs: tuple[str, ...]
    to_graphs: tuple[str, ...]


@dataclass(frozen=True)
class GraphChange:
    """How many statements one named graph gained and lost, and the source document it is derived
    from (``prov:wasDerivedFrom`` inside the graph), if it says."""

    graph: str
    document: str | None
    added: int
    removed: int


@dataclass(frozen=True)
class ClassGroup:
    """The entity changes of one class (or combination of classes), for the reports."""

    classes: tuple[str, ...]
    label: str
    added: tuple[EntityChange, ...]
    removed: tuple[EntityChange, ...]
    changed: tuple[EntityChange, ...]


KINDS = ("added", "removed", "changed")


@dataclass(frozen=True)
class Changes:
    """What changed from ``old`` to ``new``: the quads, and what they mean for entities, moves
    and named graphs. False when there is no difference."""

    old: Snapshot
    new: Snapshot
    added: frozenset[ox.Quad]
    removed: frozenset[ox.Quad]
    entities: tuple[EntityChange, ...] = field(default=())
    moved: tuple[Move, ...] = field(default=())
    graphs: tuple[GraphChange, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def __repr__(self) -> str:
        counts = " ".join(f"{name}={n}" for name, n in self.summary.items())
        return f"<Changes from {self.old.source} to {self.new.source}: {counts}>"

    def label(self, iri: str) -> str:
        """What an IRI is called: NEW's label, else OLD's, else its prefixed form."""
        for labels in (self.new.labels, self.old.labels):
            found = labels.label(iri)
            if found is not None:
                return found.text
        return compact(iri)

    def text(self, term: Term) -> str:
        """A value as people read it: an IRI by its label, a literal in Turtle's form (with its
        language or its datatype, prefixed), a blank node by its canonical label."""
        if isinstance(term, ox.NamedNode):
            return self.label(term.value)
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        quoted = str(ox.Literal(term.value))
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype.value == _XSD_STRING:
            return quoted
        return f"{quoted}^^{compact(term.datatype.value)}"

    def graph_label(self, graph: str) -> str:
        """A named graph as people read it: its source document's label, else its prefixed IRI."""
        document = next((g.document for g in self.graphs if g.graph == graph), None)
        if document is None:
            document = _documents(self.new.quads).get(graph) or _documents(self.old.quads).get(
                graph
            )
        return self.label(document) if document else compact(graph)

    @property
    def summary(self) -> dict[str, int]:
        """The counts the reports start with."""
        count = Counter(e.kind for e in self.entities)
        return {
            "statements_added": len(self.added),
            "statements_removed": len(self.removed),
            "entities_added": count["added"],
            "entities_removed": count["removed"],
            "entities_changed": count["changed"],
            "statements_moved": len(self.moved),
        }

    def by_class(self) -> list[ClassGroup]:
        """The entity changes grouped by class, classes in the order of their labels, entities in
        the order of theirs."""
        groups: dict[tuple[str, ...], list[EntityChange]] = defaultdict(list)
        for entity in self.entities:
            groups[entity.classes].append(entity)
        result = []
        for classes, members in groups.items():
            label = " / ".join(self.label(c) for c in classes) if classes else "without a class"
            parts = {kind: tuple(e for e in members if e.kind == kind) for kind in KINDS}
            result.append(ClassGroup(classes, label, **parts))
        return sorted(result, key=lambda g: (natural_key(g.label), g.classes))


def diff(old: object, new: object) -> Changes:
    """Read two versions of the graph and compare them (see the module's docstring)."""
    return compare(read(old, "OLD"), read(new, "NEW"))


def compare(old: Snapshot, new: Snapshot) -> Changes:
    """The changes from one read version to another."""
    added = new.quads - old.quads
    removed = old.quads - new.quads
    if not added and not removed:
        return Changes(old, new, added, removed)
    bare = Changes(old, new, added, removed)
    touched = {q.subject for q in added | removed if is_entity(q.subject)}
    before, after = _descriptions(old.quads, touched), _descriptions(new.quads, touched)
    entities = [_entity_change(s, before.get(s, set()), after.get(s, set()), bare) for s in touched]
    entities = [e for e in entities if e is not None]
    entities.sort(key=lambda e: (natural_key(bare.label(e.iri)), e.iri))
    triples = {(q.subject, q.predicate, q.object) for q in added | removed}
    stated_before, stated_after = _stating(old.quads, triples), _stating(new.quads, triples)
    moved = [
        Move(
            *triple,
            tuple(sorted(stated_before[triple] - stated_after[triple])),
            tuple(sorted(stated_after[triple] - stated_before[triple])),
        )
        for triple in triples
        if stated_before.get(triple) and stated_after.get(triple)
    ]
    moved.sort(key=lambda m: (natural_key(bare.text(m.subject)), str(m.predicate), str(m.object)))
    gained = Counter(q.graph_name.value for q in added)
    lost = Counter(q.graph_name.value for q in removed)
    documents = _documents(old.quads) | _documents(new.quads)
    graphs = [
        GraphChange(graph, documents.get(graph), gained[graph], lost[graph])
        for graph in sorted(set(gained) | set(lost))
    ]
    return Changes(old, new, added, removed, tuple(entities), tuple(moved), tuple(graphs))


def _descriptions(
    quads: frozenset[ox.Quad], subjects: set[Term]
) -> dict[Term, set[tuple[ox.NamedNode, Term]]]:
    found: dict[Term, set[tuple[ox.NamedNode, Term]]] = defaultdict(set)
    for q in quads:
        if q.subject in subjects:
            found[q.subject].add((q.predicate, q.object))
    return found


def _stating(quads: frozenset[ox.Quad], triples: set[tuple]) -> dict[tuple, set[str]]:
    found: dict[tuple, set[str]] = defaultdict(set)
    for q in quads:
        triple = (q.subject, q.predicate, q.object)
        if triple in triples:
            found[triple].add(q.graph_name.value)
    return found


def _documents(quads: frozenset[ox.Quad]) -> dict[str, str]:
    """Named graph -> the source document it says it is derived from (inside itself)."""
    return {
        q.graph_name.value: q.object.value
        for q in quads
        if q.predicate == _DERIVED_FROM
        and q.subject == q.graph_name
        and isinstance(q.object, ox.NamedNode)
    }


def _entity_change(
    subject: ox.NamedNode,
    before: set[tuple[ox.NamedNode, Term]],
    after: set[tuple[ox.NamedNode, Term]],
    changes: Changes,
) -> EntityChange | None:
    if before == after:
        return None
    kind = "added" if not before else "removed" if not after else "changed"
    described = after or before
    classes = tuple(
        sorted(o.value for p, o in described if p == _RDF_TYPE and isinstance(o, ox.NamedNode))
    )
    predicates = {p for p, _ in before ^ after}

    def values(pairs: set, predicate: ox.NamedNode) -> tuple[Term, ...]:
        found = [o for p, o in pairs if p == predicate]
        return tuple(sorted(found, key=lambda o: (natural_key(changes.text(o)), str(o))))

    properties = [
        PropertyChange(p, values(before - after, p), values(after - before, p)) for p in predicates
    ]
    properties.sort(
        key=lambda c: (c.predicate != _RDF_TYPE, natural_key(changes.label(c.predicate.value)))
    )
    return EntityChange(subject.value, kind, classes, tuple(properties))


# --- the patch -------------------------------------------------------------------------------


def patch_text(changes: Changes) -> str:
    """The changes as an RDF Patch: one transaction of ``D`` rows (removed quads), then ``A`` rows
    (added quads), sorted; the empty text when nothing changed."""
    if not changes:
        return ""

    def rows(code: str, quads: frozenset[ox.Quad]) -> list[str]:
        ordered = sorted(quads, key=lambda q: (q.graph_name.value, str(q)))
        return [f"{code} {q} ." for q in ordered]

    lines = ["TX .", *rows("D", changes.removed), *rows("A", changes.added), "TC ."]
    return "\n".join(lines) + "\n"


_ROW = re.compile(r"(\S+)\s*(.*)")


def read_patch(patch: str | bytes | Path | Changes) -> list[tuple[int, str, ox.Quad]]:
    """The ``A`` and ``D`` rows of an RDF Patch that take effect (those of an aborted transaction,
    ``TA``, do not): line number, ``"A"`` or ``"D"``, the quad. Headers (``H``) and prefix rows
    (``PA``, ``PD``) are read and have no effect here."""
    if isinstance(patch, Changes):
        patch = patch_text(patch)
    elif isinstance(patch, Path):
        try:
            patch = patch.read_bytes()
        except OSError as error:
            raise PatchError(f"{patch}: cannot read it: {error.strerror or error}") from None
    if isinstance(patch, bytes):
        try:
            patch = patch.decode("utf-8")
        except UnicodeDecodeError as error:
            raise PatchError(f"the patch is not UTF-8 text (byte {error.start})") from None
    applied: list[tuple[int, str, ox.Quad]] = []
    pending: list[tuple[int, str, ox.Quad]] | None = None
    for number, line in enumerate(patch.splitlines(), 1):
        row = line.strip()
        if not row or row.startswith("#"):
            continue
        code, rest = _ROW.match(row).groups()
        if code in ("H", "PA", "PD"):
            continue
        if code == "TX":
            if pending is not None:
                raise PatchError(f"patch line {number}: TX inside a transaction")
            pending = []
        elif code in ("TC", "TA"):
            if pending is None:
                raise PatchError(f"patch line {number}: {code} outside a transaction")
            if code == "TC":
                applied.extend(pending)
            pending = None
        elif code in ("A", "D"):
            quad = _row_quad(rest, number)
            (applied if pending is None else pending).append((number, code, quad))
        else:
            raise PatchError(f"patch line {number}: unknown row {code!r} (expected A, D, TX, TC…)")
    if pending is not None:
        raise PatchError("the patch ends inside a transaction (TX without TC)")
    return applied


def _row_quad(rest: str, number: int) -> ox.Quad:
    try:
        parsed = list(ox.parse(rest, format=ox.RdfFormat.N_QUADS))
    except SyntaxError as error:
        raise PatchError(f"patch line {number}: not an N-Quads statement: {error.msg}") from None
    if len(parsed) != 1:
        raise PatchError(f"patch line {number}: expected one statement, found {len(parsed)}")
    if isinstance(parsed[0].graph_name, ox.DefaultGraph):
        raise PatchError(
            f"patch line {number}: a statement without a named graph (every statement of the "
            "graph is in one)"
        )
    return parsed[0]


def apply_patch(old: object, patch: str | bytes | Path | Changes) -> Dataset:
    """Apply an RDF Patch to a version (anything :func:`read` accepts: an rdflib Dataset, a store,
    a folder, ``git:REV``) and return the result as an rdflib Dataset (one named graph per
    source, their union as the default graph). Strict, so that the result is exactly the
    version the patch was made for: a ``D`` of a statement the version lacks, or an ``A`` of one
    it has, raises PatchError."""
    rows = read_patch(patch)
    quads = set(read(old, "OLD").quads)
    for number, code, quad in rows:
        if code == "D":
            if quad not in quads:
                raise PatchError(
                    f"patch line {number}: deletes a statement the version lacks: {quad}"
                )
            quads.remove(quad)
        else:
            if quad in quads:
                raise PatchError(f"patch line {number}: adds a statement the version has: {quad}")
            quads.add(quad)
    return dataset_of(quads)


def dataset_of(quads: Iterable[ox.Quad]) -> Dataset:
    """An rdflib Dataset of quads in named graphs (union as the default graph), literals kept as
    written."""
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset.namespace_manager)
    for q in quads:
        dataset.graph(URIRef(q.graph_name.value)).add(
            (_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object))
        )
    return dataset
