"""Each canned query's answer pinned to what the documents say (test_queries.py covers mechanics)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from itugraph.queries import ParameterError, run_query

from .conftest import simplify


def answer(graph, name, *columns, **params) -> list[tuple]:
    return [tuple(simplify(row[c]) for c in columns) for row in run_query(name, graph, **params)]


def test_resolution_25_dubai_offices_from_2020_report(graph):
    rows = answer(
        graph,
        "resolution-coverage",
        "region",
        "item",
        "document",
        resolution="resolution/PP/25/2018",
    )
    assert rows == [
        (f"region/{code}", f"office/ro-{code.lower()}", "document/tsag-2020-regional-offices")
        for code in ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR")
    ]


def test_resolution_90_through_the_acceleration_centres(graph):
    rows = answer(
        graph,
        "resolution-coverage",
        "region",
        "kind",
        "item",
        "via",
        resolution="resolution/WTDC/90",
    )
    centres = Counter(
        region for region, kind, item, via in rows if kind == "itu:AccelerationCentre"
    )
    # Each centre is linked twice: to Res. 90 (Kigali, 2022) and (Rev. Baku, 2025).
    assert centres == {
        "region/AFR": 12,
        "region/AMS": 2,
        "region/ARB": 2,
        "region/ASP": 8,
        "region/CIS": 2,
        "region/EUR": 2,
    }
    assert {via for *_, via in rows} == {"programme/acceleration-centres"}


def test_resolution_the_documents_never_cite(graph):
    assert answer(graph, "resolution-coverage", "item", resolution="resolution/PP/999") == []


def test_matrix_cells_for_resolution_90(graph):
    cells = {
        region: items
        for resolution, region, items in answer(
            graph, "resolution-matrix", "resolution", "region", "items"
        )
        if resolution == "resolution/WTDC/90"
    }
    assert cells == {
        "region/AFR": 6,
        "region/AMS": 1,
        "region/ARB": 1,
        "region/ASP": 4,
        "region/CIS": 1,
        "region/EUR": 1,
    }


def test_gdc_coverage_is_europe_only(graph):
    rows = answer(graph, "target-coverage", "region", "notation", "initiatives", kind="gdc")
    assert rows == [
        ("region/EUR", n, count) for n, count in [("1", 1), ("2", 2), ("3", 1), ("4", 1), ("5", 1)]
    ]


def test_no_sdg_coverage_stated_for_africa(graph):
    assert answer(graph, "target-coverage", "target", kind="sdg", region="AFR") == []


def test_wsis_action_lines_europe_misses(graph):
    assert answer(graph, "target-gaps", "notation", region="EUR", kind="wsis") == [
        ("C8",),
        ("C9",),
        ("C10",),
    ]


def test_sdgs_europe_misses(graph):
    rows = answer(graph, "target-gaps", "notation", region="EUR")
    assert [int(n) for (n,) in rows] == [1, 6, 7, 12, 13, 14, 15, 17]


def test_target_kind_must_be_a_choice(graph):
    with pytest.raises(ParameterError, match="expected one of sdg, wsis, gdc"):
        run_query("target-gaps", graph, region="EUR", kind="mdg")


def test_initiative_cis1_in_order(graph):
    rows = answer(
        graph, "initiative", "code", "ordinal", "text", initiative="initiative/WTDC-25/CIS1"
    )
    assert [(code, n) for code, n, _ in rows] == [("CIS1", 1), ("CIS1", 2), ("CIS1", 3)]
    assert (
        rows[1][2]
        == "Analyse ways to develop and implement green ICTs, including energy efficiency;"
    )


def test_expected_results_per_region_in_wtdc25(graph):
    rows = answer(
        graph,
        "expected-results-by-region",
        "region",
        "initiatives",
        "results",
        cycle="conference/WTDC-25",
    )
    assert rows == [
        ("region/AFR", 5, 60), ("region/AMS", 5, 24), ("region/ARB", 2, 0),
        ("region/ASP", 5, 35), ("region/CIS", 5, 20), ("region/EUR", 5, 28),
    ]  # fmt: skip


def test_cis_initiatives_across_cycles(graph):
    rows = answer(graph, "initiatives-across-cycles", "cycle", "code", region="CIS")
    assert sorted(set(rows)) == [("conference/WTDC-17", "CIS3")] + [
        ("conference/WTDC-25", f"CIS{n}") for n in range(1, 6)
    ]


def test_area_office_move(graph):
    rows = answer(graph, "area-office-changes", "office", "successor", "to", "agreement")
    assert [(o, s, t, str(a)) for o, s, t, a in rows] == [
        ("office/ao-honduras", "office/ao-panama", "country/PAN", "2025-12-09")
    ]


def test_cis_events_of_2020(graph):
    rows = answer(graph, "events-in-region", "event", "place", region="CIS", year="2020")
    assert rows == [
        ("event/ssc-forum-minsk-2020", "city/minsk"),
        ("event/sg20rg-eecat-2020", "city/minsk"),
        ("event/sg3rg-eecat-2020", "city/minsk"),
    ]


def test_no_events_in_a_year_the_reports_do_not_cover(graph):
    assert answer(graph, "events-in-region", "event", region="EUR", year="1999") == []


def test_year_parameter_is_checked(graph):
    with pytest.raises(ParameterError, match="parameter 'year'"):
        run_query("events-in-region", graph, region="EUR", year="99")


def test_cis_forum_organizers(graph):
    rows = answer(graph, "event-partners", "event", "role", "agent", region="CIS")
    assert ("event/cis-regional-forum-2025", "organizer", "office/ro-cis") in rows
    assert ("event/cis-regional-forum-2025", "organizer", "organization/tsb") in rows


def test_preparatory_meetings_for_wtdc25(graph):
    rows = answer(graph, "preparatory-meetings", "meeting", "role", "name")
    roles = Counter(role for _, role, _ in rows)
    assert roles == {"chair": 6, "vice-chair": 19}
    assert rows[0][0] == "event/rpm-arb-2025"


def test_no_preparatory_meetings_recorded_for_wtdc22(graph):
    assert answer(graph, "preparatory-meetings", "meeting", conference="conference/WTDC-22") == []


def test_open_source_programme_offices(graph):
    rows = answer(graph, "centres", "region", "country", kind="ospo")
    assert rows == [("region/AFR", "country/KEN"), ("region/AMS", "country/TTO")]


def test_osee_programme_funding(graph):
    rows = {
        (funder, amount, currency)
        for programme, funder, amount, currency in answer(
            graph, "programmes", "programme", "funder", "amount", "currency"
        )
        if programme == "programme/osee"
    }
    assert rows == {("organization/european-commission", Decimal(3000000), "EUR")}


def test_dfat_project_in_two_reports(graph):
    rows = {
        (document, str(end) if end else None, str(planned) if planned else None)
        for project, document, end, planned in answer(
            graph, "projects", "project", "document", "end", "plannedEnd"
        )
        if project == "project/critical-technologies-southeast-asia"
    }
    assert rows == {
        ("document/tsag-2025-regional-offices", "2024-12-31", None),
        ("document/council-2024-regional-presence", None, "2024-06"),
    }


def test_people_by_role(graph):
    roles = Counter(role for (role,) in answer(graph, "people", "role"))
    assert roles == {"head": 6, "chair": 6, "vice-chair": 19}


def test_region_summary(graph):
    rows = answer(graph, "region-summary", "code", "offices", "initiatives", "results")
    assert rows == [
        ("AFR", 1, 5, 60), ("AMS", 5, 5, 24), ("ARB", 1, 2, 0),
        ("ASP", 2, 5, 35), ("CIS", 1, 6, 20), ("EUR", 1, 5, 28),
    ]  # fmt: skip


def test_where_reports_disagree(graph):
    rows = answer(graph, "conflicting-statements", "entity", "property", "value", "document")
    assert [(e, p, str(v), d) for e, p, v, d in rows] == [
        (
            "project/critical-technologies-southeast-asia",
            "itu:endDate",
            "2024-12-31",
            "document/tsag-2025-regional-offices",
        ),
        (
            "project/critical-technologies-southeast-asia",
            "itu:plannedEndDate",
            "2024-06",
            "document/council-2024-regional-presence",
        ),
    ]
