"""Load test for `itugraph serve`: N requests at C concurrent clients across /sparql, a canned
query of /api/queries and /id/ entity pages; prints requests/s, p50/p99 latency and errors.

    python benchmarks/load.py http://127.0.0.1:8000 --requests 5000 --concurrency 32
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import Counter
from urllib.parse import quote

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


async def main(base: str, total: int, concurrency: int) -> None:
    latencies: dict[str, list[float]] = {path.split("?")[0]: [] for path in PATHS}
    statuses: Counter[int] = Counter()
    counter = iter(range(total))

    async def client(session: httpx.AsyncClient) -> None:
        for n in counter:
            path = PATHS[n % len(PATHS)]
            started = time.perf_counter()
            response = await session.get(
                base + path,
                headers={"accept": "text/html" if path.startswith("/id/") else "application/json"},
            )
            latencies[path.split("?")[0]].append(time.perf_counter() - started)
            statuses[response.status_code] += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    every = [v for values in latencies.values() for v in values]
    errors = sum(n for status, n in statuses.items() if status != 200)
    print(
        f"{total} requests, {concurrency} concurrent, {elapsed:.1f} s: {total / elapsed:.0f} requests/s, errors {errors}, statuses {dict(statuses)}"
    )
    print("| endpoint | requests | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for path, values in [*latencies.items(), ("all", every)]:
        print(
            f"| {path} | {len(values)} | {statistics.median(values) * 1000:.1f} | {percentile(values, 0.99) * 1000:.1f} |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base", help="server root, e.g. http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.base.rstrip("/"), arguments.requests, arguments.concurrency))
