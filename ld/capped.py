"""A SELECT result cut at the row cap, written by pyoxigraph in any results format.

pyoxigraph serialises a whole result and has no "first N rows". So the rows
are written as TSV (exactly one line per row: terms escape their newlines)
into a buffer that stops the serialiser, and with it the evaluation, after
``max_rows`` + 1 rows. The buffer is then cut exactly at ``max_rows`` and
converted by pyoxigraph to the format asked for (TSV round-trips every term;
tests check it). Memory is bounded by the cap, not by the result.

One mechanism for every place that caps rows: the query worker process
(:mod:`ld.sparql_worker`), the remote endpoint relay (:mod:`ld.sparql_remote`)
and ``Store.query`` (:mod:`ld.store.oxstore`). Imports only the standard
library and pyoxigraph, so a worker process still starts fast.
"""

from __future__ import annotations

import contextlib

import pyoxigraph as ox


class _Capped(Exception):
    """Raised from a writer to stop the serializer once the row cap is passed."""


class _Collector:
    """Gathers what a serializer writes and stops it, by raising, once ``full()``."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def full(self, data: bytes) -> bool:
        raise NotImplementedError

    def write(self, data: bytes) -> int:
        self.buf += data
        if self.full(data):
            raise _Capped
        return len(data)

    def flush(self) -> None:
        """Nothing buffered outside self.buf."""


class CappedTsv(_Collector):
    """Collects TSV results until ``max_rows`` + 1 rows are seen, then stops.

    TSV has exactly one line per row (terms escape their newlines), so
    counting lines is counting rows; memory is bounded by the cap, not by
    the result size.
    """

    def __init__(self, max_rows: int) -> None:
        super().__init__()
        self.limit = max_rows + 2  # header line + max_rows rows + one more
        self.lines = 0

    def full(self, data: bytes) -> bool:
        self.lines += data.count(b"\n")
        return self.lines >= self.limit

    def result(self, max_rows: int) -> tuple[bytes, bool]:
        """The TSV cut to ``max_rows`` rows, and whether anything was cut."""
        if self.lines < self.limit:
            return bytes(self.buf), False
        end = -1
        for _ in range(max_rows + 1):
            end = self.buf.index(b"\n", end + 1)
        return bytes(self.buf[:end + 1]), True


def capped(solutions: ox.QuerySolutions, fmt: ox.QueryResultsFormat, max_rows: int
           ) -> tuple[bytes, bool]:
    """The first ``max_rows`` rows written as ``fmt``, and whether any were cut."""
    buffer = CappedTsv(max_rows)
    with contextlib.suppress(_Capped):  # the cap was reached: stop evaluating
        solutions.serialize(buffer, ox.QueryResultsFormat.TSV)
    tsv, truncated = buffer.result(max_rows)
    if fmt == ox.QueryResultsFormat.TSV:
        return tsv, truncated
    return ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt), truncated


# The fewest bytes a row takes as pyoxigraph writes these formats: an empty
# solution is "{}", with a "," between rows, in JSON, and "<result></result>"
# in XML (tests/test_sparql_local.py checks both).
_ROW_BYTES = ((ox.QueryResultsFormat.JSON, 3), (ox.QueryResultsFormat.XML, 17))


class _Budget(_Collector):
    """Collects what a serializer writes; stops it past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def full(self, data: bytes) -> bool:
        return len(self.buf) > self.limit


def within_cap(solutions: ox.QuerySolutions, fmt: ox.QueryResultsFormat, max_rows: int
               ) -> bytes | None:
    """The whole result written as ``fmt`` when its size proves at most ``max_rows`` rows.

    Every row takes at least a fixed number of bytes, so a result of at most
    ``max_rows`` times that many bytes cannot hold more rows than the cap,
    and needs no cutting. Larger results stop the serializer at that size
    and give None: ``solutions`` is then spent, and the caller evaluates
    again through :func:`capped`. Worth it only where evaluation costs what
    the rows cost (the in-process lane, :mod:`ld.sparql_local`): it spares
    small answers capped()'s TSV round trip.
    """
    per_row = next((n for f, n in _ROW_BYTES if f == fmt), 0)
    if not per_row or max_rows <= 0:
        return None
    budget = _Budget(per_row * max_rows)
    try:
        solutions.serialize(budget, fmt)
    except _Capped:
        return None
    return bytes(budget.buf)
