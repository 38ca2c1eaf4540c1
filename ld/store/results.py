"""SPARQL results streamed as chunks of bytes.

Graph results (CONSTRUCT/DESCRIBE) and booleans go through pyoxigraph's own
serialisers. SELECT rows are written here, for one reason: a SELECT must stop
after ``max_rows`` and say it was cut, and pyoxigraph's results serialiser
only takes a whole result, not the first N rows of one. The four result
formats are small, fixed W3C formats; the tests parse what we write with
pyoxigraph's and rdflib's parsers.

Evaluation and serialisation run in a thread of their own (:func:`produce`)
that hands chunks through a small bounded queue, so a large result never
sits in memory and an abandoned response (the consumer closes or drops the
chunk stream) stops the producer at its next chunk.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import queue
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ld.errors import LdpubError, StoreError

CHUNK = 64 * 1024
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_END = object()


# --- SELECT rows ------------------------------------------------------------

def _json_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f'{{"type":"uri","value":{json.dumps(term.value)}}}'
    if isinstance(term, ox.BlankNode):
        return f'{{"type":"bnode","value":{json.dumps(term.value)}}}'
    if isinstance(term, ox.Literal):
        extra = ""
        if term.language:
            extra = f',"xml:lang":{json.dumps(term.language)}'
        elif term.datatype.value != _XSD_STRING:
            extra = f',"datatype":{json.dumps(term.datatype.value)}'
        return f'{{"type":"literal","value":{json.dumps(term.value)}{extra}}}'
    return f'{{"type":"triple","value":{json.dumps(str(term))}}}'


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            dt = quoteattr(term.datatype.value)
            return f"<literal datatype={dt}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _csv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _tsv_value(term: object) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _RowWriter:
    """Header, one string per row, footer: the shape all four formats share."""

    def __init__(self, names: list[str], fmt: str) -> None:
        self.names, self.fmt = names, fmt
        self.first = True

    def head(self) -> str:
        names = self.names
        if self.fmt == "JSON":
            return f'{{"head":{{"vars":{json.dumps(names)}}},"results":{{"bindings":['
        if self.fmt == "XML":
            variables = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
            return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                    f"<head>{variables}</head><results>\n")
        if self.fmt == "CSV":
            return _csv_line(names)
        return "\t".join(f"?{n}" for n in names) + "\n"

    def row(self, values: list[object]) -> str:
        pairs = [(n, v) for n, v in zip(self.names, values, strict=True) if v is not None]
        if self.fmt == "JSON":
            body = ",".join(f"{json.dumps(n)}:{_json_term(v)}" for n, v in pairs)
            sep, self.first = ("" if self.first else ","), False
            return sep + "{" + body + "}"
        if self.fmt == "XML":
            body = "".join(f"<binding name={quoteattr(n)}>{_xml_term(v)}</binding>"
                           for n, v in pairs)
            return f"<result>{body}</result>\n"
        if self.fmt == "CSV":
            return _csv_line([_csv_value(v) for v in values])
        return "\t".join(_tsv_value(v) for v in values) + "\n"

    def tail(self) -> str:
        return {"JSON": "]}}", "XML": "</results></sparql>\n"}.get(self.fmt, "")


def _csv_line(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(values)
    return buf.getvalue()


def rows_chunks(names: list[str], rows: Iterable[list[object]], fmt: str) -> Iterator[bytes]:
    """Serialise SELECT rows (lists of pyoxigraph terms or None) in ~64 KiB chunks."""
    writer = _RowWriter(names, fmt)
    parts, size = [writer.head()], 0
    for values in rows:
        text = writer.row(values)
        parts.append(text)
        size += len(text)
        if size >= CHUNK:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append(writer.tail())
    yield "".join(parts).encode("utf-8")


def solution_rows(solutions: ox.QuerySolutions) -> tuple[list[str], Iterator[list[object]]]:
    """Variable names and a lazy iterator of value lists (None when unbound)."""
    variables = solutions.variables
    names = [v.value for v in variables]
    return names, ([sol[v] for v in variables] for sol in solutions)


# --- evaluation in a thread of its own -------------------------------------

class Cancelled(Exception):
    """The consumer of a result went away; the producer stops."""


class Channel:
    """Producer side of a streamed result: a header first, then bytes.

    Also a write-only file object, so pyoxigraph's serialisers can write to
    it; writes are gathered into ~64 KiB chunks.
    """

    def __init__(self) -> None:
        self.queue: queue.Queue = queue.Queue(maxsize=8)
        self.cancelled = threading.Event()
        self.buf = bytearray()

    def put(self, item: object) -> None:
        while not self.cancelled.is_set():
            try:
                self.queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise Cancelled

    def header(self, **fields: object) -> None:
        self.put(dict(fields))

    def write(self, data: bytes) -> int:
        self.buf += data
        if len(self.buf) >= CHUNK:
            self.put(bytes(self.buf))
            self.buf.clear()
        return len(data)

    def flush(self) -> None:
        """pyoxigraph calls this at the end; :meth:`end` sends what is left."""

    def end(self) -> None:
        if self.buf:
            self.put(bytes(self.buf))
            self.buf.clear()
        self.put(_END)


def produce(work: Callable[[Channel], None]) -> tuple[dict, Iterator[bytes]]:
    """Run ``work`` in a thread; return the header it sends and the chunks after it.

    Why a thread: pyoxigraph's result iterators are bound to the thread that
    created them (touching one from another thread aborts the process), and a
    web server or a timeout wrapper may well consume the chunks in another
    thread than the one that called ``query``. Here one thread does all the
    pyoxigraph work and only bytes cross threads. An error before the header
    (syntax error, unacceptable format) is raised by this function; an error
    later is raised while iterating the chunks.
    """
    channel = Channel()

    def run() -> None:
        try:
            work(channel)
            channel.end()
        except Cancelled:
            pass
        except BaseException as exc:  # handed over, raised in the consumer
            # drop this thread's frames (and the pyoxigraph objects they hold) here
            traceback.clear_frames(exc.__traceback__)
            with contextlib.suppress(Cancelled):
                channel.put(exc)

    threading.Thread(target=run, name="ldpub-query", daemon=True).start()
    first = channel.queue.get()
    if isinstance(first, BaseException):
        channel.cancelled.set()
        raise _store_error(first)
    return first, ChunkStream(channel)


class ChunkStream:
    """Consumer side: the chunks after the header.

    Closing it, or dropping it unread (a HEAD request, an error before the
    body), cancels the producer, whose thread then ends at its next chunk.
    """

    def __init__(self, channel: Channel) -> None:
        self._channel = channel
        self._done = False

    def __iter__(self) -> ChunkStream:
        return self

    def __next__(self) -> bytes:
        if self._done:
            raise StopIteration
        item = self._channel.queue.get()
        if item is _END:
            self.close()
            raise StopIteration
        if isinstance(item, BaseException):
            self.close()
            raise _store_error(item)
        return item

    def close(self) -> None:
        self._done = True
        self._channel.cancelled.set()

    def __del__(self) -> None:
        self.close()


def _store_error(exc: BaseException) -> BaseException:
    if isinstance(exc, LdpubError | KeyboardInterrupt | SystemExit):
        return exc
    return StoreError(f"query evaluation failed: {exc}")


def buffered_rows(rows: Iterator[list[object]], max_rows: int) -> tuple[list[list[object]], bool]:
    """The first ``max_rows`` rows, and whether there were more (peeks one row)."""
    kept: list[list[object]] = []
    for values in rows:
        if len(kept) == max_rows:
            return kept, True
        kept.append(values)
    return kept, False
