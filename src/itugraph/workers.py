"""SPARQL evaluated in worker processes that can be stopped.

A query runs in a worker process that opens the read-only, on-disk pyoxigraph store. The caller
waits for its answer; a query that passes its timeout, or whose worker grows past the memory cap,
has its worker killed and replaced, and a query that crashes the engine (a segmentation fault on
deeply nested syntax, say) costs that worker only. Answers are serialized by pyoxigraph in the
worker, rows (or triples) capped while they stream, so a huge answer is never collected first.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import io
import os
import pickle
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from .federation import ServiceRefused, check_services

#: Result formats by name (SELECT and ASK) and graph formats (CONSTRUCT and DESCRIBE).
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
DEFAULT_MEMORY = 2**30
_PAGE = os.sysconf("SC_PAGE_SIZE")
_POLL = 0.02
#: How long a query waits for a busy worker before another worker is started for it.
_PATIENCE = 0.2


class QueryFailed(Exception):
    """A query that gave no answer: why, and the HTTP status that says so (400 malformed or it
    crashed the engine, 406 no acceptable format, 503 timed out, busy or over the memory cap)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Answer:
    """A serialized answer: the query form (SELECT, ASK, CONSTRUCT), the format's name, the bytes,
    how many rows or triples it holds, and whether the cap cut it."""

    form: str
    format: str
    body: bytes
    count: int
    truncated: bool


@dataclass(frozen=True)
class Request:
    """What a worker evaluates: the query, the formats acceptable for each form (None: that form
    is not acceptable), the cap on rows or triples, the base IRI for relative IRIs, and how many
    rows to skip first (paging: offset, then at most max_rows)."""

    text: str
    result_format: str | None = "json"
    graph_format: str | None = "turtle"
    max_rows: int = 10_000
    base_iri: str | None = None
    offset: int = 0
    allowed_services: tuple[str, ...] = ()


class _Enough(Exception):
    """Raised by the counting writer once the cap is passed: stops the serialization."""


def evaluate(store: ox.Store, request: Request, prefixes: dict[str, str] | None = None) -> Answer:
    """Run one query on the store and serialize its answer, capped (in the worker); graphs in
    Turtle use ``prefixes``. A SERVICE outside ``request.allowed_services`` is refused (400)."""
    try:
        check_services(request.text, request.allowed_services)
    except ServiceRefused as refused:
        raise QueryFailed(400, str(refused)) from None
    answer = store.query(request.text, base_iri=request.base_iri)
    if isinstance(answer, ox.QueryBoolean):
        fmt = _chosen(request.result_format, "ASK")
        if fmt in ("csv", "tsv"):
            return Answer("ASK", fmt, f"{str(bool(answer)).lower()}\n".encode(), 1, False)
        body = answer.serialize(format=RESULT_FORMATS[fmt])
        return Answer("ASK", fmt, body, 1, False)
    if isinstance(answer, ox.QuerySolutions):
        fmt = _chosen(request.result_format, "SELECT")
        text, count, truncated = _capped(
            lambda out: answer.serialize(out, ox.QueryResultsFormat.TSV),
            request.max_rows,
            1,
            request.offset,
        )
        solutions = ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV)
        return Answer(
            "SELECT", fmt, solutions.serialize(format=RESULT_FORMATS[fmt]), count, truncated
        )
    fmt = _chosen(request.graph_format, "CONSTRUCT")
    text, count, truncated = _capped(
        lambda out: answer.serialize(out, ox.RdfFormat.N_TRIPLES), request.max_rows, 0
    )
    triples = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
    target = GRAPH_FORMATS[fmt]
    body = ox.serialize(triples, format=target, prefixes=prefixes if fmt == "turtle" else None)
    return Answer("CONSTRUCT", fmt, body or b"", count, truncated)


def _chosen(fmt: str | None, form: str) -> str:
    if fmt is None:
        raise QueryFailed(406, f"no acceptable format for the answer of a {form} query")
    return fmt


def _capped(write, limit: int, header: int, skip: int = 0) -> tuple[bytes, int, bool]:
    """Serialize line by line (TSV, N-Triples) into a writer that stops past ``skip + limit``
    lines after ``header`` lines; returns the header and the ``limit`` lines after the first
    ``skip``, how many those are, and whether the cap cut the answer."""
    out = io.BytesIO()
    lines = 0
    stopped = False

    class Writer(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, chunk) -> int:
            nonlocal lines
            out.write(chunk)
            lines += bytes(chunk).count(b"\n")
            if lines > skip + limit + header:
                raise _Enough
            return len(chunk)

    try:
        write(Writer())
    except _Enough:
        stopped = True
    kept = out.getvalue().split(b"\n")
    complete = kept[:-1] if not stopped else kept[: skip + limit + header]
    complete = complete[:header] + complete[header + skip :]
    rows = len(complete) - header
    return b"".join(line + b"\n" for line in complete), max(rows, 0), stopped


def _worker_main(connection: Connection, path: str, memory: int) -> None:
    """A worker's loop: open the store read-only, then answer requests until told to stop (the
    first message is the prefixes for Turtle answers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def exit_with_the_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=exit_with_the_parent, daemon=True).start()
    limit = memory + 256 * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    store = ox.Store.read_only(path)
    prefixes = connection.recv()
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            reply = ("ok", evaluate(store, request, prefixes))
        except QueryFailed as failed:
            reply = ("failed", (failed.status, failed.message))
        except SyntaxError as error:
            from .store import syntax_message

            reply = ("failed", (400, syntax_message(request.text, str(error))))
        except MemoryError:
            reply = ("failed", (503, "the query needs more memory than the server allows"))
        except (OSError, ValueError, RuntimeError) as error:
            reply = ("failed", (400, str(error)))
        connection.send(reply)


class _Worker:
    """A worker process (``python -m itugraph.workers``, so that nothing of the caller's main
    module is imported again) and the non-blocking socket to it, framed as multiprocessing's
    Connection frames its messages (a 4-byte length, then the pickle)."""

    def __init__(self, path: str, memory: int, prefixes: dict[str, str]) -> None:
        ours, theirs = socket.socketpair()
        command = [
            sys.executable,
            "-m",
            "itugraph.workers",
            str(theirs.fileno()),
            path,
            str(memory),
        ]
        self.process = subprocess.Popen(
            command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL
        )
        theirs.close()
        self.socket = ours
        self.socket.sendall(_frame(prefixes))
        self.socket.setblocking(False)
        self.failure: QueryFailed | None = None

    def alive(self) -> bool:
        return self.process.poll() is None

    def resident_bytes(self) -> int:
        try:
            with open(f"/proc/{self.process.pid}/statm") as statm:
                return int(statm.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            return 0

    async def exchange(self, request: Request) -> tuple[str, object]:
        loop = asyncio.get_running_loop()
        await loop.sock_sendall(self.socket, _frame(request))
        (size,) = struct.unpack("!i", await self._read(loop, 4))
        if size == -1:
            (size,) = struct.unpack("!Q", await self._read(loop, 8))
        return pickle.loads(await self._read(loop, size))

    async def _read(self, loop: asyncio.AbstractEventLoop, size: int) -> bytearray:
        buffer = bytearray(size)
        view = memoryview(buffer)
        got = 0
        while got < size:
            count = await loop.sock_recv_into(self.socket, view[got:])
            if count == 0:
                raise EOFError
            got += count
        return buffer

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.socket.close()


def _frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return struct.pack("!i", len(data)) + data


class QueryPool:
    """Worker processes over one on-disk store; ``answer`` (async) or ``run`` (sync) answers a
    query or raises QueryFailed.

    ``workers`` start at once; when all stay busy for _PATIENCE seconds (with runaway queries,
    say) another starts, up to ``max_workers``, so a simple query is still answered. Used from
    one event loop at a time; ``close`` stops the workers. Turtle answers use ``prefixes``."""

    def __init__(
        self,
        path: str | os.PathLike,
        workers: int = 2,
        memory: int = DEFAULT_MEMORY,
        prefixes: dict[str, str] | None = None,
        max_workers: int | None = None,
    ) -> None:
        self.path = str(path)
        self.memory = memory
        self.prefixes = dict(prefixes or {})
        self.max_workers = max(max_workers or 8, workers)
        self._idle: list[_Worker] = []
        self._waiting: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._all: set[_Worker] = set()
        self._closed = False
        for _ in range(max(1, workers)):
            self._idle.append(self._start())

    def _start(self) -> _Worker:
        worker = _Worker(self.path, self.memory, self.prefixes)
        self._all.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    async def _acquire(self, timeout: float) -> _Worker:
        if self._idle:
            return self._idle.pop()
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        worker = None
        try:
            with contextlib.suppress(TimeoutError):
                worker = await asyncio.wait_for(asyncio.shield(waiter), min(_PATIENCE, timeout))
                return worker
            if len(self._all) < self.max_workers and not self._closed:
                worker = self._start()
                return worker
            try:
                worker = await asyncio.wait_for(asyncio.shield(waiter), timeout - _PATIENCE)
                return worker
            except TimeoutError:
                raise QueryFailed(503, "every query worker is busy; try again") from None
        finally:
            if worker is None and waiter.done() and not waiter.cancelled():
                self._release(waiter.result())
            waiter.cancel()

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)
        if not self._closed:
            self._release(self._start())

    async def answer(self, request: Request, timeout: float) -> Answer:
        """Answer one request within ``timeout`` seconds (waiting for a free worker included)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        worker = await self._acquire(timeout)
        reply = loop.create_task(worker.exchange(request))
        try:
            while not (await asyncio.wait((reply,), timeout=_POLL))[0]:
                failure = self._overrun(worker, timeout, loop.time() > deadline)
                if failure is not None:
                    raise failure
        except BaseException:
            reply.cancel()
            self._replace(worker)
            raise
        try:
            status, value = reply.result()
        except (EOFError, OSError):
            self._replace(worker)
            raise _crashed(worker) from None
        self._release(worker)
        if status == "failed":
            raise QueryFailed(*value)
        return value

    def _overrun(self, worker: _Worker, timeout: float, late: bool) -> QueryFailed | None:
        """Why a busy worker must be stopped now, if it must."""
        if not worker.alive():
            return _crashed(worker)
        if late:
            return QueryFailed(
                503, f"query did not finish within {timeout:g} s; simplify it or add a LIMIT"
            )
        if worker.resident_bytes() > self.memory:
            return QueryFailed(
                503,
                f"query needed more than {self.memory / 2**20:.0f} MiB of memory; "
                "simplify it or add a LIMIT",
            )
        return None

    def run(self, request: Request, timeout: float) -> Answer:
        """``answer`` for callers without an event loop (the command line)."""
        return asyncio.run(self.answer(request, timeout))

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        workers = list(self._all)
        self._all.clear()
        self._idle.clear()
        for worker in workers:
            worker.kill()

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _crashed(worker: _Worker) -> QueryFailed:
    """The failure of a query whose worker died under it (a stack overflow on deeply nested
    syntax, an allocation past the hard memory limit): the query's fault, so a 400."""
    return QueryFailed(
        400,
        f"the query stopped the SPARQL engine ({_how(worker.process)}); a deeply nested or "
        "very large query does this",
    )


def _how(process: subprocess.Popen) -> str:
    try:
        code = process.wait(1)
    except subprocess.TimeoutExpired:
        code = None
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


if __name__ == "__main__":
    # The worker's answers must pickle as itugraph.workers' classes, not __main__'s.
    from itugraph.workers import _worker_main as serve_queries

    serve_queries(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
