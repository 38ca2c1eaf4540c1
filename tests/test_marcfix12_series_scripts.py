"""Review 12 L11 and L2: a monograph's second ISSN does not go into the original-script
copy (880) of its one series; a host collection and a named collection are one thing."""

from __future__ import annotations

from datetime import UTC, datetime

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from ld.mapping import map_record
from ld.model import Container, Record, Source
from ld.namespaces import BIBO, LDPUB
from tests.test_crosswalk12_marc import BASE, REC, _field, _marc


def test_a_second_issn_stays_the_books_own_not_the_880_copys() -> None:
    graph = _marc([_field("022", "  ", "a", "0272-9172"), _field("022", "  ", "a", "1234-5679"),
                   _field("490", "0 ", "6", "880-01", "a", "Klassika ;", "v", "1"),
                   _field("880", "0 ", "6", "490-01/(N", "a", "Классика ;", "v", "1")])
    assert set(graph.objects(REC, LDPUB.series)) == {
        Literal("Klassika, ISSN 0272-9172 ; 1"), Literal("Классика ; 1")}
    assert set(graph.objects(REC, BIBO.issn)) == {Literal("1234-5679")}


def test_a_host_that_is_no_serial_and_a_named_collection_are_one_collection() -> None:
    record = Record(id="c1", source=Source("t", "1", "test"), title="T",
                    collections=["LC Collection"],
                    container=Container(title="LC Collection", serial=False))
    graph = map_record(record, BASE, modified=datetime(2026, 1, 1, tzinfo=UTC))
    (host,) = set(graph.objects(URIRef(f"{BASE}id/record/c1"), DCTERMS.isPartOf))
    assert set(graph.objects(host, DCTERMS.title)) == {Literal("LC Collection")}
