"""Load test for `itugraph serve`: N requests at C concurrent clients across /sparql, a canned
query of /api/queries and /id/ entity pages (or the paths given with --path); prints requests/s,
p50/p99 latency and errors.

    python benchmarks/load.py http://127.0.0.1:8000 --requests 5000 --concurrency 32
    python benchmarks/load.py http://127.0.0.1:8000 --path /api/queries/regions
    python benchmarks/load.py http://127.0.0.1:8000 --path /id/region/AFR --revalidate

Each client keeps one connection open. The default client speaks HTTP/1.1 over asyncio streams
with little work per request, so that the load generator, which shares the machine's cores with
the server, costs less than the server it measures; --client httpx uses httpx instead.
--revalidate sends each path's ETag back in If-None-Match, so a caching server answers 304.
--cpu PID also prints the CPU time per request of that process, of its child processes (the
query workers of `itugraph serve`) and of the load generator itself, from /proc (Linux).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections import Counter
from urllib.parse import quote, urlsplit

import httpx

PATHS = [
    "/sparql?query="
    + quote(
        "SELECT ?r ?l WHERE { ?r a <https://w3id.org/itugraph/def#Region> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    ),
    "/api/queries/field-offices?region=AMS",
    "/api/queries/preparatory-meetings",
    "/id/initiative/WTDC-25/EUR3",
    "/id/office/ro-afr",
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def accept_for(path: str) -> str:
    return "text/html" if path.startswith(("/id/", "/def")) else "application/json"


class RawConnection:
    """One keep-alive HTTP/1.1 connection that sends GETs and reads whole answers."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        """Send a GET; the status and the (lower-cased) headers of its answer."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.writer.write(f"GET {path} HTTP/1.1\r\nhost: {self.host}\r\n{lines}\r\n".encode())
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        answer: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            answer[name.strip().lower()] = value.strip()
        if "content-length" in answer:
            await self.reader.readexactly(int(answer["content-length"]))
        elif answer.get("transfer-encoding") == "chunked":
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readline()
        return status, answer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


async def main(
    base: str,
    total: int,
    concurrency: int,
    paths: list[str],
    client_kind: str,
    revalidate: bool,
    cpu: int | None = None,
) -> float:
    """Run the load and print what it measured; returns the requests per second."""
    latencies: dict[str, list[float]] = {path.split("?")[0]: [] for path in paths}
    statuses: Counter[int] = Counter()
    etags: dict[str, str] = {}
    if revalidate:
        async with httpx.AsyncClient() as session:
            for path in paths:
                answer = await session.get(base + path, headers={"accept": accept_for(path)})
                etags[path] = answer.headers.get("etag", "")
    counter = iter(range(total))
    if cpu is not None:
        workers = children(cpu)
        before = {pid: cpu_seconds(pid) for pid in [cpu, *workers]}
        ours = os.times()

    async def client(get) -> None:
        for n in counter:
            path = paths[n % len(paths)]
            headers = {"accept": accept_for(path)}
            if revalidate:
                headers["if-none-match"] = etags[path]
            started = time.perf_counter()
            status, _ = await get(path, headers)
            latencies[path.split("?")[0]].append(time.perf_counter() - started)
            statuses[status] += 1

    started = time.perf_counter()
    if client_kind == "raw":
        connections = [RawConnection(base) for _ in range(concurrency)]
        await asyncio.gather(*(client(c.get) for c in connections))
        elapsed = time.perf_counter() - started
        await asyncio.gather(*(c.close() for c in connections))
    else:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=60) as session:

            async def httpx_get(path: str, headers: dict[str, str]) -> tuple[int, httpx.Headers]:
                answer = await session.get(base + path, headers=headers)
                return answer.status_code, answer.headers

            await asyncio.gather(*(client(httpx_get) for _ in range(concurrency)))
            elapsed = time.perf_counter() - started
    every = [v for values in latencies.values() for v in values]
    errors = sum(n for status, n in statuses.items() if status not in (200, 304))
    print(
        f"{total} requests, {concurrency} concurrent, {client_kind} client, {elapsed:.1f} s: "
        f"{total / elapsed:.0f} requests/s, errors {errors}, statuses {dict(statuses)}"
    )
    if cpu is not None:
        spent = {pid: cpu_seconds(pid) - start for pid, start in before.items()}
        after = os.times()
        load_cpu = after.user - ours.user + after.system - ours.system
        print(
            f"CPU per request: server {spent[cpu] / total * 1e6:.0f} µs, its "
            f"{len(workers)} child processes {sum(spent[w] for w in workers) / total * 1e6:.0f}"
            f" µs, load generator {load_cpu / total * 1e6:.0f} µs"
        )
    print("| endpoint | requests | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    rows = [*latencies.items(), ("all", every)] if len(latencies) > 1 else latencies.items()
    for path, values in rows:
        print(
            f"| {path} | {len(values)} | {statistics.median(values) * 1000:.1f} | {percentile(values, 0.99) * 1000:.1f} |"
        )
    return total / elapsed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base", help="server root, e.g. http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--path",
        action="append",
        dest="paths",
        metavar="PATH",
        help="path (with query string) to request; repeat for several; default: a mix of five",
    )
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw")
    parser.add_argument(
        "--revalidate", action="store_true", help="send If-None-Match with each path's ETag"
    )
    parser.add_argument(
        "--cpu", type=int, metavar="PID", help="also print the CPU time per request of PID"
    )
    arguments = parser.parse_args()
    asyncio.run(
        main(
            arguments.base.rstrip("/"),
            arguments.requests,
            arguments.concurrency,
            arguments.paths or PATHS,
            arguments.client,
            arguments.revalidate,
            arguments.cpu,
        )
    )
