"""A 245's short title (without its remainder $b) took the mark before $f/$k/$g from
the $a, which ends with " :" only because of the $b left out (review of 2fe423a, 3).

A small MARC record (pymarc) is read through the MARC reader and mapped; the
test compares the record's triples.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pymarc
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from ld.mapping import map_record
from ld.model import Source
from ld.namespaces import BIBO
from ld.readers.marc_crosswalk import from_pymarc

BASE = "http://example.org/"


def test_the_short_title_joins_dates_after_a_left_out_remainder_with_a_comma() -> None:
    marc = pymarc.Record(leader="00000cpc a2200000 a 4500", force_utf8=True)
    marc.add_field(pymarc.Field(tag="001", data="t3"), pymarc.Field(
        tag="245", indicators=["0", "0"], subfields=[
            pymarc.Subfield("a", "Family records :"), pymarc.Subfield("b", "letters and diaries,"),
            pymarc.Subfield("f", "1900-1950.")]))
    record = from_pymarc(marc, Source("test_marcfix14_titles", "record 1", "test"))
    graph = map_record(record, BASE, modified=datetime(2024, 5, 6, tzinfo=UTC))
    iri = URIRef(f"{BASE}id/record/t3")
    assert set(graph.objects(iri, DCTERMS.title)) == {
        Literal("Family records: letters and diaries, 1900-1950")}
    assert set(graph.objects(iri, BIBO.shortTitle)) == {Literal("Family records, 1900-1950")}
