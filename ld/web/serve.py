"""``ldpub serve``: gunicorn in production, Flask's server with ``--debug``.

Several workers, one store (see docs/architecture.md, "Serving: several
workers, one store"): the app is built once in the gunicorn master
(``preload_app``) but opens NO store there. Each worker, after the fork,
opens its own read-only reader of the latest published snapshot
(:func:`ld.store.open_reader`, via :mod:`ld.web.context`) in
``post_worker_init``, so no pyoxigraph handle ever crosses a fork, and the
primary store stays free for ``ldpub load``, which publishes a new snapshot
that every worker's reader switches to by itself.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from gunicorn.app.base import BaseApplication

from ld.config import Settings


def worker_count(settings: Settings) -> int:
    """``workers`` from the settings; 0 means one per CPU core available to us."""
    if settings.workers > 0:
        return settings.workers
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    threads = max(1, settings.threads)
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": worker_count(settings),
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "preload_app": True,
        "timeout": 120,  # first request for a large dump writes it
        "graceful_timeout": 10,
        "keepalive": 5,
        "loglevel": settings.log_level.lower(),
        "accesslog": None,
        "errorlog": "-",
        "post_worker_init": _warm_worker,
    }


def _warm_worker(worker: Any) -> None:
    """Open this worker's own snapshot reader now, after the fork (never before)."""
    from ld import labels
    from ld.web.context import get_store

    app = worker.wsgi
    with app.app_context():
        try:
            store = get_store()
        except Exception as err:  # the first request will report it properly
            logging.getLogger("ldpub.serve").warning("store not ready yet: %s", err)
            return
    labels.preload()
    settings = app.config["LDPUB"]
    threading.Thread(target=_prime, args=(store, settings), name="prime home page",
                     daemon=True).start()


def _prime(store: Any, settings: Settings) -> None:
    """Compute the whole-dataset listings of the home page in the background.

    They scan the store (seconds at 100,000 records) and are cached per
    store version; doing it now spares the first visitor the wait. The
    snapshot's search index is started first (its own thread).
    """
    from ld import browse, void

    try:
        browse.search_ready(store, settings.base_uri)  # starts the index build if needed
        browse.class_counts(store)
        browse.recent(store, settings.base_uri)
        void.describe(store, settings)
    except Exception as err:  # only a warm-up: the page computes it again if needed
        logging.getLogger("ldpub.serve").warning("could not prime the home page: %s", err)


def run(settings: Settings, debug: bool = False) -> None:
    """Serve until interrupted."""
    from ld.web import create_app

    app = create_app(settings)
    if debug:
        app.run(host=settings.host, port=settings.port, debug=True, threaded=True)
        return
    _Gunicorn(app, gunicorn_options(settings)).run()


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn's documented way to run a WSGI app from Python (custom application)."""

    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application
