"""Decoding one binary MARC record with pymarc, and the MARC-8 problems it hides.

pymarc turns MARC-8 into Unicode without ever failing: bytes of another
encoding (cp1251 Cyrillic under a blank leader/09) come out as diacritics
with no letter to sit on, and a multi-byte (CJK) character cut short is
written to standard error ("Multi-byte position 39 exceeds length of marc8
string 38"), naming neither file nor record, and replaced by a space.
Both would publish garbage, so both become a :class:`DecodeProblem` naming
the field, which the reader turns into a located, rejected record; so does
what pymarc refuses outright (invalid UTF-8, a directory it cannot read).

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

__all__ = ["DecodeProblem", "decode"]

# pymarc's only warning, one per odd subfield code, which we keep: ignored once, here,
# not with a catch_warnings block per record (process-wide state, swapped per record
# while other threads run)
warnings.filterwarnings("ignore", category=BadSubfieldCodeWarning)

# every combining mark MARC-8 can produce (pymarc's table flags them)
_MARKS = "".join(sorted({chr(uni) for table in marc8_mapping.CODESETS.values()
                         for uni, combining in table.values() if combining}))
_BASELESS = re.compile(rf"(?:^|[^\w{_MARKS}])[{_MARKS}]|[{_MARKS}]{{4}}")


class DecodeProblem(Exception):
    """Bytes pymarc cannot read, or a field that does not decode to text; ``field``
    is where ("leader/09", "directory", a field's tag)."""

    def __init__(self, message: str, field: str | None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


def decode(chunk: bytes) -> pymarc.Record:
    """The pymarc Record of one record's bytes; raises DecodeProblem for what
    pymarc refuses, and for MARC-8 that decodes to garbage or only in part."""
    with _captured() as notes:
        record = _pymarc_record(chunk)
    if notes:
        tag = _noted_field(chunk)
        raise DecodeProblem(f"{_field_name(tag)} does not decode as MARC-8 ({notes[0]})", tag)
    if record.leader[9:10] != "a" and (tag := _baseless_field(record)):
        raise DecodeProblem(f"field {tag} does not decode as MARC-8 (combining marks without "
                            "a base letter): is the file in another encoding?", tag)
    return record


def _pymarc_record(chunk: bytes) -> pymarc.Record:
    try:
        return pymarc.Record(chunk, hide_utf8_warnings=True)
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


def _noted_field(chunk: bytes) -> str | None:
    """The tag of the first field whose MARC-8 decoding makes pymarc write a note."""
    raw = pymarc.Record(chunk, to_unicode=False)
    for fld in raw.fields:
        for sub in [] if fld.is_control_field() else fld.subfields:
            with _captured() as notes:
                marc8.marc8_to_unicode(sub.value, hide_utf8_warnings=True)
            if notes:
                return fld.tag
    return None


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
