"""Read the input in a thread while the loading process writes to the store.

The loading process does three things in turn: read and parse the input,
hand batches to the workers, and write finished batches to the store. The
store's bulk write runs in Rust and releases the GIL, and for large records
it is most of the loading process's time (a PubMed article maps to about
155 triples); while it ran, nothing read the next records, so the workers
ran out of batches and a core stood idle (docs/benchmarks.md, "Ingest",
sixth session). Here a thread reads ahead into a bounded queue, so reading
overlaps the store write and memory stays bounded by the queue.

Items cross the queue in chunks (a queue hand-off costs a few microseconds,
about what reading a small record does). An exception raised by the input
(a broken stream: an InputError) is passed through and raised again in the
consumer, after the items read before it, exactly where a plain iterator
would have raised it.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")

CHUNK = 64  # items per queue hand-off
DEPTH = 48  # chunks read ahead at most: 3,072 items, three default batches (one ran
# out while the store wrote a batch, and the loading process then waited for reads)
STOP_WAIT = 5.0  # seconds close() waits for a reader blocked in its input
_END = object()


class ReadAhead(Generic[T]):
    """An iterator over ``items`` that a background thread fills ahead of the consumer.

    Use as a context manager (or call :meth:`close`): a consumer that stops
    early must stop the thread, which also closes the underlying generator
    (and so the files it opened). ``busy`` is the thread's time spent
    producing items (waiting for queue space excluded): the real cost of
    reading, which the consumer no longer sees.
    """

    def __init__(self, items: Iterable[T], *, chunk: int = CHUNK, depth: int = DEPTH) -> None:
        self._source = iter(items)
        self._chunk = chunk
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._current: Iterator[Any] = iter(())
        self._done = False
        self.busy = 0.0
        self._thread = threading.Thread(target=self._produce, name="ldpub-read-ahead",
                                        daemon=True)
        self._thread.start()

    def __iter__(self) -> ReadAhead[T]:
        return self

    def __next__(self) -> T:
        for item in self._current:
            return item  # type: ignore[no-any-return]
        if self._done:
            raise StopIteration
        chunk = self._queue.get()
        if chunk is _END:
            self._done = True
            raise StopIteration
        if isinstance(chunk, BaseException):
            self._done = True
            raise chunk
        self._current = iter(chunk)
        return next(self)

    def close(self) -> None:
        """Stop reading; wait for the thread, which closes the source.

        A thread blocked in its input (a terminal on standard input, a slow
        server) is left behind after ``STOP_WAIT`` seconds rather than
        hanging the command: it is a daemon, and it stops at its next item.
        """
        self._stop.set()
        self._done = True
        deadline = time.monotonic() + STOP_WAIT
        while self._thread.is_alive() and time.monotonic() < deadline:
            self._drain()
            self._thread.join(timeout=0.05)

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _drain(self) -> None:
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass

    def _produce(self) -> None:
        chunk: list[T] = []
        started = time.perf_counter()
        try:
            for item in self._source:
                chunk.append(item)
                if len(chunk) >= self._chunk:
                    self.busy += time.perf_counter() - started
                    if not self._put(chunk):
                        return
                    chunk, started = [], time.perf_counter()
            self.busy += time.perf_counter() - started
            if self._put(chunk):
                self._put(_END)
        except BaseException as exc:  # handed to the consumer, raised there
            self.busy += time.perf_counter() - started
            if self._put(chunk):
                self._put(exc)
        finally:
            close = getattr(self._source, "close", None)
            if close is not None:
                close()

    def _put(self, value: Any) -> bool:
        """Queue ``value`` unless the consumer has stopped; False once it has."""
        if isinstance(value, list) and not value:
            return not self._stop.is_set()
        while not self._stop.is_set():
            try:
                self._queue.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False
