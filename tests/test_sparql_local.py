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


def _environ(site: Site, method: str, query: str | None, accept: str, *,
             as_body: bool = False, args: dict | None = None) -> dict:
    from werkzeug.test import EnvironBuilder

    params = dict(args or {})
    kwargs: dict[str, Any] = {}
    if query is not None and method == "GET":
        params["query"] = query
    elif query is not None and as_body:
        kwargs = {"data": query.encode(), "content_type": "application/sparql-query"}
    elif query is not None:
        kwargs = {"data": {"query": query}}
    return EnvironBuilder(path="/sparql", base_url=site.url, method=method, query_string=params,
                          headers={"Accept": accept}, **kwargs).get_environ()


def _by_flask(app: Any, environ: dict) -> tuple[str, dict, bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list, exc_info: Any = None) -> None:
        answer.update(status=status, headers=dict(headers))

    body = b"".join(app.wsgi_app.wsgi(environ, start_response))
    return answer["status"], answer["headers"], body


LOOKUP = "SELECT ?p ?o WHERE {{ {r} ?p ?o }}"


@pytest.mark.parametrize("method, query, accept, as_body, args", [
    ("POST", LOOKUP, "application/sparql-results+json", False, None),  # truncated at 5
    ("POST", LOOKUP, "application/sparql-results+xml", False, None),
    ("GET", LOOKUP, "text/csv", False, None),
    ("POST", LOOKUP, "text/tab-separated-values", True, None),
    ("GET", LOOKUP, "*/*", False, {"format": "srx"}),
    ("POST", "SELECT ?o WHERE {{ {r} ?p ?o }} LIMIT 2", "application/sparql-results+json",
     False, None),
    ("POST", "ASK {{ {r} ?p ?o }}", "application/sparql-results+xml", False, None),
    # a relative IRI resolves against the endpoint's URL, as the view computes it
    ("GET", "SELECT ?p WHERE {{ <id/record/pubmed-6839263> ?p ?o }} LIMIT 3",
     "application/sparql-results+json", False, None),
])
def test_fast_path_answers_exactly_as_the_flask_view(capped: Site, method: str, query: str,
                                                     accept: str, as_body: bool,
                                                     args: dict | None) -> None:
    from ld.web import create_app

    app = create_app(capped.settings)
    text = query.format(r=record(capped))
    fast = app.wsgi_app.sparql.answer(_environ(capped, method, text, accept, as_body=as_body,
                                               args=args))
    assert fast is not None, "this query is the fast path's"
    status, headers, body = _by_flask(app, _environ(capped, method, text, accept,
                                                    as_body=as_body, args=args))
    assert (fast[0], dict(fast[1]), fast[2]) == (status, headers, body)
    assert status == "200 OK" and len(body) > 20


@pytest.mark.parametrize("method, query, accept, expected", [
    ("GET", None, "text/turtle", "200 OK"),  # the service description
    ("GET", None, "text/html", "200 OK"),  # the editor
    ("GET", LOOKUP, "text/html", "200 OK"),  # the editor, with the query in it
    ("POST", "SELECT * WHERE {{ {r} ?p ?o FILTER(BOUND(?o)) }}", "*/*", "200 OK"),  # a worker's
    ("POST", "SELECT * WHERE {{ SERVICE <http://127.0.0.1:9/> {{ {r} ?p ?o }} }}", "*/*",
     "403 Forbidden"),
    ("POST", "SELECT ?p WHERE {{ undeclared:x ?p ?o }} LIMIT 3", "*/*", "400 Bad Request"),
    ("POST", LOOKUP, "image/png", "406 Not Acceptable"),
    ("POST", "INSERT DATA {{ {r} <http://x/p> 1 }}", "*/*", "400 Bad Request"),
])
def test_fast_path_leaves_the_rest_to_flask(capped: Site, method: str, query: str | None,
                                            accept: str, expected: str) -> None:
    """None from the fast path, and Flask still reads the whole request (the body too)."""
    from ld.web import create_app

    app = create_app(capped.settings)
    text = None if query is None else query.format(r=record(capped))
    environ = _environ(capped, method, text, accept)
    assert app.wsgi_app.sparql.answer(environ) is None
    assert _by_flask(app, environ)[0] == expected


def test_fast_path_takes_only_clean_requests(capped: Site) -> None:
    from ld.web import create_app

    app = create_app(capped.settings)
    query = LOOKUP.format(r=record(capped))
    bad_escape = _environ(capped, "GET", None, "*/*")
    bad_escape["QUERY_STRING"] = "query=" + query.replace(" ", "%20") + "%FF"
    assert app.wsgi_app.sparql.answer(bad_escape) is None
    no_length = _environ(capped, "POST", query, "*/*")
    del no_length["CONTENT_LENGTH"]
    assert app.wsgi_app.sparql.answer(no_length) is None
    short = _environ(capped, "POST", query, "*/*")  # the client sent less than it announced
    short["CONTENT_LENGTH"] = str(int(short["CONTENT_LENGTH"]) + 10)
    assert app.wsgi_app.sparql.answer(short) is None


@pytest.fixture(scope="module")
def default_cap(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    """Sample records served with the default row cap (10,000)."""
    site, server = sparql_site(tmp_path_factory.mktemp("sparql-local-cap"), [], sample_paths())
    yield site
    server.shutdown()


@pytest.mark.parametrize("accept, parser", [("application/sparql-results+json", "json"),
                                            ("application/sparql-results+xml", "xml")])
def test_lane_writes_small_answers_at_once_as_a_worker_would(default_cap: Site, accept: str,
                                                            parser: str) -> None:
    """Under the cap, the lane writes JSON/XML directly (ld.capped.within_cap): same rows."""
    lane = f"SELECT ?p ?o WHERE {{ {record(default_cap)} ?p ?o }}"
    worker = f"SELECT ?p ?o WHERE {{ {record(default_cap)} ?p ?o FILTER(true) }}"
    a, b = post(default_cap, lane, accept), post(default_cap, worker, accept)
    assert a.status_code == b.status_code == 200
    assert sorted(rows(a, parser)) == sorted(rows(b, parser)) and len(rows(a, parser)) > 20
    assert "X-Ldpub-Truncated" not in a.headers


def test_smallest_rows_are_what_within_cap_assumes() -> None:
    """An empty solution is "{}" (and "," between rows) in JSON, "<result></result>" in XML."""
    import pyoxigraph as ox

    store = ox.Store()
    three = "SELECT ?x WHERE { VALUES ?y { 1 2 3 } }"
    assert b'"bindings":[{},{},{}]' in store.query(three).serialize(
        format=ox.QueryResultsFormat.JSON)
    assert b"<results>" + b"<result></result>" * 3 + b"</results>" in store.query(three).serialize(
        format=ox.QueryResultsFormat.XML)


@pytest.mark.parametrize("fmt", ["JSON", "XML"])
@pytest.mark.parametrize("rows_made, cap", [(0, 1), (1, 1), (2, 1), (3, 3), (5, 3), (40, 30),
                                            (40, 40), (41, 40), (3, 100), (30, 100),
                                            (101, 100), (900, 1000), (1001, 1000)])
def test_within_cap_never_answers_past_the_cap(fmt: str, rows_made: int, cap: int) -> None:
    import pyoxigraph as ox

    from ld.capped import within_cap

    store = ox.Store()
    values = " ".join(str(i) for i in range(rows_made))
    for query in (f"SELECT ?x WHERE {{ VALUES ?y {{ {values} }} }}",  # the smallest rows
                  f"SELECT ?y WHERE {{ VALUES ?y {{ {values} }} }}"):
        results_format = getattr(ox.QueryResultsFormat, fmt)
        body = within_cap(store.query(query), results_format, cap)
        if body is not None:
            assert rows_made <= cap
            assert body == store.query(query).serialize(format=results_format)
        if rows_made > cap:
            assert body is None


def test_within_cap_answers_what_is_well_under_the_cap() -> None:
    import pyoxigraph as ox

    from ld.capped import within_cap

    store = ox.Store()
    query = "SELECT ?y WHERE { VALUES ?y { 1 2 3 } }"
    for fmt in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML):
        assert within_cap(store.query(query), fmt, 1000) == store.query(query).serialize(format=fmt)
    assert within_cap(store.query(query), ox.QueryResultsFormat.CSV, 1000) is None  # not proven
