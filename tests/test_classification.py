"""Class numbers are published (explore10/catalog 6, classification): MARC 050/060/080/082/
084 and VuFind's callnumber-a / dewey-full were read nowhere or kept in ``extra``. Now each
class number is a skos:Concept of its classification (``id/subject/lcc-pq2603-e362``:
skos:notation and skos:prefLabel the number, skos:inScheme the scheme's IRI where known),
dcterms:subject of the record, as the LoC MARC to Dublin Core crosswalk maps them to
Subject with the LCC/NLM/UDC/DDC scheme. Shelf numbers and LC's non-numbers are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pymarc
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from ld.jsonld import context
from ld.mapping import map_record
from ld.mapping_classes import CLASS_SCHEMES
from ld.model import Record
from ld.readers import read_path
from ld.validation import Validator
from tests.conftest_web import Site, start_site
from tests.test_record_links import html

BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LOC = "marc/loc-booksall-2016/booksall_2016_part01_sample.mrc"


@pytest.fixture(scope="module")
def loc(shared_data: Path) -> dict[str, Record]:
    """The LoC "Books All" sample, by record id."""
    return {r.id: r for r in read_path(str(shared_data / LOC)) if isinstance(r, Record)}


def _classes(record: Record) -> list[tuple[str | None, str]]:
    return [(c.scheme, c.label) for c in record.classifications]


def _class_graph(record: Record) -> Graph:
    """The record's class subjects and what the graph says of them (all but other
    subjects): the statements a class number makes."""
    mapped, graph = map_record(record, BASE, modified=WHEN), Graph()
    for concept in mapped.objects(None, DCTERMS.subject):
        if (concept, SKOS.notation, None) in mapped:
            graph.add((URIRef(f"{BASE}id/record/{record.id}"), DCTERMS.subject, concept))
            graph += mapped.triples((concept, None, None))
    return graph


def _expected(record_id: str, classes: list[tuple[str, str, str]]) -> Graph:
    """(key, scheme, number) -> the concept statements the record should make."""
    graph, s = Graph(), URIRef(f"{BASE}id/record/{record_id}")
    for key, scheme, number in classes:
        node = URIRef(f"{BASE}id/subject/{key}")
        graph.add((s, DCTERMS.subject, node))
        graph.add((node, RDF_TYPE, SKOS.Concept))
        graph.add((node, SKOS.prefLabel, Literal(number)))
        graph.add((node, SKOS.notation, Literal(number)))
        if scheme in CLASS_SCHEMES:
            graph.add((node, SKOS.inScheme, CLASS_SCHEMES[scheme]))
    return graph


# --- real Library of Congress records -------------------------------------------------


@pytest.mark.parametrize(("record_id", "expected"), [
    # 050 $a (not the item number $b) and 082 with its segmentation marks dropped
    ("00006713", [("lcc-d967", "lcc", "D967"), ("ddc-914-21", "ddc", "914.21")]),
    ("00008809", [("lcc-e185-97-d69", "lcc", "E185.97.D69"),
                  ("ddc-305-488960730092", "ddc", "305.488960730092")]),  # not $a B
    # 060 (NLM) beside LCC and DDC
    ("00012038", [("lcc-rj47", "lcc", "RJ47"), ("nlm-wb-320", "nlm", "WB 320"),
                  ("ddc-617-03", "ddc", "617.03")]),
    # 084 $2 bcl (Dutch basic classification): its own scheme, no IRI known for it
    ("00042111", [("lcc-qd9-15", "lcc", "QD9.15"), ("ddc-540-14", "ddc", "540.14"),
                  ("bcl-35-04", "bcl", "35.04")]),
    # LC's shelf number for minimal-level records is no class; the second $a is
    ("00289106", [("lcc-pk2659", "lcc", "PK2659")]),
    # a box number in 050: only the DDC number is a class
    ("00513019", [("ddc-813-54", "ddc", "813.54")]),
    # "220.7/7 s" is the series' number; "[017.2]" an optional number, still DDC
    ("00029501", [("lcc-bs192-2-a1-1964", "lcc", "BS192.2.A1 1964"),
                  ("lcc-bs2765-3", "lcc", "BS2765.3"), ("ddc-227-86077", "ddc", "227.86077")]),
    ("01022491", [("lcc-z997", "lcc", "Z997"), ("ddc-016-094", "ddc", "016.094"),
                  ("ddc-017-2", "ddc", "017.2")]),
    # "[Fic]" (juvenile fiction) is no DDC number
    ("00024032", [("lcc-pz7-c962", "lcc", "PZ7.C962")]),
])
def test_loc_records(loc: dict[str, Record], record_id: str,
                     expected: list[tuple[str, str, str]]) -> None:
    record = loc[record_id]
    assert _classes(record) == [(scheme, number) for _, scheme, number in expected]
    assert isomorphic(_class_graph(record), _expected(record_id, expected))


def test_loc_sample_counts(loc: dict[str, Record]) -> None:
    """Most LoC records have an LCC number (050 is in 2,019 of 2,025; 169 hold shelf
    numbers instead), about 40% a DDC number."""
    schemes = [c.scheme for r in loc.values() for c in r.classifications]
    assert (schemes.count("lcc"), schemes.count("ddc"), schemes.count("nlm")) == (1898, 850, 24)


def test_class_concepts_validate(loc: dict[str, Record]) -> None:
    """The class concepts pass the shapes, in both engines (the same results)."""
    graphs = [(i, map_record(loc[i], BASE, modified=WHEN))
              for i in ("00006713", "00012038", "00042111", "01022491")]
    reports = [[r.to_json() for r in Validator(engine=e).validate(graphs)]
               for e in ("fast", "pyshacl")]
    assert reports[0] == reports[1]
    assert all(r["conforms"] for r in reports[0])


# --- RecordManager MARCXML: 084 schemes of Finnish libraries --------------------------


@pytest.mark.parametrize(("path", "expected"), [
    ("marc/recordmanager/marc1.xml", [("lcc", "QC861.2"), ("ekl", "38.04"), ("ekl", "38.03")]),
    ("marc/recordmanager/marc_geo.xml", [("ykl", "42.02")]),
    ("marc/recordmanager/marc_analytical.xml", [("teatkl", "Teat 150a"),
                                                ("srnlcs", "Srn 05.01")]),
])
def test_recordmanager_084(shared_data: Path, path: str, expected: list[tuple[str, str]]
                           ) -> None:
    record = next(r for r in read_path(str(shared_data / path)) if isinstance(r, Record))
    assert _classes(record) == expected


# --- VuFind -----------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "record_id", "expected"), [
    ("vufind-solr/vufind/testbug2.json", "testbug2", [("lcc", "DG848.15")]),
    ("vufind-solr/vufind/testbug1.json", "000105196", [("ddc", "510.5")]),
    ("vufind-solr/vufind/solr-response-morelikethis.http", "476297",
     [("lcc", "PS3552.R878"), ("ddc", "813.54")]),
])
def test_vufind_fields(shared_data: Path, path: str, record_id: str,
                       expected: list[tuple[str, str]]) -> None:
    record = next(r for r in read_path(str(shared_data / path))
                  if isinstance(r, Record) and r.id == record_id)
    assert _classes(record) == expected
    assert not {"callnumber-a", "dewey-full", "dewey-raw"} & record.extra.keys()


def _marc(tmp_path: Path, *fields: pymarc.Field) -> Record:
    marc = pymarc.Record(force_utf8=True)
    marc.add_field(pymarc.Field("001", data="cls1"), *fields)
    marc.add_field(pymarc.Field("245", [" ", " "], [pymarc.Subfield("a", "A title")]))
    (tmp_path / "c.mrc").write_bytes(marc.as_marc())
    return next(r for r in read_path(str(tmp_path / "c.mrc")) if isinstance(r, Record))


def _field(tag: str, *subfields: tuple[str, str]) -> pymarc.Field:
    return pymarc.Field(tag, [" ", " "], [pymarc.Subfield(c, v) for c, v in subfields])


def test_vufind_and_marc_name_one_concept(shared_data: Path, tmp_path: Path) -> None:
    """The VuFind record and a MARC record of the same numbers meet on the same concepts."""
    vufind = next(r for r in read_path(
        str(shared_data / "vufind-solr/vufind/solr-response-morelikethis.http"))
        if isinstance(r, Record) and r.id == "476297")
    marc = _marc(tmp_path, _field("050", ("a", "PS3552.R878"), ("b", "E43 1997")),
                 _field("082", ("a", "813/.54"), ("2", "21")))
    for record in (vufind, marc):
        expected = _expected(record.id, [("lcc-ps3552-r878", "lcc", "PS3552.R878"),
                                         ("ddc-813-54", "ddc", "813.54")])
        assert isomorphic(_class_graph(record), expected)


def test_udc_with_auxiliaries_keeps_numbers_apart(tmp_path: Path) -> None:
    """080 $a with its $x; UDC punctuation means something, so "821.111-31" and
    "821.111.31" (one slug) are two concepts: a key of a number with other punctuation
    than points ends in a hash of the number. 084 without $2 names no scheme: left out."""
    record = _marc(tmp_path, _field("080", ("a", "821.111-31"), ("x", "(075.8)"), ("2", "1998")),
                   _field("080", ("a", "821.111-31")), _field("080", ("a", "821.111.31")),
                   _field("084", ("a", "AB 1234")))
    assert _classes(record) == [("udc", "821.111-31(075.8)"), ("udc", "821.111-31"),
                                ("udc", "821.111.31")]
    keys = {str(o).rsplit("/", 1)[1] for o in _class_graph(record).objects(None, DCTERMS.subject)}
    patterns = ("udc-821-111-31", r"udc-821-111-31-[0-9a-f]{8}",
                r"udc-821-111-31-075-8-[0-9a-f]{8}")
    assert len(keys) == 3
    assert all(sum(bool(re.fullmatch(p, k)) for k in keys) == 1 for p in patterns), keys


def test_jsonld_context_names_notation() -> None:
    assert context()["@context"]["notation"] == "skos:notation"


# --- pages ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Site]:
    the_site, server = start_site(tmp_path_factory.mktemp("classes"), [], [
        str(shared_data / "marc/recordmanager/marc1.xml")])
    yield the_site
    server.shutdown()


def test_record_page_lists_the_class(site: Site) -> None:
    page = html(site, "123")
    assert re.search(r'<a href="/id/subject/lcc-qc861-2"[^>]*>QC861\.2</a>', page), page


def test_class_page_names_its_scheme(site: Site) -> None:
    import requests

    r = requests.get(f"{site.url}/doc/subject/lcc-qc861-2", headers={"Accept": "text/html"},
                     timeout=10)
    assert r.status_code == 200
    assert "LCC (Library of Congress Classification)" in r.text
    assert "Notation" in r.text
