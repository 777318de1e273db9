"""Reference data integrity: country codes are ISO 3166-1 alpha-3 and labelled as pycountry names them."""

from __future__ import annotations

import pycountry
import pytest

from itugraph.namespaces import ID, ITU, RDF, RDFS


def countries(graph):
    return sorted({s for s in graph.subjects(RDF.type, ITU.Country)})


def test_countries_are_iso_alpha3_with_pycountry_labels(graph):
    problems = []
    for country in countries(graph):
        code = str(country).removeprefix(f"{ID}country/")
        record = pycountry.countries.get(alpha_3=code)
        if record is None:
            problems.append(f"{code}: not an ISO 3166-1 alpha-3 code")
            continue
        expected = getattr(record, "common_name", None) or record.name
        labels = {str(x) for x in graph.objects(country, RDFS.label) if x.language == "en"}
        if labels != {expected}:
            problems.append(f"{code}: label {labels} but pycountry names it {expected!r}")
    assert len(countries(graph)) > 80
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", [ITU.SDG, ITU.WSISActionLine, ITU.GDCObjective])
def test_target_counts(graph, kind):
    expected = {ITU.SDG: 17, ITU.WSISActionLine: 11, ITU.GDCObjective: 5}[kind]
    assert len(set(graph.subjects(RDF.type, kind))) == expected
