"""A query worker process: runs one SPARQL query at a time on a read-only snapshot.

Why a process: pyoxigraph has no query timeout and a running query cannot be
interrupted from Python, so the only way to really stop a runaway query (and
get its CPU and memory back) is to kill the process that runs it. The parent
(:mod:`ld.sparql_pool`) keeps a few of these alive, sends one job at a time
over a socket and streams the answer back; snapshots are immutable, so any
number of workers may open the same one read-only.

Wire format, parent -> worker: one JSON job per message. Worker -> parent: a
sequence of messages whose first byte says what it is:

    H{json}   header: kind ("bindings" | "boolean" | "graph"), truncated, complete
              (complete: the whole result is the one D that follows)
    D<bytes>  a chunk of the serialised result (at most ~CHUNK bytes)
    E{json}   error: kind ("syntax" | "query" | "store"), message
    Z         end of this result

Started as ``python -m ld.sparql_worker FD``; FD is its end of a socketpair.
This module imports nothing but the standard library, pyoxigraph and
:mod:`ld.capped` (itself only those two),
so a worker starts fast.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any, Protocol, TypeVar

import pyoxigraph as ox

from ld.capped import capped, within_cap

__all__ = ["ChunkWriter", "Worker", "distinct", "execute", "main"]

CHUNK = 64 * 1024  # bytes per message: streams overlap serialising and sending (see bench)
ALARM_GRACE = 10  # seconds past the job's timeout before SIGALRM ends this process
SEEN = 10_000  # distinct triples a graph answer remembers per generation (see distinct)


class Sink(Protocol):
    """What pyoxigraph's serializers write to."""

    def write(self, data: bytes) -> int: ...


W = TypeVar("W", bound=Sink)


class ChunkWriter:
    """A file-like sink that forwards what a serializer writes, in chunks.

    The header goes out with the first chunk, so the parent learns that the
    query runs (and answers 200) only once there is data to send; a query
    that fails or times out before that still gets a proper error status.
    """

    def __init__(self, conn: Connection, header: dict[str, Any]) -> None:
        self.conn = conn
        self.header = header
        self.buf = bytearray(b"D")
        self.started = False

    def write(self, data: bytes) -> int:
        self.buf += data
        if len(self.buf) > CHUNK:
            self.send()
        return len(data)

    def flush(self) -> None:
        """Serializers call flush(); chunking is ours, so nothing to do here."""

    def send(self, final: bool = False) -> None:
        """Send what is buffered; ``final`` marks the last call for this result.

        A result that fits one chunk goes out with ``complete`` in its header,
        so the parent can answer with a Content-Length instead of chunks.
        """
        if not self.started:
            self.header["complete"] = final
            self.conn.send_bytes(b"H" + json.dumps(self.header).encode())
            self.started = True
        if len(self.buf) > 1:
            self.conn.send_bytes(self.buf)
            del self.buf[1:]


class Worker:
    """Holds the open snapshot and answers jobs until the parent goes away."""

    def __init__(self, conn: Connection, store: ox.Store | None = None,
                 path: str | None = None) -> None:
        self.conn = conn
        self.path = path
        self.store = store if store is not None else ox.Store()  # empty until a job names one

    def serve(self) -> None:
        while True:
            try:
                job = json.loads(self.conn.recv_bytes())
            except (EOFError, OSError):
                return
            self.answer(job)

    def answer(self, job: dict[str, Any]) -> None:
        # Backstop: the parent kills us at the deadline; should the parent be gone
        # (a serving process restarted mid-query), the kernel ends us a little later.
        signal.alarm(int(job.get("timeout") or 0) + ALARM_GRACE)
        try:
            self.respond(job)
        finally:
            signal.alarm(0)

    def respond(self, job: dict[str, Any]) -> None:
        """Run ``job`` and send its messages; errors become ``E`` messages."""
        try:
            out = execute(self.open(job.get("store")), job, self.writer)
        except (*ERRORS, MemoryError) as e:
            message = {"kind": error_kind(e), "message": str(e)}
            self.conn.send_bytes(b"E" + json.dumps(message).encode())
            return
        out.send(final=True)
        self.conn.send_bytes(b"Z")

    def writer(self, kind: str, truncated: bool) -> ChunkWriter:
        return ChunkWriter(self.conn, {"kind": kind, "truncated": truncated})

    def open(self, path: str | None) -> ox.Store:
        if path != self.path:
            self.store = ox.Store.read_only(path) if path else ox.Store()
            self.path = path
        return self.store


ERRORS = (SyntaxError, ValueError, RuntimeError, TypeError, OSError)


def error_kind(err: BaseException) -> str:
    """What went wrong, for the parent: "syntax", "query" (evaluation) or "store"."""
    if isinstance(err, SyntaxError):
        return "syntax"
    if isinstance(err, MemoryError):
        return "memory"
    return "store" if isinstance(err, OSError) else "query"


def execute(store: ox.Store, job: dict[str, Any], open_writer: Callable[[str, bool], W]) -> W:
    """Run ``job`` on ``store`` and write its serialised result.

    ``open_writer(kind, truncated)`` gives the sink once both are known; it
    is the worker's :class:`ChunkWriter`, or a plain buffer in the serving
    process (:mod:`ld.sparql_local`): one evaluation code for both. A job
    marked ``bounded`` (its work grows with the rows it produces: the
    in-process lane) first tries :func:`ld.capped.within_cap`.
    """
    kwargs: dict[str, Any] = {"base_iri": job.get("base_iri")}
    if job.get("default_graph") is not None or job.get("named_graphs") is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.get("default_graph") or []]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.get("named_graphs") or []]
    else:
        kwargs["use_default_graph_as_union"] = bool(job.get("union"))
    result = store.query(job["query"], **kwargs)
    if isinstance(result, ox.QuerySolutions):
        return _solutions(result, job, open_writer, lambda: store.query(job["query"], **kwargs))
    if isinstance(result, ox.QueryBoolean):
        out = open_writer("boolean", False)
        result.serialize(out, getattr(ox.QueryResultsFormat, job["results_format"]))
        return out
    out = open_writer("graph", False)
    triples = distinct(result, every=bool(job.get("describe")))
    ox.serialize(triples, out, getattr(ox.RdfFormat, job["rdf_format"]))
    return out


def distinct(triples: Iterable[ox.Triple], *, every: bool) -> Iterator[ox.Triple]:
    """The triples of a graph answer, each once (an RDF graph is a set).

    Oxigraph's DESCRIBE over the union default graph gives a triple once per
    record graph that states it (a subject named by 100 records: each of its
    triples 100 times): ``every`` triple is checked. Its CONSTRUCT drops
    repeats itself, but not of a triple with a blank node (a pattern joined
    to a blank node's statement repeats it once per row of the join): only
    those are checked, the rest costs one type test each.

    Repeats come close together (one described resource, one row's join at a
    time), so only the latest SEEN to 2 * SEEN distinct triples are kept (two
    generations): memory stays bounded for an answer as large as the store,
    and only a repeat farther apart than that would come twice.
    """
    recent: set[ox.Triple] = set()
    older: set[ox.Triple] = set()
    for triple in triples:
        if every or type(triple.subject) is ox.BlankNode or type(triple.object) is ox.BlankNode:
            if triple in recent or triple in older:
                continue
            if len(recent) >= SEEN:
                older, recent = recent, set()
            recent.add(triple)
        yield triple


def _solutions(result: ox.QuerySolutions, job: dict[str, Any],
               open_writer: Callable[[str, bool], W],
               again: Callable[[], ox.QuerySolutions]) -> W:
    """Rows streamed (no cap), written at once (``bounded`` and provably under the
    cap), else cut at the cap; ``again`` evaluates the query anew."""
    fmt = getattr(ox.QueryResultsFormat, job["results_format"])
    max_rows = int(job.get("max_rows") or 0)
    if max_rows <= 0:  # no cap: stream straight from the serializer
        out = open_writer("bindings", False)
        result.serialize(out, fmt)
        return out
    body, truncated = None, False
    if job.get("bounded"):
        body = within_cap(result, fmt, max_rows)
        if body is None:
            result = again()  # too large to tell: evaluate again, through the exact cap
    if body is None:
        body, truncated = capped(result, fmt, max_rows)
    out = open_writer("bindings", truncated)
    out.write(body)
    return out


def main(argv: list[str]) -> None:
    fd = int(argv[1])
    limit_memory(int(argv[2]) if len(argv) > 2 else 0)
    threading.Thread(target=_exit_with_parent, args=(fd,), name="parent watch",
                     daemon=True).start()
    Worker(Connection(fd)).serve()


def limit_memory(megabytes: int) -> None:
    """Cap this process's data memory (heap and private mappings) at ``megabytes``.

    A cross product held by ORDER BY grew at ~125 MB/s until the time limit:
    a few such queries took the host's memory. With the cap, the allocation
    that passes it fails: Oxigraph (Rust) aborts the process, Python raises
    MemoryError (sent as an error of kind "memory"), and the parent answers
    503 (:mod:`ld.sparql_pool`). RLIMIT_DATA rather than RLIMIT_AS: the
    store's files and libraries mapped read-only (~450 MB of address space
    at start, 90 MB of it data) do not count against it. 0: no cap.
    """
    if megabytes > 0:
        cap = megabytes << 20
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


def _exit_with_parent(fd: int) -> None:
    """End this process as soon as its serving process has gone (its end of our socket
    closed), even in the middle of a query.

    A serving worker killed (a server stopping past its grace, the OOM killer)
    left its query running alone until the alarm, up to the timeout plus
    ALARM_GRACE. POLLRDHUP wakes on the peer's close only, not on a job
    arriving, and the wait costs no CPU; pyoxigraph lets go of the GIL while
    it evaluates, so this thread runs during a query too.
    """
    watch = select.poll()
    watch.register(fd, select.POLLRDHUP)
    watch.poll()
    os._exit(1)


if __name__ == "__main__":
    main(sys.argv)
