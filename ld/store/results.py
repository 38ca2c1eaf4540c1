"""SPARQL results streamed as chunks of bytes.

Every result is written by pyoxigraph's own serialisers; a SELECT cut at
``max_rows`` goes through :mod:`ld.capped`, the one row-cap mechanism the
SPARQL endpoint's workers use too.

Evaluation and serialisation run in a thread of their own (:func:`produce`)
that hands chunks through a small bounded queue, so a large result never
sits in memory and an abandoned response (the consumer closes or drops the
chunk stream) stops the producer at its next chunk.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import traceback
from collections.abc import Callable, Iterator

import pyoxigraph as ox

from ld.errors import LdpubError, StoreError

CHUNK = 64 * 1024
_END = object()


# --- SELECT rows ------------------------------------------------------------

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
