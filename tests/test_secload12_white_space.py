"""H3: 64 KiB or more of white space before the content is not an empty file.

A head of only white space made read_stream call the file empty and skip every
record in it (exit 0); JSON and XML allow any amount of leading white space.
"""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime

from rdflib.compare import isomorphic

from ld.mapping import map_record
from ld.model import Record
from ld.readers import read_stream

BASE = "http://example.org/"
WHEN = datetime(2026, 1, 1, tzinfo=UTC)  # the same dcterms:modified in both graphs
SOLR = (b'{"response":{"docs":[{"id":"ws-rec","title":"Leading white space",'
        b'"format":["Book"]}]}}')
MARCXML = (b'<?xml version="1.0"?><collection xmlns="http://www.loc.gov/MARC21/slim">'
           b'<record><leader>00000nam a2200000 a 4500</leader>'
           b'<controlfield tag="001">ws-marc</controlfield>'
           b'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Blank lines first'
           b'</subfield></datafield></record></collection>')


def _records(data: bytes, name: str) -> list[Record]:
    items = list(read_stream(io.BytesIO(data), name))
    assert all(isinstance(item, Record) for item in items), items
    return items  # type: ignore[return-value]


def _same_records(padded: bytes, plain: bytes, name: str) -> None:
    """The padded file gives the records of the plain one, graph for graph."""
    got, want = _records(padded, name), _records(plain, name)
    assert len(got) == len(want) == 1
    assert isomorphic(map_record(got[0], BASE, modified=WHEN),
                      map_record(want[0], BASE, modified=WHEN))


def test_70000_spaces_before_a_json_record() -> None:
    _same_records(b" " * 70_000 + SOLR, SOLR, "ws.json")


def test_70000_spaces_before_a_gzipped_json_record() -> None:
    _same_records(gzip.compress(b" " * 70_000 + SOLR), SOLR, "ws.json.gz")


def test_several_buffers_of_mixed_white_space_gzipped() -> None:
    padded = b" \t\r\n" * 1_000_000 + SOLR  # 4 MB: many buffers skipped
    _same_records(gzip.compress(padded), SOLR, "ws.json.gz")


def test_70000_blank_lines_before_marcxml() -> None:
    _same_records(b"\n" * 70_000 + MARCXML.split(b"?>", 1)[1], MARCXML, "nl.xml")


def test_only_white_space_past_64_kib_is_still_empty() -> None:
    assert list(read_stream(io.BytesIO(b" \n" * 100_000), "blank.json")) == []
    assert list(read_stream(io.BytesIO(gzip.compress(b" " * 200_000)), "blank.json.gz")) == []
