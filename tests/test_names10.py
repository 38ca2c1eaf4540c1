"""Name headings (explore10/catalog 11, 12).

11. The dates of a name heading (MARC 100/700 $d: "Smith, John, $d 1950-") went into
the person's URI only (id/person/smith-john-1950): two namesakes were both published
as foaf:name "Smith, John". They are published as ldpub:dates, accepted by the shapes
(both engines), and shown on the person's page, in the browse list of persons and in
the record page's author and contributor lists ("Smith, John, 1950-").
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF, RDF, XSD

from ld.mapping import map_record
from ld.model import Record
from ld.readers import marcxml, read_path
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
    node = _person("smith-john-1950")
    graph.remove((node, LDPUB.dates, None))
    graph.add((node, LDPUB.dates, value))
    (report,) = Validator(engine=engine).validate([("smith1", graph)])
    found = {(r.shape, r.severity) for r in report.results if r.severity == "Violation"}
    assert found == (set() if ok else {(str(LDSH.PersonDates), "Violation")})


@pytest.mark.parametrize("engine", ENGINES)
def test_namesakes_are_valid(engine: str) -> None:
    graphs = [(r.id, map_record(r, BASE, modified=WHEN)) for r in _namesakes()]
    for report in Validator(engine=engine).validate(graphs):
        assert report.conforms, [r.message for r in report.results]


# --- 11. the pages ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    the_site, server = start_site(tmp_path_factory.mktemp("names10"), _namesakes(), [])
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
