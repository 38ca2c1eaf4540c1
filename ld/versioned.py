"""Values computed once per store version: the whole-dataset listings and VoID.

They scan the store (7.6 s together at 100,000 records on a fresh snapshot,
docs/benchmarks.md "Serving"), so each one is computed once per snapshot.
A caller that may show the previous snapshot's figures
(the home page) passes ``stale_ok``: it gets the last value computed at once
while the new version's value is computed in a background thread, so after
a load (a long load publishes a snapshot a minute) no visitor waits for the
scan. Exact callers (the VoID document, whose representation is cached under
the version and served with its ETag) always get the value of their version,
or, after :data:`EXACT_WAIT` seconds of a computation that goes on, a
"try again" (503).
With no earlier value at all (the first start on a new store), a
``stale_ok`` caller waits :data:`FIRST_WAIT` seconds for the computation it
started, and then gets None: a small store's figures are ready by then, and
at a million records (a scan of a minute or more) the home page still
answers at once, instead of every request holding a server thread until the
scan ends (and a proxy's read timeout turning it into an error).
One background computation per value at a time: at a million records a scan
takes about as long as a long load takes to publish its next snapshot, and
overlapping refreshes would pile up; a newer version is refreshed by the
first request after the running refresh ends, and no sooner than
:data:`PAUSE` times the last refresh's duration after it: the figures of a
busy catalogue may lag a few minutes, and their scans stay under a tenth of
a core.

Once per snapshot, not once per process: on the embedded store a value is
also written beside the snapshot's search index, as JSON
(``<store>/search/<snapshot>.figures/<digest of the key>.json``; the key
includes the ldpub version and :data:`FORMAT`, so an upgrade computes its
own), so the
other serving processes, and a restarted server, read it instead of scanning
again (a server with 16 workers made 16 scans of each figure per snapshot).
A background refresh first takes an OS lock on that file's name, so one
process per store scans while the others keep their stale value and find
the file when it is written. Values are therefore JSON data (lists, dicts,
strings, numbers): callers build their objects from them. The files go when
their snapshot does (:func:`ld.search_index.prune`). A process with no value
of its own yet (started after a load) takes the newest filed one, of an
earlier snapshot, as its stale value. The files and the lock are
:mod:`ld.versioned_files`; this module keeps what is computed when, and
where each key's value is filed.

``compute`` is given the store pinned to the version it is computed for, so
a value is never filed under a version it was not read from.

A remote store has no snapshots: its ``version`` also changes every 10 s
(it cannot see other writers of its server), which bounds how stale its pages
are. Its figures were filed under that version too, and once computing them
took longer than 10 s, each value was filed under a version already gone:
``/dataset`` answered 503 for ever. A store with a ``data_version`` (the
remote store: it changes with its own writes only) has its values filed
under that instead, so a value is served once computed, however long it
took, and renewed in the background, like a ``stale_ok`` value, at most
every :data:`DRIFT_REFRESH` seconds or :data:`PAUSE` times the last
computation's duration, whichever is longer: a remote store's figures are at
most that old (plus one computation), and exact callers wait only for the
first one.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ld.describe import store_version
from ld.errors import Overloaded
from ld.made_by import made_by
from ld.search_index import snapshot_of
from ld.store.base import Store
from ld.versioned_files import Claim, figures_dir, newest, read, write

log = logging.getLogger("ldpub.versioned")
MAX_ENTRIES = 512
PAUSE = 10.0  # a background refresh waits this many times the last one's duration
ELSEWHERE = 1.0  # seconds a refresh counts as having taken when another process has it
FAILED_RETRY = 30.0  # seconds before a refresh that failed is tried again
FIRST_WAIT = 1.0  # seconds a stale_ok caller waits when there is no earlier value at all
EXACT_WAIT = 20.0  # seconds an exact caller waits for its value before "try again" (503)
DRIFT_REFRESH = 10.0  # seconds: a remote store's figures are renewed no more often (its pages')
# Of the filed values: raise it when what a figure holds changes (a ``compute`` of
# ld/browse.py or ld/void.py, their keys), so the files an older ldpub filed for a
# snapshot are not served after an upgrade (ld/made_by.py).
FORMAT = 2  # 2: VoID's classes, properties, distinct subjects and objects

_values: dict[tuple, Any] = {}  # (*key, version) -> value
_latest: dict[tuple, Any] = {}  # (store, *key) -> the value computed last, of any version
_running: dict[tuple, threading.Event] = {}  # keys computed in the background -> set when done
_last: dict[tuple, tuple[float, float]] = {}  # key -> (when its last refresh ended, seconds)
_exact_jobs: dict[tuple, tuple[threading.Thread, list]] = {}  # full key -> its computation
_lock = threading.Lock()


def cached(store: Store, key: tuple, compute: Callable[[Store], Any], *,
           stale_ok: bool = False) -> Any:
    """``compute(store)`` for this version of ``store``, once; see the module docstring."""
    pinned = store.pin()
    drifting = getattr(pinned, "data_version", None)  # a remote store: see the module doc
    full = (*key, store_version(pinned) if drifting is None else drifting)
    found = _known(pinned, key, full)
    if found is not None:
        if drifting is not None:  # renewed in the background, the value served meanwhile
            _refresh_if_due(pinned, key, full, compute, floor=DRIFT_REFRESH)
        return found[0]
    if not stale_ok:
        return _exact(pinned, key, full, compute)
    return _stale(pinned, key, full, compute)


def _known(store: Store, key: tuple, full: tuple) -> tuple[Any] | None:
    """(value,) when this process holds this version's value or a process filed it."""
    with _lock:
        if full in _values:
            return (_values[full],)
    saved = read(_path(store, key))
    if saved is not None:
        return (_keep(store, key, full, saved[0]),)
    return None


def _stale(store: Store, key: tuple, full: tuple, compute: Callable[[Store], Any]) -> Any:
    """For a ``stale_ok`` caller: the last value of any version, refreshed in the background.

    With no value at all yet, waits :data:`FIRST_WAIT` seconds for the refresh.
    """
    if _latest_key(store, key) not in _latest:  # a process started after the last load
        _remember_filed(store, key)
    stale, done = _refresh_if_due(store, key, full, compute)
    if stale is None and done is not None:  # nothing to show yet: a small store is quick
        done.wait(FIRST_WAIT)
        with _lock:
            return _values.get(full)
    return stale


def _refresh_if_due(store: Store, key: tuple, full: tuple, compute: Callable[[Store], Any],
                    floor: float = 0.0) -> tuple[Any, threading.Event | None]:
    """The latest value and the running refresh's event, starting a refresh when one is
    due (and at least ``floor`` seconds after the last computation ended)."""
    with _lock:
        stale = _latest.get(_latest_key(store, key))
        start = key not in _running and _due(key, floor)
        if start:
            _running[key] = threading.Event()
        done = _running.get(key)
    if start:
        threading.Thread(target=_refresh, args=(key, full, store, compute),
                         name="ldpub refresh", daemon=True).start()
    return stale, done


def _exact(store: Store, key: tuple, full: tuple, compute: Callable[[Store], Any]) -> Any:
    """This version's value, computed here or by the process that holds the claim.

    In a thread, so that the caller waits at most :data:`EXACT_WAIT` seconds:
    at a million records a scan takes minutes, longer than a proxy waits for
    an answer. The computation goes on, and the caller is told to come back
    (:class:`~ld.errors.Overloaded`, 503 with Retry-After), as for a dump.
    """
    with _lock:  # one computation per value in this process, however many ask
        job = _exact_jobs.get(full)
        if job is None or (job[1] and not job[1][0][0]):  # none yet, or the last one failed
            job = _exact_jobs[full] = (threading.Thread(
                target=_exact_work, args=(store, key, full, compute), name="ldpub figures",
                daemon=True), [])
            job[0].start()
    thread, outcome = job
    thread.join(EXACT_WAIT)
    if not outcome:
        raise Overloaded(f"the dataset's figures ({key[0]}) are being computed; "
                         "try again in a minute", retry_after=60)
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def _exact_work(store: Store, key: tuple, full: tuple, compute: Callable[[Store], Any]) -> None:
    outcome, started = _exact_jobs[full][1], time.monotonic()
    try:
        with Claim(_path(store, key), wait=True):  # another process computing it: wait
            outcome.append((True, _keep(store, key, full, _filed_or_computed(store, key, compute))))
    except Exception as err:  # raised again in the callers
        outcome.append((False, err))
    with _lock:
        if outcome[0][0]:
            _exact_jobs.pop(full, None)  # the value is in _values now
            if getattr(store, "data_version", None) is not None:  # renewed in the background:
                ended = time.monotonic()  # not at once, as after a refresh of its own
                _last[key] = (ended, ended - started)


def _due(key: tuple, floor: float = 0.0) -> bool:
    ended, took = _last.get(key, (0.0, 0.0))
    return time.monotonic() - ended >= max(floor, PAUSE * took)


def _refresh(key: tuple, full: tuple, store: Store, compute: Callable[[Store], Any]) -> None:
    started, took = time.monotonic(), None
    try:
        with Claim(_path(store, key)) as mine:
            if mine:
                _keep(store, key, full, _filed_or_computed(store, key, compute))
            else:  # another process computes it; its file is read when it is there
                took = ELSEWHERE
    except Exception as err:  # the stale value stays; a later request tries again
        log.warning("could not refresh %s: %s", key[0], err)
        # not at once: a store that is down failed fast, and every request then
        # tried again and logged again (dozens of warnings a second)
        took = FAILED_RETRY / PAUSE
    finally:
        ended = time.monotonic()
        with _lock:
            _running.pop(key).set()
            _last[key] = (ended, took if took is not None else ended - started)


def _remember_filed(store: Store, key: tuple) -> None:
    """Take the value filed last for an earlier snapshot as this process's stale one.

    A worker started after a load (a restart, gunicorn replacing a worker)
    has no value of its own yet: without this, its first home page would
    wait for the new snapshot's scan.
    """
    filed = newest(_path(store, key))
    if filed is not None:
        with _lock:
            _latest.setdefault(_latest_key(store, key), filed[0])


def _filed_or_computed(store: Store, key: tuple, compute: Callable[[Store], Any]) -> Any:
    """Under the claim: the value another process filed meanwhile, or compute and file it."""
    saved = read(_path(store, key))
    if saved is not None:
        return saved[0]
    value = compute(store)
    write(_path(store, key), value)
    return value


def _keep(store: Store, key: tuple, full: tuple, value: Any) -> Any:
    with _lock:
        if len(_values) > MAX_ENTRIES:
            _values.clear()
            _latest.clear()
        _values[full] = value
        _latest[_latest_key(store, key)] = value
    return value


def _latest_key(store: Store, key: tuple) -> tuple:
    """``key`` of this store: a stale value is only ever another version of the same
    store's (a process holding two stores, as the test suite does, showed one's
    figures on the other's home page while they were computed)."""
    return (str(getattr(store, "root", None) or getattr(store, "url", "")), *key)


# -- where a value is filed (the files themselves: ld.versioned_files) ---------


def _path(store: Store, key: tuple) -> Path | None:
    """Where this store's value for ``key`` is filed; None when it has no snapshot."""
    found = snapshot_of(store)
    if found is None:
        return None
    named = (made_by("figures", FORMAT), *key)  # an upgrade never reads the old code's
    digest = hashlib.sha256(repr(named).encode()).hexdigest()[:32]
    return figures_dir(*found) / f"{digest}.json"
