"""The load pipeline: read -> map -> validate -> store, in batches.

The main process reads items (in a read-ahead thread, :mod:`ld.readahead`,
so that reading goes on while the store writes), links records across
sources (:mod:`ld.identity`: owl:sameAs the first record sharing a DOI,
PMID, PMCID or ISBN) and writes to the store (both in :mod:`ld.ingest_write`);
mapping, validation and serialising to N-Quads (the expensive part) run
batch by batch in a pool of worker processes (:mod:`ld.pipeline`), which
hand back each record as N-Quads bytes. At most ``2 * jobs + 1`` batches
are in flight, so memory stays flat however long the input is, and batches
are written in input order, so a later version of a record (or a deletion)
always wins over an earlier one.

Accounting: ``read == loaded + rejected + deleted`` for every load.

* A record with a SHACL violation, or that a reader or the mapper cannot
  make sense of, is never stored; it is counted in ``rejected`` and gets a
  line in the rejects report. Records with warnings only are stored; each
  warning result is counted in ``warnings``.
* The same id twice in one load: both are counted in ``loaded``, the later
  version wins and is counted in ``replaced`` (as is a record that replaces
  one stored by an earlier load), and in ``repeated`` and ``warnings``, with a
  warning naming both places (:mod:`ld.repeats`).
* A file that stops being readable (truncated, malformed, bad encoding) or
  that no reader recognises: the records read before the failure point are
  validated and stored as usual (each batch is one atomic store write, so a
  crash leaves whole records only), the rest of that file is skipped, the
  error goes to the report and to ``Summary.errors``, and the load goes on
  with the next file; the exit code is then 2.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from ld import workers
from ld.config import Settings
from ld.dryrun import validate_paths
from ld.errors import InputError, LdpubError, RecordError
from ld.ingest_write import BatchWriter
from ld.model import Deletion, Record
from ld.pipeline import Item, new_validator, process_batch, read_paths
from ld.readahead import ReadAhead
from ld.rejects import RejectsReport, error_entry
from ld.store.base import Store
from ld.summary import Progress, Summary
from ld.workers import new_pool, run_batch

__all__ = ["Item", "Progress", "Summary", "ingest_items", "ingest_paths", "read_paths",
           "validate_paths"]


class _Load:
    """One load's state: counters, the worker pool, the batches in flight.

    Each batch, once its turn comes, goes to the :class:`BatchWriter`.
    """

    def __init__(self, settings: Settings, store: Store, validator: Any, jobs: int,
                 progress: Progress | None, rejects: RejectsReport,
                 publish_every: float | None = None) -> None:
        self.settings, self.store, self.validator = settings, store, validator
        self.jobs, self.progress, self.rejects = jobs, progress, rejects
        self.publish_every = publish_every
        self.published = time.monotonic()
        self.summary = Summary(rejects_file=str(rejects.path) if rejects.path else None)
        self.modified = datetime.now(UTC).replace(microsecond=0)
        self.inflight: deque[tuple[str, Future[Any]]] = deque()
        self.pool: ProcessPoolExecutor | None = None
        self.writer = BatchWriter(settings, store, self.summary, rejects)
        self.started = time.perf_counter()

    def run(self, items: Iterable[Item | InputError]) -> Summary:
        with ReadAhead(items) as reader:
            try:
                self._consume(reader)
            finally:
                self.summary.stages["read"] = reader.busy
        while self.inflight:
            self._write_oldest()
        return self._tick()

    def _consume(self, reader: ReadAhead[Item | InputError]) -> None:
        """Batch the items as they come; a thread reads them (:mod:`ld.readahead`)."""
        pending: list[Record] = []
        while True:
            started = time.perf_counter()
            try:
                item = next(reader)
            except StopIteration:
                break
            except InputError as err:  # the stream broke: keep what came before
                self._input_error(err)
                break
            finally:
                self.summary.add_time_since("wait", started)
            pending = self._take(item, pending)
        if pending:
            self._submit(pending, full=False)

    def _take(self, item: Item | InputError, pending: list[Record]) -> list[Record]:
        if isinstance(item, InputError):
            self._input_error(item)
            return pending
        self.summary.read += 1
        if isinstance(item, Record):
            pending.append(item)
            if len(pending) >= self.settings.batch_size:
                self._submit(pending, full=True)
                return []
        elif isinstance(item, Deletion):
            if pending:
                self._submit(pending, full=False)
                pending = []
            self._enqueue("delete", _done([item]))
        elif isinstance(item, RecordError):
            self.writer.reject_error(item)
        return pending

    def _submit(self, records: list[Record], *, full: bool) -> None:
        """Hand a batch to the pool, or do it here for a small load.

        The pool starts with the first full batch: a load that fits in one
        batch never pays for starting worker processes.
        """
        if self.pool is None and full and self.jobs > 0:
            self.pool = new_pool(self.jobs, self.validator, self.settings.validator)
        if self.pool is not None:
            future = self.pool.submit(run_batch, records, self.settings.base_uri, self.modified)
        else:
            self.validator = self.validator or new_validator(self.settings.validator)
            cpu: dict[str, float] = {}
            future = _done((process_batch(records, self.settings.base_uri, self.modified,
                                          self.validator, cpu), cpu))
        self._enqueue("batch", future)

    def _enqueue(self, kind: str, future: Future[Any]) -> None:
        """Queue a batch, and write at most one: the oldest, if it is done or too many are
        in flight.

        One in, one out: writing every finished batch at once (a second each) left
        the workers nothing to map meanwhile, and a core idle for a third of a load
        (docs/benchmarks.md, "Ingest", fourteenth session).
        """
        self.inflight.append((kind, future))
        if len(self.inflight) > 2 * self.jobs + 1 or self.inflight[0][1].done():
            self._write_oldest()

    def _write_oldest(self) -> None:
        kind, future = self.inflight.popleft()
        started = time.perf_counter()
        try:
            result = future.result()
        except BrokenProcessPool as err:
            raise LdpubError(f"a worker process died during the load ({err})",
                             hint="see the log above; memory may have run out") from err
        self.summary.add_time_since("receive", started)
        if kind == "delete":
            self.writer.delete(result)
            return self._report_progress()
        outcomes, cpu = result
        for stage, seconds in cpu.items():
            self.summary.add_time(stage, seconds)
        self.writer.write(outcomes)
        self._maybe_publish()
        self._report_progress()

    def _maybe_publish(self) -> None:
        """During a long load, let `ldpub serve` see the records stored so far."""
        due = self.publish_every is not None and (
            time.monotonic() - self.published >= self.publish_every)
        publish = getattr(self.store, "publish", None)
        if due and publish is not None:
            publish()
            self.published = time.monotonic()

    def _report_progress(self) -> None:
        if self.progress:
            self.progress(self._tick())

    def _input_error(self, error: InputError) -> None:
        self.summary.errors.append(str(error))
        self.rejects.add(error_entry(error))

    def _tick(self) -> Summary:
        self.summary.seconds = time.perf_counter() - self.started
        return replace(self.summary, errors=list(self.summary.errors),
                       stages=dict(self.summary.stages))

    def close(self) -> None:
        try:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
            self.writer.close()
        finally:
            self.rejects.close()


def ingest_items(
    items: Iterable[Item | InputError],
    *,
    settings: Settings,
    store: Store,
    validator: Any = None,
    progress: Progress | None = None,
    rejects: str | Path | TextIO | RejectsReport | None = None,
    jobs: int | None = None,
    publish_every: float | None = None,
) -> Summary:
    """Load ``items`` into ``store``; see the module docstring for the rules.

    ``items`` may also yield :class:`InputError` objects (a file that could
    not be read; :func:`ingest_paths` does) or raise one (the stream broke).
    ``rejects`` is where the JSON Lines report goes (None: nowhere, but the
    counts and ``Summary.errors`` still say everything). ``jobs`` is the
    number of worker processes (default: one per CPU; 0: all in this process);
    they start with the first full batch, so a script that calls this must
    guard its entry point with ``if __name__ == "__main__":`` (multiprocessing's
    rule for the 'forkserver' and 'spawn' start methods). ``publish_every``
    (seconds): publish a snapshot for serving at most that often during the
    load, on stores that have ``publish``; the caller publishes at the end.
    """
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    report = rejects if isinstance(rejects, RejectsReport) else RejectsReport(rejects)
    load = _Load(settings, store, validator, jobs, progress, report, publish_every)
    thresholds = workers.collect_less()
    try:
        return load.run(items)
    finally:
        workers.collect_as_before(thresholds)
        load.close()


def ingest_paths(paths: Sequence[str], *, format: str | None = None, **kwargs: Any) -> Summary:
    """Load files (``"-"`` is standard input); keyword arguments as ingest_items."""
    return ingest_items(read_paths(paths, format), **kwargs)


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future

