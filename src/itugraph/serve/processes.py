"""Several server processes on one listening socket: each has its own app, answer cache and query
workers, so pages are built on every core. The parent binds the socket and starts the processes
as fresh interpreters (multiprocessing's spawn: nothing the parent opened, such as a store, is
shared by a fork), passes them SIGINT and SIGTERM, and stops them all when one of them stops."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import socket
import sys
import time
from typing import Any


def serve_in_processes(
    app_arguments: tuple, host: str, port: int, processes: int, **config: Any
) -> int:
    """Serve ``create_app(*app_arguments)`` (made in each process) from ``processes`` processes;
    returns the exit status (0 when stopped by a signal, else 1)."""
    listener = socket.create_server((host, port), backlog=2048)
    print(f"itugraph: serving at http://{host}:{port}/ ({processes} processes)", file=sys.stderr)
    spawn = multiprocessing.get_context("spawn")
    children = [
        spawn.Process(target=_serve, args=(listener, os.getpid(), app_arguments, config))
        for _ in range(processes)
    ]
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.pid is not None and child.exitcode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for child in children:
        child.start()
    listener.close()
    status = 0
    while any(child.exitcode is None for child in children):
        time.sleep(0.2)
        failed = [c for c in children if c.exitcode not in (None, 0, -signal.SIGTERM)]
        if failed and not stopping:
            print(
                f"itugraph: a server process stopped (exit {failed[0].exitcode}); stopping",
                file=sys.stderr,
            )
            status = 1
            stop(signal.SIGTERM, None)
    return status


def _serve(listener: socket.socket, parent: int, app_arguments: tuple, config: dict) -> None:
    """One server process: its app on the shared socket, until SIGTERM or its parent's end."""
    import uvicorn

    from .app import create_app

    _stop_with(parent)
    server = uvicorn.Server(uvicorn.Config(create_app(*app_arguments), **config))
    server.run(sockets=[listener])


def _stop_with(parent: int) -> None:
    """Have the kernel send this process SIGTERM when its parent dies, even by SIGKILL (Linux's
    PR_SET_PDEATHSIG); a parent already gone stops it at once."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)
