"""MARC-in-JSON reader: one record object, a JSON array of them, or JSON Lines.

``pymarc.JSONReader`` loads the whole document with ``json.load``; this
reader decodes one record object at a time from a sliding buffer instead
(``json.JSONDecoder.raw_decode``), so an array of a million records streams.
Each object becomes a ``pymarc.Record`` and goes through the shared MARC
crosswalk.

Values are strings; a number is kept as written (``parse_int=str``: Python
refuses to convert more than 4,300 digits, and a control number is text),
``null`` or any other non-string is no MARC value and refuses the record,
naming the field (``str()`` made it the text "None", even as a record id).
A document nested deeper than Python's JSON reader goes (about 1,000 levels)
stops the file where that object starts.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import pymarc

from ld.errors import Location, ParseError, RecordError
from ld.model import Record, Source
from ld.readers.marc import from_pymarc
from ld.readers.marc_fields import WrongForm, control_tag

NAME = "marc-json"
DESCRIPTION = "MARC-in-JSON (an object with leader and fields, an array of them, or JSON Lines)"

BLOCK = 1 << 16
_SNIFF = re.compile(rb'^\s*\[?\s*\{\s*"(leader|fields|v|f)"\s*:')
_SEPARATORS = " \t\r\n,[]"


def sniff(head: bytes, filename: str) -> int:
    if not _SNIFF.match(head):
        return 0
    return 92 if b'"leader"' in head or b'"000"' in head else 40


def read(stream: BinaryIO, filename: str) -> Iterator[Record | RecordError]:
    for number, (position, obj) in enumerate(_objects(stream, filename), start=1):
        source = Source(filename, f"record {number} (character {position})", NAME)
        try:
            yield from_pymarc(to_pymarc(obj), source)
        except RecordError as exc:
            yield exc
        except WrongForm as exc:
            yield RecordError(str(exc), Location(filename, source.position, field=exc.field),
                              hint=f"the record was skipped; {exc.hint}, and load the file "
                                   "again")
        except NotText as exc:
            yield RecordError(str(exc), Location(filename, source.position, field=exc.field),
                              hint="MARC-in-JSON values are strings: fix the field and load "
                                   "the file again")
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            yield RecordError(
                f"not a MARC-in-JSON record ({type(exc).__name__}: {exc})",
                Location(file=filename, position=source.position),
                hint="each record needs a 'leader' string and a 'fields' list",
            )


def _objects(stream: BinaryIO, filename: str) -> Iterator[tuple[int, Any]]:
    """Top-level JSON objects, one at a time, with their character offset."""
    decoder = json.JSONDecoder(strict=False, parse_int=str, parse_float=str)
    blocks = _text_blocks(stream, filename)
    buffer, consumed, eof = "", 0, False
    while True:
        stripped = buffer.lstrip(_SEPARATORS)
        consumed += len(buffer) - len(stripped)
        buffer = stripped
        end, obj = _decode(decoder, buffer, eof, filename, consumed)
        if end > 0:
            yield consumed, obj
            buffer, consumed = buffer[end:], consumed + end
        elif eof:
            return
        else:
            text, eof = next(blocks)
            buffer += text


def _decode(decoder: json.JSONDecoder, buffer: str, eof: bool, filename: str,
            consumed: int) -> tuple[int, Any]:
    """(end, object) for the JSON value the buffer starts with; end <= 0: read more first.

    Before the end of the file, invalid JSON is most likely an object cut at
    the block boundary; at the end, it is malformed.
    """
    if not buffer:
        return 0, None
    try:
        obj, end = decoder.raw_decode(buffer)
    except json.JSONDecodeError as exc:
        if eof:
            where = Location(file=filename, position=f"character {consumed + exc.pos}")
            raise ParseError(f"malformed JSON: {exc.msg}", where,
                             hint="records before this point were read") from exc
        return -1, None
    except RecursionError:  # more than ~1,000 levels: no record, and no way past it
        raise ParseError("JSON nested too deep (more than about 1,000 levels; no record "
                         "nests so deep)", Location(file=filename,
                                                   position=f"character {consumed}"),
                         hint="records before this point were read") from None
    return end, obj


def _text_blocks(stream: BinaryIO, filename: str) -> Iterator[tuple[str, bool]]:
    """(text, at end of file) per block read; a character cut between blocks waits."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    eof = False
    while not eof:
        data = stream.read(BLOCK)
        eof = not data
        try:
            text = utf8.decode(data, final=eof)
        except UnicodeDecodeError as exc:
            raise ParseError(f"not UTF-8: {exc.reason}", Location(file=filename),
                             hint="MARC-in-JSON must be UTF-8") from exc
        yield text, eof


class NotText(ValueError):
    """A MARC value that is not a string (``null``, a list, an object, a boolean)."""

    def __init__(self, field: str, value: Any) -> None:
        kind = "null" if value is None else type(value).__name__.replace("dict", "object")
        super().__init__(f"field {field} is {kind}, not a string: no MARC value")
        self.field = field


def _text(value: Any, field: str) -> str:
    """A value as MARC text: a string (numbers arrive as written, see ``_objects``)."""
    if isinstance(value, str):
        return value
    raise NotText(field, value)


def _indicator(value: Any, field: str) -> str:
    """One indicator character; null or missing is blank, as MARC writes "undefined"."""
    return " " if value is None else (_text(value, field)[:1] or " ")


def to_pymarc(obj: dict[str, Any]) -> pymarc.Record:
    """A pymarc.Record from one MARC-in-JSON object (as pymarc.JSONReader builds it)."""
    if "f" in obj and "leader" not in obj:
        return _from_recordmanager(obj["f"])
    record = pymarc.Record()
    record.leader = pymarc.Leader(_text(obj["leader"], "leader").ljust(24)[:24])
    for entry in obj["fields"]:
        ((tag, value),) = entry.items()
        _check_form(tag, isinstance(value, dict))
        if isinstance(value, dict):
            subfields = [pymarc.Subfield(code=c, value=_text(v, f"{tag} ${c}"))
                         for sub in value.get("subfields", []) for c, v in sub.items()]
            indicators = [_indicator(value.get("ind1"), f"{tag} ind1"),
                          _indicator(value.get("ind2"), f"{tag} ind2")]
            record.add_field(pymarc.Field(tag=tag, indicators=indicators, subfields=subfields))
        else:
            record.add_field(pymarc.Field(tag=tag, data=_text(value, tag)))
    return record


def _from_recordmanager(fields: dict[str, Any]) -> pymarc.Record:
    """NatLibFi RecordManager's compact MARC JSON ({"v": 3, "f": {tag: [...]}}).

    "000" is the leader; control fields are lists of strings; data fields are
    lists of {"i1", "i2", "s": [{code: value}]}; a data field without "s" is
    empty and dropped, as MARC has no empty data fields.
    """
    record = pymarc.Record()
    for tag, occurrences in fields.items():
        if tag == "000":
            record.leader = pymarc.Leader(_text(occurrences, "000").ljust(24)[:24])
            continue
        for value in occurrences if isinstance(occurrences, list) else [occurrences]:
            _check_form(tag, isinstance(value, dict))
            if not isinstance(value, dict):
                record.add_field(pymarc.Field(tag=tag, data=_text(value, tag)))
            elif value.get("s"):
                subfields = [pymarc.Subfield(code=c, value=_text(v, f"{tag} ${c}"))
                             for sub in value["s"] for c, v in sub.items()]
                indicators = [_indicator(value.get("i1"), f"{tag} i1"),
                              _indicator(value.get("i2"), f"{tag} i2")]
                record.add_field(pymarc.Field(tag=tag, indicators=indicators,
                                              subfields=subfields))
    return record


def _check_form(tag: Any, data_form: bool) -> None:
    """Refuse (:class:`WrongForm`) a numeric tag in the other form: an "008" object with
    indicators and subfields (pymarc made it a control field without text), a "245"
    string (pymarc dropped it). Tags of letters are local and free; digits are read as
    pymarc pads them ("8" is 008)."""
    numeric = isinstance(tag, str) and tag.isascii() and tag.isdigit()
    if not numeric or control_tag(f"{int(tag):03}") != data_form:
        return
    if data_form:
        raise WrongForm(f"field {tag} is a control field (text at fixed positions) but is "
                        "an object with indicators and subfields", tag,
                        f'write it as "{tag}": "its text"')
    raise WrongForm(f"field {tag} is a data field (indicators and subfields) but is a "
                    "string: its text would be lost", tag,
                    f'write it as "{tag}": {{"ind1": " ", "ind2": " ", "subfields": [...]}}')
