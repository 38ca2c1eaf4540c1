"""The OAI-PMH response reader against the real responses in ../shared/data/oai-pmh."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from ld.errors import InputError, ParseError, RecordError
from ld.model import Deletion, Record, Source
from ld.readers import detect_format, read_path
from ld.readers.oai import OAIError, ResponseInfo, read_response, sniff
from tests.shared_helpers import sources_table

OAI_ERRORS = {  # file -> the OAI error code its <error> element carries
    "sickle/badArgument.xml": "badArgument",
    "sickle/badResumptionToken.xml": "badResumptionToken",
    "sickle/cannotDisseminateFormat.xml": "cannotDisseminateFormat",
    "sickle/idDoesNotExist.xml": "idDoesNotExist",
    "sickle/noRecordsMatch.xml": "noRecordsMatch",
    "sickle/noSetHierarchy.xml": "noSetHierarchy",
    "vufindharvest/arbitrary_error_response.xml": "foo",
    "vufindharvest/token_error_response.xml": "badResumptionToken",
}


def _sources(shared_data: Path) -> dict[str, int]:
    """file -> records, from the table in SOURCES.md (written by whoever collected the data)."""
    return sources_table(shared_data / "oai-pmh")


def _items(path: Path) -> list:
    return list(read_path(str(path)))


def test_sources_table_lists_every_file(shared_data: Path) -> None:
    folder = shared_data / "oai-pmh"
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*")
               if p.is_file() and p.name != "SOURCES.md"}
    assert on_disk == set(_sources(shared_data))


def test_every_file_loads_or_is_rejected_with_a_reason(shared_data: Path) -> None:
    """Counts as SOURCES.md says; a file without records is refused, naming the file."""
    folder = shared_data / "oai-pmh"
    for name, expected in _sources(shared_data).items():
        path = folder / name
        if expected:
            items = _items(path)
            assert len(items) == expected, name
            for item in items:
                assert isinstance(item, Record | Deletion | RecordError), name
                if isinstance(item, RecordError):
                    assert item.location.file == str(path) and item.location.record_id
                    assert item.message
        else:
            with pytest.raises(InputError) as caught:
                _items(path)
            assert str(path) in str(caught.value), name
            if name in OAI_ERRORS:
                assert isinstance(caught.value, OAIError)
                assert caught.value.code == OAI_ERRORS[name]
                assert OAI_ERRORS[name] in str(caught.value)


@pytest.mark.parametrize(("name", "fmt"), [
    ("vufindharvest/marc.xml", "oai"),
    ("vufindharvest/oai_doaj.xml", "oai"),
    ("sickle/ListRecords.xml", "oai"),
    ("pyoai/fake2/00000.xml", "oai"),
])
def test_detected_by_content(shared_data: Path, name: str, fmt: str) -> None:
    head = (shared_data / "oai-pmh" / name).read_bytes()[:65536]
    assert detect_format(head, "upload.bin") == fmt


def test_record_less_responses_say_why(shared_data: Path) -> None:
    with pytest.raises(InputError, match="Identify response carries no records"):
        _items(shared_data / "oai-pmh" / "sickle" / "Identify.xml")
    with pytest.raises(InputError, match=r"not an OAI-PMH 2\.0 response"):
        _items(shared_data / "oai-pmh" / "pyoai" / "fake1" / "00006.xml")
    with pytest.raises(ParseError, match="not well-formed"):
        list(read_path(str(shared_data / "oai-pmh" / "sickle" / "ListRecordsBroken.xml"),
                       format="oai"))


def test_oai_dc_fields(shared_data: Path) -> None:
    deleted, rec = _items(shared_data / "oai-pmh" / "sickle" / "ListRecords.xml")
    assert deleted == Deletion(id="oai:test.example.com:1585310", source=deleted.source)
    assert rec.id == "oai:test.example.com:1585322"
    assert rec.title == "Sample Title"
    assert [a.name for a in rec.creators] == ["John Doe"]  # four identical creators: one person
    assert rec.abstracts[0].startswith("Lorem ipsum dolor sit amet, consectetur adipisicing elit")
    assert "\n" not in rec.abstracts[0]
    assert rec.publishers == ["Sample Publisher"]  # layout whitespace removed
    assert rec.issued == "2010"
    assert rec.languages == ["eng"]
    assert rec.urls == ["http://test.example.com/publication/1585322"]
    assert rec.formats == ["Article", "text"]  # DRIVER/DINI types translated, DCMI kept
    assert rec.extra["type"] == ["info:eu-repo/semantics/article", "doc-type:article"]
    assert rec.extra["source"] == ["Sample Source"]
    assert rec.extra["oai_datestamp"] == ["2011-01-10T10:19:23Z"]


def test_oai_dc_identifiers_and_formats(shared_data: Path) -> None:
    (rec,) = _items(shared_data / "oai-pmh" / "pyoai" / "fake1" / "00004.xml")
    assert rec.id == "hdl:1765/315"
    assert rec.isbn == ["90-9014980-5"]  # ISBN-10 with a valid check digit
    assert rec.urls == ["http://hdl.handle.net/1765/315"]
    assert [(a.family, a.given) for a in rec.contributors] == [("Edwards", "A.R.")]
    assert rec.extra["oai_set"] == ["2:7"]
    (paper,) = _items(shared_data / "oai-pmh" / "pyoai" / "fake2" / "00001.xml")
    assert "https://ep.eur.nl/retrieve/2566/rm0403.pdf" in paper.urls  # from dc:format
    assert paper.extra["format"] == ["application/pdf"]
    assert paper.extra["relation"] == ["OCFEB Research Memoranda;RM 0403"]
    assert paper.formats == ["Report"]  # "Working Paper"


def test_non_ascii_values(shared_data: Path) -> None:
    (rec,) = _items(shared_data / "oai-pmh" / "sickle" / "GetRecord_utf8test.xml")
    assert [a.name for a in rec.creators] == ["某人"]


def test_marc21_goes_through_the_marc_crosswalk(shared_data: Path) -> None:
    items = _items(shared_data / "oai-pmh" / "vufindharvest" / "marc.xml")
    first = items[0]
    assert first.id == "oai:urm_publish:9925821506101791"  # the OAI identifier, not 001
    assert first.source.format == "oai" and first.source.position == "record 1"
    assert first.title is not None and first.title.startswith("Der Soldat")
    assert first.edition == "Neue verb. und vermehrter Aufl."
    assert "Loen, Johann Michael von" in first.creators[0].name
    assert first.extra["oai_set"] == ["TESTING_DIGI_TEST", "TESTING_DIGI"]
    assert len({i.id for i in items}) == 100


def test_oai_doaj_fields(shared_data: Path) -> None:
    rec = _items(shared_data / "oai-pmh" / "vufindharvest" / "oai_doaj.xml")[0]
    assert rec.id == "oai:doaj.org/article:84d148928d694848ab183fa142fc18f8"
    assert rec.title.startswith("Authorship and affiliation as an indicator of quality")
    assert rec.formats == ["Article"]
    assert [a.name for a in rec.creators] == ["Vanessa Esperanza Oller-Arlandis",
                                              "Javier Sanz-Valero"]
    assert rec.creators[0].affiliations[0].startswith("Departamento de Salud Pública")
    assert "Universidad de Alicante" in rec.creators[1].affiliations[0]
    assert rec.doi == ["10.19230/jonnpr.1311"]
    assert rec.issn == ["2529-850X"]
    assert rec.publishers == ["Asociación Para el Progreso de la Biomedicina"]
    assert rec.issued == "2017-04-01"
    assert rec.urls == ["http://www.jonnpr.com/pdf/1311.pdf"]
    assert rec.abstracts[0].startswith("Aim: To describe content quality")
    assert [s.label for s in rec.subjects][:3] == ["Environmen", "Blogs", "Internet"]
    c = rec.container
    assert (c.title, c.volume, c.issue, c.page_start, c.page_end) == (
        "Jounal of Negative and No Positive Results", "4", "2", "129", "134")


def test_response_info_for_the_harvester(shared_data: Path) -> None:
    info = ResponseInfo()
    path = shared_data / "oai-pmh" / "vufindharvest" / "oai_doaj.xml"
    with path.open("rb") as stream:
        items = list(read_response(stream, str(path), info=info))
    assert len(items) == info.records == 100
    assert info.verb == "ListRecords"
    assert info.response_date == "2017-04-06T19:23:56Z"
    assert info.request["metadataPrefix"] == "oai_doaj"
    assert info.resumption_token == "eyJtIjogIm9haV9kb2FqIiwgIm4iOiAxMDB9"
    assert info.complete_list_size == "2460909"
    assert info.max_datestamp is not None and info.max_datestamp.startswith("2017-04-06")


def test_converter_hook_adds_a_metadata_format(shared_data: Path) -> None:
    """The <foo/> metadata is refused by default and read once a converter is given."""
    path = shared_data / "oai-pmh" / "vufindharvest" / "list_records_response.xml"

    def foo(elem: etree._Element, record_id: str, source: Source) -> Record:
        return Record(id=record_id, source=source, title=f"foo record {record_id}")

    tag = "{http://www.openarchives.org/OAI/2.0/}foo"
    with path.open("rb") as stream:
        deleted, rec = read_response(stream, str(path), converters={tag: foo})
    assert isinstance(deleted, Deletion) and deleted.id == "fake:foo1"
    assert rec.title == "foo record fake:foo2"


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    doc = f"""<?xml version="1.0"?>
<!DOCTYPE OAI-PMH [<!ENTITY xxe SYSTEM "file://{secret}">]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2020-01-01T00:00:00Z</responseDate>
<request verb="GetRecord">http://x/oai</request><GetRecord><record><header>
<identifier>oai:x:1</identifier><datestamp>2020-01-01</datestamp></header><metadata>
<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&xxe;</dc:title></oai_dc:dc>
</metadata></record></GetRecord></OAI-PMH>"""
    path = tmp_path / "xxe.xml"
    path.write_text(doc, encoding="utf-8")
    assert sniff(doc.encode()[:65536], "xxe.xml") >= 90
    with pytest.raises(ParseError, match="entit") as caught:
        list(read_path(str(path)))
    assert "TOP-SECRET" not in str(caught.value)



@pytest.mark.parametrize(("value", "slot", "expected"), [
    ("http://hdl.handle.net/1765/315", "urls", ["http://hdl.handle.net/1765/315"]),
    ("https://doi.org/10.1038/nature12373", "doi", ["10.1038/nature12373"]),
    ("doi:10.19230/jonnpr.1311", "doi", ["10.19230/jonnpr.1311"]),
    ("info:doi/10.1000/182", "doi", ["10.1000/182"]),
    ("10.1000/182", "doi", ["10.1000/182"]),
    ("978-3-16-148410-0", "isbn", ["978-3-16-148410-0"]),
    ("ISBN 0-306-40615-2", "isbn", ["0-306-40615-2"]),
    ("978-3-16-148410-1", "isbn", []),  # wrong check digit: not an ISBN
    ("2529-850X", "issn", ["2529-850X"]),
    ("ISSN 0028-0836", "issn", ["0028-0836"]),
    ("0028-0837", "issn", []),  # wrong check digit
    ("info:pmid/6839263", "pmid", "6839263"),
    ("urn:nbn:nl:ui:15-1765-315", "urns", ["urn:nbn:nl:ui:15-1765-315"]),  # not an ISBN
])
def test_dc_identifiers_recognised_by_shape(value: str, slot: str, expected: object) -> None:
    from ld.readers.oai_metadata import dc_record

    dc = etree.fromstring(
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier>{value}</dc:identifier>'
        "</oai_dc:dc>")
    rec = dc_record(dc, "oai:x:1", Source("x.xml", "record 1", "oai"))
    assert getattr(rec, slot) == expected
    if not expected:
        assert rec.extra["identifier"] == [value]


def test_marc21_without_001_keeps_the_oai_identifier(shared_data: Path, tmp_path: Path) -> None:
    """A MARCXML record with no 001 is still a record here: the OAI id names it."""
    text = (shared_data / "oai-pmh" / "vufindharvest" / "marc.xml").read_text(encoding="utf-8")
    stripped = re.sub(r'<controlfield tag="001">[^<]*</controlfield>', "", text)
    stripped = re.sub(r'<datafield tag="035".*?</datafield>', "", stripped, flags=re.S)
    path = tmp_path / "no001.xml"
    path.write_text(stripped, encoding="utf-8")
    items = _items(path)
    assert len(items) == 100
    first = items[0]
    assert isinstance(first, Record) and first.id == "oai:urm_publish:9925821506101791"
    assert first.title is not None and first.title.startswith("Der Soldat")
