"""``itugraph serve --processes N``: N server processes on one port, each with its own app and
query workers, started by the real command. Both answer; SIGTERM stops them all (and their
workers) with exit 0; a parent killed outright takes them with it; a port already taken is one
line and exit 2."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import free_port, start_process, stop_process

pytestmark = [pytest.mark.server]


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def servers_of(pid: int) -> set[int]:
    """The server processes started by ``pid`` (not multiprocessing's resource tracker)."""
    return {
        child
        for child in children_of(pid)
        if b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes()
    }


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` that still run (not zombies)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def workers_of(servers: set[int], seconds: float = 120) -> set[int]:
    """The query workers of ``servers`` once each has its two (--workers 2): a process answers as
    soon as it is up, the other may still be starting."""
    deadline = time.monotonic() + seconds
    while True:
        found = {server: children_of(server) for server in servers}
        if all(len(w) == 2 for w in found.values()) or time.monotonic() > deadline:
            return set().union(*found.values())
        time.sleep(0.2)


def wait_until_gone(pids: set[int], seconds: float = 20) -> set[int]:
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive(pids)


@pytest.fixture
def started(tmp_path):
    """`itugraph serve --processes 2` on a free port, and its URL; killed (with what it started)
    after the test whatever the test did, so a failing assertion leaves no server behind."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "itugraph", "serve", "--port", str(port), "--processes", "2"]
    process = start_process(command, f"{url}/api/queries", tmp_path, "itugraph serve", 180)
    try:
        yield process, url
    finally:
        stop_process(process)


def test_two_processes_answer_and_stop_together(started, tmp_path):
    process, url = started
    everything = children_of(process.pid)
    servers = servers_of(process.pid)
    assert len(servers) == 2
    workers = workers_of(servers)
    assert len(workers) == 4  # --workers 2 in each server process
    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(20):
            page = client.get("/id/region/AFR", headers={"accept": "text/html"})
            assert page.status_code == 200 and "<h1" in page.text
        answer = client.get("/sparql", params={"query": "SELECT (1 AS ?x) {}"})
        assert answer.json()["results"]["bindings"] == [
            {
                "x": {
                    "type": "literal",
                    "value": "1",
                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                }
            }
        ]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert wait_until_gone(everything | workers) == set()
    assert "(2 processes)" in (tmp_path / "server.log").read_text()


def test_a_parent_killed_outright_takes_its_processes_with_it(started):
    process, _ = started
    everything = children_of(process.pid)
    workers = workers_of(servers_of(process.pid))
    assert len(workers) == 4
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert wait_until_gone(everything | workers) == set()


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "itugraph", "serve", "--port", str(port), "--processes", "2"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"
    )
    assert "Traceback" not in done.stderr
