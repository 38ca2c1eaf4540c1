"""Regressions of the SPARQL endpoint found by the tenth exploration (explore10/sparql).

A real server (werkzeug, threaded) on 127.0.0.1 over the bundled sample
records, with the update token set, talked to over HTTP with requests:

* DESCRIBE answered a triple once per record graph stating it (a thing named
  by 33 records: each of its triples 33 times); CONSTRUCT repeated a triple
  with a blank node once per row of a join;
* syntax errors were Oxigraph's list of alternatives (Unicode ranges, SERVICE);
* ``charset=us-ascii`` was refused, and a declared charset was named only
  when the body happened to be UTF-8;
* ``POST /sparql?update=...`` ran the update sent in the URL.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from ld import sparql_worker
from tests.conftest_web import Site, sample_paths

TOKEN = "fixes10"
RDF_FORMATS = {  # media type -> pyoxigraph format: its parser keeps repeated triples
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    """The sample records (a library and its collections named by every record)."""
    root = tmp_path_factory.mktemp("sparql-fixes10")
    the_site, server = sparql_site(root, [], sample_paths(), update_token=TOKEN)
    try:
        yield the_site
    finally:
        server.shutdown()


def _get(site: Site, query: str, accept: str = "application/n-triples") -> requests.Response:
    return requests.get(site.url + "/sparql", params={"query": query},
                        headers={"Accept": accept}, timeout=60)


def _triples(body: bytes, fmt: ox.RdfFormat) -> list[ox.Triple]:
    """Every triple the body states, repeats included (a graph parser would merge them)."""
    return [q.triple for q in ox.parse(io.BytesIO(body), fmt, base_iri="http://x/")]


@pytest.fixture(scope="module")
def shared(site: Site) -> str:
    """The IRI the most record graphs state something about (the sample's library)."""
    r = _get(site, "SELECT ?x (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?x a ?t } } "
                   "GROUP BY ?x ORDER BY DESC(?n) LIMIT 1", "application/sparql-results+json")
    row = r.json()["results"]["bindings"][0]
    assert int(row["n"]["value"]) >= 10  # the defect needs a thing many records name
    return row["x"]["value"]


# --- 1. DESCRIBE (and CONSTRUCT) answers are sets ------------------------------------

@pytest.mark.parametrize("accept", RDF_FORMATS)
def test_describe_states_each_triple_once(site: Site, shared: str, accept: str) -> None:
    """Regression: 33 copies of each triple of the library, in every format."""
    r = _get(site, f"DESCRIBE <{shared}>", accept)
    assert r.status_code == 200, r.text
    triples = _triples(r.content, RDF_FORMATS[accept])
    assert triples and len(triples) == len(set(triples))
    expected = _get(site, f"CONSTRUCT {{ <{shared}> ?p ?o }} WHERE {{ <{shared}> ?p ?o }}")
    assert isomorphic(Graph().parse(data=r.text, format=_rdflib(accept)),
                      Graph().parse(data=expected.text, format="nt"))


def _rdflib(media_type: str) -> str:
    return {"application/n-triples": "nt", "text/turtle": "turtle",
            "application/rdf+xml": "xml", "application/ld+json": "json-ld"}[media_type]


def test_describe_of_many_things_states_each_triple_once(site: Site) -> None:
    r = _get(site, "DESCRIBE ?x WHERE { GRAPH ?g { ?x a ?t } }")
    lines = r.text.splitlines()
    direct = _get(site, "CONSTRUCT { ?x ?p ?o } WHERE { GRAPH ?g { ?x a ?t } ?x ?p ?o }")
    assert r.status_code == 200 and lines and len(lines) == len(set(lines))
    assert set(direct.text.splitlines()) <= set(lines)  # and the blank nodes' statements


def test_construct_states_a_blank_node_triple_once(site: Site) -> None:
    """Oxigraph drops a repeated CONSTRUCT triple, but not one with a blank node:
    joined to the subject's other statements, each came once per statement."""
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isBlank(?o)) ?s ?q ?r }"
    lines = _get(site, query).text.splitlines()
    assert any("_:" in line for line in lines)
    assert len(lines) == len(set(lines))


def test_far_repeats_are_the_only_ones_let_through(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory is bounded: the latest SEEN to 2 * SEEN distinct triples are remembered,
    so a repeat that close is dropped and one farther apart comes again."""
    monkeypatch.setattr(sparql_worker, "SEEN", 2)
    a, b, c, d, e = (ox.Triple(ox.NamedNode(f"http://x/{n}"), ox.NamedNode("http://p"),
                               ox.BlankNode(n)) for n in "abcde")
    given = [a, a, b, a, c, b, d, e, a, e]
    assert list(sparql_worker.distinct(iter(given), every=True)) == [a, b, c, d, e, a]
    ground = ox.Triple(a.subject, a.predicate, ox.Literal("x"))  # CONSTRUCT's: Oxigraph's care
    assert list(sparql_worker.distinct(iter([ground, ground, a, a]), every=False)) == \
        [ground, ground, a]


# --- 2. syntax errors in plain words, with Oxigraph's position kept -------------------

@pytest.mark.parametrize("query, said", [
    ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s",
     "error at 1:41: ?x (at 1:8) is selected but neither grouped nor aggregated: add it to "
     "GROUP BY, or select an aggregate of it such as (SAMPLE(?x) AS ?any_x)"),
    ("SELECT (LANG(?l) AS ?lang) WHERE { ?s ?p ?l } GROUP BY (LANG(?l))",
     "error at 1:66: the expression in SELECT uses ?l (at 1:14), which is neither grouped"),
    ("SELECT ?s (COUNT(?o) AS ?n) WHERE { { SELECT ?s ?o WHERE { ?s ?p ?o } GROUP BY ?s } }",
     "?s (at 1:8) is selected but neither grouped nor aggregated"),  # no reason given here
    ("SELECT * WHERE { ?s ?p ?o } GROUP BY ?s", "SELECT * cannot be used with GROUP BY"),
    ("SELECT * WHERE { ?s ?p }", "the triple pattern ?s ?p (at 1:18) has no object"),
    ("SELECT * WHERE {\n  ?s ?p ?o .\n  ?o ?q\n}",
     "error at 4:2: the triple pattern ?o ?q (at 3:3) has no object"),
    ("SELECT ?s WHERE { ?s ?p ?o ?q }", "?s ?p ?o ?q (at 1:19) is 4 terms, not one triple"),
    ("SELECT * WHERE { ?s <http://x> ?o FILTER(?o > ) }", "error at 1:50: expected an expression"),
    ("ASK { ?s <http://purl.org/dc/terms/>title ?t }",
     "is followed by title: write the whole IRI inside the brackets, "
     "<http://purl.org/dc/terms/title>"),
    ('SELECT ?s WHERE { ?s ?p ?o . FILTER(regex(?o, "x", "i") }',
     "the ( at 1:36 is not closed before the } at 1:57"),
    ("SELECT * WHERE { ?s ?p ?o . ", "error at 1:29: the { at 1:16 is never closed"),
    ("SELECT ?s WHERE { ?s ?p ?o }}", "the } at 1:29 closes nothing"),
    ('SELECT ?s WHERE { ?s ?p "abc }', "the string that starts at 1:25 does not end on its line"),
    ("SELECT WHERE { ?s ?p ?o }", "the SELECT at 1:1 names nothing to return"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT", "error at 1:34: expected one of GROUP, LATERAL, "
                                          "ORDER, a number"),  # not SERVICE, refused here
])
def test_syntax_errors_say_what_is_wrong(site: Site, query: str, said: str) -> None:
    """Regression: Oxigraph's ~600 characters of Unicode ranges, with the reason (if
    any) among them, and SERVICE suggested although this endpoint refuses it."""
    r = requests.get(site.url + "/sparql", params={"query": query}, timeout=30)
    assert r.status_code == 400
    assert r.text.startswith("400 Bad Request\nSPARQL syntax error: error at ")
    assert said in r.text, r.text
    assert not any(noise in r.text for noise in ("\\u{", "[_]", "..=", "SERVICE")), r.text


def test_a_syntax_error_keeps_the_json_error_format(site: Site) -> None:
    r = requests.get(site.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"},
                     headers={"Accept": "application/json"}, timeout=30)
    error = r.json()["error"]
    assert r.status_code == 400 and error["status"] == 400
    assert error["message"].startswith("SPARQL syntax error: error at 1:25: the triple pattern")


def test_the_in_process_lane_says_it_plainly_too(site: Site) -> None:
    """A query the lane takes (one pattern, a constant subject, a LIMIT) that
    Oxigraph refuses: "expected one of VALUES, ['0'..='9']" before."""
    query = f"SELECT ?o {{ <{site.url}/id/record/pubmed-6839263> ?p ?o }} LIMIT 5 OFFSET"
    r = requests.get(site.url + "/sparql", params={"query": query}, timeout=30)
    assert r.status_code == 400
    assert "expected one of VALUES, a number" in r.text, r.text


def test_an_update_error_is_said_plainly_in_the_clients_text(site: Site) -> None:
    """The update is sent with "BASE <endpoint> " and USING in front of its WHERE:
    both positions are the client's."""
    r = requests.post(site.url + "/sparql", timeout=30,
                      data={"update": "DELETE { ?s ?p ?o }\nWHERE { ?s ?p }",
                            "using-graph-uri": "http://example.org/g"},
                      headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400
    assert "SPARQL Update syntax error: error at 2:16: the triple pattern ?s ?p (at 2:9) " \
           "has no object" in r.text, r.text



# --- 5. declared charsets --------------------------------------------------------------

def _post(site: Site, body: bytes, content_type: str, **headers: str) -> requests.Response:
    return requests.post(site.url + "/sparql", data=body, timeout=30,
                         headers={"Content-Type": content_type, **headers})


@pytest.mark.parametrize("charset", ["us-ascii", "US-ASCII", "ANSI_X3.4-1968", "utf-8", "UTF8"])
def test_a_query_declared_us_ascii_runs(site: Site, charset: str) -> None:
    """Regression: US-ASCII, a part of UTF-8, was refused with 415."""
    r = _post(site, b"ASK { ?s ?p ?o }", f"application/sparql-query; charset={charset}",
              Accept="application/sparql-results+json")
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_an_update_declared_us_ascii_runs(site: Site) -> None:
    r = _post(site, b"CLEAR SILENT GRAPH <urn:fixes10:none>",
              'application/sparql-update; charset="us-ascii"', Authorization=f"Bearer {TOKEN}")
    assert r.status_code == 204, r.text


@pytest.mark.parametrize("charset, body", [
    ("iso-8859-1", 'ASK { ?s ?p "á" }'.encode("latin-1")),
    ("iso-8859-1", b"ASK { ?s ?p ?o }"),  # the same answer whatever the bytes
    ("utf-16", "ASK { ?s ?p ?o }".encode("utf-16")),
    ("x-unheard-of", b"ASK { ?s ?p ?o }"),
])
def test_another_declared_charset_is_refused_by_name(site: Site, charset: str,
                                                     body: bytes) -> None:
    """Regression: a Latin-1 or UTF-16 body got 400 "not UTF-8 (byte 28)" (the body
    was decoded first), an ASCII one 415: now 415 naming the charset either way."""
    r = _post(site, body, f"application/sparql-query; charset={charset}")
    assert r.status_code == 415
    assert f"application/sparql-query is always UTF-8 (or US-ASCII, a part of it), " \
           f"not charset={charset}" in r.text, r.text


def test_a_body_that_is_not_what_it_declares_is_named(site: Site) -> None:
    r = _post(site, 'ASK { ?s ?p "á" }'.encode(), "application/sparql-query; charset=us-ascii")
    assert r.status_code == 400
    assert "the request body is not us-ascii (byte 13)" in r.text, r.text


def test_a_form_s_charset_is_not_read(site: Site) -> None:
    """A form's escapes are UTF-8 whatever it declares: its media type defines no
    charset parameter, and the SPARQL Protocol sends UTF-8."""
    r = _post(site, b"query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
              "application/x-www-form-urlencoded; charset=ISO-8859-1",
              Accept="application/sparql-results+json")
    assert r.status_code == 200 and r.json()["boolean"] is True

# --- 6. an update is never taken from a URL -------------------------------------------

INSERT = "INSERT DATA { <urn:fixes10:s> <urn:fixes10:p> <urn:fixes10:o> }"


@pytest.mark.parametrize("content_type, body", [
    ("application/x-www-form-urlencoded", b"x=1"),
    ("application/x-www-form-urlencoded", b"update=CLEAR+SILENT+GRAPH+%3Curn%3Ax%3E"),
    ("application/sparql-update", b"CLEAR SILENT GRAPH <urn:x>"),
    ("application/sparql-query", b"ASK {}"),
])
def test_an_update_in_a_post_url_is_refused(site: Site, content_type: str, body: bytes) -> None:
    """Regression: POST /sparql?update=DROP%20ALL with a form body ran the DROP (204):
    the update, in the request line, is in every access log on the way."""
    r = requests.post(site.url + "/sparql", params={"update": INSERT}, data=body, timeout=30,
                      headers={"Content-Type": content_type,
                               "Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400
    assert "SPARQL Update goes in the request body, never in the URL" in r.text, r.text
    ask = _get(site, "ASK { <urn:fixes10:s> ?p ?o }", "application/sparql-results+json")
    assert ask.json()["boolean"] is False
