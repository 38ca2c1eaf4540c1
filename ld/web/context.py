"""Where views find the settings and the store.

The store is opened lazily, once per process, on the first request that
needs it. That matters whenever workers are forked from a process that
built the app (tests, embedders; `ldpub serve` builds it in each worker): a
pyoxigraph handle opened before the fork would be shared by every worker
(undefined behaviour). Opening after the fork, keyed
by the process id, gives each worker its own read-only snapshot reader
(:func:`ld.store.open_reader`), which reopens itself when ``ldpub load``
publishes a newer snapshot.

A store passed to :func:`attach_store` (tests, embedding) is used as is.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from flask import Flask, current_app

from ld.config import Settings
from ld.store.base import Store

EXTENSION = "ldpub"


@dataclass
class StoreHolder:
    """One store per process, opened on first use."""

    settings: Settings
    given: Store | None = None
    _opened: Store | None = None
    _pid: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> Store:
        if self.given is not None:
            return self.given
        pid = os.getpid()
        if self._opened is None or self._pid != pid:
            with self._lock:
                if self._opened is None or self._pid != pid:
                    self._opened = self._open()
                    self._pid = pid
        return self._opened

    def _open(self) -> Store:
        from ld.store import open_reader

        return open_reader(self.settings)

    def close(self) -> None:
        """Close the store this process opened (never a store given to us)."""
        if self._opened is not None and self._pid == os.getpid():
            self._opened.close()
        self._opened = None


def attach_store(app: Flask, settings: Settings, store: Store | None = None) -> None:
    """Remember how to reach the store; opens nothing now (see module doc)."""
    app.extensions[EXTENSION] = StoreHolder(settings, store)


def get_store() -> Store:
    """The store for this request's process."""
    holder: StoreHolder = current_app.extensions[EXTENSION]
    return holder.get()


def get_settings() -> Settings:
    """The settings the app was built with."""
    settings: Settings = current_app.config["LDPUB"]
    return settings
