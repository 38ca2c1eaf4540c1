"""Value tables of the mapping (explore10 catalogue review): AACR2 relator designations
and relator codes; the format labels ldpub's MARC reader and VuFind write; ORCID check
characters; through the real readers, mapper and shapes where a record shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF

from ld import mapping_terms as t
from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import BIBO, DCMITYPE, RELATORS
from ld.readers import marc_codes, read_path

BASE = "http://example.org/"

_MARCXML = """<?xml version="1.0" encoding="UTF-8"?>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
  <leader>00000nam a2200000 a 4500</leader>
  <controlfield tag="001">aacr2-1</controlfield>
  <controlfield tag="008">190101s2019    fr            000 0 fre d</controlfield>
  <datafield tag="245" ind1="1" ind2="0"><subfield code="a">Lettres choisies.</subfield></datafield>
  {fields}
</record></collection>
"""


def _person(name: str, role: str) -> str:
    return (f'<datafield tag="700" ind1="1" ind2=" "><subfield code="a">{name},</subfield>'
            f'<subfield code="e">{role}</subfield></datafield>')


def _mapped(tmp_path: Path, fields: str):
    path = tmp_path / "record.xml"
    path.write_text(_MARCXML.format(fields=fields), encoding="utf-8")
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    return map_record(record, BASE), URIRef(f"{BASE}id/record/aacr2-1")


# --- issue 3: relator designations and codes -------------------------------------------

@pytest.mark.parametrize(("role", "code"), [
    ("ed.", "edt"), ("eds.", "edt"), ("joint ed.", "edt"), ("Ed.", "edt"), ("editor", "edt"),
    ("comp.", "com"), ("joint comp.", "com"), ("tr.", "trl"), ("trans.", "trl"),
    ("ill.", "ill"), ("joint author.", "aut"), ("red.", "red"), ("EDT", "edt"),
])
def test_aacr2_designations_and_codes_are_roles(role: str, code: str) -> None:
    assert t.relator_iri(role) == RELATORS[code]


@pytest.mark.parametrize("role", ["the", "dir.", "pub", "xyz", "and", "ed. lit"])
def test_a_three_letter_word_is_no_code_unless_the_relator_list_has_it(role: str) -> None:
    """Regression: any three lower-case letters were taken as a code, minting
    relators:the, relators:dir, relators:eds: properties no vocabulary defines."""
    assert t.relator_iri(role) is None


def test_an_aacr2_editor_and_translator_get_their_roles_and_the_editor_list(
        tmp_path: Path) -> None:
    """Regression: 700 $e "ed." and "tr." were dropped: the editor was a plain
    contributor, in no bibo:editorList, so citations named no editor."""
    g, rec = _mapped(tmp_path, _person("Dupont, Jean", "ed.") + _person("Martin, Paul", "tr.")
                     + _person("Roux, Anne", "joint ed."))
    dupont, martin = (URIRef(f"{BASE}id/person/{k}") for k in ("dupont-jean", "martin-paul"))
    roux = URIRef(f"{BASE}id/person/roux-anne")
    assert (rec, RELATORS.edt, dupont) in g and (rec, RELATORS.edt, roux) in g
    assert (rec, RELATORS.trl, martin) in g
    editors = list(Collection(g, g.value(rec, BIBO.editorList)))
    assert [str(g.value(e, FOAF.name)) for e in editors] == ["Dupont, Jean", "Roux, Anne"]
    assert not [p for p in g.predicates(rec, None) if p.startswith(str(RELATORS))
                and p.split("/")[-1] not in ("edt", "trl")]


def test_a_word_that_looks_like_a_code_mints_no_relator(tmp_path: Path) -> None:
    g, rec = _mapped(tmp_path, _person("Dupont, Jean", "dir."))
    person = URIRef(f"{BASE}id/person/dupont-jean")
    assert (rec, DCTERMS.contributor, person) in g
    assert [p for p, o in g.predicate_objects(rec) if o == person] == [DCTERMS.contributor]


# --- issue 9: format labels ---------------------------------------------------------------

def _marc_reader_labels() -> set[str]:
    """Every label ld.readers.marc_codes.formats can give: each Leader/06 and /07 with
    008s that set, one at a time, each position it reads (21, 23, 24, 29, 33)."""
    blank = " " * 40
    fixed = [blank] + [blank[:pos] + code + blank[pos + 1:] for pos, codes in (
        (21, "dmnpw"), (23, "oqs"), (24, "mt"), (29, "1"), (33, "fmstv")) for code in codes]
    found: set[str] = set()
    for rtype in "abcdefghijklmnopqrstuvwxyz ":
        for level in "abcdims ":
            for f008 in fixed:
                for thesis, conference in ((False, False), (True, True)):
                    found.update(marc_codes.formats(
                        f"00000n{rtype}{level} a2200000 a 4500", f008,
                        has_thesis_note=thesis, has_conference=conference))
    return found


def test_every_label_the_marc_reader_writes_is_in_the_format_table() -> None:
    """Regression: "Projected Medium", "Mixed Materials" and "Database", which the MARC
    reader itself writes, were unknown: such records were untyped bibo:Documents."""
    labels = _marc_reader_labels()
    assert {"Projected Medium", "Mixed Materials", "Database", "Video", "Book"} <= labels
    assert sorted(x for x in labels if x.lower() not in t.FORMATS) == []


def test_a_vufind_video_cassette_record_is_a_moving_image(tmp_path: Path) -> None:
    path = tmp_path / "vufind.jsonl"
    path.write_text('{"id": "fmt-vhs", "title": "Casablanca", "format": ["Video Cassette"]}\n'
                    '{"id": "fmt-db", "title": "Web of Science", "format": ["Database"]}\n',
                    encoding="utf-8")
    vhs, db = (map_record(r, BASE) for r in read_path(str(path)))
    assert (URIRef(f"{BASE}id/record/fmt-vhs"), DCTERMS.type, DCMITYPE.MovingImage) in vhs
    assert (URIRef(f"{BASE}id/record/fmt-db"), DCTERMS.type, DCMITYPE.Dataset) in db


@pytest.mark.parametrize(("label", "cls", "dcmi"), [
    ("Projected Medium", BIBO.Image, DCMITYPE.Image),
    ("Mixed Materials", BIBO.Document, DCMITYPE.Collection),
    ("Database", BIBO.Document, DCMITYPE.Dataset),
    ("Video Cassette", BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    ("VideoCassette", BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    ("Blu-ray", BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    ("Blu-ray Disc", BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    ("Video Disc", BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    ("VHS", BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    ("Motion Picture", BIBO.Film, DCMITYPE.MovingImage),
    ("Sound Disc", BIBO.AudioDocument, DCMITYPE.Sound),
    ("SoundCassette", BIBO.AudioDocument, DCMITYPE.Sound),
    ("Cassette", BIBO.AudioDocument, DCMITYPE.Sound),
    ("CD-ROM", BIBO.Document, DCMITYPE.Software),
    ("CDROM", BIBO.Document, DCMITYPE.Software),
    ("Painting", BIBO.Image, DCMITYPE.StillImage),
    ("Chart", BIBO.Image, DCMITYPE.StillImage),
    ("Filmstrip", BIBO.Image, DCMITYPE.StillImage),
    ("BookComponentPart", BIBO.Chapter, DCMITYPE.Text),
    ("e-Book", BIBO.Book, DCMITYPE.Text),
])
def test_vufind_and_marc_format_labels_have_their_class_and_dcmi_type(
        label: str, cls: URIRef, dcmi: URIRef) -> None:
    assert t.record_types([label], False) == ([cls], [dcmi])


@pytest.mark.parametrize("label", ["Braille", "Large Print"])
def test_a_carrier_of_text_is_text_and_leaves_the_class_to_the_other_labels(label: str) -> None:
    assert t.record_types(["Book", label], False) == ([BIBO.Book], [DCMITYPE.Text])
    assert t.record_types([label], False) == ([BIBO.Document], [DCMITYPE.Text])


@pytest.mark.parametrize("label", ["Tape", "Unknown", "Government Document"])
def test_a_label_that_says_nothing_of_the_work_is_known_but_types_nothing(label: str) -> None:
    assert t.format_types(label) == (None, None)
    assert t.record_types([label], False) == ([BIBO.Document], [])


# --- issue 15: ORCID check characters -----------------------------------------------------

@pytest.mark.parametrize(("orcid", "valid"), [
    ("0000-0002-1825-0097", True), ("0000-0001-5109-3700", True),
    ("0000-0002-1694-233X", True), ("0000-0002-1825-0098", False),
    ("0000-0002-1825-009X", False), ("0000-0001-5109-3701", False),
    ("0000-0002-1694-2330", False), ("0000000218250097", False), ("1234", False),
])
def test_orcid_check_character(orcid: str, valid: bool) -> None:
    from ld.mapping_identifiers import orcid_valid

    assert orcid_valid(orcid) is valid


_PUBMED = """<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">99000001</PMID><Article PubModel="Print">
<Journal><JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue><Title>J</Title></Journal>
<ArticleTitle>Test of a mistyped ORCID.</ArticleTitle><AuthorList>
<Author ValidYN="Y"><LastName>Carberry</LastName><ForeName>Josiah</ForeName>
<Identifier Source="ORCID">0000-0002-1825-0098</Identifier></Author>
<Author ValidYN="Y"><LastName>Other</LastName><ForeName>Person</ForeName>
<Identifier Source="ORCID">https://orcid.org/0000-0002-1825-0097</Identifier></Author>
</AuthorList><Language>eng</Language></Article></MedlineCitation></PubmedArticle>
</PubmedArticleSet>
"""


def test_a_mistyped_orcid_is_set_apart_with_a_warning_not_a_person_uri(tmp_path: Path) -> None:
    """Regression: a mistyped ORCID iD (check character 8 where 7 is right) became the
    person's URI and an owl:sameAs to an iD nobody has, and validated as "all valid"."""
    from rdflib.namespace import OWL

    from ld.namespaces import LDPUB
    from ld.validation import Validator

    path = tmp_path / "pubmed.xml"
    path.write_text(_PUBMED, encoding="utf-8")
    [record] = list(read_path(str(path)))
    g = map_record(record, BASE)
    rec = URIRef(f"{BASE}id/record/pmid-99000001")
    carberry = URIRef(f"{BASE}id/person/carberry-josiah")
    good = URIRef(f"{BASE}id/person/0000-0002-1825-0097")
    assert set(g.objects(rec, DCTERMS.creator)) == {carberry, good}
    assert set(g.objects(carberry, OWL.sameAs)) == set()
    assert [str(o) for o in g.objects(carberry, LDPUB.invalidOrcid)] == ["0000-0002-1825-0098"]
    assert set(g.objects(good, OWL.sameAs)) == {URIRef("https://orcid.org/0000-0002-1825-0097")}
    assert not [o for o in g.objects() if "1825-0098" in str(o) and isinstance(o, URIRef)]
    (report,) = Validator().validate([(record.id, g)])
    assert {(str(r.severity).rsplit("#", 1)[-1], str(r.path)) for r in report.results} == {
        ("Warning", str(LDPUB.invalidOrcid))}


def test_a_failing_orcid_link_from_marc_is_no_key_either() -> None:
    from ld.mapping_identifiers import agent_identifiers, person_key

    values = ["https://orcid.org/0000-0002-1825-0098", "http://viaf.org/viaf/12345"]
    assert agent_identifiers(values) == (["http://viaf.org/viaf/12345"], ["0000-0002-1825-0098"])
    assert person_key(["https://orcid.org/0000-0002-1825-0098"]) is None
    assert person_key(values) == "viaf-12345"
    assert agent_identifiers(["0000-0002-1694-233X"]) == (
        ["https://orcid.org/0000-0002-1694-233X"], [])
