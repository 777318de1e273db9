"""Shared fixtures: the built graph (loaded once per session) and helpers for temporary data folders."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset

from itugraph.graph import load_graph
from itugraph.resources import resource_path

FIXTURES = Path(__file__).parent / "fixtures"
ID = "https://w3id.org/itugraph/id/"
DEF = "https://w3id.org/itugraph/def#"


def simplify(term):
    """A query answer's term as tests compare it: id/ IRIs as paths, ontology terms as itu:X,
    numbers and booleans as Python values, everything else as its text."""
    if term is None:
        return None
    text = str(term)
    if text.startswith(ID):
        return text.removeprefix(ID)
    if text.startswith(DEF):
        return "itu:" + text.removeprefix(DEF)
    value = term.toPython() if hasattr(term, "toPython") else text
    return value if isinstance(value, bool | int | Decimal) else text


@pytest.fixture(scope="session")
def graph() -> Dataset:
    """The shipped graph: ontology, reference vocabularies and every source's data."""
    return load_graph()


@pytest.fixture
def reference_only_data(tmp_path: Path) -> Path:
    """A data folder holding only the reference vocabularies, to add test files to."""
    data = tmp_path / "data"
    shutil.copytree(resource_path("data") / "reference", data / "reference")
    return data
