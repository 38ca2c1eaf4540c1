"""The load's scheduling (fourteenth session): one batch in, one batch out, and who gets
a core first (ld.priority). Real stores, real worker processes, real threads."""

from __future__ import annotations

import os
from concurrent.futures import Future
from pathlib import Path

import pytest

from ld.config import Settings
from ld.ingest import _Load
from ld.priority import COMPACTION_NICE, WORKER_NICE
from ld.rejects import RejectsReport
from ld.store import open_store
from ld.workers import new_pool

LINUX_THREADS = pytest.mark.skipif(not Path("/proc/self/task").is_dir(),
                                   reason="thread priorities are read from Linux's /proc")


def _finished() -> Future:
    future: Future = Future()
    future.set_result(([], {}))  # a mapped batch with no records: (outcomes, cpu)
    return future


def test_each_new_batch_lets_at_most_one_finished_batch_be_written(settings: Settings) -> None:
    # Regression: every finished batch was written as soon as a new one came, a
    # second of store writes each while the workers had nothing to map.
    with open_store(settings) as store:
        load = _Load(settings, store, None, 2, None, RejectsReport(None))
        oldest: Future = Future()  # still being mapped
        load._enqueue("batch", oldest)
        load._enqueue("batch", _finished())
        load._enqueue("batch", _finished())
        assert len(load.inflight) == 3  # nothing written: the oldest is not done
        oldest.set_result(([], {}))
        load._enqueue("batch", _finished())
        assert len(load.inflight) == 3  # the oldest written, the other two still wait
        while load.inflight:
            load._write_oldest()
        load.close()


def test_in_process_batches_are_written_as_they_come(settings: Settings) -> None:
    with open_store(settings) as store:
        load = _Load(settings, store, None, 0, None, RejectsReport(None))
        for _ in range(3):
            load._enqueue("batch", _finished())
            assert not load.inflight
        load.close()


def test_load_workers_run_at_a_lower_priority_than_the_loading_process() -> None:
    before = os.nice(0)
    pool = new_pool(1, None, "fast")
    try:
        assert pool.submit(os.nice, 0).result(timeout=60) == min(19, before + WORKER_NICE)
    finally:
        pool.shutdown()
    assert os.nice(0) == before  # the loading process keeps its priority


@LINUX_THREADS
def test_the_stores_compactions_run_at_the_lowest_priority(settings: Settings) -> None:
    before = os.nice(0)
    with open_store(settings):
        tasks = [t for t in Path("/proc/self/task").iterdir()
                 if (t / "comm").read_text().strip() == "rocksdb:low"]
        assert tasks, "pyoxigraph's RocksDB starts its compaction threads with a store"
        for task in tasks:
            assert os.getpriority(os.PRIO_PROCESS, int(task.name)) == COMPACTION_NICE
        assert os.nice(0) == before  # the thread that opened the store keeps its priority
