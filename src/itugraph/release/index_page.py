"""index.html: the release's landing page, what it is, its licence, and every file with its media
type, size and SHA-256, so a person can download and check each one."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from .description import DESCRIPTION, LICENSE, MEDIA_TYPES, TITLE, sha256

TEMPLATES = Path(__file__).parents[1] / "templates"


def index_html(
    files: dict[str, Path],
    version: str,
    issued: str,
    endpoint: str | None,
    conforms: bool,
    previous: tuple[str, str] | None = None,
) -> bytes:
    """The release's landing page: what it is, its licence, and every file with its media type,
    size and SHA-256, so a person can download and check each one; with ``previous`` (the
    previous release's dataset IRI and version), a link to it and to the changes files."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True
    )
    artefacts = [
        {"name": name, "media_type": MEDIA_TYPES[name], "size": path.stat().st_size,
         "sha256": sha256(path)}
        for name, path in sorted(files.items())
    ]  # fmt: skip
    page = environment.get_template("release-index.html").render(
        title=TITLE,
        description=DESCRIPTION,
        version=version,
        issued=issued,
        license=str(LICENSE),
        endpoint=endpoint,
        conforms=conforms,
        artefacts=artefacts,
        previous=None if previous is None else {"iri": previous[0], "version": previous[1]},
    )
    return page.encode("utf-8")
