"""Competency questions: what a person asks of the graph, answered in SPARQL and pinned to the
exact answer the five documents give. Each would fail on an empty or partial graph."""

from __future__ import annotations

from decimal import Decimal

import pytest

from itugraph.queries import sparql
from itugraph.sources import source_documents

from .conftest import simplify

PREFIXES = """
PREFIX itu: <https://w3id.org/itugraph/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX id: <https://w3id.org/itugraph/id/>
"""


def rows(graph, query: str) -> list[tuple]:
    """Run a query; return its rows as simplified terms (see conftest.simplify)."""
    return [tuple(simplify(t) for t in row) for row in sparql(graph, PREFIXES + query)]


def values(graph, query: str) -> set:
    return {row[0] if len(row) == 1 else row for row in rows(graph, query)}


WTDC25_DRAFTS = """
    ?i a itu:RegionalInitiative ; itu:cycle <https://w3id.org/itugraph/id/conference/WTDC-25> ; itu:code ?code .
    ?draft dcterms:isVersionOf ?i ; itu:status itu:draft .
"""


# --- regional initiatives and expected results (TDAG RPM report) --------------------------


def test_25_draft_wtdc25_initiatives_in_five_regions(graph):
    codes = values(graph, f"SELECT ?code WHERE {{ {WTDC25_DRAFTS} }}")
    assert codes == {f"{r}{n}" for r in ("AFR", "AMS", "ASP", "CIS", "EUR") for n in range(1, 6)}


def test_167_expected_results(graph):
    (count,) = rows(
        graph,
        f"SELECT (COUNT(?r) AS ?n) WHERE {{ {WTDC25_DRAFTS} ?r itu:expectedResultOf ?i . }}",
    )
    assert count == (167,)


def test_expected_results_per_initiative(graph):
    counts = dict(
        rows(
            graph,
            f"SELECT ?code (COUNT(?r) AS ?n) WHERE {{ {WTDC25_DRAFTS} ?r itu:expectedResultOf ?i }} GROUP BY ?code",
        )
    )
    expected = {
        "EUR": [6, 5, 5, 6, 6],
        "ASP": [5, 6, 8, 6, 10],
        "AMS": [5, 4, 6, 4, 5],
        "AFR": [17, 13, 12, 10, 8],
        "CIS": [3, 5, 4, 4, 4],
    }
    assert counts == {f"{r}{i + 1}": n for r, ns in expected.items() for i, n in enumerate(ns)}


def test_ordinals_run_from_one_without_gaps(graph):
    found = rows(
        graph,
        f"""SELECT ?code (MIN(?o) AS ?min) (MAX(?o) AS ?max) (COUNT(DISTINCT ?o) AS ?n)
        WHERE {{ {WTDC25_DRAFTS} ?r itu:expectedResultOf ?i ; itu:ordinal ?o }} GROUP BY ?code""",
    )
    assert len(found) == 25
    for code, low, high, distinct in found:
        assert (low, high) == (1, distinct), code


def test_eur3_title_and_objective(graph):
    ((title, objective),) = rows(
        graph,
        """SELECT ?t ?o WHERE {
           <https://w3id.org/itugraph/id/initiative/WTDC-25/EUR3/text/tdag-2025-rpm-coordination>
               dcterms:isVersionOf <https://w3id.org/itugraph/id/initiative/WTDC-25/EUR3> ;
               itu:status itu:draft ; dcterms:title ?t ; itu:objective ?o .
           FILTER (lang(?t) = "en") }""",
    )
    assert title == "Digital inclusion and skills development"
    assert objective.startswith("Objective of this initiative is to facilitate equitable access")
    assert objective.endswith("in order to take advantage of telecommunications/ICTs.")


def test_afr1_result_15(graph):
    ((text,),) = rows(
        graph,
        "SELECT ?d WHERE { <https://w3id.org/itugraph/id/initiative/WTDC-25/AFR1/result/15> dcterms:description ?d }",
    )
    assert text == (
        "Creation of a Network of Disaster Management Experts to strengthen knowledge sharing "
        "and regional collaboration in disaster preparedness and response"
    )


def test_cis5_last_result(graph):
    ((text,),) = rows(
        graph,
        "SELECT ?d WHERE { <https://w3id.org/itugraph/id/initiative/WTDC-25/CIS5/result/4> dcterms:description ?d }",
    )
    assert text == "Formation of a regional branch of the AI for Good platform."


TARGETS = """SELECT ?t WHERE {{ <https://w3id.org/itugraph/id/initiative/WTDC-25/{code}> itu:contributesTo ?t .
    ?t a itu:{kind} }}"""


@pytest.mark.parametrize(
    ("code", "wsis", "gdc", "sdg"),
    [
        ("EUR1", {1, 2, 6, 11}, {1}, {9}),
        ("EUR2", {1, 7, 11}, {4, 5}, {2, 3, 4, 9, 11}),
        ("EUR3", {1, 3, 4, 11}, {2}, {4, 5, 8, 10}),
        ("EUR4", {1, 5, 11}, {3}, {9, 16}),
        ("EUR5", {1, 4, 5, 6, 7, 11}, {2}, {9}),
    ],
)
def test_europe_tables_as_contributes_to(graph, code, wsis, gdc, sdg):
    def targets(kind):
        return values(graph, TARGETS.format(code=code, kind=kind))

    assert targets("WSISActionLine") == {f"wsis/C{n}" for n in wsis}
    assert targets("GDCObjective") == {f"gdc/{n}" for n in gdc}
    assert targets("SDG") == {f"sdg/{n}" for n in sdg}


def test_sdgs_europe_misses(graph):
    reached = values(
        graph,
        """SELECT DISTINCT ?n WHERE { ?i itu:region <https://w3id.org/itugraph/id/region/EUR> ; itu:contributesTo ?s .
           ?s a itu:SDG ; skos:notation ?n }""",
    )
    assert {int(n) for n in reached} == {2, 3, 4, 5, 8, 9, 10, 11, 16}


def test_arab_states_six_priorities(graph):
    found = rows(
        graph,
        """SELECT ?o ?t WHERE { ?p a itu:RegionalPriority ; itu:region <https://w3id.org/itugraph/id/region/ARB> ;
           itu:cycle <https://w3id.org/itugraph/id/conference/WTDC-25> ; itu:ordinal ?o ; dcterms:title ?t } ORDER BY ?o""",
    )
    assert found == [
        (1, "Sector Specific Transformation: Sustainable Digital Futures"),
        (2, "Infrastructure and Connectivity"),
        (3, "Fostering Economic Development and Digital Inclusion"),
        (4, "Skills Development & Job Creation"),
        (5, "Advancing Cyber Resilience in the Arab World"),
        (6, "Innovation Ecosystems and Emerging Technologies"),
    ]


def test_initiatives_adopted_at_wtdc25_named_by_bdt(graph):
    codes = values(
        graph,
        """SELECT ?code WHERE { GRAPH <https://w3id.org/itugraph/graph/cwg-fhr-bdt-regional-presence> {
           ?i a itu:RegionalInitiative ; itu:code ?code .
           ?text dcterms:isVersionOf ?i ; itu:status itu:adopted } }""",
    )
    assert codes == {
        "AFR2",
        "AFR4",
        "AMS3",
        "ARB4",
        "ASP4",
        "EUR5",
        "AMS2",
        "ARB1",
        "ASP2",
        "CIS2",
        "EUR3",
    }


def test_eur3_is_draft_in_tdag_and_adopted_in_bdt_report(graph):
    found = values(
        graph,
        """SELECT ?g ?text ?s WHERE { GRAPH ?g {
           ?text dcterms:isVersionOf <https://w3id.org/itugraph/id/initiative/WTDC-25/EUR3> ; itu:status ?s } }""",
    )
    assert found == {
        (
            "https://w3id.org/itugraph/graph/tdag-2025-rpm-coordination",
            "initiative/WTDC-25/EUR3/text/tdag-2025-rpm-coordination",
            "itu:draft",
        ),
        (
            "https://w3id.org/itugraph/graph/cwg-fhr-bdt-regional-presence",
            "initiative/WTDC-25/EUR3/text/cwg-fhr-bdt-regional-presence",
            "itu:adopted",
        ),
    }


def test_wtdc17_cis3_from_2020_report(graph):
    found = rows(
        graph,
        """SELECT ?t ?c WHERE { <https://w3id.org/itugraph/id/initiative/WTDC-17/CIS3> itu:cycle ?c ;
           prov:wasDerivedFrom <https://w3id.org/itugraph/id/document/tsag-2020-regional-offices> .
           ?text dcterms:isVersionOf <https://w3id.org/itugraph/id/initiative/WTDC-17/CIS3> ; dcterms:title ?t }""",
    )
    assert found == [
        (
            "Development and regulation of infocommunication infrastructure to make cities and human settlements inclusive, safe and resilient",
            "conference/WTDC-17",
        )
    ]


# --- regional preparatory meetings -----------------------------------------------------------

RPMS = {
    "rpm-arb-2025": ("2025-02-04", "2025-02-05", "city/amman", "Nooh Alshyab", 4),
    "rpm-eur-2025": ("2025-02-25", "2025-02-26", "city/budapest", "Péter Vári", 3),
    "rpm-asp-2025": ("2025-03-20", "2025-03-21", "city/bangkok", "Saneh Saiwong", 3),
    "rpm-ams-2025": ("2025-04-01", "2025-04-02", "city/asuncion", "Fernando Machuca Manevy", 3),
    "rpm-afr-2025": ("2025-04-08", "2025-04-09", "city/nairobi", "David Mugonyi", 4),
    "rpm-cis-2025": ("2025-04-24", "2025-04-25", "city/bishkek", "Azamat Zhamangulov", 2),
}


def test_six_rpms_for_wtdc25(graph):
    found = values(
        graph,
        "SELECT ?e WHERE { ?e a itu:RegionalPreparatoryMeeting ; itu:preparesFor <https://w3id.org/itugraph/id/conference/WTDC-25> }",
    )
    assert found == {f"event/{slug}" for slug in RPMS}


@pytest.mark.parametrize("slug", sorted(RPMS))
def test_rpm_dates_place_chair_and_vice_chairs(graph, slug):
    start, end, city, chair, vice_chairs = RPMS[slug]
    found = rows(
        graph,
        f"""SELECT ?s ?e ?place ?chair (COUNT(DISTINCT ?v) AS ?n) WHERE {{
            <https://w3id.org/itugraph/id/event/{slug}> itu:startDate ?s ; itu:endDate ?e ; itu:locatedIn ?place ; itu:chair ?c ;
                itu:viceChair ?v .
            ?c rdfs:label ?chair }} GROUP BY ?s ?e ?place ?chair""",
    )
    assert [(str(s), str(e), p, c, n) for s, e, p, c, n in found] == [
        (start, end, city, chair, vice_chairs)
    ]


def test_rpm_eur_vice_chairs_and_their_countries(graph):
    found = values(
        graph,
        """SELECT ?name ?country WHERE { <https://w3id.org/itugraph/id/event/rpm-eur-2025> itu:viceChair ?p .
           ?p rdfs:label ?name ; itu:represents ?country }""",
    )
    assert found == {
        ("Johann Gross", "country/DEU"),
        ("Inga Rimkevičienė", "country/LTU"),
        ("Milan B. Radulović", "country/MNE"),
    }


# --- regional presence ------------------------------------------------------------------------


def test_each_region_has_one_regional_office_in_its_city(graph):
    found = values(
        graph,
        "SELECT ?region ?city WHERE { ?o a itu:RegionalOffice ; itu:region ?region ; itu:locatedIn ?city }",
    )
    assert found == {
        ("region/AFR", "city/addis-ababa"),
        ("region/AMS", "city/brasilia"),
        ("region/ARB", "city/cairo"),
        ("region/ASP", "city/bangkok"),
        ("region/CIS", "city/moscow"),
        ("region/EUR", "city/geneva"),
    }


def test_area_offices_named(graph):
    found = values(graph, "SELECT ?o ?region WHERE { ?o a itu:AreaOffice ; itu:region ?region }")
    assert found == {
        ("office/ao-chile", "region/AMS"),
        ("office/ao-honduras", "region/AMS"),
        ("office/ao-barbados", "region/AMS"),
        ("office/ao-panama", "region/AMS"),
        ("office/ao-new-delhi", "region/ASP"),
    }


def test_central_america_office_moves_from_honduras_to_panama(graph):
    found = rows(
        graph,
        """SELECT ?to ?date WHERE { <https://w3id.org/itugraph/id/office/ao-honduras> itu:relocatedTo ?to .
           ?to itu:hostAgreementDate ?date ; itu:locatedIn <https://w3id.org/itugraph/id/country/PAN> }""",
    )
    assert [(t, str(d)) for t, d in found] == [("office/ao-panama", "2025-12-09")]


def test_heads_named_in_2020(graph):
    found = values(
        graph,
        """SELECT ?office ?name WHERE { GRAPH <https://w3id.org/itugraph/graph/tsag-2020-regional-offices> {
           ?office itu:headedBy ?p . ?p rdfs:label ?name } }""",
    )
    assert {name for _, name in found} == {
        "Andrew Rugege", "Bruno Ramos", "Adel Darwish", "Atsuko Okuda", "Natalia Mochu", "Jaroslaw Ponder",
    }  # fmt: skip


def test_regional_offices_have_chinese_labels_from_council_report(graph):
    found = values(
        graph,
        """SELECT ?o WHERE { GRAPH <https://w3id.org/itugraph/graph/council-2024-regional-presence> {
           ?o a itu:RegionalOffice ; rdfs:label ?l FILTER (lang(?l) = "zh") } }""",
    )
    assert found == {f"office/ro-{r}" for r in ("afr", "ams", "arb", "asp", "cis", "eur")}


# --- resolutions ----------------------------------------------------------------------------


def test_resolution_25_revisions(graph):
    found = values(
        graph,
        "SELECT ?rev ?conf WHERE { ?rev dcterms:isVersionOf <https://w3id.org/itugraph/id/resolution/PP/25> ; itu:adoptedAt ?conf }",
    )
    assert found == {
        ("resolution/PP/25/2018", "conference/PP-18"),
        ("resolution/PP/25/2022", "conference/PP-22"),
    }


def test_offices_reporting_under_resolution_25_bucharest(graph):
    found = values(
        graph,
        "SELECT ?o WHERE { ?o a itu:RegionalOffice ; itu:contributesTo <https://w3id.org/itugraph/id/resolution/PP/25/2022> }",
    )
    assert found == {f"office/ro-{r}" for r in ("afr", "ams", "arb", "asp", "cis", "eur")}


def test_resolution_90_kigali_and_baku(graph):
    found = values(
        graph,
        "SELECT ?conf WHERE { ?rev dcterms:isVersionOf <https://w3id.org/itugraph/id/resolution/WTDC/90> ; itu:adoptedAt ?conf }",
    )
    assert found == {"conference/WTDC-22", "conference/WTDC-25"}


def test_new_resolution_com3_1(graph):
    found = rows(
        graph,
        "SELECT ?n WHERE { <https://w3id.org/itugraph/id/resolution/WTDC/COM3-1> itu:number ?n }",
    )
    assert found == [("COM3/1",)]


# --- centres, programmes, projects (BDT report) ---------------------------------------------

CENTRES_BY_REGION = {
    "AccelerationCentre": {"AFR": 6, "AMS": 1, "ARB": 1, "ASP": 4, "CIS": 1, "EUR": 1},
    "DigitalTransformationCentre": {"AFR": 8, "AMS": 2, "ARB": 1, "ASP": 4},
    "AcademyTrainingCentre": {"AFR": 4, "AMS": 3, "ARB": 1, "ASP": 2, "EUR": 4},
    "OpenSourceProgrammeOffice": {"AFR": 1, "AMS": 1},
}


@pytest.mark.parametrize("kind", sorted(CENTRES_BY_REGION))
def test_centres_per_region(graph, kind):
    found = dict(
        rows(
            graph,
            f"""SELECT ?code (COUNT(?c) AS ?n) WHERE {{ ?c a itu:{kind} ; itu:region ?r .
                ?r itu:code ?code }} GROUP BY ?code""",
        )
    )
    assert found == CENTRES_BY_REGION[kind]


def test_dtc_total_matches_stated_15_and_atc_14(graph):
    assert sum(CENTRES_BY_REGION["DigitalTransformationCentre"].values()) == 15
    assert sum(CENTRES_BY_REGION["AcademyTrainingCentre"].values()) == 14


def test_ospos_in_kenya_and_trinidad_and_tobago(graph):
    found = values(
        graph,
        "SELECT ?country WHERE { ?c a itu:OpenSourceProgrammeOffice ; itu:inCountry ?country }",
    )
    assert found == {"country/KEN", "country/TTO"}


def test_osee_affiliate_countries(graph):
    found = dict(
        rows(
            graph,
            """SELECT ?code (COUNT(?c) AS ?n) WHERE { <https://w3id.org/itugraph/id/programme/osee-affiliate-countries> itu:affiliateCountry ?c .
               ?c itu:region ?r . ?r itu:code ?code } GROUP BY ?code""",
        )
    )
    assert found == {"AFR": 11, "AMS": 2, "ARB": 2, "ASP": 6, "CIS": 2}


def test_osee_funding_and_start(graph):
    found = rows(
        graph,
        """SELECT ?amount ?currency ?start ?funder WHERE { <https://w3id.org/itugraph/id/programme/osee> itu:amount ?amount ;
           itu:currency ?currency ; itu:startDate ?start ; itu:fundedBy ?funder }""",
    )
    assert [(a, c, str(s), f) for a, c, s, f in found] == [
        (Decimal(3000000), "EUR", "2023-09-01", "organization/european-commission")
    ]


def test_atc_project_funded_by_eu_4_million(graph):
    found = rows(
        graph,
        "SELECT ?a ?c WHERE { <https://w3id.org/itugraph/id/project/9glo23128> itu:amount ?a ; itu:currency ?c }",
    )
    assert found == [(Decimal(4000000), "EUR")]


def test_dtc_programme_contributes_to_wtdc_resolutions(graph):
    found = values(
        graph,
        """SELECT ?n WHERE { <https://w3id.org/itugraph/id/programme/dtc-initiative> itu:contributesTo ?r .
           ?r a itu:Resolution ; itu:number ?n }""",
    )
    assert {"37", "40", "55", "58", "64", "73", "76", "82", "89"} <= found


# --- projects and events (TSAG reports, Council report) ---------------------------------------


def test_dfat_project_end_kept_from_both_reports(graph):
    found = values(
        graph,
        """SELECT ?g ?p ?d WHERE { GRAPH ?g { <https://w3id.org/itugraph/id/project/critical-technologies-southeast-asia> ?p ?d .
           FILTER (?p IN (itu:startDate, itu:endDate, itu:plannedEndDate)) } }""",
    )
    graph_2025 = "https://w3id.org/itugraph/graph/tsag-2025-regional-offices"
    council = "https://w3id.org/itugraph/graph/council-2024-regional-presence"
    itu = "itu:"
    assert (graph_2025, f"{itu}endDate", "2024-12-31") in {(g, p, str(d)) for g, p, d in found}
    assert (council, f"{itu}plannedEndDate", "2024-06") in {(g, p, str(d)) for g, p, d in found}
    assert {str(d) for g, p, d in found if p == f"{itu}startDate"} == {"2021-06-04"}


@pytest.mark.parametrize(
    ("event", "count", "qualifier"),
    [
        ("bsg-workshop-bangalore-2024", 270, "more than"),
        ("metaverse-webinar-afr-2025", 78, "more than"),
        ("rdf-afr-2023", 300, "nearly"),
        ("rdf-ams-2023", 268, None),
        ("rdf-cis-2024", 105, None),
        ("rdf-eur-2023", 200, "more than"),
    ],
)
def test_participant_counts_as_the_text_gives_them(graph, event, count, qualifier):
    found = rows(
        graph,
        f"""SELECT ?n ?q WHERE {{ <https://w3id.org/itugraph/id/event/{event}> itu:participantCount ?n .
            OPTIONAL {{ <https://w3id.org/itugraph/id/event/{event}> itu:countQualifier ?q }} }}""",
    )
    assert found == [(count, qualifier)]


def test_atu_review_of_wtsa24_outcomes(graph):
    found = rows(
        graph,
        """SELECT ?d ?n ?online WHERE { ?e itu:startDate ?d ; itu:participantCount ?n ; itu:online ?online .
           FILTER (?n = 178) }""",
    )
    assert [(str(d), n, o) for d, n, o in found] == [("2025-03-12", 178, True)]


def test_sapeic_wtsa_training(graph):
    found = rows(
        graph,
        """SELECT ?s ?e ?n WHERE { ?ev itu:startDate ?s ; itu:endDate ?e ; itu:participantCount ?n .
           FILTER (?n = 23) }""",
    )
    assert [(str(s), str(e), n) for s, e, n in found] == [("2024-09-10", "2024-09-13", 23)]


def test_regional_development_forums(graph):
    found = values(
        graph, "SELECT ?e ?r WHERE { ?e a itu:RegionalDevelopmentForum ; itu:region ?r }"
    )
    assert found == {
        ("event/rdf-afr-2023", "region/AFR"),
        ("event/rdf-ams-2023", "region/AMS"),
        ("event/rdf-arb-2023", "region/ARB"),
        ("event/rdf-asp-2023", "region/ASP"),
        ("event/rdf-cis-2024", "region/CIS"),
        ("event/rdf-eur-2023", "region/EUR"),
    }


def test_cis_events_in_minsk_2020(graph):
    found = values(
        graph,
        """SELECT ?s WHERE { GRAPH <https://w3id.org/itugraph/graph/tsag-2020-regional-offices> {
           ?e itu:locatedIn <https://w3id.org/itugraph/id/city/minsk> ; itu:startDate ?s } }""",
    )
    assert {str(s) for s in found} == {"2020-03-04", "2020-03-03"}


def test_cis_regional_forum_st_petersburg(graph):
    found = rows(
        graph,
        "SELECT ?s ?e WHERE { <https://w3id.org/itugraph/id/event/cis-regional-forum-2025> itu:startDate ?s ; itu:endDate ?e ; itu:locatedIn <https://w3id.org/itugraph/id/city/st-petersburg> }",
    )
    assert [(str(s), str(e)) for s, e in found] == [("2025-06-09", "2025-06-11")]


# --- completeness and provenance --------------------------------------------------------------


def test_every_stated_entity_has_provenance(graph):
    lacking = values(
        graph,
        """SELECT ?e WHERE { ?e a ?c . FILTER (STRSTARTS(STR(?e), "https://w3id.org/itugraph/id/"))
           FILTER NOT EXISTS { ?e prov:wasDerivedFrom ?d } FILTER NOT EXISTS { ?e dcterms:source ?s }
           FILTER (?c != itu:SourceDocument) }""",
    )
    assert lacking == set()


def test_every_source_contributes_facts(graph):
    found = dict(
        rows(
            graph,
            "SELECT ?d (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e prov:wasDerivedFrom ?d } GROUP BY ?d",
        )
    )
    assert set(found) == {f"document/{d.slug}" for d in source_documents()}
    assert all(n >= 40 for n in found.values()), found
