"""L2 (explore12 "security"): what a SPARQL answer's end logs, under gunicorn and Granian.

A CONSTRUCT cut at the time limit is an expected, documented outcome any client can
cause: one WARNING line naming the limit and the client (Granian added its "[ERROR]
Application callable raised an exception" and a traceback). A query worker killed
by a signal (Oxigraph once crashed on a deeply nested query) is not expected: one
ERROR line naming the signal (it was a WARNING).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.test_web_serve import LDPUB, _stop, _wait_up
from tests.web_records import sample_paths

CROSS = "CONSTRUCT { ?a ?b ?f . ?d ?e ?c } WHERE { ?a ?b ?c . ?d ?e ?f }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PORTS = range(7640, 7680)  # this test's share of the machine's ports


def _port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 7640-7679")


@pytest.fixture(params=["gunicorn", "granian"])
def server(tmp_path: Path, request: pytest.FixtureRequest
           ) -> Iterator[tuple[str, subprocess.Popen]]:
    """``ldpub serve`` (1 worker, a 2 s query limit) on the sample; the test stops it."""
    port = _port()
    env = {**os.environ, "LDPUB_SERVER": request.param, "LDPUB_STORE": str(tmp_path / "s"),
           "LDPUB_PORT": str(port), "LDPUB_BASE_URI": f"http://127.0.0.1:{port}/",
           "LDPUB_WORKERS": "1", "LDPUB_THREADS": "4", "LDPUB_QUERY_TIMEOUT": "2",
           "LDPUB_LOG_LEVEL": "WARNING"}
    subprocess.run([*LDPUB, "load", *sample_paths()], env=env, check=True,
                   capture_output=True, timeout=120)
    proc = subprocess.Popen([*LDPUB, "serve"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait_up(url, proc)
    try:
        yield url, proc
    finally:
        if proc.poll() is None:
            _stop(proc)


def _query_workers(server_pid: int) -> list[int]:
    """The ``ld.sparql_worker`` processes under ``ldpub serve`` (its web worker's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _descends(int(entry.name), server_pid):
            cmdline = (entry / "cmdline").read_bytes() if entry.exists() else b""
            if b"ld.sparql_worker" in cmdline:
                found.append(int(entry.name))
    return found


def _descends(pid: int, ancestor: int) -> bool:
    while pid > 1:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat.rpartition(")")[2].split()[1])
        if pid == ancestor:
            return True
    return False


def _crash_a_query(url: str, proc: subprocess.Popen) -> int:
    """The status of a slow query whose worker gets SIGSEGV while it runs."""
    status: list[int] = []
    asking = threading.Thread(target=lambda: status.append(
        requests.post(url + "/sparql", data={"query": SLOW}, timeout=30).status_code))
    asking.start()
    threading.Event().wait(1.0)
    for pid in _query_workers(proc.pid):
        os.kill(pid, signal.SIGSEGV)
    asking.join()
    return status[0]


def test_a_cut_is_one_warning_and_a_crash_one_error(server) -> None:  # type: ignore[no-untyped-def]
    url, proc = server
    assert _crash_a_query(url, proc) == 503
    with requests.post(url + "/sparql", data={"query": CROSS}, stream=True, timeout=30,
                       headers={"Accept": "application/n-triples"}) as answer:
        assert answer.status_code == 200  # the status went first: only the body is cut
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            answer.content  # noqa: B018
    lines = _stop(proc).splitlines()
    cut = [line for line in lines
           if "answer was cut after its first bytes (client 127.0.0.1)" in line]
    assert len(cut) == 1 and "[WARNING]" in cut[0] and "limit of 2 s" in cut[0], lines
    crash = [line for line in lines if "[ERROR]" in line]
    assert len(crash) == 1 and "killed by SIGSEGV" in crash[0], lines
    assert not any("Traceback" in line for line in lines), lines
