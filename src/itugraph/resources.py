"""Locate the project's resources (ontology, shapes, data, queries) in a wheel or a checkout."""

from importlib.resources import files
from pathlib import Path

RESOURCE_KINDS = ("ontology", "shapes", "data", "queries")


class ResourceNotFoundError(RuntimeError):
    """The ontology, shapes, data or queries folder cannot be found."""


def resource_root() -> Path:
    """Return the folder holding ontology/, shapes/, data/ and queries/.

    An installed wheel carries them as ``itugraph/resources``; an editable install or a
    checkout finds them at the repository root, two levels above this package.
    """
    packaged = Path(str(files("itugraph"))) / "resources"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir():
        return checkout
    raise ResourceNotFoundError(
        f"itugraph resources not found in {packaged} nor in {checkout}; reinstall the package"
    )


def resource_path(kind: str) -> Path:
    """Return the folder of one kind of resource: ontology, shapes, data or queries."""
    if kind not in RESOURCE_KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {RESOURCE_KINDS}")
    return resource_root() / kind
