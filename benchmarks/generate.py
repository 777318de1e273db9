"""Generate a synthetic itugraph data folder that scales the real graph's shape, for benchmarks.

Design: the unit of growth is one *copy* of all the real source documents (``data/{slug}.ttl``,
about 5,100 quads with the two provenance quads ``load_graph`` adds per graph). Copy 0 is the real
data, byte for byte; copy ``c >= 1`` is every document again, written to ``data/{slug}-x{c}.ttl``
(its own named graph ``graph/{slug}-x{c}`` and source document ``document/{slug}-x{c}``), with the
IRIs of everything a report *adds* rewritten so that the copy is a disjoint, isomorphic replica:

* ``{kind}/{slug}`` (events, area offices, programmes, centres, projects, people, organizations,
  documents) becomes ``{kind}/{slug}-x{c}``;
* initiative ``initiative/{cycle}/{REG}{n}`` becomes ``initiative/{cycle}/{REG}{n + 100c}`` (its
  ``itu:code`` literal too, as the shapes require), so expected results
  ``…/{REG}{n + 100c}/result/{m}`` keep their numbers and texts become
  ``…/{REG}{n + 100c}/text/{slug}-x{c}``; priorities ``priority/{cycle}/{REG}/{n}``
  become ``…/{n + 100c}``.

What every report shares stays as it is and is restated by each copy: the ``data/reference``
vocabularies (copied as is), regions, countries, cities, conferences, resolutions and revisions,
SDGs, WSIS action lines, GDC objectives, the six regional offices (a shape allows one per region)
and any IRI the shapes name (``programme/itu-academy-training-centres``). Literals (labels with
their language tags, verbatim objectives, dates, counts) are kept, so every copy conforms.

Sizes: ``--scale N`` aims at about N x 1,000 quads: ``copies = max(1, round(N * 1000 / unit))``,
so x1 is the real graph (1 copy, ~6,000 quads with ontology and reference), x10 is 2 copies,
x100 is 20 and x1000 is 197 (~1.0M quads). Exact relations, for ``k`` copies: the dataset holds
``fixed + k * unit`` quads (fixed = ontology + reference); the union's distinct triples grow by the
same number per copy (``T(k) = T(1) + (k - 1) * d``); every per-initiative row of a canned query
(``initiatives-across-cycles``) appears ``k`` times, and per-region counts are ``k`` times larger.

    python benchmarks/generate.py --scale 100 -o /tmp/itugraph-x100
    python benchmarks/generate.py --copies 2 -o /tmp/itugraph-k2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from itugraph.namespaces import ITU, RDF, bind_prefixes
from itugraph.resources import resource_path

ID = "https://w3id.org/itugraph/id/"
UNIT_TARGET = 1000
#: Kinds of entity shared by every report: a copy links to them, never renames them.
FIXED_KINDS = frozenset(
    {"region", "country", "city", "conference", "resolution", "sdg", "wsis", "gdc"}
)
MANIFEST = "GENERATED.json"
_INITIATIVE = re.compile(r"^initiative/(WTDC-\d\d)/([A-Z]{3})(\d+)(/.*)?$")
_PRIORITY = re.compile(r"^priority/(WTDC-\d\d)/([A-Z]{3})/(\d+)$")


@dataclass(frozen=True)
class Manifest:
    """What a generated folder holds: scale, copies, files and counts."""

    scale: float | None
    copies: int
    documents: int
    unit_quads: int
    fixed_quads: int
    quads: int
    fingerprint: str
    seconds: float


def document_files(data_dir: Path) -> dict[str, list[Path]]:
    """The real source documents' Turtle files by slug (``data/{slug}.ttl`` or ``data/{slug}/``)."""
    by_slug: dict[str, list[Path]] = {}
    for path in sorted(data_dir.rglob("*.ttl")):
        top = path.relative_to(data_dir).parts[0]
        if top in ("reference", "curation.ttl", "curation"):  # not a document (graph/curation)
            continue
        by_slug.setdefault(top.removesuffix(".ttl"), []).append(path)
    return by_slug


def fingerprint(paths: list[Path]) -> str:
    """A hash of the input files and this generator, to know when a cached folder is stale."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(paths):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


class Replicator:
    """Rewrites the real documents' terms into copy ``c`` (see the module docstring)."""

    def __init__(self, documents: dict[str, Graph], reference: Graph, shapes: Graph) -> None:
        self.documents = documents
        fixed = {s for s in reference.subjects() if isinstance(s, URIRef)}
        for graph in documents.values():
            fixed.update(graph.subjects(RDF.type, ITU.RegionalOffice))
        fixed.update(o for o in shapes.objects() if isinstance(o, URIRef) and o.startswith(ID))
        self.fixed = frozenset(fixed)

    @classmethod
    def from_folder(cls, data_dir: Path) -> Replicator:
        """A replicator for the real documents of a data folder (and the packaged shapes)."""
        graphs = {
            str(path.relative_to(data_dir)): _parse(path)
            for paths in document_files(data_dir).values()
            for path in paths
        }
        reference = _parse(*sorted((data_dir / "reference").rglob("*.ttl")))
        return cls(graphs, reference, _parse(*sorted(resource_path("shapes").glob("*.ttl"))))

    def is_replicated(self, term: Node) -> bool:
        """Whether copies rename this term (an IRI under id/ that a report adds)."""
        if not isinstance(term, URIRef) or not term.startswith(ID) or term in self.fixed:
            return False
        return term[len(ID) :].split("/", 1)[0] not in FIXED_KINDS

    def rename(self, term: URIRef, copy: int) -> URIRef:
        """The IRI of ``term`` in copy ``copy`` (copy 0 is the real graph)."""
        if copy == 0 or not self.is_replicated(term):
            return term
        path = term[len(ID) :]
        if match := _INITIATIVE.match(path):
            cycle, region, number, rest = match.groups()
            if rest and rest.startswith("/text/"):  # a text is named by its document's slug
                rest = f"{rest}-x{copy}"
            return URIRef(f"{ID}initiative/{cycle}/{region}{_renumber(number, copy)}{rest or ''}")
        if match := _PRIORITY.match(path):
            cycle, region, number = match.groups()
            return URIRef(f"{ID}priority/{cycle}/{region}/{_renumber(number, copy)}")
        return URIRef(f"{term}-x{copy}")

    def copy_graph(self, graph: Graph, copy: int) -> Graph:
        """One document graph rewritten into copy ``copy``."""
        out = Graph(bind_namespaces="none")
        bind_prefixes(out.namespace_manager)
        cache: dict[Node, Node] = {}

        def term(node: Node) -> Node:
            if node not in cache:
                cache[node] = self.rename(node, copy) if isinstance(node, URIRef) else node
            return cache[node]

        for s, p, o in graph:
            if p == ITU.code and isinstance(o, Literal) and self.is_replicated(s):
                new_subject = str(term(s))
                o = Literal(new_subject.rsplit("/", 1)[1], datatype=o.datatype, lang=o.language)
            out.add((term(s), p, term(o)))
        return out


def _renumber(number: str, copy: int) -> int:
    if int(number) >= 100:
        raise ValueError(f"cannot renumber {number}: codes are assumed below 100")
    return int(number) + 100 * copy


def curation_files(data_dir: Path) -> list[Path]:
    """The curators' statements (``data/curation.ttl``, graph/curation): kept once, not copied."""
    return sorted(data_dir.glob("curation.ttl")) + sorted((data_dir / "curation").rglob("*.ttl"))


def count_quads(data_dir: Path) -> tuple[int, int, int]:
    """Quads of ontology + reference + curation (+2 provenance), of the documents (+2 provenance
    each), and documents."""
    fixed = len(_parse(*sorted(resource_path("ontology").glob("*.ttl"))))
    fixed += len(_parse(*sorted((data_dir / "reference").rglob("*.ttl"))))
    if curation := curation_files(data_dir):
        fixed += len(_parse(*curation)) + 2
    by_slug = document_files(data_dir)
    unit = sum(len(_parse(*paths)) for paths in by_slug.values()) + 2 * len(by_slug)
    return fixed, unit, len(by_slug)


def copies_for(scale: float, unit_quads: int) -> int:
    """How many copies make about ``scale`` thousand quads (at least one: the real graph)."""
    return max(1, round(scale * UNIT_TARGET / unit_quads))


def _parse(*paths: Path) -> Graph:
    graph = Graph(bind_namespaces="none")
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def generate(
    out: Path,
    scale: float | None = None,
    copies: int | None = None,
    data_dir: Path | None = None,
    force: bool = False,
) -> Manifest:
    """Write a data folder of ``copies`` copies (or the copies for ``scale``) to ``out``.

    A folder already generated from the same inputs with the same copies is reused.
    """
    data_dir = data_dir or resource_path("data")
    by_slug = document_files(data_dir)
    inputs = [p for paths in by_slug.values() for p in paths]
    inputs += sorted((data_dir / "reference").rglob("*.ttl")) + curation_files(data_dir)
    inputs += sorted(resource_path("shapes").glob("*.ttl"))
    inputs += sorted(resource_path("ontology").glob("*.ttl"))
    fixed_quads, unit_quads, documents = count_quads(data_dir)
    if copies is None:
        copies = copies_for(scale if scale is not None else 1, unit_quads)
    stamp = fingerprint(inputs)
    manifest_path = out / MANIFEST
    if manifest_path.exists() and not force:
        old = Manifest(**json.loads(manifest_path.read_text()))
        if old.copies == copies and old.fingerprint == stamp:
            return old
    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(data_dir / "reference", out / "reference")
    for path in curation_files(data_dir):
        target = out / path.relative_to(data_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for paths in by_slug.values():
        for path in paths:
            target = out / path.relative_to(data_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    replicator = Replicator.from_folder(data_dir)
    for copy in range(1, copies):
        for relative, graph in replicator.documents.items():
            top, *rest = Path(relative).parts
            slug = top.removesuffix(".ttl")
            target = out / (f"{slug}-x{copy}.ttl" if not rest else Path(f"{slug}-x{copy}", *rest))
            target.parent.mkdir(parents=True, exist_ok=True)
            body = replicator.copy_graph(graph, copy).serialize(format="longturtle")
            header = (
                f"# Synthetic copy {copy} of data/{relative}, written by benchmarks/generate.py.\n"
            )
            target.write_text(header + body, encoding="utf-8")
    manifest = Manifest(
        scale=scale,
        copies=copies,
        documents=documents * copies,
        unit_quads=unit_quads,
        fixed_quads=fixed_quads,
        quads=fixed_quads + copies * unit_quads,
        fingerprint=stamp,
        seconds=round(time.perf_counter() - started, 2),
    )
    manifest_path.write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python benchmarks/generate.py --scale N -o DIR``."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, default=None, help="about N x 1,000 quads (default 1)")
    size.add_argument("--copies", type=int, default=None, help="exact number of copies (>= 1)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="folder to write")
    parser.add_argument("--data-dir", type=Path, default=None, help="real data folder")
    parser.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = parser.parse_args(argv)
    if args.copies is not None and args.copies < 1:
        parser.error("--copies must be at least 1")
    manifest = generate(args.output, args.scale, args.copies, args.data_dir, args.force)
    print(json.dumps(asdict(manifest)), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
