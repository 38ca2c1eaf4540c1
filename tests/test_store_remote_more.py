"""The remote store when its server, or something in front of it, misbehaves.

A real Oxigraph server (started by the tests) sits behind :class:`SparqlProxy`, a
small real HTTP proxy on 127.0.0.1 that forwards every request and can, per
request, answer 404, 500, 502 or 503 pages, a 200 HTML page, a body cut short, a
dropped connection or a demand for basic auth, as a reverse proxy, a
maintenance page or a load balancer in front of a SPARQL server does. It can
also speak like Virtuoso (``virtuoso=True``): blank nodes as ``nodeID://...``,
every SELECT cut at ``max_rows`` (announced in ``X-SPARQL-MaxRows``), INSERT DATA
with blank nodes and large updates refused. Nothing is mocked: the store talks
HTTP to the proxy, the proxy to the server.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib.compare import isomorphic
from store_contract import expected_version, make_record

from ld.errors import ConfigError, StoreError
from ld.store.base import RecordGraph
from ld.store.remote import RemoteStore
from tests.oai_server import LoopbackServer, reply

SRJ = "application/sparql-results+json"
NGINX_502 = (b"<html><head><title>502 Bad Gateway</title></head><body><center>"
             b"<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")


class SparqlProxy(LoopbackServer):
    """Forwards to ``upstream`` (an Oxigraph server); ``script`` makes requests misbehave.

    ``script`` holds ``(kind, action)`` pairs: the next request of that kind
    ("query", "update", "store" or "any") gets the action instead of its answer.
    Paths: ``/query``, ``/update``, ``/store`` as Oxigraph's; any other path is a
    single endpoint (as Fuseki's or Virtuoso's) whose updates go to ``/update``
    and queries to ``/query``.
    """

    def __init__(self, upstream: str, *, virtuoso: bool = False, max_rows: int = 10_000,
                 largest_update: int = 0) -> None:
        super().__init__(_ProxyHandler)
        self.httpd.proxy = self  # type: ignore[attr-defined]
        self.upstream, self.root = upstream.rstrip("/"), self.url.removesuffix("/oai")
        self.virtuoso, self.max_rows, self.largest_update = virtuoso, max_rows, largest_update
        self.script: list[tuple[str, str]] = []
        self.received: list[tuple[str, str]] = []  # (kind, what was answered)
        self.credentials: tuple[str, str] | None = None
        self.retry_after: str | None = "0"
        self.lock = threading.Lock()

    def action(self, kind: str) -> str:
        with self.lock:
            for i, (wanted, action) in enumerate(self.script):
                if wanted in (kind, "any"):
                    del self.script[i]
                    self.received.append((kind, action))
                    return action
            self.received.append((kind, "ok"))
            return "ok"

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.received]


class _ProxyHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def _handle(self) -> None:
        proxy: SparqlProxy = self.server.proxy  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path, kind = self._route(body)
        if proxy.credentials and not self._authorised(proxy.credentials):
            self._reply(401, b"auth required", {"WWW-Authenticate": 'Basic realm="sparql"'})
            return
        action = proxy.action(kind)
        if action == "reset":
            self.close_connection = True
            return
        canned = {"404": (404, b"<html><body><h1>404 Not Found</h1></body></html>"),
                  "500": (500, b"Internal Server Error: the disk is full at /srv/secret"),
                  "502": (502, NGINX_502),
                  "503": (503, b"busy"),
                  "html": (200, b"<html><body><h1>Down for maintenance</h1></body></html>")}
        if action in canned:
            status, page = canned[action]
            extra = {"Retry-After": proxy.retry_after} if status == 503 and proxy.retry_after \
                else {}
            self._reply(status, page, {"Content-Type": "text/html", **extra})
            return
        if proxy.virtuoso and kind == "update":
            refusal = _virtuoso_refusal(body, proxy.largest_update)
            if refusal:
                self._reply(400, refusal, {"Content-Type": "text/plain"})
                return
        status, headers, answer = self._forward(proxy, path, body)
        if action == "cut":
            self._cut(status, headers, answer)
            return
        self._reply(status, answer, headers)

    def _route(self, body: bytes) -> tuple[str, str]:
        path = self.path.split("?")[0]
        if path in ("/query", "/update", "/store"):
            return self.path, path[1:]
        query = self.path.partition("?")[2]
        update = self.headers.get("Content-Type", "").startswith("application/sparql-update")
        return (f"/update?{query}" if update else f"/query?{query}"), \
            ("update" if update else "query")

    def _authorised(self, credentials: tuple[str, str]) -> bool:
        import base64

        token = base64.b64encode(":".join(credentials).encode()).decode()
        return self.headers.get("Authorization") == f"Basic {token}"

    def _forward(self, proxy: SparqlProxy, path: str, body: bytes
                 ) -> tuple[int, dict[str, str], bytes]:
        keep = ("Content-Type", "Accept")
        headers = {k: self.headers[k] for k in keep if self.headers.get(k)}
        response = requests.request(self.command, proxy.upstream + path, data=body or None,
                                    headers=headers, timeout=60)
        out = {"Content-Type": response.headers.get("Content-Type", "text/plain")}
        answer = response.content
        if proxy.virtuoso and out["Content-Type"].startswith(SRJ):
            answer, cut = _as_virtuoso(answer, proxy.max_rows)
            if cut:
                out["X-SPARQL-MaxRows"] = str(proxy.max_rows)
        return response.status_code, out, answer

    def _cut(self, status: int, headers: dict[str, str], answer: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer[: len(answer) // 2])
        self.wfile.flush()
        self.close_connection = True

    def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        reply(self, status, headers, body)

    def version_string(self) -> str:
        proxy: SparqlProxy = self.server.proxy  # type: ignore[attr-defined]
        return "Virtuoso/07.20.3229 (Linux) x86_64" if proxy.virtuoso else "SparqlProxy/1"

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _as_virtuoso(answer: bytes, max_rows: int) -> tuple[bytes, bool]:
    """SPARQL JSON results as Virtuoso writes them: nodeID:// blank nodes, at most
    ``max_rows`` rows (its ResultSetMaxRows)."""
    data = json.loads(answer)
    bindings = data.get("results", {}).get("bindings")
    if bindings is None:
        return answer, False
    for row in bindings:
        for term in row.values():
            if term["type"] == "bnode":
                term["value"] = "nodeID://" + term["value"]
    cut = len(bindings) > max_rows
    data["results"]["bindings"] = bindings[:max_rows]
    return json.dumps(data, indent=1).encode(), cut


def _virtuoso_refusal(update: bytes, largest: int) -> bytes | None:
    """Virtuoso 7.2's refusals: blank nodes in INSERT DATA, and an INSERT whose generated
    SQL is too long (about a thousand statements; ``largest`` here)."""
    text = update.decode("utf-8")
    if "INSERT DATA" in text and re.search(r"\s_:\w", text):
        return b"Virtuoso 37000 Error SP031: SPARQL compiler: Blank node '_:b1' is not " \
               b"allowed in a constant clause\n\nSPARQL query:\n" + update
    if largest and max(part.count(" .\n") for part in text.split("INSERT")) > largest:
        return b"Virtuoso 37000 Error SP031: SPARQL: Internal error: The length of " \
               b"generated SQL text has exceeded 10000 lines of code\n\nSPARQL query:\n" + update
    return None


# --- fixtures ---------------------------------------------------------------

@pytest.fixture
def server(oxigraph_server: str) -> str:
    """The Oxigraph server, emptied."""
    requests.post(f"{oxigraph_server}/update", data="DROP ALL",
                  headers={"Content-Type": "application/sparql-update"}, timeout=30
                  ).raise_for_status()
    return oxigraph_server


@pytest.fixture
def proxy(server: str) -> Iterator[SparqlProxy]:
    with SparqlProxy(server) as running:
        yield running


@pytest.fixture
def store(proxy: SparqlProxy) -> Iterator[RemoteStore]:
    remote = RemoteStore(proxy.root)
    yield remote
    remote.close()


def held(server: str) -> int:
    """How many record graphs the server really holds (asked directly, not via the proxy)."""
    answer = requests.post(f"{server}/query", headers={"Accept": SRJ}, timeout=30, data={
        "query": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


# --- H1: a failed update is a failure ---------------------------------------

@pytest.mark.parametrize("action", ["404", "500"])
def test_a_refused_batch_is_a_store_error_and_nothing_is_said_stored(
        server: str, proxy: SparqlProxy, store: RemoteStore, action: str) -> None:
    """Was: a 404 from the update endpoint (a proxy that publishes only /query) counted as
    written: 'loaded 1,000', exit 0, and the store held nothing."""
    proxy.script = [("update", action)]
    with pytest.raises(StoreError) as caught:
        store.write_records([make_record(i) for i in range(3)])
    assert held(server) == 0
    if action == "404":
        assert "no SPARQL update service at" in str(caught.value)
        assert "check the store URL" in str(caught.value)


def test_a_refused_delete_is_a_store_error_and_the_records_stay(
        server: str, proxy: SparqlProxy, store: RemoteStore) -> None:
    store.write_records([make_record(i) for i in range(3)])
    proxy.script = [("update", "404")]
    with pytest.raises(StoreError, match="no SPARQL update service"):
        store.delete_records([make_record(1).graph_iri])
    assert held(server) == 3


def test_a_query_endpoint_that_is_not_there_is_a_store_error(proxy: SparqlProxy,
                                                             store: RemoteStore) -> None:
    proxy.script = [("query", "404")]
    with pytest.raises(StoreError, match="no SPARQL query service at"):
        store.record_count()


def test_a_missing_graph_is_still_none(store: RemoteStore) -> None:
    """The one 404 that means something: the Graph Store Protocol's 'no such graph'."""
    assert store.graph(make_record(9).graph_iri) is None
    assert store.serialize_graph(make_record(9).graph_iri, "text/turtle") is None


def test_ldpub_load_into_an_update_endpoint_that_is_not_there_exits_2(
        server: str, proxy: SparqlProxy, tmp_path: Any) -> None:
    from click.testing import CliRunner

    from ld.cli import main
    from tests.web_records import sample_paths

    proxy.script = [("update", "404")] * 50
    result = CliRunner().invoke(main, ["load", "--store", proxy.root, "--jobs", "0",
                                       "--rejects", str(tmp_path / "r.jsonl"),
                                       *sample_paths()])
    assert result.exit_code == 2, result.output
    assert "no SPARQL update service" in result.output
    assert held(server) == 0


# --- H4: the server's password and words stay out of public pages -----------

def test_credentials_in_the_store_url_are_sent_and_never_shown(proxy: SparqlProxy) -> None:
    """Was: 'the SPARQL server at http://op:s3cret@.../query answered 500: <its text>' in
    every 503 page, /health, the startup log and the command line."""
    proxy.credentials = ("op", "s3cret")
    with RemoteStore(proxy.root.replace("http://", "http://op:s3cret@")) as store:
        assert store.write_records([make_record(1)]).written == 1  # basic auth is sent
        proxy.script = [("query", "500")]
        with pytest.raises(StoreError) as caught:
            store.record_count()
    failure = caught.value
    assert "s3cret" not in str(failure) and "op:" not in str(failure)
    assert f"{proxy.root}/query answered 500" in str(failure)
    assert "disk is full" in str(failure)  # the command line and the log keep its words
    assert "disk is full" not in failure.public  # type: ignore[attr-defined]


def test_a_missing_password_says_where_to_give_it(proxy: SparqlProxy) -> None:
    proxy.credentials = ("op", "s3cret")
    with RemoteStore(proxy.root) as store, pytest.raises(StoreError) as caught:
        store.record_count()
    assert "(401)" in str(caught.value) and "USER:PASSWORD@" in str(caught.value)


def test_a_server_that_is_down_is_named_without_its_password() -> None:
    with pytest.raises(StoreError) as caught:
        RemoteStore("http://op:s3cret@127.0.0.1:9").record_count()
    assert "s3cret" not in str(caught.value)
    assert "http://127.0.0.1:9/query: connection refused" in str(caught.value)


def test_web_pages_and_health_show_neither_password_nor_server_text(
        proxy: SparqlProxy, caplog: pytest.LogCaptureFixture) -> None:
    from ld.config import load_settings
    from ld.web import create_app

    proxy.credentials = ("op", "s3cret")
    url = proxy.root.replace("http://", "http://op:s3cret@")
    client = create_app(load_settings(env={}, store=url)).test_client()
    for path in ("/health", "/doc/record/r1", "/doc/record/r1.ttl", "/dataset"):
        proxy.script = [("any", "500")] * 4
        answer = client.get(path, headers={"Accept": "text/html"})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 503, path
        assert "s3cret" not in page and "disk is full" not in page, path
        assert "answered 500" in page, path
    logged = caplog.text
    assert "disk is full" in logged and "s3cret" not in logged


def test_the_sparql_endpoint_does_not_relay_the_servers_error_text(proxy: SparqlProxy) -> None:
    from ld.config import load_settings
    from ld.web import create_app

    client = create_app(load_settings(env={}, store=proxy.root)).test_client()
    proxy.script = [("query", "500")]
    answer = client.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o }"},
                         headers={"Accept": SRJ})
    assert answer.status_code == 503
    assert "disk is full" not in answer.get_data(as_text=True)


# --- M2: answers that are not SPARQL ----------------------------------------

@pytest.mark.parametrize("action", ["html", "404"])
def test_an_answer_that_is_not_sparql_is_a_store_error(proxy: SparqlProxy, store: RemoteStore,
                                                       action: str) -> None:
    """Was: a Python traceback (pyoxigraph's SyntaxError) and exit code 1."""
    proxy.script = [("query", action)]
    with pytest.raises(StoreError) as caught:
        store.write_records([make_record(1)])
    if action == "html":
        assert "did not answer with SPARQL results (it sent text/html)" in str(caught.value)


def test_a_body_cut_short_is_tried_again_then_a_store_error(proxy: SparqlProxy,
                                                            store: RemoteStore) -> None:
    store.write_records([make_record(1)])
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    proxy.script = [("query", "cut")]
    assert len(store.select(query)) == len(make_record(1).graph)  # asked for again
    proxy.script = [("query", "cut")] * 4
    with pytest.raises(StoreError, match="closed before the answer was complete"):
        store.select(query)
    assert proxy.received[-4:] == [("query", "cut")] * 4


def test_a_dump_whose_answer_is_cut_short_is_a_store_error(proxy: SparqlProxy,
                                                           store: RemoteStore) -> None:
    """Was: urllib3's ProtocolError and a traceback (the server killed during a dump)."""
    import io

    store.write_records([make_record(i, extra=30) for i in range(40)])
    proxy.script = [("query", "cut")]
    with pytest.raises(StoreError, match="reading the answer of the SPARQL server"):
        store.dump(io.BytesIO(), "application/n-quads")


def test_ldpub_dump_from_a_web_site_exits_2_and_keeps_the_file(
        proxy: SparqlProxy, tmp_path: Any) -> None:
    from click.testing import CliRunner

    from ld.cli import main

    target = tmp_path / "keep.nt"
    target.write_text("kept\n")
    proxy.script = [("query", "html")]
    result = CliRunner().invoke(main, ["--store", proxy.root, "dump", "--format", "nt",
                                       "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert "did not answer with SPARQL results" in result.output
    assert target.read_text() == "kept\n"


def test_the_sparql_endpoint_answers_503_for_a_page_that_is_not_sparql(
        proxy: SparqlProxy) -> None:
    from ld.config import load_settings
    from ld.web import create_app

    client = create_app(load_settings(env={}, store=proxy.root)).test_client()
    for action in ("html", "cut"):
        proxy.script = [("query", action)]
        answer = client.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o }"},
                             headers={"Accept": "text/csv"})
        assert answer.status_code == 503, action


# --- M6: transient failures are tried again ---------------------------------

@pytest.mark.parametrize("kind,action", [("update", "503"), ("update", "502"),
                                         ("update", "reset"), ("query", "503"),
                                         ("query", "reset"), ("store", "502")])
def test_one_transient_failure_does_not_stop_a_load(server: str, proxy: SparqlProxy,
                                                    store: RemoteStore, kind: str,
                                                    action: str) -> None:
    """Was: one 503 (with Retry-After), 502 or reset connection stopped a long load."""
    proxy.script = [(kind, action)]
    assert store.write_records([make_record(i) for i in range(3)]).written == 3
    assert expected_version(store, 1) == 0
    assert held(server) == 3
    assert (kind, action) in proxy.received


def test_retry_after_is_honoured(proxy: SparqlProxy, store: RemoteStore) -> None:
    import time

    proxy.retry_after = "1"
    proxy.script = [("query", "503")]
    started = time.monotonic()
    assert store.record_count() == 0
    assert time.monotonic() - started >= 1


def test_a_4xx_is_never_tried_again(proxy: SparqlProxy, store: RemoteStore) -> None:
    proxy.script = [("update", "404"), ("update", "404")]
    with pytest.raises(StoreError):
        store.write_records([make_record(1)])
    assert proxy.kinds().count("update") == 1


def test_a_users_update_is_sent_once(proxy: SparqlProxy, store: RemoteStore) -> None:
    """A user's SPARQL Update may not be idempotent (INSERT with blank nodes)."""
    proxy.script = [("update", "503")]
    with pytest.raises(StoreError, match="answered 503"):
        store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> _:c } }")
    assert proxy.kinds().count("update") == 1


def test_a_server_that_stays_busy_is_given_up(proxy: SparqlProxy, store: RemoteStore) -> None:
    proxy.script = [("query", "503")] * 10
    with pytest.raises(StoreError, match="answered 503"):
        store.record_count()
    assert proxy.kinds().count("query") == 4


# --- the base URI the server's records were minted under -------------------

ELSEWHERE = "http://elsewhere.example/"


def elsewhere(i: int) -> RecordGraph:
    """Record ``i`` minted under another base URI."""
    from rdflib import Graph, URIRef

    record = make_record(i)
    moved = Graph()
    for triple in record.graph:
        moved.add(tuple(URIRef(str(t).replace("http://localhost:5000/", ELSEWHERE))
                        if isinstance(t, URIRef) else t for t in triple))  # type: ignore[arg-type]
    return RecordGraph(f"r{i}", f"{ELSEWHERE}doc/record/r{i}", moved)


def test_records_under_another_base_are_refused(server: str, store: RemoteStore) -> None:
    """Was: loads under two base URIs were taken and mixed in one store (the embedded
    store refuses them: exit 2)."""
    store.write_records([make_record(1)])
    with pytest.raises(ConfigError, match="minted under the base URI http://localhost:5000/"):
        store.write_records([elsewhere(2)])
    with RemoteStore(server) as later, pytest.raises(ConfigError):  # asked of the server
        later.delete_records([elsewhere(1).graph_iri])
    assert held(server) == 1


def test_an_empty_server_takes_any_base(server: str, store: RemoteStore) -> None:
    assert store.write_records([elsewhere(1)]).written == 1
    with pytest.raises(ConfigError, match=f"minted under the base URI {ELSEWHERE}"):
        store.write_records([make_record(2)])


def test_serving_under_another_base_is_refused(server: str, store: RemoteStore) -> None:
    from ld.config import load_settings
    from ld.store import minted

    minted.check_settings(load_settings(env={}, store=server, base_uri=ELSEWHERE))  # empty
    store.write_records([make_record(1)])
    minted.check_settings(load_settings(env={}, store=server,
                                        base_uri="http://localhost:5000/"))
    with pytest.raises(ConfigError, match="minted under"):
        minted.check_settings(load_settings(env={}, store=server, base_uri=ELSEWHERE))
    minted.check_settings(load_settings(env={}, store="http://127.0.0.1:9",
                                        base_uri=ELSEWHERE))  # down: served with 503s


def test_ldpub_load_under_another_base_exits_2(server: str, tmp_path: Any) -> None:
    from click.testing import CliRunner

    from ld.cli import main
    from tests.web_records import sample_paths

    runner, rejects = CliRunner(), str(tmp_path / "r.jsonl")
    first = runner.invoke(main, ["--store", server, "--base-uri", "http://localhost:5000/",
                                 "load", "--jobs", "0", "--rejects", rejects, *sample_paths()])
    assert first.exit_code in (0, 1), first.output
    before = held(server)
    second = runner.invoke(main, ["--store", server, "--base-uri", ELSEWHERE, "load",
                                  "--jobs", "0", "--rejects", rejects, *sample_paths()])
    assert second.exit_code == 2, second.output
    assert "minted under the base URI http://localhost:5000/" in second.output
    assert held(server) == before
    # refused before any input is read, as for the embedded store (not at the first write)
    unreadable = tmp_path / "unreadable.bin"
    unreadable.write_bytes(b"\x00\x01 no reader knows this")
    unread = runner.invoke(main, ["--store", server, "--base-uri", ELSEWHERE, "load",
                                  "--jobs", "0", "--rejects", rejects, str(unreadable)])
    assert unread.exit_code == 2 and "minted under the base URI" in unread.output, unread.output


# --- M1: the server's own graphs are not the catalogue ----------------------

def test_graphs_that_are_not_records_are_not_counted_or_dumped(server: str,
                                                               store: RemoteStore) -> None:
    """Was: Virtuoso's system graphs (quad maps, OWL; ~5,600 statements) were counted as
    records and triples, and dumped."""
    import io

    record = make_record(1)
    store.write_records([record])
    requests.post(f"{server}/update", timeout=30,
                  headers={"Content-Type": "application/sparql-update"},
                  data="INSERT DATA { GRAPH <http://www.openlinksw.com/schemas/virtrdf#> "
                       "{ <urn:a> <urn:b> _:c . _:c <urn:b> <urn:d> } }").raise_for_status()
    assert store.record_count() == 1
    assert store.count_triples() == len(record.graph)
    out = io.BytesIO()
    store.dump(out, "application/n-quads")
    assert b"virtrdf" not in out.getvalue() and b"urn:a" not in out.getvalue()
    assert out.getvalue().count(b"\n") == len(record.graph)


@pytest.mark.parametrize("cut", [False, True], ids=["streamed", "paged"])
def test_a_dump_asks_only_for_its_own_base_s_records(server: str, virtuoso_like: SparqlProxy,
                                                     cut: bool) -> None:
    """Was: a dump asked the server for every base's record graphs and dropped the
    other catalogue's afterwards (read and sent for nothing, page by page on Virtuoso)."""
    import io

    from ld.store import remote_dump

    records = [make_record(i, extra=i % 4) for i in range(8)]  # over the cap of 50 rows
    with RemoteStore(server, base="http://localhost:5000/") as direct:
        direct.write_records(records)
    requests.post(f"{server}/update", timeout=30,  # written as another deployment would
                  headers={"Content-Type": "application/sparql-update"},
                  data=f"INSERT DATA {{ GRAPH <{ELSEWHERE}doc/record/r2> "
                       "{ <urn:a> <urn:b> <urn:c> } }").raise_for_status()
    url = virtuoso_like.root + "/sparql" if cut else server
    with RemoteStore(url, base="http://localhost:5000/") as store:
        asked = {q.graph_name.value for q in remote_dump.statements(store)}
        out = io.BytesIO()
        store.dump(out, "application/n-quads")
    assert asked == {r.graph_iri for r in records}
    assert out.getvalue().count(b"\n") == sum(len(r.graph) for r in records)
    if cut:  # the whole SELECT cut at 50 rows, then graphs listed and read by groups
        assert virtuoso_like.kinds().count("query") >= 3 * 2


# --- M3: one dump folder per store ------------------------------------------

def test_two_remote_stores_have_dump_folders_of_their_own(tmp_path: Any) -> None:
    """Was: every remote store's dumps and sitemaps went to one folder a day: two
    deployments run from one directory served each other's."""
    import os
    import time

    from ld import dumps
    from ld.config import load_settings

    def folder(store: str, base: str = "http://localhost:5000/") -> Any:
        settings = load_settings(env={}, store=store, base_uri=base,
                                 dump_dir=str(tmp_path / "dumps"))
        return dumps.directory(settings, RemoteStore(store)), settings

    a, settings_a = folder("http://127.0.0.1:9")
    b, _ = folder("http://127.0.0.1:10")
    assert a != b != folder("http://127.0.0.1:9", ELSEWHERE)[0]
    assert folder("http://op:s3cret@127.0.0.1:9")[0] == a  # a new password: the same store
    b.mkdir(parents=True)
    (b / "dataset.ttl").write_text("x")
    old = time.time() - dumps.PRUNE_AFTER - 60
    os.utime(b, (old, old))
    dumps.prune(settings_a, a)
    assert (b / "dataset.ttl").exists()  # another deployment's dumps are not pruned


# --- H2, H3: a server that speaks like Virtuoso -----------------------------

@pytest.fixture
def virtuoso_like(server: str) -> Iterator[SparqlProxy]:
    """The Oxigraph server behind a proxy that speaks like Virtuoso 7.2 at /sparql."""
    with SparqlProxy(server, virtuoso=True, max_rows=50, largest_update=250) as running:
        yield running


def test_records_with_blank_nodes_are_written_to_virtuoso(server: str,
                                                          virtuoso_like: SparqlProxy) -> None:
    """Was: 'Blank node ... is not allowed in a constant clause' for every record with an
    author list, and 'generated SQL text has exceeded 10000 lines' for a default batch."""
    with RemoteStore(virtuoso_like.root + "/sparql") as store:
        large = make_record(99, extra=600)  # 600 statements more: several INSERTs
        batch = [make_record(i, version=1) for i in range(40)] + [large]
        assert store.write_records(batch).written == 41
        assert [expected_version(store, i) for i in (0, 39)] == [1, 1]
        assert isomorphic(store.graph(large.graph_iri), large.graph)
        assert virtuoso_like.kinds().count("update") > 1
        assert store.write_records([make_record(0, version=2)]).replaced == 1
        assert expected_version(store, 0) == 2
    assert held(server) == 41


def test_virtuoso_blank_nodes_are_read(virtuoso_like: SparqlProxy) -> None:
    """Was: 'Invalid bnode value' for nodeID://b10001: every dump failed, and the SPARQL
    endpoint answered 500 for any result with a blank node."""
    from rdflib import BNode

    from ld.config import load_settings
    from ld.web import create_app

    url = virtuoso_like.root + "/sparql"
    with RemoteStore(url) as store:
        store.write_records([make_record(1)])
        query = ("SELECT ?list WHERE { GRAPH ?g { ?r "
                 "<http://purl.org/ontology/bibo/authorList> ?list } }")
        assert isinstance(store.select(query)[0]["list"], BNode)
        csv = b"".join(store.query(query, "text/csv").chunks).decode()
        assert csv.splitlines()[1].startswith("_:")
    client = create_app(load_settings(env={}, store=url)).test_client()
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and answer.get_data(as_text=True).count("_:") == 1


@pytest.mark.parametrize("media_type", ["application/n-quads", "application/n-triples"])
def test_a_dump_is_whole_when_the_server_cuts_every_answer(
        server: str, virtuoso_like: SparqlProxy, media_type: str) -> None:
    """Was: a stock Virtuoso cut the dump's SELECT at 10,000 rows, and the dump was a
    part of the data without a word (its X-SPARQL-MaxRows header aside)."""
    import io

    from rdflib import Dataset, Graph

    records = [make_record(i, extra=i % 4) for i in range(70)]  # ~900 statements, cap 50
    with RemoteStore(server) as direct:
        direct.write_records(records)
    with RemoteStore(virtuoso_like.root + "/sparql") as store:
        out = io.BytesIO()
        store.dump(out, media_type)
    if media_type == "application/n-quads":
        dataset = Dataset()
        dataset.parse(data=out.getvalue(), format="nquads")
        assert all(isomorphic(dataset.graph(r.graph_iri), r.graph) for r in records)
    else:
        union = Graph()
        for r in records:
            union += r.graph
        assert isomorphic(Graph().parse(data=out.getvalue(), format="nt"), union)


def test_an_answer_the_server_cut_short_is_never_taken_as_whole(
        server: str, virtuoso_like: SparqlProxy) -> None:
    """Virtuoso's ResultSetMaxRows (here 50): an error for ldpub's own reads, a truncated
    answer (X-Ldpub-Truncated) for the SPARQL endpoint and Store.query."""
    import csv
    import io

    from ld.config import load_settings
    from ld.web import create_app

    with RemoteStore(server) as direct:
        direct.write_records([make_record(i) for i in range(10)])
    url, query = virtuoso_like.root + "/sparql", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
    with RemoteStore(url) as store:
        with pytest.raises(StoreError, match="cut its answer at 50 rows"):
            store.select(query)
        response = store.query(query, "text/csv")
        text = b"".join(response.chunks).decode()
        assert response.truncated and len(list(csv.reader(io.StringIO(text)))) == 51
    client = create_app(load_settings(env={}, store=url, max_rows=1000)).test_client()
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and answer.headers["X-Ldpub-Truncated"] == "50"


# --- a real Virtuoso 7.2 (skipped where it is not installed) ---------------

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_MAX_ROWS = 500  # its ResultSetMaxRows here, so that dumps are paged at any size


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _virtuoso_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """The Debian package's virtuoso.ini, its files in ``folder``, on two local ports."""
    text = VIRTUOSO_INI.read_text().replace("/var/lib/virtuoso-opensource-7/db", str(folder))
    text = re.sub(r"(?m)^ServerPort(\s*)=\s*1111\s*$", rf"ServerPort\1= 127.0.0.1:{sql_port}",
                  text)
    text = re.sub(r"(?m)^ServerPort(\s*)=\s*8890\s*$",
                  rf"ServerPort\1= 127.0.0.1:{http_port}", text)
    text = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", f"ResultSetMaxRows = {VIRTUOSO_MAX_ROWS}",
                  text)
    ini = folder / "virtuoso.ini"
    ini.write_text(text)
    return ini


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Virtuoso (Debian's virtuoso-opensource 7.2) on free local ports; its SPARQL
    endpoint's URL, with SPARQL Update granted as ../shared/TOOLS.md says."""
    import shutil
    import subprocess
    import time

    exe, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not (exe and isql and VIRTUOSO_INI.is_file()):
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = _free_port(), _free_port()
    ini = _virtuoso_ini(folder, sql_port, http_port)
    log = open(folder / "out.log", "wb")  # noqa: SIM115 - closed at the end
    proc = subprocess.Popen([exe, "-f", "-c", str(ini)], cwd=folder, stdout=log, stderr=log)
    url, deadline = f"http://127.0.0.1:{http_port}/sparql", time.monotonic() + 120
    while True:
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).ok:
                break
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Virtuoso did not start; see {folder / 'out.log'}")
        time.sleep(0.5)
    sql = [isql, f"127.0.0.1:{sql_port}", "dba", "dba"]
    subprocess.run([*sql, 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'], check=True,
                   capture_output=True, timeout=60)
    yield url
    subprocess.run([*sql, "exec=shutdown;"], capture_output=True, timeout=60)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    log.close()


@pytest.fixture
def on_virtuoso(virtuoso: str) -> Iterator[RemoteStore]:
    """The remote store on Virtuoso, its record graphs dropped (its own graphs stay)."""
    with RemoteStore(virtuoso) as store:
        graphs = [str(row["g"]) for row in store.select(
            'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } '
            'FILTER(CONTAINS(STR(?g), "/doc/record/")) }')]
        if graphs:
            store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        yield store


def test_virtuoso_stores_and_reads_records_with_blank_nodes(on_virtuoso: RemoteStore) -> None:
    """H2 on the real server: a default-sized batch of records with author lists."""
    store = on_virtuoso
    batch = [make_record(i, version=i % 3) for i in range(300)]
    result = store.write_records(batch)
    assert (result.written, result.replaced) == (300, 0)
    assert store.virtuoso
    assert [expected_version(store, i) for i in (0, 1, 299)] == [0, 1, 2]
    assert store.write_records([make_record(1, version=2)]).replaced == 1
    assert expected_version(store, 1) == 2
    assert store.delete_records([make_record(0).graph_iri]) == 1
    assert store.record_count() == 299  # its own graphs (~5,600 statements) are not counted
    assert store.count_triples() == sum(len(r.graph) for r in batch[1:]) \
        - len(batch[1].graph) + len(make_record(1, version=2).graph)
    rows = store.select("SELECT ?list WHERE { GRAPH ?g { ?r "
                        "<http://purl.org/ontology/bibo/authorList> ?list } }")
    assert len(rows) == 299


def test_virtuoso_dumps_are_whole_past_its_row_limit(on_virtuoso: RemoteStore) -> None:
    """H3 on the real server: nodeID:// blank nodes, and answers cut at ResultSetMaxRows."""
    import io

    from rdflib import Dataset

    records = [make_record(i, extra=i % 5) for i in range(80)]  # ~1,100 quads; cap 500
    on_virtuoso.write_records(records)
    out = io.BytesIO()
    on_virtuoso.dump(out, "application/n-quads")
    dataset = Dataset()
    dataset.parse(data=out.getvalue(), format="nquads")
    assert all(isomorphic(dataset.graph(r.graph_iri), r.graph) for r in records)
    assert out.getvalue().count(b"\n") == sum(len(r.graph) for r in records)


def test_virtuoso_refuses_another_base(on_virtuoso: RemoteStore, virtuoso: str) -> None:
    on_virtuoso.write_records([make_record(1)])
    with RemoteStore(virtuoso) as later, pytest.raises(ConfigError, match="minted under"):
        later.write_records([elsewhere(2)])


def test_the_start_log_hides_the_store_password(tmp_path: Any) -> None:
    """Regression: `ldpub serve` logged the store URL with its user:password@."""
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ldpub = str(Path(sys.executable).with_name("ldpub"))
    serving = subprocess.Popen([ldpub, "--store", "http://reader:s3cret@127.0.0.1:9",
                                "--port", str(port), "--workers", "1", "serve"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               cwd=tmp_path)
    try:
        deadline, seen = time.monotonic() + 60, ""
        while "serving" not in seen and time.monotonic() < deadline:
            seen += serving.stdout.readline() if serving.stdout else ""
            assert serving.poll() is None or "serving" in seen, seen
    finally:
        serving.terminate()
        rest, _ = serving.communicate(timeout=30)
    assert "serving http://***@127.0.0.1:9" in seen, seen
    assert "s3cret" not in seen + rest


def test_a_bad_certificate_is_not_retried() -> None:
    """Review mend: an SSLError is a requests ConnectionError whose reason is no OSError,
    so a bad certificate was taken for a dropped connection and tried four times."""
    from ld.store.remote_http import dropped

    assert not dropped(requests.exceptions.SSLError("certificate verify failed"))
