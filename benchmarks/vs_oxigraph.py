"""`itugraph serve` side by side with the Oxigraph server (PyPI `oxigraph`) on the same data and
the same SPARQL query, in one run: requests/s, latency and CPU time per request at 32 clients,
with itugraph's answer cache off and on, plus the time from `itugraph serve`'s start to its
first answer.

    python benchmarks/vs_oxigraph.py [--data-dir DIR] [--requests 3000] [--concurrency 32]
        [--rounds 3] [--baseline SRC]

The servers run on 127.0.0.1, started one after the other, then loaded in turn (--rounds times,
the median is printed last); the load comes from benchmarks/load.py on the same machine.
--baseline SRC adds `itugraph serve --cache-size 0` run from another source tree (its `src`
folder, e.g. an earlier commit's: `git archive REV src | tar -x -C DIR` gives DIR/src), to
compare before and after a change in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import statistics
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
def server(command: list[str], probe: str, environment: dict[str, str] | None = None):
    """Run a server until the block ends: the seconds it took to answer ``probe``, its pid."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment
    )
    try:
        yield wait_for(probe), process.pid
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--baseline", metavar="SRC", type=Path, default=None)
    arguments = parser.parse_args()
    itugraph = shutil.which("itugraph", path=str(Path(sys.executable).parent)) or "itugraph"
    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    data = ["--data-dir", arguments.data_dir] if arguments.data_dir else []
    query = "?query=" + quote(QUERY)
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as running:
        dump = Path(folder) / "graph.nq"
        subprocess.run([itugraph, *data, "export", "--format", "nq", "-o", str(dump)], check=True)
        store = Path(folder) / "oxigraph"
        subprocess.run(
            [oxigraph, "load", "--location", str(store), "--file", str(dump)], check=True
        )
        contestants = []  # name, base URL, path, pid
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [oxigraph, "serve", "--location", str(store), "--bind", f"127.0.0.1:{port}",
                   "--union-default-graph"]  # fmt: skip
        first, pid = running.enter_context(server(command, f"{base}/query?query=ASK%7B%7D"))
        contestants.append(("Oxigraph server", base, "/query" + query, pid))
        variants = [("itugraph serve, answer cache 0", "0", None)]
        variants.append(("itugraph serve, answer cache 1024", "1024", None))
        if arguments.baseline:
            variants.append(("baseline itugraph serve, answer cache 0", "0", arguments.baseline))
        for name, cache_size, source in variants:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            command = [itugraph, *data, "serve", "--port", str(port), "--no-access-log",
                       "--cache-size", cache_size]  # fmt: skip
            environment = None
            if source is not None:
                environment = {**os.environ, "PYTHONPATH": str(Path(source).resolve())}
            started = server(command, f"{base}/api/queries/regions", environment)
            first, pid = running.enter_context(started)
            print(f"{name}: first answer {first:.2f} s after its start")
            contestants.append((name, base, "/sparql" + query, pid))
        rates: dict[str, list[float]] = {name: [] for name, *_ in contestants}
        for round_ in range(arguments.rounds):
            for name, base, path, pid in contestants:
                print(f"## {name}" + (f" (round {round_ + 1})" if arguments.rounds > 1 else ""))
                rate = asyncio.run(
                    load.main(
                        base, arguments.requests, arguments.concurrency, [path], "raw", False, pid
                    )
                )
                rates[name].append(rate)
        anchor = statistics.median(rates["Oxigraph server"])
        print(f"## medians of {arguments.rounds} round(s)")
        for name, values in rates.items():
            rate = statistics.median(values)
            print(f"{name}: {rate:,.0f} requests/s, {100 * rate / anchor:.0f} % of Oxigraph's")


if __name__ == "__main__":
    main()
