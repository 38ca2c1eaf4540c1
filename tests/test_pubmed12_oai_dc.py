"""explore12 "pubmed" defects of oai_dc records (M6 DOI URLs, M7 persistent
identifiers, M8 types), each on a small record written here, compared as triples."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCMITYPE, DCTERMS, FOAF, OWL, RDF

from ld.mapping import map_record
from ld.model import Record
from ld.namespaces import BIBO, LDPUB
from ld.readers import read_path

BASE = "http://example.org/"
S = URIRef(f"{BASE}id/record/oai:repo:1")
_PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
 <responseDate>2024-01-01T00:00:00Z</responseDate>
 <request verb="ListRecords" metadataPrefix="oai_dc">http://127.0.0.1/oai</request>
 <ListRecords><record><header><identifier>oai:repo:1</identifier>
  <datestamp>2024-01-01</datestamp></header>
  <metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
   xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A record</dc:title>
   <dc:date>2020</dc:date>{elements}</oai_dc:dc></metadata></record></ListRecords>
</OAI-PMH>
"""


def _graph(tmp_path: Path, element: str, values: list[str]) -> Graph:
    elements = "".join(f"<dc:{element}>{v}</dc:{element}>" for v in values)
    path = tmp_path / "page.xml"
    path.write_text(_PAGE.format(elements=elements), encoding="utf-8")
    [record] = list(read_path(str(path)))
    assert isinstance(record, Record), record
    return map_record(record, BASE)


def test_m6_doi_urls_are_percent_decoded_and_www_doi_org_is_one(tmp_path: Path) -> None:
    graph = _graph(tmp_path, "identifier", ["https://doi.org/10.1234/abc%2F12",
                                            "https://www.doi.org/10.5555/WWW.1",
                                            "http://dx.doi.org/10.1002/%28SICI%291"])
    assert set(graph.objects(S, BIBO.doi)) == {
        Literal("10.1234/abc/12"), Literal("10.5555/WWW.1"), Literal("10.1002/(SICI)1")}
    assert set(graph.objects(S, OWL.sameAs)) == {
        URIRef("https://doi.org/10.1234/abc/12"), URIRef("https://doi.org/10.5555/www.1"),
        URIRef("https://doi.org/10.1002/(sici)1")}
    assert not set(graph.objects(S, FOAF.page))


def test_m7_persistent_identifiers_are_published(tmp_path: Path) -> None:
    graph = _graph(tmp_path, "identifier", [
        "urn:nbn:de:0001-12345", "hdl:1234/2", "PMC1234567", "PMID 31789842",
        "arXiv:2101.00001", "a local number 17"])
    assert (S, LDPUB.pmcid, Literal("PMC1234567")) in graph
    assert (S, BIBO.pmid, Literal("31789842")) in graph
    assert (S, BIBO.handle, Literal("1234/2")) in graph
    assert (S, BIBO.uri, Literal("urn:nbn:de:0001-12345")) in graph
    assert (S, BIBO.identifier, Literal("arXiv:2101.00001")) in graph
    assert set(graph.objects(S, FOAF.page)) == {
        URIRef("https://hdl.handle.net/1234/2"), URIRef("https://arxiv.org/abs/2101.00001")}
    assert set(graph.objects(S, DCTERMS.identifier)) == {Literal("oai:repo:1")}


def test_m8_dcmi_driver_and_coar_types_are_mapped(tmp_path: Path) -> None:
    expected = {
        "StillImage": (BIBO.Image, DCMITYPE.StillImage),
        "Sound": (BIBO.AudioDocument, DCMITYPE.Sound),
        "MovingImage": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
        "http://purl.org/dc/dcmitype/InteractiveResource": (None, DCMITYPE.InteractiveResource),
        "info:eu-repo/semantics/dataset": (None, DCMITYPE.Dataset),
        "info:eu-repo/semantics/review": (BIBO.Article, DCMITYPE.Text),
        "http://purl.org/coar/resource_type/c_6501": (BIBO.AcademicArticle, DCMITYPE.Text),
        "http://purl.org/coar/resource_type/c_db06": (BIBO.Thesis, DCMITYPE.Text),
        "Conference paper": (BIBO.Article, DCMITYPE.Text),
    }
    for value, (cls, dcmi) in expected.items():
        graph = _graph(tmp_path, "type", [value])
        assert set(graph.objects(S, DCTERMS.type)) == {dcmi}, value
        assert set(graph.objects(S, RDF.type)) == {cls or BIBO.Document}, value


def test_m6_a_marc_856_doi_url_is_one_doi(tmp_path: Path) -> None:
    """The MARC reader reads a DOI link by the mapping's rule: one DOI, decoded."""
    from pymarc import Field, MARCWriter, Subfield
    from pymarc import Record as MarcRecord

    marc = MarcRecord()
    marc.add_field(Field(tag="001", data="m1"), Field(
        tag="245", indicators=["0", "0"], subfields=[Subfield("a", "A title")]), Field(
        tag="856", indicators=["4", "0"],
        subfields=[Subfield("u", "https://doi.org/10.1234/abc%2F12")]))
    path = tmp_path / "one.mrc"
    with path.open("wb") as out:
        MARCWriter(out).write(marc)
    [record] = list(read_path(str(path)))
    graph = map_record(record, BASE)
    assert set(graph.objects(None, BIBO.doi)) == {Literal("10.1234/abc/12")}
