"""Decoding one binary MARC record with pymarc, and the MARC-8 problems it hides.

Which encoding: leader/09 "a" says UTF-8, anything else MARC-8, but many
exports write UTF-8 and leave leader/09 blank. Such a record is read as UTF-8
when its bytes are valid UTF-8 with at least one multi-byte sequence and no
escape (0x1B, which MARC-8 uses to switch character sets and UTF-8 MARC never
holds). MARC-8 text essentially never forms such sequences: a UTF-8 lead byte
is a MARC-8 spacing symbol (©, ℗, ß, 0xC0-0xC8) or combining mark
(0xE0-0xFE), and it would have to be followed by C1 controls or special
letters (Ł, Ø, ♭, 0x80-0xBF) throughout the record. Read as MARC-8, UTF-8
turned "Müller" into "M©ơller" without a word; pure ASCII reads the same
either way and stays MARC-8.

pymarc turns MARC-8 into Unicode without ever failing: bytes of another
encoding (cp1251 Cyrillic under a blank leader/09) come out as diacritics
with no letter to sit on or symbols, bytes MARC-8 does not define are
replaced by a space (with a note on standard error) or dropped (C1 bytes,
silently), and a multi-byte (CJK) character cut short is written to
standard error ("Multi-byte position 39 exceeds length of marc8 string
38"), naming neither file nor record, and replaced by a space. All would
publish garbage, so all become a :class:`DecodeProblem` naming the field,
which the reader turns into a located, rejected record; so do a MARC-8
record holding UTF-8 sequences while not valid UTF-8 throughout (neither
encoding), and what pymarc refuses outright (invalid UTF-8 under leader/09
"a", a directory it cannot read).

The message on standard error is caught by standing in for ``sys`` inside
``pymarc.marc8`` (its only use of ``sys`` is that write): per thread, so
a load's progress output written by another thread meanwhile is untouched.
"""

from __future__ import annotations

import re
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pymarc
from pymarc import marc8, marc8_mapping
from pymarc.exceptions import BadSubfieldCodeWarning, PymarcException

from ld.readers.marc_fields import utf8_record

__all__ = ["DecodeProblem", "decode"]

# pymarc's only warning, one per odd subfield code, which we keep: ignored once, here,
# not with a catch_warnings block per record (process-wide state, swapped per record
# while other threads run)
warnings.filterwarnings("ignore", category=BadSubfieldCodeWarning)

# every combining mark MARC-8 can produce (pymarc's table flags them)
_MARKS = "".join(sorted({chr(uni) for table in marc8_mapping.CODESETS.values()
                         for uni, combining in table.values() if combining}))
_BASELESS = re.compile(rf"(?:^|[^\w{_MARKS}])[{_MARKS}]|[{_MARKS}]{{4}}")
# the C1 bytes MARC-8 leaves undefined (it has only 0x88/0x89 non-sort marks and 0x8D/0x8E
# joiners): pymarc drops them silently, cp1252 quotes and UTF-8 continuation bytes alike
_UNDEFINED_C1 = re.compile(rb"[\x80-\x87\x8a-\x8c\x8f-\x9f]")
# a two-byte UTF-8 sequence (Latin letters, combining marks): in MARC-8 one of ℗ © ♯ ¿ ¡ ß €
# right before a C1 byte or a special letter (Ł, Ø, ♭ ...), which text never writes
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]")
# a MARC-8 combining mark precedes its letter: one ending a subfield has none (pymarc drops
# it silently), as a Latin-1 "Café" ends
_LAST_MARK = re.compile(rb"[\xe0-\xfe]$")
# any of the three in the record's bytes (a mark before a subfield or field end): worth a look
_SUSPECT = re.compile(b"|".join([_UNDEFINED_C1.pattern, _UTF8_SEQUENCE.pattern,
                                 rb"[\xe0-\xfe][\x1e\x1f]"]))
_ANOTHER_ENCODING = ": is the file in another encoding, or damaged?"


class DecodeProblem(Exception):
    """Bytes pymarc cannot read, or a field that does not decode to text; ``field``
    is where ("leader/09", "directory", a field's tag)."""

    def __init__(self, message: str, field: str | None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


def decode(chunk: bytes) -> pymarc.Record:
    """The pymarc Record of one record's bytes; raises DecodeProblem for what
    pymarc refuses, and for MARC-8 that decodes to garbage or only in part."""
    if chunk[9:10] == b"a" or _is_utf8(chunk):
        return _pymarc_record(chunk, utf8=True)
    with _captured() as notes:
        record = _pymarc_record(chunk)
    if notes or _SUSPECT.search(chunk):
        tag, why = _foreign_subfield(chunk) or (None, notes[0] if notes else "")
        if why:
            raise DecodeProblem(f"{_field_name(tag)} does not decode as MARC-8 ({why})"
                                f"{_ANOTHER_ENCODING}", tag)
    if tag := _baseless_field(record):
        raise DecodeProblem(f"field {tag} does not decode as MARC-8 (combining marks without "
                            f"a base letter){_ANOTHER_ENCODING}", tag)
    return record


def _is_utf8(chunk: bytes) -> bool:
    """True for bytes that can only be UTF-8: valid UTF-8, some of it beyond ASCII,
    and no escape (MARC-8's switch to another character set)."""
    if chunk.isascii() or b"\x1b" in chunk:
        return False
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _pymarc_record(chunk: bytes, *, utf8: bool = False) -> pymarc.Record:
    """pymarc's reading of the bytes; a sound UTF-8 record read the same way, faster."""
    fast = utf8_record(chunk) if utf8 else None
    if fast is not None:
        return fast
    try:
        return pymarc.Record(chunk, force_utf8=utf8)
    except UnicodeDecodeError as exc:
        raise DecodeProblem(f"the leader says UTF-8 (leader/09 = 'a') but a field has invalid "
                            f"UTF-8 ({exc.reason} at byte {exc.start} of the field)",
                            "leader/09") from exc
    except (PymarcException, ValueError, IndexError) as exc:
        raise DecodeProblem(f"broken leader or directory: {_describe(exc)}", "directory") from exc


def _describe(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text


def _baseless_field(record: pymarc.Record) -> str | None:
    """The first field with a diacritic that follows no letter, or four in a row:
    what bytes of another encoding read as MARC-8 look like."""
    for fld in record.fields:
        if fld.is_control_field():
            continue
        if any(not sub.value.isascii() and _BASELESS.search(sub.value) for sub in fld.subfields):
            return fld.tag
    return None


def _foreign_subfield(chunk: bytes) -> tuple[str, str] | None:
    """The tag of the first field with a subfield that is no MARC-8, and why."""
    raw = pymarc.Record(chunk, to_unicode=False)
    for fld in raw.fields:
        for sub in [] if fld.is_control_field() else fld.subfields:
            if why := _not_marc8(sub.value):
                return fld.tag, why
    return None


def _not_marc8(value: bytes) -> str | None:
    """Why a subfield's bytes are no MARC-8: a C1 byte MARC-8 does not define, a note
    pymarc writes, or (unless an escape switched sets) UTF-8 in a record that is not
    valid UTF-8 throughout, or a combining mark with no letter after it."""
    if byte := _UNDEFINED_C1.search(value):
        return f"byte 0x{byte.group().hex()}, which MARC-8 does not define"
    if b"\x1b" not in value and (seq := _UTF8_SEQUENCE.search(value)):
        return (f"UTF-8 bytes {seq.group().hex(' ')} = {seq.group().decode()!r}, though the "
                "record is not valid UTF-8 throughout either")
    if b"\x1b" not in value and (mark := _LAST_MARK.search(value)):
        return f"combining mark 0x{mark.group().hex()} at the end, with no letter after it"
    with _captured() as notes:
        marc8.marc8_to_unicode(value)
    return notes[0] if notes else None


def _field_name(tag: str | None) -> str:
    return f"field {tag}" if tag else "a field"


class _Stderr(threading.local):
    """Standard error as pymarc.marc8 sees it: kept for the record while this
    thread decodes one, passed through otherwise."""

    notes: list[str] | None = None

    def write(self, text: str) -> int:
        if self.notes is None:
            return sys.stderr.write(text)
        self.notes.append(text.strip())
        return len(text)

    def flush(self) -> None:
        if self.notes is None:
            sys.stderr.flush()


class _Sys:
    """``sys`` for pymarc.marc8: the real module but for its standard error."""

    def __init__(self, stderr: _Stderr) -> None:
        self.stderr = stderr

    def __getattr__(self, name: str) -> Any:
        return getattr(sys, name)


_STDERR = _Stderr()
marc8.sys = _Sys(_STDERR)  # type: ignore[attr-defined]


@contextmanager
def _captured() -> Iterator[list[str]]:
    """What pymarc.marc8 writes to standard error in this thread meanwhile."""
    _STDERR.notes = notes = []
    try:
        yield notes
    finally:
        _STDERR.notes = None
