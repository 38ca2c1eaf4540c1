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
from typing import Any

from ld.describe import store_version
from ld.store.base import Store


def check(store: Store, *, remote: bool) -> dict[str, Any]:
    """The store's answer to ``ASK {}`` and how long it took; raises StoreError when
    the store cannot answer (mapped to 503 like every StoreError)."""
    started = time.perf_counter()
    store.ask("ASK {}")
    return {"status": "ok", "store": "remote" if remote else "embedded",
            "version": store_version(store),
            "ms": round((time.perf_counter() - started) * 1000, 1)}
