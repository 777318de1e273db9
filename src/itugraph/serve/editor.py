"""What the SPARQL editor (``/editor``, YASGUI) is given by the server: the endpoint, the graph's
prefixes, where the dataset's IRIs are served locally, and the canned queries as examples.

An example is the canned query's text with its ``#+`` header replaced by its title and question,
and each parameter written out where the user sees and edits it: a required parameter, or one
with a default, as a ``VALUES`` line holding the example (or default) value; an optional one as
a commented-out ``VALUES`` line to uncomment. Nothing is bound that the text does not show.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..queries import CannedQuery, Parameter
from ..store import PREFIXES
from .site import Site

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_LOCAL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def declared_prefixes(text: str) -> dict[str, str]:
    """The prefixes a query's text declares, name to namespace."""
    return {match.group(1) or "": match.group(2) for match in _PREFIX.finditer(text)}


def term_text(term: Node, prefixes: dict[str, str]) -> str:
    """A term as SPARQL text: an IRI prefixed when the query declares its namespace (and the
    rest is a plain local name), else in ``<…>``; an integer bare; other literals quoted."""
    if isinstance(term, URIRef):
        for name, namespace in prefixes.items():
            local = str(term).removeprefix(namespace)
            if str(term).startswith(namespace) and _LOCAL_NAME.match(local):
                return f"{name}:{local}"
        return f"<{term}>"
    if isinstance(term, Literal) and term.datatype == XSD.integer:
        return str(term)
    return term.n3()


def parameter_lines(parameter: Parameter, prefixes: dict[str, str]) -> list[str]:
    """Comment lines explaining a parameter, then its VALUES line (commented out when optional)."""
    kind = parameter.type
    if parameter.required:
        kind += ", required"
    elif parameter.default is not None:
        kind += f", default {parameter.default}"
    else:
        kind += ", optional"
    lines = [f"# Parameter ?{parameter.name} ({kind}): {' '.join(parameter.description.split())}"]
    if parameter.choices:
        choices = ", ".join(
            f"{name} = {term_text(URIRef(iri), prefixes)}" for name, iri in parameter.choices
        )
        lines.append(f"#   one of: {choices}")
    value = parameter.default if parameter.default is not None else parameter.example
    if value is None:
        lines.append(f"# To use it, add: VALUES ?{parameter.name} {{ … }}")
        return lines
    values = f"VALUES ?{parameter.name} {{ {term_text(parameter.parse(value), prefixes)} }}"
    if parameter.required or parameter.default is not None:
        lines.append("#   edit the value:")
        lines.append(values)
    else:
        lines.append('#   to use it, remove the "#" before VALUES and edit the value:')
        lines.append(f"# {values}")
    return lines


def example_text(query: CannedQuery) -> str:
    """The canned query as the editor shows it: title and question as comments, parameters as
    VALUES lines (see the module's docstring) opening the WHERE clause."""
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#+"))
    head = f"# {query.title}\n# {' '.join(query.question.split())}\n"
    if not query.parameters:
        return head + body.lstrip("\n")
    prefixes = declared_prefixes(body)
    block = [
        line for parameter in query.parameters for line in parameter_lines(parameter, prefixes)
    ]
    match = _WHERE.search(body)
    if not match:
        return head + "\n".join(block) + "\n" + body.lstrip("\n")
    inserted = "".join(f"\n  {line}" for line in block)
    return head + (body[: match.end()] + inserted + body[match.end() :]).lstrip("\n")


def default_query(prefixes: dict[str, str]) -> str:
    """A new tab's query: the graph's prefixes declared, then a query to start from."""
    declared = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())
    return declared + (
        "\n# The graph's prefixes are declared above (unfold them in the margin).\n"
        "# Start from this, the classes of the graph by number of members, or pick an example.\n"
        "SELECT ?class (COUNT(DISTINCT ?member) AS ?members)\n"
        "WHERE {\n  ?member a ?class .\n}\n"
        "GROUP BY ?class\nORDER BY DESC(?members) ?class\n"
    )


def editor_context(site: Site) -> dict:
    """The template context of ``/editor``: ``examples`` and ``config`` (for editor.js)."""
    base = site.settings.public_base
    examples = [
        {
            "name": query.name,
            "title": query.title,
            "question": " ".join(query.question.split()),
            "text": example_text(query),
        }
        for query in site.queries.values()
    ]
    local = [
        {"iri": namespace, "path": site.local(namespace)}
        for namespace in (f"{base}id/", f"{base}def#")
    ]
    config = {
        "endpoint": "/sparql",
        "ontology": "/def",
        "prefixes": PREFIXES,
        "defaultQuery": default_query(PREFIXES),
        "local": [entry for entry in local if entry["path"]],
        "examples": examples,
    }
    return {"examples": examples, "config": config}
