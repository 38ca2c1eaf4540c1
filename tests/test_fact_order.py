"""Pages and citations read the same whatever order a store gives a graph's triples.

explore11/remote defect 2: record pages, BibTeX, RIS and CSL-JSON read the
triples in the order the store returned them, so a citation's one place of
publication, a shared organisation's name and the order of subjects,
languages and contributors differed between the embedded store and
Virtuoso. Here the same records are read with their triples in several
orders (as given, reversed, shuffled) and the outputs compared byte for
byte; a thing named differently by two records is named alike on every
store (the embedded one, a real Oxigraph server) and however the names
are spread over its records; the author list (an rdf:List) keeps its order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import requests
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF

from ld import browse, citation, describe, formats
from ld.config import Settings, load_settings
from ld.facts import Index, read
from ld.facts_index import in_order
from ld.store import open_store
from ld.store.base import RecordGraph, Store

BASE = "http://localhost:5000/"
ID = Namespace(BASE + "id/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
LDPUB = Namespace("https://w3id.org/ldpub/vocab#")
PLACES = ("Leiden", "Boston", "New York", "london [etc.]")
# One publisher as two records name it. The stores' own order (Oxigraph's: by bytes)
# gave "McGraw-Hill"; by case-folded text "mcgraw hill" comes first.
NAMES = ("McGraw-Hill", "mcgraw Hill")
CHOSEN = "mcgraw Hill"


def _record(i: int, org_name: str) -> RecordGraph:
    """A book with several places, publishers, subjects, languages, creators without a
    list and an editor list; the publisher is the organisation shared by all records."""
    g = Graph()
    rec, doc = ID[f"record/b{i}"], URIRef(f"{BASE}doc/record/b{i}")
    g.add((doc, RDF.type, FOAF.Document))
    g.add((doc, FOAF.primaryTopic, rec))
    g.add((rec, RDF.type, BIBO.Book))
    g.add((rec, DCTERMS.title, Literal(f"Book {i}")))
    for place in PLACES:
        g.add((rec, LDPUB.publicationPlace, Literal(place)))
    org = ID["organization/mcgraw"]
    g.add((org, RDF.type, FOAF.Organization))
    g.add((org, FOAF.name, Literal(org_name)))
    g.add((rec, DCTERMS.publisher, org))
    g.add((rec, DCTERMS.publisher, Literal("Brill")))
    for key, label in (("zoology", "Zoology"), ("art", "art"), ("birds", "Birds")):
        g.add((rec, DCTERMS.subject, ID[f"subject/{key}"]))
        g.add((ID[f"subject/{key}"], URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
               Literal(label)))
    for lang in ("ger", "eng", "fre"):
        g.add((rec, DCTERMS.language, URIRef(f"http://id.loc.gov/vocabulary/iso639-2/{lang}")))
    for key, name in (("p2", "Zed, Anna"), ("p1", "Abel, Ben"), ("p3", "maier, Carl")):
        g.add((rec, DCTERMS.creator, ID[f"person/{key}"]))
        g.add((ID[f"person/{key}"], FOAF.name, Literal(name)))
    head = BNode()  # editors in the source's order, which is not alphabetical
    Collection(g, head, [ID["person/p3"], ID["person/p1"]])
    g.add((rec, BIBO.editorList, head))
    return RecordGraph(f"b{i}", str(doc), g)


def _orders(triples: list) -> list[list]:
    shuffled = list(triples)
    random.Random(7).shuffle(shuffled)
    return [list(triples), list(reversed(triples)), shuffled]


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """An embedded store holding two records that name their publisher differently."""
    primary = open_store(settings)
    primary.write_records([_record(1, NAMES[0]), _record(2, NAMES[1])])
    yield primary
    primary.close()


@pytest.mark.parametrize("key", ["bib", "ris", "csljson"])
def test_a_citation_is_the_same_in_any_triple_order(store: Store, key: str) -> None:
    triples = store.triples(f"{BASE}doc/record/b1")
    made = set()
    for order in _orders(triples):
        facts = read(Index(order), str(ID["record/b1"]), f"{BASE}doc/record/b1", BASE)
        made.add(citation.render(key, facts, "b1"))
    assert len(made) == 1, made


def test_unordered_values_are_alphabetical_and_lists_keep_their_order(store: Store) -> None:
    facts = read(Index(list(reversed(store.triples(f"{BASE}doc/record/b1")))),
                 str(ID["record/b1"]), f"{BASE}doc/record/b1", BASE)
    assert facts.places == ["Boston", "Leiden", "london [etc.]", "New York"]
    assert [s.label for s in facts.subjects] == ["art", "Birds", "Zoology"]
    assert [a.label for a in facts.authors] == ["Abel, Ben", "maier, Carl", "Zed, Anna"]
    assert [e.label for e in facts.editors] == ["maier, Carl", "Abel, Ben"]  # the rdf:List
    assert facts.languages == sorted(facts.languages, key=str.casefold)
    bib = citation.render("bib", facts, "b1").decode()
    assert "address = {Boston}" in bib
    ris = citation.render("ris", facts, "b1").decode()
    assert [x for x in ris.split("\r\n") if x.startswith("KW")] == [
        "KW  - art", "KW  - Birds", "KW  - Zoology"]


def test_json_ld_is_the_same_in_any_triple_order(store: Store) -> None:
    """A record's JSON-LD (its Turtle is the store's own: see describe.serialize)."""
    triples = store.triples(f"{BASE}doc/record/b1")
    made = {describe.serialize(order, BASE, formats.get("jsonld")) for order in _orders(triples)}
    assert len(made) == 1


def test_a_thing_named_differently_by_two_records_has_one_name(store: Store, settings: Settings
                                                                ) -> None:
    """Its page and the browse list call it alike, whichever record said which name."""
    swapped = open_store(load_settings(env={}, store=str(settings.store) + "-swapped"))
    try:
        swapped.write_records([_record(1, NAMES[1]), _record(2, NAMES[0])])
        for each in (store, swapped):
            assert [r.label for r in browse.top(each, BASE, "organization")] == [CHOSEN]
            assert describe.load(each, BASE, "organization", "mcgraw").label == CHOSEN
    finally:
        swapped.close()


def _server_store(url: str, records: list[RecordGraph]) -> Store:
    requests.post(f"{url}/update", data="DROP ALL", timeout=30,
                  headers={"Content-Type": "application/sparql-update"}).raise_for_status()
    remote = open_store(load_settings(env={}, store=url))
    remote.write_records(records)
    return remote


def test_an_oxigraph_server_reads_like_the_embedded_store(store: Store, oxigraph_server: str
                                                           ) -> None:
    """The same records (names spread the other way) give the same bytes on both."""
    remote = _server_store(oxigraph_server, [_record(1, NAMES[1]), _record(2, NAMES[0])])
    try:
        for kind, key in (("record", "b1"), ("organization", "mcgraw"), ("subject", "art")):
            for fmt in (("jsonld", "bib", "ris", "csljson") if kind == "record"
                        else ("jsonld", "ttl")):
                bodies = [describe.make(s, BASE, kind, key, formats.get(fmt)).body
                          for s in (store, remote)]
                if kind == "record":  # b1 names its publisher otherwise on the server
                    bodies = [b.replace(NAMES[1].encode(), NAMES[0].encode()) for b in bodies]
                assert bodies[0] == bodies[1], (kind, fmt)
        assert [r.label for r in browse.top(remote, BASE, "organization")] == [CHOSEN]
    finally:
        remote.close()


def test_in_order_is_a_total_order() -> None:
    """Terms equal but for case, kind, language or datatype never tie."""
    s, p = ox.NamedNode(BASE + "s"), ox.NamedNode(BASE + "p")
    objects = [ox.Literal("a"), ox.Literal("A"), ox.Literal("a", language="en"),
               ox.Literal("a", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#token")),
               ox.NamedNode("a:b")]
    triples = [ox.Triple(s, p, o) for o in objects]
    assert {tuple(in_order(order)) for order in _orders(triples)} == {
        tuple(in_order(triples))}
