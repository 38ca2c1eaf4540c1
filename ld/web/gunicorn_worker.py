"""gunicorn's threaded worker, answering a keep-alive client's next request in the same thread.

gunicorn's ``gthread`` worker hands a keep-alive connection back to its main
thread after every response: the main thread polls it, and when the next
request arrives, submits it to the thread pool again. For a client that sends
its requests one after another on one connection (a script with a
``requests.Session``, a harvester, a SPARQL library, the benchmark), that is
three hand-offs between threads per request, about a fifth of the serving
process's CPU for a small answer (docs/benchmarks.md, "Eleventh session:
gunicorn keeps a keep-alive client's thread": a lookup by IRI 0.90 -> 0.83 ms,
CPU 470 -> 380 µs a request).

This worker keeps the connection for up to :data:`LINGER` seconds after a
response, and answers the next request at once if it comes, while the worker
has no more open connections than threads (each can keep its own) and none
waits for a thread. Otherwise (more connections: the main thread's poll keeps
them taking turns, which threads that kept theirs starved of the GIL, p99 at
32 connections 12 -> 20 ms; the client idle; the worker stopping) the
connection goes back to gunicorn's poller exactly as before.

On gunicorn 27.0.x, the release it was copied from and compared with
(:data:`COPIED`), it also spares each request some of gunicorn's own
per-request work, with the same bytes on the wire (docs/benchmarks.md,
"Thirteenth session: gunicorn's per-request work in ldpub's worker class":
CPU ~470 -> ~370 µs a lookup): the response's head goes out with its body in
one ``sendall`` (:class:`OneSendResponse`), the Date header is made once a
second, the settings are read once (:class:`SettledConfig`), and a request
body the app read whole is not drained again (:func:`body_read`).

It uses gunicorn's documented extension point (the ``worker_class``
setting). On any other gunicorn, none of those savings runs: requests are
gunicorn's own ``gthread`` code, and only the lingering above is added, where
``gthread``'s ``handle`` returns whether to keep the connection (27 does;
gunicorn 23's returned a tuple, so there it is exactly ``gthread``).
tests/test_mend2_13_worker_wire.py compares the bytes with ``gthread``'s over
a socket on whatever gunicorn is installed.
"""

from __future__ import annotations

import inspect
import select
import sys
import time
from datetime import datetime
from typing import Any

import gunicorn
from gunicorn import util
from gunicorn.http import wsgi
from gunicorn.http.body import LengthReader
from gunicorn.workers.gthread import ThreadWorker

LINGER = 0.002  # seconds: a sequential client's next request comes within ~0.3 ms here
SLICE_MS = 1  # how often a waiting thread looks whether another connection needs it
ONE_SEND = 64 * 1024  # bytes of body at most sent together with the head (copied once)


class OneSendResponse(wsgi.Response):
    """gunicorn's HTTP/1 response, whose head goes out with the first piece of the body.

    gunicorn writes the head (status line and headers) and the body with two
    ``sendall`` calls: two TCP segments, two wake-ups of the client, for an
    answer of a few kilobytes. Here the head is held while :meth:`write` runs
    and sent with the body piece it writes, in one call; whatever else
    happens in ``write`` (a HEAD answer, an empty chunk, an error) sends the
    head alone before it returns, as before. The bytes are gunicorn's own.
    """

    _held = b""
    _holding = False

    def write(self, arg: Any) -> None:
        self._holding = True
        try:
            super().write(arg)
        finally:
            self._holding = False
            if self._held:
                head, self._held = self._held, b""
                util.write(self.sock, head)

    def send_headers(self) -> None:
        """gunicorn's head, held when :meth:`write` asks for it."""
        if self.headers_sent or not self._holding:
            super().send_headers()
            return
        lines = self.default_headers()
        lines.extend(["%s: %s\r\n" % (k, v) for k, v in self.headers])  # noqa: UP031
        self._held = ("%s\r\n" % "".join(lines)).encode("latin-1")  # noqa: UP031
        self.headers_sent = True

    def default_headers(self) -> list[str]:
        """gunicorn's status line and its own headers, the date made once a second."""
        if self.upgrade:
            connection = "upgrade"
        elif self.should_close():
            connection = "close"
        else:
            connection = "keep-alive"
        version = self.req.version
        headers = [f"HTTP/{version[0]}.{version[1]} {self.status}\r\n",
                   f"Server: {self.version}\r\n", f"Date: {http_date()}\r\n",
                   f"Connection: {connection}\r\n"]
        if self.chunked:
            headers.append("Transfer-Encoding: chunked\r\n")
        return headers

    def _emit_body(self, data: bytes) -> None:
        """The held head and a body piece of up to :data:`ONE_SEND` bytes in one
        ``sendall``, the piece framed as ``util.write_chunk`` frames it when the answer
        is chunked (written out: ``util.write`` would send it alone); otherwise
        gunicorn's own ``_emit_body``, after the head."""
        head = self._held
        if not head or len(data) > ONE_SEND:
            if head:
                self._held = b""
                util.write(self.sock, head)
            super()._emit_body(data)
            return
        self._held = b""
        if self.chunked:  # util.write_chunk's framing
            data = b"%X\r\n%s\r\n" % (len(data), data)
        self.sock.sendall(head + data)


_DATE: tuple[int, str] = (0, "")


def http_date() -> str:
    """gunicorn's ``util.http_date()`` (whole seconds), made once a second: formatting
    it costs ~2 µs, a request."""
    global _DATE
    now = int(time.time())
    second, text = _DATE
    if second != now:
        text = util.http_date(now)
        _DATE = (now, text)
    return text


class SettledConfig:
    """A worker's gunicorn settings, each looked up once.

    gunicorn reads a setting through ``Config.__getattr__`` (a dictionary
    lookup and a method call) every time: ~20 times a request (header limits,
    header policy once per header, the hooks), ~0.7 µs each. A worker's
    settings never change (a reload starts new workers), so the first value
    read is kept as a plain attribute. Everything else is the Config's own.
    Whatever is read is kept, methods and properties too: a hook that later
    changed a setting with ``worker.cfg.set(...)`` in the worker would change the
    Config, not what was kept (ldpub's hooks run in the master, before).
    """

    def __init__(self, cfg: Any) -> None:
        self.__dict__["_cfg"] = cfg

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._cfg, name)
        self.__dict__[name] = value
        return value


def body_read(message: Any) -> bool:
    """Whether the app read the request's whole body (of a known length), so that
    gunicorn's drain before the next request has nothing to read."""
    body = getattr(message, "body", None)
    return (body is not None and getattr(body, "failed", False) is False
            and type(body.reader) is LengthReader
            and body.reader.length == 0 and body.buf.tell() == 0)


# The gunicorn release handle_request, default_headers, the chunk framing and the
# skipped drain were copied from and compared with: a later release may change them (a
# security fix, a header), so on any other the worker runs gunicorn's own code.
# tests/test_mend2_13_worker_wire.py fails ("re-copy") when 27.0's code changes.
COPIED = gunicorn.version_info[:2] == (27, 0)
# gunicorn 27 lets a worker choose the response class and frames the body in one place
ONE_SEND_WORKS = (COPIED and hasattr(wsgi.Response, "_emit_body")
                  and "response_class" in inspect.signature(wsgi.create).parameters)


class LingeringThreadWorker(ThreadWorker):
    """``gthread``, serving a connection's next request in the thread that served the last."""

    def handle(self, conn: Any) -> Any:
        keepalive = super().handle(conn)
        while keepalive is True and self.alive and self._next_request_soon(conn):
            keepalive = super().handle(conn)
        return keepalive

    def init_process(self) -> None:
        if COPIED:  # in the worker process, before its first request
            self.cfg = SettledConfig(self.cfg)
        super().init_process()

    def _keepalive_after(self, conn: Any, keepalive: bool) -> bool:
        """gthread's, without the drain (a socket timeout set and reset: two system
        calls) when the app read the whole body: it would read nothing. The parser
        then forgets the finished request, so its own drain before the next one
        (one more system call) has nothing to do either. gunicorn 27.0's only
        (:data:`COPIED`): another may drain or check more here."""
        if COPIED and keepalive and body_read(conn.parser.mesg):
            conn.parser.mesg = None  # kept alive, so it did not ask to close (handle_request)
            return True
        return bool(super()._keepalive_after(conn, keepalive))

    def handle_request(self, req: Any, conn: Any) -> bool:
        """gunicorn 27.0's ``gthread`` ``handle_request`` with :class:`OneSendResponse`
        as the response: its lines, the app's part moved to :meth:`_respond`, its two
        force_close tests joined, ``from None`` on the StopIteration (ruff's rule; the
        exception is caught by ``handle`` alike). Another gunicorn: its own."""
        if not ONE_SEND_WORKS:
            return bool(super().handle_request(req, conn))
        environ: dict[str, Any] = {}
        resp = None
        try:
            self.cfg.pre_request(self, req)
            request_start = datetime.now()
            resp, environ = wsgi.create(req, conn.sock, conn.client, conn.server, self.cfg,
                                        response_class=OneSendResponse)
            environ["wsgi.multithread"] = True
            self.nr += 1
            if self.nr >= self.max_requests:
                if self.alive:
                    self.log.info("Autorestarting worker after current request.")
                    self.alive = False
                resp.force_close()
            if (not self.alive or not self.cfg.keepalive
                    or len(self.keepalived_conns) >= self.max_keepalived):
                resp.force_close()
            self._respond(resp, environ, req, request_start)
            if resp.should_close():
                self.log.debug("Closing connection.")
                return False
        except OSError:
            util.reraise(*sys.exc_info())  # pass to next try-except level
        except (Exception, SystemExit):
            if resp and resp.headers_sent:
                # Timeout abort is SystemExit. If we already started the
                # response, writing a 500 on the same socket corrupts it.
                self.log.exception("Error handling request")
                util.close_graceful(conn.sock)
                raise StopIteration() from None
            raise
        finally:
            try:
                self.cfg.post_request(self, req, environ, resp)
            except Exception:
                self.log.exception("Exception in post_request hook")
        return True

    def _respond(self, resp: Any, environ: dict[str, Any], req: Any,
                 request_start: datetime) -> None:
        """Run the app and write its answer; the access log line, whatever happens."""
        respiter = self.wsgi(environ, resp.start_response)
        try:
            if isinstance(respiter, environ["wsgi.file_wrapper"]):
                resp.write_file(respiter)
            else:
                for item in respiter:
                    resp.write(item)
            resp.close()
        finally:
            request_time = datetime.now() - request_start
            self.log.access(resp, req, environ, request_time)
            if hasattr(respiter, "close"):
                respiter.close()

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
