"""The SPARQL 1.1 Protocol at its edges: encodings, sizes, errors a person can act on.

A real server (werkzeug, threaded) on 127.0.0.1 over the sample record, with
the update token set, talked to over HTTP with requests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
import requests

from tests.conftest_web import Site, sample_paths

TOKEN = "s3cret"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    the_site, server = sparql_site(tmp_path_factory.mktemp("sparql-protocol"), [],
                                   sample_paths(), update_token=TOKEN)
    yield the_site
    server.shutdown()


CAFE = "SELECT%20(%22caf%E9%22%20AS%20%3Fx)%20%7B%7D"  # é as Latin-1: %E9 is no UTF-8


@pytest.mark.parametrize("how", ["GET", "POST"])
def test_a_query_not_percent_encoded_as_utf8_is_refused(site: Site, how: str) -> None:
    """Regression: GET ran "caf%E9" (werkzeug kept the escape), a form POST "caf\\uFFFD"."""
    if how == "GET":
        r = requests.get(f"{site.url}/sparql?query={CAFE}", timeout=30)
    else:
        r = requests.post(site.url + "/sparql", data=f"query={CAFE}", timeout=30,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400
    assert "not percent-encoded UTF-8" in r.text and "%E9" in r.text
    good = requests.get(site.url + "/sparql", params={"query": 'SELECT ("café" AS ?x) {}'},
                        timeout=30)
    assert good.json()["results"]["bindings"][0]["x"]["value"] == "café"


def _position(update: str) -> str:
    """Where Oxigraph itself puts the error in ``update`` ("error at line:column")."""
    try:
        ox.Store().update(update, base_iri="http://example.org/")
    except SyntaxError as e:
        return re.search(r"error at \d+:\d+", str(e))[0]  # type: ignore[index]
    raise AssertionError(f"not a syntax error: {update}")


@pytest.mark.parametrize("update, using", [
    ("INSERT DATA { <s> <p> <o> . ] }", None),
    ("INSERT DATA { <s> <p> <o> . ] }", "http://example.org/g"),
    ("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o = ) }", "http://example.org/g"),
    ("DELETE { ?s ?p ?o }\nWHERE { ?s ?p ?o } ;\nINSERT { ?s ?p 1 } WHERE { ?s ?p ] }",
     "http://example.org/g"),
])
def test_update_syntax_errors_point_into_the_clients_text(site: Site, update: str,
                                                          using: str | None) -> None:
    """Regression: "BASE <endpoint> " (and USING clauses) were written into the
    update, so a 31-character update reported its error at 1:77."""
    data = {"update": update, **({"using-graph-uri": using} if using else {})}
    r = requests.post(site.url + "/sparql", data=data, timeout=30,
                      headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400
    assert _position(update) in r.text, r.text


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE { ?s foo:bar ?o }",
     "the prefix foo: is not declared: add PREFIX foo: <...>"),
    ("SELECT ?t WHERE { ?r dcterms:title ?t }",
     "add PREFIX dcterms: <http://purl.org/dc/terms/>"),
    ("PREFIX foo: <http://example.org/>",
     "the query has no SELECT, ASK, CONSTRUCT or DESCRIBE after its prefixes"),
])
def test_common_syntax_errors_are_said_plainly(site: Site, query: str, message: str) -> None:
    """Regression: ~600 characters of character classes, and "expected [_]"."""
    r = requests.get(site.url + "/sparql", params={"query": query}, timeout=30)
    assert r.status_code == 400
    assert message in r.text and "\\u{" not in r.text and "[_]" not in r.text


def test_a_byte_order_mark_before_the_query_is_dropped(site: Site) -> None:
    """Regression: a UTF-8 BOM (Windows editors write one) gave 400 "expected CONSTRUCT"."""
    r = requests.post(site.url + "/sparql", data=b"\xef\xbb\xbfASK { ?s ?p ?o }", timeout=30,
                      headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 200, r.text
    assert r.json()["boolean"] is True
