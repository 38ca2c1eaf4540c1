"""The in-process lane (ld.sparql_local): only provably bounded queries, same answers.

The table says which queries may skip the worker process; the HTTP tests run
the sample record on a real server and check that a lane answer is the one a
worker gives (same rows, same row cap, same errors).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from rdflib.query import Result

from ld import sparql_local
from ld.sparql import analyse
from tests.conftest_web import Site, sample_paths

RECORD = "<http://localhost:5000/id/record/pubmed-6839263>"


@pytest.mark.parametrize("query, cap, expected", [
    (f"SELECT ?p ?o WHERE {{ {RECORD} ?p ?o }}", 10_000, True),
    (f"select * {{ {RECORD} ?p ?o . }}", 10_000, True),
    (f"PREFIX dct: <http://purl.org/dc/terms/> SELECT ?t WHERE {{ {RECORD} dct:title ?t }}",
     10_000, True),
    (f"SELECT ?t WHERE {{ {RECORD} a ?t }} LIMIT 5 OFFSET 1", 0, True),
    (f"ASK {{ {RECORD} ?p ?o }}", 0, True),
    ("ASK {}", 10_000, True),
    # unbounded or costly shapes go to a worker
    (f"SELECT ?p ?o WHERE {{ {RECORD} ?p ?o }}", 0, False),  # no cap, no LIMIT
    (f"SELECT ?p ?o WHERE {{ {RECORD} ?p ?o }}", 50_000, False),  # cap above the lane's
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 5", 10_000, False),  # variable subject
    (f"SELECT * WHERE {{ {RECORD} ?p ?o . ?o ?q ?r }}", 10_000, False),  # two patterns
    (f"SELECT * WHERE {{ {RECORD} ?p ?o ; ?q ?r }}", 10_000, False),
    (f"SELECT * WHERE {{ {RECORD} <http://x/p>+ ?o }}", 10_000, False),  # property path
    (f"SELECT * WHERE {{ {RECORD} ?p ?o FILTER(?o) }}", 10_000, False),
    (f"SELECT DISTINCT ?p WHERE {{ {RECORD} ?p ?o }}", 10_000, False),
    (f"SELECT ?p WHERE {{ {RECORD} ?p ?o }} ORDER BY ?p", 10_000, False),
    (f"SELECT (COUNT(*) AS ?n) WHERE {{ {RECORD} ?p ?o }}", 10_000, False),
    (f"SELECT * WHERE {{ {{ {RECORD} ?p ?o }} }}", 10_000, False),  # nested group
    (f"SELECT * FROM <http://x/g> WHERE {{ {RECORD} ?p ?o }}", 10_000, False),
    (f"SELECT * WHERE {{ GRAPH ?g {{ {RECORD} ?p ?o }} }}", 10_000, False),
    (f"CONSTRUCT WHERE {{ {RECORD} ?p ?o }}", 10_000, False),
    (f"DESCRIBE {RECORD}", 10_000, False),
    ("SELECT * WHERE { _:b ?p ?o }", 10_000, False),  # blank node subject
    ("SELECT * WHERE { \\u003Chttp://x/s> ?p ?o }", 10_000, False),  # codepoint escapes
])
def test_which_queries_run_in_process(query: str, cap: int, expected: bool) -> None:
    assert sparql_local.bounded(analyse(query), cap) is expected


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    """Sample records served with a row cap of 5 (the seed record has more triples)."""
    site, server = sparql_site(tmp_path_factory.mktemp("sparql-local"), [], sample_paths(),
                               max_rows=5)
    yield site
    server.shutdown()


def record(site: Site, key: str = "pubmed-6839263") -> str:
    return f"<{site.url}/id/record/{key}>"


def post(site: Site, query: str, accept: str = "application/sparql-results+json"
         ) -> requests.Response:
    return requests.post(site.url + "/sparql", data={"query": query}, timeout=30,
                         headers={"Accept": accept})


def rows(response: requests.Response, parser: str = "json") -> list[tuple]:
    result = Result.parse(io.BytesIO(response.content), format=parser)
    return [tuple(str(b.get(v)) for v in result.vars) for b in result.bindings]


@pytest.mark.parametrize("accept, parser", [("application/sparql-results+json", "json"),
                                            ("application/sparql-results+xml", "xml"),
                                            ("text/csv", "csv")])
def test_lane_applies_the_row_cap(capped: Site, accept: str, parser: str) -> None:
    query = f"SELECT ?p ?o WHERE {{ {record(capped)} ?p ?o }}"
    assert sparql_local.bounded(analyse(query), 5)
    r = post(capped, query, accept)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
    assert r.headers["X-Ldpub-Truncated"] == "5"
    assert len(rows(r, parser)) == 5


def test_lane_answers_what_a_worker_answers(capped: Site) -> None:
    lane = f"SELECT ?o WHERE {{ {record(capped)} <http://purl.org/dc/terms/creator> ?o }}"
    # the same question with a FILTER that changes nothing goes to a worker
    worker = (f"SELECT ?o WHERE {{ {record(capped)} <http://purl.org/dc/terms/creator> ?o "
              "FILTER(BOUND(?o)) }")
    assert sparql_local.bounded(analyse(lane), 5) and not sparql_local.bounded(analyse(worker), 5)
    a, b = post(capped, lane), post(capped, worker)
    assert a.status_code == b.status_code == 200
    assert sorted(rows(a)) == sorted(rows(b)) and len(rows(a)) == 3  # the seed's three authors
    assert "X-Ldpub-Truncated" not in a.headers


@pytest.mark.parametrize("key, expected", [("pubmed-6839263", True), ("no-such-record", False)])
def test_lane_ask(capped: Site, key: str, expected: bool) -> None:
    r = post(capped, f"ASK {{ {record(capped, key)} ?p ?o }}")
    assert r.status_code == 200 and r.json()["boolean"] is expected


def test_lane_reports_errors_like_a_worker(capped: Site) -> None:
    r = post(capped, "SELECT ?p WHERE { undeclared:thing ?p ?o } LIMIT 3")
    assert r.status_code == 400 and "syntax error" in r.text
