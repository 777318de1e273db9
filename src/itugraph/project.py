"""Which files a run reads: the project folder around the current directory, else the package.

Every command, and every public function given no folder, finds the graph's files the way tools
of this kind find their configuration:

1. an explicit data folder (``--data-dir``, or the ``ITUGRAPH_DATA_DIR`` environment variable),
   which replaces the data folder of the project found below;
2. the nearest folder, from the current directory upwards, holding ``itugraph.toml``, a
   ``pyproject.toml`` with an ``[tool.itugraph]`` table, or the project layout itself
   (``ontology/``, ``shapes/`` and ``data/`` side by side);
3. outside any such folder, the ontology, shapes, data and queries packaged with itugraph.

The configuration (``itugraph.toml``, or the ``[tool.itugraph]`` table) names folders relative to
the file that holds it::

    extends-package = true    # read the package's ontology, shapes, data and queries first
    data = "data"             # a folder or a list of folders; these are the defaults
    shapes = "shapes"         # (a default folder that does not exist is skipped)
    ontology = "ontology"
    queries = "queries"

With ``extends-package`` (the default in a configuration file) a data repository adds its own
facts, shapes, ontology terms and queries to the package's; without it (the project layout, and
itugraph's own repository) the project's folders are all there is.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .resources import RESOURCE_KINDS, resource_path

CONFIG_FILE = "itugraph.toml"
DATA_ENV = "ITUGRAPH_DATA_DIR"
_SETTINGS = ("extends-package", *RESOURCE_KINDS)


class ProjectError(ValueError):
    """The project's configuration cannot be read or names a folder that is not there."""


@dataclass(frozen=True)
class Project:
    """The folders one run reads, in load order, and how they were found.

    ``root`` is the project folder (None for the packaged data alone); ``found_by`` says which
    marker or option chose the folders, for the line every run prints.
    """

    root: Path | None
    found_by: str
    ontology: tuple[Path, ...]
    shapes: tuple[Path, ...]
    data: tuple[Path, ...]
    queries: tuple[Path, ...]

    def folders(self, kind: str) -> tuple[Path, ...]:
        """The folders of one kind of resource: ontology, shapes, data or queries."""
        if kind not in RESOURCE_KINDS:
            raise ValueError(f"unknown resource kind {kind!r}; expected one of {RESOURCE_KINDS}")
        return getattr(self, kind)

    def describe(self) -> str:
        """Where the data comes from, for people: ``./data (pyproject.toml [tool.itugraph])``."""
        packaged = resource_path("data").resolve()
        names = [
            "the itugraph package's data"
            if folder == packaged and not folder.is_relative_to(Path.cwd().resolve())
            else _display(folder)
            for folder in self.data
        ]
        return f"{' + '.join(names)} ({self.found_by})"


def relative_path(path: str | Path) -> str:
    """A path relative to the current directory when it is inside it (as CI annotations and
    people expect), else as it is."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _display(path: Path) -> str:
    shown = relative_path(path)
    return shown if Path(shown).is_absolute() else "." if shown == "." else f"./{shown}"


def packaged_project() -> Project:
    """The ontology, shapes, data and queries installed with the package."""
    kinds = {kind: (resource_path(kind).resolve(),) for kind in RESOURCE_KINDS}
    return Project(root=None, found_by="installed package", **kinds)


def find_project_root(start: Path | None = None) -> tuple[Path, str] | None:
    """The nearest folder from ``start`` (the current directory) upwards that is an itugraph
    project, and the marker that makes it one; None outside any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder, CONFIG_FILE
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_itugraph_table(pyproject):
            return folder, "pyproject.toml [tool.itugraph]"
        if all((folder / kind).is_dir() for kind in ("ontology", "shapes", "data")):
            return folder, "project layout"
    return None


def _has_itugraph_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml has a [tool.itugraph] table; one that does not parse is someone
    else's unless its text names the table (then the error is worth showing)."""
    try:
        return "itugraph" in _read_toml(pyproject).get("tool", {})
    except ProjectError:
        if "[tool.itugraph]" in pyproject.read_text(encoding="utf-8", errors="replace"):
            raise
        return False


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ProjectError(f"{path}: cannot read it as TOML: {error}") from None


def _settings(root: Path, marker: str) -> dict:
    if marker == CONFIG_FILE:
        settings = _read_toml(root / CONFIG_FILE)
        where = root / CONFIG_FILE
    elif marker.startswith("pyproject.toml"):
        settings = _read_toml(root / "pyproject.toml")["tool"]["itugraph"]
        where = root / "pyproject.toml"
    else:
        return {"extends-package": False}
    unknown = sorted(set(settings) - set(_SETTINGS))
    if unknown:
        raise ProjectError(
            f"{where}: unknown setting {unknown[0]!r}; the settings are {', '.join(_SETTINGS)}"
        )
    if not isinstance(settings.get("extends-package", True), bool):
        raise ProjectError(f"{where}: extends-package must be true or false")
    return settings | {"where": where}


def _project_folders(root: Path, kind: str, settings: dict) -> tuple[Path, ...]:
    named = settings.get(kind)
    if named is None:
        default = root / kind
        return (default.resolve(),) if default.is_dir() else ()
    names = [named] if isinstance(named, str) else named
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ProjectError(f"{settings['where']}: {kind} must be a folder or a list of folders")
    folders = []
    for name in names:
        folder = (root / name).resolve()
        if not folder.is_dir():
            raise ProjectError(f"{settings['where']}: {kind} folder {name!r} is not there")
        folders.append(folder)
    return tuple(folders)


def locate(
    data_dir: Path | None = None, start: Path | None = None, *, environment: bool = True
) -> Project:
    """The folders a run reads (see the module's docstring): ``data_dir`` (else the
    ``ITUGRAPH_DATA_DIR`` environment variable, unless ``environment`` is false) replaces the
    found project's data folders."""
    found_by_option = ""
    if data_dir is None and environment and os.environ.get(DATA_ENV):
        data_dir, found_by_option = Path(os.environ[DATA_ENV]), DATA_ENV
    elif data_dir is not None:
        found_by_option = "--data-dir"
    if data_dir is not None and not Path(data_dir).is_dir():
        raise ProjectError(f"data folder {data_dir} is not there")
    packaged = packaged_project()
    found = find_project_root(start)
    if found is None:
        project = packaged
    else:
        root, marker = found
        settings = _settings(root, marker)
        extends = settings.get("extends-package", True)
        kinds = {}
        for kind in RESOURCE_KINDS:
            own = _project_folders(root, kind, settings)
            base = packaged.folders(kind) if extends or not own else ()
            kinds[kind] = tuple(dict.fromkeys((*base, *own)))
        project = Project(root=root, found_by=_marker_text(root, marker), **kinds)
    if data_dir is None:
        return project
    explicit = Path(data_dir).resolve()
    base = packaged.data if found is not None and _extends(found) else ()
    data = tuple(dict.fromkeys((*[d for d in base if d != explicit], explicit)))
    return Project(
        root=project.root,
        found_by=found_by_option,
        ontology=project.ontology,
        shapes=project.shapes,
        data=data,
        queries=project.queries,
    )


def _marker_text(root: Path, marker: str) -> str:
    if marker == "project layout":
        return f"project layout of {_display(root)}"
    file, _, table = marker.partition(" ")
    return f"{_display(root / file)} {table}".strip()


def _extends(found: tuple[Path, str]) -> bool:
    return bool(_settings(*found).get("extends-package", True))


def as_project(where: Project | Path | str | None) -> Project:
    """A Project from what a public function was given: a Project as it is, a data folder (which
    replaces the found project's), or None (the project around the current directory)."""
    if isinstance(where, Project):
        return where
    return locate(None if where is None else Path(where))
