"""M3: a JSON record larger than the cap (64 MB; lowered here) is refused, located.

One 512 MB value in a 0.5 MB gzip held ijson for minutes and a 2 GB JSON Lines line
was held whole. In JSON Lines the line is skipped unread (one bad record, reading
goes on); in a Solr response, whose documents cannot be skipped, the file stops
with a located input error, the records before it kept.
"""

from __future__ import annotations

import gzip
import io
import json

import pytest

from ld import readers
from ld.errors import ParseError, RecordError
from ld.model import Record
from ld.readers import read_stream

CAP = 100_000


def _doc(rid: str, title: str = "A title") -> dict[str, object]:
    return {"id": rid, "title": title, "format": ["Book"]}


@pytest.fixture(autouse=True)
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", CAP)


def test_a_json_lines_record_over_the_cap_is_one_bad_line() -> None:
    lines = [_doc("a"), _doc("big", "x" * 300_000), _doc("c")]
    data = gzip.compress(b"".join(json.dumps(d).encode() + b"\n" for d in lines))
    items = list(read_stream(io.BytesIO(data), "big.jsonl.gz"))
    assert [type(i) for i in items] == [Record, RecordError, Record]
    assert [items[0].id, items[2].id] == ["a", "c"]  # type: ignore[union-attr]
    error = items[1]
    assert "larger than 100,000 bytes" in error.message and error.location.position == "line 2"


def test_a_solr_document_over_the_cap_stops_the_file_located() -> None:
    docs = [_doc("a"), _doc("big", "x" * 300_000), _doc("c")]
    data = json.dumps({"response": {"docs": docs}}).encode()
    items = read_stream(io.BytesIO(data), "big.json")
    first = next(items)
    assert isinstance(first, Record) and first.id == "a"
    with pytest.raises(ParseError) as caught:
        next(items)
    assert "larger than 100,000 bytes" in caught.value.message
    assert caught.value.location.position.startswith("record 2, after byte ")


def test_records_under_the_cap_are_read() -> None:
    # 300 KB in all, each under the cap by more than the 64 KiB a record's start may lag
    docs = [_doc(str(n), "y" * 20_000) for n in range(15)]
    data = json.dumps({"response": {"docs": docs}}).encode()
    assert [i.id for i in read_stream(io.BytesIO(data), "ok.json")] == [  # type: ignore[union-attr]
        str(n) for n in range(15)]


def _marcxml(*sizes: int) -> bytes:
    """A MARCXML collection, one record per size: that many bytes of 500 $a subfields."""
    note = b'<subfield code="a">x</subfield>'
    records = b"".join(
        b"<record><leader>00000nam a2200000 a 4500</leader>"
        + f'<controlfield tag="001">r{n}</controlfield>'.encode()
        + b'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">T</subfield></datafield>'
        + b'<datafield tag="500" ind1=" " ind2=" ">' + note * (size // len(note))
        + b"</datafield></record>" for n, size in enumerate(sizes))
    return b'<collection xmlns="http://www.loc.gov/MARC21/slim">' + records + b"</collection>"


def test_an_xml_record_over_the_cap_stops_the_file_located() -> None:
    items = read_stream(io.BytesIO(gzip.compress(_marcxml(100, 300_000, 100))), "big.xml.gz")
    first = next(items)
    assert isinstance(first, Record) and first.id == "r0"
    with pytest.raises(ParseError) as caught:
        next(items)
    assert "larger than 100,000 bytes" in caught.value.message
    assert caught.value.location.position.startswith("the record after byte ")


def test_xml_records_under_the_cap_are_read() -> None:
    data = _marcxml(*[20_000] * 15)
    assert [i.id for i in read_stream(io.BytesIO(data), "ok.xml")] == [  # type: ignore[union-attr]
        f"r{n}" for n in range(15)]
