"""SIGTERM stops an ldpub command the way Ctrl-C does, except the servers.

systemd, ``docker stop``, Kubernetes and ``kill`` send SIGTERM, and Python's
default is to die on the spot, skipping every ``finally``: ``ldpub dump``
left its temporary folder (as large as the dump) in the system's temporary
directory, ``ldpub validate`` its worker pool's semaphores (a warning from
multiprocessing's resource tracker). Here SIGTERM raises :class:`Terminated`,
a KeyboardInterrupt, in the main thread: what cleans up after Ctrl-C cleans
up after SIGTERM, and the command exits 143 (128 + 15) with one line.

``ldpub load`` and ``harvest`` handle both signals themselves, after the
batch being written (:mod:`ld.cli_run`); ``serve`` and ``demo`` give SIGTERM
back to the server before it starts (gunicorn's and Granian's graceful stop).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """Raised by SIGTERM in the main thread of a command (see the module docstring)."""


def _on_sigterm(_signum: int, _frame: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends it at once
    raise Terminated


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` (main thread only:
    signal handlers can be set nowhere else)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def leave_sigterm_to_the_server() -> None:
    """Before a server starts: SIGTERM as the server expects it (a graceful stop)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
