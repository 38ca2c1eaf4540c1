"""The index builder's child process, and what it leaves behind.

:mod:`ld.search_index` builds a snapshot's full-text index and links table
(:mod:`ld.links_index`) in a child process, so the serving worker keeps its
GIL. This module runs that child and makes sure it leaves nothing behind.

Nothing stale in ``<store>/search/``. Each file is written under a temporary
name, ``.tmp-<pid>-<thread>-<name>``, and renamed whole (:func:`written`). A
build that fails removes its temporary file and SQLite's journal, also when
stopped by SIGTERM (a server shutting down terminates its builder); a child
killed outright (SIGKILL, the OOM killer) cannot, so its parent removes what
it left; and when the parent died too (a worker killed), the next build's
prune removes it (:func:`remove_abandoned`): a temporary file whose writer's
process is gone, or that nobody wrote for :data:`STALE_AFTER` (its pid now
being another process's). A live writer's file is left alone: the child of a
killed worker goes on to finish its build. (Pids are this host's: a store
shared by containers with separate pid namespaces may see another
container's build fail, and be built again.)
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import pyoxigraph as ox

Target = tuple[Path, Callable[[ox.Store, str, Path], int]]  # a file and what makes it
STALE_AFTER = 86400.0  # seconds unwritten after which a live pid's temporary file is stale
_TMP = re.compile(r"\.tmp-(\d+)-")


class Stopped(Exception):
    """SIGTERM in the child, raised where it is so the temporary files go."""


def run(targets: Sequence[Target], snapshot: Path, base: str) -> None:
    """Make the missing ``targets``, in order, from the snapshot at ``snapshot``, in a
    child process; raises RuntimeError when the child does not succeed."""
    child = multiprocessing.get_context("spawn").Process(
        target=_child, args=(list(targets), str(snapshot), base), name="ldpub index builder",
        daemon=True)
    child.start()
    child.join()
    remove_abandoned(targets[0][0].parent)  # what a killed child could not remove
    if child.exitcode:
        raise RuntimeError(f"the index builder exited with code {child.exitcode}")


def _child(targets: list[Target], snapshot: str, base: str) -> None:
    """In the child: build what is missing."""
    signal.signal(signal.SIGTERM, _stop)
    store = ox.Store.read_only(snapshot)
    for path, make in targets:
        if not path.exists():
            make(store, base, path)


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(f"stopped by {signal.Signals(signum).name}")


@contextmanager
def written(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write an SQLite file to: renamed to ``path``
    when the block ends, removed with its journal when the block raises anything."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
    _remove(tmp)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _remove(tmp: Path) -> None:
    """The temporary file and SQLite's files beside it; what cannot go is left for
    :func:`remove_abandoned`."""
    for name in (tmp.name, *(tmp.name + end for end in ("-journal", "-wal", "-shm"))):
        with suppress(OSError):
            tmp.with_name(name).unlink(missing_ok=True)


def remove_abandoned(folder: Path) -> list[str]:
    """Remove the temporary files in ``folder`` whose writer is gone; their names."""
    removed = []
    for tmp in sorted(folder.glob(".tmp-*")):
        if _abandoned(tmp):
            with suppress(OSError):
                tmp.unlink()
                removed.append(tmp.name)
    return removed


def _abandoned(tmp: Path) -> bool:
    """Whether the process named in ``tmp`` is gone, or the file has not been written
    for :data:`STALE_AFTER` (no build takes that long: its pid was reused)."""
    named = _TMP.match(tmp.name)
    try:
        unwritten = time.time() - tmp.stat().st_mtime
    except OSError:
        return False
    return named is not None and (not _alive(int(named[1])) or unwritten > STALE_AFTER)


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` runs (another user's counts; a zombie does not)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # none, or no pid at all
        return False
    except PermissionError:
        pass
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Ended but not reaped: the orphan of a killed worker, where nothing reaps orphans."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):  # no /proc (not Linux): kill() has answered
        return False
