"""Which files a run reads: the project around the current directory, its configuration, the
packaged data outside any project, and clear errors for a configuration that is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from itugraph.project import ProjectError, locate, packaged_project
from itugraph.resources import resource_path


def make(root: Path, *folders: str, config: str | None = None) -> Path:
    for folder in folders:
        (root / folder).mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "itugraph.toml").write_text(config)
    return root


def test_outside_any_project_the_package_is_read(tmp_path):
    assert locate(start=tmp_path) == packaged_project()


def test_a_subfolder_of_a_project_finds_its_root(tmp_path):
    root = make(tmp_path / "repo", "ontology", "shapes", "data", "data/sources/deep")
    project = locate(start=root / "data" / "sources" / "deep")
    assert project.root == root.resolve()
    assert project.data == ((root / "data").resolve(),)
    assert project.shapes == ((root / "shapes").resolve(),)
    assert project.found_by.startswith("project layout of ")


def test_a_data_repository_extends_the_package(tmp_path):
    root = make(tmp_path / "mine", "data", "shapes", config='data = "data"\n')
    project = locate(start=root)
    assert project.data == (resource_path("data").resolve(), (root / "data").resolve())
    assert project.shapes == (resource_path("shapes").resolve(), (root / "shapes").resolve())
    assert project.ontology == (resource_path("ontology").resolve(),)


def test_data_dir_replaces_the_projects_own_data_only(tmp_path):
    root = make(tmp_path / "mine", "data", "other", config="extends-package = true\n")
    project = locate(root / "other", start=root)
    assert project.data == (resource_path("data").resolve(), (root / "other").resolve())
    assert project.found_by == "--data-dir"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('dta = "data"\n', "unknown setting 'dta'; the settings are extends-package, ontology"),
        ('data = "nowhere"\n', "data folder 'nowhere' is not there"),
        ("extends-package = 1\n", "extends-package must be true or false"),
        ("data = [1]\n", "data must be a folder or a list of folders"),
        ("data = \n", "cannot read it as TOML"),
    ],
)
def test_a_wrong_configuration_is_named(tmp_path, config, message):
    root = make(tmp_path / "mine", "data", config=config)
    with pytest.raises(ProjectError) as raised:
        locate(start=root)
    assert str(raised.value).startswith(str(root / "itugraph.toml"))
    assert message in str(raised.value)


def test_someone_elses_broken_pyproject_is_not_ours(tmp_path):
    (tmp_path / "pyproject.toml").write_text("this is [not toml\n")
    assert locate(start=tmp_path) == packaged_project()
    (tmp_path / "pyproject.toml").write_text("[tool.itugraph]\ndata = \n")
    with pytest.raises(ProjectError, match="cannot read it as TOML"):
        locate(start=tmp_path)
