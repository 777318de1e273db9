"""A built wheel carries the ontology, shapes, data and queries, and works outside the checkout;
CI runs exactly the README's test command."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```sh\n")[1:3]
    return [block.split("\n```")[0].strip() for block in blocks]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_commands()[1] in ci


def test_readme_main_command_serves():
    assert readme_commands()[0].endswith("itugraph serve")


@pytest.mark.packaging
def test_wheel_works_outside_the_checkout(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
    )
    (wheel,) = tmp_path.glob("itugraph-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for resource in (
        "itugraph/resources/ontology/itugraph.ttl",
        "itugraph/resources/shapes/itugraph-shapes.ttl",
        "itugraph/resources/data/reference/regions.ttl",
        "itugraph/resources/queries/field-offices.rq",
        "itugraph/py.typed",
    ):
        assert resource in names, f"{resource} missing from {wheel.name}"
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import itugraph, itugraph.resources as r;"
        f"assert str(r.resource_root()).startswith({str(site)!r}), r.resource_root();"
        "rows = list(itugraph.run_query('regions'));"
        "print(len(rows))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "6"
