"""The endpoint in front of a remote store: Oxigraph's own server on 127.0.0.1.

Queries are forwarded with our timeout and row cap; answers are compared with
what the server itself says (through the RemoteStore).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic
from werkzeug.serving import make_server

from ld.config import load_settings
from tests.conftest_web import Site, generated_records, sample_paths

OXIGRAPH = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "oxigraph"
SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
        "?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u }")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = OXIGRAPH if OXIGRAPH.exists() else shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen([str(binary), "serve", "--location",
                             str(tmp_path_factory.mktemp("oxigraph")), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield url
    proc.kill()
    proc.wait()


@pytest.fixture(scope="module")
def site(oxigraph_url: str) -> Iterator[Site]:
    from ld.mapping import map_record
    from ld.model import Record
    from ld.readers import read_path
    from ld.store import open_store
    from ld.store.base import RecordGraph
    from ld.uris import record_graph
    from ld.web import create_app

    server = make_server("127.0.0.1", 0, lambda e, s: [], threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    settings = load_settings(env={}, store=oxigraph_url, base_uri=url + "/", max_rows=7,
                             query_timeout=2, max_concurrent_queries=2)
    items = [*generated_records(), *(i for p in sample_paths() for i in read_path(p))]
    with open_store(settings) as store:
        store.write_records([RecordGraph(r.id, record_graph(settings.base_uri, r.id),
                                         map_record(r, settings.base_uri))
                             for r in items if isinstance(r, Record)])
    server.app = create_app(settings)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Site(url, settings, Path(oxigraph_url))
    server.shutdown()


def query(site: Site, text: str, accept: str = "application/sparql-results+json"
          ) -> requests.Response:
    return requests.post(site.url + "/sparql", data={"query": text},
                         headers={"Accept": accept}, timeout=30)


def test_select_is_forwarded_and_capped(site: Site) -> None:
    from ld.store import open_store

    text = "SELECT ?t WHERE { ?r <http://purl.org/dc/terms/title> ?t } ORDER BY ?t"
    r = query(site, text)
    assert r.status_code == 200 and r.headers["X-Ldpub-Truncated"] == "7"
    got = [b["t"]["value"] for b in r.json()["results"]["bindings"]]
    with open_store(site.settings) as store:
        expected = [str(row["t"]) for row in store.select(text)]
    assert len(expected) > 7 and got == expected[:7]


def test_construct_and_ask_are_forwarded(site: Site) -> None:
    from ld.store import open_store

    text = "CONSTRUCT { ?p a ?c } WHERE { ?p a ?c }"
    r = query(site, text, "application/n-triples")
    assert r.headers["Content-Type"].startswith("application/n-triples")
    with open_store(site.settings) as store:
        assert isomorphic(Graph().parse(data=r.text, format="nt"), store.construct(text))
    assert query(site, "ASK { ?s ?p ?o }").json()["boolean"] is True


def test_slow_query_times_out_while_others_are_answered(site: Site) -> None:
    outcome: dict[str, Any] = {}

    def slow() -> None:
        started = time.monotonic()
        outcome["response"] = query(site, SLOW)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    assert query(site, "ASK { ?s ?p ?o }").status_code == 200
    assert thread.is_alive()
    thread.join()
    assert outcome["response"].status_code == 503
    assert "did not answer within 2 s" in outcome["response"].text
    assert outcome["seconds"] <= 2 + 2


def test_service_is_refused_before_forwarding(site: Site) -> None:
    r = query(site, "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    assert r.status_code == 403
