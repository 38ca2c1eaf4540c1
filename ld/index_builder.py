"""The index builder's child process: what it reports, and what it leaves behind.

:mod:`ld.search_index` builds a snapshot's full-text index and links table
(:mod:`ld.links_index`) in a child process, so the serving worker keeps its
GIL. This module runs that child and keeps two promises about it.

One log line per failure, naming the file that could not be built and why.
The child used to die with a raw traceback on standard error while the
parent logged "exited with code 1" against the full-text index, even when
the links table had failed: the reason an operator can act on ("database or
disk is full") was in the traceback only. Now the child sends (file, reason,
traceback) back through a pipe and exits with code 1; a child killed by a
signal is reported as such ("killed by signal 9 (SIGKILL): out of memory?"),
against the first file still missing. The traceback is for DEBUG.

A build stopped because its process ends (a server stopping: :func:`stop`
runs when the process exits, before multiprocessing terminates its children,
and at gunicorn's SIGTERM) is no failure: it raises :class:`BuildStopped`, which
the caller logs at INFO, and the exit waits (at most :data:`STOP_WAIT`) for
that line. A child stopped by SIGTERM or SIGINT ends by that signal once its
files are gone; when the signal reached it first (the whole process group
was signalled, as systemd and Ctrl-C do), the parent waits up to
:data:`STOP_GRACE` for its own stop before it calls it a failure.

Nothing stale in ``<store>/search/``. Each file is written under a temporary
name, ``.tmp-<pid>-<thread>-<name>``, and renamed whole (:func:`written`). A
build that fails removes its temporary file and SQLite's journal, also when
stopped by SIGTERM (a server shutting down terminates its builder) or Ctrl-C; a child
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
import multiprocessing.util
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox

Target = tuple[Path, Callable[[ox.Store, str, Path], int]]  # a file and what makes it
STALE_AFTER = 86400.0  # seconds unwritten after which a live pid's temporary file is stale
_TMP = re.compile(r"\.tmp-(\d+)-")
_DETAILS = 8000  # characters of the child's traceback sent back (the pipe must not fill)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)  # a stop asked for, not a fault (SIGKILL is)
STOP_GRACE = 10.0  # seconds to wait for this process's stop once a signal stopped the child
STOP_WAIT = 5.0  # seconds an ending process waits for its stopped builds to say so
_STOPPING = threading.Event()  # this process is ending: a build stopped now is no fault
_RUNNING: dict[BaseProcess, threading.Thread] = {}  # each running child, and who waits for it
_STOP_AT_EXIT: list[int] = []  # the pids that registered :func:`stop` to run at their exit


class BuildFailed(RuntimeError):
    """A file the builder could not make (``path``) and why; ``details`` is the child's
    traceback, for DEBUG."""

    def __init__(self, path: Path, reason: str, details: str = "") -> None:
        super().__init__(reason)
        self.path, self.details = path, details


class BuildStopped(BuildFailed):
    """The build was stopped because this process ends (a server stopping): nothing
    failed, and the next start builds it again."""


class Stopped(Exception):
    """SIGTERM or SIGINT in the child, raised where it is so the temporary files go."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


def run(targets: Sequence[Target], snapshot: Path, base: str) -> None:
    """Make the missing ``targets``, in order, from the snapshot at ``snapshot``, in a
    child process; raises :class:`BuildFailed` when the child does not succeed,
    :class:`BuildStopped` when this process ends meanwhile."""
    _stop_at_exit()
    if _STOPPING.is_set():
        raise BuildStopped(targets[0][0], "this process is ending")
    context = multiprocessing.get_context("spawn")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(list(targets), str(snapshot), base, writer),
                            name="ldpub index builder", daemon=True)
    child.start()
    writer.close()  # the child's end only: the pipe ends with it
    _RUNNING[child] = threading.current_thread()
    try:
        _outcome(child, reader, targets)
    finally:
        del _RUNNING[child]


def _outcome(child: BaseProcess, reader: Connection, targets: Sequence[Target]) -> None:
    """Wait for the child; raise what became of it unless it succeeded."""
    child.join()
    reported = _reported(reader)
    remove_abandoned(targets[0][0].parent)  # what a killed child could not remove
    if child.exitcode:
        raise _failure(child.exitcode, reported, targets)


def stop(wait: float = STOP_WAIT) -> None:
    """This process is ending (a server stopping): stop the builds it runs, and wait up
    to ``wait`` seconds for the threads that wait for them to report the stop."""
    _STOPPING.set()
    running = list(_RUNNING.items())
    for child, _ in running:
        child.terminate()
    deadline = time.monotonic() + wait
    for _, thread in running:
        if thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))


def _stop_at_exit() -> None:
    """Once per process: :func:`stop` when it ends. A multiprocessing finalizer, which
    runs before multiprocessing terminates the builder (its exit function), also in a
    worker forked by multiprocessing (Granian's), which exits without atexit."""
    if os.getpid() not in _STOP_AT_EXIT:
        multiprocessing.util.Finalize(None, stop, exitpriority=10)
        _STOP_AT_EXIT.append(os.getpid())


def _child(targets: list[Target], snapshot: str, base: str, report: Connection) -> None:
    """In the child: build what is missing; a failure goes back through ``report``.
    SIGINT too (Ctrl-C reaches the whole process group) stops it quietly."""
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    path = targets[0][0]
    try:
        store = ox.Store.read_only(snapshot)
        for path, make in targets:  # path: the file being built, named if it fails
            if not path.exists():
                make(store, base, path)
    except Stopped as stopped:  # its files are gone: end by the signal, as a stop does
        signal.signal(stopped.signum, signal.SIG_DFL)
        os.kill(os.getpid(), stopped.signum)
        sys.exit(1)  # not reached: the signal ends the process
    except Exception as err:  # the child has no log: every failure goes to the parent
        with suppress(OSError):  # unless it is gone (a killed worker): nobody to tell
            report.send((str(path), str(err) or type(err).__name__,
                         traceback.format_exc()[-_DETAILS:]))
        sys.exit(1)


def _stop(signum: int, _frame: object) -> None:
    raise Stopped(signum)


def _reported(reader: Connection) -> tuple[str, str, str] | None:
    """What the child sent before it ended: (file, reason, traceback), or None."""
    try:
        return reader.recv() if reader.poll() else None
    except EOFError:  # it ended without a word (killed)
        return None
    finally:
        reader.close()


def _failure(code: int, reported: tuple[str, str, str] | None,
             targets: Sequence[Target]) -> BuildFailed:
    """The child's own account when it gave one, else its exit against the first
    file still missing (the one it was making): a stop when a stop signal ended it
    and this process is ending too (or does within :data:`STOP_GRACE`)."""
    if reported is not None:
        path, reason, details = reported
        return BuildFailed(Path(path), reason, details)
    missing = next((path for path, _ in targets if not path.exists()), targets[0][0])
    if -code in STOP_SIGNALS and _STOPPING.wait(STOP_GRACE):
        return BuildStopped(missing, exit_reason(code))
    return BuildFailed(missing, exit_reason(code))


def exit_reason(code: int) -> str:
    """A child's exit code in words; a negative one is the signal that killed it."""
    if code >= 0:
        return f"the index builder exited with code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = "unknown"
    hint = ": out of memory?" if -code == signal.SIGKILL else ""
    return f"the index builder was killed by signal {-code} ({name}){hint}"


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
