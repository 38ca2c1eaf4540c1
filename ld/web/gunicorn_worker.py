"""gunicorn's threaded worker, answering a keep-alive client's next request in the same thread.

gunicorn's ``gthread`` worker hands a keep-alive connection back to its main
thread after every response: the main thread polls it, and when the next
request arrives, submits it to the thread pool again. For a client that sends
its requests one after another on one connection (a script with a
``requests.Session``, a harvester, a SPARQL library, the benchmark), that is
three hand-offs between threads per request, about a fifth of the serving
process's CPU for a small answer (docs/benchmarks.md, "SPARQL", eleventh
session: a lookup by IRI 0.90 -> 0.83 ms, CPU 470 -> 380 µs a request).

This worker keeps the connection for up to :data:`LINGER` seconds after a
response, and answers the next request at once if it comes, while the worker
has no more open connections than threads (each can keep its own) and none
waits for a thread. Otherwise (more connections: the main thread's poll keeps
them taking turns, which threads that kept theirs starved of the GIL, p99 at
32 connections 12 -> 20 ms; the client idle; the worker stopping) the
connection goes back to gunicorn's poller exactly as before.

It uses gunicorn's documented extension point (the ``worker_class``
setting) and gunicorn's own request handling. With a gunicorn whose
``gthread`` handles a request differently (gunicorn 23's ``handle`` returned
a tuple, not whether to keep the connection), it is exactly ``gthread``.
"""

from __future__ import annotations

import select
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

LINGER = 0.002  # seconds: a sequential client's next request comes within ~0.3 ms here
SLICE_MS = 1  # how often a waiting thread looks whether another connection needs it


class LingeringThreadWorker(ThreadWorker):
    """``gthread``, serving a connection's next request in the thread that served the last."""

    def handle(self, conn: Any) -> Any:
        keepalive = super().handle(conn)
        while keepalive is True and self.alive and self._next_request_soon(conn):
            keepalive = super().handle(conn)
        return keepalive

    def _next_request_soon(self, conn: Any) -> bool:
        """Whether the connection's next request is here (or comes within LINGER) and no
        other connection waits for a thread meanwhile."""
        queue = self.tpool._work_queue  # the pool's own queue: connections waiting
        if self.nr_conns > self.cfg.threads or not queue.empty():
            return False  # more connections than threads: every one waits its turn
        unreader = getattr(getattr(conn, "parser", None), "unreader", None)
        if unreader is not None and unreader.buf.getvalue():
            return True  # read ahead with the last request's body
        poller = select.poll()
        poller.register(conn.sock, select.POLLIN)
        for _ in range(int(LINGER * 1000 / SLICE_MS)):
            if poller.poll(SLICE_MS):
                return True
            if not queue.empty():
                return False
        return False
