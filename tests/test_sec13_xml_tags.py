"""M3 (rest): an XML record of millions of elements is refused before lxml builds it.

One MARCXML record of 3 M empty subfields (a 225 KB gzip, under the 64 MB byte cap)
cost 1.7 GB of RAM: lxml spends about 350 bytes per element. The XML layer counts
tags as it reads and stops the file past ``MAX_RECORD_TAGS``, naming the record, as
it does past the byte cap; a record as large as MARC allows is still read.
"""

from __future__ import annotations

import gzip
import io

import pytest

from ld.errors import ParseError
from ld.model import Record
from ld.readers import read_stream
from ld.readers.xmlsafe import MAX_RECORD_TAGS


def _record(n: int, subfields: int) -> bytes:
    return (b"<record><leader>00000nam a2200000 a 4500</leader>"
            + f'<controlfield tag="001">r{n}</controlfield>'.encode()
            + b'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">T</subfield></datafield>'
            + b'<datafield tag="500" ind1=" " ind2=" ">' + b'<subfield code="a"/>' * subfields
            + b"</datafield></record>")


def _marcxml(*subfields: int) -> bytes:
    records = b"".join(_record(n, count) for n, count in enumerate(subfields))
    return gzip.compress(
        b'<collection xmlns="http://www.loc.gov/MARC21/slim">' + records + b"</collection>")


def test_a_record_of_too_many_elements_stops_the_file_located() -> None:
    # a record's count starts where lxml had read to at the previous record's end: up
    # to one 32 KiB chunk, so up to 32,768 tags, late
    items = read_stream(io.BytesIO(_marcxml(1, MAX_RECORD_TAGS + 40_000, 1)), "many.xml.gz")
    first = next(items)
    assert isinstance(first, Record) and first.id == "r0"
    with pytest.raises(ParseError) as caught:
        next(items)
    assert f"more than {MAX_RECORD_TAGS:,} XML tags" in caught.value.message
    assert caught.value.location.file == "many.xml.gz"
    assert caught.value.location.position.startswith("the record after byte ")


def test_records_as_large_as_marc_allows_are_read() -> None:
    # a MARC record cannot pass 99,999 bytes, so it has fewer than 50,000 subfields;
    # many such records in a row do not add up
    items = list(read_stream(io.BytesIO(_marcxml(*[50_000] * 25)), "large.xml.gz"))
    assert [i.id for i in items] == [f"r{n}" for n in range(25)]  # type: ignore[union-attr]
