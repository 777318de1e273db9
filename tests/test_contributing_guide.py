"""docs/contributing-data.md, followed literally: a broken edit is caught where it is made, at the
repository's root, in pre-commit and in the guide's rehearsal, which runs block by block."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import REPOSITORY, command_environment, copy_of_repository, itugraph

GUIDE = REPOSITORY / "docs" / "contributing-data.md"
EDITED = "data/tsag-2020-regional-offices.ttl"
#: The statement the issue's maintainer broke, and what they broke it into.
GOOD_LINE = '    itu:startDate "2020"^^xsd:gYear ;'
BROKEN_LINE = '    itu:startDate "soon"@en ;'


def break_line_78(repository: Path) -> None:
    path = repository / EDITED
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[77].rstrip("\n") == GOOD_LINE, "the edited statement moved; update GOOD_LINE"
    lines[77] = BROKEN_LINE + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def test_a_broken_edit_fails_validation_at_the_repository_root(tmp_path: Path):
    repository = copy_of_repository(tmp_path / "clone")
    assert itugraph("validate", cwd=repository).returncode == 0
    break_line_78(repository)
    result = itugraph("validate", cwd=repository)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"at {EDITED}:78" in result.stdout
    assert "from ./data (./pyproject.toml [tool.itugraph])" in result.stderr
    annotations = itugraph("validate", "--format", "github", cwd=repository).stdout
    assert (
        f"::error file={EDITED},line=78::event:apt-wtsa-preparatory-meetings-2020:" in annotations
    )


def git(repository: Path, *args: str) -> subprocess.CompletedProcess:
    env = command_environment() | {
        "PRE_COMMIT_HOME": str(repository.parent / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "Maintainer",
        "GIT_AUTHOR_EMAIL": "maintainer@example.org",
        "GIT_COMMITTER_NAME": "Maintainer",
        "GIT_COMMITTER_EMAIL": "maintainer@example.org",
    }
    return subprocess.run(
        ["git", *args], cwd=repository, env=env, capture_output=True, text=True, check=False
    )


def test_pre_commit_refuses_a_broken_edit_and_takes_a_good_one(tmp_path: Path):
    """The repository's own .pre-commit-config.yaml, installed with the real pre-commit."""
    repository = copy_of_repository(tmp_path / "clone", ".pre-commit-config.yaml")
    assert git(repository, "init", "-q").returncode == 0
    git(repository, "add", "-A")
    assert git(repository, "commit", "-qm", "the graph").returncode == 0
    installed = subprocess.run(
        ["pre-commit", "install"], cwd=repository, env=command_environment(), capture_output=True
    )
    assert installed.returncode == 0, installed.stderr

    break_line_78(repository)
    refused = git(repository, "commit", "-am", "a broken edit")
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "itugraph validate" in output and "Failed" in output
    assert f"at {EDITED}:78" in output
    assert "A start date is one xsd:date, xsd:gYearMonth or xsd:gYear" in output
    assert git(repository, "log", "--oneline").stdout.count("\n") == 1

    path = repository / EDITED
    path.write_text(
        path.read_text(encoding="utf-8").replace(BROKEN_LINE, GOOD_LINE.replace("2020", "2021")),
        encoding="utf-8",
    )
    accepted = git(repository, "commit", "-am", "a good edit")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert re.search(r"itugraph validate\.+Passed", accepted.stdout + accepted.stderr)


def test_local_hooks_are_the_published_hooks():
    """.pre-commit-config.yaml runs the hooks .pre-commit-hooks.yaml offers data repositories."""
    published = yaml.safe_load((REPOSITORY / ".pre-commit-hooks.yaml").read_text())
    config = yaml.safe_load((REPOSITORY / ".pre-commit-config.yaml").read_text())
    (local,) = config["repos"]
    fields = ("id", "entry", "files", "pass_filenames")
    assert [{k: h.get(k) for k in fields} for h in local["hooks"]] == [
        {k: h.get(k) for k in fields} for h in published
    ]


def rehearsal_blocks() -> list[str]:
    section = GUIDE.read_text(encoding="utf-8").split("\n## Rehearsal\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.DOTALL)


def test_the_guide_has_three_rehearsal_blocks():
    assert len(rehearsal_blocks()) == 3


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory) -> list[subprocess.CompletedProcess]:
    """The guide's rehearsal blocks, run in order in a scratch copy of the repository."""
    repository = copy_of_repository(tmp_path_factory.mktemp("rehearsal") / "copy", "tests")
    return [
        subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", block],
            cwd=repository,
            env=command_environment(),
            capture_output=True,
            text=True,
        )
        for block in rehearsal_blocks()
    ]


def test_rehearsal_a_bad_date_is_refused_with_file_and_line(rehearsal):
    added = rehearsal[0]
    assert added.returncode == 0, added.stdout + added.stderr
    assert "event:rehearsal-webinar-2020  (in tsag-2020-regional-offices.ttl) at " in added.stdout
    assert re.search(rf"at {EDITED}:\d+\n  Violation: A start date is one", added.stdout)


def test_rehearsal_the_corrected_fact_is_in_the_graph(rehearsal):
    corrected = rehearsal[1]
    assert corrected.returncode == 0, corrected.stdout + corrected.stderr
    assert f"reformatted: {EDITED}" in corrected.stdout
    assert "Conforms." in corrected.stdout and "│ 2020-06 │" in corrected.stdout


def test_rehearsal_a_new_report_validates_and_passes_the_source_tests(rehearsal):
    report = rehearsal[2]
    assert report.returncode == 0, report.stdout + report.stderr
    assert "reformatted: data/rehearsal-report.ttl" in report.stdout
    assert "in 9 graphs from ./data (./pyproject.toml [tool.itugraph])" in report.stderr
    assert re.search(r"=+ \d+ passed", report.stdout) and "failed" not in report.stdout
