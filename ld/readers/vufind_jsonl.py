"""VuFind Solr JSON Lines: one Solr document (or one whole response) per line.

Each line is parsed on its own, so a bad line costs only itself: a line that
is not JSON, not UTF-8, nested deeper than a document may be or holding a
number longer than Python reads, or a response whose parts have the wrong
shape, is one RecordError (position ``line N``) and reading goes on. Only a
last line cut short (no newline) is a ParseError: the file is truncated.
The limits are those of :mod:`ld.readers.json_guard`, which the document
forms of :mod:`ld.readers.vufind_json` keep, and a lone surrogate escape
reads as U+FFFD, as there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from ld import readers
from ld.errors import Location, ParseError, RecordError
from ld.model import Record, Source
from ld.readers import json_feed
from ld.readers.json_guard import MAX_DEPTH, Guard, mend_surrogates
from ld.readers.vufind_fields import doc_to_record

FORMAT = "vufind-json"
RESPONSE_KEYS = frozenset({
    "response", "match", "responseHeader", "highlighting", "facet_counts", "spellcheck",
    "debug", "grouped", "stats", "moreLikeThis", "expanded", "nextCursorMark", "error",
})


def to_record(doc: Any, filename: str, position: str) -> Record | RecordError:
    """One Solr document as a Record; anything else (or a bad document) as a RecordError."""
    source = Source(file=filename, position=position, format=FORMAT)
    if not isinstance(doc, dict):
        kind = type(doc).__name__ if doc is not None else "null"
        return RecordError(
            f"expected a JSON object (a Solr document), found {kind}",
            Location(file=filename, position=position),
        )
    try:
        return doc_to_record(doc, source)
    except RecordError as error:
        return error


def read_lines(
    stream: BinaryIO, filename: str, offset: int, lines: int
) -> Iterator[Record | RecordError]:
    """JSON Lines: one document per line; a bad line (not JSON, not UTF-8) is one bad record."""
    line_no = lines
    limit = readers.MAX_RECORD_BYTES
    for raw in _lines(stream, limit):
        line_no += 1
        if isinstance(raw, int):  # a line over the limit, skipped unread
            offset += raw
            yield _too_large_line(raw, limit, filename, line_no)
            continue
        start, offset = offset, offset + len(raw)
        try:
            text = mend_surrogates(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            yield _bad_utf8_line(exc, raw, filename, line_no, start)
            continue
        if not text.strip():
            continue
        yield from _line_items(text, raw, filename, line_no, start)


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes | int]:
    """The stream's lines; one longer than ``limit`` bytes is read on to its end in
    bounded pieces, never held, and given as its length (a 2 GB line was held whole)."""
    while raw := stream.readline(limit + 1):
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw
            continue
        size = len(raw)
        while raw and not raw.endswith(b"\n"):
            raw = stream.readline(json_feed.CHUNK)
            size += len(raw)
        yield size


def _too_large_line(size: int, limit: int, filename: str, line_no: int) -> RecordError:
    return RecordError(f"a record larger than {limit:,} bytes ({size:,}; no catalogue record "
                       "is that large)", Location(file=filename, position=f"line {line_no}"),
                       hint="fix this line and load the file again")


def _bad_utf8_line(exc: UnicodeDecodeError, raw: bytes, filename: str, line_no: int,
                   start: int) -> RecordError:
    """A line that is not UTF-8 is one bad record, as a line that is not JSON is; raises
    ParseError when the file ends inside a character (cut short: truncated)."""
    at = start + exc.start
    if exc.end == len(raw) and not raw.endswith(b"\n"):
        raise ParseError(
            f"the file ends inside a UTF-8 character ({exc.reason}; truncated file?)",
            Location(file=filename, position=f"byte {at} (line {line_no})"),
            hint="records before this point were read; fix the file and load it again",
        )
    return RecordError(
        f"invalid UTF-8 at byte {at} ({exc.reason})",
        Location(file=filename, position=f"line {line_no}"),
        hint="the file must be UTF-8: fix this line, or convert the file (e.g. iconv), "
             "and load it again",
    )


def _line_items(text: str, raw: bytes, filename: str, line_no: int,
                start: int) -> Iterator[Record | RecordError]:
    position = f"line {line_no}"
    text = text.rstrip("\r\n")
    try:
        value = _loads(text)
    except json.JSONDecodeError as exc:
        yield _malformed_line(exc, text, raw, filename, position, start)
        return
    except (RecursionError, ValueError) as exc:  # nested too deep, a number too long
        yield _line_past_limits(exc, raw, filename, position, start)
        return
    yield from _line_records(value, filename, position)


def _loads(text: str) -> Any:
    """One line's JSON, nested no deeper than a document may be (json_guard.MAX_DEPTH):
    json.loads would go on to Python's recursion limit, then raise RecursionError."""
    if text.count("[") + text.count("{") > MAX_DEPTH:
        _, limit = Guard().check(text.encode("utf-8"), final=True)
        if limit is not None:
            raise ValueError(limit.message)
    return json.loads(text)


def _line_past_limits(exc: Exception, raw: bytes, filename: str, position: str,
                      start: int) -> RecordError:
    """A line nested too deep or holding a number too long: one bad record, at its byte."""
    _, limit = Guard().check(raw, final=True)
    message = limit.message if limit else f"unreadable JSON ({exc})"
    at = f" (byte {start + max(0, limit.index)})" if limit else ""
    return RecordError(f"{message}{at}", Location(file=filename, position=position),
                       hint="fix this line and load the file again")


def _malformed_line(exc: json.JSONDecodeError, text: str, raw: bytes, filename: str,
                    position: str, start: int) -> RecordError:
    """A line that is not JSON is one bad record; raises ParseError when it is the
    last line, cut short (no newline): the file is truncated."""
    at = start + len(text[: exc.pos].encode("utf-8"))
    if not raw.endswith(b"\n"):
        raise ParseError(
            f"the last line is not complete JSON ({exc.msg}; truncated file?)",
            Location(file=filename, position=f"byte {at} ({position})"),
            hint="records before this point were read; fix the file and load it again",
        ) from None
    return RecordError(
        f"malformed JSON: {exc.msg} at column {exc.colno} (byte {at})",
        Location(file=filename, position=position),
        hint="fix this line and load the file again",
    )


def _line_records(value: Any, filename: str, position: str) -> Iterator[Record | RecordError]:
    """The records of one parsed line: a Solr response's docs, or the line's one document."""
    if not (isinstance(value, dict) and RESPONSE_KEYS.intersection(value)):
        yield to_record(value, filename, position)
        return
    try:
        docs = _response_docs(value)
    except _Misshapen as exc:
        yield RecordError(str(exc), Location(file=filename, position=position, field=exc.field),
                          hint="fix this line and load the file again")
        return
    for n, doc in enumerate(docs, start=1):
        yield to_record(doc, filename, f"{position}, record {n}")


class _Misshapen(ValueError):
    """A part of a Solr response that is not what Solr writes there."""

    def __init__(self, field: str, value: Any, expected: str) -> None:
        super().__init__(f"the Solr response's {field!r} is {_kind(value)}, not {expected}")
        self.field = field


def _response_docs(response: dict[str, Any]) -> list[Any]:
    """The docs of a response line (MoreLikeThis: match's, then response's); checked, since
    a line is anybody's JSON: a part of the wrong shape must not end the whole load."""
    docs: list[Any] = []
    for key in ("match", "response"):
        part = response.get(key, {})
        if not isinstance(part, dict):
            raise _Misshapen(key, part, "an object")
        found = part.get("docs", [])
        if not isinstance(found, list):
            raise _Misshapen(f"{key}.docs", found, "a list of documents")
        docs += found
    return docs


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {list: "a list", dict: "an object", str: "a string"}.get(type(value), "a number")
