"""SPARQL endpoint limits a security review found missing (explore12 "security").

H4: the default concurrency cap equalled the thread count, so slow queries took
every thread; now it leaves threads for pages and `ldpub serve` refuses a cap
at or above the threads. M1: a query nested a few thousand levels deep crashed
Oxigraph (503 "stopped unexpectedly ()"); now a 400 before any parser, and a
crashed worker is named. H1: a query had no memory limit; now each worker
process has one (503 "needed more than N MB"). L1: relative IRIs resolved
against the client's Host.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ld.config import load_settings
from ld.errors import StoreError
from ld.sparql_pool import QueryPool
from tests.conftest_web import Site, serve_app

DEEP_QUERY = "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000
DEEP_UPDATE = ("DELETE { ?s <http://x/nope> ?o } WHERE " + "{" * 3000
               + "?s <http://x/nope> ?o" + "}" * 3000)
# a cross product sorted as a whole: its memory grows until a limit stops it
HUNGRY = ("SELECT ?a ?c ?f (CONCAT(STR(?c), STR(?f), STR(?a), STR(?d)) AS ?x) "
          "WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?x LIMIT 1")
SMALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _job(site: Site, query: str) -> dict[str, object]:
    snapshot = site.reader().snapshot_path
    return {"query": query, "store": snapshot, "base_iri": None, "results_format": "JSON",
            "rdf_format": "TURTLE", "union": True, "max_rows": 0, "timeout": 60}


# --- H4 ---------------------------------------------------------------------------------

def test_the_default_cap_leaves_threads_for_pages() -> None:
    assert load_settings(env={}).max_concurrent_queries == 2  # of the default 4 threads
    assert load_settings(env={"LDPUB_THREADS": "2"}).max_concurrent_queries == 1
    assert load_settings(env={}, max_concurrent_queries=3).max_concurrent_queries == 3


def test_serve_refuses_a_cap_that_can_take_every_thread(tmp_path: Path) -> None:
    env = {**os.environ, "LDPUB_STORE": str(tmp_path / "store"), "LDPUB_PORT": "7483",
           "LDPUB_THREADS": "4", "LDPUB_MAX_CONCURRENT_QUERIES": "4"}
    ldpub = Path(sys.executable).with_name("ldpub")
    done = subprocess.run([str(ldpub), "serve"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "LDPUB_MAX_CONCURRENT_QUERIES" in done.stderr and "LDPUB_THREADS" in done.stderr


# --- M1 ---------------------------------------------------------------------------------

def test_a_deeply_nested_query_or_update_is_a_400(site: Site) -> None:
    from ld.web import create_app

    url, server = serve_app(create_app(site.settings.replace(update_token="t0k")))
    try:
        query = requests.post(url + "/sparql", data=DEEP_QUERY.encode(), timeout=30,
                              headers={"Content-Type": "application/sparql-query"})
        update = requests.post(url + "/sparql", data=DEEP_UPDATE.encode(), timeout=30,
                               headers={"Content-Type": "application/sparql-update",
                                        "Authorization": "Bearer t0k"})
        after = requests.post(url + "/sparql", data={"query": SMALL}, timeout=30,
                              headers={"Accept": "application/sparql-results+json"})
    finally:
        server.shutdown()
    assert (query.status_code, update.status_code, after.status_code) == (400, 400, 200)
    assert "nests deeper than 200 levels" in query.text
    assert "nests deeper than 200 levels" in update.text


def test_a_crashed_query_worker_is_named(site: Site) -> None:
    """Past the endpoint's check (which refuses it), the pool says how its worker ended."""
    pool = QueryPool(1, prewarm=0)
    try:
        with pytest.raises(StoreError, match="SIGSEGV"):
            pool.execute(_job(site, DEEP_QUERY), 60)
    finally:
        pool.close()


# --- H1 ---------------------------------------------------------------------------------

def test_a_query_past_the_memory_limit_is_a_503_and_the_worker_replaced(site: Site) -> None:
    from ld.web import create_app

    settings = site.settings.replace(query_memory=300, query_timeout=60, max_rows=0)
    url, server = serve_app(create_app(settings))
    try:
        hungry = requests.post(url + "/sparql", data={"query": HUNGRY}, timeout=90,
                               headers={"Accept": "application/sparql-results+json"})
        after = requests.post(url + "/sparql", data={"query": SMALL}, timeout=30,
                              headers={"Accept": "application/sparql-results+json"})
    finally:
        server.shutdown()
    assert hungry.status_code == 503, hungry.text
    assert "the query needed more than 300 MB" in hungry.text
    assert after.status_code == 200
    assert int(after.json()["results"]["bindings"][0]["n"]["value"]) > 0


# --- L1 ---------------------------------------------------------------------------------

def test_relative_iris_resolve_against_the_base_uri_not_the_host(site: Site) -> None:
    def ask(query: str) -> dict:
        answer = requests.get(site.url + "/sparql", params={"query": query}, timeout=30,
                              headers={"Host": "evil.example",
                                       "Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.text
        return answer.json()

    worker = ask("SELECT (<rel> AS ?x) {}")  # run by a query worker
    assert worker["results"]["bindings"][0]["x"]["value"] == site.settings.base_uri + "rel"
    assert ask("ASK { <id/record/pubmed-6839263> ?p ?o }")["boolean"]  # the in-process lane
