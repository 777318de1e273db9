"""Queries in worker processes: a runaway query costs its timeout or its memory cap, a crash
costs one worker, answers are capped while they stream, and paging returns every row once."""

from __future__ import annotations

import asyncio
import csv
import io
import time

import pytest

from itugraph.store import open_store
from itugraph.workers import QueryFailed, QueryPool, Request

CARTESIAN = "SELECT * WHERE { ?s ?p ?o . ?s2 ?p2 ?o2 }"
COUNT_CUBE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = CARTESIAN + " ORDER BY ?o2 ?o"
NESTED = "SELECT (" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) {}"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
REGIONS = "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/itugraph/def#Region> }"


@pytest.fixture(scope="module")
def store():
    return open_store()


@pytest.fixture
def pool(store):
    with QueryPool(store.path, workers=1, memory=200 * 2**20, max_workers=6) as pool:
        yield pool


def regions(pool: QueryPool) -> bytes:
    return pool.run(Request(REGIONS, "csv"), 10).body


def worker_pids(pool: QueryPool) -> set[int]:
    return {worker.process.pid for worker in pool._all}


def test_a_runaway_query_is_stopped_at_its_timeout(pool):
    regions(pool)
    (before,) = worker_pids(pool)
    started = time.monotonic()
    with pytest.raises(QueryFailed) as failed:
        pool.run(Request(CARTESIAN, max_rows=2**40), 1.5)
    assert 1.5 <= time.monotonic() - started < 3
    assert (failed.value.status, failed.value.message) == (
        503,
        "query did not finish within 1.5 s; simplify it or add a LIMIT",
    )
    assert regions(pool) == b"n\r\n6\r\n"
    assert before not in worker_pids(pool)


def test_a_query_past_the_memory_cap_is_stopped(pool):
    started = time.monotonic()
    with pytest.raises(QueryFailed) as failed:
        pool.run(Request(HUNGRY, max_rows=10), 60)
    assert time.monotonic() - started < 20
    assert failed.value.status == 503
    assert failed.value.message == (
        "query needed more than 200 MiB of memory; simplify it or add a LIMIT"
    )
    assert regions(pool) == b"n\r\n6\r\n"


def test_a_query_that_crashes_the_engine_costs_one_worker(pool):
    with pytest.raises(QueryFailed) as failed:
        pool.run(Request(NESTED), 10)
    assert failed.value.status == 400
    assert failed.value.message.startswith(
        "the query stopped the SPARQL engine (killed by SIGSEGV)"
    )
    assert regions(pool) == b"n\r\n6\r\n"


def test_a_simple_query_is_answered_while_four_runaways_run(pool):
    """All workers busy with runaway queries: another starts for the simple one, which is
    answered while all four still run (not once one is killed). How fast, on a quiet machine,
    is a benchmark figure (docs/benchmarks.md), not asserted here."""

    async def race() -> tuple[int, list]:
        runaways = [asyncio.ensure_future(pool.answer(Request(COUNT_CUBE), 8)) for _ in range(4)]
        await asyncio.sleep(0.5)
        answer = await pool.answer(Request(REGIONS, "csv"), 10)
        assert answer.body == b"n\r\n6\r\n"
        still_running = sum(not runaway.done() for runaway in runaways)
        return still_running, await asyncio.gather(*runaways, return_exceptions=True)

    still_running, outcomes = asyncio.run(race())
    assert still_running == 4
    failures = [outcome.status for outcome in outcomes if isinstance(outcome, QueryFailed)]
    assert failures == [503] * 4


def test_rows_are_capped_while_they_stream(pool, store):
    answer = pool.run(Request(ALL, "csv", max_rows=7), 10)
    assert (answer.form, answer.count, answer.truncated) == ("SELECT", 7, True)
    assert len(list(csv.reader(io.StringIO(answer.body.decode())))) == 8
    everything = pool.run(Request(ALL, "csv", max_rows=len(store) + 1), 10)
    assert (everything.count, everything.truncated) == (len(store), False)


def test_a_graph_answer_is_capped_too(pool):
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    answer = pool.run(Request(construct, graph_format="nt", max_rows=5), 10)
    assert (answer.form, answer.count, answer.truncated) == ("CONSTRUCT", 5, True)
    assert answer.body.count(b" .\n") == 5


def test_paging_returns_every_row_exactly_once(pool, store):
    everything = pool.run(Request(ALL, "tsv", max_rows=10**6), 10).body.splitlines()
    header, rows = everything[0], everything[1:]
    pages, offset = [], 0
    while True:
        page = pool.run(Request(ALL, "tsv", max_rows=1000, offset=offset), 10)
        lines = page.body.splitlines()
        assert lines[0] == header
        pages += lines[1:]
        offset += 1000
        if not page.truncated:
            break
    assert pages == rows and len(rows) == len(store)


def test_malformed_and_unacceptable(pool):
    with pytest.raises(QueryFailed) as failed:
        pool.run(Request("SELECT ?x WHERE { ?x"), 10)
    assert failed.value.status == 400 and failed.value.message.startswith(
        "SPARQL syntax error at line 1"
    )
    with pytest.raises(QueryFailed) as failed:
        pool.run(Request("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=None), 10)
    assert failed.value.status == 406


def test_workers_end_with_the_process_that_started_them(store, tmp_path):
    """A server killed outright (SIGKILL) leaves no worker behind, even one in a runaway query."""
    import signal
    import subprocess
    import sys

    script = tmp_path / "owner.py"
    script.write_text(
        "import asyncio\n"
        "from itugraph.workers import QueryPool, Request\n"
        "async def main():\n"
        f"    pool = QueryPool({str(store.path)!r}, workers=2)\n"
        f"    asyncio.ensure_future(pool.answer(Request({COUNT_CUBE!r}), 60))\n"
        "    await asyncio.sleep(1)\n"
        "    print(' '.join(str(w.process.pid) for w in pool._all), flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    owner = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    pids = [int(pid) for pid in owner.stdout.readline().split()]
    assert len(pids) == 2
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_running(pid) for pid in pids):
        time.sleep(0.1)
    assert [pid for pid in pids if _running(pid)] == []


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_query_queued_behind_a_runaway_is_taken_back(pool):
    """A request sent to a worker behind a query that turns out to be a runaway (the pool
    queues requests on a busy worker whose query is young) is taken back and answered by
    another worker, long before the runaway's timeout."""

    async def race() -> tuple[float, object]:
        runaway = asyncio.ensure_future(pool.answer(Request(COUNT_CUBE), 8))
        await asyncio.sleep(0)
        started = time.monotonic()
        answer = await pool.answer(Request(REGIONS, "csv"), 10)
        waited = time.monotonic() - started
        assert answer.body == b"n\r\n6\r\n"
        assert not runaway.done()
        return waited, (await asyncio.gather(runaway, return_exceptions=True))[0]

    waited, outcome = asyncio.run(race())
    assert waited < 5
    assert isinstance(outcome, QueryFailed) and outcome.status == 503
