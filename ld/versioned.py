"""Values computed once per store version: the whole-dataset listings and VoID.

They scan the store (7.6 s together at 100,000 records on a fresh snapshot,
docs/benchmarks.md "Serving"), so each serving process computes each one
once per snapshot. A caller that may show the previous snapshot's figures
(the home page) passes ``stale_ok``: it gets the last value computed at once
while the new version's value is computed in a background thread, so after
a load (a long load publishes a snapshot a minute) no visitor waits for the
scan. Exact callers (the VoID document, whose representation is cached under
the version and served with its ETag) always get the value of their version.
One background computation per value at a time: at a million records a scan
takes about as long as a long load takes to publish its next snapshot, and
overlapping refreshes would pile up; a newer version is refreshed by the
first request after the running refresh ends, and no sooner than
:data:`PAUSE` times the last refresh's duration after it: the figures of a
busy catalogue may lag a few minutes, and their scans stay under a tenth of
a core.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from ld.describe import store_version
from ld.store.base import Store

log = logging.getLogger("ldpub.versioned")
MAX_ENTRIES = 512
PAUSE = 10.0  # a background refresh waits this many times the last one's duration

_values: dict[tuple, Any] = {}  # (*key, version) -> value
_latest: dict[tuple, Any] = {}  # key -> the value computed last, of any version
_running: set[tuple] = set()  # keys being computed in the background (one at a time)
_last: dict[tuple, tuple[float, float]] = {}  # key -> (when its last refresh ended, seconds)
_lock = threading.Lock()


def cached(store: Store, key: tuple, compute: Callable[[], Any], *,
           stale_ok: bool = False) -> Any:
    """``compute()`` for this version of ``store``, once; see the module docstring."""
    full = (*key, store_version(store))
    with _lock:
        if full in _values:
            return _values[full]
        stale = _latest.get(key) if stale_ok else None
        start = stale is not None and key not in _running and _due(key)
        if start:
            _running.add(key)
    if stale is None:
        return _keep(key, full, compute())
    if start:
        threading.Thread(target=_refresh, args=(key, full, compute),
                         name="ldpub refresh", daemon=True).start()
    return stale


def _due(key: tuple) -> bool:
    ended, took = _last.get(key, (0.0, 0.0))
    return time.monotonic() - ended >= PAUSE * took


def _refresh(key: tuple, full: tuple, compute: Callable[[], Any]) -> None:
    started = time.monotonic()
    try:
        _keep(key, full, compute())
    except Exception as err:  # the stale value stays; a later request tries again
        log.warning("could not refresh %s: %s", key[0], err)
    finally:
        ended = time.monotonic()
        with _lock:
            _running.discard(key)
            _last[key] = (ended, ended - started)


def _keep(key: tuple, full: tuple, value: Any) -> Any:
    with _lock:
        if len(_values) > MAX_ENTRIES:
            _values.clear()
            _latest.clear()
        _values[full] = value
        _latest[key] = value
    return value
