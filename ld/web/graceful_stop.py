"""A graceful stop of ``ldpub serve``'s workers, the same under gunicorn and Granian.

On SIGTERM a server gives running requests 10 s (``ld.web.serve.GRACE``), then
kills the worker. A request waiting on its SPARQL query process kept the worker
past that: gunicorn's master SIGKILLed it ("Perhaps out of memory?") and Granian
"killed worker-1 after it refused to gracefully stop", the client losing its
connection either way. So the worker's running queries are stopped 2 s before the
kill (their requests answer 503 "the server is stopping") and its search index
build at once; the worker then ends by itself. Each server is told differently:
gunicorn through its worker's SIGTERM handler, Granian through the wakeup fd.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
from typing import Any

from ld import index_builder

LOG = logging.getLogger("ldpub.serve")


def under_gunicorn(grace: float) -> None:
    """In a gunicorn worker (post_worker_init): chain :func:`_stopping` to the
    worker's own SIGTERM handler, which lets running requests go on."""
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: Any) -> None:
        if callable(previous):
            previous(signum, frame)
        _stopping(grace)

    signal.signal(signal.SIGTERM, on_term)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn set it: requests go on


def _stopping(grace: float) -> None:
    """A graceful stop began: the index build ends now (it is redone at the next
    start), running SPARQL queries 2 s before the worker would be killed."""
    index_builder.stop(wait=0)
    timer = threading.Timer(max(0.0, grace - 2), stop_queries)
    timer.daemon = True
    timer.start()


def stop_queries() -> None:
    """End this process's running SPARQL queries: their requests answer 503."""
    from ld.sparql_pool import stop_all

    stop_all()


def under_granian(grace: float) -> None:
    """In a Granian worker: stop running SPARQL queries on a stop, as under gunicorn.

    Without it a query still running kept the worker past Granian's kill timeout:
    the client lost its connection and Granian logged that it killed the worker.
    Granian installs its own SIGTERM/SIGINT handlers after this function returns
    (replacing any set here), but Python writes every signal it handles to the
    wakeup fd whoever handles it; a thread reads it. SIGTERM is the graceful stop
    (:func:`_stopping`), SIGINT (Ctrl-C) the quick one, as gunicorn's worker_int.
    """
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    try:
        signal.set_wakeup_fd(theirs.fileno())  # the worker's main thread runs worker_app
    except ValueError as err:  # not the main thread: the stop stays Granian's alone
        LOG.warning("running SPARQL queries will not be stopped at a graceful stop: %s", err)
        return
    threading.Thread(target=_on_signal, args=(ours, theirs, grace), daemon=True,
                     name="graceful stop").start()


def _on_signal(ours: socket.socket, theirs: socket.socket, grace: float) -> None:
    """The wakeup fd's reader, for the worker's life: ``theirs``, the fd Python writes
    to, stays open with it (closed, its number could be another file's)."""
    stopping = False
    while received := ours.recv(64):
        if signal.SIGINT in received:
            stop_queries()
        elif signal.SIGTERM in received and not stopping:
            stopping = True
            _stopping(grace)
    theirs.close()
