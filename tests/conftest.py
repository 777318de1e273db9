"""Shared fixtures: the built graph (loaded once per session) and helpers for temporary data folders."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Literal
from rdflib.namespace import XSD

from itugraph.graph import load_graph
from itugraph.resources import resource_path

FIXTURES = Path(__file__).parent / "fixtures"
ID = "https://w3id.org/itugraph/id/"
DEF = "https://w3id.org/itugraph/def#"


def simplify(term):
    """A query answer's term as tests compare it: id/ IRIs as paths, ontology terms as itu:X,
    numbers and booleans as Python values, everything else as its text."""
    if term is None:
        return None
    text = str(term)
    if text.startswith(ID):
        return text.removeprefix(ID)
    if text.startswith(DEF):
        return "itu:" + text.removeprefix(DEF)
    value = term.toPython() if hasattr(term, "toPython") else text
    return value if isinstance(value, bool | int | Decimal) else text


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def key(term):
    """A term as the engines must agree on it: RDF 1.1 plain literals are xsd:string, and
    numbers compare by value (one engine writes 3000000.0 where the other writes 3000000)."""
    if term is None or not isinstance(term, Literal):
        return None if term is None else str(term)
    datatype = "" if term.datatype in (None, XSD.string) else str(term.datatype)
    text = str(term)
    if term.datatype in (XSD.decimal, XSD.integer):
        text = str(Decimal(text).normalize())
    return (text, datatype, term.language or "")


def comparable(result) -> list[tuple]:
    return [tuple(key(term) for term in row) for row in result]


def _wait_until_up(
    process: subprocess.Popen, probe: str, log: Path, name: str, seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(probe, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail(
        f"{name} did not answer at {probe} within {seconds:.0f} s:\n{log.read_text()[-2000:]}"
    )


def start_process(
    command: list[str], probe: str, folder: Path, name: str, seconds: float = 120
) -> subprocess.Popen:
    """Start a server process logging into ``folder`` and wait until ``probe`` answers."""
    log = folder / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    _wait_until_up(process, probe, log, name, seconds)
    return process


def stop_process(process: subprocess.Popen) -> None:
    """Stop a server process, killing it if it does not end within 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Built stores go to a folder of this test session, never the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ITUGRAPH_CACHE_DIR", str(tmp_path_factory.mktemp("itugraph-cache")))
        yield


REPOSITORY = Path(__file__).parents[1]


def copy_of_repository(target: Path, *extra: str) -> Path:
    """A copy of the repository's graph (data, ontology, shapes, queries and pyproject.toml, plus
    ``extra`` files or folders) in ``target``, for commands run inside it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("data", "ontology", "shapes", "queries", "pyproject.toml", *extra):
        source = REPOSITORY / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    return target


def command_environment() -> dict[str, str]:
    """The environment for a shell run in a test: this interpreter's ``itugraph`` first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("ITUGRAPH_DATA_DIR", None)
    return env


def itugraph(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the ``itugraph`` command in ``cwd`` as a user would, capturing its output."""
    return subprocess.run(
        ["itugraph", *args], cwd=cwd, env=command_environment(), capture_output=True, text=True
    )


@contextlib.contextmanager
def serving(settings=None, **options):
    """The server application in a test client, its query workers stopped on leaving."""
    from fastapi.testclient import TestClient

    from itugraph.serve import ServerSettings, create_app

    with TestClient(create_app(settings or ServerSettings(), **options)) as client:
        yield client


@contextlib.contextmanager
def live_server(folder: Path, *options: str):
    """The real command, `itugraph serve` with ``options``, on a free loopback port: an HTTP
    client for it (base URL set), the server stopped on leaving."""
    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "itugraph", "serve", "--port", str(port), *options]
    process = start_process(command, f"{url}/api/queries", folder, "itugraph serve", seconds=180)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            yield client
    finally:
        stop_process(process)


#: Chromium for the browser tests (.ci/run installs it), and how they start it.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real command, `itugraph serve`, on a free loopback port; stopped after the module."""
    port = free_port()
    command = [sys.executable, "-m", "itugraph", "serve", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("serve")
    process = start_process(command, f"{url}/api/queries", folder, "itugraph serve", seconds=180)
    yield url
    stop_process(process)


@pytest.fixture(scope="module")
def browser():
    """Chromium driven by Playwright, for the module's pages."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def graph() -> Dataset:
    """The shipped graph: ontology, reference vocabularies and every source's data."""
    return load_graph()


@pytest.fixture
def reference_only_data(tmp_path: Path) -> Path:
    """A data folder holding only the reference vocabularies, to add test files to."""
    data = tmp_path / "data"
    shutil.copytree(resource_path("data") / "reference", data / "reference")
    return data


@pytest.fixture
def run():
    """The itugraph command in-process: ``run("validate", "--full")`` gives click's Result."""
    from click.testing import CliRunner

    from itugraph.cli import main

    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke
