"""The graph on real external SPARQL servers: `itugraph publish` loads it into Virtuoso Open Source
and the Oxigraph server through the Graph Store Protocol, and every canned query, run there through
SPARQLWrapper, gives the embedded store's answers."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from itugraph.cli import main
from itugraph.queries import catalogue, get_query, sparql
from itugraph.remote import (
    UNION_GRAPH,
    Endpoint,
    RemoteError,
    endpoint_for,
    graphs_to_publish,
    publish,
    published_graph_iris,
    remote_query,
)
from itugraph.store import open_store, oxigraph_query, to_oxigraph

from .conftest import comparable, free_port, start_process, stop_process

pytestmark = pytest.mark.external

VIRTUOSO = shutil.which("virtuoso-t")
OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
QUERIES = sorted(catalogue())
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Server:
    """A running SPARQL server: where to query, where to put graphs, and who may write."""

    name: str
    query_url: str
    store_url: str
    user: str | None = None
    password: str | None = None


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> Iterator[Server]:
    """Virtuoso Open Source run in the foreground from a temporary database on loopback ports."""
    if VIRTUOSO is None:
        pytest.skip("virtuoso-t is not installed (.ci/run installs virtuoso-opensource)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=free_port(), http_port=http_port))
    url = f"http://127.0.0.1:{http_port}"
    process = start_process(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        f"{url}/sparql?query=ASK%7B%7D",
        folder,
        "Virtuoso",
    )
    yield Server("virtuoso", f"{url}/sparql", f"{url}/sparql-graph-crud-auth", "dba", "dba")
    stop_process(process)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[Server]:
    """The Oxigraph server on a temporary on-disk store and a loopback port."""
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    folder = tmp_path_factory.mktemp("oxigraph")
    url = f"http://127.0.0.1:{free_port()}"
    command = [OXIGRAPH, "serve", "--location", str(folder / "store"), "--bind", url[7:]]
    process = start_process(command, f"{url}/query?query=ASK%7B%7D", folder, "Oxigraph server")
    yield Server("oxigraph", f"{url}/query", f"{url}/store")
    stop_process(process)


@pytest.fixture(scope="module", params=["virtuoso", "oxigraph_server"])
def published(request, graph) -> Server:
    """A server holding the published graph (published twice: the second PUT replaces the first)."""
    server: Server = request.getfixturevalue(request.param)
    for _ in range(2):
        report = publish(open_store(), server.store_url, user=server.user, password=server.password)
    assert report.verified, report.graphs
    return server


@pytest.fixture(scope="module")
def embedded(graph):
    return to_oxigraph(graph)


def test_publish_puts_every_named_graph_and_the_union(graph, published):
    """Each source graph, the ontology, the reference graph and their union are on the server."""
    endpoint = Endpoint(published.query_url, default_graphs=())
    counts = remote_query(
        endpoint, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    on_server = {str(row.g): int(row.n) for row in counts}
    expected = {iri: nt.count(b"\n") for iri, nt in graphs_to_publish(open_store()).items()}
    assert {iri: on_server.get(iri) for iri in expected} == expected
    assert expected[str(UNION_GRAPH)] == len(graph)


@pytest.mark.parametrize("name", QUERIES)
def test_canned_query_gives_the_embedded_answers(graph, embedded, published, name):
    """Every canned query, with its example parameters, answers on the server as it does locally."""
    query = get_query(name)
    bindings = query.bindings({p.name: p.example for p in query.parameters})
    endpoint = endpoint_for(published.query_url, published_graph_iris())
    remote = comparable(remote_query(endpoint, query.text, bindings))
    local = comparable(oxigraph_query(embedded, query.text, bindings))
    assert local, f"{query.path} gives no rows with its examples"
    if "ORDER BY" in query.text:
        assert remote == local, f"{query.path} on {published.name}"
    else:
        assert sorted(remote, key=repr) == sorted(local, key=repr), (
            f"{query.path} on {published.name}"
        )


def test_cli_publish_and_query(graph, published):
    """`itugraph publish` reports each graph verified; `itugraph query --endpoint` answers in CSV."""
    runner = CliRunner()
    credentials = ["--user", published.user, "--password", published.password]
    credentials = credentials if published.user else []
    result = runner.invoke(main, ["publish", "--endpoint", published.store_url, *credentials])
    assert result.exit_code == 0, result.output
    union = len(graph)
    assert (
        f"ok  {union:>8} of {union:>8} triples  https://w3id.org/itugraph/graph/all"
        in result.output
    )
    result = runner.invoke(
        main,
        [
            "query",
            "field-offices",
            "-p",
            "region=CIS",
            "--format",
            "csv",
            "--endpoint",
            published.query_url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "office/ro-cis,Regional Office for the CIS Region" in result.output


def test_construct_returns_the_same_graph(graph, published):
    """A CONSTRUCT answer comes back as an rdflib graph holding what the local one holds."""
    text = (
        "PREFIX itu: <https://w3id.org/itugraph/def#> "
        "CONSTRUCT { ?r itu:code ?c } WHERE { ?r a itu:Region ; itu:code ?c }"
    )
    remote = remote_query(endpoint_for(published.query_url, published_graph_iris()), text)
    assert remote.type == "CONSTRUCT"
    assert set(remote.graph) == set(sparql(graph, text).graph)
    assert len(remote.graph) == 6


def test_cli_sparql_syntax_error_from_the_server(published):
    """A query the server rejects exits 2 with the server's reason, naming the endpoint."""
    result = CliRunner().invoke(
        main, ["sparql", "SELECT ?x WHERE { ?x ", "--endpoint", published.query_url]
    )
    assert result.exit_code == 2
    assert f"Error: {published.query_url}: QueryBadFormed" in result.output


def test_wrong_password_is_reported(virtuoso, graph):
    """A refused login names the server and says to check the credentials."""
    with pytest.raises(RemoteError, match=r"HTTP 401: authentication failed: check --user"):
        publish(open_store(), virtuoso.store_url, user="dba", password="wrong")


def test_unreachable_server_is_reported(graph):
    """Nothing listening: the message names the URL and the reason."""
    url = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(
        RemoteError, match=r"127\.0\.0\.1:\d+/store\?graph=.*cannot reach the server"
    ):
        publish(open_store(), url)
