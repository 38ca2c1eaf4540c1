"""What ``ldpub load`` and ``ldpub harvest`` share while they write: the progress
bar, Ctrl-C, and a store that fails part-way.

Both end the same way when stopped early: the summary of what the store now
holds (whole batches only), a line saying what to do, and the documented exit
code: 130 after Ctrl-C, 143 after SIGTERM (what systemd, ``docker stop`` and
Kubernetes send; it used to kill the load silently, its batches unpublished),
2 when the store failed (its own message follows, as for any store error).
Written once here so that the two commands cannot drift apart: the harvest
used to stop on a failing store without any summary.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from ld import cli_output as out
from ld.errors import StoreError
from ld.rejects import RejectsReport
from ld.summary import Summary

ToJson = Callable[[Summary], dict[str, Any]]
# the signals that stop a load as Ctrl-C does, and how its message names them
STOPPED_BY = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}


@contextmanager
def guarded_run(ctx: click.Context, command: str, report: RejectsReport, as_json: bool,
                to_json: ToJson = Summary.to_dict) -> Iterator[LoadInterrupts]:
    """Run a writing command's body with the progress bar and Ctrl-C handling.

    The body passes the yielded :class:`LoadInterrupts` as its progress
    callback and writes through ``interrupts.wrap(store)``. Ctrl-C or
    SIGTERM: the batches stored so far published, the summary so far, then
    exit 130 or 143 (128 + the signal). A :class:`StoreError`: the summary so
    far, what it means, and the error itself is raised on (exit 2).
    """
    interrupts = LoadInterrupts()
    try:
        with interrupts, out.load_progress(out.is_tty() and not as_json) as bar:
            interrupts.bar = bar
            yield interrupts
    except KeyboardInterrupt:
        stopped = interrupts.last.stopped(report.rejected)
        interrupts.publish_stored()
        show_summary(stopped, report, as_json, command, to_json)
        out.print_interrupted(stopped, command, STOPPED_BY[interrupts.signum])
        ctx.exit(128 + interrupts.signum)
    except StoreError as err:  # the store failed part-way (disk full, its server gone)
        stopped = interrupts.last.stopped(report.rejected, interrupted=False)
        if as_json:  # a program reads only this: it must say the load did not finish
            stopped.errors.append(f"the store failed: {err}")
        show_summary(stopped, report, as_json, command, to_json)
        out.stderr.print(f"the store failed after {interrupts.last.read:,} records were "
                         "stored or rejected; whole batches are kept (on Virtuoso, whole "
                         "records) and the store is consistent: run the same "
                         f"{command} again once the store is back",
                         markup=False, soft_wrap=True)
        raise


def show_summary(summary: Summary, report: RejectsReport, as_json: bool, command: str,
                 to_json: ToJson = Summary.to_dict) -> None:
    """The summary as JSON on stdout, or for people (table, first rejects, report path)."""
    summary.rejects_file = str(report.path)
    if as_json:
        click.echo(json.dumps(to_json(summary)))
    else:
        out.print_summary(summary, report.samples, command)


class LoadInterrupts:
    """Ctrl-C or SIGTERM during a load, and the load's progress callback.

    A signal that comes while a batch is being written takes effect once that
    batch is stored and counted (at the load's next progress report), so the
    summary shown then says exactly what the store holds; anywhere else
    (reading, waiting for the workers) it stops the load at once, and so does
    a second signal. The callback keeps the last summary and moves the bar.
    """

    def __init__(self) -> None:
        self.last, self.bar = Summary(), None
        self.writing = self.pending = False
        self.signum = signal.SIGINT  # what stopped the load (a KeyboardInterrupt: Ctrl-C)
        self.store: Any = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> LoadInterrupts:
        self._previous = {s: signal.signal(s, self._on_signal) for s in STOPPED_BY}
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if not self.pending:
            self.signum = signal.Signals(signum)
        if not self.writing or self.pending:
            raise KeyboardInterrupt
        self.pending = True

    def __call__(self, summary: Summary) -> None:
        """A batch is stored and counted: keep its summary, then stop if asked to."""
        self.last, self.writing = summary, False
        if self.bar is not None:
            self.bar(summary)
        if self.pending:
            raise KeyboardInterrupt

    def wrap(self, store: Any) -> Any:
        """``store``, whose writes say that a batch is being written."""
        self.store = store
        return _MarkedWrites(store, self)

    def publish_stored(self) -> None:
        """Publish the whole batches stored before the stop, so the site serves what the
        summary reports; not after a batch cut short (a second signal while writing):
        its journal is replayed and published by whoever opens the store next."""
        if self.store is None or self.writing:
            return
        try:
            self.store.publish()
        except StoreError as err:
            out.stderr.print(f"ldpub: the records stored were not published: {err}",
                             markup=False, soft_wrap=True)


class _MarkedWrites:
    """A store whose record writes and deletions mark the load's batch as being written."""

    def __init__(self, store: Any, interrupts: LoadInterrupts) -> None:
        self._store, self._interrupts = store, interrupts

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def write_records(self, batch: Any) -> Any:
        self._interrupts.writing = True
        return self._store.write_records(batch)

    def delete_records(self, graph_iris: Any) -> int:
        self._interrupts.writing = True
        return self._store.delete_records(graph_iris)

