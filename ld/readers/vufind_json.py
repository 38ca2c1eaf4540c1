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

Numbers are read exactly (a 20-digit OCLC number is an int, a decimal a
Decimal). Both forms keep the limits of :mod:`ld.readers.json_guard`: in a
document, nesting deeper than any record or a number longer than Python
reads stops the file (input error, records before it kept); in JSON Lines
it is one bad line. A lone UTF-16 surrogate escape reads as U+FFFD in both.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from ld.errors import RecordError
from ld.model import Record
from ld.readers import peek, peekable
from ld.readers.json_feed import CHUNK, Feed, parse_error
from ld.readers.json_guard import Guard
from ld.readers.vufind_jsonl import FORMAT, RESPONSE_KEYS, read_lines, to_record

NAME = FORMAT
DESCRIPTION = "VuFind Solr JSON: select/MoreLikeThis response, array of docs, one doc, JSON Lines"

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
        yield from read_lines(stream, filename, skip, skipped.count(b"\n"))
        return
    feed = Feed(stream, filename, skip, skipped.count(b"\n"))
    for position, doc in enumerate(_documents(feed, body), start=1):
        feed.record_read()
        yield to_record(doc, filename, f"record {position}")


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


def _documents(feed: Feed, head: bytes) -> Iterator[Any]:
    """The Solr documents in the stream, built one at a time.

    When the head settles where the docs are, ijson's C item builder does the
    work (several times faster); otherwise the general event walk does.
    """
    prefix = _docs_prefix(head)
    try:
        if prefix is None:
            events = ijson.parse(feed, buf_size=CHUNK, multiple_values=True)
            yield from _walk(events)
        else:
            yield from ijson.items(feed, prefix, buf_size=CHUNK, multiple_values=True)
    except ijson.common.IncompleteJSONError as exc:
        raise parse_error(feed, str(exc)) from None


def _docs_prefix(head: bytes) -> str | None:
    """The one ijson prefix holding every doc, if the first bytes prove it; else None.

    ``[`` -> "item"; a response whose first keys are seen and hold no "match"
    (MoreLikeThis has two doc lists) -> "response.docs.item"; top-level
    objects that close within the head and are not responses -> "" (docs).
    Only the bytes within the guard's limits are parsed: what breaks them
    (or is not UTF-8) is left for the walk to report where it is.
    """
    start = head.lstrip()[:1]
    if start == b"[":
        return "item"
    if start != b"{":
        return None
    keys: set[str] = set()
    closed = False
    safe, _limit = Guard().check(head)
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(safe), multiple_values=True):
            if prefix == "" and event == "map_key":
                keys.add(value)
            closed = closed or (prefix == "" and event == "end_map")
    except (ijson.common.JSONError, ValueError):
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
