"""Safe, streaming XML parsing shared by the XML readers (MARCXML, PubMed, OAI-PMH).

Catalogue XML comes from outside, so the parser is locked down: no DTD is
loaded, no entity is substituted, nothing is fetched from the network or the
file system, and huge-tree mode (which lifts libxml2's depth and size limits)
stays off. On top of that a document whose DOCTYPE *declares* entities is
refused outright: real PubMed/MARCXML/JATS files only *reference* an external
DTD, so an internal entity declaration is either an XXE probe or a
billion-laughs bomb, and refusing it with a clear message is safer than
trying to read around it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from lxml import etree

from ld import readers
from ld.errors import Location, ParseError, RecordError

PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

_PROLOG_JUNK = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.S)
_START_TAG = re.compile(rb"\s*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)


def root_name(head: bytes) -> str | None:
    """Local name of the root element from the first bytes of a document.

    Used to sniff formats and to dispatch on the root before parsing, so a
    reader can reject a document of the wrong kind without building it.
    None when the prolog (comments, a DOCTYPE) runs past ``head``.
    """
    text = as_utf8(head).lstrip(b"\xef\xbb\xbf")
    pos = 0
    while True:
        junk = _PROLOG_JUNK.match(text, pos)
        if not junk:
            break
        pos = junk.end()
    tag = _START_TAG.match(text, pos)
    return tag.group(2).decode("ascii", "replace") if tag else None


def as_utf8(head: bytes) -> bytes:
    """The first bytes of a UTF-16 document (by its byte order mark, or by a "<" followed
    or preceded by a zero byte) in UTF-8, so the prolog and root can be looked at; other
    documents as they are. libxml2 itself reads UTF-16 documents."""
    codec = _UTF16.get(head[:2])
    if codec is None:
        return head
    body = head[2:] if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head
    return body[: len(body) // 2 * 2].decode(codec, "replace").encode("utf-8")


_UTF16 = {b"\xff\xfe": "utf-16-le", b"<\x00": "utf-16-le",
          b"\xfe\xff": "utf-16-be", b"\x00<": "utf-16-be"}


def _prolog_end(head: bytes) -> int:
    text_start = len(head) - len(head.lstrip(b"\xef\xbb\xbf"))
    pos = text_start
    while True:
        junk = _PROLOG_JUNK.match(head, pos)
        if not junk:
            return pos
        pos = junk.end()


def declares_entities(head: bytes) -> bool:
    """True when the prolog (before the root element) holds an <!ENTITY declaration."""
    head = as_utf8(head)
    end = _prolog_end(head)
    return bool(_ENTITY_DECL.search(head, 0, end if end > 0 else len(head)))


def open_document(stream: BinaryIO, filename: str) -> tuple[str | None, BinaryIO]:
    """(root element name, stream at byte 0) after refusing entity declarations.

    The check runs on the raw prolog before libxml2 sees it, so even a
    declaration libxml2 would choke on (an amplification bomb) gets the
    clear "entities are refused" message; the parser-level check in
    :func:`iterparse` stays as the second line of defence.
    """
    head, stream = peek_head(stream)
    if declares_entities(head):
        raise _entity_error(filename, [])
    return root_name(head), stream


def peek_head(stream: BinaryIO, size: int = 64 * 1024) -> tuple[bytes, BinaryIO]:
    """The first ``size`` bytes and a stream that still starts at byte 0.

    Uses ``peek`` when the stream is buffered (the registry always passes a
    BufferedReader); otherwise wraps the stream so nothing is read twice.
    """
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(_Raw(stream), buffer_size=size)  # type: ignore[assignment]
    head = stream.peek(size)  # type: ignore[attr-defined]
    while len(head) < size:
        more = stream.peek(size)  # type: ignore[attr-defined]
        if len(more) <= len(head):
            break
        head = more
    return bytes(head[:size]), stream


class _Raw(io.RawIOBase):
    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def check_no_entities(element: etree._Element, filename: str) -> None:
    """Raise ParseError when the document's DOCTYPE declares any entity."""
    dtd = element.getroottree().docinfo.internalDTD
    if dtd is None:
        return
    names = [entity.name for entity in dtd.iterentities()]
    if names:
        raise _entity_error(filename, names)


def _entity_error(filename: str, names: list[str]) -> ParseError:
    which = f" ({', '.join(names[:5])})" if names else ""
    return ParseError(
        f"the DOCTYPE declares entities{which}; entity declarations are refused "
        "(they can read local files, reach the network or expand without end)",
        Location(file=filename, position="DOCTYPE"),
        hint="remove the internal DTD subset; real catalogue XML does not need one",
    )


def iterparse(
    stream: BinaryIO,
    filename: str,
    tags: Iterable[str] | None = None,
    events: tuple[str, ...] = ("end",),
    records: Iterable[str] | None = None,
) -> Iterator[tuple[str, etree._Element]]:
    """lxml iterparse with the safe options; errors become located ParseErrors.

    The entity check runs on the first event, before any element reaches the
    caller, and once more at the end for documents that produced no event. More
    than :data:`ld.readers.MAX_RECORD_BYTES`, or :data:`MAX_RECORD_TAGS` tags, read
    since the last event outside a record (``records``: the tags of the elements the
    reader releases, by default all ``tags``) stops the file: lxml would build it all
    in memory. An event inside a record (a nested ``<record/>``) does not restart the
    count, since the record around it is still held.
    """
    counted = _Counted(stream, filename)
    context = etree.iterparse(
        counted, events=events, tag=list(tags) if tags else None, **PARSER_OPTIONS
    )
    record_tags = frozenset(records if records is not None else tags or ())
    checked = False
    try:
        for event, element in context:
            if not checked:
                check_no_entities(element, filename)
                checked = True
            if not inside(element, record_tags):
                counted.mark()
            yield event, element
        if not checked and getattr(context, "root", None) is not None:
            check_no_entities(context.root, filename)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        raise ParseError(
            f"not well-formed XML: {message}",
            Location(file=filename, position=f"line {line}, column {column}"),
            hint="records before this point were read; fix the XML and load the file again",
        ) from exc


# One record's XML tags at most, counted as "<" characters (tags, comments, CDATA, PIs):
# an element costs lxml ~350 bytes, so 3 M empty subfields (a 225 KB gzip) took 1.7 GB
# under the byte cap. Real records have at most a few thousand (2,563 in
# /work/shared/data), a PubMed article of 15,000 authors ~100,000 (as the README says).
MAX_RECORD_TAGS = 1_000_000


class _Counted:
    """The stream as lxml reads it; a ParseError once one record passes a cap."""

    def __init__(self, stream: BinaryIO, filename: str) -> None:
        self.stream, self.filename = stream, filename
        self.limit = readers.MAX_RECORD_BYTES
        self.total = self.start = 0  # bytes read; where the record being read began
        self.tags = self.tags_start = 0  # "<" read; how many before the record began

    def mark(self) -> None:
        """A record ended here: the caps count from this point."""
        self.start, self.tags_start = self.total, self.tags

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.total += len(data)
        self.tags += data.count(b"<")
        if self.total - self.start > self.limit:
            self._refuse(f"larger than {self.limit:,} bytes")
        if self.tags - self.tags_start > MAX_RECORD_TAGS:
            self._refuse(f"of more than {MAX_RECORD_TAGS:,} XML tags")
        return data

    def _refuse(self, what: str) -> None:
        raise ParseError(
            f"a record {what} (no catalogue record is that large: the file is broken "
            "or not what it says)",
            Location(file=self.filename, position=f"the record after byte {self.start}"),
            hint="records before this point were read; fix the file and load it again")


def inside(element: etree._Element, tags: frozenset[str]) -> bool:
    """True when an ancestor of ``element`` has one of ``tags`` (records are shallow)."""
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def detach(element: etree._Element) -> None:
    """Empty ``element`` and take it out of the tree, its tail text left in place.

    For an event element nested in a record the reader has no use for: lxml keeps
    the element's proxy for a while, and a proxy inside a record makes releasing
    the record cost time that grows with the square of its elements.
    """
    element.clear(keep_tail=True)
    parent, tail = element.getparent(), element.tail
    if parent is None:
        return
    if tail:
        before = element.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def entity_references(element: etree._Element) -> list[str]:
    """Names of the entity references left unresolved inside ``element``, once each.

    The parser neither loads DTDs nor substitutes entities, so in a document
    naming an external DTD a reference such as ``&leak;`` stays in the tree
    as it is (without a DTD it is a syntax error instead).
    """
    return list(dict.fromkeys(str(e.name) for e in element.iter(etree.Entity)))


def refuse_unresolved(element: etree._Element, where: Location) -> None:
    """Raise RecordError when ``element`` holds an entity reference left unresolved.

    Every XML reader calls it on each record: DTDs are never loaded, so such
    a reference would otherwise be published as the text "&leak;" or, where a
    reader takes text only, silently dropped, and the record would lose
    characters without anyone being told.
    """
    names = entity_references(element)
    if names:
        listed = ", ".join(f"&{name};" for name in names[:5])
        raise RecordError(
            f"undefined entity {listed}: its DTD is not loaded, so it cannot be resolved",
            where, hint="write the character itself or as a numeric reference (&#233;)")


def release(element: etree._Element) -> None:
    """Free a processed element and the siblings before it, so memory stays flat."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        del parent[0]
