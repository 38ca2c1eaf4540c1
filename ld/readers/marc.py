"""Binary MARC 21 (ISO 2709) reader: MARC-8 or UTF-8, streamed.

Framing: records are cut at the end-of-record byte (0x1D) instead of
trusting the five-digit length in the leader, which is what
``pymarc.MARCReader`` does. A record with a broken leader or directory then
costs only itself: the next record starts after the next 0x1D, so reading
goes on (``MARCReader`` loses its place after a bad length), and records
longer than the 99,999 bytes the leader can express still read. Each chunk
is decoded by ``pymarc.Record`` (MARC-8 -> Unicode included, checked by
:mod:`ld.readers.marc_decode`) and mapped by the shared crosswalk
:func:`from_pymarc`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import BinaryIO

from ld.errors import Location, ParseError, RecordError
from ld.model import Record, Source
from ld.readers.marc_crosswalk import from_pymarc
from ld.readers.marc_decode import DecodeProblem, decode

__all__ = ["DESCRIPTION", "NAME", "from_pymarc", "parse_chunk", "read", "sniff"]

NAME = "marc"
DESCRIPTION = "MARC 21 binary records (ISO 2709, .mrc), MARC-8 or UTF-8"

END_OF_RECORD = b"\x1d"
BLOCK = 1 << 16
_LEADER = re.compile(rb"^\d{5}[\x20-\x7e]{7}\d{5}[\x20-\x7e]{7}")
_FILLER = b"\r\n\x00\x1a "


def sniff(head: bytes, filename: str) -> int:
    """Confident when the head starts with a MARC leader and has MARC separators."""
    if _LEADER.match(head):  # the directory may be longer than the head: don't require 0x1E
        return 95 if head[20:24] == b"4500" else 80 if b"\x1e" in head else 60
    if head.count(END_OF_RECORD) and head.count(b"\x1e") and head.count(b"\x1f"):
        return 30
    return 0


def read(stream: BinaryIO, filename: str) -> Iterator[Record | RecordError]:
    """One Record or RecordError per record in the stream, in file order.

    A file that ends inside a record (no 0x1D after its last bytes) is cut
    short: a ParseError after the records before it, as for every format (the
    README's exit code 2, "truncated file"), not one more rejected record.
    """
    _quiet_pymarc()
    for number, (offset, chunk) in enumerate(chunks(stream), start=1):
        if not chunk.endswith(END_OF_RECORD):
            raise _truncated(chunk, filename, number, offset)
        yield parse_chunk(chunk, filename, number, offset)


def _truncated(chunk: bytes, filename: str, number: int, offset: int) -> ParseError:
    return ParseError(
        f"the file ends inside record {number}, {len(chunk)} bytes after its start, before "
        "its end-of-record mark (0x1D): truncated file?",
        Location(file=filename, position=f"record {number} (byte {offset})",
                 record_id=_control_number(chunk)),
        hint="records before this point were read; fetch or export the file again and load it")


def chunks(stream: BinaryIO, block: int = BLOCK) -> Iterator[tuple[int, bytes]]:
    """(byte offset, record bytes incl. 0x1D) for every record; a tail without 0x1D last."""
    pending, start = b"", 0
    while True:
        data = stream.read(block)
        if not data:
            break
        pending += data
        parts = pending.split(END_OF_RECORD)
        for part in parts[:-1]:
            stripped = part.lstrip(_FILLER)
            yield start + len(part) - len(stripped), stripped + END_OF_RECORD
            start += len(part) + 1
        pending = parts[-1]
    stripped = pending.lstrip(_FILLER)
    if stripped.rstrip(_FILLER):
        yield start + len(pending) - len(stripped), stripped


def parse_chunk(chunk: bytes, filename: str, number: int, offset: int) -> Record | RecordError:
    """Decode and map one record; every failure becomes a located RecordError."""
    source = Source(file=filename, position=f"record {number} (byte {offset})", format=NAME)
    problem, field = _framing_problem(chunk)
    if problem is None:
        try:
            return from_pymarc(decode(chunk), source)
        except RecordError as exc:
            return exc
        except DecodeProblem as exc:
            problem, field = exc.message, exc.field
        except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
            # a reader bug costs this record, not the whole load
            problem, field = (f"cannot read this record ({type(exc).__name__}: {exc}); this "
                              "is a bug in ldpub's MARC reader, please report it"), None
    return RecordError(
        problem,
        Location(file=filename, position=source.position, record_id=_control_number(chunk),
                 field=field),
        hint="the record was skipped; fix or re-export it and load the file again",
    )


class _IndicatorNoise(logging.Filter):
    """pymarc logs one warning per field with odd indicators (hundreds for one bad
    record); the data is still read, so the warnings only bury the load summary."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "indicator" not in record.getMessage()


_NOISE_FILTER = _IndicatorNoise()


def _quiet_pymarc() -> None:
    logger = logging.getLogger("pymarc")
    if _NOISE_FILTER not in logger.filters:
        logger.addFilter(_NOISE_FILTER)


Problem = tuple[str, str]  # (message, the field it is in)


def _framing_problem(chunk: bytes) -> tuple[str | None, str | None]:
    """What makes the record's bytes unreadable as ISO 2709, before pymarc reads them."""
    if not chunk.endswith(END_OF_RECORD):
        return ("truncated record: the file ends before the end-of-record mark (0x1D)",
                "leader")
    if len(chunk) < 25 or not _LEADER.match(chunk):
        return (f"broken leader: expected 24 characters with a numeric record length and "
                f"base address, got {chunk[:24]!r}", "leader")
    return _leader_problem(chunk) or _directory_problem(chunk) or (None, None)


def _leader_problem(chunk: bytes) -> Problem | None:
    base = int(chunk[12:17])
    if base < 25 or base >= len(chunk) or chunk[base - 1:base] != b"\x1e":
        return (f"broken leader: base address of data {base} does not point just after "
                f"the directory (record is {len(chunk)} bytes)", "leader/12-16")
    if int(chunk[:5]) > len(chunk):
        return (f"broken leader: the record length (leader/00-04) is {int(chunk[:5])} bytes but "
                f"the record ends (0x1D) after {len(chunk)}", "leader/00-04")
    return None


def _directory_problem(chunk: bytes) -> Problem | None:
    base = int(chunk[12:17])
    if (base - 25) % 12:
        return (f"broken directory: {base - 25} bytes is not a whole number of "
                "12-byte entries", "directory")
    entry = _broken_entry(chunk, base)
    return (entry, "directory") if entry else None


def _broken_entry(chunk: bytes, base: int) -> str | None:
    """What is wrong with the first directory entry that does not point at a field.

    pymarc reads whatever an entry points at: a length too long took the
    next field's first bytes into the title ("A study of things.0"), an
    offset past the end gave an empty 001 ("no record id"), a tag "X#!"
    pushed the 008 out. Each entry must name a 3-character tag (letters or
    digits) and a field inside the data that ends with 0x1E. In a record
    longer than 99,999 bytes, a start of 99999 is one the five digits cannot
    hold: such entries are left to pymarc, as before.
    """
    if _sound_entries(chunk, base):  # the common case, with no entry sliced
        return None
    for i in range(24, base - 1, 12):
        problem = _entry_problem(chunk, base, chunk[i:i + 12])  # says what is wrong
        if problem:
            return problem
    return None


# one sound entry: a tag of letters or digits, then length and start as digits
_ENTRY = re.compile(rb"[0-9A-Za-z]{3}([0-9]{4})([0-9]{5})")


def _sound_entries(chunk: bytes, base: int) -> bool:
    """True when every entry is sound (what :func:`_entry_problem` passes without the
    99999 exception): one regular expression finds them all, as many as the directory
    holds entries only when each of its 12-byte entries is one, and each points at a
    field inside the data that ends with 0x1E."""
    entries = _ENTRY.findall(chunk, 24, base - 1)
    if len(entries) * 12 != base - 25:
        return False
    last = len(chunk) - 1
    for length, start in entries:
        size = int(length)
        end = base + int(start) + size
        if not size or end > last or chunk[end - 1] != 0x1E:
            return False
    return True


def _entry_problem(chunk: bytes, base: int, entry: bytes) -> str | None:
    text = entry.decode("ascii", "replace")
    if not entry[:3].isalnum():
        return f"broken directory entry {text!r}: the tag is not 3 letters or digits"
    name = f"broken directory entry for {text[:3]}"
    if not entry[3:].isdigit():
        return f"{name}: its length {text[3:7]!r} and start {text[7:]!r} are not numbers"
    length, start = int(entry[3:7]), int(entry[7:])
    if start == 99999 and len(chunk) > 99999:
        return None
    end = base + start + length  # just after the field's 0x1E
    if not length or end > len(chunk) - 1:
        return (f"{name}: its {length} bytes from byte {start} run past the end of the "
                f"data ({len(chunk) - 1 - base} bytes)")
    if chunk[end - 1:end] != b"\x1e":
        return f"{name}: its field does not end with a field terminator (0x1E)"
    return None


def _control_number(chunk: bytes) -> str | None:
    """The 001 of a record that did not decode, so the rejects report can name it."""
    try:
        base = int(chunk[12:17])
        directory = chunk[24:base - 1]
        for i in range(0, len(directory) - 11, 12):
            if directory[i:i + 3] == b"001":
                length, start = int(directory[i + 3:i + 7]), int(directory[i + 7:i + 12])
                value = chunk[base + start:base + start + length - 1].decode("ascii").strip()
                return value or None
    except (ValueError, UnicodeDecodeError):
        return None
    return None
