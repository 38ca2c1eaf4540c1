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
