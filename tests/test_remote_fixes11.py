"""explore11/remote 1, 3, 6, 8: the endpoint and dumps on a real Virtuoso and Oxigraph server.

1. CONSTRUCT/DESCRIBE through /sparql on Virtuoso answered a SPARQL JSON table
   (or a 503 "check the store URL"): the Accept header named both kinds.
3. Virtuoso's paged dump interleaved the graphs of a group: the JSON-LD dump
   split a record into many top-level objects.
6. Virtuoso's "no permission" 500 said "try again later".
8. A syntax error on a remote store had the server's raw parser text.

The Virtuoso tests start Debian's virtuoso-opensource in a folder of their own
(skipped with a message when it is not installed).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import groupby
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from werkzeug.serving import make_server

from ld.config import load_settings
from tests.conftest_web import Site, generated_records
from tests.test_sparql_remote import free_port, oxigraph_url, query  # noqa: F401 (fixture)

INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
MAX_ROWS = 300  # Virtuoso's ResultSetMaxRows here: the dump is read page by page
TITLE = "http://purl.org/dc/terms/title"
UNGROUPED = "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o }"


def _ini(folder: Path, sql: int, http: int) -> str:
    """Debian's virtuoso.ini with its files in ``folder``, its ports ours, a low row cap."""
    text = INI.read_text()
    for key, name in (("ErrorLogFile", "virtuoso.log"), ("LockFile", "virtuoso.lck"),
                      ("xa_persistent_file", "virtuoso.pxa")):
        text = re.sub(rf"(?m)^({key}\s*=\s*).*", rf"\g<1>{folder}/{name}", text)
    for key, ext in (("DatabaseFile", "db"), ("TransactionFile", "trx")):
        text = re.sub(rf"(?m)^({key}\s*=\s*).*temp.*", rf"\g<1>{folder}/temp.{ext}", text)
        text = re.sub(rf"(?m)^({key}\s*=\s*)(?!.*temp).*", rf"\g<1>{folder}/main.{ext}", text)
    ports = iter((sql, http))
    text = re.sub(r"(?m)^(ServerPort\s*=\s*).*", lambda m: f"{m[1]}127.0.0.1:{next(ports)}",
                  text)
    return re.sub(r"(?m)^(ResultSetMaxRows\s*=\s*).*", rf"\g<1>{MAX_ROWS}", text)


def isql(sql_port: int, statement: str) -> None:
    subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statement}"],
                   check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real Virtuoso 7 (its /sparql URL and SQL port), updates granted."""
    if not (shutil.which("virtuoso-t") and shutil.which("isql-vt") and INI.exists()):
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (folder / "my.ini").write_text(_ini(folder, sql, http))
    log = open(folder / "out.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(["virtuoso-t", "-f", "-c", str(folder / "my.ini")], cwd=folder,
                            stdout=log, stderr=log)
    url = f"http://127.0.0.1:{http}/sparql"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=2).raise_for_status()
            break
        except requests.RequestException:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"Virtuoso did not start; see {folder / 'out.log'}")
            time.sleep(0.3)
    isql(sql, 'GRANT SPARQL_UPDATE TO "SPARQL";')
    yield url, sql
    try:
        isql(sql, "shutdown;")
        proc.wait(timeout=30)
    except (subprocess.SubprocessError, OSError):
        proc.kill()
        proc.wait()


def _site(store_url: str, records: bool = True) -> tuple[Site, object]:
    from ld.store import open_store
    from ld.web import create_app

    server = make_server("127.0.0.1", 0, lambda e, s: [], threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    settings = load_settings(env={}, store=store_url, base_uri=url + "/", query_timeout=20)
    if records:
        from ld.mapping import map_record
        from ld.store.base import RecordGraph
        from ld.uris import record_graph

        with open_store(settings) as store:
            store.write_records([RecordGraph(r.id, record_graph(settings.base_uri, r.id),
                                             map_record(r, settings.base_uri))
                                 for r in generated_records()])
    server.app = create_app(settings)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Site(url, settings, Path(".")), server


@pytest.fixture(scope="module")
def vsite(virtuoso: tuple[str, int]) -> Iterator[Site]:
    site, server = _site(virtuoso[0])
    yield site
    server.shutdown()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def osite(oxigraph_url: str) -> Iterator[Site]:  # noqa: F811 (the fixture imported)
    site, server = _site(oxigraph_url)
    yield site
    server.shutdown()  # type: ignore[attr-defined]


# --- 1: CONSTRUCT and DESCRIBE on Virtuoso ---------------------------------------

def _titles(site: Site) -> Graph:
    """The records' titles as a graph, read with a SELECT through the endpoint."""
    rows = query(site, f"SELECT ?r ?t WHERE {{ ?r <{TITLE}> ?t }}").json()
    graph = Graph()
    for row in rows["results"]["bindings"]:
        graph.add((URIRef(row["r"]["value"]), URIRef(TITLE),
                   Literal(row["t"]["value"], lang=row["t"].get("xml:lang"))))
    return graph


@pytest.mark.parametrize(("accept", "syntax"), [("text/turtle", "turtle"),
                                                ("application/n-triples", "nt"),
                                                ("application/rdf+xml", "xml")])
def test_virtuoso_construct_answers_rdf(vsite: Site, accept: str, syntax: str) -> None:
    """Was: a SPARQL JSON table of s/p/o, whatever the client asked for."""
    r = query(vsite, f"CONSTRUCT {{ ?r <{TITLE}> ?t }} WHERE {{ ?r <{TITLE}> ?t }}", accept)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == accept
    got = Graph().parse(data=r.text, format=syntax)
    assert len(got) > 10 and isomorphic(got, _titles(vsite))


def test_virtuoso_describe_answers_rdf(vsite: Site) -> None:
    """Was: 503 "did not answer with SPARQL results ... check the store URL"."""
    record = f"{vsite.settings.base_uri}id/record/test-article"
    r = query(vsite, f"DESCRIBE <{record}>", "text/turtle")
    assert r.status_code == 200, r.text
    got = Graph().parse(data=r.text, format="turtle")
    assert (URIRef(record), URIRef(TITLE), Literal("Kinetics of tea {brewing}")) in got


def test_virtuoso_select_and_ask_still_answer_results(vsite: Site) -> None:
    r = query(vsite, f"SELECT ?t WHERE {{ ?r <{TITLE}> ?t }} LIMIT 3")
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 3
    assert query(vsite, "ASK { ?s ?p ?o }").json()["boolean"] is True


class _TableServer(BaseHTTPRequestHandler):
    """A SPARQL server that answers every request with an (empty) s/p/o table."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._table()

    def do_GET(self) -> None:
        self._table()

    def _table(self) -> None:
        """HTTP/1.0: the body ends where the connection is closed."""
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(json.dumps({"head": {"vars": ["s", "p", "o"]},
                                     "results": {"bindings": []}}).encode())


def test_an_answer_of_the_wrong_kind_says_so() -> None:
    """A table for a CONSTRUCT: the server is a SPARQL server (its URL is right)."""
    table = ThreadingHTTPServer(("127.0.0.1", 0), _TableServer)
    threading.Thread(target=table.serve_forever, daemon=True).start()
    try:
        site, server = _site(f"http://127.0.0.1:{table.server_port}/sparql", records=False)
        r = query(site, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "text/turtle")
        server.shutdown()  # type: ignore[attr-defined]
    finally:
        table.shutdown()
    assert r.status_code == 503
    assert "answered the CONSTRUCT query with application/sparql-results+json, not RDF " \
           "(text/turtle)" in r.text
    assert "check the store URL" not in r.text


# --- 3: the paged dump keeps each graph together -----------------------------------

def test_virtuoso_paged_dump_keeps_each_graph_together(vsite: Site) -> None:
    """Was: a group's graphs interleaved, and ``ldpub dump --format jsonld`` wrote a
    top-level object per run of one graph (README: one named graph per record)."""
    from ld.store import open_store
    from ld.store.remote_dump import statements

    with open_store(vsite.settings) as store:
        quads = list(statements(store))
        sink = io.BytesIO()
        store.dump(sink, "application/ld+json")
    jsonld = json.loads(sink.getvalue())
    graphs = [q.graph_name.value for q in quads]
    assert len(quads) > MAX_ROWS  # paged: the server cut the single SELECT
    runs = [g for g, _ in groupby(graphs)]
    assert len(runs) == len(set(graphs)) == len(generated_records())
    assert sorted(o["@id"] for o in jsonld) == sorted(set(graphs))


# --- 6: no permission to update --------------------------------------------------------

def test_virtuoso_without_update_permission_says_so(virtuoso: tuple[str, int]) -> None:
    """Was: "answered 500 ... (try again later; the server's log may say more)"."""
    from ld.errors import ServerError
    from ld.store import open_store

    url, sql = virtuoso
    settings = load_settings(env={}, store=url, base_uri="http://perm.example/")
    isql(sql, 'REVOKE SPARQL_UPDATE FROM "SPARQL";')
    try:
        with open_store(settings) as store, pytest.raises(ServerError) as caught:
            store.update("INSERT DATA { GRAPH <http://perm.example/g> "
                         "{ <http://perm.example/s> <http://perm.example/p> 1 } }")
    finally:
        isql(sql, 'GRANT SPARQL_UPDATE TO "SPARQL";')
    error = caught.value
    assert "has no permission" in error.public and "GRANT SPARQL_UPDATE" in error.hint
    assert "try again later" not in str(error) + error.hint


# --- 8: syntax errors explained as on the embedded store -------------------------------

def test_oxigraph_server_syntax_error_is_explained(osite: Site) -> None:
    r = query(osite, UNGROUPED)
    assert r.status_code == 400
    assert "SPARQL syntax error: error at 1:47: ?s (at 1:8) is selected but neither " \
           "grouped nor aggregated" in r.text
    assert "expected one of" not in r.text


def test_virtuoso_syntax_error_is_explained(vsite: Site) -> None:
    """Virtuoso's own text is "SP030: SPARQL compiler, line 2: syntax error"."""
    r = query(vsite, "SELECT * WHERE { ?s ?p ?o ")
    assert r.status_code == 400
    assert "SPARQL syntax error: error at" in r.text and "is never closed" in r.text
    assert "SP030" not in r.text
