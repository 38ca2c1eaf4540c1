"""explore12/marc M8: MARC linking entries (775, 776, 787 and the rest of 760-787) and
7XX name-title entries are published as Qualified Dublin Core relations to a related
item (a blank node typed dcterms:BibliographicResource), not dropped or kept in extra."""

from __future__ import annotations

from pathlib import Path

import pymarc
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF

from ld.cli import main
from ld.identity import triple_keys
from ld.ingest import ingest_paths
from ld.mapping import map_triples
from ld.model import Record
from ld.readers import read_path
from ld.store import open_store
from ld.validation import Validator
from tests.test_crosswalk12_marc import BASE, REC, _field, _marc

RELATIONS = (DCTERMS.hasVersion, DCTERMS.hasFormat, DCTERMS.hasPart, DCTERMS.relation)
PREFIXES = """@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix bibo: <http://purl.org/ontology/bibo/> .
@prefix ldpub: <https://w3id.org/ldpub/vocab#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
"""


def _related(graph: Graph) -> Graph:
    """The record's relations and what the graph says of each related blank node."""
    out = Graph()
    for prop in RELATIONS:
        for node in graph.objects(REC, prop):
            out.add((REC, prop, node))
            out += graph.triples((node, None, None))
    return out


def _expected(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def test_linking_entries_775_776_787_are_published_with_titles_and_numbers() -> None:
    graph = _marc([
        _field("776", "08", "i", "Online version:", "a", "Young, Nancy Beck.",
               "t", "Wright Patman.", "b", "1st ed.", "w", "(OCoLC)606463433"),
        _field("775", "08", "t", "Simplicity according to the Gospel.", "z", "0-306-40615-2"),
        _field("787", "1 ", "t", "Jazz", "w", "(DLC)  2003616269", "x", "0317-8471"),
    ])
    assert isomorphic(_related(graph), _expected(f"""
        <{REC}> dcterms:hasFormat [ a dcterms:BibliographicResource ;
            dcterms:title "Wright Patman" ; bibo:edition "1st ed." ;
            ldpub:mainEntryHeading "Young, Nancy Beck" ;
            ldpub:relationshipLabel "Online version" ; bibo:oclcnum "606463433" ] ;
          dcterms:hasVersion [ a dcterms:BibliographicResource ;
            dcterms:title "Simplicity according to the Gospel" ; bibo:isbn "0306406152" ] ;
          dcterms:relation [ a dcterms:BibliographicResource ;
            dcterms:title "Jazz" ; bibo:lccn "2003616269" ; bibo:issn "0317-8471" ] ."""))


def test_name_title_entries_are_works_with_their_name_as_creator() -> None:
    graph = _marc([
        _field("700", "12", "a", "MacManus, Seumas,", "d", "1869-1960.", "t", "Bewitched fiddle."),
        _field("710", "2 ", "a", "Chicago Symphony Orchestra.", "t", "Programme,", "n", "no. 3."),
    ])
    person = URIRef(f"{BASE}id/person/macmanus-seumas-1869-1960")
    orchestra = URIRef(f"{BASE}id/organization/chicago-symphony-orchestra")
    assert isomorphic(_related(graph), _expected(f"""
        <{REC}> dcterms:hasPart [ a dcterms:BibliographicResource ;
            dcterms:title "Bewitched fiddle" ; dcterms:creator <{person}> ] ;
          dcterms:relation [ a dcterms:BibliographicResource ;
            dcterms:title "Programme, no. 3" ; dcterms:creator <{orchestra}> ] ."""))
    assert (person, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person")) in graph
    assert (REC, DCTERMS.contributor, person) not in graph  # the work's, not the record's


def test_records_with_related_items_conform_and_an_unnamed_one_does_not() -> None:
    graph = _marc([_field("100", "1 ", "a", "Roe, Jane."),
                   _field("776", "08", "i", "Online version:", "w", "(OCoLC)606463433"),
                   _field("700", "12", "a", "Doe, John.", "t", "Essays.")])
    (report,) = Validator().validate([("r1", graph)])
    assert report.conforms and report.results == []
    unnamed = BNode()
    graph.add((REC, DCTERMS.hasFormat, unnamed))
    graph.add((unnamed, RDF.type, DCTERMS.BibliographicResource))
    (report,) = Validator().validate([("r1", graph)])
    assert not report.conforms
    assert {str(r.shape).rsplit("#", 1)[-1] for r in report.results} == {"RelatedItemNamed"}


def test_a_related_items_isbn_is_not_the_records_identity() -> None:
    """A print book with its own ISBN and its online version's in a 776 $z: identity
    keys on its own ISBN alone (the two ISBNs read as "several manifestations" dropped it)."""
    graph = _marc([_field("020", "  ", "a", "0306406152"),
                   _field("776", "08", "i", "Online version:", "z", "9780131103627")])
    assert (REC, URIRef("http://purl.org/ontology/bibo/isbn"), Literal("0306406152")) in graph
    assert triple_keys(graph) == (("isbn", "9780306406157"),)


def test_loc_records_with_linking_entries_validate(shared_data: Path, tmp_path: Path) -> None:
    """The shared LoC sample's records with linking or name-title entries (36 of 2,025):
    ``ldpub validate`` finds them all valid, and each has its related items in RDF."""
    sample = shared_data / "marc/loc-booksall-2016/booksall_2016_part01_sample.mrc"
    records = [r for r in read_path(str(sample)) if isinstance(r, Record) and r.related]
    assert len(records) >= 30
    for record in records:
        graph = Graph()
        graph += map_triples(record, BASE)
        subject = URIRef(f"{BASE}id/record/{record.id}")
        assert len([o for p in RELATIONS for o in graph.objects(subject, p)]) == len(
            record.related)
    picked = tmp_path / "related.mrc"
    picked.write_bytes(b"".join(_raw(sample, {r.id for r in records})))
    result = CliRunner().invoke(main, ["validate", "--jobs", "0", str(picked)])
    assert result.exit_code == 0 and f"{len(records)} records checked: all valid" in (
        result.output), result.output


def _raw(path: Path, ids: set[str]) -> list[bytes]:
    """The ISO 2709 records of ``path`` whose 001 is in ``ids``, their bytes as they are."""
    chunks = [chunk + b"\x1d" for chunk in path.read_bytes().split(b"\x1d") if chunk.strip()]
    return [chunk for chunk in chunks
            if pymarc.Record(chunk, to_unicode=True)["001"].data.strip() in ids]


def _mrc(record_id: str, *fields: pymarc.Field) -> bytes:
    rec = pymarc.Record(force_utf8=True, leader="00000nam a2200000 a 4500")
    rec.add_field(pymarc.Field(tag="001", data=record_id),
                  _field("245", "10", "a", f"Book {record_id}"), *fields)
    return rec.as_marc()


def test_a_stored_related_items_isbn_links_no_later_record(settings, tmp_path: Path) -> None:
    """A record whose 776 $z gives an ISBN is stored; a later record with that ISBN as its
    own is linked to no blank node of it (the store's look-up asks for records only)."""
    first = tmp_path / "first.mrc"
    first.write_bytes(_mrc("print", _field("776", "08", "i", "Online version:",
                                           "z", "9780131103627")))
    later = tmp_path / "later.mrc"
    later.write_bytes(_mrc("online", _field("020", "  ", "a", "9780131103627")))
    store = open_store(settings)
    try:
        for path in (first, later):
            summary = ingest_paths([str(path)], settings=settings, store=store, jobs=0)
            assert summary.loaded == 1
        same_as = f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{OWL.sameAs}> ?o }} }}"
        assert store.select(same_as) == []
    finally:
        store.close()
