"""pymarc Fields and Records built without pymarc's per-field overhead.

The MARC readers build a pymarc Field for every field of every record (twenty
a record, a million in a large load), and ``Field.__init__`` spends most of
its time checking arguments the readers already know are right: a
three-character tag, two indicators, a list of :class:`pymarc.Subfield`.
:func:`field` sets the same attributes to the same values directly, so the
Field is the one ``pymarc.Field(...)`` makes from those arguments.

:func:`utf8_record` reads a record whose leader says UTF-8 as
``pymarc.Record(chunk, force_utf8=True)`` does, a field's bytes decoded at
once rather than a subfield at a time (0x1F, the subfield delimiter, is never
part of a UTF-8 sequence, so the pieces are the same). Wherever pymarc would
guess, warn or fail (missing or extra indicators, a subfield code beyond
ASCII, bytes that are no UTF-8, a broken leader or directory) it gives
None, and the record is left to pymarc: its results, its errors.
"""

from __future__ import annotations

from importlib import metadata

import pymarc
from pymarc import Indicators, Subfield

__all__ = ["WrongForm", "control_tag", "field", "subfield", "utf8_record"]

# The pymarc these shortcuts copy (Field.__init__'s slots and control-field rule,
# Record.decode_marc's reading), compared with it by tests/test_marcperf13_fast.py.
# Another release may add a slot or change a rule: there pymarc builds every Field
# and reads every record itself, slower but its own.
CHECKED = metadata.version("pymarc").split(".")[:2] == ["5", "4"]

_new = object.__new__
_tuple = tuple.__new__
_BLANKS = Indicators(" ", " ")


def control_tag(tag: str) -> bool:
    """pymarc's rule: a numeric tag below 010 is a control field (text at fixed positions,
    no indicators or subfields); every other tag, letters included, a data field."""
    return tag < "010" and tag.isdigit()


class WrongForm(ValueError):
    """A field written in the form its numeric tag does not have: an 008 with indicators
    and subfields, a 245 as bare text.

    pymarc goes by the tag: such an 008 became a control field with no text (the
    crosswalk then failed with a TypeError that ended the whole file), a 245's
    text was dropped. Neither can be read as its catalogue meant, so the reader
    refuses the record naming the field (:attr:`field`) and how to write it
    (:attr:`hint`), rather than publish it without the field.
    """

    def __init__(self, message: str, field: str, hint: str) -> None:
        super().__init__(message)
        self.field = field
        self.hint = hint


def subfield(code: str, value: str) -> Subfield:
    """``Subfield(code, value)`` without the keyword handling of a namedtuple's __new__."""
    return _tuple(Subfield, (code, value))


def field(tag: str, marks: Indicators | None = None, subfields: list[Subfield] | None = None,
          data: str | None = None) -> pymarc.Field:
    """``pymarc.Field(tag, marks, subfields, data)`` for a three-character ``tag`` and
    two one-character indicators (or None: blanks), its attributes (pymarc 5's __slots__)
    set as pymarc sets them; tests/test_marcperf13_fast.py compares the two. Any other
    tag (pymarc pads "1" to "001", a control field) or pymarc release: pymarc's own."""
    if len(tag) != 3 or not CHECKED:
        return pymarc.Field(tag, marks, subfields, data)
    fld = _new(pymarc.Field)
    fld.tag = tag
    fld.control_field = tag < "010" and tag.isdigit()  # pymarc's rule, numeric tags only
    fld.data = data if fld.control_field else None
    fld.subfields = [] if fld.control_field or not subfields else subfields
    fld._indicators = None if fld.control_field else marks or _BLANKS
    return fld


def utf8_record(chunk: bytes) -> pymarc.Record | None:
    """The record ``pymarc.Record(chunk, force_utf8=True)`` reads, or None where pymarc
    would do more than read (guess, warn, raise), or when the installed pymarc is not
    the one this copies (:data:`CHECKED`): then pymarc should read it."""
    if not CHECKED:
        return None
    try:
        leader = chunk[:24].decode("ascii")
        base = int(chunk[12:17])
        directory = chunk[24:base - 1].decode("ascii")
        if (len(leader) != 24 or not 0 < base < len(chunk) or len(chunk) < int(leader[:5])
                or not directory or len(directory) % 12):
            return None
        fields = [_field(chunk, base, directory[i:i + 12]) for i in range(0, len(directory), 12)]
    except (UnicodeDecodeError, ValueError):
        return None
    if None in fields:
        return None
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader(leader)
    record.fields = fields
    return record


def _field(chunk: bytes, base: int, entry: str) -> pymarc.Field | None:
    """One directory entry's field, as pymarc decodes it; None when pymarc would warn."""
    tag, start = entry[:3], base + int(entry[7:12])
    text = chunk[start:start + int(entry[3:7]) - 1].decode("utf-8")
    if tag < "010" and tag.isdigit():
        return field(tag, data=text)
    head, *parts = text.split("\x1f")
    if len(head) != 2 or not head.isascii():
        return None  # pymarc guesses the indicators (and logs it)
    if not text.isascii() and not all(part[:1].isascii() for part in parts):
        return None  # a subfield code beyond ASCII: pymarc warns and guesses
    return field(tag, _tuple(Indicators, (head[0], head[1])),
                 [_tuple(Subfield, (part[0], part[1:])) for part in parts if part])
