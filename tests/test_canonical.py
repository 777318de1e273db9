"""Curated Turtle stays in one canonical form, so diffs show real changes."""

from __future__ import annotations

import pytest

from itugraph.canonical import canonical_turtle, curated_files

FILES = curated_files()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_data_file_is_canonical(path):
    assert path.read_text(encoding="utf-8") == canonical_turtle(path), (
        f"{path} is not in canonical form; run: itugraph format {path}"
    )
