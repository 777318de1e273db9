"""Check the graph against its SHACL shapes with pySHACL, the ontology supplying RDFS inference."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from .graph import (
    ONTOLOGY_GRAPH,
    DataFileError,
    KnowledgeGraph,
    SourceFile,
    iter_named_graphs,
    parse_turtle,
)
from .namespaces import RDF, SH, bind_prefixes
from .project import Project, as_project, relative_path


@dataclass(frozen=True)
class ValidationResult:
    """One violation or warning: which node, which rule, why, and where the node is stated."""

    focus: str
    shape: str
    component: str
    severity: str
    message: str
    path: str | None = None
    value: str | None = None
    files: tuple[str, ...] = ()
    file: str | None = None
    line: int | None = None


@dataclass
class ValidationReport:
    """The outcome of a validation run: whether it conforms, its results and pySHACL's report graph."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph, repr=False)

    @classmethod
    def of_load_error(cls, error: DataFileError) -> ValidationReport:
        """A failing report of one file that cannot be read, so that CI formats (JUnit, GitHub
        annotations, JSON) show a syntax error with its file and line like a violation."""
        result = ValidationResult(
            focus=relative_path(error.path),
            shape="Turtle parser",
            component="syntax error",
            severity="Violation",
            message=error.message,
            files=(error.path.name,),
            file=str(error.path),
            line=error.line,
        )
        return cls(conforms=False, results=[result])

    def as_text(self) -> str:
        """A report for people, grouped by focus node."""
        if self.conforms and not self.results:
            return "Conforms: the graph satisfies every shape.\n"
        lines = ["Conforms." if self.conforms else "Does not conform."]
        by_focus: dict[str, list[ValidationResult]] = {}
        for result in self.results:
            by_focus.setdefault(result.focus, []).append(result)
        for focus, results in sorted(by_focus.items()):
            files = sorted({f for r in results for f in r.files})
            located = [r for r in results if r.file and r.line]
            at = f" at {relative_path(located[0].file)}:{located[0].line}" if located else ""
            lines.append(f"\n{focus}" + (f"  (in {', '.join(files)}){at}" if files else at))
            for r in results:
                detail = ", ".join(
                    f"{k} {v}" for k, v in (("path", r.path), ("value", r.value)) if v is not None
                )
                lines.append(f"  {r.severity}: {r.message}")
                lines.append(
                    f"    shape {r.shape} ({r.component})" + (f"; {detail}" if detail else "")
                )
        counts = {
            s: sum(r.severity == s for r in self.results) for s in ("Violation", "Warning", "Info")
        }
        lines.append(
            f"\n{counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} note(s)."
        )
        return "\n".join(lines) + "\n"

    def as_json(self) -> str:
        """The results as a JSON document: conforms and a list of results."""
        payload = {"conforms": self.conforms, "results": [asdict(r) for r in self.results]}
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"

    def as_junit(self) -> str:
        """JUnit XML that CI systems display: one test case per shape result, failing for
        violations (warnings and notes are reported as passing cases with output)."""
        suite = ElementTree.Element(
            "testsuite",
            name="itugraph validate",
            tests=str(max(1, len(self.results))),
            failures=str(sum(r.severity == "Violation" for r in self.results)),
        )
        if not self.results:
            ElementTree.SubElement(
                suite, "testcase", classname="itugraph", name="graph conforms to its shapes"
            )
        for r in self.results:
            case = ElementTree.SubElement(
                suite, "testcase", classname=r.focus, name=f"{r.shape} ({r.component})"
            )
            if r.file:
                case.set("file", relative_path(r.file))
            if r.line:
                case.set("line", str(r.line))
            at = f" at {relative_path(r.file)}:{r.line}" if r.file and r.line else ""
            detail = f"{r.message}\nfocus {r.focus}; path {r.path}; value {r.value}; in {', '.join(r.files)}{at}"
            if r.severity == "Violation":
                ElementTree.SubElement(
                    case, "failure", message=r.message, type=r.component
                ).text = detail
            else:
                ElementTree.SubElement(case, "system-out").text = f"{r.severity}: {detail}"
        return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"

    def as_github(self) -> str:
        """One GitHub Actions annotation line per result, with file and line where known."""
        lines = []
        for r in self.results:
            level = {"Violation": "error", "Warning": "warning"}.get(r.severity, "notice")
            file = relative_path(r.file) if r.file else None
            location = ",".join(f"{k}={v}" for k, v in (("file", file), ("line", r.line)) if v)
            text = f"{r.focus}: {r.message} [{r.shape}]".replace("%", "%25").replace("\n", "%0A")
            lines.append(f"::{level} {location}::{text}" if location else f"::{level}::{text}")
        return "\n".join(lines) + ("\n" if lines else "")

    def as_turtle(self) -> str:
        """pySHACL's validation report graph in Turtle."""
        return self.graph.serialize(format="turtle")


def shapes_files(project: Project | None = None) -> list[Path]:
    """The Turtle files of the project's shapes folders, in load order."""
    return [path for folder in as_project(project).shapes for path in sorted(folder.glob("*.ttl"))]


def pinpoint(report: ValidationReport) -> ValidationReport:
    """The report with each result's line moved from the start of its focus node's description
    to the statement of the offending property, where that description states it."""
    return replace(report, results=[_pinpoint(r) for r in report.results])


def _pinpoint(result: ValidationResult) -> ValidationResult:
    if not (result.file and result.line and result.path):
        return result
    lines = _file_lines(result.file)
    statement = re.compile(rf"(^|[\s;]){re.escape(result.path)}\s")
    for number in range(result.line, len(lines) + 1):
        text = lines[number - 1]
        if number > result.line and not text[:1].isspace():
            break
        if statement.search(text):
            return replace(result, line=number)
    return result


def _file_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def load_shapes(project: Project | None = None) -> Graph:
    """Load every Turtle file of the project's shapes folders into one graph."""
    shapes = Graph()
    bind_prefixes(shapes.namespace_manager)
    for path in shapes_files(project):
        parse_turtle(path, shapes)
    return shapes


def union_of_data(dataset: Dataset) -> Graph:
    """Every statement of the data graphs (not the ontology) as one plain graph."""
    union = Graph()
    bind_prefixes(union.namespace_manager)
    for named in iter_named_graphs(dataset):
        if named.identifier != ONTOLOGY_GRAPH:
            for triple in named:
                union.add(triple)
    return union


def _short(graph: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return graph.namespace_manager.normalizeUri(node)
    if isinstance(node, Literal):
        return node.n3(graph.namespace_manager)
    return str(node)


def first_statement(
    sources: Iterable[SourceFile],
    focus: Node,
    shortened: str,
    states: Callable[[URIRef], bool],
    read_lines: Callable[[Path], list[str]] | None = None,
) -> tuple[str | None, int | None]:
    """The first data file (in load order) of a named graph stating something about the focus
    node, and the line where the node's description starts in it, when one is found."""
    for source in sources:
        if source.graph == ONTOLOGY_GRAPH or not states(source.graph):
            continue
        lines = (
            read_lines(source.path)
            if read_lines
            else source.path.read_text(encoding="utf-8").splitlines()
        )
        for number, line in enumerate(lines, 1):
            if line.startswith((f"{shortened} ", f"<{focus}>")) or line == shortened:
                return str(source.path), number
        return str(source.path), None
    return None, None


def _first_statement(
    dataset: Dataset, focus: Node, shortened: str
) -> tuple[str | None, int | None]:
    """The data file and line where the focus node's description starts, when one is found."""
    if not isinstance(dataset, KnowledgeGraph):
        return None, None
    return first_statement(
        dataset.source_files,
        focus,
        shortened,
        lambda graph: (focus, None, None) in dataset.graph(graph),
    )


def _files_by_subject(dataset: Dataset) -> dict[Node, set[str]]:
    stated: dict[Node, set[str]] = {}
    for named in iter_named_graphs(dataset):
        files = (
            dataset.files_of_graph(named.identifier) if isinstance(dataset, KnowledgeGraph) else []
        )
        names = [f.name for f in files] or [str(named.identifier)]
        for subject in set(named.subjects()):
            stated.setdefault(subject, set()).update(names)
    return stated


def result_order(result: ValidationResult) -> tuple[str, str, str, str]:
    """The order of results in a report: by focus node, shape, component and value."""
    return (result.focus, result.shape, result.component, result.value or "")


def _shape_name(report: Graph, shapes: Graph, shape: Node) -> str:
    """A shape's short IRI; a blank-node property shape is named by the node shape holding it."""
    if isinstance(shape, BNode):
        holder = shapes.value(predicate=SH.property, object=shape)
        if holder is not None and not isinstance(holder, BNode):
            return _short(report, holder) or ""
    return _short(report, shape) or ""


def report_results(
    report: Graph,
    shapes: Graph,
    locate: Callable[[Node, str], tuple[str | None, int | None]],
    files_of: Callable[[Node], tuple[str, ...]],
    keep: Callable[[Node], bool] | None = None,
) -> list[tuple[Node, ValidationResult]]:
    """Every result of a pySHACL report graph (whose focus node ``keep`` accepts) with its focus
    node; ``locate`` gives the file and line of a focus node (given with its short name),
    ``files_of`` the files stating it.

    A SPARQL constraint's result carries its node shape's sh:message and its own (SHACL 2.1.5,
    5.3.2); the constraint's, which names the problem, is the one shown."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        if keep is not None and not keep(focus):
            continue
        source_shape = report.value(node, SH.sourceShape)
        component = report.value(node, SH.sourceConstraintComponent)
        severity = report.value(node, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        own = {str(m) for m in shapes.objects(source_shape, SH.message)}
        specific = [m for m in messages if m not in own]
        messages = specific or messages
        file, line = locate(focus, _short(report, focus) or "")
        result = ValidationResult(
            file=file,
            line=line,
            focus=_short(report, focus) or "",
            shape=_shape_name(report, shapes, source_shape),
            component=_short(report, component) or "",
            severity=str(severity).removeprefix(str(SH)),
            message=messages[0] if messages else "",
            path=_short(report, report.value(node, SH.resultPath)),
            value=_short(report, report.value(node, SH.value)),
            files=files_of(focus),
        )
        results.append((focus, result))
    return results


#: The SHACL engines: pyshacl-turbo (native, the default) and pySHACL (the reference). Both take
#: the same call; tests keep their reports equal on the shipped graph and every broken fixture.
ENGINES = ("turbo", "pyshacl")
DEFAULT_ENGINE = "turbo"


def shacl_engine(engine: str = DEFAULT_ENGINE) -> Callable[..., tuple]:
    """The ``validate`` function of a SHACL engine, imported on first use."""
    if engine == "turbo":
        from pyshacl_turbo import validate as turbo_validate

        return turbo_validate
    if engine == "pyshacl":
        from pyshacl import validate as pyshacl_validate

        return pyshacl_validate
    raise ValueError(f"unknown SHACL engine {engine!r}; expected one of {', '.join(ENGINES)}")


def run_shacl(
    data: Graph, shapes: Graph, ontology: Graph, engine: str = DEFAULT_ENGINE
) -> tuple[bool, Graph]:
    """A SHACL engine as this project runs it (ontology mixed in, no inference, warnings and
    notes allowed); returns whether the data conforms and the report graph."""
    conforms, report, _ = shacl_engine(engine)(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    bind_prefixes(report.namespace_manager)
    return bool(conforms), report


def validate_store(
    store: ox.Store, files: list[SourceFile], shapes: Graph, project: Project | None = None
) -> tuple[ValidationReport, list[Node]]:
    """pyshacl-turbo on a built store, with no rdflib copy of the data: the store's default graph
    (the union of the sources and the ontology, as ``validate`` mixes the ontology in) against
    the project's shapes (``shapes``, as parsed by rdflib, lends its prefixes to the report's
    names); returns the report and each result's focus node, like ``validate_focus_nodes``."""
    from pyshacl_turbo import validate as turbo_validate

    data = ox.Store()
    data.load(
        store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
        format=ox.RdfFormat.N_TRIPLES,
    )
    shapes_store = ox.Store()
    for path in shapes_files(project):
        shapes_store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    conforms, report, _ = turbo_validate(
        data, shacl_graph=shapes_store, inference="none", allow_warnings=True
    )
    bind_prefixes(report.namespace_manager)
    for prefix, namespace in shapes.namespaces():  # a data repository's own shape prefixes
        report.namespace_manager.bind(prefix, namespace, override=False)
    names_of: dict[str, list[str]] = {}
    for source in files:
        names_of.setdefault(str(source.graph), []).append(source.path.name)

    def graphs_stating(focus: Node) -> set[str]:
        if not isinstance(focus, URIRef | BNode):
            return set()
        node = ox.NamedNode(str(focus)) if isinstance(focus, URIRef) else ox.BlankNode(str(focus))
        return {
            q.graph_name.value
            for q in store.quads_for_pattern(node, None, None, None)
            if isinstance(q.graph_name, ox.NamedNode)
        }

    def locate(focus: Node, shortened: str) -> tuple[str | None, int | None]:
        stating = graphs_stating(focus)
        return first_statement(files, focus, shortened, lambda graph: str(graph) in stating)

    def files_of(focus: Node) -> tuple[str, ...]:
        stating = graphs_stating(focus)
        return tuple(sorted({name for g in stating for name in names_of.get(g, [g])}))

    # The report names blank-node shapes as the shapes store does: look them up there.
    from .store import quads_to_graph

    shapes_as_validated = quads_to_graph(shapes_store.quads_for_pattern(None, None, None, None))
    pairs = report_results(report, shapes_as_validated, locate, files_of)
    pairs.sort(key=lambda pair: result_order(pair[1]))
    report_of = ValidationReport(
        conforms=bool(conforms), results=[r for _, r in pairs], graph=report
    )
    return report_of, [focus for focus, _ in pairs]


def validate(
    dataset: Dataset,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    engine: str = DEFAULT_ENGINE,
) -> ValidationReport:
    """Validate the union of the data graphs against the shapes.

    The ontology (the dataset's ``graph/ontology`` unless given) is mixed into the data, so its
    rdfs:subClassOf axioms let subclass instances be checked by their superclass's shape (a
    RegionalOffice by the FieldOffice shape). No RDFS inference is run: it would type every
    object of itu:region as an itu:Region from the property's range and so hide sh:class errors.
    """
    return validate_focus_nodes(dataset, shapes, ontology, engine)[0]


def validate_focus_nodes(
    dataset: Dataset,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    engine: str = DEFAULT_ENGINE,
) -> tuple[ValidationReport, list[Node]]:
    """validate(), also returning the focus node of each result (in the report's order), which
    the cache of reports needs to update one after an edit."""
    shapes = shapes if shapes is not None else load_shapes(getattr(dataset, "project", None))
    ontology = ontology if ontology is not None else dataset.graph(ONTOLOGY_GRAPH)
    conforms, report = run_shacl(union_of_data(dataset), shapes, ontology, engine)
    stated = _files_by_subject(dataset)
    pairs = report_results(
        report,
        shapes,
        lambda focus, shortened: _first_statement(dataset, focus, shortened),
        lambda focus: tuple(sorted(stated.get(focus, ()))),
    )
    pairs.sort(key=lambda pair: result_order(pair[1]))
    results = [result for _, result in pairs]
    return ValidationReport(conforms=conforms, results=results, graph=report), [f for f, _ in pairs]
