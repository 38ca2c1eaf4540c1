"""MARC defects a tester found with every real record loaded, one regression each:

- 008 Date1 "9999" (the "open / unknown" marker) was published as the year 9999;
- a copy-specific added entry (7XX with $5, "Copyright Paperback Collection
  (Library of Congress)", a former owner) was a contributor of the work;
- distributor statements in 260 $b ("For sale by the U.S. G.P.O. ...",
  "Distributed in North America by ...") were published as publishers;
- 856 $3 / $y (what a link is: "Table of contents") were dropped.

Small records are written with pymarc (helpers of tests/test_readers_marc_more.py);
the real ones are read from ../shared/data/marc, skipped when it is absent.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF

from ld.model import Record
from ld.namespaces import LDPUB, RELATORS
from ld.readers import read_path
from ld.validation import Validator
from tests.test_readers_marc_more import BASE, BOOK_008, field, mapped, marc_file, thing

RECORD = URIRef(f"{BASE}id/record/t1")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # not rdflib's XSD: pytest trips on it
LOC_SAMPLE = "marc/loc-booksall-2016/booksall_2016_part01_sample.mrc"


@cache
def _loc_records(path: str) -> dict[str, Record]:
    """The LoC sample's records by id (read once: 2,000 records)."""
    return {r.id: r for r in read_path(path) if isinstance(r, Record)}


def loc_record(shared_data: Path, record_id: str) -> Record:
    return _loc_records(str(shared_data / LOC_SAMPLE))[record_id]


def _008(date_type: str, date1: str) -> str:
    """A book 008 with the given 06 (type of date) and 07-10 (Date1)."""
    return BOOK_008[:6] + date_type + date1 + BOOK_008[11:]


# --- 1. 008 Date1 "9999" is no year -------------------------------------------


def test_date1_9999_of_a_real_record_falls_back_to_the_imprint(shared_data: Path) -> None:
    """ASP925318/clmu: 008 "100813s9999", 260 $c "03 Nov 2008" was issued "9999"."""
    [record] = list(read_path(str(shared_data / "marc/pymarc-test/utf8.xml")))
    assert isinstance(record, Record) and record.issued == "2008"


@pytest.mark.parametrize(("date_type", "date1", "written", "expected"), [
    ("s", "9999", "c1999.", "1999"),
    ("s", "9999", None, None),
    ("m", "9999", "[2001?]", "2001"),
    ("e", "9999", "2003.", "2003"),  # a detailed date of year 9999: no date either
    ("s", "uuuu", "1987.", "1987"),
    ("s", "||||", "1987.", "1987"),
    ("s", "    ", "1987.", "1987"),
    ("s", "19uu", "[19--?]", "19--?"),
    ("s", "1998", "c1999.", "1998"),  # a real Date1 still wins
])
def test_date1_that_is_no_year_falls_back_to_260c(tmp_path: Path, date_type: str, date1: str,
                                                  written: str | None,
                                                  expected: str | None) -> None:
    imprint = [field("260", "  ", ("c", written))] if written else []
    record, graph = mapped(marc_file(tmp_path, field("245", "00", ("a", "T")), *imprint,
                                     f008=_008(date_type, date1)))
    assert record.issued == expected
    if expected is None:
        assert not list(graph.objects(RECORD, DCTERMS.issued))
        assert not list(graph.objects(RECORD, DCTERMS.date))
    elif expected[:4].isdigit():
        assert list(graph.objects(RECORD, DCTERMS.issued)) == [
            Literal(expected, datatype=XSD.gYear)]


def test_a_9999_in_the_imprint_is_no_year_either(tmp_path: Path) -> None:
    record, _ = mapped(marc_file(tmp_path, field("245", "00", ("a", "T")),
                                 field("260", "  ", ("c", "9999")), f008=_008("s", "9999")))
    assert record.issued is None


# --- 2. copy-specific added entries ($5) are not agents of the work -----------


COLLECTION = "Copyright Paperback Collection (Library of Congress)"


def test_a_copy_specific_collection_entry_is_a_collection_not_a_contributor(
        tmp_path: Path) -> None:
    record, graph = mapped(marc_file(
        tmp_path, field("100", "1 ", ("a", "Doe, Jane.")), field("245", "00", ("a", "Novel")),
        field("710", "2 ", ("a", COLLECTION), ("5", "DLC")),
        field("710", "2 ", ("a", "Some Studio."), ("e", "illustrator.")),
    ))
    assert [a.name for a in record.contributors] == ["Some Studio"]
    assert record.collections == [COLLECTION]
    node = thing("collection", "copyright-paperback-collection-library-of-congress")
    assert (RECORD, DCTERMS.isPartOf, node) in graph
    assert (node, DCTERMS.title, Literal(COLLECTION)) in graph
    named = {str(n) for _, _, o in graph.triples((RECORD, None, None))
             for n in graph.objects(o, FOAF.name)}
    assert COLLECTION not in named


def test_a_former_owner_of_the_copy_is_no_agent_of_the_work(tmp_path: Path) -> None:
    record, graph = mapped(marc_file(
        tmp_path, field("245", "00", ("a", "A tract")),
        field("700", "1 ", ("a", "Gold, Thomas Ruggles,"), ("d", "1764-1827,"),
              ("e", "former owner."), ("5", "DLC")),
    ))
    assert not record.creators and not record.contributors and not record.collections
    assert not list(graph.objects(RECORD, DCTERMS.contributor))
    assert not list(graph.objects(RECORD, RELATORS.fmo))
    assert record.extra["copy_specific"] == ["Gold, Thomas Ruggles, 1764-1827, former owner (DLC)"]


def test_real_copy_specific_entries(shared_data: Path) -> None:
    """00513790 (one of 21 novels) and 00504600 (one of 14 rare books)."""
    for record_id, name in (("00513790", COLLECTION),
                            ("00504600", "Japanese Rare Book Collection (Library of Congress)")):
        record = loc_record(shared_data, record_id)
        assert name not in {a.name for a in record.creators + record.contributors}
        assert record.collections == [name]
    jefferson = loc_record(shared_data, "02023147")
    assert not [a for a in jefferson.contributors if a.name.startswith("Jefferson")]


# --- 3. distributors are not publishers ---------------------------------------


@pytest.mark.parametrize(("names", "publishers"), [
    (["U.S. G.P.O. :", "For sale by the U.S. G.P.O., Supt. of Docs., Congressional Sales "
      "Office,"], ["U.S. G.P.O."]),
    (["Farming Press ;", "Distributed in North America by Diamond Farm Enterprises,"],
     ["Farming Press"]),
    (["Knopf :", "Distributed by Random House,"], ["Knopf"]),
    (["Epicenter Press ;", "Distributor, Graphic Arts Center Pub.,"], ["Epicenter Press"]),
    (["Verlag X :", "Vertrieb: Buchhandel Y,"], ["Verlag X"]),
    (["Verlag X :", "Buchhandel Y [Vertrieb],"], ["Verlag X"]),
    (["Press Z :", "Sold by W. Smith,"], ["Press Z"]),
    (["Bernan Associates [distributor],"], []),
    # publishing (and selling) is publishing; a name with "Distributors" in it is a name
    (["Printed and sold by T. Sowle,"], ["Printed and sold by T. Sowle"]),
    (["Published and distributed by Asia Books,"], ["Published and distributed by Asia Books"]),
    (["Darussalam Publishers & Distributors,"], ["Darussalam Publishers & Distributors"]),
    (["Salesian Press,"], ["Salesian Press"]),
])
def test_distributor_statements_are_not_publishers(tmp_path: Path, names: list[str],
                                                   publishers: list[str]) -> None:
    imprint = field("260", "  ", ("a", "Washington :"), *(("b", n) for n in names),
                    ("c", "2000."))
    record, _ = mapped(marc_file(tmp_path, field("245", "00", ("a", "T")), imprint))
    assert record.publishers == publishers


def test_real_for_sale_by_is_no_publisher(shared_data: Path) -> None:
    assert loc_record(shared_data, "00325267").publishers == ["U.S. G.P.O."]
    assert loc_record(shared_data, "00302735").publishers == ["Farming Press"]


# --- 4. 856 $3 / $y label a link ------------------------------------------------


TOC = "http://www.loc.gov/catdir/toc/uchi051/00025311.html"
DESCRIPTION = "http://www.loc.gov/catdir/description/uchi051/00025311.html"


def test_a_link_keeps_its_label(tmp_path: Path) -> None:
    record, graph = mapped(marc_file(
        tmp_path, field("245", "00", ("a", "T")),
        field("856", "42", ("3", "Publisher description"), ("u", DESCRIPTION)),
        field("856", "41", ("3", "Table of contents"), ("u", TOC)),
        field("856", "40", ("u", "http://example.org/full"), ("y", "Full text")),
        field("856", "40", ("3", "Vol. 1"), ("u", "http://example.org/v1"), ("y", "PDF")),
        field("856", "40", ("u", "http://example.org/bare")),
    ))
    assert record.urls == [DESCRIPTION, TOC, "http://example.org/full", "http://example.org/v1",
                           "http://example.org/bare"]
    assert record.link_labels == {DESCRIPTION: "Publisher description", TOC: "Table of contents",
                                  "http://example.org/full": "Full text",
                                  "http://example.org/v1": "Vol. 1: PDF"}
    assert (URIRef(TOC), DCTERMS.title, Literal("Table of contents")) in graph
    assert (RECORD, FOAF.page, URIRef(TOC)) in graph
    assert not list(graph.objects(URIRef("http://example.org/bare"), DCTERMS.title))


def test_a_label_follows_its_link_as_published_and_never_an_odd_one(tmp_path: Path) -> None:
    """An encoded link keeps its label; a link that is set apart keeps none, nor does
    a link to one of our own things."""
    _, graph = mapped(marc_file(
        tmp_path, field("245", "00", ("a", "T")),
        field("856", "40", ("u", "http://example.org/a b.pdf"), ("y", "Scan")),
        field("856", "40", ("u", "javascript:alert(1)"), ("y", "Click")),
        field("856", "40", ("u", f"{BASE}id/record/t2"), ("y", "Other")),
    ))
    assert (URIRef("http://example.org/a%20b.pdf"), DCTERMS.title, Literal("Scan")) in graph
    assert Literal("Click") not in set(graph.objects())
    assert Literal("Other") not in set(graph.objects())  # ours: its own graph names it
    assert list(graph.objects(RECORD, LDPUB.invalidLink)) == [Literal("javascript:alert(1)")]


def test_labelled_links_pass_the_shapes(tmp_path: Path) -> None:
    record, graph = mapped(marc_file(
        tmp_path, field("100", "1 ", ("a", "Doe, Jane.")), field("245", "00", ("a", "T")),
        field("856", "41", ("3", "Table of contents"), ("u", TOC))))
    (report,) = Validator().validate([(record.id, graph)])
    assert report.conforms and not report.warnings, report.results


def test_real_links_keep_their_labels(shared_data: Path) -> None:
    record = loc_record(shared_data, "00025311")
    assert record.link_labels == {DESCRIPTION: "Publisher description",
                                  TOC: "Table of contents"}
