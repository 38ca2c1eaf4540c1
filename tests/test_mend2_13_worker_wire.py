"""ldpub's gunicorn worker class sends gthread's bytes, over a real socket (review2 M1-M3).

The same app and store are served twice by gunicorn, once with plain
``gthread`` and once with :class:`ld.web.gunicorn_worker.LingeringThreadWorker`;
each case's raw bytes (status lines, headers, chunk framing, 100 Continue,
pipelined answers; only the Date line masked) must be identical. It runs on
whatever gunicorn is installed: on 27.0 it checks the copied request path, on
another release that the worker is gthread but for the lingering.

The copies themselves are pinned: when gunicorn 27.0's code they were made
from changes (a patch release), the hash test fails and says to re-copy.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import gunicorn
import pytest
from gunicorn import util
from gunicorn.http import wsgi
from gunicorn.workers.gthread import ThreadWorker

from ld.web import gunicorn_worker
from tests.web_records import sample_paths

LDPUB = str(Path(sys.executable).parent / "ldpub")
BASE = "http://ldpub.test/"
SRJ = "application/sparql-results+json"
IRI = "http://ldpub.test/id/record/ldpub-a001"
DOC = "/doc/record/ldpub-a001"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{IRI}> ?p ?o }}"
# gunicorn with ldpub's own settings (ld.web.serve), one worker, the worker class given
SERVE = """
import sys
from gunicorn.app.base import BaseApplication
from ld.config import load_settings
from ld.web import create_app
from ld.web.serve import gunicorn_options

settings = load_settings()
options = {**gunicorn_options(settings), "workers": 1, "worker_class": sys.argv[1]}
app = create_app(settings)

class Server(BaseApplication):
    def load_config(self):
        for key, value in options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        return app

Server().run()
"""


def _request(method: str, target: str, *headers: str, body: bytes = b"",
             close: bool = False) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: ldpub.test", *headers]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _get(query: str, accept: str, method: str = "GET", close: bool = True) -> bytes:
    return _request(method, "/sparql?query=" + quote(query, safe=""), f"Accept: {accept}",
                    close=close)


FORM = ("query=" + quote(LOOKUP, safe="")).encode()
STREAM = "SELECT * WHERE { ?s ?p ?o } LIMIT 3000"  # more than one piece: chunked
# name -> the requests sent at once on one connection (the last asks to close)
CASES: dict[str, list[bytes]] = {
    "lookup form": [_request("POST", "/sparql", f"Accept: {SRJ}", "Content-Type: "
                             "application/x-www-form-urlencoded", body=FORM, close=True)],
    **{f"GET ?query= {accept}": [_get(LOOKUP, accept)]
       for accept in (SRJ, "application/sparql-results+xml", "text/csv",
                      "text/tab-separated-values", "application/json", "text/html")},
    "HEAD": [_get(LOOKUP, SRJ, "HEAD")],
    "chunked SELECT": [_get(STREAM, SRJ)],
    "400": [_get(f"SELECT ?p ?o WHERE {{ <{IRI}> ?p ?o", SRJ)],
    "pipelined pair": [_get(LOOKUP, SRJ, close=False), _get("ASK {}", SRJ)],
    "body read whole, then a GET": [  # the drain ldpub's worker skips
        _request("POST", "/sparql", f"Accept: {SRJ}", "Content-Type: "
                 "application/x-www-form-urlencoded", body=FORM), _get("ASK {}", SRJ)],
    "100-continue": [_request("POST", "/sparql", f"Accept: {SRJ}", "Expect: 100-continue",
                              "Content-Type: application/x-www-form-urlencoded", body=FORM,
                              close=True)],
    "body not read, then a GET": [
        _request("GET", DOC, "Accept: text/turtle", body=b"ignored"),
        _get("ASK {}", SRJ)],
    "HEAD then GET of a record": [_request("HEAD", DOC, "Accept: text/turtle"),
                                  _request("GET", DOC, "Accept: text/turtle", close=True)],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _exchange(port: int, requests: list[bytes]) -> bytes:
    """Every answer to the requests sent at once, up to the server's close, Date masked."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"".join(requests))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return re.sub(rb"\r\nDate: [^\r]*", b"\r\nDate: -", data)


def _start(env: dict[str, str], worker_class: str) -> tuple[int, subprocess.Popen[bytes]]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVE, worker_class],
                            env={**env, "LDPUB_PORT": str(port)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            if b" 200 " in _exchange(port, [_request("GET", "/", close=True)])[:20]:
                return port, proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    pytest.fail("gunicorn did not start: " + proc.communicate()[0].decode())


@pytest.fixture(scope="module")
def ports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """(plain gthread's port, ldpub's worker class's port), one store."""
    store = tmp_path_factory.mktemp("wire") / "store"
    env = {**os.environ, "LDPUB_STORE": str(store), "LDPUB_BASE_URI": BASE,
           "LDPUB_HOST": "127.0.0.1", "LDPUB_THREADS": "2", "LDPUB_LOG_LEVEL": "WARNING"}
    subprocess.run([LDPUB, "load", *sample_paths()], env=env, check=True,
                   capture_output=True, timeout=60)
    started = [_start(env, "gthread"),
               _start(env, "ld.web.gunicorn_worker.LingeringThreadWorker")]
    try:
        yield started[0][0], started[1][0]
    finally:
        for _, proc in started:
            proc.terminate()
            proc.communicate(timeout=20)


@pytest.mark.parametrize("name", CASES)
def test_the_same_bytes_as_gthread(ports: tuple[int, int], name: str) -> None:
    theirs, ours = (_exchange(port, CASES[name]) for port in ports)
    if gunicorn.version_info >= (27,):  # 23's gthread left a pipelined request unanswered
        assert theirs.count(b"HTTP/1.1 ") >= len(CASES[name])  # every request answered
    assert ours == theirs


def test_a_304_on_a_record_document(ports: tuple[int, int]) -> None:
    """If-None-Match with the document's own ETag, then a GET on the same connection."""
    first = _exchange(ports[0], [_request("GET", DOC, "Accept: text/turtle", close=True)])
    etag = re.search(rb"\r\nETag: ([^\r]*)", first, re.IGNORECASE)
    assert etag, first[:300]
    again = [_request("GET", DOC, "Accept: text/turtle", f"If-None-Match: {etag[1].decode()}"),
             _get("ASK {}", SRJ)]
    theirs, ours = (_exchange(port, again) for port in ports)
    assert theirs.startswith(b"HTTP/1.1 304 ")
    assert ours == theirs


def test_the_cases_reach_the_paths_they_name(ports: tuple[int, int]) -> None:
    """The streamed SELECT is chunked, the 400 is one, 100 Continue is sent."""
    assert b"\r\nTransfer-Encoding: chunked\r\n" in _exchange(ports[0], CASES["chunked SELECT"])
    assert _exchange(ports[0], CASES["400"]).startswith(b"HTTP/1.1 400 ")
    assert _exchange(ports[0], CASES["100-continue"]).startswith(b"HTTP/1.1 100 Continue")


# sha256 of gunicorn 27.0.1's code that ld.web.gunicorn_worker copies or relies on
COPIED_FROM = {
    "ThreadWorker.handle_request": (ThreadWorker, "handle_request"),
    "ThreadWorker._keepalive_after": (ThreadWorker, "_keepalive_after"),
    "Response.default_headers": (wsgi.Response, "default_headers"),
    "Response.send_headers": (wsgi.Response, "send_headers"),
    "Response.write": (wsgi.Response, "write"),  # OneSendResponse holds the head around it
    "Response._emit_body": (wsgi.Response, "_emit_body"),
    "util.write_chunk": (util, "write_chunk"),
}
HASHES = {
    "ThreadWorker.handle_request":
        "6d0de5b919102efcfde7a8dc83e48268298072d65d88f5f26c858b239696a4d3",
    "ThreadWorker._keepalive_after":
        "4ebdbbc8bf5aafa5585eebfabeb6e2326e607540833fc06beb9bd322e8685fd2",
    "Response.default_headers":
        "cb490cea5d6f54089293c2adf46190cf3b5fb92335e620bb93710412aa26c6c6",
    "Response.send_headers":
        "7aff3b7d004fc17b318ce8d0ea6a426cc9c019fb9e6e5ed129c5dbb598315cb9",
    "Response.write":
        "a13659ff072c00e10cc841fbd4e7695cc2e3481a2baadc539f70dd402bc046cc",
    "Response._emit_body":
        "df723e865a1e5adc10a07267689d0d001a4e8c8cd325744e0cf8f3366e19fbfe",
    "util.write_chunk":
        "9cd46540c593e44d129a6991a26a54706861421028830217da6b391cc1b7f4cd",
}


def _hash(owner: object, name: str) -> str:
    return hashlib.sha256(inspect.getsource(getattr(owner, name)).encode()).hexdigest()


def test_the_copies_run_on_gunicorn_27_0_only() -> None:
    assert gunicorn_worker.COPIED is (gunicorn.version_info[:2] == (27, 0))
    assert not gunicorn_worker.ONE_SEND_WORKS or gunicorn_worker.COPIED


@pytest.mark.skipif(not gunicorn_worker.COPIED, reason="the copies run on gunicorn 27.0 only")
@pytest.mark.parametrize("name", COPIED_FROM)
def test_the_copied_code_is_unchanged(name: str) -> None:
    assert _hash(*COPIED_FROM[name]) == HASHES[name], (
        f"gunicorn {gunicorn.__version__} changed {name}: re-copy it into "
        "ld/web/gunicorn_worker.py (compare the bytes with this file's wire tests), then "
        "update HASHES")
