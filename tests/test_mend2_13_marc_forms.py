"""A field written in the other form than its tag costs its record, never the file.

An MARCXML ``<datafield tag="008">`` became a pymarc control field without
text and the crosswalk's ``f008[6:7]`` raised TypeError: the file stopped
there, the records after it lost (review2 H1). MARC-in-JSON rejected it with
a TypeError message. Now both formats refuse that record naming the field,
and the next record reads as it reads alone.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from rdflib.compare import to_isomorphic

from ld.errors import RecordError
from ld.mapping import map_record
from ld.model import Record
from ld.readers import marc, marcjson, marcxml

BASE = "http://example.org/"
WHEN = datetime(2026, 1, 1, tzinfo=UTC)
LEADER = "00000nam a2200000 a 4500"
FINE_XML = (f'<record><leader>{LEADER}</leader><controlfield tag="001">a2</controlfield>'
            '<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Fine</subfield>'
            "</datafield></record>")
FINE_JSON = {"leader": LEADER, "fields": [
    {"001": "a2"}, {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "Fine"}]}}]}


def _xml(*records: str) -> bytes:
    return (f'<collection xmlns="http://www.loc.gov/MARC21/slim">{"".join(records)}'
            "</collection>").encode()


def _graph(result: Record | RecordError) -> object:
    assert isinstance(result, Record), result
    return to_isomorphic(map_record(result, BASE, modified=WHEN))


def _read(reader: object, data: bytes, name: str) -> list[Record | RecordError]:
    return list(reader.read(io.BytesIO(data), name))  # type: ignore[attr-defined]


def test_marcxml_datafield_008_is_that_records_reject() -> None:
    bad = (f'<record><leader>{LEADER}</leader><controlfield tag="001">a1</controlfield>'
           '<datafield tag="008" ind1=" " ind2=" "><subfield code="a">x</subfield>'
           "</datafield></record>")
    first, second = _read(marcxml, _xml(bad, FINE_XML), "x.xml")
    assert isinstance(first, RecordError) and first.location.field == "008"
    assert _graph(second) == _graph(_read(marcxml, _xml(FINE_XML), "x.xml")[0])


def test_marcxml_controlfield_245_is_that_records_reject() -> None:
    bad = (f'<record><leader>{LEADER}</leader><controlfield tag="001">a1</controlfield>'
           '<controlfield tag="245">Lost title</controlfield></record>')
    first, second = _read(marcxml, _xml(bad, FINE_XML), "x.xml")
    assert isinstance(first, RecordError) and first.location.field == "245"
    assert isinstance(second, Record) and second.id == "a2"


def test_marcxml_local_tags_of_letters_stay_free() -> None:
    local = (f'<record><leader>{LEADER}</leader><controlfield tag="001">a2</controlfield>'
             '<controlfield tag="FMT">BK</controlfield>'
             '<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Fine</subfield>'
             "</datafield></record>")
    (result,) = _read(marcxml, _xml(local), "x.xml")
    assert _graph(result) == _graph(_read(marcxml, _xml(FINE_XML), "x.xml")[0])


def test_marc_json_wrong_forms_are_located_rejects() -> None:
    as_object = {"leader": LEADER, "fields": [
        {"001": "a1"}, {"008": {"ind1": " ", "ind2": " ", "subfields": [{"a": "x"}]}}]}
    as_string = {"leader": LEADER, "fields": [{"001": "a3"}, {"245": "Lost title"}]}
    data = json.dumps([as_object, as_string, FINE_JSON]).encode()
    first, second, third = _read(marcjson, data, "x.json")
    assert isinstance(first, RecordError) and first.location.field == "008"
    assert isinstance(second, RecordError) and second.location.field == "245"
    assert _graph(third) == _graph(_read(marcjson, json.dumps(FINE_JSON).encode(), "x.json")[0])


def _binary(fields: list[tuple[bytes, bytes]]) -> bytes:
    directory, data = b"", b""
    for tag, body in fields:
        directory += tag + b"%04d%05d" % (len(body) + 1, len(data))
        data += body + b"\x1e"
    base = 24 + len(directory) + 1
    return (b"%05dnam a22%05d a 4500" % (base + len(data) + 1, base) + directory + b"\x1e"
            + data + b"\x1d")


def test_marc_binary_008_with_subfields_reads_as_pymarc_reads_it() -> None:
    """ISO 2709 has no separate form: the tag decides, and an 008 holding 0x1F is read
    as its text (pymarc and MarcEdit do the same); the records go on."""
    fine = _binary([(b"001", b"a2"), (b"245", b"10\x1faFine")])
    odd = _binary([(b"001", b"a1"), (b"008", b"  \x1fax"), (b"245", b"10\x1faT")])
    first, second = _read(marc, odd + fine, "x.mrc")
    assert isinstance(first, Record) and first.id == "a1"
    assert _graph(second) == _graph(_read(marc, fine, "x.mrc")[0])
