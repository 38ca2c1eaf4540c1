"""Whether this service can answer now: for load balancers, orchestrators and monitors.

A serving process can be up while its store cannot answer: the snapshot
directory removed, the disk gone, the remote SPARQL server down. A probe of
``/`` would then fail somewhere inside the home page (figures, listings) and
not say why, or succeed from a cache. So the probe runs one trivial query
through the same store the pages and the endpoint use, and says which store
and which version answered.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ld.describe import store_version
from ld.errors import StoreError
from ld.store.base import Store


def check(store: Store, *, remote: bool) -> dict[str, Any]:
    """The store's answer to ``ASK {}`` and how long it took; raises StoreError when
    the store cannot answer (mapped to 503 like every StoreError)."""
    started = time.perf_counter()
    store.ask("ASK {}")
    answer = {"status": "ok", "store": "remote" if remote else "embedded",
              "version": store_version(store)}
    snapshot = _snapshot(store)
    if snapshot is not None:
        answer["snapshot"] = snapshot
    return {**answer, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _snapshot(store: Store) -> str | None:
    """The snapshot an embedded reader serves (None for other stores).

    A reader with no snapshot answers every query from an empty store (before
    the first load). A reader whose snapshot was removed from disk (the store
    directory deleted under a running server) still answers ``ASK {}``, but
    RocksDB opens its files lazily, so record pages answer 404. Either way
    this process has no data to serve, which a load balancer must hear.
    """
    opened = getattr(store, "opened", None)
    if opened is None:
        return None
    path, _ = opened()
    if path is None or not Path(path).is_dir():
        where = path or getattr(store, "root", "the store")
        raise StoreError(f"no published snapshot to serve at {where}",
                         hint="load records (ldpub load), or check that the store "
                              "directory is still there")
    return Path(path).name
