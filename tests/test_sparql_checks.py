"""ld.sparql: what a request is and what the endpoint refuses, before anything runs.

The refusal tables are checked against Oxigraph's own parser too: every
query we refuse for SERVICE is one Oxigraph parses (so the refusal is about
SERVICE, not a syntax error), and every harmless look-alike is one Oxigraph
accepts and we let through.
"""

from __future__ import annotations

import contextlib

import pyoxigraph as ox
import pytest

from ld.capped import CappedTsv
from ld.config import load_settings
from ld.errors import BadRequest, Forbidden, UnsupportedMediaType
from ld.sparql import ProtocolRequest, analyse, check, parse_request
from ld.sparql_run import with_using

SETTINGS = load_settings(env={})
WITH_TOKEN = load_settings(env={}, update_token="s3cret")

OUTBOUND = [
    "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "select * { service silent <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "SELECT * { ?a ?b ?c . SeRvIcE<http://127.0.0.1:1/>{ ?s ?p ?o } }",
    "SELECT * { # a comment\nSERVICE # another } \n <http://127.0.0.1:1/> { ?s ?p ?o } }",
    'SELECT * { ?s ?p "x" . SERVICE ?endpoint { ?s ?p ?o } '
    "VALUES ?endpoint { <http://127.0.0.1:1/> } }",
    "PREFIX service: <http://x/> SELECT * { service:a ?p ?o . SERVICE <http://127.0.0.1:1/> {} }",
    "SELECT * { FILTER(?a<?b) SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "SELECT * { SERV\\u0049CE <http://127.0.0.1:1/> { ?s ?p ?o } }",
]
HARMLESS = [
    'SELECT * { ?s ?p "SERVICE <http://127.0.0.1:1/> { }" }',
    "SELECT * { ?s ?p '''LOAD\nSERVICE''' }",
    "SELECT * { ?s <http://example.org/service> ?o }",
    "PREFIX service: <http://x/> SELECT * { ?s service:load ?o }",
    "SELECT ?service ?load { ?service ?load ?o }",
    'SELECT * { ?s ?p "x"@service }',
    "SELECT * { ?s ?p ?o } # SERVICE <http://127.0.0.1:1/> {}",
    "SELECT * { _:service ?p ?o }",
]


@pytest.mark.parametrize("query", OUTBOUND)
def test_service_is_refused_before_running(query: str) -> None:
    with pytest.raises(Forbidden, match="SERVICE"):
        check(ProtocolRequest("query", query), SETTINGS, None)


@pytest.mark.parametrize("query", OUTBOUND[:-1])
def test_refused_queries_are_valid_sparql(query: str) -> None:
    """Oxigraph would run them (and call the URL): the refusal is what stops it."""
    try:
        list(ox.Store().query(query))
    except SyntaxError as e:
        pytest.fail(f"not valid SPARQL: {e}")
    except (OSError, RuntimeError):
        pass  # it tried to fetch http://127.0.0.1:1/, where nothing listens


DECLARED = [  # the plain "prefix not declared" message must never stop these
    "PREFIX ex: <http://x/> SELECT * { ?s ex:p ?o }",
    "PREFIX : <http://x/> SELECT * { :a :b :c }",
    "PREFIX ex:<http://x/> SELECT * { ?s ex:p 'no:prefix' } # nor:here",
    'PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT * { ?s ?p "1"^^xsd:int }',
    "PREFIX ex: <http://x/> SELECT * { ?s <http://y/p:q> ex:a:b }",
    "BASE <http://x/> PREFIX ex: <y/> SELECT * { ?s ex:p ?o }",
    "SELECT * { ?s ?p <urn:isbn:123> FILTER(?p != <mailto:a@b>) }",
]


@pytest.mark.parametrize("query", [*HARMLESS, *DECLARED])
def test_look_alikes_pass(query: str) -> None:
    list(ox.Store().query(query))  # valid, and no request goes out
    assert check(ProtocolRequest("query", query), SETTINGS, None).form == "SELECT"


@pytest.mark.parametrize("text", ["LOAD <http://127.0.0.1:1/x.jsonld>",
                                  "load silent <http://127.0.0.1:1/> INTO GRAPH <http://g>"])
def test_load_is_refused_even_with_the_token(text: str) -> None:
    with pytest.raises(Forbidden, match="LOAD"):
        check(ProtocolRequest("update", text), WITH_TOKEN, "Bearer s3cret")


@pytest.mark.parametrize("text, form", [
    ("PREFIX a: <http://a/> SELECT * {}", "SELECT"),
    ("BASE <http://a/> ASK {}", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("describe <http://a>", "DESCRIBE"),
    ("# SELECT\nINSERT DATA { <a:s> <a:p> <a:o> }", "UPDATE"),
    ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE"),
    ("CLEAR ALL", "UPDATE"),
    ("not sparql at all", None),
])
def test_form(text: str, form: str | None) -> None:
    assert analyse(text).form == form


@pytest.mark.parametrize("authorization, settings, error", [
    (None, SETTINGS, "read-only"),
    ("Bearer s3cret", SETTINGS, "read-only"),
    (None, WITH_TOKEN, "Authorization"),
    ("Bearer wrong", WITH_TOKEN, "Authorization"),
    ("Basic s3cret", WITH_TOKEN, "Authorization"),
])
def test_update_needs_the_token(authorization: str | None, settings, error: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden, match=error):
        check(ProtocolRequest("update", "CLEAR ALL"), settings, authorization)


def test_update_with_the_token_passes() -> None:
    assert check(ProtocolRequest("update", "CLEAR ALL"), WITH_TOKEN, "Bearer s3cret").is_update


def test_update_sent_as_query_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="SPARQL Update"):
        check(ProtocolRequest("query", "CLEAR ALL"), WITH_TOKEN, "Bearer s3cret")


Q = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("method, args, content_type, body, error", [
    ("GET", {"query": ["ASK {}", "ASK {}"]}, None, b"", BadRequest),
    ("GET", {"update": ["CLEAR ALL"]}, None, b"", BadRequest),
    ("POST", {"query": ["ASK {}"]}, Q, b"ASK {}", BadRequest),
    ("POST", {}, "text/plain", b"ASK {}", UnsupportedMediaType),
    ("POST", {}, None, b"query=ASK%20%7B%7D", UnsupportedMediaType),
    ("POST", {}, Q + "; charset=UTF-16", "ASK {}".encode("utf-16"), UnsupportedMediaType),
    ("POST", {}, Q + "; charset=latin-1", b"ASK {}", UnsupportedMediaType),
    ("POST", {}, FORM, b"query=ASK+%7B%7D&update=CLEAR+ALL", BadRequest),
    ("POST", {}, FORM, b"query=ASK+%7B%7D&query=ASK+%7B%7D", BadRequest),
    ("POST", {}, FORM, b"default-graph-uri=http%3A%2F%2Fa", BadRequest),
    ("POST", {"using-graph-uri": ["http://a"]}, Q, b"ASK {}", BadRequest),
    ("POST", {}, Q, b"   ", BadRequest),
])
def test_protocol_errors(method: str, args: dict, content_type: str | None, body: bytes,
                         error: type) -> None:
    with pytest.raises(error):
        parse_request(method, args, content_type, body)


@pytest.mark.parametrize("method, args, content_type, body, expected", [
    ("GET", {"query": ["ASK {}"], "default-graph-uri": ["http://a", "http://b"]}, None, b"",
     ProtocolRequest("query", "ASK {}", ["http://a", "http://b"], [])),
    ("POST", {"named-graph-uri": ["http://n"]}, FORM,
     b"query=ASK+%7B%7D&default-graph-uri=http%3A%2F%2Fd",
     ProtocolRequest("query", "ASK {}", ["http://d"], ["http://n"])),
    ("POST", {}, Q + "; charset=utf-8", b"SELECT * {}", ProtocolRequest("query", "SELECT * {}")),
    ("POST", {}, "application/sparql-update", b"CLEAR ALL", ProtocolRequest("update", "CLEAR ALL")),
    ("POST", {}, FORM, b"update=CLEAR+ALL", ProtocolRequest("update", "CLEAR ALL")),
])
def test_protocol_requests(method: str, args: dict, content_type: str | None, body: bytes,
                           expected: ProtocolRequest) -> None:
    assert parse_request(method, args, content_type, body) == expected


def test_get_without_query_is_not_an_operation() -> None:
    assert parse_request("GET", {}, None, b"") is None


def test_dataset_iris_cannot_inject_text() -> None:
    with pytest.raises(BadRequest, match="IRI"):
        parse_request("GET", {"query": ["ASK {}"], "default-graph-uri": ["http://a> } ;"]},
                      None, b"")


def test_using_parameters_become_using_clauses() -> None:
    text = ("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o } ; DELETE WHERE { ?a ?b ?c } ;\n"
            "INSERT { ?s a <http://t> } WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }")
    request = ProtocolRequest("update", text, ["http://d"], ["http://n"])
    rewritten, inserted = with_using(request, analyse(text))
    assert len(inserted) == 2
    assert rewritten.count("USING <http://d> USING NAMED <http://n> WHERE") == 2
    assert "DELETE WHERE { ?a" in rewritten  # the short form takes no USING
    ox.Store().update(rewritten)  # and the result is valid SPARQL Update


def _tsv(rows: int) -> bytes:
    store = ox.Store()
    values = " ".join(f'"r{i}\\n\\t"@en' for i in range(rows))
    capped = CappedTsv(3)
    with contextlib.suppress(Exception):  # the cap stops the serializer with its own exception
        store.query(f"SELECT ?n {{ VALUES ?n {{ {values} }} }}").serialize(
            capped, ox.QueryResultsFormat.TSV)
    tsv, truncated = capped.result(3)
    assert truncated is (rows > 3)
    return tsv


@pytest.mark.parametrize("rows, kept", [(0, 0), (3, 3), (4, 3), (50, 3)])
def test_row_cap_counts_rows_not_lines(rows: int, kept: int) -> None:
    """Literals with newlines and tabs stay one TSV row each; the cut is exact."""
    tsv = _tsv(rows)
    solutions = list(ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV))
    assert [s["n"].value for s in solutions] == [f"r{i}\n\t" for i in range(kept)]


@pytest.mark.parametrize("text, limit", [
    ("SELECT * { ?s ?p ?o } LIMIT 20", 20),
    ("SELECT * { ?s ?p ?o } OFFSET 5 limit 7", 7),
    ("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 3 } }", None),  # only a subquery's
    ("SELECT * { ?s ?p 'LIMIT 3' }", None),
    ("SELECT * { ?s ?p ?o } LIMIT 3 VALUES ?s { <http://a> }", 3),
    ("SELECT * { ?s ?p '\\u0022' } LIMIT 3", None),  # escapes: not trusted
])
def test_outer_limit(text: str, limit: int | None) -> None:
    assert analyse(text).limit == limit
