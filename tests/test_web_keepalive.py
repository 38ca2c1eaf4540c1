"""gunicorn's worker as ldpub runs it (ld.web.gunicorn_worker): a keep-alive client's next
request is answered in the thread that answered the last, and nobody waits for it.

A real ``ldpub serve`` (one gunicorn worker, two threads) on 127.0.0.1, real
sockets held open or idle, real SIGTERM.
"""

from __future__ import annotations

import http.client
import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from rdflib import Graph

from tests.test_web_serve import _start, _stop

ASK = "/sparql?query=" + quote("ASK { ?s ?p ?o }")
RECORD = "/doc/record/pubmed-6839263"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    url, _env, proc = _start(tmp_path, "gunicorn", LDPUB_WORKERS="1", LDPUB_THREADS="2")
    try:
        parts = urlsplit(url)
        yield parts.hostname or "", parts.port or 0
    finally:
        _stop(proc)


def _get(conn: http.client.HTTPConnection, path: str, accept: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    return response.status, response.read()


def test_one_connection_answers_many_requests_in_turn(server: tuple[str, int]) -> None:
    """Records, SPARQL and pages one after another on one connection, each answered whole."""
    conn = http.client.HTTPConnection(*server, timeout=10)
    conn.connect()
    sock = conn.sock
    for i in range(60):
        status, body = _get(conn, RECORD, "text/turtle")
        assert status == 200 and len(Graph().parse(data=body, format="turtle")) > 10
        status, body = _get(conn, ASK, "application/sparql-results+json")
        assert status == 200 and json.loads(body)["boolean"] is True
        if i % 20 == 0:
            status, body = _get(conn, "/", "text/html")
            assert status == 200 and b"</html>" in body
    assert conn.sock is sock  # never closed and reopened on the way
    conn.close()


def test_idle_keep_alive_connections_do_not_hold_the_threads(server: tuple[str, int]) -> None:
    """Two clients that keep their connections open and say nothing (a browser between
    clicks) while the worker has two threads: a third client is answered at once."""
    idle = [http.client.HTTPConnection(*server, timeout=10) for _ in range(2)]
    for conn in idle:
        assert _get(conn, ASK, "application/sparql-results+json")[0] == 200
    third = http.client.HTTPConnection(*server, timeout=10)
    started = time.monotonic()
    assert _get(third, RECORD, "text/turtle")[0] == 200
    assert time.monotonic() - started < 2
    for conn in idle:  # and the idle ones were kept for their next request
        assert _get(conn, RECORD, "text/turtle")[0] == 200
    for conn in (*idle, third):
        conn.close()


def test_more_clients_than_threads_each_get_their_turn(server: tuple[str, int]) -> None:
    """Six clients, each sending requests back to back on its own connection, to two
    threads: every client finishes, none is starved by the ones kept in a thread.
    (Records, not queries: with two threads one query at a time runs, the other
    thread is kept for pages, explore12 security H4.)"""
    done: dict[int, list[int]] = {}

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(*server, timeout=30)
        done[n] = [_get(conn, RECORD, "text/turtle")[0] for _ in range(40)]
        conn.close()

    clients = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(timeout=90)
    assert {n: set(codes) for n, codes in done.items()} == {n: {200} for n in range(6)}


def test_a_stop_ends_a_client_that_keeps_asking(tmp_path: Path) -> None:
    """SIGTERM while a client sends request after request on one connection: the
    server stops in its graceful time, the client's requests are answered or refused."""
    url, _env, proc = _start(tmp_path, "gunicorn", LDPUB_WORKERS="1", LDPUB_THREADS="2")
    parts = urlsplit(url)
    codes: list[int | str] = []
    stop = threading.Event()

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        while not stop.is_set():
            try:
                codes.append(_get(conn, ASK, "application/sparql-results+json")[0])
            except (OSError, http.client.HTTPException) as err:
                codes.append(type(err).__name__)
                break

    thread = threading.Thread(target=client)
    thread.start()
    time.sleep(1)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.communicate(timeout=20)
    finally:
        stop.set()
        thread.join(timeout=20)
    assert proc.returncode == 0 and time.monotonic() - started < 15
    assert codes.count(200) > 10 and set(codes) - {200} <= {"RemoteDisconnected",
                                                            "ConnectionRefusedError",
                                                            "ConnectionResetError"}
