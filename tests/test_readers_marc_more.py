"""MARC ingestion defects a cataloguer found, one regression test each.

Each test writes a small MARC record (pymarc) or MARCXML text into tmp_path,
reads it through the registry's reader and maps it with ld.mapping, and
checks the triples of the record's graph.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pymarc
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from ld.errors import ParseError, RecordError
from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import LDPUB, RELATORS
from ld.readers import read_path

BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
BOOK_008 = "150101s2015    xx            000 0 eng d"
MARCXML_RECORD = (
    "<record><leader>00000cam a2200000 a 4500</leader>"
    "<controlfield tag='001'>x1</controlfield>"
    "<datafield tag='245' ind1='0' ind2='0'><subfield code='a'>A title</subfield></datafield>"
    "</record>")


def field(tag: str, ind: str, *subfields: tuple[str, str]) -> pymarc.Field:
    """A data field: field("245", "00", ("a", "Title"))."""
    return pymarc.Field(tag=tag, indicators=list(ind),
                        subfields=[pymarc.Subfield(c, v) for c, v in subfields])


def marc_file(tmp_path: Path, *fields: pymarc.Field, f008: str = BOOK_008,
              control: str = "t1") -> Path:
    """One UTF-8 MARC record with 001, 008 and ``fields``, written to tmp_path."""
    record = pymarc.Record(leader="00000cam a2200000 a 4500", force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data=control), pymarc.Field(tag="008", data=f008))
    record.add_field(*fields)
    path = tmp_path / f"{control}.mrc"
    path.write_bytes(record.as_marc())
    return path


def mapped(path: Path) -> tuple[Record, Graph]:
    """The file's one record and its mapped graph."""
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    return record, map_record(record, BASE, modified=WHEN)


def thing(kind: str, key: str) -> URIRef:
    return URIRef(f"{BASE}id/{kind}/{key}")


# --- 4: MARCXML in a foreign namespace -----------------------------------------

@pytest.mark.parametrize(("root", "says"), [
    ('<collection xmlns="http://www.loc.gov/MARC21/slimX">',
     "namespace 'http://www.loc.gov/MARC21/slimX'"),
    ("<marc:collection>", "prefix 'marc' without declaring it"),
])
def test_marcxml_in_a_foreign_namespace_is_a_file_error(tmp_path: Path, root: str,
                                                        says: str) -> None:
    """Records in another namespace matched nothing: 0 records, "all valid", exit 0."""
    end = "</marc:collection>" if root.startswith("<marc:") else "</collection>"
    path = tmp_path / "foreign.xml"
    path.write_text(f"<?xml version='1.0'?>\n{root}{MARCXML_RECORD * 3}{end}")
    with pytest.raises(ParseError) as caught:
        list(read_path(str(path)))
    assert says in caught.value.message and caught.value.exit_code == 2
    assert caught.value.location.file == str(path)
    assert caught.value.location.position == "line 2"


# --- 5: imprint brackets and placeholders ----------------------------------------

def test_imprint_brackets_balanced_and_placeholders_dropped(tmp_path: Path) -> None:
    """Brackets opened in one subfield and closed in the next were cut in half
    ("Cambridge [England"), and "s.n." became one publisher shared by every record."""
    aacr2 = marc_file(tmp_path, field(
        "260", "  ", ("a", "Cambridge [England] ;"), ("a", "[S.l. :"), ("b", "s.n.,"),
        ("b", "Bernan Associates [distributor],"), ("b", "G. Dielh [sic],"), ("c", "19--?]")),
        f008="150101q19uu    xx            000 0 eng d", control="aacr2")
    rda = marc_file(tmp_path, field(
        "264", " 1", ("a", "[Place of publication not identified] :"),
        ("b", "[publisher not identified],"), ("c", "[17--?]")),
        f008="150101q17uu    xx            000 0 eng d", control="rda")
    _, graph = mapped(aacr2)
    record = thing("record", "aacr2")
    assert set(graph.objects(record, LDPUB.publicationPlace)) == {Literal("Cambridge [England]")}
    publishers = [graph.value(p, FOAF.name) for p in graph.objects(record, DCTERMS.publisher)]
    assert publishers == [Literal("G. Dielh [sic]")]
    assert list(graph.objects(record, DCTERMS.date)) == [Literal("19--?")]
    _, graph = mapped(rda)
    record = thing("record", "rda")
    assert (record, LDPUB.publicationPlace, None) not in graph
    assert (record, DCTERMS.publisher, None) not in graph
    assert list(graph.objects(record, DCTERMS.date)) == [Literal("17--?")]


# --- 6: person headings: numeration, titles, dates -------------------------------

def test_person_heading_keeps_numeration_titles_and_dates(tmp_path: Path) -> None:
    """Two John Smiths centuries apart shared one URI, and "John Paul $b II, $c Pope"
    was published as "John Paul" (John Paul I and II merged)."""
    def person(*subfields: tuple[str, str], ind: str = "1 ") -> tuple[URIRef, Graph]:
        control = f"p{len(list(tmp_path.iterdir()))}"
        _, graph = mapped(marc_file(tmp_path, field("700", ind, *subfields), control=control))
        [node] = graph.objects(thing("record", control), DCTERMS.contributor)
        return node, graph

    assert person(("a", "Smith, John,"), ("d", "1950-"))[0] == thing("person", "smith-john-1950")
    assert person(("a", "Smith, John,"), ("d", "1600-1650."))[0] == thing(
        "person", "smith-john-1600-1650")
    assert person(("a", "Smith, John,"), ("d", "1950-"), ("0", "(DLC)n 79021164"))[0] == thing(
        "person", "lcnaf-n79021164")  # an authority link keeps its key
    assert person(("a", "Clavel, Nathalie"))[0] == thing("person", "clavel-nathalie")
    pope, graph = person(("a", "John Paul"), ("b", "II,"), ("c", "Pope,"), ("d", "1920-2005"))
    assert pope == thing("person", "john-paul-ii-pope-1920-2005")
    assert list(graph.objects(pope, FOAF.name)) == [Literal("John Paul II, Pope")]
    assert (pope, FOAF.familyName, None) not in graph  # a forename, not "Family, Given"
    monk, graph = person(("a", "Shengyan,"), ("d", "1930-2009"), ind="0 ")
    assert list(graph.objects(monk, FOAF.givenName)) == [Literal("Shengyan")]
    assert (monk, FOAF.familyName, None) not in graph


# --- 7: bytes of another encoding read as MARC-8 --------------------------------

def marc8_file(tmp_path: Path, name: str, title: bytes) -> Path:
    """A MARC-8 record (leader/09 blank) whose 245 $a is the raw bytes ``title``."""
    record = pymarc.Record()
    record.add_field(pymarc.Field(tag="001", data=name), pymarc.RawField(
        tag="245", indicators=["0", "0"], subfields=[pymarc.Subfield("a", title)]))  # type: ignore[arg-type]
    data = record.as_marc()  # pymarc writes leader/09 "a" (UTF-8): make it blank
    path = tmp_path / f"{name}.mrc"
    path.write_bytes(data[:9] + b" " + data[10:])
    return path


def test_marc8_garbage_and_pymarc_notes_reject_the_record(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    """A diacritic with no letter under it ("Sermon\\xe2 /" -> "Sermon ́") was published,
    and a CJK character cut short made pymarc print a line naming no file or record."""
    lone = marc8_file(tmp_path, "lone", b"Sermon\xe2 /")
    cut = marc8_file(tmp_path, "cut", b"\x1b$1!PV!P")  # ESC $ 1: 3-byte CJK; 2 bytes left
    fine = marc8_file(tmp_path, "fine", b"Caf\xe2e")  # acute before its base letter: "Café"
    _, graph = mapped(fine)
    assert list(graph.objects(thing("record", "fine"), DCTERMS.title)) == [Literal("Café")]
    for path, says in ((lone, "combining marks without a base letter"),
                       (cut, "Multi-byte position")):
        [error] = list(read_path(str(path)))
        assert isinstance(error, RecordError) and says in error.message
        assert "does not decode as MARC-8" in error.message
        assert (error.location.file, error.location.field) == (str(path), "245")
        assert error.location.position.startswith("record 1")
    assert capsys.readouterr().err == ""


# --- 12: directory entries that do not point at a field ---------------------------

def _entry(data: bytes, tag: bytes) -> int:
    """Byte index of ``tag``'s entry in a record's directory."""
    base = int(data[12:17])
    return next(i for i in range(24, base - 1, 12) if data[i:i + 3] == tag)


@pytest.mark.parametrize(("tag", "offset", "into", "blamed", "says"), [
    (b"245", 3, b"0999", "directory", "broken directory entry for 245: its 999 bytes"),
    (b"008", 0, b"X#!", "directory", "the tag is not 3 letters or digits"),
    (b"001", 7, b"99999", "directory",
     "broken directory entry for 001: its 4 bytes from byte 99999 run past"),
    (None, 0, b"99999", "leader/00-04", "record length (leader/00-04) is 99999 bytes"),
])
def test_broken_directory_entry_rejects_the_record(tmp_path: Path, tag: bytes | None,
                                                   offset: int, into: bytes, blamed: str,
                                                   says: str) -> None:
    """A 245 entry claiming 999 bytes read "A study of things.0"; a tag "X#!" lost the
    008; a 001 offset past the end said "no record id"; a leader length too long
    blamed the directory."""
    good = marc_file(tmp_path, field("245", "00", ("a", "A study of things.")),
                     control="ok1").read_bytes()
    start = (_entry(good, tag) if tag else 0) + offset
    broken = good[:start] + into + good[start + len(into):]
    path = tmp_path / "broken.mrc"
    path.write_bytes(broken + good)
    error, record = list(read_path(str(path)))
    assert isinstance(error, RecordError) and says in error.message
    assert (error.location.file, error.location.field) == (str(path), blamed)
    assert error.location.position == "record 1 (byte 0)"
    graph = map_record(record, BASE, modified=WHEN)  # the next record reads as it should
    assert list(graph.objects(thing("record", "ok1"), DCTERMS.title)) == [
        Literal("A study of things")]


# --- 13: archival titles ------------------------------------------------------------

def test_archival_title_from_form_and_dates(tmp_path: Path) -> None:
    """245 $k Papers, $f 1900-1950 (no $a) gave no title and the record was rejected."""
    _, graph = mapped(marc_file(
        tmp_path, field("245", "00", ("k", "Papers,"), ("f", "1900-1950.")), control="arch"))
    assert list(graph.objects(thing("record", "arch"), DCTERMS.title)) == [
        Literal("Papers, 1900-1950")]


def test_a_vernacular_title_loses_its_isbd_punctuation_behind_bidi_marks(
        tmp_path: Path) -> None:
    """Regression: an 880 title in Hebrew kept its ISBD " /" because a right-to-left
    mark followed it ("... ספר בזמן הזה /\u200f")."""
    _, graph = mapped(marc_file(
        tmp_path, field("245", "10", ("6", "880-01"), ("a", "Ba-zeman ha-zeh /")),
        field("880", "10", ("6", "245-01/(2/r"), ("a", "\u200fבזמן הזה /\u200f")),
        control="rtl"))
    assert Literal("בזמן הזה") in set(graph.objects(thing("record", "rtl"),
                                                     DCTERMS.alternative))


# --- 14: control subfields in notes ---------------------------------------------------

def test_notes_leave_out_control_subfields(tmp_path: Path) -> None:
    """500 $a LC copy wormed ... $5 DLC was published as "... of text. DLC"."""
    _, graph = mapped(marc_file(
        tmp_path, field("500", "  ", ("a", "LC copy wormed, with loss of text."), ("5", "DLC")),
        field("500", "  ", ("6", "880-01"), ("3", "v. 2:"), ("a", "Signed by the author."),
              ("8", "1\\c"), ("5", "DLC")), control="notes"))
    assert set(graph.objects(thing("record", "notes"), SKOS.note)) == {
        Literal("LC copy wormed, with loss of text."), Literal("v. 2: Signed by the author.")}


# --- 15: one person, two roles ------------------------------------------------------

def test_same_person_in_100_and_700_keeps_both_roles(tmp_path: Path) -> None:
    """The 700 naming the 100's person again was dropped with its role (no relators:ill);
    a $4 relator URI was not recognised."""
    _, graph = mapped(marc_file(
        tmp_path, field("100", "1 ", ("a", "Doe, Jane,"), ("e", "author.")),
        field("700", "1 ", ("a", "Doe, Jane,"), ("e", "illustrator.")),
        field("700", "1 ", ("a", "Beethoven, Ludwig van,"), ("d", "1770-1827,"),
              ("4", "http://id.loc.gov/vocabulary/relators/cmp")), control="roles"))
    record, jane = thing("record", "roles"), thing("person", "doe-jane")
    assert {p for p, o in graph.predicate_objects(record) if o == jane} == {
        DCTERMS.creator, RELATORS.aut, RELATORS.ill}
    assert (record, RELATORS.cmp, thing("person", "beethoven-ludwig-van-1770-1827")) in graph


# --- 16: series numbering and ISSN ----------------------------------------------------

def test_series_statement_keeps_numbering_and_issn(tmp_path: Path) -> None:
    """490 $a LNCS, $x 0302-9743 ; $v v. 1234 and 830 $v 1234. gave the bare series name."""
    _, graph = mapped(marc_file(
        tmp_path, field("490", "1 ", ("a", "Lecture notes in computer science,"),
                        ("x", "0302-9743 ;"), ("v", "v. 1234")),
        field("830", " 0", ("a", "Lecture notes in computer science ;"), ("v", "1234.")),
        field("830", " 0", ("a", "Other series ;"), ("v", "no. 5.")), control="ser"))
    assert set(graph.objects(thing("record", "ser"), LDPUB.series)) == {
        Literal("Lecture notes in computer science, ISSN 0302-9743 ; v. 1234"),
        Literal("Other series ; no. 5")}


# --- 17: detailed dates ----------------------------------------------------------------

@pytest.mark.parametrize(("dates", "literal", "datatype"), [
    ("e20150312", "2015-03-12", "date"),
    ("e201503uu", "2015-03", "gYearMonth"),
    ("e20150230", "2015-02", "gYearMonth"),  # no such day: the month is still known
])
def test_detailed_date_in_008(tmp_path: Path, dates: str, literal: str, datatype: str) -> None:
    """008/06 "e" with 008/07-14 "20150312" gave only the year 2015."""
    f008 = BOOK_008[:6] + dates + BOOK_008[15:]
    _, graph = mapped(marc_file(tmp_path, field("245", "00", ("a", "Dated.")), f008=f008,
                                control="dated"))
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert list(graph.objects(thing("record", "dated"), DCTERMS.issued)) == [
        Literal(literal, datatype=URIRef(xsd + datatype))]
