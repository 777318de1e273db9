"""The HTTP server: SPARQL 1.1 Protocol endpoint, canned-query REST API, linked-data pages and a
browser UI, all over one read-only pyoxigraph store built from the validated graph."""

from .app import create_app
from .site import ServerSettings

__all__ = ["ServerSettings", "create_app"]
