"""Hostile input: what a stranger may send the server or the command line gets a clear refusal,
and the server sends no request anywhere unless an operator allowed it. Requests go to the real
command, `itugraph serve`, over TCP (tests/conftest.py: live_server)."""

from __future__ import annotations

import select
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from itugraph.federation import service_endpoints

from .conftest import live_server

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


def test_the_server_refuses_service_and_connects_nowhere(listener, tmp_path):
    with live_server(tmp_path, "--timeout", "5") as client:
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


def test_an_allowed_endpoint_is_called(listener, tmp_path):
    """--allow-service opts one endpoint in: the query reaches it (and fails there)."""
    with live_server(tmp_path, "--timeout", "5", "--allow-service", listener.url) as client:
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
def client(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("hostile"), "--timeout", "5") as client:
        yield client


def still_answers(client: httpx.Client) -> None:
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


def raw_exchange(client: httpx.Client, head: bytes, body_chunks) -> tuple[bytes, float]:
    """Send a request head, then body chunks until the server answers (or stops reading for
    5 s); the first bytes of the answer and the seconds it took."""
    started = time.monotonic()
    with socket.create_connection((client.base_url.host, client.base_url.port), timeout=5) as sock:
        sock.sendall(head)
        for chunk in body_chunks:
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(chunk)
            except OSError:
                break
        return sock.recv(200), time.monotonic() - started


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_huge_body_is_refused_while_it_streams(client, framing):
    """500 MB announced (refused on the announcement, before any of it is sent) or an endless
    chunked stream (refused once the bytes read pass the limit): 413 within a second."""
    chunk = b"x" * 65536
    if framing == "content-length":
        head = b"Content-Length: 524288000\r\n\r\nquery="
        chunks = ()
    else:
        head = b"Transfer-Encoding: chunked\r\n\r\n"
        chunks = (b"10000\r\n" + chunk + b"\r\n" for _ in range(8000))
    answer, seconds = raw_exchange(
        client,
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n" + head,
        chunks,
    )
    assert answer.startswith(b"HTTP/1.1 413 "), answer
    assert seconds < 1
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
        == f'<{client.base_url}/s> <{client.base_url}/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    text = client.get("/sparql", params={"query": REGIONS}, headers={"accept": "text/*"})
    assert text.headers["content-type"].startswith("text/csv")


def test_canned_query_paging_signals_truncation_and_returns_every_row_once(tmp_path):
    """With a row cap of 3, the six regions come in two pages, the first marked truncated."""
    with live_server(tmp_path, "--max-rows", "3") as capped:
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


def test_a_format_nothing_offers_is_a_406_even_for_the_service_description(client):
    response = client.get("/sparql", params={"format": "zz"})
    assert (response.status_code, response.text) == (
        406,
        "the service description is offered as text/turtle, application/n-triples, "
        "application/ld+json; not as 'zz'\n",
    )


def test_an_iri_sparql_would_refuse_is_a_parameter_error_not_a_syntax_error(client):
    """schemathesis found it: a C1 control character passed the IRI check, then failed in the
    SPARQL parser with the query's text in the message."""
    response = client.get("/api/queries/entity-provenance", params={"entity": "w8In:\x93x"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("parameter 'entity': String should match pattern")
    assert "SPARQL" not in response.text


def _itugraph_on_a_full_disk(*arguments: str, cwd=None) -> subprocess.CompletedProcess:
    """Run the command where no file may grow past 300 kB: writes fail as on a full disk."""
    import resource
    import signal

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    command = [sys.executable, "-m", "itugraph", *arguments]
    return subprocess.run(command, preexec_fn=small_files, capture_output=True, text=True, cwd=cwd)


def test_a_release_that_cannot_be_written_leaves_nothing(tmp_path):
    """One line, exit 2, and neither the release nor the folders made for it remain."""
    subprocess.run([sys.executable, "-m", "itugraph", "validate"], check=True, capture_output=True)
    out = tmp_path / "new" / "dist"
    result = _itugraph_on_a_full_disk("release", "-o", str(out), "--issued", "2026-12-01")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: cannot write the release under {out}: File too large"
    )
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_cache_that_cannot_be_written_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ITUGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    result = _itugraph_on_a_full_disk("stats")
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: cannot write the cache under {tmp_path / 'cache'}: ")
    assert "File too large" in result.stderr
    assert result.stderr.endswith(
        "; free some space, set ITUGRAPH_CACHE_DIR to another folder, or run with --no-cache\n"
    )
    assert "Traceback" not in result.stderr
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith(".building")] == []
