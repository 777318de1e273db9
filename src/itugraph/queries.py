"""The canned query catalogue: ``queries/*.rq`` with a YAML header, typed parameters, safe binding.

A query file starts with comment lines ``#+ key: value`` forming a YAML document::

    #+ title: Field offices
    #+ question: Which field offices does the ITU have, where, and who heads them?
    #+ params:
    #+   region: {type: region, default: null, example: ASP, description: only this region}

The header is checked strictly (HEADER_KEYS, PARAMETER_KEYS): an unknown key fails, so a value
with a comma inside ``{…}`` must be quoted (``description: "AFR, AMS or ARB"``); unquoted, YAML
cuts it at the comma and reads the rest as keys.

Each parameter is a SPARQL variable of the same name; its value is parsed by its type into an
RDF term and bound (initBindings), never pasted into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml
from rdflib import Dataset, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from .namespaces import ID, XSD
from .project import Project, as_project
from .query_text import QueryError, sparql

#: The codes of the regions a graph states; see region_codes.
REGIONS_QUERY = (
    "SELECT ?code WHERE { ?region a <https://w3id.org/itugraph/def#Region> ; "
    "<https://w3id.org/itugraph/def#code> ?code } ORDER BY ?code"
)


class UnknownQueryError(QueryError, KeyError):
    """No canned query has this name."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown query {name!r}; known queries: {', '.join(known)}")

    def __str__(self) -> str:
        return self.args[0]


class ParameterError(QueryError):
    """A parameter is missing, unknown or of the wrong type; names the parameter."""


def _region(value: str) -> Node:
    code = value.strip().upper()
    if not re.match(r"^[A-Z]{2,10}$", code):
        raise ValueError("expected a region code such as AFR")
    return ID[f"region/{code}"]


#: Resources worth showing first, chosen by the data: the regional initiative with the most
#: expected results, and the first regional office.
EXAMPLES_QUERY = """PREFIX itu: <https://w3id.org/itugraph/def#>
SELECT ?example WHERE {
  { SELECT ?example WHERE { ?result itu:expectedResultOf ?example }
    GROUP BY ?example ORDER BY DESC(COUNT(?result)) ?example LIMIT 1 }
  UNION
  { SELECT ?example WHERE { ?example a itu:RegionalOffice } ORDER BY ?example LIMIT 1 }
}"""

#: The WTDC cycles of the regional initiatives, latest first.
CYCLES_QUERY = """PREFIX itu: <https://w3id.org/itugraph/def#>
SELECT ?cycle (MAX(?start) AS ?date) WHERE {
  ?initiative a itu:RegionalInitiative ; itu:cycle ?cycle .
  OPTIONAL { ?cycle itu:startDate ?start }
} GROUP BY ?cycle ORDER BY DESC(STR(?date)) DESC(?cycle)"""


def _select(graph: Any, text: str) -> list[str]:
    answer = sparql(graph, text) if isinstance(graph, Dataset) else graph.query(text)
    return [str(row[0]) for row in answer]


def example_resources(graph: Any) -> list[str]:
    """IRIs of resources to show as examples (VoID exampleResource), chosen from the data."""
    return sorted(_select(graph, EXAMPLES_QUERY))


def initiative_cycles(graph: Any) -> list[str]:
    """The IRIs of the conferences whose regional initiatives the graph holds, latest first."""
    return _select(graph, CYCLES_QUERY)


def region_codes(graph: Any) -> tuple[str, ...]:
    """The codes of the regions the graph states (itu:Region with itu:code), from a store
    (``open_store``) or an rdflib Dataset: regions are data, not code."""
    return tuple(_select(graph, REGIONS_QUERY))


_IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", re.IGNORECASE)


def _iri(value: str) -> Node:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    try:
        if not _IRI.match(value):
            raise ValueError
        ox.NamedNode(value)
    except ValueError:
        raise ValueError(f"expected an absolute IRI such as {ID}region/AFR") from None
    return URIRef(value)


def _entity(value: str) -> Node:
    """An IRI, or a path under id/ such as ``office/ro-afr``."""
    value = value.strip()
    if re.match(r"^[a-z]+/[A-Za-z0-9/_.-]+$", value):
        return ID[value]
    return _iri(value)


def _code(value: str) -> Node:
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9/-]*$", value.strip()):
        raise ValueError("expected a code of letters, digits, '-' or '/', e.g. EUR3 or WTDC-25")
    return Literal(value.strip())


def _year(value: str) -> Node:
    if not re.match(r"^\d{4}$", value.strip()):
        raise ValueError("expected a four-digit year, e.g. 2024")
    return Literal(int(value), datatype=XSD.integer)


def _integer(value: str) -> Node:
    if not re.match(r"^-?\d+$", value.strip()):
        raise ValueError("expected an integer")
    return Literal(int(value), datatype=XSD.integer)


def _lang(value: str) -> Node:
    if not re.match(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$", value.strip()):
        raise ValueError("expected a language tag such as en or zh")
    return Literal(value.strip().lower())


def _string(value: str) -> Node:
    if not value.strip():
        raise ValueError("expected a non-empty string")
    return Literal(value)


#: What the API accepts for each parameter type (JSON Schema patterns, ECMA syntax), a subset of
#: what PARAMETER_TYPES accepts (tests/test_queries.py checks it): IRIs as http(s) IRIs of plain
#: characters, entities as paths under id/ or IRIs there. Regions and choices are enumerated from
#: the data and the header instead.
_PATH_PATTERN = "[a-z]+/[A-Za-z0-9/_.-]+"
PARAMETER_PATTERNS: dict[str, str] = {
    "iri": r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@/-]*)?$",
    "entity": f"^({_PATH_PATTERN}|{re.escape(str(ID))}{_PATH_PATTERN})$",
    "code": "^[A-Za-z0-9][A-Za-z0-9/-]*$",
    "year": "^[0-9]{4}$",
    "integer": "^-?[0-9]+$",
    "lang": "^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$",
    "string": r"\S",
}

PARAMETER_TYPES: dict[str, Callable[[str], Node]] = {
    "region": _region,
    "iri": _iri,
    "entity": _entity,
    "code": _code,
    "year": _year,
    "integer": _integer,
    "lang": _lang,
    "string": _string,
    "choice": _string,
}


@dataclass(frozen=True)
class Parameter:
    """A typed query parameter, bound to the SPARQL variable of the same name."""

    name: str
    type: str
    description: str
    example: str | None = None
    default: str | None = None
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()

    def parse(self, value: Any, regions: tuple[str, ...] | None = None) -> Node:
        """Turn a user's value into an RDF term, or raise ParameterError naming this parameter;
        a region must be one of ``regions`` (the graph's) when they are given."""
        known = regions if self.type == "region" and regions is not None else None
        if known is not None and str(value).strip().upper() not in known:
            raise ParameterError(
                f"parameter {self.name!r} (region): expected one of {', '.join(regions)}; "
                f"got {value!r}"
            )
        if self.type == "choice":
            allowed = dict(self.choices)
            if str(value) not in allowed:
                raise ParameterError(
                    f"parameter {self.name!r} (choice): expected one of {', '.join(allowed)}; got {value!r}"
                )
            return URIRef(allowed[str(value)])
        try:
            return PARAMETER_TYPES[self.type](str(value))
        except ValueError as error:
            raise ParameterError(
                f"parameter {self.name!r} ({self.type}): {error}; got {value!r}"
            ) from None


@dataclass(frozen=True)
class CannedQuery:
    """A canned query: its name (the file stem), header metadata and SPARQL text."""

    name: str
    title: str
    question: str
    text: str
    path: Path
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    def bindings(
        self, values: Mapping[str, Any], regions: tuple[str, ...] | None = None
    ) -> dict[str, Node]:
        """Check and convert parameter values (defaults filled in) into initBindings; region
        values are checked against ``regions`` (the graph's, from region_codes) when given."""
        known = {p.name for p in self.parameters}
        unknown = sorted(set(values) - known)
        if unknown:
            expected = ", ".join(sorted(known)) or "none"
            raise ParameterError(
                f"query {self.name!r} has no parameter {unknown[0]!r}; its parameters: {expected}"
            )
        bound: dict[str, Node] = {}
        for parameter in self.parameters:
            value = values.get(parameter.name, parameter.default)
            if value is None or value == "":
                if parameter.required:
                    raise ParameterError(
                        f"query {self.name!r} needs parameter {parameter.name!r} ({parameter.type}): "
                        f"{parameter.description}"
                        + (f"; e.g. {parameter.example}" if parameter.example else "")
                    )
                continue
            bound[parameter.name] = parameter.parse(value, regions)
        return bound


HEADER_KEYS = ("title", "question", "params")
"""The keys a query header may have; title and question are required."""

PARAMETER_KEYS = ("type", "description", "example", "default", "required", "choices")
"""The keys a parameter spec may have; type and description are required."""


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _check_text(path: Path, where: str, key: str, value: Any) -> str:
    """A required text value: a non-empty string (a YAML number or date is not one)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise QueryError(f"{path}: {where}{key!r} is empty; it must be a non-empty text")
    if not isinstance(value, str):
        raise QueryError(
            f"{path}: {where}{key!r} must be a text, not {type(value).__name__} {value!r}"
        )
    return value


def _check_keys(path: Path, where: str, mapping: Mapping, allowed: tuple[str, ...]) -> None:
    unknown = [key for key in mapping if key not in allowed]
    if unknown:
        key = unknown[0]
        hint = (
            " (it has no value: a comma in an unquoted value of a {…} mapping starts a new key;"
            " quote the value)"
            if mapping[key] is None
            else ""
        )
        raise QueryError(
            f"{path}: {where}unknown key {key!r}{hint}; allowed keys: {', '.join(allowed)}"
        )


def parse_header(path: Path, text: str) -> dict[str, Any]:
    """Read and check the ``#+`` YAML header of a query file.

    Strict: only the keys in HEADER_KEYS and, per parameter, PARAMETER_KEYS; title, question and
    every parameter's description must be non-empty text. A comma inside an unquoted value of a
    flow mapping (``{description: a, b}``) makes YAML read ``b`` as a key, which fails here.
    """
    header = "\n".join(
        line[3:] for line in text.splitlines() if line.startswith("#+ ") or line == "#+"
    )
    try:
        meta = yaml.safe_load(header)
    except yaml.YAMLError as error:
        raise QueryError(f"{path}: header is not valid YAML: {_one_line(error)}") from None
    if meta is None:
        raise QueryError(f"{path}: no '#+' header; it needs at least title and question")
    if not isinstance(meta, dict):
        raise QueryError(
            f"{path}: header must be a mapping of {', '.join(HEADER_KEYS)}, "
            f"not {type(meta).__name__}"
        )
    _check_keys(path, "header: ", meta, HEADER_KEYS)
    missing = [key for key in ("title", "question") if key not in meta]
    if missing:
        raise QueryError(f"{path}: header lacks {', '.join(missing)}")
    for key in ("title", "question"):
        _check_text(path, "header: ", key, meta[key])
    params = meta.get("params", {})
    if not isinstance(params, dict):
        raise QueryError(
            f"{path}: header: 'params' must be a mapping of parameter name to spec, "
            f"not {type(params).__name__} {params!r}"
        )
    for name, spec in params.items():
        where = f"parameter {name!r}: "
        if not isinstance(name, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise QueryError(f"{path}: {where}a parameter name must be a SPARQL variable name")
        if not isinstance(spec, dict):
            got = "it is empty" if spec is None else f"not {type(spec).__name__} {spec!r}"
            raise QueryError(
                f"{path}: {where}spec must be a mapping with keys {', '.join(PARAMETER_KEYS)}; "
                f"{got}"
            )
        _check_keys(path, where, spec, PARAMETER_KEYS)
        for key in ("type", "description"):
            if key not in spec:
                raise QueryError(f"{path}: {where}lacks {key!r}")
        _check_text(path, where, "description", spec["description"])
        for key in ("example", "default"):
            if isinstance(spec.get(key), dict | list):
                raise QueryError(
                    f"{path}: {where}{key!r} must be a single value, not {spec[key]!r}"
                )
        if "required" in spec and not isinstance(spec["required"], bool):
            raise QueryError(
                f"{path}: {where}'required' must be true or false, not {spec['required']!r}"
            )
        if "choices" in spec and not isinstance(spec["choices"], dict):
            raise QueryError(
                f"{path}: {where}'choices' must be a mapping of choice name to IRI, "
                f"not {spec['choices']!r}"
            )
    return meta


def load_query(path: Path) -> CannedQuery:
    """Read one ``.rq`` file into a CannedQuery, checking its header and parameter types."""
    text = path.read_text(encoding="utf-8")
    meta = parse_header(path, text)
    parameters = []
    for name, spec in (meta.get("params") or {}).items():
        if not isinstance(spec["type"], str) or spec["type"] not in PARAMETER_TYPES:
            raise QueryError(
                f"{path}: parameter {name!r} has type {spec['type']!r}; "
                f"expected one of {', '.join(PARAMETER_TYPES)}"
            )
        if (spec["type"] == "choice") != bool(spec.get("choices")):
            raise QueryError(
                f"{path}: parameter {name!r}: a choice parameter, and only it, lists choices"
            )
        default = spec.get("default")
        parameters.append(
            Parameter(
                name=name,
                type=spec["type"],
                description=spec["description"],
                example=None if spec.get("example") is None else str(spec["example"]),
                default=None if default is None else str(default),
                required=spec.get("required", False),
                choices=tuple((str(k), str(v)) for k, v in (spec.get("choices") or {}).items()),
            )
        )
    return CannedQuery(
        name=path.stem,
        title=meta["title"],
        question=meta["question"],
        text=text,
        path=path,
        parameters=tuple(parameters),
    )


@cache
def _catalogue(folders: tuple[Path, ...]) -> dict[str, CannedQuery]:
    return {
        path.stem: load_query(path) for folder in folders for path in sorted(folder.glob("*.rq"))
    }


def catalogue(project: Project | None = None) -> dict[str, CannedQuery]:
    """All canned queries by name, from the project's query folders (a later folder's query
    replaces an earlier one of the same name)."""
    return dict(sorted(_catalogue(as_project(project).queries).items()))


def get_query(name: str, project: Project | None = None) -> CannedQuery:
    """One canned query by name; an unknown name lists the known ones."""
    queries = catalogue(project)
    if name not in queries:
        raise UnknownQueryError(name, sorted(queries))
    return queries[name]


def run_query(
    name: str, graph: Any = None, project: Project | None = None, **params: Any
) -> Result:
    """Run a canned query by name with keyword parameters, on the given store (a GraphStore from
    ``open_store``) or rdflib Dataset, else on the project's cached store."""
    query = get_query(name, project)
    if graph is None:
        from .store import open_store

        graph = open_store(project)
    asks_region = any(p.type == "region" and params.get(p.name) for p in query.parameters)
    bindings = query.bindings(params, region_codes(graph) if asks_region else None)
    if isinstance(graph, Dataset):
        return sparql(graph, query.text, bindings)
    return graph.query(query.text, bindings)
