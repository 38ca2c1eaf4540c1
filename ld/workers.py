"""The worker processes of a load (and of a dry run): starting them, one batch each.

Split from :mod:`ld.pipeline`, which owns what happens to a batch: this module
owns the processes it happens in. Each worker builds its
:class:`~ld.validation.Validator` once (loading the shapes is slow), tunes
Python's garbage collector for its life, ignores Ctrl-C and SIGTERM (the loading
process handles them) and ends itself when the loading process dies.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from multiprocessing import forkserver, resource_tracker
from pathlib import Path
from typing import Any

from ld.model import Record
from ld.pipeline import Outcome, process_batch
from ld.priority import lower_this_process

_WORKER: dict[str, Any] = {}


def init_worker(shapes_dir: str | None, engine: str = "fast") -> None:
    """Pool initializer: build this worker's Validator once, watch the parent.

    If the loading process is killed (SIGKILL), nobody tells the workers;
    the watchdog thread ends the worker when its parent's sentinel closes so
    that no orphan is left behind.
    """
    from ld.validation import Validator

    # Ctrl-C on a terminal, and SIGTERM from systemd or `docker stop`, reach the whole
    # process group: the loading process handles them (it stops after the batch being
    # written, then shuts the pool down). A worker that died of one printed a traceback
    # and could hang the pool's shutdown. (Under 'forkserver' SIGTERM is blocked from
    # the worker's birth: see pool_context; this covers 'spawn'.)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    _WORKER["validator"] = Validator(Path(shapes_dir) if shapes_dir else None, engine=engine)
    collect_less()  # for the worker's whole life, which is one load
    lower_this_process()  # the loading process's store write first (ld.priority)
    watch_parent()


def watch_parent() -> None:
    """In a worker process: end it when the process that started the pool is gone.

    If that process is killed (SIGKILL, or SIGTERM where it does not handle
    it), nobody tells the workers, and they ignore SIGTERM themselves; a
    thread waits on the parent's sentinel and ends the worker, so that no
    orphan is left behind.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent.sentinel,), daemon=True).start()


GC_THRESHOLD = (200_000, 20, 100)  # Python's default is (700, 10, 10)


def collect_less() -> tuple[int, int, int]:
    """Tune Python's cyclic garbage collector for a load; returns the old thresholds.

    A load allocates millions of short-lived objects and keeps growing
    caches; with the default thresholds the collector ran every 700
    allocations and rescanned those caches, ~12% of the loading process's
    CPU (docs/benchmarks.md, "Ingest"). Freezing what exists (the shapes,
    the modules) and collecting the youngest generation every 200,000
    allocations keeps cycles collected while scanning far less (every 50,000
    cost the workers 4% more CPU than no collector at all; every 200,000 the
    same as none: docs/benchmarks.md, "Thirteenth session: less CPU in the workers").
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    return old  # type: ignore[return-value]


def collect_as_before(old: tuple[int, int, int]) -> None:
    gc.set_threshold(*old)
    gc.unfreeze()


def _watch_parent(sentinel: int) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])
    os._exit(3)


def run_batch(records: Sequence[Record], base: str, modified: datetime, *,
              keep_reports: bool = False) -> tuple[list[Outcome], dict[str, float]]:
    """Entry point in a worker process: the outcomes and the CPU seconds they took.

    A load drops the empty reports of conforming records (they tell it
    nothing, and cost pickling); a dry run (``keep_reports``) prints them.
    """
    cpu: dict[str, float] = {}
    outcomes = process_batch(records, base, modified, _WORKER["validator"], cpu=cpu)
    for outcome in outcomes:
        if (not keep_reports and outcome.ok and outcome.report is not None
                and not outcome.report.results):
            outcome.report = None
    return outcomes, cpu


def new_pool(jobs: int, validator: Any, engine: str) -> ProcessPoolExecutor:
    """The worker processes of a load or a dry run, each with its own Validator."""
    shapes = getattr(validator, "shapes_dir", None)
    return ProcessPoolExecutor(jobs, mp_context=pool_context(), initializer=init_worker,
                               initargs=(str(shapes) if shapes else None,
                                         getattr(validator, "engine", engine)))


def pool_context() -> multiprocessing.context.BaseContext:
    """'forkserver' where available (cheap starts, no inherited threads/locks)."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["ld.workers", "ld.pipeline", "ld.mapping", "ld.validation"])
    _start_fork_server()
    return ctx


def _start_fork_server() -> None:
    """Start the fork server (once per process), deaf to SIGTERM and blind to the
    working directory.

    SIGTERM is blocked while it starts: it and every worker it forks inherit
    the blocked signal, so a SIGTERM sent to the whole process group (systemd's
    default, ``docker stop``) reaches only the process that started the pool,
    which stops the pool itself. The fork server dying of it made the pool
    believe every worker dead at once, and the pool's shutdown then waited for
    ever on a pipe nobody read (CI, stop 15).

    The fork server runs ``python -c``, which puts the working directory first
    on ``sys.path``, and imports the preloaded modules with that path (Python
    3.11 ignores the one it is given): a file ``ld.py`` where ldpub was started
    was run instead of the package, and every worker died. PYTHONSAFEPATH
    (Python 3.11+) keeps the working directory off its path.
    """
    safe = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        resource_tracker.ensure_running()  # first: starting it unblocks SIGTERM (CPython)
        before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        try:  # a SIGTERM that comes meanwhile is delivered here when the mask is restored
            forkserver.ensure_running()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
    finally:
        if safe is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = safe
