"""`itugraph serve` side by side with the Oxigraph server (PyPI `oxigraph`) on the same data and
the same SPARQL query, in one run: requests/s and latency at 32 clients, with itugraph's answer
cache off and on, plus the time from `itugraph serve`'s start to its first answer.

    python benchmarks/vs_oxigraph.py [--data-dir DIR] [--requests 3000] [--concurrency 32]

Both servers run on 127.0.0.1; the load comes from benchmarks/load.py on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).parent))
import load

QUERY = (
    "SELECT ?r ?l WHERE { ?r a <https://w3id.org/itugraph/def#Region> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 300) -> float:
    """Seconds until ``url`` answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(url, timeout=5).status == 200:
                return time.monotonic() - started
        time.sleep(0.05)
    raise TimeoutError(url)


@contextlib.contextmanager
def server(command: list[str], probe: str):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield wait_for(probe)
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    arguments = parser.parse_args()
    itugraph = shutil.which("itugraph", path=str(Path(sys.executable).parent)) or "itugraph"
    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    data = ["--data-dir", arguments.data_dir] if arguments.data_dir else []
    path = "/sparql?query=" + quote(QUERY)
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "graph.nq"
        subprocess.run([itugraph, *data, "export", "--format", "nq", "-o", str(dump)], check=True)
        store = Path(folder) / "oxigraph"
        subprocess.run(
            [oxigraph, "load", "--location", str(store), "--file", str(dump)], check=True
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [oxigraph, "serve", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
        with server([*command, "--union-default-graph"], f"{base}/query?query=ASK%7B%7D"):
            print("## Oxigraph server")
            asyncio.run(
                load.main(base, arguments.requests, arguments.concurrency,
                          ["/query?query=" + quote(QUERY)], "raw", False)
            )  # fmt: skip
        for cache_size in ("0", "1024"):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            command = [itugraph, *data, "serve", "--port", str(port), "--no-access-log",
                       "--cache-size", cache_size]  # fmt: skip
            with server(command, f"{base}/api/queries/regions") as first:
                print(f"## itugraph serve, answer cache {cache_size} (first answer {first:.2f} s)")
                asyncio.run(
                    load.main(base, arguments.requests, arguments.concurrency, [path], "raw", False)
                )


if __name__ == "__main__":
    main()
