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


class CappedTsv:
    """Collects TSV results until ``max_rows`` + 1 rows are seen, then stops.

    TSV has exactly one line per row (terms escape their newlines), so
    counting lines is counting rows; memory is bounded by the cap, not by
    the result size.
    """

    def __init__(self, max_rows: int) -> None:
        self.limit = max_rows + 2  # header line + max_rows rows + one more
        self.lines = 0
        self.buf = bytearray()

    def write(self, data: bytes) -> int:
        self.buf += data
        self.lines += data.count(b"\n")
        if self.lines >= self.limit:
            raise _Capped
        return len(data)

    def flush(self) -> None:
        """Nothing buffered outside self.buf."""

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
