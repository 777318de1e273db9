"""Hostile input: what a stranger may send the server or the command line gets a clear refusal,
and the server sends no request anywhere unless an operator allowed it."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest
from fastapi.testclient import TestClient

from itugraph.federation import service_endpoints
from itugraph.serve import ServerSettings

from .conftest import serving

REGIONS = "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/itugraph/def#Region> }"


class Listener:
    """A TCP socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"
        self.connections: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.connections.append(connection.recv(200))
                except OSError:
                    self.connections.append(b"")

    def close(self) -> list[bytes]:
        self.running = False
        self.thread.join()
        self.socket.close()
        return self.connections


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.close()


@pytest.mark.parametrize(
    ("query", "endpoints"),
    [
        ("SELECT * { SERVICE <http://a/s> { ?s ?p ?o } }", ["http://a/s"]),
        ("select * { service silent <http://a/s> { } }", ["http://a/s"]),
        ("SELECT * { ?s ?p ?o.SERVICE <http://b/x> { } }", ["http://b/x"]),
        ("SELECT * { ?s a.SERVICE <http://b/x> { } }", ["http://b/x"]),
        ("SELECT * { SERVICE ?x { } }", [None]),
        (r"SELECT * { \u0053ERVICE <http://c/> { } }", ["http://c/"]),
        ("SELECT * { ?s ?p ?o FILTER(?o < 3) SERVICE <http://d/> {} }", ["http://d/"]),
        ('SELECT * { ?s ?p "SERVICE <http://no/>" } # SERVICE <http://no2/>', []),
        ("SELECT * { ?s ?p '''x ' SERVICE <http://no/> ''' }", []),
        ("SELECT * { ?s <http://x/SERVICE> ?o . ?service ex:SERVICE ?y }", []),
        ("PREFIX ex: <http://e/> SELECT * { ?s ex:a.SERVICE ?o }", []),
    ],
)
def test_service_clauses_are_found_where_the_engine_would_see_them(query, endpoints):
    assert service_endpoints(query) == endpoints


def test_the_server_refuses_service_and_connects_nowhere(listener):
    with serving(ServerSettings(timeout=5)) as client:
        refuse_every_service(client, listener.url)
    assert listener.close() == []


def refuse_every_service(client, url: str) -> None:
    for query in (
        f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p ?o.SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * { BIND(<http://127.0.0.1:1/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    ):
        response = client.post("/sparql", data={"query": query})
        assert response.status_code == 400, query
        assert response.text.startswith("federated queries are off: SERVICE "), response.text
    assert client.get("/sparql", params={"query": REGIONS, "format": "csv"}).text == "n\r\n6\r\n"


def test_an_allowed_endpoint_is_called(listener):
    """--allow-service opts one endpoint in: the query reaches it (and fails there)."""
    allowed = ServerSettings(timeout=5, allowed_services=(listener.url,))
    with serving(allowed) as client:
        response = client.post(
            "/sparql", data={"query": f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"}
        )
    assert response.status_code == 400
    assert len(listener.close()) == 1


def test_the_command_line_refuses_service_and_connects_nowhere(listener):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "itugraph",
            "sparql",
            f"SELECT * {{ SERVICE <{listener.url}> {{}} }}",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"Error: federated queries are off: SERVICE <{listener.url}> is not allowed "
        f"(allow it with --allow-service {listener.url})\n"
    )
    assert listener.close() == []


@pytest.fixture(scope="module")
def client():
    with serving(ServerSettings(timeout=5)) as client:
        yield client


def still_answers(client: TestClient) -> None:
    started = time.monotonic()
    assert client.get("/sparql", params={"query": REGIONS, "format": "csv"}).text == "n\r\n6\r\n"
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("path", ["/", "/sparql", "/api/queries/regions", "/id/region/AFR", "/def"])
def test_an_unparsable_if_modified_since_is_ignored(client, path):
    response = client.get(path, headers={"if-modified-since": "Fri, 01 Jan 10000 00:00:00 GMT"})
    assert response.status_code == 200
    still_answers(client)


@pytest.mark.parametrize("path", ["/", "/sparql", "/api/queries/regions", "/id/region/AFR", "/def"])
def test_every_get_route_answers_head(client, path):
    get, head = client.get(path), client.head(path)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["etag"] == get.headers["etag"]


def test_a_large_body_is_refused_before_it_is_read(client):
    big = b"query=" + b"x" * (3 * 2**20)
    started = time.monotonic()
    response = client.post(
        "/sparql", content=big, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert response.text == "request body larger than 80000 bytes\n"
    assert time.monotonic() - started < 1
    still_answers(client)


def test_protocol_details(client):
    twice = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert (twice.status_code, twice.text) == (400, "give one query parameter, not several\n")
    update = client.get("/sparql", params={"update": "DROP ALL"})
    assert update.status_code == 400 and "never sent with GET" in update.text
    latin = client.post(
        "/sparql", content="ASK { ?s ?p 'é' }".encode("latin-1"),
        headers={"content-type": "application/sparql-query"},
    )  # fmt: skip
    assert (latin.status_code, latin.text) == (400, "the request body is not UTF-8\n")
    relative = client.get(
        "/sparql",
        params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"accept": "application/n-triples"},
    )
    assert relative.status_code == 200
    assert (
        relative.text
        == '<http://testserver/s> <http://testserver/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    text = client.get("/sparql", params={"query": REGIONS}, headers={"accept": "text/*"})
    assert text.headers["content-type"].startswith("text/csv")


def test_canned_query_paging_signals_truncation_and_returns_every_row_once():
    """With a row cap of 3, the six regions come in two pages, the first marked truncated."""
    with serving(ServerSettings(max_rows=3)) as capped:
        check_pages(capped)


def check_pages(capped) -> None:
    first = capped.get("/api/queries/regions")
    second = capped.get("/api/queries/regions", params={"offset": 3})
    assert first.headers["x-result-truncated"] == "true" and first.json()["truncated"] is True
    assert "x-result-truncated" not in second.headers and second.json()["truncated"] is False
    codes = [row["code"]["value"] for page in (first, second) for row in page.json()["rows"]]
    assert codes == ["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"]
    csv_page = capped.get("/api/queries/regions", params={"format": "csv", "offset": 3})
    assert [line.split(",")[1] for line in csv_page.text.splitlines()] == [
        "code",
        "ASP",
        "CIS",
        "EUR",
    ]


class Answering:
    """A real HTTP server on 127.0.0.1 that answers every request with one fixed response."""

    def __init__(self, status: int, body: bytes, content_type: str) -> None:
        import http.server

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = answer

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("answer", "command", "message"),
    [
        (
            (200, b"{}", "application/sparql-results+json"),
            ["query", "regions", "--endpoint", "{url}/sparql"],
            "Error: {url}/sparql: the answer is not SPARQL JSON results: No boolean or results in json!",
        ),
        (
            (200, b"@prefix broken", "text/turtle"),
            ["sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", "{url}/sparql"],
            "Error: {url}/sparql: the answer (text/turtle) is not turtle RDF: BadSyntax; it "
            "begins '@prefix broken'",
        ),
        (
            (401, b"unauthorized\n", "text/plain"),
            ["query", "regions", "--endpoint", "{url}/sparql", "--user", "u", "--password", "p"],
            "Error: {url}/sparql: HTTP 401: authentication failed: check --user and --password",
        ),
    ],
    ids=["empty json", "broken turtle", "wrong password"],
)
def test_a_strange_remote_answer_is_one_line_and_exit_2(answer, command, message):
    server = Answering(*answer)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "itugraph", *[c.replace("{url}", server.url) for c in command]],
            capture_output=True,
            text=True,
        )
    finally:
        server.close()
    assert result.returncode == 2
    assert result.stderr == message.replace("{url}", server.url) + "\n"
    assert "Traceback" not in result.stderr


def test_publish_refuses_a_read_back_that_is_not_rdf():
    server = Answering(200, b"<html>hi</html>", "text/html")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "itugraph", "publish", "--endpoint", f"{server.url}/store"],
            capture_output=True,
            text=True,
        )
    finally:
        server.close()
    assert result.returncode == 2
    assert "the answer (text/html) is not turtle RDF: BadSyntax; it begins '<html>hi</html>'" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/def?format=bogus", {}),
        ("/def", {"accept": "image/png"}),
        ("/id/region/AFR?format=bogus", {}),
        ("/id/region/AFR", {"accept": "image/png"}),
    ],
)
def test_an_unacceptable_format_is_a_406_that_says_what_is_offered(client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 406
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == (
        "not acceptable; this page is offered as text/html, text/turtle, "
        "application/n-triples, application/ld+json\n"
    )


def test_allow_lists_every_method_of_the_path(client):
    response = client.options("/sparql")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"] == "application/problem+json"
    assert client.delete("/api/queries/regions").headers["allow"] == "GET"
