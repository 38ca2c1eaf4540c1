"""Run SPARQL queries in worker processes with a real timeout and a concurrency cap.

One :class:`QueryPool` per serving process keeps up to ``size`` worker
processes (:mod:`ld.sparql_worker`), each with the current snapshot open
read-only. A query takes a slot (none free: :class:`ld.errors.Overloaded`,
answered 503 + Retry-After), takes an idle worker, sends it the job and
streams the result chunks back as they come. A worker that runs past the
deadline is killed, which is the only way to stop a pyoxigraph query, and a
fresh one is started in the background; the request gets
:class:`ld.errors.QueryTimeout`. Other requests are served meanwhile: the
waiting thread sleeps in ``poll`` without the GIL. Each worker's data memory
is capped (``memory_mb``, from ``LDPUB_QUERY_MEMORY``): a query past it ends
its worker, and the request gets a 503 that says so.

The hop costs one JSON message out and one message per 64 KiB back over a
Unix socket; docs/benchmarks.md ("SPARQL") measures it against the bare
Oxigraph server.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ld.errors import BadRequest, Overloaded, QueryTimeout, StoreError

log = logging.getLogger("ldpub.sparql")
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
_POOLS: weakref.WeakSet[QueryPool] = weakref.WeakSet()  # of this process, for stop_all


class WorkerProcess:
    """One ``python -m ld.sparql_worker`` child and our end of its socket."""

    def __init__(self, memory_mb: int = 0) -> None:
        ours, theirs = socket.socketpair()
        env = dict(os.environ)  # the child must import ld exactly as we do
        env["PYTHONPATH"] = os.pathsep.join([_PACKAGE_ROOT, env.get("PYTHONPATH", "")])
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ld.sparql_worker", str(theirs.fileno()), str(memory_mb)],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
        theirs.close()
        self.conn = Connection(ours.detach())
        log.debug("started query worker %d", self.proc.pid)

    def kill(self) -> None:
        """Stop it now, whatever it is doing; reap it so no zombie stays."""
        self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - kill -9 does not wait
            log.warning("query worker %s did not exit after SIGKILL", self.proc.pid)
        self.conn.close()


class QueryPool:
    """Worker processes of one serving process; thread-safe."""

    def __init__(self, size: int, *, prewarm: int = 2, memory_mb: int = 0) -> None:
        self.size = max(1, size)
        self.memory_mb = memory_mb  # each worker's data memory cap (ld.sparql_worker)
        self._slots = threading.BoundedSemaphore(self.size)
        self._idle: list[WorkerProcess] = []
        self._busy: set[WorkerProcess] = set()
        self._lock = threading.Lock()
        self._closed = False
        atexit.register(self.close)
        _POOLS.add(self)
        # two warm workers: a cheap query need not wait for a process start
        # while a slow one runs
        for _ in range(min(prewarm, self.size)):
            self._spawn_later()

    def execute(self, job: dict[str, Any], timeout: float
                ) -> tuple[dict[str, Any], ResultStream | list[bytes]]:
        """Start ``job``; return the worker's header and the result chunks.

        Blocks until the first chunk is ready, so that errors and timeouts
        before any data still become proper error responses. A result that
        fits one chunk comes back whole (a list of one bytes), worker released.
        """
        if not self._slots.acquire(blocking=False):
            raise Overloaded(busy_message(self.size), retry_after=2)
        stream = ResultStream(self, self._checkout(), time.monotonic() + timeout, timeout)
        try:
            stream.worker.conn.send_bytes(json.dumps(job).encode())
            header = stream.start()
            if header.get("complete"):
                return header, [stream.read_all()]
        except BaseException:
            stream.close()
            raise
        return header, stream

    def _checkout(self) -> WorkerProcess:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.proc.poll() is None:
                    self._busy.add(worker)
                    return worker
                worker.conn.close()
        worker = WorkerProcess(self.memory_mb)
        with self._lock:
            self._busy.add(worker)
        return worker

    def _checkin(self, worker: WorkerProcess) -> None:
        with self._lock:
            self._busy.discard(worker)
            if not self._closed and len(self._idle) < self.size:
                self._idle.append(worker)
                return
        worker.kill()

    def _release(self, worker: WorkerProcess, healthy: bool) -> None:
        if healthy:
            self._checkin(worker)
        else:
            with self._lock:
                self._busy.discard(worker)
            worker.kill()
            self._spawn_later()
        self._slots.release()

    def _spawn_later(self) -> None:
        """Start a replacement in the background so the next query does not wait for it."""
        if self._closed:
            return
        # RuntimeError: the interpreter is shutting down; the next query starts one
        with contextlib.suppress(RuntimeError):
            threading.Thread(target=lambda: self._checkin(WorkerProcess(self.memory_mb)),
                             name="ldpub-sparql-spawn", daemon=True).start()

    def close(self) -> None:
        """Stop every worker, the ones running a query too (their requests then fail
        at once): a serving process that stops must not wait for them, nor leave
        them running. A busy worker's socket is its request's to close."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            busy = list(self._busy)
        for worker in idle:
            worker.kill()
        for worker in busy:
            worker.proc.kill()

    @property
    def closed(self) -> bool:
        return self._closed


def stop_all() -> None:
    """Close every query pool of this process: it is stopping (ld.web.serve's hooks)."""
    for pool in list(_POOLS):
        pool.close()


class ResultStream:
    """The chunks of one result; closing it early kills the worker (it is mid-answer)."""

    def __init__(self, pool: QueryPool, worker: WorkerProcess, deadline: float,
                 timeout: float) -> None:
        self.pool, self.worker, self.deadline, self.timeout = pool, worker, deadline, timeout
        self.done = False
        self.released = False

    def start(self) -> dict[str, Any]:
        message = self._receive()
        if message[:1] == b"E":
            self.done = True
            raise self.error(json.loads(message[1:]))
        header: dict[str, Any] = json.loads(message[1:])
        return header

    def _receive(self) -> bytes:
        remaining = self.deadline - time.monotonic()
        try:
            ready = remaining > 0 and self.worker.conn.poll(remaining)
            if ready:
                return self.worker.conn.recv_bytes()
        except (EOFError, OSError):
            self.close()
            if self.pool.closed:
                raise Overloaded("the server is stopping", retry_after=2) from None
            raise self.stopped() from None
        self.close()
        log.debug("query worker %d stopped at the %g s limit", self.worker.proc.pid, self.timeout)
        raise QueryTimeout(
            f"the query ran longer than the limit of {self.timeout:g} s and was stopped",
            hint="add a LIMIT, narrow the patterns, or use the dumps for bulk data")

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self.done:
            self.close()
            raise StopIteration
        message = self._receive()
        tag = message[:1]
        if tag == b"D":
            return message[1:]
        self.done = True
        if tag == b"E":
            error = self.error(json.loads(message[1:]))
            self.close()
            raise error
        self.close()
        raise StopIteration

    def read_all(self) -> bytes:
        return b"".join(self)

    def error(self, payload: dict[str, str]) -> Exception:
        """The worker's error message as ours; one out of memory is not reused."""
        if payload.get("kind") == "memory":
            self.done = False  # close() then kills it: its heap may be in any state
            return self.out_of_memory()
        return query_error(payload)

    def out_of_memory(self) -> StoreError:
        return StoreError(f"the query needed more than {self.pool.memory_mb} MB, this "
                          "server's limit for one query, and was stopped",
                          hint="add a LIMIT, narrow the patterns, or use the dumps for "
                               "bulk data")

    def stopped(self) -> StoreError:
        """Why the worker's socket closed mid-query, from how its process ended.

        A Rust allocation past the memory cap aborts the process (SIGABRT);
        any other end (a crash in Oxigraph) is named with its signal or exit
        code and logged as an ERROR, where "stopped unexpectedly ()" told nobody anything.
        """
        code = _exit_code(self.worker.proc)
        if self.pool.memory_mb and code == -signal.SIGABRT:
            return self.out_of_memory()
        how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
               and -code in signal.valid_signals() else f"exit code {code}")
        log.error("query worker %d stopped in the middle of a query (%s): the query "
                  "failed", self.worker.proc.pid, how)  # a crash: not an expected outcome
        return StoreError(f"the query worker stopped unexpectedly ({how}); the query was "
                          "not answered", hint="try again; if it happens again, simplify "
                                               "the query and tell the operator")

    def __del__(self) -> None:  # a response dropped without close(): free the slot
        self.close()

    def close(self) -> None:
        if not self.released:
            self.released = True
            self.pool._release(self.worker, healthy=self.done)


def _exit_code(proc: subprocess.Popen[bytes]) -> int | None:
    """The worker's exit status (negative: the signal); it was already killed and reaped."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    return proc.returncode


def query_error(payload: dict[str, str]) -> Exception:
    if payload.get("kind") == "syntax":
        return BadRequest(f"SPARQL syntax error: {payload['message']}",
                          hint="positions are line:column in the query text")
    if payload.get("kind") == "query":
        return BadRequest(f"the query cannot be evaluated: {payload['message']}")
    return StoreError(f"the query failed: {payload['message']}")


def busy_message(limit: int) -> str:
    """What a query refused for the concurrency limit is told (also ld.sparql_run)."""
    queries = "query" if limit == 1 else "queries"
    return (f"this server already runs its limit of {limit} concurrent {queries}; "
            "try again shortly")
