"""The server's state over one project: settings, the served store and its query workers, the
canned queries, the regions and cycles the data states, and the version and cache of answers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .. import __version__
from ..graph import source_files
from ..labels import Labels
from ..namespaces import BASE, bind_prefixes
from ..project import Project, as_project
from ..queries import catalogue, initiative_cycles, region_codes
from ..store import PREFIXES, open_served_store, quads_to_graph
from ..workers import DEFAULT_MEMORY, QueryPool
from .caching import AnswerCache, content_version
from .engine import Limits
from .sparql_examples import examples_graph

HERE = Path(__file__).parent
#: Up to this many quads, the server's own pages read an in-memory copy of the store.
IN_MEMORY_QUADS = 500_000
#: Up to this many quads, each query worker answers from its own in-memory copy of the store
#: (twice as fast on small queries; the copy takes about 0.6 s and 50 MiB per 100,000 quads
#: at each worker's start, so it stays off for larger stores).
WORKER_IN_MEMORY_QUADS = 100_000


@dataclass
class ServerSettings:
    """Limits, caching and the public IRI base that the server maps onto its own root.

    ``max_age`` is the freshness (seconds) of successful GET answers; ``cache_size`` and
    ``cache_memory`` bound the in-process cache of rendered answers (entries, bytes of body);
    a ``cache_size`` of 0 turns that cache off.
    """

    timeout: float = 10.0
    max_rows: int = 10_000
    max_query_length: int = 20_000
    public_base: str = BASE
    max_age: int = 300
    cache_size: int = 1024
    cache_memory: int = 64 * 2**20
    workers: int = 2
    worker_memory: int = DEFAULT_MEMORY
    allowed_services: tuple[str, ...] = ()

    @property
    def limits(self) -> Limits:
        return Limits(
            self.timeout, self.max_rows, self.max_query_length, tuple(self.allowed_services)
        )


class Site:
    """The server's state: the store (with the canned queries as examples) and the worker
    processes that query it, the canned queries, helpers to read entities, the content version
    and Last-Modified time of the answers, and the cache of answers."""

    def __init__(
        self, settings: ServerSettings, project: Project | None = None, use_cache: bool = True
    ) -> None:
        self.settings = settings
        self.project = as_project(project)
        self.queries = catalogue(self.project)
        examples = list(examples_graph(self.queries, settings.public_base))
        self.graph_store = open_served_store(self.project, examples, use_cache)
        self.store = self.graph_store.store
        if len(self.graph_store) <= IN_MEMORY_QUADS:
            # Pages look things up one pattern at a time: 10-15x faster in memory than in the
            # on-disk store (which the query workers keep using).
            self.store = ox.Store()
            self.store.bulk_extend(self.graph_store.store.quads_for_pattern(None, None, None, None))
        self.triples = len(self.graph_store) - len(examples)
        self.labels = Labels.from_graph(self.graph_store)
        self.regions = region_codes(self.graph_store)
        self.cycles = initiative_cycles(self.graph_store)
        self.pool = QueryPool(
            self.graph_store.path,
            settings.workers,
            settings.worker_memory,
            PREFIXES,
            in_memory=len(self.graph_store) <= WORKER_IN_MEMORY_QUADS,
        )
        code = sorted(p for p in HERE.rglob("*") if p.is_file() and p.suffix != ".pyc")
        self.version = content_version(
            self.graph_store.key,
            [__version__.encode(), settings.public_base.encode(), *(p.read_bytes() for p in code)],
        )
        sources = [f.path for f in source_files(self.project)]
        inputs = [*sources, *(q.path for q in self.queries.values()), *code]
        self.last_modified = max(p.stat().st_mtime for p in inputs) if sources else time.time()
        self.cache = AnswerCache(settings.cache_size, settings.cache_memory)

    def local(self, iri: str) -> str | None:
        """The server path of a public IRI, or None for an IRI outside the dataset."""
        base = self.settings.public_base
        if iri.startswith(f"{base}id/"):
            return "/" + iri.removeprefix(base)
        if iri.startswith(f"{base}def#"):
            return "/def/" + iri.removeprefix(f"{base}def#")
        if iri.startswith(f"{base}graph/"):
            return "/" + iri.removeprefix(base)
        return None

    def quads(self, subject=None, obj=None) -> list[ox.Quad]:
        return list(self.store.quads_for_pattern(subject, None, obj, None))

    def label(self, iri: str, language: str = "en") -> str | None:
        """What the entity is called in ``language`` (or the nearest language the data has),
        by the one labelling rule of itugraph.labels; None when nothing labels it."""
        found = self.labels.label(iri, language)
        return found.text if found is not None else None

    def describe(self, iri: str) -> Graph:
        """Statements about an entity (outgoing and incoming), from the union of the sources."""
        node = ox.NamedNode(iri)
        graph = quads_to_graph(
            [
                *self.store.quads_for_pattern(node, None, None, ox.DefaultGraph()),
                *self.store.quads_for_pattern(None, None, node, ox.DefaultGraph()),
            ]
        )
        bind_prefixes(graph.namespace_manager)
        return graph
