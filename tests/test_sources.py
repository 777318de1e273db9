"""The source documents: byte-identical copies, and every quoted text in the graph is verbatim."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from rdflib import Literal

from itugraph.namespaces import DCTERMS, GRAPH, ITU, RDFS
from itugraph.resources import resource_path

SOURCES = resource_path("data") / "sources"
QUOTED = (DCTERMS.title, ITU.objective, DCTERMS.description)
#: Word-processor markup in the text files that is not part of any quotation.
FOOTNOTES = re.compile(r"\[footnoteRef:\d+\]|\[\d+:[^\]]*\]")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", FOOTNOTES.sub("", text)).strip()


def recorded_checksums() -> dict[str, str]:
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    return {
        name: digest for digest, name in re.findall(r"`([0-9a-f]{64})` \| `([\w.-]+\.txt)`", readme)
    }


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.txt")), ids=lambda p: p.name)
def test_source_is_byte_identical_to_its_recorded_checksum(path: Path):
    expected = recorded_checksums().get(path.name)
    assert expected, f"{path.name} has no checksum in data/sources/README.md"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == expected


def quoted_literals(graph, slug):
    named = graph.graph(GRAPH[slug])
    for predicate in QUOTED:
        for subject, text in named.subject_objects(predicate):
            if "/document/" not in str(subject) and isinstance(text, Literal):
                yield subject, predicate, text


SLUGS = sorted(p.stem for p in SOURCES.glob("*.txt"))


@pytest.mark.parametrize("slug", SLUGS)
def test_quoted_text_is_verbatim(graph, slug):
    source = normalise((SOURCES / f"{slug}.txt").read_text(encoding="utf-8"))
    missing = [
        f"{subject} {predicate.n3(graph.namespace_manager)}: {str(text)[:80]!r}"
        for subject, predicate, text in quoted_literals(graph, slug)
        if normalise(str(text)) not in source
    ]
    assert not missing, f"not verbatim in data/sources/{slug}.txt:\n" + "\n".join(missing)


def test_chinese_labels_occur_in_the_chinese_report(graph):
    source = normalise((SOURCES / "council-2024-regional-presence.txt").read_text(encoding="utf-8"))
    named = graph.graph(GRAPH["council-2024-regional-presence"])
    labels = [
        o for o in named.objects(None, RDFS.label) if isinstance(o, Literal) and o.language == "zh"
    ]
    assert len(labels) >= 20
    missing = sorted({str(label) for label in labels if normalise(str(label)) not in source})
    assert not missing, f"zh labels not written so in the Chinese report: {missing}"
