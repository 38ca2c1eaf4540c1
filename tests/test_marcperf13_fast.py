"""The MARC readers' faster paths (marcperf, session 13) give what the slower ones gave.

- ``marc_fields.utf8_record`` reads a record as ``pymarc.Record(chunk, force_utf8=True)``
  does, slot by slot, or leaves it to pymarc (None) where pymarc would guess, warn or fail;
- ``marc_fields.field`` makes the Field ``pymarc.Field`` makes from the same arguments;
- ``marc_text.clean`` and ``unbracket`` (string methods, brackets found by an expression)
  equal the regular-expression versions they replaced on random texts;
- ``marc._broken_entry`` (one expression over the directory) equals the per-entry loop;
- ``marc_classes.class_number`` (a match and a slice) equals its ``re.sub`` version.
"""

from __future__ import annotations

import io
import logging
import random
import re
import warnings
from pathlib import Path

import pymarc
import pytest
from pymarc import Indicators, Subfield

from ld.readers import marc, marc_classes
from ld.readers.marc_classes import class_number
from ld.readers.marc_fields import field, utf8_record
from ld.readers.marc_text import clean, unbracket

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "marc"


def _slots(fld: pymarc.Field) -> tuple:
    return (type(fld), fld.tag, fld.data, fld.indicators, type(fld.indicators),
            fld.subfields, [type(s) for s in fld.subfields], fld.control_field)


def _pymarc(chunk: bytes) -> pymarc.Record | None:
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pymarc.Record(chunk, force_utf8=True)
    except Exception:  # whatever pymarc raises, the fast path must not read the record
        return None
    finally:
        logging.disable(logging.NOTSET)


def _assert_same(chunk: bytes) -> bool:
    """True when the fast path read the record (and read it as pymarc does)."""
    fast, slow = utf8_record(chunk), _pymarc(chunk)
    if fast is None:
        return False
    assert slow is not None, chunk
    assert str(fast.leader) == str(slow.leader) and type(fast.leader) is type(slow.leader)
    assert (fast.force_utf8, fast.to_unicode) == (slow.force_utf8, slow.to_unicode)
    assert [_slots(f) for f in fast.fields] == [_slots(f) for f in slow.fields]
    return True


def _record(fields: list[tuple[str, bytes]], leader9: bytes = b"a") -> bytes:
    """ISO 2709 bytes of (tag, field bytes without the 0x1E) pairs."""
    directory, data = b"", b""
    for tag, body in fields:
        directory += tag.encode() + b"%04d%05d" % (len(body) + 1, len(data))
        data += body + b"\x1e"
    base = 24 + len(directory) + 1
    total = base + len(data) + 1
    leader = b"%05dnam %s22%05d   4500" % (total, leader9, base)
    return leader + directory + b"\x1e" + data + b"\x1d"


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/data/marc")
def test_utf8_record_reads_the_shared_records_as_pymarc() -> None:
    read = 0
    for path in sorted(SHARED.rglob("*.mrc")) + sorted(SHARED.rglob("*.dat")):
        for _offset, chunk in marc.chunks(io.BytesIO(path.read_bytes())):
            read += _assert_same(chunk)
    assert read > 2000


@pytest.mark.parametrize("fields", [
    [("001", b"id1"), ("245", b"10\x1faTitle :\x1fbsub /\x1fcMe.")],
    [("001", b"caf\xc3\xa9"), ("100", b"1 \x1faM\xc3\xbcller, J.")],
    [("001", b"x"), ("245", b"10")],  # no subfield
    [("001", b"x"), ("245", b"10\x1f\x1fa\x1fbv")],  # an empty piece, a code alone
    [("001", b"x"), ("00A", b"10\x1faa")],  # a letter in a low tag: a data field
    [("001", b"x"), ("ABC", b"  \x1faa")],
    [("001", b"x"), ("245", b"1\x1faa")],  # one indicator: pymarc guesses
    [("001", b"x"), ("245", b"\x1faa")],  # none
    [("001", b"x"), ("245", b"100\x1faa")],  # three
    [("001", b"x"), ("245", b"10\x1f\xe2\x80\xa1aa")],  # a code beyond ASCII ("‡")
    [("001", b"x"), ("245", b"10\x1faa\xff")],  # no UTF-8
    [("001", b"\xff"), ("245", b"10\x1faa")],
    [("001", b"x"), ("245", b"1\xc3\xa9\x1faa")],  # an indicator beyond ASCII
])
def test_utf8_record_is_pymarc_or_leaves_the_record_to_it(fields: list) -> None:
    chunk = _record(fields)
    fast = _assert_same(chunk)
    expected_fast = all(len(body.split(b"\x1f")[0]) == 2 and body.split(b"\x1f")[0].isascii()
                        and all(p[:1].isascii() for p in body.split(b"\x1f")[1:])
                        for tag, body in fields if not (tag < "010" and tag.isdigit()))
    assert fast == (expected_fast and b"\xff" not in chunk), fields


def test_utf8_record_leaves_broken_leaders_and_directories_to_pymarc() -> None:
    good = _record([("001", b"x"), ("245", b"10\x1faa")])
    for broken in (good[:12] + b"00000" + good[17:], good[:12] + b"99999" + good[17:],
                   b"9" * 5 + good[5:], good[:24] + b"\x1e" + good[24:],
                   good[:24] + b"24X" + good[27:], good[:26] + b"-1" + good[28:]):
        assert utf8_record(broken) is None or _assert_same(broken)
    empty = b"00026nam a2200025   4500\x1e\x1d"  # no field: pymarc raises NoFieldsFound
    assert utf8_record(empty) is None and _pymarc(empty) is None


@pytest.mark.parametrize(("tag", "ind", "subs", "data"), [
    ("245", Indicators("1", "0"), [Subfield("a", "T")], None),
    ("245", None, [Subfield("a", "T")], None),
    ("245", Indicators(" ", " "), [], None),
    ("245", Indicators("1", "0"), None, "ignored"),
    ("001", None, None, "id"),
    ("001", Indicators("1", "0"), [Subfield("a", "T")], None),  # a data field tagged 001
    ("008", None, None, ""),
    ("00A", Indicators("1", "0"), [Subfield("a", "T")], None),
    ("ABC", None, [Subfield("a", "T")], "x"),
])
def test_field_is_the_field_pymarc_makes(tag: str, ind: Indicators | None, subs: list | None,
                                         data: str | None) -> None:
    made = field(tag, ind, list(subs) if subs is not None else None, data)
    expected = pymarc.Field(tag=tag, indicators=ind, subfields=list(subs) if subs else subs,
                            data=data)
    assert _slots(made) == _slots(expected)
    assert (made.indicator1, made.indicator2, made.value()) == (
        expected.indicator1, expected.indicator2, expected.value())


# the regular-expression versions clean() and unbracket() had before (session 12)
_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_OLD_TRAILING = re.compile(rf"[\s/:;=,{_BIDI}]+$")
_OLD_LEADING_BIDI = re.compile(rf"^[\s{_BIDI}]+")
_OLD_TRAILING_DOT = re.compile(r"(?<![.\s][A-Z])(?<!\.\.)\.$")


def _old_clean(value: str | None, *, keep_dot: bool = False) -> str:
    if not value:
        return ""
    text = _OLD_LEADING_BIDI.sub("", _OLD_TRAILING.sub("", " ".join(value.split())))
    return text if keep_dot or not text.endswith(".") else _OLD_TRAILING_DOT.sub("", text).strip()


def _old_drop_unmatched(text: str) -> str:
    opened: list[int] = []
    unmatched: set[int] = set()
    for i, char in enumerate(text):
        if char == "[":
            opened.append(i)
        elif char == "]" and opened:
            opened.pop()
        elif char == "]":
            unmatched.add(i)
    unmatched.update(opened)
    return "".join(c for i, c in enumerate(text) if i not in unmatched)


def _old_unbracket(value: str) -> str:
    text = _old_drop_unmatched(value).strip()
    while text.startswith("[") and _old_closing(text) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def _old_closing(text: str) -> int:
    depth = 0
    for i, char in enumerate(text):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0:
            return i
    return -1


_ALPHABET = [*"aZ. .,;:/=[]?-A.B", "  ", "\t", "\n", "\xa0", "\u200f", "\u202b", "\u2069",
             "\u3000", "é", "Ü", "ſ", "..."]


def test_clean_and_unbracket_equal_their_expression_versions_on_random_texts() -> None:
    rng = random.Random(13)
    for _ in range(200_000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 12)))
        for keep_dot in (False, True):
            assert clean(text, keep_dot=keep_dot) == _old_clean(text, keep_dot=keep_dot), text
        assert unbracket(text) == _old_unbracket(text), text
    assert clean(None) == _old_clean(None) == ""


def _old_broken_entry(chunk: bytes, base: int) -> str | None:
    entry_re = re.compile(rb"([0-9A-Za-z]{3})([0-9]{4})([0-9]{5})")
    last = len(chunk) - 1
    for i in range(24, base - 1, 12):
        entry = entry_re.fullmatch(chunk, i, i + 12)
        if entry is not None:
            length, start = int(entry[2]), int(entry[3])
            end = base + start + length
            if length and end <= last and chunk[end - 1] == 0x1E:
                continue
        problem = marc._entry_problem(chunk, base, chunk[i:i + 12])
        if problem:
            return problem
    return None


def test_broken_entry_equals_the_entry_by_entry_loop() -> None:
    rng = random.Random(13)
    good = _record([("001", b"x"), ("008", b"y" * 40), ("245", b"10\x1faTitle"),
                    ("650", b" 0\x1faA\x1fxB")])
    base = int(good[12:17])
    for _ in range(20_000):
        chunk = bytearray(good)
        for _ in range(rng.randint(1, 3)):
            chunk[rng.randrange(24, base - 1)] = rng.choice(b"0123456789AZ#! \x1e")
        assert marc._broken_entry(bytes(chunk), base) == _old_broken_entry(bytes(chunk), base)


def _old_class_number(scheme: str, written: str) -> str | None:
    """class_number as it was, with re.sub (session 12)."""
    text = " ".join(written.split()).rstrip(" ,;:")
    if scheme == "ddc":
        text = text.replace("/", "").replace("'", "").strip("[]")
    elif scheme == "lcc":
        text = re.sub(r"^([A-Z]{1,3}) (?=\d)", r"\1", text)
    elif scheme == "nlm":
        text = re.sub(r"^([A-Z]{1,2})(?=\d)", r"\1 ", text)
    shape = marc_classes._SHAPES.get(scheme)
    if not text or (shape is not None and not shape.fullmatch(text)):
        return None
    return text


def test_class_number_equals_its_substitution_version_on_random_texts() -> None:
    rng = random.Random(13)
    alphabet = [*"QAWBZ 0123456789.\n,;:[]'/", "QA ", "WB", "\u0661"]
    for _ in range(50_000):
        written = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        for scheme in ("lcc", "nlm", "ddc", "udc"):
            assert class_number(scheme, written) == _old_class_number(scheme, written), written
