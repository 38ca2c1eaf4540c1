"""A name-title entry's name (7XX with $t) is the same person, stated alike, as the
same heading anywhere else: it lacked the owl:sameAs to its authority that every other
agent has (review of 2fe423a, 4: ld.mapping_relations._creator copied half of
ld.mapping_things.agent()).

Small MARC records (pymarc) are read through the MARC reader and mapped; the tests
compare triples.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pymarc
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL

from ld.mapping import map_record
from ld.model import Source
from ld.readers.marc_crosswalk import from_pymarc

BASE = "http://example.org/"
HEADING = (("a", "Shakespeare, William,"), ("d", "1564-1616."),
           ("0", "http://id.loc.gov/authorities/names/n78095332"))


def mapped(control: str, *fields: pymarc.Field) -> Graph:
    """One MARC record with 001, a 245 and ``fields``, read and mapped."""
    marc = pymarc.Record(leader="00000cam a2200000 a 4500", force_utf8=True)
    marc.add_field(pymarc.Field(tag="001", data=control), pymarc.Field(
        tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", "Plays.")]))
    marc.add_field(*fields)
    record = from_pymarc(marc, Source("test_marcfix14_relations", control, "test"))
    return map_record(record, BASE, modified=datetime(2024, 5, 6, tzinfo=UTC))


def entry(*subfields: tuple[str, str]) -> pymarc.Field:
    return pymarc.Field(tag="700", indicators=["1", "2"],
                        subfields=[pymarc.Subfield(c, v) for c, v in subfields])


def test_a_name_title_entrys_name_is_stated_as_the_same_added_entry_is() -> None:
    added = mapped("added", entry(*HEADING))
    [person] = added.objects(URIRef(f"{BASE}id/record/added"), DCTERMS.contributor)
    works = mapped("works", entry(*HEADING, ("t", "Hamlet.")))
    [work] = works.objects(URIRef(f"{BASE}id/record/works"), DCTERMS.hasPart)
    assert works.value(work, DCTERMS.creator) == person
    assert set(works.triples((person, None, None))) == set(added.triples((person, None, None)))
    assert (person, OWL.sameAs, URIRef(HEADING[2][1])) in works
