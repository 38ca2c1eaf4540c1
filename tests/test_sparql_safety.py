"""A public endpoint must stay safe: no outbound requests, real timeouts, caps.

Every test runs a real server (werkzeug, threaded) on 127.0.0.1 over a real
embedded store loaded through the pipeline, and talks HTTP to it.
"""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib.query import Result

from tests.conftest_web import Site, sample_paths
from tests.shared_helpers import Listener

# ~60 triples in the sample record: seven of them side by side never finish
SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
        "?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u }")
CHEAP = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    """Sample record; 2 s timeout, 2 concurrent queries, at most 5 rows."""
    site, server = sparql_site(tmp_path_factory.mktemp("sparql-limited"), [], sample_paths(),
                               query_timeout=2, max_concurrent_queries=2, max_rows=5)
    yield site
    server.shutdown()


def sparql(site: Site, query: str, **kwargs: Any) -> requests.Response:
    return requests.post(site.url + "/sparql", data={"query": query}, timeout=30, **kwargs)


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERV\\u0049CE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
])
def test_service_reaches_nobody(limited: Site, template: str) -> None:
    listener = Listener()
    try:
        query = template.format(port=listener.port)
        get = requests.get(limited.url + "/sparql", params={"query": query}, timeout=30)
        for response in (sparql(limited, query), get):
            assert response.status_code == 403
            assert "SERVICE is not allowed" in response.text
        time.sleep(0.5)
        assert listener.connections == 0
        socket.create_connection(("127.0.0.1", listener.port)).close()  # the listener works
        time.sleep(0.5)
        assert listener.connections == 1
    finally:
        listener.close()


def test_load_is_refused(limited: Site) -> None:
    r = requests.post(limited.url + "/sparql", data="LOAD <http://127.0.0.1:1/x.jsonld>",
                      headers={"Content-Type": "application/sparql-update"}, timeout=30)
    assert r.status_code == 403 and "LOAD" in r.text


@pytest.mark.parametrize("body, content_type", [
    ("CLEAR ALL", "application/sparql-update"),
    ("update=DROP+ALL", "application/x-www-form-urlencoded"),
])
def test_update_is_refused_without_a_token(limited: Site, body: str, content_type: str) -> None:
    r = requests.post(limited.url + "/sparql", data=body,
                      headers={"Content-Type": content_type}, timeout=30)
    assert r.status_code == 403 and "read-only" in r.text
    assert sparql(limited, CHEAP).json()["boolean"] is True  # nothing was dropped


def _worker_cpu() -> dict[int, int]:
    """Query worker processes of this test process -> CPU ticks used so far."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if b"ld.sparql_worker" in cmd and int(stat[1]) == os.getpid():
            ticks[int(entry.name)] = int(stat[11]) + int(stat[12])
    return ticks


def test_slow_query_is_stopped_while_others_are_answered(limited: Site) -> None:
    outcome: dict[str, Any] = {}

    def slow() -> None:
        started = time.monotonic()
        outcome["response"] = sparql(limited, SLOW)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    cheap = sparql(limited, CHEAP)
    assert cheap.status_code == 200 and cheap.json()["boolean"] is True
    assert thread.is_alive()  # answered while the slow one was still running
    before = _worker_cpu()
    time.sleep(0.3)
    busy = [pid for pid, ticks in _worker_cpu().items() if ticks > before.get(pid, ticks)]
    assert len(busy) == 1  # the worker running the slow query
    thread.join()
    response = outcome["response"]
    assert response.status_code == 503
    assert "longer than the limit of 2 s" in response.text
    assert outcome["seconds"] <= 2 + 2
    assert busy[0] not in _worker_cpu()  # killed: the work really stopped
    assert sparql(limited, CHEAP).status_code == 200  # and the endpoint goes on


def test_beyond_the_concurrency_cap_is_503_with_retry_after(limited: Site) -> None:
    threads = [threading.Thread(target=sparql, args=(limited, SLOW)) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    r = sparql(limited, CHEAP)
    assert r.status_code == 503
    assert int(r.headers["Retry-After"]) >= 1
    assert "already runs its limit of 2 concurrent queries" in r.text
    for thread in threads:
        thread.join()
    assert sparql(limited, CHEAP).status_code == 200  # the slots are free again


ROWS_QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
RESULT_FORMATS = [("application/sparql-results+json", "json"),
                  ("application/sparql-results+xml", "xml"),
                  ("text/csv", "csv"), ("text/tab-separated-values", "tsv")]


@pytest.mark.parametrize("accept, parser", RESULT_FORMATS)
def test_row_cap_is_announced(limited: Site, accept: str, parser: str) -> None:
    r = sparql(limited, ROWS_QUERY, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(accept)
    assert r.headers["X-Ldpub-Truncated"] == "5"
    assert "X-Ldpub-Truncated" in r.headers["Access-Control-Expose-Headers"]
    result = Result.parse(io.BytesIO(r.content), format=parser)
    assert len(result.bindings) == 5


@pytest.mark.parametrize("accept, parser", RESULT_FORMATS)
def test_small_results_are_not_marked(limited: Site, accept: str, parser: str) -> None:
    r = sparql(limited, ROWS_QUERY + " LIMIT 5", headers={"Accept": accept})
    assert "X-Ldpub-Truncated" not in r.headers
    assert len(Result.parse(io.BytesIO(r.content), format=parser).bindings) == 5


def test_syntax_error_gives_the_position(limited: Site) -> None:
    r = requests.get(limited.url + "/sparql", params={"query": "SELECT * WHERE {\n ?s ?p }"},
                     timeout=30)
    assert r.status_code == 400
    assert "syntax error" in r.text and "2:" in r.text


def test_cors_preflight(limited: Site) -> None:
    r = requests.options(limited.url + "/sparql", timeout=30, headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization"})
    assert r.status_code in (200, 204)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in r.headers["Access-Control-Allow-Headers"]
    get = requests.get(limited.url + "/sparql", params={"query": CHEAP}, timeout=30,
                       headers={"Origin": "https://elsewhere.example"})
    assert get.headers["Access-Control-Allow-Origin"] == "*"


def test_oversized_body_is_refused_unread(limited: Site) -> None:
    """Regression (status): it was 400; RFC 9110 says 413 Content Too Large."""
    query = "ASK { ?s ?p ?o } #" + "x" * (2 << 20)
    r = requests.post(limited.url + "/sparql", data=query.encode(),
                      headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert r.status_code == 413 and "larger than" in r.text


def test_a_limit_above_the_cap_is_still_cut(limited: Site) -> None:
    r = sparql(limited, ROWS_QUERY + " LIMIT 100")
    assert r.headers["X-Ldpub-Truncated"] == "5"
    assert len(r.json()["results"]["bindings"]) == 5


def test_the_editor_states_the_limits_as_configured(limited: Site) -> None:
    """Regression: the limits note read "stops after 2.0 s" (Jinja's round kept the .0)."""
    page = requests.get(limited.url + "/sparql", headers={"Accept": "text/html"}, timeout=10)
    note = page.text.split('id="ldpub-sparql-limits">')[1].split("</p>")[0]
    assert "stops after 2&nbsp;s" in note and "at most 5 rows" in note


def test_an_uncapped_endpoint_does_not_announce_a_cap_of_zero(tmp_path: Path) -> None:
    """LDPUB_MAX_ROWS=0 means no cap; the page and the service description said
    "at most 0 rows"."""
    from ld.config import load_settings
    from ld.web import create_app

    client = create_app(load_settings(env={}, store=str(tmp_path / "store"),
                                      max_rows=0)).test_client()
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "a SELECT returns every row" in page and "at most 0" not in page
    described = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "SELECT returns every row" in described and "at most 0" not in described


@pytest.mark.parametrize(("limit", "words"), [(1, "1 concurrent query;"),
                                              (4, "4 concurrent queries;")])
def test_the_busy_message_counts_in_words(limit: int, words: str) -> None:
    """Regression: with one query allowed, a refused query was told "this server already
    runs 1 queries"."""
    from ld.sparql_pool import busy_message

    assert words in busy_message(limit)
