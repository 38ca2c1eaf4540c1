"""A byte stream as ijson reads it, with the bookkeeping to locate errors.

ijson's C backend (yajl) reports neither the byte nor the line of a syntax
error, and stops at bad UTF-8 with no position either. :class:`Feed` sits
between the source stream and ijson: it counts bytes and lines, checks UTF-8
itself (exact offset), keeps ijson within the limits it cannot keep itself
(:mod:`ld.readers.json_guard`: depth, long numbers, lone surrogates; and one
record's size, :data:`ld.readers.MAX_RECORD_BYTES`, the reader saying where
each record ends: :meth:`Feed.record_read`), and
keeps the last chunk so that a yajl error can be pinned to its byte from the
context snippet yajl prints.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

from ld import readers
from ld.errors import Location, ParseError
from ld.readers.json_guard import Guard, Limit

CHUNK = 64 * 1024


class Feed:
    """The source stream as ijson sees it: UTF-8 checked, bytes and lines counted.

    Keeping the last chunk and its offset lets a parse error be pinned to a
    byte and line, which ijson's C backend does not report.
    """

    def __init__(self, stream: BinaryIO, filename: str, offset: int = 0, lines: int = 0) -> None:
        self.stream = stream
        self.filename = filename
        self.offset = offset  # bytes handed out so far, counting skipped ones
        self.lines = lines  # newlines handed out so far
        self.last = b""
        self.last_offset = offset
        self._taken, self._taken_lines = offset, lines  # read from the stream so far
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._guard = Guard()
        self._error: ParseError | None = None
        self.max_record = readers.MAX_RECORD_BYTES
        self.record_start, self.records = offset, 0  # the reader moves them on

    def record_read(self) -> None:
        """A record was built: the next one starts here (a chunk late at most)."""
        self.record_start, self.records = self.offset, self.records + 1

    def read(self, size: int = -1) -> bytes:
        if self._error is not None:
            raise self._error
        if self.offset - self.record_start > self.max_record:
            raise self._too_large()
        if not size:
            return b""
        data = b""
        while not data:  # the guard may hold back a few bytes: never hand out b"" early
            raw = self.stream.read(CHUNK if size is None or size < 0 else size)
            valid = self._check_utf8(raw)
            final = not raw or self._error is not None
            data, limit = self._guard.check(raw[:valid], final)
            if limit is not None:
                self._error = self._limit_error(limit, data)
            if final or limit is not None:
                break
        if not data and self._error is not None:
            raise self._error  # hand over the good bytes first; the next read raises
        self.last, self.last_offset = data, self.offset
        self.offset += len(data)
        self.lines += data.count(b"\n")
        return data

    def _too_large(self) -> ParseError:
        self._error = ParseError(
            f"a record larger than {self.max_record:,} bytes (no catalogue record is that "
            "large: the file is broken or not what it says)",
            Location(file=self.filename,
                     position=f"record {self.records + 1}, after byte {self.record_start}"),
            hint="records before this point were read; fix the file and load it again",
        )
        return self._error

    def _check_utf8(self, data: bytes) -> int:
        """How many bytes of ``data`` are valid UTF-8; sets the error for the rest."""
        pending = len(self._decoder.getstate()[0])  # bytes of a character split across reads
        taken, taken_lines = self._taken, self._taken_lines
        self._taken += len(data)
        self._taken_lines += data.count(b"\n")
        try:
            self._decoder.decode(data, final=not data)
            return len(data)
        except UnicodeDecodeError as exc:
            valid = max(0, exc.start - pending)
            at = taken - pending + exc.start
            line = taken_lines + data[:valid].count(b"\n") + 1
            self._error = ParseError(
                f"invalid UTF-8 ({exc.reason})",
                Location(file=self.filename, position=f"byte {at} (line {line})"),
                hint="the file must be UTF-8; convert it (e.g. iconv) and load again",
            )
            return valid

    def _limit_error(self, limit: Limit, data: bytes) -> ParseError:
        """The located error for a limit broken at ``limit.index`` of ``data``."""
        line = self.lines + data[:max(0, limit.index)].count(b"\n") + 1
        return ParseError(
            limit.message,
            Location(file=self.filename,
                     position=f"byte {self.offset + limit.index} (line {line})"),
            hint="records before this point were read; fix the file and load it again",
        )

    def locate(self, message: str) -> tuple[int, int]:
        """(byte offset, line) of a yajl error, from its context snippet."""
        at = _yajl_offset(message, self.last)
        if at is not None and message.startswith("parse error") and at > 0:
            at -= 1  # yajl's parser reports the byte after the offending token
        offset = self.offset if at is None else self.last_offset + at
        before_chunk = self.lines - self.last.count(b"\n")
        in_chunk = self.last[: max(0, offset - self.last_offset)].count(b"\n")
        return offset, before_chunk + in_chunk + 1


def _yajl_offset(message: str, chunk: bytes) -> int | None:
    """Where in ``chunk`` yajl stopped, read back from its verbose error text.

    yajl prints up to 30 bytes either side of the error, padded so that the
    error sits at column 40 (under the arrow), with newlines shown as spaces.
    """
    lines = message.split("\n")
    if len(lines) < 3 or "(right here)" not in lines[2]:
        return None
    text = lines[1]
    pad = len(text) - len(text.lstrip(" "))
    snippet = text[pad:].encode("utf-8", "replace")
    if not snippet:
        return None
    into = 40 - pad
    flat = chunk.replace(b"\n", b" ").replace(b"\r", b" ").replace(b"\t", b" ")
    found = flat.find(snippet)
    if found < 0 or flat.find(snippet, found + 1) >= 0:
        return None  # not found or ambiguous: fall back to "as far as the parser read"
    return found + into


def parse_error(feed: Feed, message: str) -> ParseError:
    """A located ParseError for an ijson/yajl error message."""
    offset, line = feed.locate(message)
    first_line = message.split("\n", 1)[0]
    what = first_line.removeprefix("parse error: ").removeprefix("lexical error: ")
    truncated = "premature EOF" in what
    return ParseError(
        "the JSON ends too early (truncated file?)" if truncated else f"malformed JSON: {what}",
        Location(file=feed.filename, position=f"byte {offset} (line {line})"),
        hint="records before this point were read; fix the file and load it again",
    )
