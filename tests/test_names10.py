"""Name headings (explore10/catalog 11, 12).

11. The dates of a name heading (MARC 100/700 $d: "Smith, John, $d 1950-") went into
the person's URI only (id/person/smith-john-1950): two namesakes were both published
as foaf:name "Smith, John". They are published as ldpub:dates, accepted by the shapes
(both engines), and shown on the person's page, in the browse list of persons and in
the record page's author and contributor lists ("Smith, John, 1950-").

12. Fields in the original script (MARC 880) were read only for titles: a name
heading's (100/110/111/700/710/711) and an imprint's (260/264) were dropped. The
agent named by the romanised heading has the original-script name as skos:altLabel
(not a second foaf:name: pages, lists and citations read the one foaf:name); the
publisher named by the romanised $b likewise, and the original-script place is a
second ldpub:publicationPlace.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pymarc
import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS, XSD

from ld.mapping import map_record
from ld.model import Record, Source
from ld.readers import marcxml, read_path
from ld.readers.marc_crosswalk import from_pymarc
from ld.validation import Validator
from tests.conftest_web import Site, start_site
from tests.test_web_pages import HTML, Page

BASE = "http://example.org/"
LDPUB = Namespace("https://w3id.org/ldpub/vocab#")
LDSH = Namespace("https://w3id.org/ldpub/shapes#")
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
ENGINES = ("fast", "pyshacl")

# the cataloguer's case (explore10/catalog/cases/namesakes.xml): one name, two people
NAMESAKES = b"""<?xml version="1.0" encoding="UTF-8"?>
<collection xmlns="http://www.loc.gov/MARC21/slim">
<record><leader>00000cam a2200000 a 4500</leader><controlfield tag="001">smith1</controlfield>
<controlfield tag="008">990101s1999    xxu           000 0 eng d</controlfield>
<datafield tag="100" ind1="1" ind2=" "><subfield code="a">Smith, John,</subfield>
<subfield code="d">1950-</subfield></datafield>
<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Modern things.</subfield></datafield>
</record>
<record><leader>00000cam a2200000 a 4500</leader><controlfield tag="001">smith2</controlfield>
<controlfield tag="008">990101s1870    xxu           000 0 eng d</controlfield>
<datafield tag="100" ind1="1" ind2=" "><subfield code="a">Smith, John,</subfield>
<subfield code="d">1820-1890.</subfield></datafield>
<datafield tag="700" ind1="1" ind2=" "><subfield code="a">Smith, John,</subfield>
<subfield code="d">1950-</subfield><subfield code="e">editor.</subfield></datafield>
<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Old things.</subfield></datafield>
</record>
</collection>"""


def _person(key: str) -> URIRef:
    return URIRef(f"{BASE}id/person/{key}")


def _namesakes() -> list[Record]:
    records = list(marcxml.read(io.BytesIO(NAMESAKES), "namesakes.xml"))
    assert all(isinstance(r, Record) for r in records)
    return records  # type: ignore[return-value]


def _about(graph: Graph, node: URIRef) -> Graph:
    """The triples whose subject is ``node``."""
    found = Graph()
    for triple in graph.triples((node, None, None)):
        found.add(triple)
    return found


def _described(node: URIRef, family: str, given: str, dates: str) -> Graph:
    expected = Graph()
    for p, o in ((RDF.type, FOAF.Person), (RDF.type, FOAF.Agent), (FOAF.name,
                 Literal(f"{family}, {given}")), (FOAF.familyName, Literal(family)),
                 (FOAF.givenName, Literal(given)), (LDPUB.dates, Literal(dates))):
        expected.add((node, p, o))
    return expected


# --- 11. the mapping ---------------------------------------------------------------------

@pytest.mark.parametrize(("record", "key", "dates"), [
    (0, "smith-john-1950", "1950-"), (1, "smith-john-1820-1890", "1820-1890"),
    (1, "smith-john-1950", "1950-")])  # the editor of the second record: the first's author
def test_namesakes_are_published_with_their_dates(record: int, key: str, dates: str) -> None:
    graph = map_record(_namesakes()[record], BASE, modified=WHEN)
    node = _person(key)
    assert isomorphic(_about(graph, node), _described(node, "Smith", "John", dates))


def test_real_marc_heading_dates(shared_data: Path) -> None:
    """pymarc's marc.dat: 100 "Hunt, Andrew, $d 1964-" (the cataloguer's example)."""
    (record,) = [r for r in read_path(str(shared_data / "marc/pymarc-test/marc.dat"))
                 if isinstance(r, Record) and r.id == "11778504"]
    graph = map_record(record, BASE, modified=WHEN)
    node = _person("hunt-andrew-1964")
    assert isomorphic(_about(graph, node), _described(node, "Hunt", "Andrew", "1964-"))


# --- 11. the shapes: both engines ----------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("value", "ok"), [
    (Literal("1950-"), True), (Literal("fl. 1650"), True),
    (Literal("1950-", lang="en"), False), (Literal("1950", datatype=XSD.gYear), False),
    (URIRef("http://example.org/1950"), False), (Literal(""), False)])
def test_dates_shape(engine: str, value: Any, ok: bool) -> None:
    graph = map_record(_namesakes()[0], BASE, modified=WHEN)
    found = _violations(engine, graph, _person("smith-john-1950"), LDPUB.dates, value)
    assert found == (set() if ok else {str(LDSH.PersonDates)})


def _violations(engine: str, graph: Graph, node: URIRef, prop: URIRef, value: Any) -> set[str]:
    """The shapes violated once ``node``'s ``prop`` is ``value`` alone."""
    graph.remove((node, prop, None))
    graph.add((node, prop, value))
    (report,) = Validator(engine=engine).validate([("r", graph)])
    return {str(r.shape) for r in report.results if r.severity == "Violation"}


@pytest.mark.parametrize("engine", ENGINES)
def test_namesakes_are_valid(engine: str) -> None:
    graphs = [(r.id, map_record(r, BASE, modified=WHEN)) for r in _namesakes()]
    for report in Validator(engine=engine).validate(graphs):
        assert report.conforms, [r.message for r in report.results]


# --- 11. the pages ------------------------------------------------------------------------

ALT_SCRIPT = "marc/recordmanager/marc_alt_script.xml"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Site]:
    the_site, server = start_site(tmp_path_factory.mktemp("names10"), _namesakes(),
                                  [str(shared_data / ALT_SCRIPT)])
    yield the_site
    server.shutdown()


def _get(site: Site, path: str) -> str:
    response = requests.get(site.url + path, headers=HTML, timeout=10)
    assert response.status_code == 200, response.text[:300]
    return response.text


def _h1(page: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert found
    return " ".join(Page(found.group(1)).text)


@pytest.mark.parametrize(("key", "heading"), [
    ("smith-john-1950", "Smith, John, 1950-"), ("smith-john-1820-1890", "Smith, John, 1820-1890")])
def test_person_page_names_the_heading_with_its_dates(site: Site, key: str, heading: str
                                                      ) -> None:
    page = _get(site, f"/doc/person/{key}")
    assert _h1(page) == heading
    assert re.search(r"<title>(.*?) · ", page).group(1) == heading  # type: ignore[union-attr]


def test_record_page_lists_authors_and_contributors_with_dates(site: Site) -> None:
    page = _get(site, "/doc/record/smith2")
    links = {text: href for text, href in Page(page).links}
    assert links["Smith, John, 1820-1890"].endswith("/id/person/smith-john-1820-1890")
    assert links["Smith, John, 1950-"].endswith("/id/person/smith-john-1950")  # the editor
    assert Page(page).metas("citation_author") == ["Smith, John"]  # a citation: the name


def test_browse_lists_namesakes_apart(site: Site) -> None:
    links = {text: href for text, href in Page(_get(site, "/browse/person")).links}
    assert links["Smith, John, 1950-"].endswith("/id/person/smith-john-1950")
    assert links["Smith, John, 1820-1890"].endswith("/id/person/smith-john-1820-1890")


# --- 12. the original script (880) -----------------------------------------------------

def _alt_script(shared_data: Path) -> Graph:
    (record,) = [r for r in read_path(str(shared_data / ALT_SCRIPT)) if isinstance(r, Record)]
    return map_record(record, BASE, modified=WHEN)


def test_880_name_is_the_other_name_of_the_right_person(shared_data: Path) -> None:
    """recordmanager's record: 700 "$6 880-03 $a Kageyama, Terukuni," and its
    "880 $6 700-03 $a 影山, 輝国,"."""
    graph = _alt_script(shared_data)
    node = _person("kageyama-terukuni")
    expected = _described(node, "Kageyama", "Terukuni", "")
    expected.remove((node, LDPUB.dates, None))
    expected.add((node, SKOS.altLabel, Literal("影山, 輝国")))
    assert isomorphic(_about(graph, node), expected)
    assert {s for s, o in graph.subject_objects(SKOS.altLabel)} == {
        node, URIRef(f"{BASE}id/organization/sanseido")}


def test_880_imprint_names_the_same_publisher_and_the_place(shared_data: Path) -> None:
    """264 "$6 880-02 $a Tōkyō : $b Sanseidō" and "880 $6 264-02 $a 東京 : $b 三省堂"."""
    graph = _alt_script(shared_data)
    publisher = URIRef(f"{BASE}id/organization/sanseido")
    expected = Graph()
    for p, o in ((RDF.type, FOAF.Organization), (RDF.type, FOAF.Agent),
                 (FOAF.name, Literal("Sanseidō")), (SKOS.altLabel, Literal("三省堂"))):
        expected.add((publisher, p, o))
    assert isomorphic(_about(graph, publisher), expected)
    assert set(graph.objects(None, DCTERMS.publisher)) == {publisher}
    assert set(graph.objects(None, LDPUB.publicationPlace)) == {Literal("Tōkyō"),
                                                                Literal("東京")}


@pytest.mark.parametrize(("record_id", "node", "other"), [
    ("00271345", "person/enoki-yasukuni-1946", "榎泰邦"),  # a 100 with dates
    ("00271345", "organization/maruzen-kabushiki-kaisha", "丸善株式会社"),  # its 260 $b
    ("00290803", "organization/gu-gong-bo-wu-yuan-china", "故宮博物院 (China)"),  # a 710
])
def test_880_names_in_loc_records(shared_data: Path, record_id: str, node: str, other: str
                                  ) -> None:
    path = shared_data / "marc/loc-booksall-2016/booksall_2016_part01_sample.mrc"
    (record,) = [r for r in read_path(str(path)) if isinstance(r, Record) and r.id == record_id]
    graph = map_record(record, BASE, modified=WHEN)
    assert set(graph.objects(URIRef(f"{BASE}id/{node}"), SKOS.altLabel)) == {Literal(other)}


def _imprint(romanised: list[str], original: list[str]) -> Record:
    """A record whose 260 has the publishers ``romanised``, its 880 ``original``."""
    def field(tag: str, link: str, names: list[str]) -> pymarc.Field:
        subfields = [pymarc.Subfield("6", link), pymarc.Subfield("a", "Place :")]
        subfields += [pymarc.Subfield("b", name) for name in names]
        return pymarc.Field(tag=tag, indicators=pymarc.Indicators(" ", " "), subfields=subfields)
    rec = pymarc.Record()
    rec.add_field(pymarc.Field(tag="001", data="imprint"),
                  pymarc.Field(tag="245", indicators=pymarc.Indicators("0", "0"),
                               subfields=[pymarc.Subfield("a", "T.")]),
                  field("260", "880-01", romanised), field("880", "260-01/$1", original))
    return from_pymarc(rec, Source("t", "1", "marc"))


@pytest.mark.parametrize(("romanised", "original", "expected"), [
    (["A,", "B,"], ["甲,", "乙,"], {"A": ["甲"], "B": ["乙"]}),  # $b by $b
    (["A,", "B,"], ["甲乙,"], {}),  # which is which would be a guess
    (["[s.n.],", "B,"], ["甲,", "乙,"], {"B": ["乙"]}),  # no publisher, no other name
    (["A,"], ["A,"], {}),  # the same again is no other name
])
def test_880_publishers_pair_subfield_by_subfield(romanised: list[str], original: list[str],
                                                  expected: dict[str, list[str]]) -> None:
    record = _imprint(romanised, original)
    assert record.publisher_alt_names == expected
    assert record.publication_places == ["Place"]  # the same again: once


def test_a_name_given_twice_keeps_its_other_name() -> None:
    """One person as author (100) and illustrator (700), the 880 linked to the 700 only."""
    rec = pymarc.Record()
    person = [pymarc.Subfield("a", "Kageyama, Terukuni,")]
    rec.add_field(
        pymarc.Field(tag="001", data="twice"),
        pymarc.Field(tag="100", indicators=pymarc.Indicators("1", " "), subfields=person),
        pymarc.Field(tag="245", indicators=pymarc.Indicators("0", "0"),
                     subfields=[pymarc.Subfield("a", "T.")]),
        pymarc.Field(tag="700", indicators=pymarc.Indicators("1", " "), subfields=[
            pymarc.Subfield("6", "880-01"), *person, pymarc.Subfield("e", "illustrator.")]),
        pymarc.Field(tag="880", indicators=pymarc.Indicators("1", " "), subfields=[
            pymarc.Subfield("6", "700-01/$1"), pymarc.Subfield("a", "影山, 輝国,")]))
    record = from_pymarc(rec, Source("t", "1", "marc"))
    assert [(a.name, a.alt_names, a.roles) for a in record.creators] == [
        ("Kageyama, Terukuni", ["影山, 輝国"], ["illustrator"])]
    assert record.contributors == []


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("value", "ok"), [
    (Literal("影山, 輝国"), True), (Literal("影山, 輝国", lang="ja"), True),
    (Literal(""), False), (URIRef("http://example.org/kageyama"), False)])
def test_other_name_shape(shared_data: Path, engine: str, value: Any, ok: bool) -> None:
    found = _violations(engine, _alt_script(shared_data), _person("kageyama-terukuni"),
                        SKOS.altLabel, value)
    assert found == (set() if ok else {str(LDSH.AgentOtherName)})


def test_person_and_publisher_pages_show_the_other_name(site: Site) -> None:
    person = _get(site, "/doc/person/kageyama-terukuni")
    assert _h1(person) == "Kageyama, Terukuni"
    assert "影山, 輝国" in Page(person).text
    assert "三省堂" in Page(_get(site, "/doc/organization/sanseido")).text
