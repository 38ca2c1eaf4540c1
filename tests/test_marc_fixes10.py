"""MARC reader defects from a cataloguer's review of the published RDF, one regression each:

- 1: UTF-8 MARC with a blank leader/09 was decoded as MARC-8 and published as
  mojibake ("M©ơller, J©ơrgen"), "all valid"; bytes that are neither MARC-8 nor
  UTF-8 (cp1252 quotes, UTF-8 mixed with Latin-1) were dropped without a word.

Small records are written with pymarc (helpers of tests/test_readers_marc_more.py);
the real ones are read from ../shared/data/marc, skipped when it is absent.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pymarc
import pytest
from rdflib import Literal
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, SKOS

from ld.errors import RecordError
from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import BIBO, LDPUB, RELATORS
from ld.readers import read_path
from ld.readers.marc import chunks
from ld.readers.marc_decode import decode
from tests.test_readers_marc_more import BASE, field, mapped, marc8_file, marc_file, thing

WHEN = datetime(2024, 5, 6, tzinfo=UTC)


# --- 1. UTF-8 under a blank leader/09; bytes that are neither encoding --------------


def _blank_leader_09(path: Path) -> Path:
    """The file's record with leader/09 blank ("MARC-8"), as many UTF-8 exports write it."""
    data = path.read_bytes()
    path.write_bytes(data[:9] + b" " + data[10:])
    return path


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_utf8_with_blank_leader_09_reads_as_utf8(tmp_path: Path, form: str) -> None:
    """Precomposed UTF-8 came out as "Caf©♭ soci©♭t©♭" and "M©ơller, J©ơrgen" (key
    moller-jorgen); decomposed as "Cafe societe" with the accents dropped."""
    def text(value: str) -> str:
        return unicodedata.normalize(form, value)

    path = _blank_leader_09(marc_file(
        tmp_path, field("100", "1 ", ("a", text("Müller, Jürgen."))),
        field("245", "10", ("a", text("Café société :")), ("b", text("Ästhetik und Wahrheit")))))
    assert path.read_bytes()[9:10] == b" "
    _, graph = mapped(path)
    work = thing("record", "t1")
    assert list(graph.objects(work, DCTERMS.title)) == [
        Literal("Café société: Ästhetik und Wahrheit")]
    assert list(graph.objects(work, DCTERMS.creator)) == [thing("person", "muller-jurgen")]
    assert graph.value(thing("person", "muller-jurgen"), FOAF.name) == Literal("Müller, Jürgen")


def test_shared_utf8_without_leader_flag_maps_as_with_it(shared_data: Path) -> None:
    """pymarc's utf8_without_leader_flag.dat (the same record as utf8_with_leader_flag.dat
    but for leader/09) gave "De la solitude a   la communaute ." and, loaded after the
    good copy, replaced it under the same id."""
    folder = shared_data / "marc/pymarc-test"
    graphs = []
    for name in ("utf8_with_leader_flag.dat", "utf8_without_leader_flag.dat"):
        [record] = list(read_path(str(folder / name)))
        assert isinstance(record, Record), record
        graphs.append(map_record(record, BASE, modified=WHEN))
    assert isomorphic(*graphs)
    assert Literal("Translation of De la solitude à la communauté.") in set(
        graphs[1].objects(thing("record", "2"), SKOS.note))


@pytest.mark.parametrize(("title", "says"), [
    (b"M\xc3\xbcller caf\xe9", "UTF-8 bytes c3 bc = 'ü', though the record is not valid UTF-8"),
    (b"\x93Quoted\x94 title", "byte 0x93, which MARC-8 does not define"),
    (b"Caf\xe9", "combining mark 0xe9 at the end, with no letter after it"),
])
def test_neither_marc8_nor_utf8_is_refused(tmp_path: Path, title: bytes, says: str,
                                           capsys: pytest.CaptureFixture) -> None:
    """UTF-8 mixed with a Latin-1 byte read as "M© Łller" (the MARC-8 symbols of the
    UTF-8 bytes), cp1252 quotes vanished, a Latin-1 "Café" lost its "é": all silently."""
    path = marc8_file(tmp_path, "odd", title)
    [error] = list(read_path(str(path)))
    assert isinstance(error, RecordError), error
    assert "field 245 does not decode as MARC-8" in error.message and says in error.message
    assert "is the file in another encoding" in error.message
    assert (error.location.file, error.location.field) == (str(path), "245")
    assert capsys.readouterr().err == ""


def test_marc8_with_symbols_and_marks_still_reads_as_marc8(tmp_path: Path) -> None:
    """MARC-8 that is no UTF-8 stays MARC-8: © (0xC3) before a digit, an acute (0xE2)
    before its letter, Ł (0xA1), the non-sort marks (0x88/0x89)."""
    _, graph = mapped(marc8_file(tmp_path, "m8", b"\x88The \x89\xc31999 Caf\xe2e \xa1\xe2od\xe2z"))
    assert list(graph.objects(thing("record", "m8"), DCTERMS.title)) == [
        Literal("The ©1999 Café Łódź")]


def test_real_marc8_records_decode_as_before(shared_data: Path) -> None:
    """Every shared record with a blank leader/09 that pymarc reads as MARC-8 without a
    note decodes to the same fields as pymarc's MARC-8 reading: the UTF-8 rule takes
    no real MARC-8 record."""
    seen = 0
    for name in ("pymarc-test/marc.dat", "pymarc-test/test.dat", "vufind-marc/camel.mrc"):
        with (shared_data / "marc" / name).open("rb") as stream:
            for _, chunk in chunks(stream):
                assert chunk[9:10] == b" "
                marc8 = pymarc.Record(chunk, hide_utf8_warnings=True)
                assert decode(chunk).as_dict() == marc8.as_dict()
                seen += 1
    assert seen == 41


# --- 5. 245 in record order: the part before the subtitle --------------------------

TITLE_CASES = [
    # edge case of the report: $a $n $p $b $c
    ([("a", "The annual report."), ("n", "Part 2,"), ("p", "Finance :"),
      ("b", "a review of the year /"), ("c", "edited by Jean Dupont.")],
     "The annual report. Part 2, Finance: a review of the year",
     "The annual report. Part 2, Finance"),
    # LoC 00265529: $a $p $b
    ([("a", "Medical imaging 1999."), ("p", "PACS design and evaluation :"),
      ("b", "engineering and clinical issues : 23-25 February 1999, San Diego, California /")],
     "Medical imaging 1999. PACS design and evaluation: engineering and clinical issues : "
     "23-25 February 1999, San Diego, California",
     "Medical imaging 1999. PACS design and evaluation"),
    # a subtitle of the whole, then a part: record order still
    ([("a", "Collected works :"), ("b", "critical edition."), ("n", "Volume 3")],
     "Collected works: critical edition. Volume 3", "Collected works. Volume 3"),
    # an element that ends with its own full stop or question mark takes no second one
    ([("a", "Who killed Kennedy?"), ("n", "Part 1.")], "Who killed Kennedy? Part 1",
     "Who killed Kennedy? Part 1"),
    # no part: as before ($b after " = " for a parallel title)
    ([("a", "Café society ="), ("b", "Société de café.")], "Café society = Société de café",
     "Café society"),
]


@pytest.mark.parametrize(("subfields", "title", "short"), TITLE_CASES)
def test_245_title_follows_subfield_order(tmp_path: Path, subfields: list[tuple[str, str]],
                                          title: str, short: str) -> None:
    """"$a Medical imaging 1999. $p PACS design and evaluation : $b engineering ..." was
    "Medical imaging 1999: engineering ... . PACS design and evaluation": the part's
    subtitle given to the whole; the short title was the whole's ($a)."""
    _, graph = mapped(marc_file(tmp_path, field("245", "10", *subfields)))
    work = thing("record", "t1")
    assert list(graph.objects(work, DCTERMS.title)) == [Literal(title)]
    assert list(graph.objects(work, BIBO.shortTitle)) == [Literal(short)]


def test_real_245_with_part_and_subtitle(shared_data: Path) -> None:
    """The LoC records of the report, read from the shared sample."""
    titles = {r.id: r.title for r in read_path(
        str(shared_data / "marc/loc-booksall-2016/booksall_2016_part01_sample.mrc"))
        if isinstance(r, Record) and r.id in ("00268127", "00326128")}
    assert titles == {
        "00268127": "St. Francis Xavier Catholic Church records. Baptisms, 1749-1838: "
                    "Knox County, Indiana",
        "00326128": "Project Safe. Phase II: strategic plan"}


# --- 10. meeting names (X11): $e is a subordinate unit, $j the relator term -----------


def test_meeting_subordinate_unit_is_part_of_the_name(tmp_path: Path) -> None:
    """In 111/611/711 $e is the subordinate unit and $j the relator term; $e was read
    as a role for every tag, so "Steering Committee" was lost (the committee and the
    conference were one agent) and "author" in $j was ignored."""
    record, graph = mapped(marc_file(
        tmp_path,
        field("111", "2 ", ("a", "International Conference on Widgets"), ("n", "(5th :"),
              ("d", "2019 :"), ("c", "Paris, France)."), ("e", "Steering Committee,"),
              ("j", "author.")),
        field("245", "10", ("a", "Proceedings.")),
        field("611", "20", ("a", "Widget Symposium."), ("e", "Organizing Committee"),
              ("j", "honouree"), ("x", "History.")),
        field("710", "2 ", ("a", "Gallimard,"), ("e", "publisher.")),
        field("711", "2 ", ("a", "Widget Symposium."), ("e", "Organizing Committee,"),
              ("j", "sponsor."))))
    work = thing("record", "t1")
    committee = thing("organization", "international-conference-on-widgets-5th-2019-paris-"
                                      "france-steering-committee")
    assert list(graph.objects(work, DCTERMS.creator)) == [committee]
    assert graph.value(committee, FOAF.name) == Literal(
        "International Conference on Widgets (5th : 2019 : Paris, France). Steering Committee")
    assert (work, RELATORS.aut, committee) in graph
    sponsor = thing("organization", "widget-symposium-organizing-committee")
    assert graph.value(sponsor, FOAF.name) == Literal("Widget Symposium. Organizing Committee")
    assert (work, RELATORS.spn, sponsor) in graph
    assert (work, RELATORS.pbl, thing("organization", "gallimard")) in graph  # X10 $e: a role
    assert [s.label for s in record.subjects] == [
        "Widget Symposium. Organizing Committee -- History"]


# --- 13. 520 reviews and content advice are notes, not abstracts ---------------------


@pytest.mark.parametrize(("ind1", "abstract", "note"), [
    (" ", "A book about widgets.", None),  # summary
    ("0", "A book about widgets.", None),  # subject: a summary of the subject content
    ("2", "A book about widgets.", None),  # scope and content
    ("3", "A book about widgets.", None),  # abstract
    ("8", "A book about widgets.", None),  # no display constant
    ("1", None, "Review: A book about widgets. Le Monde."),
    ("4", None, "Content advice: A book about widgets. Le Monde."),
])
def test_520_review_and_content_advice_are_notes(tmp_path: Path, ind1: str,
                                                 abstract: str | None,
                                                 note: str | None) -> None:
    """A 520 1_ review ('"A brilliant book" -- Le Monde.') was published as the work's
    dcterms:abstract, as was a content advice (4)."""
    _, graph = mapped(marc_file(tmp_path, field("245", "10", ("a", "Widgets.")), field(
        "520", f"{ind1} ", ("a", "A book about widgets."), ("c", "Le Monde."))))
    work = thing("record", "t1")
    assert list(graph.objects(work, DCTERMS.abstract)) == ([Literal(abstract)] if abstract
                                                           else [])
    assert list(graph.objects(work, SKOS.note)) == ([Literal(note)] if note else [])


# --- 14. 250 $b, 243, brackets that close in another field ---------------------------


@pytest.mark.parametrize(("subfields", "edition"), [
    ([("a", "2nd ed. /"), ("b", "revised by Paul Martin.")], "2nd ed. / revised by Paul Martin."),
    ([("a", "2d ed.,"), ("b", "rev. and enl.")], "2d ed., rev. and enl."),
    ([("a", "5th ed. /"), ("b", "James Streeter ... [et al.].")],
     "5th ed. / James Streeter ... [et al.]"),
    ([("a", "First edition.")], "First edition."),
])
def test_250_remainder_is_kept_with_the_edition(tmp_path: Path,
                                                subfields: list[tuple[str, str]],
                                                edition: str) -> None:
    """250 $b (remainder of the edition statement) was dropped: "2nd ed." only."""
    _, graph = mapped(marc_file(tmp_path, field("245", "10", ("a", "T")),
                                field("250", "  ", *subfields)))
    assert list(graph.objects(thing("record", "t1"), BIBO.edition)) == [Literal(edition)]


def test_243_collective_uniform_title_is_an_alternative_title(tmp_path: Path) -> None:
    """130 and 240 were alternative titles, the 243 collective uniform title not; the
    form subheading $k ("Selections") is part of a uniform title, the language $l not."""
    _, graph = mapped(marc_file(
        tmp_path, field("240", "10", ("a", "Poems."), ("k", "Selections.")),
        field("243", "10", ("a", "Näytelmät."), ("k", "Valikoima,"), ("l", "suomi")),
        field("245", "10", ("a", "William Shakespearen suuret draamat."), ("n", "2 /"))))
    assert set(graph.objects(thing("record", "t1"), DCTERMS.alternative)) == {
        Literal("Poems. Selections"), Literal("Näytelmät. Valikoima")}


def test_shared_243_is_an_alternative_title(shared_data: Path) -> None:
    [record] = list(read_path(str(shared_data / "marc/recordmanager/marc_analytical.xml")))
    assert isinstance(record, Record) and "Näytelmät. Valikoima" in record.alternative_titles


@pytest.mark.parametrize(("subfields", "title"), [
    # LoC 01005699: the bracket closes in 260 $c "1865]"
    ([("a", "[Resolutions on the death of Mr. Lincoln.")],
     "Resolutions on the death of Mr. Lincoln"),
    # LoC 00048670: it closes in $c
    ([("a", "Handbook of pragmatics."), ("p", "[1999 installment /"),
      ("c", "edited by] Jef Verschueren ... [et al.].")],
     "Handbook of pragmatics. 1999 installment"),
    # a pair around the whole title, over two subfields
    ([("a", "[Shizuoka-ken chikuji kankōbutsu."), ("p", "Eisei, kankyō, kenkō].")],
     "Shizuoka-ken chikuji kankōbutsu. Eisei, kankyō, kenkō"),
    # a balanced pair inside stays, as "Cambridge [England]" does in the imprint
    ([("a", "Ancilla to Toledot Charlap :"), ("b", "[Toldot Ḥarlap] /")],
     "Ancilla to Toledot Charlap: [Toldot Ḥarlap]"),
])
def test_245_bracket_closing_elsewhere_leaves_none_dangling(
        tmp_path: Path, subfields: list[tuple[str, str]], title: str) -> None:
    """"[Resolutions on the death of Mr. Lincoln" and "Handbook of pragmatics. [1999
    installment" were published with half a pair, while the imprint never keeps one."""
    _, graph = mapped(marc_file(tmp_path, field("245", "00", *subfields),
                                field("260", "  ", ("a", "Philadelphia,"), ("c", "1865]"))))
    work = thing("record", "t1")
    assert list(graph.objects(work, DCTERMS.title)) == [Literal(title)]
    short = str(graph.value(work, BIBO.shortTitle))
    assert short.count("[") == short.count("]")
    assert list(graph.objects(work, LDPUB.publicationPlace)) == [Literal("Philadelphia")]
