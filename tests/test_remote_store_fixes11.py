"""Remote store fixes of explore11/remote 7, 4 and 5, against a real Oxigraph server.

7: figures that take longer to compute than a remote ``version`` lasts were filed
under a version already gone: ``/dataset`` answered 503 for ever. 4: every graph
named ``.../doc/record/...``, of any base, was taken as a record graph (counted,
dumped, and taken for the base check). 5: ``ldpub serve`` started while the server
was down never checked the base URI and served a site of 404s with ``/health`` ok.

The server sits behind :class:`SlowProxy`, a real HTTP proxy on 127.0.0.1 that
delays every request or answers 500 while ``failing``.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
import requests
from store_contract import make_record

from ld import versioned
from ld.config import load_settings
from ld.errors import ConfigError
from ld.store import minted, open_store, remote
from ld.web import create_app
from tests.oai_server import LoopbackServer, reply

OURS, OTHER = "http://localhost:5000/", "http://cat1.example/"
OTHER_GRAPH = f"{OTHER}doc/record/x1"


class SlowProxy(LoopbackServer):
    """Forwards to ``upstream`` after ``delay`` seconds; answers 500 while ``failing``."""

    def __init__(self, upstream: str) -> None:
        super().__init__(_Handler)
        self.httpd.proxy = self  # type: ignore[attr-defined]
        self.upstream, self.root = upstream, self.url.removesuffix("/oai")
        self.delay, self.failing, self.queries = 0.0, False, 0


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        """Every request (GET too): the query, the update and the Graph Store reads."""
        proxy: SlowProxy = self.server.proxy  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        proxy.queries += 1
        if proxy.failing:
            reply(self, 500, {"Content-Type": "text/plain"}, b"the disk is full")
            return
        time.sleep(proxy.delay)
        headers = {k: self.headers[k] for k in ("Content-Type", "Accept") if self.headers.get(k)}
        answer = requests.request(self.command, proxy.upstream + self.path, data=body or None,
                                  headers=headers, timeout=60)
        reply(self, answer.status_code,
              {"Content-Type": answer.headers.get("Content-Type", "text/plain")}, answer.content)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server(oxigraph_server: str) -> str:
    """The Oxigraph server, emptied, holding records r1 and r2 minted under OURS."""
    _update(oxigraph_server, "DROP ALL")
    with open_store(load_settings(env={}, store=oxigraph_server, base_uri=OURS)) as store:
        store.write_records([make_record(1), make_record(2)])
    return oxigraph_server


@pytest.fixture
def proxy(server: str) -> Iterator[SlowProxy]:
    with SlowProxy(server) as running:
        yield running


def _update(server: str, update: str) -> None:
    requests.post(f"{server}/update", data=update, timeout=30,
                  headers={"Content-Type": "application/sparql-update"}).raise_for_status()


def _other_catalogue(server: str) -> None:
    _update(server, f"INSERT DATA {{ GRAPH <{OTHER_GRAPH}> {{ <{OTHER}id/record/x1> "
                    f'<http://purl.org/dc/terms/title> "Other catalogue" }} }}')


def _within(seconds: float, attempt: Any) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = attempt()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


# --- 7: slow figures are served once computed --------------------------------

def test_void_of_a_slow_remote_store_is_served_once_computed(
        proxy: SlowProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    """Was: every request 503 for ever once the figures took longer than a version
    lasts (10 s; here 0.4 s, the server 0.2 s a query: about 3 s of figures)."""
    monkeypatch.setattr(remote, "VERSION_SECONDS", 0.4)
    monkeypatch.setattr(versioned, "EXACT_WAIT", 0.5)
    proxy.delay = 0.2
    client = create_app(load_settings(env={}, store=proxy.root, base_uri=OURS)).test_client()
    first = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert first.status_code == 503 and first.headers["Retry-After"] == "60"

    def served() -> bool:
        return client.get("/dataset", headers={"Accept": "text/turtle"}).status_code == 200
    assert _within(20, served), "never served"
    # and then at once, while the version moves on and the figures are renewed behind
    for _ in range(3):
        time.sleep(0.5)
        started = time.monotonic()
        answer = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
        assert answer.status_code == 200 and time.monotonic() - started < 1.0
        assert b"void:documents 2" in answer.data


def test_remote_figures_are_renewed_in_the_background(
        server: str, proxy: SlowProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    """Filed under the store's data_version, a value still follows the server's data:
    it is renewed at most every DRIFT_REFRESH seconds (or ten times its duration)."""
    monkeypatch.setattr(versioned, "DRIFT_REFRESH", 0.3)
    store = remote.RemoteStore(proxy.root, base=OURS)
    key = ("test-renewed", object())

    def count(s: Any) -> int:
        return int(s.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE "
                            f"{{ {s.in_records} }}")[0]["n"])
    assert versioned.cached(store, key, count) == 2
    _update(server, f"DROP GRAPH <{OURS}doc/record/r2>")  # another writer of the server
    assert _within(10, lambda: versioned.cached(store, key, count) == 1)


# --- 4: only the graphs under our base are ours ------------------------------

def test_another_catalogues_graphs_are_not_counted_dumped_or_voided(server: str) -> None:
    _other_catalogue(server)
    settings = load_settings(env={}, store=server, base_uri=OURS)
    with open_store(settings) as store:
        assert store.record_count() == 2
        assert store.count_triples() == 2 * len(make_record(1).graph)
        for media_type in ("application/n-quads", "application/n-triples"):
            out = io.BytesIO()
            store.dump(out, media_type)
            assert b"cat1.example" not in out.getvalue() and b"/r2>" in out.getvalue()
    void = create_app(settings).test_client().get("/dataset", headers={"Accept": "text/turtle"})
    assert void.status_code == 200 and b"void:documents 2" in void.data


def test_the_base_check_asks_for_our_records_whatever_else_the_server_holds(
        server: str) -> None:
    """Was: the base of whichever record graph the server listed first (LIMIT 1)."""
    for i in range(20):  # graphs listed before ours, whatever the server's order
        _update(server, f"INSERT DATA {{ GRAPH <{OTHER}doc/record/a{i}> "
                        f"{{ <urn:a> <urn:b> {i} }} }}")
    settings = load_settings(env={}, store=server, base_uri=OURS)
    with open_store(settings) as store:
        assert minted.in_store(store, OURS) == OURS
        minted.check_remote(store, OURS)
        assert store.write_records([make_record(3)]).written == 1
        minted.check_settings(settings)  # ldpub serve


def test_a_server_with_only_another_bases_records_is_refused(oxigraph_server: str) -> None:
    """Nothing of ours and another catalogue's records: a mistyped base looks the same."""
    _update(oxigraph_server, "DROP ALL")
    _other_catalogue(oxigraph_server)
    with open_store(load_settings(env={}, store=oxigraph_server, base_uri=OURS)) as store, \
            pytest.raises(ConfigError, match=f"minted under the base URI {OTHER}, not {OURS}"):
        minted.check_remote(store, OURS)


# --- 5: a server down at start is checked at its first answer ----------------

def test_serving_under_another_base_is_refused_once_the_server_answers(
        proxy: SlowProxy, caplog: pytest.LogCaptureFixture) -> None:
    proxy.failing = True
    settings = load_settings(env={}, store=proxy.root, base_uri=OTHER)
    minted.check_settings(settings)  # ldpub serve's start: down, a warning
    assert "cannot check the base URI" in caplog.text
    client = create_app(settings).test_client()
    assert client.get("/health").status_code == 503  # down
    proxy.failing = False
    for path in ("/health", "/doc/record/r1", "/dataset", "/"):
        answer = client.get(path, headers={"Accept": "text/html"})
        text = answer.get_data(as_text=True)
        assert answer.status_code == 503, path
        assert f"minted under the base URI {OURS}, not {OTHER}" in text, path
    asked = proxy.queries
    assert client.get("/health").status_code == 503 and proxy.queries == asked  # once


def test_serving_under_our_base_once_the_server_answers(proxy: SlowProxy) -> None:
    proxy.failing = True
    client = create_app(load_settings(env={}, store=proxy.root, base_uri=OURS)).test_client()
    assert client.get("/health").status_code == 503
    proxy.failing = False
    assert client.get("/health").status_code == 200
    assert client.get("/doc/record/r1", headers={"Accept": "text/turtle"}).status_code == 200


def test_concurrent_first_requests_are_all_checked(proxy: SlowProxy) -> None:
    proxy.delay = 0.1
    client = create_app(load_settings(env={}, store=proxy.root, base_uri=OTHER)).test_client()
    codes: list[int] = []
    threads = [threading.Thread(target=lambda: codes.append(client.get("/health").status_code))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert codes == [503] * 4
