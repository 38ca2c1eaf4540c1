"""Rights and licences are published (explore10/catalog 6, rights): MARC 506/540, OAI
``dc:rights`` and the JATS ``<license>`` were read into ``Record.extra["rights"]`` and
dropped. Now a licence is ``dcterms:license <IRI>`` (http/https only), the terms in words
``dcterms:rights``, access restrictions ``dcterms:accessRights``; the shapes say so (both
engines alike), the JSON-LD context names the terms and the record page shows them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pymarc
import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from ld.jsonld import context
from ld.mapping import map_record
from ld.model import Record, Source
from ld.readers import read_path
from ld.validation import Validator
from tests.conftest_web import Site, start_site
from tests.test_record_links import html, rows

BASE = "http://example.org/"
WHEN = datetime(2024, 5, 6, tzinfo=UTC)
DCTERMS = Namespace("http://purl.org/dc/terms/")
LDSH = Namespace("https://w3id.org/ldpub/shapes#")
RIGHTS_PROPS = (DCTERMS.license, DCTERMS.rights, DCTERMS.accessRights)
CC_BY_2 = "http://creativecommons.org/licenses/by/2.0"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
BMC_TEXT = ("This is an Open Access article distributed under the terms of the Creative Commons "
            "Attribution License (http://creativecommons.org/licenses/by/2.0), which permits "
            "unrestricted use, distribution, and reproduction in any medium, provided the "
            "original work is properly cited.")
PLOS_TEXT = ("This is an open-access article distributed under the terms of the Creative "
             "Commons Attribution License, which permits unrestricted use, distribution, and "
             "reproduction in any medium, provided the original author and source are credited.")
ERS_TEXT = ("This version is distributed under the terms of the Creative Commons Attribution "
            "Non-Commercial Licence 4.0. For commercial reproduction rights and permissions "
            "contact permissions@ersnet.org")


def _read(path: Path) -> Record:
    return next(r for r in read_path(str(path)) if isinstance(r, Record))


def _rights_graph(record: Record) -> Graph:
    """The rights statements of the record's mapped graph."""
    graph = Graph()
    for prop in RIGHTS_PROPS:
        for s, o in map_record(record, BASE, modified=WHEN).subject_objects(prop):
            graph.add((s, prop, o))
    return graph


def _expected(record_id: str, licenses: list[str], rights: list[str],
              access: tuple[str, ...] = ()) -> Graph:
    s, graph = URIRef(f"{BASE}id/record/{record_id}"), Graph()
    for iri in licenses:
        graph.add((s, DCTERMS.license, URIRef(iri)))
    for prop, texts in ((DCTERMS.rights, rights), (DCTERMS.accessRights, access)):
        for text in texts:
            graph.add((s, prop, Literal(text)))
    return graph


# --- JATS: <license xlink:href>, <ali:license_ref>, the paragraphs -----------------


@pytest.mark.parametrize(("path", "record_id", "licenses", "rights"), [
    # BioMed Central: <license xlink:href> with <license-p>
    ("pubmed/pmc-jats/1471-2180-11-174.nxml", "pmc-3166277", [CC_BY_2], [BMC_TEXT]),
    # older NLM DTD: <p> in <license>, the address an empty <ext-link xlink:href>
    ("pubmed/pmc-jats/1472-6831-8-11.nxml", "pmc-2329613", [CC_BY_2], [BMC_TEXT]),
    # PLOS: CC BY in words only, no IRI: a statement, no licence guessed
    ("pubmed/pmc-jats/pntd.0002065.nxml", "pmc-3585041", [], [PLOS_TEXT]),
    # JATS 1.2: <ali:license_ref> inside <license>; its IRI is not part of the words
    ("pubmed/biopython-entrez/efetch_pmc.xml", "pmc-8435807",
     ["https://creativecommons.org/licenses/by-nc/4.0/"], [ERS_TEXT]),
])
def test_jats_license(shared_data: Path, path: str, record_id: str, licenses: list[str],
                      rights: list[str]) -> None:
    record = _read(shared_data / path)
    assert (record.id, record.licenses, record.rights, record.access_rights) == (
        record_id, licenses, rights, [])
    assert "rights" not in record.extra
    assert isomorphic(_rights_graph(record), _expected(record_id, licenses, rights))


def test_jats_license_ref_in_permissions(tmp_path: Path, shared_data: Path) -> None:
    """JATS 1.2 lets <ali:license_ref> stand in <permissions> itself, beside <license>."""
    text = (shared_data / "pubmed/pmc-jats/pntd.0002065.nxml").read_text(encoding="utf-8")
    ref = ('<ali:license_ref xmlns:ali="http://www.niso.org/schemas/ali/1.0/">'
           f"{CC_BY_4}</ali:license_ref><license>")
    (tmp_path / "a.nxml").write_text(text.replace("<license>", ref, 1), encoding="utf-8")
    record = _read(tmp_path / "a.nxml")
    assert (record.licenses, record.rights) == ([CC_BY_4], [PLOS_TEXT])


# --- MARC 506 / 540 on a real LoC record -------------------------------------------

ACCESS = "Restricted to subscribers. Authorized users only"


def _marc_with_rights(shared_data: Path, tmp_path: Path) -> Path:
    """The first record of the LoC sample with a 506 and two 540 fields added."""
    with open(shared_data / "marc/loc-booksall-2016/booksall_2016_part01_sample.mrc",
              "rb") as fh:
        marc = next(iter(pymarc.MARCReader(fh)))
    field = pymarc.Field
    sub = pymarc.Subfield
    marc.add_ordered_field(
        field("506", [" ", " "], [sub("a", "Restricted to subscribers."),
                                  sub("d", "Authorized users only"), sub("5", "DLC")]),
        field("540", [" ", " "], [sub("a", "CC BY 4.0"), sub("u", CC_BY_4)]),
        field("540", [" ", " "], [sub("f", "Public domain."), sub("2", "cc"),
                                  sub("u", "mailto:rights@example.org")]))
    path = tmp_path / "rights.mrc"
    path.write_bytes(marc.as_marc())
    return path


def test_marc_506_540(shared_data: Path, tmp_path: Path) -> None:
    """506 -> access rights (no $5 institution code); 540 $a/$f -> rights in words, 540 $u
    -> the licence when it is a web IRI, else the words it is (a mailto: address)."""
    record = _read(_marc_with_rights(shared_data, tmp_path))
    assert record.id == "00000002"
    assert record.access_rights == [ACCESS]
    assert record.rights == ["CC BY 4.0", "Public domain."]
    assert record.licenses == [CC_BY_4, "mailto:rights@example.org"]
    expected = _expected("00000002", [CC_BY_4],
                         ["CC BY 4.0", "Public domain.", "mailto:rights@example.org"], (ACCESS,))
    assert isomorphic(_rights_graph(record), expected)


# --- OAI-PMH dc:rights ----------------------------------------------------------------

OPENAIRE = "info:eu-repo/semantics/openAccess"
STATEMENT = "Copyright (c) 2011 the authors. All rights reserved."


def test_oai_dc_rights(shared_data: Path, tmp_path: Path) -> None:
    """A dc:rights URL is the licence, an OpenAIRE access level access rights, the rest
    words; dc:rights no longer ends in ``extra``."""
    text = (shared_data / "oai-pmh/sickle/GetRecord.xml").read_text(encoding="utf-8")
    added = (f"<dc:rights>{CC_BY_4}</dc:rights><dc:rights>{STATEMENT}</dc:rights>"
             f"<dc:rights>{OPENAIRE}</dc:rights><dc:title>")
    (tmp_path / "r.xml").write_text(text.replace("<dc:title>", added, 1), encoding="utf-8")
    record = _read(tmp_path / "r.xml")
    assert (record.licenses, record.rights, record.access_rights) == (
        [CC_BY_4], [STATEMENT], [OPENAIRE])
    assert "rights" not in record.extra
    assert isomorphic(_rights_graph(record),
                      _expected(record.id, [CC_BY_4], [STATEMENT], (OPENAIRE,)))


# --- mapping of odd licences, shapes ----------------------------------------------------


def _record(record_id: str = "r1", **fields: object) -> Record:
    return Record(id=record_id, source=Source("t.json", "1", "test"), title="A title",
                  formats=["Book"], **fields)  # type: ignore[arg-type]


def test_only_http_licences_are_iris() -> None:
    """A licence that is no http(s) web IRI is published as the words it is, never as an
    IRI (a javascript: link on the page) and never lost."""
    odd = ["CC BY 4.0", "ftp://example.org/licence.txt", "javascript:alert(1)"]
    record = _record(licenses=[*odd, " https://example.org/l icence ", CC_BY_4, CC_BY_4])
    expected = _expected("r1", ["https://example.org/l%20icence", CC_BY_4], odd)
    assert isomorphic(_rights_graph(record), expected)


@pytest.fixture(scope="module", params=["fast", "pyshacl"])
def validator(request: pytest.FixtureRequest) -> Validator:
    return Validator(engine=request.param)


@pytest.mark.parametrize(("prop", "value", "shape"), [
    (DCTERMS.license, URIRef(CC_BY_4), None),
    (DCTERMS.license, Literal(CC_BY_4), LDSH.RecordLicense),
    (DCTERMS.license, URIRef("urn:x-licence:1"), LDSH.RecordLicense),
    (DCTERMS.rights, Literal("All rights reserved."), None),
    (DCTERMS.rights, URIRef(CC_BY_4), LDSH.RecordRightsText),
    (DCTERMS.accessRights, Literal("  "), LDSH.RecordRightsText),
])
def test_rights_shapes(validator: Validator, prop: URIRef, value: object,
                       shape: URIRef | None) -> None:
    graph = map_record(_record(), BASE, modified=WHEN)
    graph.add((URIRef(f"{BASE}id/record/r1"), prop, value))  # type: ignore[arg-type]
    report = validator.validate([("r1", graph)])[0].to_json()
    violations = {r["shape"] for r in report["results"] if r["severity"] == "Violation"}
    assert violations == ({str(shape)} if shape else set())


def test_jsonld_context_names_the_rights_terms() -> None:
    ctx = context()["@context"]
    assert ctx["license"] == {"@id": "dcterms:license", "@type": "@id"}
    assert (ctx["rights"], ctx["accessRights"]) == ("dcterms:rights", "dcterms:accessRights")


# --- the record page and the JSON-LD document ----------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Site]:
    records = [_record("restricted", licenses=[CC_BY_4], rights=["Attribution required."],
                       access_rights=[ACCESS])]
    the_site, server = start_site(tmp_path_factory.mktemp("rights"), records, [
        str(shared_data / "pubmed/pmc-jats/1471-2180-11-174.nxml")])
    yield the_site
    server.shutdown()


def test_page_links_the_licence_and_shows_the_rights(site: Site) -> None:
    page = html(site, "pmc-3166277")
    assert re.search(rf'<dt>License</dt><dd><a href="{CC_BY_2}" rel="license external">'
                     rf"{CC_BY_2}</a></dd>", page)
    table = rows(page)
    assert ("Rights", BMC_TEXT) in table
    assert [dt for dt, _ in table].count("License") == 1  # not again under "More about"
    assert [dt for dt, _ in table].count("Rights") == 1


def test_page_shows_access_rights(site: Site) -> None:
    table = rows(html(site, "restricted"))
    assert {("License", CC_BY_4), ("Rights", "Attribution required."),
            ("Access rights", ACCESS)} <= set(table)
    assert [dt for dt, _ in table].count("Access rights") == 1


def test_jsonld_document_uses_the_terms(site: Site) -> None:
    r = requests.get(f"{site.url}/doc/record/restricted.jsonld", timeout=10)
    node = next(n for n in json.loads(r.text)["@graph"]
                if n["@id"] == f"{site.url}/id/record/restricted")
    assert (node["license"], node["rights"], node["accessRights"]) == (
        CC_BY_4, "Attribution required.", ACCESS)
