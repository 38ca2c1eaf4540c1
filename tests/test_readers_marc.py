"""MARC readers: binary MARC 21, MARCXML, MARC-in-JSON, and the shared crosswalk.

Real files from ../shared/data/marc (counts from its SOURCES.md), a MARCXML
record written for these tests (tests/data/marc_article.xml), and broken
input built byte by byte.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pymarc
import pytest

from ld.errors import ParseError, RecordError
from ld.model import Record
from ld.readers import detect_format, read_path, read_stream
from ld.readers import marc as marc_reader
from ld.readers.marc_codes import authority_iri, formats
from tests.shared_helpers import sources_table

DATA = Path(__file__).parent / "data"
SHARED_MARC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "marc"
READERS = {".mrc": "marc", ".dat": "marc", ".xml": "marcxml", ".json": "marc-json"}



MARC_FILES = sources_table(SHARED_MARC)
# well-formed records rejected on purpose, per file: (count, reason they must carry)
REJECTED_WELLFORMED = {"pymarc-test/bad_records.mrc": (2, "no record id"),
                       "pymarc-test/1251.dat": (6, "does not decode as MARC-8"),
                       "pymarc-test/bad_eacc_encoding.dat": (1, "does not decode as MARC-8")}
BROKEN_CHUNKS = {"pymarc-test/bad_records.mrc": 6}
# files that end inside a record: an input error after the records before it (the 7th broken
# chunk of bad_records.mrc was a rejected record before; the README calls it a truncated file)
TRUNCATED = {"pymarc-test/bad_records.mrc": "ends inside record"}


def read_to_the_end(path: Path, name: str) -> list:
    """The items of a shared file; one that ends inside a record must say so, and only then."""
    items: list = []
    try:
        items.extend(read_path(str(path)))
    except ParseError as exc:
        assert TRUNCATED.get(name, "no ParseError") in exc.message
    return items


def split(items: list) -> tuple[list[Record], list[RecordError]]:
    return ([i for i in items if isinstance(i, Record)],
            [i for i in items if isinstance(i, RecordError)])


def test_sources_table_matches_folder(shared_data: Path) -> None:
    folder = shared_data / "marc"
    header = re.search(r"Files: (\d+); records: (\d+)", (folder / "SOURCES.md").read_text())
    assert header is not None
    assert len(MARC_FILES) == int(header.group(1))
    assert sum(MARC_FILES.values()) == int(header.group(2))
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert on_disk - {"SOURCES.md"} == set(MARC_FILES)


@pytest.mark.parametrize("name", sorted(MARC_FILES))
def test_every_shared_marc_file_reads(shared_data: Path, name: str) -> None:
    path = shared_data / "marc" / name
    assert detect_format(path.read_bytes()[:65536], str(path)) == READERS[path.suffix]
    records, errors = split(read_to_the_end(path, name))
    rejected, reason = REJECTED_WELLFORMED.get(name, (0, ""))
    assert len(records) + rejected == MARC_FILES[name]
    assert len(errors) == rejected + BROKEN_CHUNKS.get(name, 0)
    assert sum(reason in e.message for e in errors) == rejected
    for error in errors:  # every rejection names the file and the record's place
        assert error.location.file == str(path) and error.location.position.startswith("record ")
    for record in records:
        assert record.id and record.title and record.formats and record.record_format == "marc"


def test_broken_records_get_located_reasons(shared_data: Path) -> None:
    path = shared_data / "marc" / "pymarc-test" / "bad_records.mrc"
    errors = split(read_to_the_end(path, "pymarc-test/bad_records.mrc"))[1]
    messages = [(e.location.position, e.location.field, e.message) for e in errors]
    assert messages[1][:2] == ("record 2 (byte 127)", "leader/12-16")
    assert "base address" in messages[1][2]
    assert messages[3][1] == "directory" and "12-byte entries" in messages[3][2]
    assert "broken leader" in messages[5][2] and "22f0037" in messages[5][2]
    with pytest.raises(ParseError, match="ends inside record 9"):
        list(read_path(str(path)))


def test_loc_record_field_by_field(shared_data: Path) -> None:
    path = shared_data / "marc" / "vufind-marc" / "camel.mrc"
    record = next(iter(read_path(str(path))))
    assert record.id == "fol05731351"
    assert record.title == record.title_short == "ActivePerl with ASP and ADO"
    assert record.title_full == "ActivePerl with ASP and ADO / Tobias Martinsson"
    [author] = record.creators
    assert (author.name, author.family, author.given, author.dates) == (
        "Martinsson, Tobias", "Martinsson", "Tobias", "1976-")
    assert record.isbn == ["0471383147"] and record.lccn == ["00020737"]
    assert (record.publishers, record.publication_places, record.issued) == (
        ["John Wiley & Sons"], ["New York"], "2000")
    assert record.extent == ["xxi, 289 p. : ill. ; 23 cm. + 1 computer  laser disc (4 3/4 in.)"]
    assert [(s.label, s.scheme) for s in record.subjects] == [
        ("Active server pages", "lcsh"), ("ActiveX", "lcsh"),
        ("Perl (Computer program language)", "lcsh")]
    assert record.languages == ["eng"] and record.formats == ["Book"]


def test_utf8_record_decodes(shared_data: Path) -> None:
    path = shared_data / "marc/pymarc-test/utf8_with_leader_flag.dat"
    record = next(iter(read_path(str(path))))
    # the source has decomposed accents (e + U+0301); readers give NFC
    assert record.notes[0] == "Translation of De la solitude \u00e0 la communaut\u00e9."


def test_marc8_record_decodes_to_unicode() -> None:
    """MARC-8 (leader/09 blank): the combining acute 0xE2 precedes its base letter."""
    data = _marc([pymarc.Field(tag="001", data="m8"),
                  pymarc.Field(tag="100", indicators=["1", " "],
                               subfields=[pymarc.Subfield("a", "Wirt@@n, Patricia")])])
    data = data[:9] + b" " + data[10:]  # leader/09 blank: MARC-8
    data = data.replace(b"@@", b"\xe2e")  # ANSEL combining acute, then its base letter
    [record] = list(marc_reader.read(io.BytesIO(data), "marc8.mrc"))
    assert record.creators[0].name == "Wirtén, Patricia"


def test_record_longer_than_the_leader_can_say(shared_data: Path) -> None:
    """142 KB record with a bogus length: MARCReader gives up, 0x1D framing reads it."""
    [record] = list(read_path(str(shared_data / "marc/vufind-marc/longrecord.mrc")))
    assert record.id == "1569008" and record.formats == ["Serial"]


def test_marcxml_and_alternate_script(shared_data: Path) -> None:
    batch = list(read_path(str(shared_data / "marc/pymarc-test/batch.xml")))
    assert [(r.id, r.title, r.formats) for r in batch] == [
        ("5637241", "The Great Ray Charles", ["Sound Recording"]),
        ("12149120", "The White House", ["Software"])]
    [japanese] = list(read_path(str(shared_data / "marc/recordmanager/marc_alt_script.xml")))
    assert any("\u4e00" <= ch <= "\u9fff" for t in japanese.alternative_titles for ch in t)
    [analytic] = list(read_path(str(shared_data / "marc/recordmanager/marc_analytical.xml")))
    names = [a.name for a in analytic.creators + analytic.contributors]
    assert len(names) == len(set(names))  # name-title entries are works, not more agents
    assert analytic.extra["related_work"]


def test_crosswalk_field_by_field() -> None:
    [record] = list(read_path(str(DATA / "marc_article.xml")))
    assert record.id == "art-0042" and record.formats == ["Article"]
    assert record.title == ("Partnering with patients in quality improvement: "
                            "towards renewed practices for healthcare organization managers?")
    assert record.title_sub == "towards renewed practices for healthcare organization managers?"
    assert record.alternative_titles == ["Patient partnership in quality improvement"]
    assert record.doi == ["10.1186/s12913-019-4618-8"] and record.pmcid == "PMC6839263"
    assert record.oclc == ["12345678"] and record.languages == ["eng", "fre"]
    assert record.edition == "2nd ed." and record.issued == "2019"
    assert (record.publishers, record.publication_places) == (["BioMed Central"], ["London"])
    clavel, pomey = record.creators
    assert clavel.roles == ["author"] and clavel.identifiers == [
        "https://d-nb.info/gnd/1234567890", "http://id.loc.gov/authorities/names/n2019012345"]
    assert pomey.roles == ["aut"] and pomey.identifiers == ["http://viaf.org/viaf/98765432"]
    assert record.extra["authority"] == ["Pomey, Marie-Pascale: (FIN11)000123456"]
    editor, body = record.contributors
    assert editor.name == "Ghadiri, Djahanchah Philip (Sacha)" and editor.roles == ["editor"]
    assert editor.identifiers == ["https://orcid.org/0000-0002-1825-0097"]
    assert (body.kind, body.name) == ("organization", "Université de Montréal. Faculté de médecine")
    container = record.container
    assert (container.title, container.issn, container.volume, container.issue,
            container.page_start, container.page_end) == (
        "BMC health services research", ["1472-6963"], "19", "1", "815", "829")
    subjects = {(s.label, s.kind, s.scheme, s.iri) for s in record.subjects}
    assert ("Medical care -- Quality control", "topic", "lcsh",
            "http://id.loc.gov/authorities/subjects/sh85083064") in subjects
    mesh = "http://id.nlm.nih.gov/mesh/D010358"
    assert ("Patient Participation", "topic", "mesh", mesh) in subjects
    assert ("potilaat", "topic", "yso/fin", "http://www.yso.fi/onto/yso/p3208") in subjects
    assert ("patient advisors", "topic", "keyword", None) in subjects
    assert ("Research article", "genre", "local", None) in subjects
    assert record.series == ["Health services research ; 19"]  # 830 repeats the title
    assert record.abstracts[0].startswith("BACKGROUND:")


def _marc(fields: list[pymarc.Field], leader: str = "00000cam a2200000 a 4500") -> bytes:
    record = pymarc.Record(leader=leader, force_utf8=True)
    record.add_field(*fields)
    return record.as_marc()


def _good(control: str, title: str) -> bytes:
    return _marc([pymarc.Field(tag="001", data=control),
                  pymarc.Field(tag="245", indicators=["0", "0"],
                               subfields=[pymarc.Subfield("a", title)])])


def test_reading_goes_on_after_broken_leader_and_directory() -> None:
    first, last = _good("r1", "First"), _good("r4", "Fourth")
    bad_leader = b"12x45" + _good("r2", "Second")[5:]
    broken = bytearray(_good("r3", "Third"))
    broken[40] = ord("x")  # the 245 directory entry's field length is no number
    data = first + bad_leader + bytes(broken) + last + b"00042cam"  # + a truncated tail
    items: list = []
    with pytest.raises(ParseError, match=r"mixed\.mrc, record 5 .* ends inside record 5"):
        items.extend(read_stream(io.BytesIO(data), "mixed.mrc"))
    assert [type(i).__name__ for i in items] == ["Record", "RecordError", "RecordError", "Record"]
    assert [items[0].id, items[3].id] == ["r1", "r4"]
    assert items[1].location.position == f"record 2 (byte {len(first)})"
    assert items[1].location.field == "leader"
    assert items[2].location.record_id == "r3" and items[2].location.field == "directory"
    assert "broken directory entry for 245" in items[2].message


def test_invalid_utf8_is_rejected_with_reason() -> None:
    chunk = bytearray(_good("u1", "Caf\u00e9"))
    chunk[chunk.index("é".encode())] = 0xFF
    [error] = list(marc_reader.read(io.BytesIO(bytes(chunk)), "bad-utf8.mrc"))
    assert isinstance(error, RecordError)
    assert "UTF-8" in error.message and error.location.field == "leader/09"


def test_record_without_any_id_is_rejected() -> None:
    data = _marc([pymarc.Field(tag="245", indicators=["0", "0"],
                               subfields=[pymarc.Subfield("a", "No id")])])
    [error] = list(marc_reader.read(io.BytesIO(data), "noid.mrc"))
    assert isinstance(error, RecordError) and error.location.field == "001"


def test_marcxml_not_well_formed_keeps_earlier_records(tmp_path: Path) -> None:
    text = (DATA / "marc_article.xml").read_text(encoding="utf-8")
    broken = text.replace("</collection>", "<record><leader>00000nab a2200000 i 4500</leader>"
                          "<datafield tag='245'><subfield code='a'>x</datafield></record>")
    path = tmp_path / "broken.xml"
    path.write_text(broken, encoding="utf-8")
    items = read_path(str(path))
    assert next(items).id == "art-0042"
    with pytest.raises(ParseError) as caught:
        next(items)
    assert "not well-formed" in caught.value.message and str(path) in str(caught.value)
    assert caught.value.location.position.startswith("line ")


def test_marcxml_reader_refuses_other_xml(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_bytes(b"<?xml version='1.0'?><rss><channel/></rss>")
    with pytest.raises(ParseError, match="root element is <rss>"):
        list(read_path(str(path), format="marcxml"))


def test_marc_json_streams_an_array(tmp_path: Path) -> None:
    record = {"leader": "00000cam a2200000 a 4500",
              "fields": [{"001": "j1"}, {"245": {"ind1": "0", "ind2": "0",
                                                  "subfields": [{"a": "JSON title /"}]}}]}
    path = tmp_path / "many.json"
    path.write_text(json.dumps([record] * 3 + [{"leader": 5}]), encoding="utf-8")
    items = list(read_path(str(path)))
    assert [getattr(i, "title", None) for i in items[:3]] == ["JSON title"] * 3
    assert isinstance(items[3], RecordError) and "record 4" in items[3].location.position


@pytest.mark.parametrize(("link", "iri"), [
    ("(DE-588)118540238", "https://d-nb.info/gnd/118540238"),
    ("(viaf)34463581", "http://viaf.org/viaf/34463581"),
    ("(VIAF)34463581", "http://viaf.org/viaf/34463581"),
    ("(DLC)n  79021164", "http://id.loc.gov/authorities/names/n79021164"),
    ("(DLC)sh 85083064", "http://id.loc.gov/authorities/subjects/sh85083064"),
    ("(OCoLC)fst01204155", "http://id.worldcat.org/fast/1204155"),
    ("(orcid)0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097"),
    ("(isni)0000 0001 2146 438X", "https://isni.org/isni/000000012146438X"),
    ("http://id.loc.gov/authorities/names/n79021164",
     "http://id.loc.gov/authorities/names/n79021164"),
    ("(FIN11)000123456", None),
    ("plain text", None),
])
def test_authority_links(link: str, iri: str | None) -> None:
    assert authority_iri(link) == iri


BOOK_008 = "190315s2019    fi            000 0 eng d"


def at(**positions: str) -> str:
    """BOOK_008 with characters replaced: at(p23="o") sets 008/23."""
    chars = list(BOOK_008)
    for key, value in positions.items():
        chars[int(key[1:])] = value
    return "".join(chars)


@pytest.mark.parametrize(("leader", "f008", "extra", "expected"), [
    ("00000cam a22", BOOK_008, {}, ["Book"]),
    ("00000cam a22", at(p23="o"), {}, ["eBook"]),
    ("00000cam a22", at(p23="o", p24="m"), {}, ["Thesis"]),
    ("00000cam a22", BOOK_008, {"has_thesis_note": True}, ["Thesis"]),
    ("00000cam a22", at(p29="1"), {}, ["Book", "Conference Proceeding"]),
    ("00000cam a22", BOOK_008, {"has_conference": True}, ["Book", "Conference Proceeding"]),
    ("00000cam a22", at(p24="t"), {}, ["Book", "Report"]),
    ("00000cas a22", at(p21="p"), {}, ["Journal"]),
    ("00000cas a22", at(p21="n"), {}, ["Newspaper"]),
    ("00000cas a22", at(p21=" "), {}, ["Serial"]),
    ("00000nab a22", BOOK_008, {}, ["Article"]),
    ("00000naa a22", BOOK_008, {}, ["Book Chapter"]),
    ("00000cem a22", BOOK_008, {}, ["Map"]),
    ("00000cgm a22", at(p33="v"), {}, ["Video"]),
    ("00000cgm a22", at(p33="s"), {}, ["Projected Medium"]),
    ("00000cjm a22", BOOK_008, {}, ["Sound Recording"]),
    ("00000ccm a22", BOOK_008, {}, ["Musical Score"]),
    ("00000ctm a22", BOOK_008, {}, ["Manuscript"]),
    ("00000cmm a22", BOOK_008, {}, ["Software"]),
])
def test_formats_from_leader_and_008(leader: str, f008: str, extra: dict,
                                     expected: list[str]) -> None:
    assert formats(leader, f008, **extra) == expected


def test_obsolete_marc_language_codes_are_updated(shared_data: Path) -> None:
    """LoC records still carry discontinued codes (scr = Serbo-Croatian, Roman): now hrv."""
    path = shared_data / "marc/loc-booksall-2016/booksall_2016_part01_sample.mrc"
    record = next(r for r in read_path(str(path)) if r.id == "00350038")
    assert record.languages == ["hrv"] and record.extra["language_as_written"] == ["scr"]
