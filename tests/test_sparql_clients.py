"""Real SPARQL clients against the live endpoint, answers checked against the store.

SPARQLWrapper (Python) and Comunica (Node.js, tests/node) send their own
requests and parse our responses with their own parsers; the store's own
answer (``Store.select`` / ``construct`` on the same snapshot) is the
reference. Also: content negotiation table, the Service Description, and
that every example query of the editor answers like the store does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from ld.sparql_examples import EXAMPLES
from tests.conftest_web import Site, generated_records, sample_paths

NODE_DIR = Path(__file__).parent / "node"
COMUNICA = NODE_DIR / "node_modules" / ".bin" / "comunica-sparql"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
TITLES = """PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?record ?title WHERE { ?record dcterms:title ?title } ORDER BY ?record"""
PEOPLE = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
CONSTRUCT { ?p foaf:name ?n } WHERE { ?p a foaf:Person ; foaf:name ?n }"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    the_site, server = sparql_site(tmp_path_factory.mktemp("sparql-clients"),
                                   generated_records(), sample_paths())
    yield the_site
    server.shutdown()


@pytest.fixture(scope="module")
def store(site: Site) -> Iterator[Any]:
    reader = site.reader()
    yield reader
    reader.close()


def store_rows(store: Any, query: str) -> list[tuple[str | None, ...]]:
    rows = store.select(query)
    names = sorted({k for row in rows for k in row})
    return sorted(tuple(str(r[n]) if r.get(n) is not None else None for n in names)
                  for r in rows)


def json_rows(result: dict[str, Any]) -> list[tuple[str | None, ...]]:
    names = sorted(result["head"]["vars"])
    return sorted(tuple(b[n]["value"] if n in b else None for n in names)
                  for b in result["results"]["bindings"])


def test_sparqlwrapper_select_json(site: Site, store: Any) -> None:
    client = SPARQLWrapper(site.url + "/sparql")
    client.setQuery(TITLES)
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert len(result["results"]["bindings"]) > 100
    assert json_rows(result) == store_rows(store, TITLES)


def test_sparqlwrapper_select_xml_with_post(site: Site, store: Any) -> None:
    client = SPARQLWrapper(site.url + "/sparql")
    client.setMethod("POST")
    client.setQuery(TITLES)
    client.setReturnFormat(XML)
    document = client.query().convert()  # an xml.dom.minidom Document
    assert document.documentElement.namespaceURI == "http://www.w3.org/2005/sparql-results#"
    titles = sorted("".join(n.data for n in e.childNodes)
                    for e in document.getElementsByTagName("literal"))
    assert titles == sorted(str(r["title"]) for r in store.select(TITLES))


def test_sparqlwrapper_construct(site: Site, store: Any) -> None:
    client = SPARQLWrapper(site.url + "/sparql")
    client.setQuery(PEOPLE)
    graph = client.queryAndConvert()
    assert isinstance(graph, Graph) and len(graph) > 3
    assert isomorphic(graph, store.construct(PEOPLE))


def test_sparqlwrapper_ask(site: Site) -> None:
    client = SPARQLWrapper(site.url + "/sparql")
    client.setQuery('ASK { ?s <http://purl.org/dc/terms/identifier> "test-article" }')
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


@pytest.fixture(scope="module")
def comunica() -> Path:
    if shutil.which("node") is None or not COMUNICA.exists():
        pytest.skip("Comunica is not installed: run scripts/install-system-deps.sh "
                    "(npm install in tests/node)")
    return COMUNICA


def run_comunica(comunica: Path, site: Site, query: str, media_type: str) -> str:
    done = subprocess.run([str(comunica), f"sparql@{site.url}/sparql", query, "-t", media_type],
                          capture_output=True, text=True, timeout=120, cwd=NODE_DIR, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_comunica_select(comunica: Path, site: Site, store: Any) -> None:
    out = run_comunica(comunica, site, TITLES, "application/sparql-results+json")
    assert json_rows(json.loads(out)) == store_rows(store, TITLES)


def test_comunica_construct(comunica: Path, site: Site, store: Any) -> None:
    out = run_comunica(comunica, site, PEOPLE, "application/n-triples")
    assert isomorphic(Graph().parse(data=out, format="nt"), store.construct(PEOPLE))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.key)
def test_examples_answer_like_the_store(site: Site, store: Any, example: Any) -> None:
    r = requests.post(site.url + "/sparql", data={"query": example.query}, timeout=30,
                      headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    rows = json_rows(r.json())
    assert rows, f"example {example.key!r} finds nothing in the test data"
    assert rows == store_rows(store, example.query)
    # regression: "Records on a subject" listed a record once per record graph stating its
    # subject's label (Oxigraph 0.5's union default graph repeats shared triples)
    assert len(set(rows)) == len(rows), example.key


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SELECT = "SELECT * { ?s ?p ?o } LIMIT 1"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"
ASK = "ASK {}"


@pytest.mark.parametrize("query, accept, expected", [
    (SELECT, None, "application/sparql-results+json"),
    (SELECT, "*/*", "application/sparql-results+json"),
    (SELECT, "application/json", "application/sparql-results+json"),
    (SELECT, "application/sparql-results+xml", "application/sparql-results+xml"),
    (SELECT, "text/csv", "text/csv"),
    (SELECT, "text/tab-separated-values;q=0.9, text/csv;q=0.1", "text/tab-separated-values"),
    (SELECT, BROWSER, "text/html"),
    (SELECT, "text/turtle", 406),
    (ASK, None, "application/sparql-results+json"),
    (ASK, "application/sparql-results+xml", "application/sparql-results+xml"),
    (ASK, "text/csv", "text/csv"),  # was 406; the Protocol allows CSV/TSV for ASK
    (ASK, "text/tab-separated-values", "text/tab-separated-values"),
    (CONSTRUCT, None, "text/turtle"),
    (CONSTRUCT, "*/*", "text/turtle"),
    (CONSTRUCT, "application/n-triples", "application/n-triples"),
    (CONSTRUCT, "application/ld+json", "application/ld+json"),
    (CONSTRUCT, "application/json", "application/ld+json"),
    (CONSTRUCT, "application/rdf+xml", "application/rdf+xml"),
    (CONSTRUCT, "application/sparql-results+json", 406),
    (CONSTRUCT, BROWSER, "text/html"),
])
def test_negotiation(site: Site, query: str, accept: str | None, expected: str | int) -> None:
    headers = {"Accept": accept} if accept else {}
    r = requests.get(site.url + "/sparql", params={"query": query}, headers=headers, timeout=30)
    if isinstance(expected, int):
        assert r.status_code == expected
        return
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in r.headers["Vary"]


JOURNALS = "SELECT ?s WHERE { ?s a <http://purl.org/ontology/bibo/Journal> }"
DESCRIBE = "DESCRIBE <{url}/id/record/pubmed-6839263>"
SPARQL_XML, SPARQL_JSON = "application/sparql-results+xml", "application/sparql-results+json"


@pytest.mark.parametrize("query, return_format, method, expected", [
    (JOURNALS, None, None, SPARQL_XML),  # SPARQLWrapper's defaults: GET, format=xml
    ("ASK {}", None, None, SPARQL_XML),
    (JOURNALS, JSON, POST, SPARQL_JSON),
    (JOURNALS, CSV, None, "text/csv"),
    (JOURNALS, TSV, POST, "text/tab-separated-values"),
    ("ASK {}", JSON, None, SPARQL_JSON),
    (PEOPLE, None, None, "application/rdf+xml"),
    (PEOPLE, RDFXML, None, "application/rdf+xml"),
    (PEOPLE, TURTLE, POST, "text/turtle"),
    (PEOPLE, N3, None, "text/turtle"),  # N3 is a superset of Turtle
    (PEOPLE, JSONLD, None, "application/ld+json"),
    (PEOPLE, JSON, None, "application/ld+json"),
    (DESCRIBE, XML, POST, "application/rdf+xml"),
    (DESCRIBE, TURTLE, None, "text/turtle"),
])
def test_sparqlwrapper_gets_each_return_format(site: Site, query: str, return_format: str | None,
                                               method: str | None, expected: str) -> None:
    """Regression: SPARQLWrapper's default (GET, XML) sends format=xml, which was
    read as the .xml suffix (RDF/XML): every SELECT and ASK was a 406."""
    client = SPARQLWrapper(site.url + "/sparql")
    client.setQuery(query.replace("{url}", site.url))
    if return_format:
        client.setReturnFormat(return_format)
    if method:
        client.setMethod(method)
    with warnings.catch_warnings():  # JSON for a CONSTRUCT: it warns, and sends Accept */*
        warnings.simplefilter("ignore", RuntimeWarning)
        response = client.query()
    assert response.response.headers["Content-Type"].split(";")[0] == expected
    converted = response.convert()
    if expected.startswith("application/sparql-results"):
        assert converted  # a parsed result (minidom Document or dict)
    elif expected.startswith("text/csv") or expected.startswith("text/tab"):
        assert converted.startswith(b"s\r\n" if expected == "text/csv" else b"?s\n")
    elif expected == "text/turtle":
        assert len(Graph().parse(data=converted, format="turtle")) > 0
    else:
        assert isinstance(converted, Graph) and len(converted) > 0


@pytest.mark.parametrize("query, fmt, expected", [
    (SELECT, "xml", SPARQL_XML),
    (SELECT, "csv", "text/csv"),
    (ASK, "xml", SPARQL_XML),
    (CONSTRUCT, "xml", "application/rdf+xml"),
    (CONSTRUCT, "json", "application/ld+json"),
    (CONSTRUCT, "nt", "application/n-triples"),
])
def test_format_in_a_post_form_body_counts(site: Site, query: str, fmt: str,
                                           expected: str) -> None:
    """Regression: format= in a form body was ignored (only the URL's was read)."""
    r = requests.post(site.url + "/sparql", data={"query": query, "format": fmt}, timeout=30,
                      headers={"Accept": "*/*"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == expected


@pytest.mark.parametrize("params, expected", [
    ({"query": ASK}, SPARQL_JSON),
    ({"query": CONSTRUCT, "format": "nt"}, "application/n-triples"),
    ({}, "text/turtle"),  # the service description
])
def test_head_answers_as_get_without_a_body(site: Site, params: dict[str, str],
                                            expected: str) -> None:
    """Regression: HEAD was read as a POST without Content-Type: 415, though Allow lists it."""
    r = requests.head(site.url + "/sparql", params=params, timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == expected and r.content == b""


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"),
                                         ("application/rdf+xml", "xml"),
                                         ("application/ld+json", "json-ld")])
def test_service_description(site: Site, accept: str, fmt: str) -> None:
    r = requests.get(site.url + "/sparql", headers={"Accept": accept}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
    g = Graph().parse(data=r.content, format=fmt)
    service = URIRef(site.url + "/sparql")
    assert (service, SD.endpoint, service) in g
    assert set(g.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert len(set(g.objects(service, SD.resultFormat))) == 8
    dataset = g.value(service, SD.defaultDataset)
    assert g.value(dataset, RDFS.seeAlso) == URIRef(site.url + "/.well-known/void")
    assert g.value(dataset, SD.defaultGraph) is not None
    assert isinstance(g.value(service, RDFS.comment), Literal)


def test_browser_without_query_gets_the_editor(site: Site) -> None:
    r = requests.get(site.url + "/sparql", headers={"Accept": BROWSER}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "yasgui.min.js" in r.text and "Records missing a DOI" in r.text


def test_query_text_cannot_break_out_of_the_page(site: Site) -> None:
    query = "SELECT * { ?s ?p '</script><script>alert(1)</script>' }"
    r = requests.get(site.url + "/sparql", params={"query": query},
                     headers={"Accept": BROWSER}, timeout=30)
    assert "<script>alert(1)" not in r.text and "\\u003c/script\\u003e" in r.text


def test_results_are_streamed(site: Site) -> None:
    r = requests.get(site.url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                     stream=True, timeout=30)
    assert r.headers.get("Transfer-Encoding") == "chunked" or "Content-Length" not in r.headers
    assert len(Graph().parse(data=r.content, format="turtle")) > 1000
