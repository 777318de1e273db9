"""Shared fixtures: the built graph (loaded once per session) and helpers for temporary data folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset

from itugraph.graph import load_graph
from itugraph.resources import resource_path

FIXTURES = Path(__file__).parent / "fixtures"


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
