"""The behaviour every Store implementation must show, as test functions.

tests/test_store_embedded.py and tests/test_store_remote.py import these and
provide the ``store`` fixture (the embedded primary; a real Oxigraph server),
so both implementations are held to one table. Results are read back with
independent parsers (rdflib's RDF and SPARQL results parsers) and graphs are
compared by isomorphism.
"""

from __future__ import annotations

import io
import threading

import pytest
from rdflib import RDF, XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF
from rdflib.query import Result

from ld.errors import BadRequest, NotAcceptable, RecordError
from ld.store.base import RecordGraph, Store

BASE = "http://localhost:5000/"
ID = Namespace(BASE + "id/")
TITLE = DCTERMS.title


def make_record(i: int, version: int = 0, extra: int = 0) -> RecordGraph:
    """Record ``i`` in ``version``: shared person, rdf:List of authors (blank
    nodes), typed and language-tagged literals, awkward characters."""
    g = Graph()
    rec, doc = ID[f"record/r{i}"], URIRef(f"{BASE}doc/record/r{i}")
    person = ID["person/shared"]
    g.add((doc, RDF.type, FOAF.Document))
    g.add((doc, FOAF.primaryTopic, rec))
    g.add((rec, TITLE, Literal(f"Title {i} v{version}", lang="en")))
    g.add((rec, DCTERMS.issued, Literal(str(2000 + i), datatype=XSD.gYear)))
    g.add((rec, DCTERMS.abstract, Literal('tab\there, "quotes", new\nline, <b>&amp; ü 東京')))
    g.add((rec, DCTERMS.creator, person))
    g.add((person, FOAF.name, Literal("Shared, Person")))
    head = BNode()
    Collection(g, head, [person, ID[f"person/p{i}"]])
    g.add((rec, URIRef("http://purl.org/ontology/bibo/authorList"), head))
    for k in range(version + extra):  # versions differ in size as well as in title
        g.add((rec, DCTERMS.subject, ID[f"subject/s{k}"]))
    return RecordGraph(f"r{i}", str(doc), g)


def expected_version(store: Store, i: int) -> int | None:
    """Which version of record ``i`` the store holds, checking it is whole."""
    got = store.graph(make_record(i).graph_iri)
    if got is None:
        return None
    titles = [str(o) for o in got.objects(ID[f"record/r{i}"], TITLE)]
    assert len(titles) == 1, f"record r{i} has titles {titles}"
    version = int(titles[0].rsplit("v", 1)[1])
    assert isomorphic(got, make_record(i, version).graph), f"record r{i} is not whole"
    return version


# --- writing ----------------------------------------------------------------

def test_write_and_read_back(store: Store) -> None:
    batch = [make_record(i) for i in range(3)]
    result = store.write_records(batch)
    assert (result.written, result.replaced) == (3, 0)
    assert result.triples == sum(len(r.graph) for r in batch)
    for r in batch:
        assert store.has_graph(r.graph_iri)
        assert isomorphic(store.graph(r.graph_iri), r.graph)
    assert store.record_count() == 3
    assert store.count_triples() == result.triples


def test_an_empty_batch_writes_nothing(store: Store) -> None:
    assert store.write_records([]).written == 0
    assert store.record_count() == 0


def test_replace_leaves_no_old_triples(store: Store) -> None:
    store.write_records([make_record(1, version=3), make_record(2)])
    result = store.write_records([make_record(1, version=1)])
    assert (result.written, result.replaced) == (1, 1)
    assert expected_version(store, 1) == 1
    assert expected_version(store, 2) == 0


def test_same_record_twice_in_a_batch_last_wins(store: Store) -> None:
    store.write_records([make_record(1, 0), make_record(1, 2)])
    assert expected_version(store, 1) == 2
    assert store.record_count() == 1


def test_a_bad_record_changes_nothing(store: Store) -> None:
    """A term RDF does not allow is found before anything is written: the batch is refused."""
    store.write_records([make_record(1), make_record(2)])
    bad = make_record(3)
    bad.graph.add((URIRef("urn:a"), URIRef("urn:p"), URIRef("http://bad iri/with space")))
    with pytest.raises(RecordError) as caught:
        store.write_records([make_record(1, version=2), make_record(2, version=2), bad])
    assert caught.value.location.record_id == "r3"
    assert [expected_version(store, i) for i in (1, 2, 3)] == [0, 0, None]


def test_delete(store: Store) -> None:
    batch = [make_record(i) for i in range(3)]
    store.write_records(batch)
    missing = f"{BASE}doc/record/nope"
    assert store.delete_records([batch[0].graph_iri, missing]) == 1
    assert not store.has_graph(batch[0].graph_iri)
    assert store.graph(batch[0].graph_iri) is None
    assert store.delete_records([batch[0].graph_iri]) == 0
    assert store.record_count() == 2
    assert expected_version(store, 1) == 0


@pytest.mark.parametrize("media_type,parser", [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"),
])
def test_serialize_graph_round_trips(store: Store, media_type: str, parser: str) -> None:
    record = make_record(7, version=2)
    store.write_records([record])
    body = store.serialize_graph(record.graph_iri, media_type)
    assert isomorphic(Graph().parse(data=body, format=parser), record.graph)
    assert store.serialize_graph(f"{BASE}doc/record/nope", media_type) is None


def test_triples_are_the_graph(store: Store) -> None:
    record = make_record(5, version=1)
    store.write_records([record])
    triples = store.triples(record.graph_iri)
    body = "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples or [])
    assert isomorphic(Graph().parse(data=body, format="nt"), record.graph)
    assert store.triples(f"{BASE}doc/record/nope") is None


def test_value_reads_one_fact_of_one_graph(store: Store) -> None:
    store.write_records([make_record(3, version=1), make_record(4)])
    doc3, rec3 = f"{BASE}doc/record/r3", str(ID["record/r3"])
    assert store.value(doc3, rec3, str(TITLE)) == "Title 3 v1"
    assert store.value(doc3, rec3, str(DCTERMS.issued)) == "2003"
    assert store.value(doc3, str(ID["record/r4"]), str(TITLE)) is None  # in r4's graph only
    assert store.value(f"{BASE}doc/record/nope", rec3, str(TITLE)) is None


def test_serialize_graph_refuses_non_rdf(store: Store) -> None:
    record = make_record(1)
    store.write_records([record])
    with pytest.raises(NotAcceptable):
        store.serialize_graph(record.graph_iri, "text/html")


# --- queries ----------------------------------------------------------------

def test_select_over_the_union_of_record_graphs(store: Store) -> None:
    store.write_records([make_record(i) for i in range(3)])
    rows = store.select(f"SELECT ?r ?t WHERE {{ ?r <{TITLE}> ?t }} ORDER BY ?r")
    assert [row["r"] for row in rows] == [ID[f"record/r{i}"] for i in range(3)]
    assert rows[0]["t"] == Literal("Title 0 v0", lang="en")
    year = store.select(f"SELECT ?y WHERE {{ <{ID['record/r1']}> <{DCTERMS.issued}> ?y }}")
    assert year == [{"y": Literal("2001", datatype=XSD.gYear)}]


def test_ask_and_construct(store: Store) -> None:
    record = make_record(4)
    store.write_records([record])
    assert store.ask(f"ASK {{ <{ID['record/r4']}> ?p ?o }}")
    assert not store.ask(f"ASK {{ <{ID['record/r5']}> ?p ?o }}")
    got = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{record.graph_iri}> "
                          "{ ?s ?p ?o } }")
    assert isomorphic(got, record.graph)


def test_dataset_clauses_and_protocol_graphs(store: Store) -> None:
    a, b = make_record(1), make_record(2)
    store.write_records([a, b])
    query = f"SELECT ?t WHERE {{ ?r <{TITLE}> ?t }}"
    only_a = store.query(query, "text/csv", default_graph_uris=[a.graph_iri])
    assert b"".join(only_a.chunks).decode().split("\r\n")[1:-1] == ["Title 1 v0"]
    from_b = store.select(f"SELECT ?t FROM <{b.graph_iri}> WHERE {{ ?r <{TITLE}> ?t }}")
    assert [str(row["t"]) for row in from_b] == ["Title 2 v0"]
    named = store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?r <{TITLE}> ?t }} }}", "text/csv",
                        named_graph_uris=[b.graph_iri])
    assert b"".join(named.chunks).decode().split("\r\n")[1:-1] == [b.graph_iri]


SELECT_FORMATS = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
]


@pytest.mark.parametrize("media_type,parser", SELECT_FORMATS)
def test_query_select_in_every_results_format(store: Store, media_type: str,
                                               parser: str) -> None:
    store.write_records([make_record(i) for i in range(3)])
    response = store.query(f"SELECT ?r ?t ?a ?none WHERE {{ ?r <{TITLE}> ?t ; "
                           f"<{DCTERMS.abstract}> ?a OPTIONAL {{ ?r <urn:x> ?none }} }}",
                           media_type)
    assert (response.kind, response.media_type, response.truncated) == \
        ("bindings", media_type, False)
    parsed = Result.parse(io.BytesIO(b"".join(response.chunks)), format=parser)
    got = {(str(row[0]), str(row[1])) for row in parsed}
    assert got == {(str(ID[f"record/r{i}"]), f"Title {i} v0") for i in range(3)}
    abstracts = {str(row[2]) for row in parsed}
    assert abstracts == {str(make_record(0).graph.value(ID["record/r0"], DCTERMS.abstract))}
    if parser in ("json", "xml", "tsv"):  # CSV drops language tags by design
        assert {row[1].language for row in parsed} == {"en"}
    assert all(row[3] is None for row in parsed)


@pytest.mark.parametrize("media_type,parser", SELECT_FORMATS)
def test_max_rows_truncates_and_says_so(store: Store, media_type: str, parser: str) -> None:
    store.write_records([make_record(i) for i in range(5)])
    query = f"SELECT ?r WHERE {{ ?r <{TITLE}> ?t }}"
    cut = store.query(query, media_type, max_rows=3)
    assert cut.truncated
    assert len(Result.parse(io.BytesIO(b"".join(cut.chunks)), format=parser)) == 3
    whole = store.query(query, media_type, max_rows=5)
    assert not whole.truncated
    assert len(Result.parse(io.BytesIO(b"".join(whole.chunks)), format=parser)) == 5


@pytest.mark.parametrize("media_type,parser", SELECT_FORMATS[:2])
def test_query_ask(store: Store, media_type: str, parser: str) -> None:
    store.write_records([make_record(1)])
    for query, expected in (("ASK { ?s ?p ?o }", True), ("ASK { ?s <urn:none> ?o }", False)):
        response = store.query(query, media_type)
        assert response.kind == "boolean"
        assert Result.parse(io.BytesIO(b"".join(response.chunks)), format=parser).askAnswer \
            is expected


@pytest.mark.parametrize("media_type,parser", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
])
def test_query_construct_in_every_rdf_format(store: Store, media_type: str,
                                             parser: str) -> None:
    records = [make_record(i, extra=2) for i in range(3)]
    store.write_records(records)
    response = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", media_type)
    assert (response.kind, response.media_type) == ("graph", media_type)
    union = Graph()
    for r in records:
        union += r.graph
    assert isomorphic(Graph().parse(data=b"".join(response.chunks), format=parser), union)


def test_query_chunks_can_be_read_in_another_thread(store: Store) -> None:
    """Web servers and timeout wrappers may stream from a thread of their own."""
    store.write_records([make_record(i) for i in range(3)])
    responses = [store.query("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"),
                 store.query("SELECT * WHERE { ?s ?p ?o }", "text/csv")]
    bodies: list[bytes] = []
    worker = threading.Thread(target=lambda: bodies.extend(b"".join(r.chunks)
                                                           for r in responses))
    worker.start()
    worker.join(30)
    assert len(bodies) == 2 and all(bodies)


def test_abandoned_result_stops(store: Store) -> None:
    store.write_records([make_record(i, extra=20) for i in range(20)])
    response = store.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "text/csv")
    chunks = iter(response.chunks)
    assert next(chunks)
    chunks.close()  # a client that went away; must not hang or keep running
    assert store.ask("ASK { ?s ?p ?o }")


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p }", "SELEKT ?s WHERE {}"])
def test_syntax_error_is_bad_request_with_position(store: Store, query: str) -> None:
    with pytest.raises(BadRequest) as caught:
        store.query(query, "application/sparql-results+json")
    assert "1:" in str(caught.value)


def test_unacceptable_result_format(store: Store) -> None:
    with pytest.raises(NotAcceptable) as caught:
        store.query("SELECT * WHERE { ?s ?p ?o }", "text/turtle")
    assert "application/sparql-results+json" in caught.value.offered


# --- dump -------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_dump_quads_keeps_every_record_graph(store: Store) -> None:
    records = [make_record(i, extra=1) for i in range(4)]
    store.write_records(records)
    out = io.BytesIO()
    store.dump(out, "application/n-quads")
    dataset = Dataset()
    dataset.parse(data=out.getvalue(), format="nquads")
    for r in records:
        assert isomorphic(dataset.graph(URIRef(r.graph_iri)), r.graph)


@pytest.mark.parametrize("media_type,parser", [("application/n-triples", "nt"),
                                               ("text/turtle", "turtle")])
def test_dump_triples_is_the_union(store: Store, media_type: str, parser: str) -> None:
    records = [make_record(i) for i in range(4)]
    store.write_records(records)
    out = io.BytesIO()
    store.dump(out, media_type)
    union = Graph()
    for r in records:
        union += r.graph
    assert isomorphic(Graph().parse(data=out.getvalue(), format=parser), union)


def test_version_changes_with_writes(store: Store) -> None:
    before = store.version  # type: ignore[attr-defined]
    store.write_records([make_record(1)])
    assert store.version != before  # type: ignore[attr-defined]


__all__ = [name for name in list(globals()) if name.startswith("test_")]
