"""``ldpub serve``: gunicorn (default) or Granian in production, Flask's server with ``--debug``.

Two production servers, chosen by the ``server`` setting (``LDPUB_SERVER``):

* **gunicorn** (the default): the app is built once in the master
  (``preload_app``) and the workers are forked from it. Its threaded worker
  is :class:`ld.web.gunicorn_worker.LingeringThreadWorker`: ``gthread``,
  answering a keep-alive client's next request in the same thread.
* **granian**: a Rust HTTP server that calls the WSGI app in Python threads.
  Its own cost per request is within 5% of Oxigraph's server, where
  gunicorn's HTTP handling in Python costs about as much as the app on small
  answers. It serves pre-rendered records at about 3x gunicorn's rate and a
  SPARQL lookup by IRI in 1.27-1.28x Oxigraph's time against gunicorn's
  1.35x (docs/benchmarks.md, "SPARQL", seventh and eleventh sessions). Each worker builds its
  own app.

Several workers, one store (see docs/architecture.md, "Serving: several
workers, one store"): with either server, every worker opens its own
read-only reader of the latest published snapshot after the fork
(:func:`ld.store.open_reader`, via :mod:`ld.web.context`, in :func:`_warm`),
so no pyoxigraph handle ever crosses a fork, and the primary store stays
free for ``ldpub load``, which publishes a new snapshot that every worker's
reader switches to by itself.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
from typing import Any

from ld.config import Settings, default_query_cap
from ld.errors import ConfigError, LdpubError, Overloaded
from ld.web import graceful_stop
from ld.web.serve_logging import configure_logging, granian_logging

LOG = logging.getLogger("ldpub.serve")
GRACE = 10  # seconds a graceful stop gives running requests, under either server


def worker_count(settings: Settings) -> int:
    """``workers`` from the settings; 0 means one per CPU core available to us."""
    if settings.workers > 0:
        return settings.workers
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run(settings: Settings, debug: bool = False) -> None:
    """Serve until interrupted (SIGINT or SIGTERM: a graceful stop)."""
    from ld.store import minted

    if not debug:  # Flask's debug server has a thread per request
        check_query_cap(settings)
    configure_logging(settings)  # first: the store's check may warn (records of other rules)
    minted.check_settings(settings)  # under another base, every URI answered 404
    if not (debug and in_reloader_child()):
        check_address(settings.host, settings.port)
    from ld.store.remote_http import redact

    LOG.info("serving %s (%s store) as %s on http://%s:%d with %s", redact(settings.store),
             "a remote" if settings.store_is_remote else "the embedded", settings.base_uri,
             settings.host, settings.port, "Flask's debug server" if debug else settings.server)
    if debug:
        from ld.web import create_app

        app = create_app(settings)
        app.run(host=settings.host, port=settings.port, debug=True, threaded=True)
    elif settings.server == "granian":
        _run_granian(settings)
    else:
        _run_gunicorn(settings)


def check_query_cap(settings: Settings) -> None:
    """Refuse a SPARQL concurrency cap that can take every thread of a worker.

    With the cap at the thread count it was never reached: slow queries held
    every thread, pages waited for them and no query got the promised 503
    (README, "SPARQL endpoint safety"). A single thread serves one request at
    a time whatever the cap, so there is nothing to leave for pages then.
    """
    cap, threads = settings.max_concurrent_queries, settings.threads
    if threads > 1 and cap >= threads:
        raise ConfigError(
            f"--max-concurrent-queries / LDPUB_MAX_CONCURRENT_QUERIES ({cap}) must be below "
            f"--threads / LDPUB_THREADS ({threads}): otherwise slow SPARQL queries take "
            "every thread and pages wait",
            hint=f"give --max-concurrent-queries {default_query_cap(threads)} "
                 "(or 0 for threads - 2), or more --threads")


def in_reloader_child() -> bool:
    """Whether this is the process Werkzeug's reloader (``--debug``) started to serve.

    Its parent checked the address and holds the port for it (the socket is
    handed down), so checking again there failed with "Address already in
    use" and ``--debug`` never started. Werkzeug marks that child with
    ``WERKZEUG_RUN_MAIN=true`` (``werkzeug.serving.is_running_from_reloader``).
    """
    return os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def check_address(host: str, port: int) -> None:
    """Fail at once, and clearly, when the address cannot be listened on.

    Otherwise gunicorn retried for five seconds and exited 1 (which our exit
    codes reserve for rejected records), and Granian ended in a Rust panic's
    backtrace. The servers bind right after this check.
    """
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.create_server((host, port), family=family):
            pass
    except OSError as exc:
        raise LdpubError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         hint="another process (another ldpub serve?) may hold the port: "
                              "stop it or choose --port / LDPUB_PORT; for --host give an "
                              "address of this machine") from exc


# gunicorn ------------------------------------------------------------------

def gunicorn_options(settings: Settings) -> dict[str, Any]:
    threads = max(1, settings.threads)
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": worker_count(settings),
        "threads": threads,
        # gthread, answering a keep-alive client's next request in the same thread
        "worker_class": "ld.web.gunicorn_worker.LingeringThreadWorker" if threads > 1
                        else "sync",
        "preload_app": True,
        "timeout": 120,  # first request for a large dump writes it
        "graceful_timeout": GRACE,
        "keepalive": 5,
        # a GET /sparql?query=... URL is the request line: gunicorn's default of
        # 4094 bytes answered long queries with its bare 414 (no CORS, no hint);
        # 8190 is its maximum (README, "SPARQL endpoint safety": POST longer ones)
        "limit_request_line": 8190,
        # X-Forwarded-* are ldpub's to honour, only with --trust-proxy (werkzeug's
        # ProxyFix): gunicorn's own defaults believed X-Forwarded-Proto from 127.0.0.1
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "loglevel": settings.log_level.lower(),
        "accesslog": "-" if settings.access_log else None,
        # gunicorn's sendfile() path does not count what it sends: with it, every dump
        # and sitemap was logged as 0 bytes. Read and written in Python instead
        # while there is an access log (at most ~1 s of CPU per GB).
        "sendfile": False if settings.access_log else None,
        "errorlog": "-",
        # gunicorn 24+ opens a control socket in $HOME, one path for every
        # instance: a second `ldpub serve` took the first one's over, and
        # without a writable home (a service account) each start logged an
        # ERROR. ldpub does not use it; older gunicorns skip the key.
        "control_socket_disable": True,
        "post_worker_init": _start_worker,
        "worker_int": lambda worker: graceful_stop.stop_queries(),  # a quick stop (SIGINT, SIGQUIT)
    }


def _start_worker(worker: Any) -> None:
    """gunicorn's post_worker_init: the worker's own store reader, and its stop hook."""
    _warm(worker.wsgi)
    graceful_stop.under_gunicorn(worker.cfg.graceful_timeout)


def _run_gunicorn(settings: Settings) -> None:
    from gunicorn.app.base import BaseApplication

    from ld.web import create_app

    class Gunicorn(BaseApplication):  # type: ignore[misc]
        """gunicorn's documented way to run a WSGI app from Python (custom application)."""

        def load_config(self) -> None:
            for key, value in gunicorn_options(settings).items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    app = create_app(settings)  # in the master: no store is opened here
    Gunicorn().run()


# Granian -------------------------------------------------------------------

def granian_options(settings: Settings) -> dict[str, Any]:
    """Granian's constructor arguments for these settings."""
    from granian.constants import HTTPModes, Interfaces
    from granian.log import LogLevels

    level = settings.log_level.lower()
    return {
        "target": "ldpub",  # a name only: the app comes from worker_app
        "address": settings.host,
        "port": settings.port,
        "interface": Interfaces.WSGI,
        "http": HTTPModes.http1,
        "websockets": False,
        "workers": worker_count(settings),
        "blocking_threads": max(1, settings.threads),
        "respawn_failed_workers": True,  # a crashed worker comes back, as under gunicorn
        "workers_kill_timeout": GRACE,  # graceful stop: requests get 10 s to finish
        "log_level": LogLevels(level) if level in LogLevels.__members__ else LogLevels.info,
        "log_access": settings.access_log,
        "log_dictconfig": granian_logging(),
    }


def _run_granian(settings: Settings) -> None:
    from granian import Granian

    server = Granian(**granian_options(settings))
    server.serve(target_loader=functools.partial(worker_app, settings), wrap_loader=False)


def worker_app(settings: Settings) -> Any:
    """Build the app inside a Granian worker, after the fork, and warm it up.

    Granian copies ``os.environ`` into every request's WSGI environ; an
    ``HTTP_*`` variable of the server's environment (``HTTP_PROXY``, say)
    would then read as a request header, so those are dropped here first.
    """
    from ld.web import create_app

    for name in [n for n in os.environ if n.startswith("HTTP_")]:
        del os.environ[name]
    configure_logging(settings)  # a spawned worker does not inherit the master's
    app = create_app(settings)
    _warm(app)
    graceful_stop.under_granian(GRACE)
    return app


# both ----------------------------------------------------------------------

def _warm(app: Any) -> None:
    """In a fresh worker: open its own snapshot reader now, and prime the home page."""
    from ld import labels
    from ld.web.context import get_store

    with app.app_context():
        try:
            store = get_store()
        except Exception as err:  # the first request will report it properly
            LOG.warning("store not ready yet: %s", err)
            return
    LOG.debug("worker %d ready, reading %s", os.getpid(),
              getattr(store, "snapshot_path", None) or "the remote store")
    labels.preload()
    threading.Thread(target=_prime, args=(store, app.config["LDPUB"]),
                     name="prime home page", daemon=True).start()


def _prime(store: Any, settings: Settings) -> None:
    """Compute the whole-dataset listings of the home page in the background.

    They scan the store (seconds at 100,000 records) and are cached per
    store version; doing it now spares the first visitor the wait. The
    snapshot's search index is started first (its own thread).
    """
    from ld import browse, void

    try:
        browse.search_ready(store, settings.base_uri)  # starts the index build if needed
        browse.holdings(store)  # the class counts, and the subjects the home page counts
        browse.recent(store, settings.base_uri)
        void.describe(store, settings)
    except Overloaded:  # a large store: the scans go on in the background
        pass
    except Exception as err:  # only a warm-up: the page computes it again if needed
        LOG.warning("could not prime the home page: %s", err)
