"""VuFind staff-view text reader (the layout of ld/sample/pubmed-6839263.txt).

A record copied from VuFind's "Staff View" tab looks like::

    <display text: title, abstract, "Detalles Bibliográficos", labels ...>
    _version_ 1783467382071623680
    author Clavel, Nathalie
    Pomey, Marie-Pascale
    collection PubMed
    ...

The rules, applied line by line (the file is streamed, never loaded whole):

1. A **field line** is ``<name> <value>`` where ``<name>`` is identifier-like
   (``[A-Za-z_][A-Za-z0-9_-]*``, so ``callnumber-first`` qualifies) AND is
   either a field of VuFind's biblio schema (static names and dynamic
   suffixes such as ``*_str_mv``, see vufind_fields.SCHEMA_FIELDS) or a
   local name containing an underscore. Display text ("Lenguaje:English",
   "Detalles Bibliográficos") and values ("Pomey, Marie-Pascale", "Text",
   "AT clavelnathalie ...") fail one of these tests.
2. Lines before the first field line of a record are display text: skipped.
3. Any other non-blank line continues the last field: one more value of a
   multi-valued field, or one more line (joined with a newline) of a
   single-valued one such as ``description``.
4. Records end at the end of the file; at a field line whose field the
   record already has (a Solr document holds each field once, so a repeated
   ``id`` or ``_version_`` starts the next record); and at a non-field line
   that follows a blank line (the next record's display text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from ld.errors import Location, ParseError, RecordError
from ld.model import Record, Source
from ld.readers.vufind_fields import doc_to_record
from ld.readers.vufind_schema import SINGLE_VALUED, is_known_field

NAME = "vufind-text"
DESCRIPTION = "VuFind staff-view text: 'fieldname value' lines, continuation lines below"

_FIELD_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*) (.*\S.*)$")


def field_name(line: str) -> tuple[str, str] | None:
    """(name, value) when ``line`` is a field line by rule 1, else None."""
    match = _FIELD_LINE.match(line)
    if not match:
        return None
    name = match.group(1)
    if is_known_field(name) or "_" in name.strip("_"):
        return name, match.group(2).strip()
    return None


def sniff(head: bytes, filename: str) -> int:
    """Several known-field lines, one of them ``id``: the staff-view layout."""
    stripped = head.lstrip()
    if stripped[:1] in (b"{", b"[", b"<"):
        return 0
    text = head.decode("utf-8", "replace")
    names = set()
    for line in text.splitlines()[:2000]:
        found = _FIELD_LINE.match(line)
        if found and is_known_field(found.group(1)):
            names.add(found.group(1))
    if "id" in names and len(names) >= 3:
        return 85
    return 40 if len(names) >= 3 else 0


class _Builder:
    """Collects the fields of one record as the lines go by."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.last: str | None = None
        self.first_line = 0

    def add(self, name: str, value: str, line_no: int) -> None:
        if not self.fields:
            self.first_line = line_no
        self.fields[name] = [value]
        self.last = name

    def extend(self, value: str) -> None:
        assert self.last is not None
        self.fields[self.last].append(value)

    def take(self, field: tuple[str, str] | None, line: str, line_no: int) -> None:
        """A field line starts a field (rule 1); other lines continue the last one (rule 3)."""
        if field:
            self.add(*field, line_no)
        elif self.fields:
            self.extend(line.strip())

    def ends_at(self, field: tuple[str, str] | None, after_blank: bool) -> bool:
        """Rule 4: a field this record already has, or text after a blank line, ends it."""
        if not self.fields:
            return False
        if field is None:
            return after_blank
        return field[0] in self.fields

    def doc(self) -> dict[str, str | list[str]]:
        return {
            name: "\n".join(vals) if name in SINGLE_VALUED else vals
            for name, vals in self.fields.items()
        }


def read(stream: BinaryIO, filename: str) -> Iterator[Record | RecordError]:
    """Yield one Record (or RecordError) per staff-view record, line by line."""
    builders = _split(_lines(stream, filename), filename)
    for count, builder in enumerate(builders, start=1):
        yield _record(builder, filename, count)


def _split(lines: Iterator[tuple[int, str]], filename: str) -> Iterator[_Builder]:
    """The records' fields, each record yielded as soon as the next one starts."""
    current = _Builder()
    after_blank = seen_text = found = False
    for line_no, line in lines:
        if not line.strip():
            after_blank = True
            continue
        field = field_name(line)
        if current.ends_at(field, after_blank):
            yield current
            current, found = _Builder(), True
        current.take(field, line, line_no)
        after_blank, seen_text = False, True
    if current.fields:
        yield current
    elif seen_text and not found:
        raise _no_field_line(filename)


def _no_field_line(filename: str) -> ParseError:
    return ParseError(
        "no 'fieldname value' line of VuFind's schema found",
        Location(file=filename),
        hint="is this the staff-view text layout? pass another --format if not",
    )


def _lines(stream: BinaryIO, filename: str) -> Iterator[tuple[int, str]]:
    """Decoded lines with their numbers; bad UTF-8 is a ParseError at its byte."""
    offset = 0
    for line_no, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            at = offset + exc.start
            raise ParseError(
                f"invalid UTF-8 ({exc.reason})",
                Location(file=filename, position=f"byte {at} (line {line_no})"),
                hint="the file must be UTF-8; convert it (e.g. iconv) and load again",
            ) from None
        offset += len(raw)
        yield line_no, text.rstrip("\r\n").removeprefix("\ufeff")


def _record(builder: _Builder, filename: str, count: int) -> Record | RecordError:
    position = f"record {count} (line {builder.first_line})"
    try:
        return doc_to_record(builder.doc(), Source(file=filename, position=position, format=NAME))
    except RecordError as error:
        return error
