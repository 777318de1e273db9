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
import io
import os
import pickle
import re
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

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
#: How long a query waits for a busy worker before another worker is started for it (or, queued
#: on a worker behind a query running this long, is taken back).
_PATIENCE = 0.2
#: Requests sent to a worker at most at once, and how young its running query must be for one
#: to be queued behind it.
_DEPTH = 3
_YOUNG = 0.01


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


#: A query that may call a SERVICE: the word, or a \\u escape that could spell it (SPARQL decodes
#: those before it parses); any other query is not read for SERVICE clauses.
_MAYBE_SERVICE = re.compile(r"service|\\u", re.IGNORECASE)


def evaluate(store: ox.Store, request: Request, prefixes: dict[str, str] | None = None) -> Answer:
    """Run one query on the store and serialize its answer, capped (in the worker); graphs in
    Turtle use ``prefixes``. A SERVICE outside ``request.allowed_services`` is refused (400)."""
    if _MAYBE_SERVICE.search(request.text):
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
        if fmt == "tsv":
            return Answer("SELECT", fmt, text, count, truncated)
        solutions = ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV)
        return Answer(
            "SELECT", fmt, solutions.serialize(format=RESULT_FORMATS[fmt]), count, truncated
        )
    fmt = _chosen(request.graph_format, "CONSTRUCT")
    text, count, truncated = _capped(
        lambda out: answer.serialize(out, ox.RdfFormat.N_TRIPLES), request.max_rows, 0
    )
    if fmt == "nt":
        return Answer("CONSTRUCT", fmt, text, count, truncated)
    triples = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
    target = GRAPH_FORMATS[fmt]
    body = ox.serialize(triples, format=target, prefixes=prefixes if fmt == "turtle" else None)
    return Answer("CONSTRUCT", fmt, body or b"", count, truncated)


def _chosen(fmt: str | None, form: str) -> str:
    if fmt is None:
        raise QueryFailed(406, f"no acceptable format for the answer of a {form} query")
    return fmt


class _LineWriter(io.RawIOBase):
    """A binary writer that keeps what it is given and stops the serialization (raises
    _Enough) once it holds more than ``most`` lines."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self.chunks: list[bytes] = []
        self.lines = 0
        self.most = most

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        self.chunks.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.most:
            raise _Enough
        return len(chunk)


def _capped(write, limit: int, header: int, skip: int = 0) -> tuple[bytes, int, bool]:
    """Serialize line by line (TSV, N-Triples) into a writer that stops past ``skip + limit``
    lines after ``header`` lines; returns the header and the ``limit`` lines after the first
    ``skip``, how many those are, and whether the cap cut the answer."""
    out = _LineWriter(skip + limit + header)
    stopped = False
    try:
        write(out)
    except _Enough:
        stopped = True
    text = b"".join(out.chunks)
    if not stopped and not skip and text.endswith(b"\n"):
        return text, max(out.lines - header, 0), False
    kept = text.split(b"\n")
    complete = kept[:-1] if not stopped else kept[: skip + limit + header]
    complete = complete[:header] + complete[header + skip :]
    rows = len(complete) - header
    return b"".join(line + b"\n" for line in complete), max(rows, 0), stopped


_LENGTH = struct.Struct("!Q")


def _frame(message: object) -> bytes:
    """A message as sent over a worker's socket: its length (8 bytes), then its pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def _unframe(buffer: bytearray) -> object | None:
    """The first whole message in ``buffer`` (removed from it), or None while it is partial."""
    if len(buffer) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack_from(buffer)
    end = _LENGTH.size + size
    if len(buffer) < end:
        return None
    message = pickle.loads(memoryview(buffer)[_LENGTH.size : end])
    del buffer[:end]
    return message


def _worker_main(
    fd: int, path: str, memory: int, in_memory: bool = False, parent: int | None = None
) -> None:
    """A worker's loop: open the store read-only (and copy it into memory when ``in_memory``),
    then answer requests until told to stop or the socket closes (the first message is the
    prefixes for Turtle answers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = parent or os.getppid()  # given: a worker slow to start still sees it gone

    def exit_with_the_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=exit_with_the_parent, daemon=True).start()
    limit = memory + 256 * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    connection = socket.socket(fileno=fd)
    store = ox.Store.read_only(path)
    if in_memory:
        copy = ox.Store()
        copy.bulk_extend(store.quads_for_pattern(None, None, None, None))
        store = copy
    buffer = bytearray()

    def receive() -> object:
        while (message := _unframe(buffer)) is None:
            chunk = connection.recv(1 << 16)
            if not chunk:
                raise EOFError
            buffer.extend(chunk)
        return message

    try:
        prefixes = receive()
        while True:
            request = receive()
            if request is None:
                return
            connection.sendall(_frame(_reply(store, request, prefixes)))
    except (EOFError, OSError):
        return


def _reply(store: ox.Store, request: Request, prefixes: dict[str, str]) -> tuple[str, object]:
    """A worker's reply to one request: ("ok", the Answer) or ("failed", (status, message))."""
    try:
        return ("ok", evaluate(store, request, prefixes))
    except QueryFailed as failed:
        return ("failed", (failed.status, failed.message))
    except SyntaxError as error:
        from .store import syntax_message

        return ("failed", (400, syntax_message(request.text, str(error))))
    except MemoryError:
        return ("failed", (503, "the query needs more memory than the server allows"))
    except (OSError, ValueError, RuntimeError) as error:
        return ("failed", (400, str(error)))


class _Job:
    """One request for a worker: its frame, the future its caller awaits, when it must be
    answered by, since when it waits, and the worker it went to."""

    __slots__ = ("deadline", "future", "payload", "since", "timeout", "worker")

    def __init__(self, payload: bytes, future: asyncio.Future, now: float, timeout: float) -> None:
        self.payload = payload
        self.future = future
        self.deadline = now + timeout
        self.since = now
        self.timeout = timeout
        self.worker: _Worker | None = None


class _Worker:
    """A worker process (``python -m itugraph.workers``, so that nothing of the caller's main
    module is imported again) and the non-blocking socket to it. Messages are framed as an
    8-byte length and a pickle; the socket is read by the event loop's reader callback, which
    hands each whole answer to the pool. ``jobs`` are the requests sent and not yet answered,
    in order: the first is the one running (since ``started``). A job taken back (queued on
    another worker since) is still answered here, and that answer dropped."""

    def __init__(self, pool: QueryPool) -> None:
        ours, theirs = socket.socketpair()
        command = [
            sys.executable,
            "-m",
            "itugraph.workers",
            str(theirs.fileno()),
            pool.path,
            str(pool.memory),
            "memory" if pool.in_memory else "disk",
            str(os.getpid()),
        ]
        self.process = subprocess.Popen(
            command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL
        )
        theirs.close()
        self.pool = pool
        self.socket = ours
        self.socket.sendall(_frame(pool.prefixes))
        self.socket.setblocking(False)
        self.jobs: collections.deque[_Job] = collections.deque()
        self.started = 0.0
        self.inbox = bytearray()
        self.outbox = b""
        self.loop: asyncio.AbstractEventLoop | None = None
        self.closed = False

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Have ``loop`` read the worker's answers (again, when the pool is used from a new
        loop: the command line runs each query in its own)."""
        if self.loop is not loop and not self.closed:
            self.loop = loop
            loop.add_reader(self.socket.fileno(), self._readable)

    def send(self, payload: bytes) -> None:
        if self.outbox:
            self.outbox += payload
            return
        try:
            sent = self.socket.send(payload)
        except BlockingIOError:
            sent = 0
        except OSError:
            return  # the reader sees the end of the socket and fails the job
        if sent < len(payload):
            self.outbox = payload[sent:]
            self.loop.add_writer(self.socket.fileno(), self._writable)

    def _writable(self) -> None:
        try:
            sent = self.socket.send(self.outbox)
        except BlockingIOError:
            return
        except OSError:
            sent = len(self.outbox)
        self.outbox = self.outbox[sent:]
        if not self.outbox:
            self.loop.remove_writer(self.socket.fileno())

    def _readable(self) -> None:
        try:
            chunk = self.socket.recv(1 << 18)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.pool._lost(self)
            return
        self.inbox.extend(chunk)
        while self.jobs and (reply := _unframe(self.inbox)) is not None:
            self.pool._answered(self, reply)

    def alive(self) -> bool:
        return self.process.poll() is None

    def resident_bytes(self) -> int:
        try:
            with open(f"/proc/{self.process.pid}/statm") as statm:
                return int(statm.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            return 0

    def kill(self) -> None:
        if not self.closed:
            self.closed = True
            if self.loop is not None and not self.loop.is_closed():
                self.loop.remove_reader(self.socket.fileno())
                if self.outbox:
                    self.loop.remove_writer(self.socket.fileno())
        self.process.kill()
        self.process.wait(5)
        self.socket.close()


class QueryPool:
    """Worker processes over one on-disk store; ``answer`` (async) or ``run`` (sync) answers a
    query or raises QueryFailed.

    ``workers`` start at once (each with a copy of the store in memory when ``in_memory``). A
    request goes to an idle worker; when every worker is busy, it is queued on a worker whose
    running query is young (at most _DEPTH requests per worker, so that a worker goes from one
    to the next without waiting for this process), else it waits its turn here. One watchdog,
    every _POLL seconds while anything is busy, stops a worker past its query's deadline or the
    memory cap (the requests queued behind go to other workers), takes back the requests
    queued behind a query that has run _PATIENCE seconds, and starts another worker, up to
    ``max_workers``, for a request that has waited _PATIENCE seconds, so that a simple query is
    still answered while runaway ones run. Used from one event loop at a time; ``close`` stops
    the workers. Turtle answers use ``prefixes``."""

    def __init__(
        self,
        path: str | os.PathLike,
        workers: int = 2,
        memory: int = DEFAULT_MEMORY,
        prefixes: dict[str, str] | None = None,
        max_workers: int | None = None,
        in_memory: bool = False,
    ) -> None:
        self.path = str(path)
        self.in_memory = in_memory
        self.memory = memory
        self.prefixes = dict(prefixes or {})
        self.max_workers = max(max_workers or 8, workers)
        self._waiting: collections.deque[_Job] = collections.deque()
        self._all: list[_Worker] = []
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watchdog: asyncio.TimerHandle | None = None
        for _ in range(max(1, workers)):
            self._start()

    def _start(self) -> _Worker:
        worker = _Worker(self)
        self._all.append(worker)
        if self._loop is not None and not self._loop.is_closed():
            worker.attach(self._loop)
        return worker

    def _use(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._loop is not loop:
            self._loop = loop
            self._watchdog = None
            for worker in self._all:
                worker.attach(loop)

    async def answer(self, request: Request, timeout: float) -> Answer:
        """Answer one request within ``timeout`` seconds (waiting for a free worker included)."""
        loop = asyncio.get_running_loop()
        self._use(loop)
        now = loop.time()
        job = _Job(_frame(request), loop.create_future(), now, timeout)
        worker = self._worker_for(now)
        if worker is not None:
            self._dispatch(worker, job, now)
        else:
            self._waiting.append(job)
        if self._watchdog is None:
            self._watchdog = loop.call_later(_POLL, self._watch)
        try:
            status, value = await job.future
        except asyncio.CancelledError:
            worker = job.worker
            if worker is not None and worker.jobs and worker.jobs[0] is job:
                self._stop(worker)  # what nobody waits for any more
            raise
        if status == "failed":
            raise QueryFailed(*value)
        return value

    def _worker_for(self, now: float) -> _Worker | None:
        """An idle worker, else the least busy one whose running query is young and whose
        queue has room, else None."""
        best = None
        for worker in self._all:
            queued = len(worker.jobs)
            if not queued:
                return worker
            young = now - worker.started < _YOUNG and not self._waiting
            if young and queued < _DEPTH and (best is None or queued < len(best.jobs)):
                best = worker
        return best

    def _dispatch(self, worker: _Worker, job: _Job, now: float) -> None:
        if not worker.jobs:
            worker.started = now
        worker.jobs.append(job)
        job.worker = worker
        worker.send(job.payload)

    def _answered(self, worker: _Worker, reply: tuple[str, object]) -> None:
        job = worker.jobs.popleft()
        now = self._loop.time()
        worker.started = now
        if not job.future.done():
            job.future.set_result(reply)
        self._refill(worker, now)

    def _refill(self, worker: _Worker, now: float) -> None:
        """Queue on a worker the requests waiting here, as many as it takes."""
        payloads = []
        while self._waiting and len(worker.jobs) < (_DEPTH if worker.jobs else 1):
            job = self._waiting.popleft()
            if job.future.done():
                continue
            if not worker.jobs:
                worker.started = now
            worker.jobs.append(job)
            job.worker = worker
            payloads.append(job.payload)
        if payloads:
            worker.send(b"".join(payloads))

    def _fail(self, worker: _Worker, job: _Job, failure: QueryFailed) -> None:
        """Fail the job running on ``worker``, unless it was taken back from it."""
        if job.worker is worker and not job.future.done():
            job.future.set_exception(failure)

    def _lost(self, worker: _Worker) -> None:
        """A worker's socket closed: it died (a crash, the hard memory limit)."""
        if worker not in self._all:
            return
        if worker.jobs:
            self._fail(worker, worker.jobs[0], _crashed(worker))
        self._stop(worker)

    def _stop(self, worker: _Worker) -> None:
        """Kill a worker and start another in its place; the requests queued behind its
        running one (which never started) wait for a worker again, first in line."""
        worker.kill()
        self._all.remove(worker)
        behind = [job for job in dict.fromkeys(list(worker.jobs)[1:]) if job.worker is worker]
        worker.jobs.clear()
        for job in behind:
            job.worker = None
        self._waiting.extendleft(reversed(behind))
        if not self._closed:
            self._refill(self._start(), self._loop.time())

    def _watch(self) -> None:
        """Every _POLL seconds while anything is busy or waiting: stop a worker whose query
        overran; take back what is queued behind a query that has run _PATIENCE seconds; fail
        a request that waited out its timeout; start a worker for a request that waited
        _PATIENCE seconds."""
        self._watchdog = None
        if self._closed:
            return
        now = self._loop.time()
        for worker in [w for w in self._all if w.jobs]:
            running = worker.jobs[0]
            late = now > running.deadline
            # A query that started since the last look has had no time to grow (the worker's
            # hard limit stops it meanwhile; a crash closes the socket): looked at next time.
            fresh = now - worker.started < _POLL
            failure = None if fresh and not late else self._overrun(worker, running.timeout, late)
            if failure is not None:
                self._fail(worker, running, failure)
                self._stop(worker)
            elif now - worker.started >= _PATIENCE and len(worker.jobs) > 1:
                behind = [job for job in dict.fromkeys(list(worker.jobs)[1:])]
                behind = [job for job in behind if job.worker is worker]
                for job in behind:
                    job.worker = None
                self._waiting.extendleft(reversed(behind))
        waiting = collections.deque()
        for job in self._waiting:
            if job.future.done():
                continue
            if now > job.deadline:
                job.future.set_exception(QueryFailed(503, "every query worker is busy; try again"))
            elif now - job.since >= _PATIENCE and len(self._all) < self.max_workers:
                worker = self._start()
                self._dispatch(worker, job, now)
            else:
                waiting.append(job)
        self._waiting = waiting
        for worker in self._all:
            if not worker.jobs and self._waiting:
                self._refill(worker, now)
        if self._waiting or any(w.jobs for w in self._all):
            self._watchdog = self._loop.call_later(_POLL, self._watch)

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
        for worker in workers:
            worker.kill()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None

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

    fd, path, memory, kind, parent = sys.argv[1:6]
    serve_queries(int(fd), path, int(memory), kind == "memory", int(parent))
