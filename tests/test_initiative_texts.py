"""Regional initiatives as works with their texts as versions (issue 15): each document's text of
an initiative is its own node (``{initiative}/text/{document slug}``) with that document's title,
objective, status and the expected results it lists; the initiative keeps its code, region and
cycle; every IRI published before stays resolvable."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from itugraph.labels import Labels
from itugraph.namespaces import ID
from itugraph.queries import run_query
from itugraph.serve import ServerSettings
from itugraph.store import open_store

from .conftest import serving

PUBLISHED = Path(__file__).parent / "fixtures" / "published-iris.txt"
AFR4 = f"{ID}initiative/WTDC-25/AFR4"
AFR4_DRAFT = f"{AFR4}/text/tdag-2025-rpm-coordination"
AFR4_ADOPTED = f"{AFR4}/text/cwg-fhr-bdt-regional-presence"
AFR4_DRAFT_TITLE = (
    "Digital infrastructure applications, SMEs Development and Emerging Technologies and "
    "Innovation Ecosystems"
)
AFR4_ADOPTED_TITLE = (
    "Development of digital applications, micro, small and medium enterprises and digital "
    "innovation ecosystems"
)


@pytest.fixture(scope="module")
def store():
    return open_store()


@pytest.fixture(scope="module")
def client():
    with serving(ServerSettings(timeout=10)) as client:
        yield client


def ask(store, text: str) -> list[tuple[str, ...]]:
    prefixes = (
        "PREFIX itu: <https://w3id.org/itugraph/def#>\n"
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
    )
    return sorted(
        tuple(str(value) if value is not None else "" for value in row)
        for row in store.query(prefixes + text)
    )


def test_every_initiative_has_a_text_and_states_none_itself(store):
    """What a shape cannot check incrementally: no initiative lacks a text (naming it)."""
    without = ask(
        store,
        """SELECT ?i WHERE { ?i a itu:RegionalInitiative .
           FILTER NOT EXISTS { ?t a itu:InitiativeText ; dcterms:isVersionOf ?i } }""",
    )
    assert without == []
    stating = ask(
        store,
        """SELECT ?i ?p WHERE { ?i a itu:RegionalInitiative ; ?p ?o .
           FILTER (?p IN (dcterms:title, itu:objective, itu:status)) }""",
    )
    assert stating == []


def test_nine_initiatives_have_a_draft_and_an_adopted_text(store):
    both = ask(
        store,
        """SELECT ?code WHERE { ?i itu:code ?code .
           ?d dcterms:isVersionOf ?i ; itu:status itu:draft .
           ?a dcterms:isVersionOf ?i ; itu:status itu:adopted . }""",
    )
    codes = ["AFR2", "AFR4", "AMS2", "AMS3", "ASP2", "ASP4", "CIS2", "EUR3", "EUR5"]
    assert [code for (code,) in both] == codes


def test_each_text_is_stated_by_the_document_its_iri_names(store):
    mismatched = ask(
        store,
        """SELECT ?t WHERE { ?t a itu:InitiativeText ; dcterms:isVersionOf ?i ;
           prov:wasDerivedFrom ?d .
           FILTER (STR(?t) != CONCAT(STR(?i), "/text/", REPLACE(STR(?d), "^.*/", ""))) }""",
    )
    assert mismatched == []
    counts = ask(
        store,
        """SELECT ?d (COUNT(?t) AS ?n) WHERE { ?t a itu:InitiativeText ; prov:wasDerivedFrom ?d }
           GROUP BY ?d""",
    )
    assert counts == [
        (f"{ID}document/cwg-fhr-bdt-regional-presence", "11"),
        (f"{ID}document/tdag-2025-rpm-coordination", "25"),
        (f"{ID}document/tsag-2020-regional-offices", "1"),
    ]


def test_expected_results_are_listed_in_the_draft_that_numbers_them(store):
    listed = ask(
        store,
        f"""SELECT ?text (COUNT(?r) AS ?n) WHERE {{
            ?r itu:expectedResultOf <{AFR4}> ; itu:listedIn ?text }} GROUP BY ?text""",
    )
    assert listed == [(AFR4_DRAFT, "10")]


def test_an_initiative_is_labelled_by_its_latest_text_and_a_text_by_its_own(store):
    labels = Labels.from_graph(store)
    assert labels.text(AFR4) == f"AFR4 — {AFR4_ADOPTED_TITLE}"
    assert labels.text(AFR4_DRAFT) == f"AFR4 — {AFR4_DRAFT_TITLE}"
    assert labels.text(AFR4_ADOPTED) == f"AFR4 — {AFR4_ADOPTED_TITLE}"
    only_drafted = f"{ID}initiative/WTDC-25/AFR3"
    assert labels.text(only_drafted).startswith("AFR3 — Building trust, safety and security")


def test_the_initiative_query_gives_each_text_with_the_results_it_lists(store):
    rows = list(run_query("initiative", store, initiative="initiative/WTDC-25/AFR4"))
    texts = [(str(r.version), str(r.status), str(r.title)) for r in rows]
    assert texts[0] == (AFR4_ADOPTED, "https://w3id.org/itugraph/def#adopted", AFR4_ADOPTED_TITLE)
    assert set(texts[1:]) == {(AFR4_DRAFT, "https://w3id.org/itugraph/def#draft", AFR4_DRAFT_TITLE)}
    assert [int(r.ordinal) for r in rows[1:]] == list(range(1, 11))
    assert rows[0].ordinal is None and rows[0].objective is None


def test_the_initiative_page_shows_both_texts_latest_first(client):
    html = client.get("/id/initiative/WTDC-25/AFR4").text
    table = html[
        html.index('<table class="texts">') : html.index("</table>", html.index('"texts"'))
    ]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 2
    assert '<a href="/def/adopted">adopted</a>' in rows[0]
    assert AFR4_ADOPTED_TITLE in rows[0] and "/id/document/cwg-fhr-bdt-regional-presence" in rows[0]
    assert '<a href="/def/draft">draft</a>' in rows[1]
    assert AFR4_DRAFT_TITLE in rows[1] and "To foster an enabling digital innovation" in rows[1]
    assert f"AFR4 — {AFR4_ADOPTED_TITLE}</h1>" in html


def test_every_published_iri_still_resolves(client):
    """Each IRI listed in tests/fixtures/published-iris.txt answers 200 on its page."""
    published = [
        line
        for line in PUBLISHED.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(published) == 740
    gone = []
    for iri in published:
        path = "/" + iri.removeprefix("https://w3id.org/itugraph/")
        response = client.get(quote(path), params={"format": "nt"})
        if response.status_code != 200 or f"<{iri}>" not in response.text:
            gone.append(f"{iri}: {response.status_code}")
    assert gone == []
