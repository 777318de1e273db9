"""One institution, one entity: candidate doubles found by normalized label and by acronym across
the whole graph, each either linked by itu:sameInstitutionAs or reviewed as two different things.

Candidates come from every rdfs:label and skos:altLabel of every IRI under id/. Two IRIs are a
candidate pair when a label of one equals a label of the other after normalization (case,
punctuation, whitespace, diacritics and the word "the" ignored), or when an acronym-looking label
of one is the initials of a label of the other ("NTRA" and "National Telecom Regulatory
Authority"). docs/data-conventions.md, "Identities", says how doubles are linked.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict

import pytest
from rdflib import Literal, URIRef

from itugraph.graph import CURATION_GRAPH
from itugraph.namespaces import ID, ITU, RDFS, SKOS

#: Words left out of initials ("Department of Information and Communications Technology" -> DICT).
MINOR_WORDS = {
    "of",
    "the",
    "and",
    "for",
    "in",
    "on",
    "at",
    "to",
    "a",
    "an",
    "de",
    "la",
    "le",
    "des",
}
#: The institutions named by two IRIs, linked from the role's IRI to the kept IRI (data/curation.ttl).
LINKED = {
    ("centre/china-academy-of-information-and-communications-technology", "centre/caict"),
    ("centre/department-of-information-and-communications-technology-philippines", "centre/dict"),
    ("centre/national-telecom-regulatory-authority-egypt", "organization/ntra"),
    ("centre/uwi", "organization/uwi"),
}
#: Candidate pairs reviewed against the reports and found to be two different things.
DIFFERENT = {
    frozenset({"event/rrs-asp-2024", "event/rrs-asp-2025"}): (
        "RRS-ASP in 2024 (Samoa) and in 2025 (China): two seminars of one series"
    ),
    frozenset({"event/ssc-training-bobruisk-2023", "event/ssc-training-lida-2023"}): (
        "two trainings the Council report names alike (关于可持续智慧城市的培训), in Bobruisk and Lida"
    ),
    frozenset({"office/ro-afr", "office/ro-ams"}): (
        "ROA is the 2020 report's abbreviation of the Regional Office for Africa; it is also the"
        " initials of 'Regional Office for the Americas'"
    ),
    frozenset({"office/ro-ams", "office/ro-arb"}): (
        "ARO is the 2020 report's abbreviation of the Arab States office; it is also the initials"
        " of 'Americas Regional Office'"
    ),
    frozenset({"organization/unct", "organization/unct-india"}): (
        "the UN Country Teams in general (Council report, RDF-ASP) and the one in India"
    ),
}


def normalized(text: str) -> str:
    """Lower case, no diacritics, '&' as 'and', dots and apostrophes dropped, other punctuation
    as spaces, single spaces, without the word 'the'."""
    text = unicodedata.normalize("NFKD", text.replace("&", " and "))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[.'\u2019]", "", text)
    words = re.sub(r"[^\w]+", " ", text).split()
    return " ".join(w for w in words if w != "the")


def looks_like_acronym(text: str) -> bool:
    """Short, no spaces, at least two capitals: CAICT, RO-AFR, NCA-T, P2C."""
    return " " not in text.strip() and len(text) <= 16 and sum(c.isupper() for c in text) >= 2


def acronym_key(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def initials(text: str) -> str:
    """Initials of a name's words, minor words and bracketed parts left out."""
    text = unicodedata.normalize("NFKD", re.sub(r"\([^)]*\)", " ", text))
    words = re.findall(r"[A-Za-z][A-Za-z']*", text)
    return "".join(w[0] for w in words if w.lower() not in MINOR_WORDS).upper()


def short(node) -> str:
    return str(node).removeprefix(str(ID))


@pytest.fixture(scope="module")
def names(graph):
    """Every labelled IRI under id/: its labels and the files (graphs) that state them."""
    labels: dict[str, set[str]] = defaultdict(set)
    files: dict[str, set[str]] = defaultdict(set)
    for subject, predicate, label, context in graph.quads((None, None, None, None)):
        if predicate not in (RDFS.label, SKOS.altLabel) or not isinstance(label, Literal):
            continue
        if isinstance(subject, URIRef) and str(subject).startswith(str(ID)):
            labels[short(subject)].add(str(label))
            graph_iri = getattr(context, "identifier", context)
            files[short(subject)].add(str(graph_iri).rsplit("/", 1)[-1])
    return labels, files


def candidate_pairs(labels: dict[str, set[str]]) -> dict[frozenset, set[str]]:
    """Pairs of IRIs whose labels match after normalization, or by acronym and initials."""
    normal = {iri: {normalized(t) for t in texts} for iri, texts in labels.items()}
    acronyms = {
        iri: {acronym_key(t) for t in texts if looks_like_acronym(t)}
        for iri, texts in labels.items()
    }
    spelled = {
        iri: {initials(t) for t in texts if not looks_like_acronym(t)}
        for iri, texts in labels.items()
    }
    pairs: dict[frozenset, set[str]] = defaultdict(set)
    for a, b in itertools.combinations(sorted(labels), 2):
        for same in normal[a] & normal[b]:
            pairs[frozenset({a, b})].add(f"same name {same!r}")
        for x, y in ((a, b), (b, a)):
            for acronym in acronyms[x] & spelled[y]:
                if len(acronym) >= 3:
                    pairs[frozenset({a, b})].add(f"{acronym} of {x} spells a name of {y}")
    return pairs


def linked_pairs(graph) -> set[tuple[str, str]]:
    return {
        (short(s), short(o))
        for s, o in graph.subject_objects(ITU.sameInstitutionAs)
        if str(s).startswith(str(ID))
    }


def test_normalization_and_initials():
    assert normalized("The University of the West Indies") == "university of west indies"
    assert normalized("Sénégal Numérique SA") == normalized("senegal  numerique S.A.")
    assert initials("Department of Information and Communications Technology") == "DICT"
    assert initials("National Telecom Regulatory Authority (Egypt)") == "NTRA"
    assert looks_like_acronym("CAICT") and looks_like_acronym("RO-AFR")
    assert not looks_like_acronym("Giga") and not looks_like_acronym("New Delhi")


def test_the_identity_links_are_exactly_these(graph):
    assert linked_pairs(graph) == LINKED
    curation = graph.graph(CURATION_GRAPH)
    assert {(short(s), short(o)) for s, o in curation.subject_objects(ITU.sameInstitutionAs)} == (
        LINKED
    ), "identity links are curator statements: they belong in data/curation.ttl only"


def test_every_link_points_at_a_kept_iri(graph):
    """One step: the IRI a link points at links nowhere further (a chain would leave queries that
    follow one link with two IRIs for one institution). SHACL cannot say this without a path
    through the kept IRI, which incremental validation does not follow; this test says it."""
    chains = [
        f"{short(s)} -> {short(o)} -> {short(further)}"
        for s, o in graph.subject_objects(ITU.sameInstitutionAs)
        for further in graph.objects(o, ITU.sameInstitutionAs)
    ]
    assert chains == [], "link these straight to the last IRI: " + "; ".join(chains)


def test_every_candidate_double_is_linked_or_reviewed(graph, names):
    labels, files = names
    linked = {frozenset(pair) for pair in linked_pairs(graph)}
    unexplained = [
        f"{' and '.join(sorted(pair))} (in "
        + "; ".join(f"{iri}: {', '.join(sorted(files[iri]))}" for iri in sorted(pair))
        + f"): {'; '.join(sorted(reasons))}"
        for pair, reasons in sorted(candidate_pairs(labels).items(), key=lambda i: sorted(i[0]))
        if pair not in linked and pair not in DIFFERENT
    ]
    assert not unexplained, (
        "candidate duplicates: link the second IRI to the kept one with itu:sameInstitutionAs in "
        "data/curation.ttl, or list the pair in DIFFERENT with the reason:\n"
        + "\n".join(unexplained)
    )


def test_the_candidates_are_exactly_the_linked_and_the_reviewed(names):
    labels, _ = names
    found = set(candidate_pairs(labels))
    assert found == {frozenset(p) for p in LINKED} | set(DIFFERENT)


def test_a_new_double_is_caught(names):
    """An organization named like a centre of another file is a candidate."""
    labels, _ = names
    labels = {iri: set(texts) for iri, texts in labels.items()}
    labels["organization/caict-copy"] = {"China Academy of Information & Communications Technology"}
    pairs = candidate_pairs(labels)
    assert frozenset({"centre/caict", "organization/caict-copy"}) in pairs
    assert frozenset({"organization/caict-copy", "organization/uwi"}) not in pairs
