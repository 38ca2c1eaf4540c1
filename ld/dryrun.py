"""``ldpub validate``: map and validate like a load, store nothing, report everything.

The same batches as :mod:`ld.ingest` and the same worker processes
(:func:`ld.workers.init_worker`, :func:`ld.workers.run_batch`), so a dry
run of a large file uses every core, as the load it rehearses does: mapping
and validation are most of a load's CPU. At most ``2 * jobs + 1`` batches
are in flight and results come back in input order, so memory stays flat
and the report reads in file order. A small input (one batch) never starts
the pool.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

from ld.config import Settings
from ld.errors import LdpubError
from ld.model import Record
from ld.pipeline import Outcome, new_validator, process_batch, read_paths
from ld.workers import new_pool, run_batch


def validate_paths(
    paths: Sequence[str], *, format: str | None = None, settings: Settings,
    validator: Any = None, jobs: int | None = None,
) -> Iterator[Any]:
    """Dry run: yield a RecordReport per mapped record, errors for the others.

    Yields :class:`~ld.validation.RecordReport` (with the record's
    :class:`~ld.model.Source` set as its ``source`` attribute, for reports
    that name the file and position), :class:`RecordError` for records that
    cannot be read or mapped, and :class:`InputError` for unreadable files.
    ``jobs``: worker processes (default one per CPU; 0: all in this process).
    """
    batches = _Batches(settings, validator or new_validator(settings.validator),
                       (os.cpu_count() or 1) if jobs is None else jobs)
    pending: list[Record] = []
    try:
        for item in read_paths(paths, format):
            if isinstance(item, Record):
                pending.append(item)
                if len(pending) >= settings.batch_size:
                    yield from batches.submit(pending, full=True)
                    pending = []
            elif isinstance(item, LdpubError):
                yield item
        yield from batches.submit(pending, full=False)
        yield from batches.drain()
    finally:
        batches.close()


class _Batches:
    """Batches in flight, in input order; the pool starts with the first full batch."""

    def __init__(self, settings: Settings, validator: Any, jobs: int) -> None:
        self.settings, self.validator, self.jobs = settings, validator, jobs
        self.modified = datetime.now(UTC).replace(microsecond=0)
        self.inflight: deque[Future[Any]] = deque()
        self.pool: ProcessPoolExecutor | None = None

    def submit(self, records: list[Record], *, full: bool) -> Iterator[Any]:
        if records:
            self.inflight.append(self._start(records, full))
        while self.inflight and (len(self.inflight) > 2 * self.jobs + 1
                                 or self.inflight[0].done()):
            yield from _checked(self.inflight.popleft().result())

    def drain(self) -> Iterator[Any]:
        while self.inflight:
            yield from _checked(self.inflight.popleft().result())

    def _start(self, records: list[Record], full: bool) -> Future[Any]:
        if self.pool is None and full and self.jobs > 0:
            self.pool = new_pool(self.jobs, self.validator, self.settings.validator)
        if self.pool is not None:
            return self.pool.submit(run_batch, records, self.settings.base_uri, self.modified,
                                    keep_reports=True)
        done: Future[Any] = Future()
        done.set_result(process_batch(records, self.settings.base_uri, self.modified,
                                      self.validator))
        return done

    def close(self) -> None:
        for future in self.inflight:
            future.cancel()
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _checked(result: Sequence[Outcome] | tuple[Sequence[Outcome], dict]) -> Iterator[Any]:
    """Each outcome as its report (source attached) or its RecordError."""
    outcomes = result[0] if isinstance(result, tuple) else result
    for outcome in outcomes:
        error = outcome.record_error()
        if error is not None:
            yield error
        else:
            object.__setattr__(outcome.report, "source", outcome.source)
            yield outcome.report
