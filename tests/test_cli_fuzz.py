"""The command line under arbitrary user input (hypothesis): never a traceback, always a documented
exit status (0 done, 1 violations, 2 cannot run or bad usage), and no file written or removed
outside the output location given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itugraph.cli import main

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
NAMES = st.sampled_from(["regions", "field-offices", "initiative", "search", "target-gaps", "nope"])
PARAMS = st.sampled_from(["region", "kind", "cycle", "phrase", "language", "code", "x"])
FORMATS = st.sampled_from(["table", "csv", "tsv", "json", "md", "html", "nt", "ttl", "bogus"])


#: What other tests or tools write while these run (caches, the virtual environment, screenshots).
NOT_OURS = {".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis",
            "test-output", "dist"}  # fmt: skip


def snapshot(folder: Path) -> set[str]:
    """Every file and folder below ``folder``, but for NOT_OURS."""
    found = set()
    for current, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name not in NOT_OURS]
        for name in folders + files:
            found.add(str((Path(current) / name).relative_to(folder)))
    return found


def check(result, before: set[str], after: set[str], allowed: set[str] = frozenset()) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert after - before <= allowed, after - before
    assert before - after == set()


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None
)


@FUZZ
@given(name=NAMES, params=st.lists(st.tuples(PARAMS, TEXT), max_size=3), fmt=FORMATS)
def test_query(runner, name, params, fmt):
    args = ["query", name, "--format", fmt]
    for key, value in params:
        args += ["--param", f"{key}={value}"]
    before = snapshot(Path.cwd())
    result = runner.invoke(main, args)
    check(result, before, snapshot(Path.cwd()))


@FUZZ
@given(text=TEXT, fmt=FORMATS)
def test_sparql(runner, text, fmt):
    before = snapshot(Path.cwd())
    result = runner.invoke(main, ["sparql", text, "--format", fmt, "--timeout", "5"])
    check(result, before, snapshot(Path.cwd()))


@FUZZ
@given(version=TEXT, issued=TEXT)
def test_release_arguments(runner, tmp_path_factory, version, issued):
    """Only the version check and the date check run: a bad value never reaches the disk."""
    out = tmp_path_factory.mktemp("release")
    (out / "keep.txt").write_text("mine")
    before = snapshot(out.parent)
    result = runner.invoke(
        main, ["release", "-o", str(out), "--version", version, "--issued", issued]
    )
    after = snapshot(out.parent)
    allowed = (
        {p for p in after if p.startswith(f"{out.name}/{version}")}
        if result.exit_code == 0
        else set()
    )
    check(result, before, after, allowed)
    assert (out / "keep.txt").read_text() == "mine"


@FUZZ
@given(kind=st.sampled_from(["resolution", "sdg", "wsis", "gdc", "x"]), fmt=FORMATS, code=TEXT)
def test_reports(runner, tmp_path_factory, kind, fmt, code):
    out = tmp_path_factory.mktemp("report")
    before = snapshot(out)
    coverage = runner.invoke(
        main, ["report", "coverage", "--by", kind, "--format", fmt, "-o", str(out / "c")]
    )
    region = runner.invoke(main, ["report", "region", code, "-o", str(out / "r")])
    after = snapshot(out)
    check(coverage, before, after, {"c", "r"})
    check(region, before, after, {"c", "r"})


def test_the_fuzzed_commands_run_where_the_graph_is():
    assert (Path.cwd() / "pyproject.toml").is_file() and os.access(Path.cwd(), os.R_OK)
