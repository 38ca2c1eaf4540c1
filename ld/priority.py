"""Who gets a core first during a load: the process that writes to the store.

A load is a pipeline whose slowest stage is the loading process's store write
(pyoxigraph's bulk loader, docs/benchmarks.md, "Ingest"); the worker
processes (mapping, validation) and RocksDB's compactions of the files each
bulk write leaves behind only have to keep up. With all of them runnable on
two cores the kernel shared the cores evenly, so the write waited its turn
while workers ran ahead of it, and at the end of the load the write finished
alone on one core. At a lower priority (a higher nice value) the workers and
the compactions use what the write leaves, and a compaction that runs less
often merges more files at once, so there is less of it in all: 10,000
records loaded in 4.4-4.8 s instead of 5.2-5.4 s on the two-core machine
(fourteenth session).

Linux only (compaction threads are found by name in /proc); elsewhere, or
where the kernel refuses, priorities stay as they are: only speed depends
on this.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

WORKER_NICE = 10  # mapping and validation: busy, but never the bottleneck
COMPACTION_NICE = 19  # RocksDB's "rocksdb:low" threads: whenever a core is free
_COMPACTION_THREAD = "rocksdb:low"


def lower_this_process() -> None:
    """Run the calling process (a load's worker) at a lower priority."""
    with contextlib.suppress(AttributeError, OSError):  # no os.nice, or refused
        os.nice(WORKER_NICE)


def lower_compactions() -> None:
    """Run this process's RocksDB compaction threads at the lowest priority.

    pyoxigraph starts them with its first store and keeps them for the
    process's life; renicing one again is harmless.
    """
    setpriority = getattr(os, "setpriority", None)
    if setpriority is None:
        return
    try:
        tasks = list(Path("/proc/self/task").iterdir())
    except OSError:
        return
    for task in tasks:
        try:
            if (task / "comm").read_text().strip() == _COMPACTION_THREAD:
                setpriority(os.PRIO_PROCESS, int(task.name), COMPACTION_NICE)
        except (OSError, ValueError):
            continue  # a thread that ended meanwhile, or a kernel that refuses
