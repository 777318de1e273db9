"""The source documents: byte-identical copies, and every quoted text in the graph is verbatim."""

from __future__ import annotations

import hashlib
import re

import pytest
from rdflib import Literal

from itugraph.namespaces import DCTERMS, GRAPH, ITU, RDFS
from itugraph.sources import SourceDocument, source_documents

DOCUMENTS = source_documents()
SOURCES = DOCUMENTS[0].path.parent
QUOTED = (DCTERMS.title, ITU.objective, DCTERMS.description)
#: Word-processor markup in the text files that is not part of any quotation.
FOOTNOTES = re.compile(r"\[footnoteRef:\d+\]|\[\d+:[^\]]*\]")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", FOOTNOTES.sub("", text)).strip()


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.path.name)
def test_source_is_byte_identical_to_its_recorded_checksum(document: SourceDocument):
    assert document.intact(), (
        f"{document.path} is not the file whose SHA-256 data/sources/README.md records "
        f"({hashlib.sha256(document.path.read_bytes()).hexdigest()} != {document.sha256})"
    )


def quoted_literals(graph, slug):
    named = graph.graph(GRAPH[slug])
    for predicate in QUOTED:
        for subject, text in named.subject_objects(predicate):
            if "/document/" not in str(subject) and isinstance(text, Literal):
                yield subject, predicate, text


SLUGS = sorted(d.slug for d in DOCUMENTS)


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
