"""VuFind Solr JSON reader: select/MoreLikeThis responses, doc arrays, single docs, JSON Lines.

Also reads Solr HTTP response captures (status line, headers, blank line,
JSON body) as VuFind keeps them in its test fixtures.

Streaming: JSON Lines are read line by line; everything else goes through
ijson's incremental parser and only one document at a time is built, so a
1 GB select response never sits in memory. Which form a file has is decided
from its first bytes:

* ``[`` -> an array of documents;
* ``{`` and the first line is a whole JSON object followed by another ``{``
  line -> JSON Lines (a malformed line is a RecordError, reading goes on);
* ``{`` otherwise -> one top-level object: a Solr response when it has a
  response key (``response``, ``match``, ``responseHeader``, ...), whose
  ``response.docs`` and ``match.docs`` items are the records; else the object
  is itself a single document. Several concatenated objects are accepted.

Positions: records are counted from 1 in file order ("record 3"); a
parse failure names the byte offset and line, computed by
:class:`ld.readers.json_feed.Feed`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from ld.errors import Location, ParseError, RecordError
from ld.model import Record, Source
from ld.readers import peek, peekable
from ld.readers.json_feed import CHUNK, Feed, parse_error
from ld.readers.vufind_fields import doc_to_record

NAME = "vufind-json"
DESCRIPTION = "VuFind Solr JSON: select/MoreLikeThis response, array of docs, one doc, JSON Lines"

RESPONSE_KEYS = frozenset({
    "response", "match", "responseHeader", "highlighting", "facet_counts", "spellcheck",
    "debug", "grouped", "stats", "moreLikeThis", "expanded", "nextCursorMark", "error",
})
DOC_PREFIXES = frozenset({"item", "response.docs.item", "match.docs.item"})
_BOM = b"\xef\xbb\xbf"  # UTF-8 byte order mark
_HTTP_STATUS = re.compile(rb"^HTTP/\d(?:\.\d)? \d{3}")
_VUFIND_KEYS = (b'"id"', b'"title"', b'"author"', b'"format"', b'"record_format"',
                b'"title_full"', b'"publishDate"', b'"fullrecord"', b'"recordtype"')


def _body_start(head: bytes) -> int:
    """Offset of the JSON body: after a BOM, or after an HTTP header block."""
    if head.startswith(_BOM):
        return len(_BOM)
    if _HTTP_STATUS.match(head):
        for sep in (b"\r\n\r\n", b"\n\n"):
            end = head.find(sep)
            if end >= 0:
                return end + len(sep)
    return 0


def sniff(head: bytes, filename: str) -> int:
    """JSON whose first bytes look like Solr output scores high; other JSON is a guess."""
    body = head[_body_start(head):].lstrip()
    if body[:1] not in (b"{", b"["):
        return 0
    window = body[:8192]
    if b'"docs"' in window and (b'"response"' in window or b'"match"' in window):
        return 95
    if sum(key in window for key in _VUFIND_KEYS) >= 2:
        return 90
    return 30


def read(stream: BinaryIO, filename: str) -> Iterator[Record | RecordError]:
    """Yield one Record (or RecordError) per Solr document, streaming."""
    stream = peekable(stream)
    head = peek(stream, CHUNK)
    skip = _body_start(head)
    skipped = stream.read(skip) if skip else b""
    body = head[skip:]
    if _is_json_lines(body):
        yield from _read_lines(stream, filename, skip, skipped.count(b"\n"))
        return
    feed = Feed(stream, filename, skip, skipped.count(b"\n"))
    for position, doc in enumerate(_documents(feed, body), start=1):
        yield _to_record(doc, filename, f"record {position}")


def _is_json_lines(body: bytes) -> bool:
    """A first line that is a whole JSON object, followed by a line starting with '{'."""
    body = body.lstrip()
    newline = body.find(b"\n")
    if not body.startswith(b"{") or newline < 0:
        return False
    rest = body[newline:].lstrip()
    if not rest.startswith(b"{"):
        return False
    try:  # a bad byte in the first line must not turn a JSON Lines file into one document
        return isinstance(json.loads(body[:newline].decode("utf-8", "replace")), dict)
    except ValueError:
        return False


def _to_record(doc: Any, filename: str, position: str) -> Record | RecordError:
    source = Source(file=filename, position=position, format=NAME)
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


def _documents(feed: Feed, head: bytes) -> Iterator[Any]:
    """The Solr documents in the stream, built one at a time.

    When the head settles where the docs are, ijson's C item builder does the
    work (several times faster); otherwise the general event walk does.
    """
    prefix = _docs_prefix(head)
    try:
        if prefix is None:
            events = ijson.parse(feed, buf_size=CHUNK, multiple_values=True, use_float=True)
            yield from _walk(events)
        else:
            yield from ijson.items(feed, prefix, buf_size=CHUNK, multiple_values=True,
                                   use_float=True)
    except ijson.common.IncompleteJSONError as exc:
        raise parse_error(feed, str(exc)) from None


def _docs_prefix(head: bytes) -> str | None:
    """The one ijson prefix holding every doc, if the first bytes prove it; else None.

    ``[`` -> "item"; a response whose first keys are seen and hold no "match"
    (MoreLikeThis has two doc lists) -> "response.docs.item"; top-level
    objects that close within the head and are not responses -> "" (docs).
    """
    start = head.lstrip()[:1]
    if start == b"[":
        return "item"
    if start != b"{":
        return None
    keys: set[str] = set()
    closed = False
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(head), multiple_values=True):
            if prefix == "" and event == "map_key":
                keys.add(value)
            closed = closed or (prefix == "" and event == "end_map")
    except ijson.common.IncompleteJSONError:
        pass  # the head ends mid-document, or the file is bad: the walk will say where
    if "match" in keys:
        return None
    if keys & RESPONSE_KEYS:
        return "response.docs.item"
    return "" if closed else None


_SCALAR_EVENTS = frozenset({"string", "number", "boolean", "null"})


def _walk(events: Iterator[tuple[str, str, Any]]) -> Iterator[Any]:
    """Build and yield each document; skip everything else in a response.

    A top-level object is built as a document until one of its keys turns
    out to be a response key; then it is dropped and its docs are streamed.
    """
    builder: ijson.ObjectBuilder | None = None
    depth, top = 0, False
    for prefix, event, value in events:
        if builder is None:
            if prefix in DOC_PREFIXES and event in _SCALAR_EVENTS:
                yield value  # a scalar where a document should be: the caller reports it
                continue
            if not (event in ("start_map", "start_array") and prefix in DOC_PREFIXES) \
                    and not (prefix == "" and event == "start_map"):
                continue
            builder, depth, top = ijson.ObjectBuilder(), 0, prefix == ""
        if top and depth == 1 and event == "map_key" and value in RESPONSE_KEYS:
            builder = None  # a Solr response: its docs come through DOC_PREFIXES
            continue
        builder.event(event, value)
        depth += (event in ("start_map", "start_array")) - (event in ("end_map", "end_array"))
        if depth == 0:
            yield builder.value
            builder = None


def _read_lines(
    stream: BinaryIO, filename: str, offset: int, lines: int
) -> Iterator[Record | RecordError]:
    """JSON Lines: one document per line; a bad line (not JSON, not UTF-8) is one bad record."""
    line_no = lines
    for raw in stream:
        line_no += 1
        start, offset = offset, offset + len(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield _bad_utf8_line(exc, raw, filename, line_no, start)
            continue
        if not text.strip():
            continue
        yield from _line_items(text, raw, filename, line_no, start)


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
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        yield _malformed_line(exc, text, raw, filename, position, start)
        return
    yield from _line_records(value, filename, position)


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
    if isinstance(value, dict) and RESPONSE_KEYS.intersection(value):
        docs = [*value.get("match", {}).get("docs", []), *value.get("response", {}).get("docs", [])]
        for n, doc in enumerate(docs, start=1):
            yield _to_record(doc, filename, f"{position}, record {n}")
        return
    yield _to_record(value, filename, position)
