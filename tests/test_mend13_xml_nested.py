"""H1: an event element nested in a record neither restarts the XML caps nor costs
time that grows with the square of the record's elements.

The caps counted from the last event of any of a reader's tags, so a nested
``<record/>`` (MARCXML) or ``<resumptionToken/>`` (OAI-PMH) every few hundred
thousand tags let one record hold millions of elements. In OAI-PMH the nested
element's proxy, still held by lxml, also made releasing the record quadratic
(200,000 elements: 11 s), and SIGTERM could not stop it.
"""

from __future__ import annotations

import io
import time

import pytest

from ld.errors import ParseError
from ld.model import Record
from ld.readers import oai, read_stream, xmlsafe

CAP = 10_000


def _marcxml(blocks: int, per_block: int) -> bytes:
    nested = (b'<datafield tag="500" ind1=" " ind2=" ">' + b'<subfield code="a"/>' * per_block
              + b"</datafield><record/>") * blocks
    return (b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
            b"<leader>00000nam a2200000 a 4500</leader>"
            b'<controlfield tag="001">r0</controlfield>'
            b'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">T</subfield></datafield>'
            + nested + b"</record></collection>")


def _oai(elements: int, every: int) -> bytes:
    body = (b"<a/>" * every + b"<o:resumptionToken>inner</o:resumptionToken>") * (elements // every)
    return (b'<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
            b'xmlns:o="http://www.openarchives.org/OAI/2.0/">'
            b"<responseDate>2020-01-01T00:00:00Z</responseDate>"
            b'<request verb="ListRecords" metadataPrefix="oai_dc">http://x/oai</request>'
            b"<ListRecords><record><header><identifier>oai:x:1</identifier>"
            b"<datestamp>2020-01-01</datestamp></header><metadata>"
            b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title><x>'
            + body + b"</x></oai_dc:dc></metadata></record>"
            b"<resumptionToken>outer</resumptionToken></ListRecords></OAI-PMH>")


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xmlsafe, "MAX_RECORD_TAGS", CAP)


@pytest.mark.usefixtures("small_cap")
def test_a_nested_marcxml_record_does_not_restart_the_tag_cap() -> None:
    # 20 x 5,000 subfields: each block under the cap, the record far past it
    with pytest.raises(ParseError, match=f"more than {CAP:,} XML tags"):
        list(read_stream(io.BytesIO(_marcxml(20, CAP // 2)), "nested.xml"))


@pytest.mark.usefixtures("small_cap")
def test_a_nested_oai_resumption_token_does_not_restart_the_tag_cap() -> None:
    with pytest.raises(ParseError, match=f"more than {CAP:,} XML tags"):
        list(oai.read(io.BytesIO(_oai(CAP * 10, CAP // 2)), "nested.xml"))


def test_a_nested_resumption_token_is_not_the_envelopes_and_costs_linear_time() -> None:
    info = oai.ResponseInfo()
    started = time.perf_counter()
    items = list(oai.read_response(io.BytesIO(_oai(200_000, 100_000)), "nested.xml", info=info))
    assert time.perf_counter() - started < 5  # was 11 s: quadratic in the record's elements
    assert [type(i) for i in items] == [Record]
    assert info.resumption_token == "outer"
