"""Values computed once per store version (ld.versioned): exact callers wait for their
version's value; the home page's (stale_ok) get the previous one at once while the
new one is computed in the background."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ld import versioned


@dataclass
class Versioned:
    """Stands for a store: all the cache reads of it is ``version``."""

    version: str


def _wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.01)


def test_once_per_version() -> None:
    calls: list[str] = []
    store = Versioned("v1")

    def compute() -> str:
        calls.append(store.version)
        return f"value of {store.version}"

    key = ("test-once", object())
    assert versioned.cached(store, key, compute) == "value of v1"
    assert versioned.cached(store, key, compute) == "value of v1"
    store.version = "v2"
    assert versioned.cached(store, key, compute) == "value of v2"  # exact: computed now
    assert calls == ["v1", "v2"]


def test_stale_ok_gets_the_previous_value_while_the_new_one_is_computed() -> None:
    store, release = Versioned("v1"), threading.Event()
    key = ("test-stale", object())
    assert versioned.cached(store, key, lambda: "old") == "old"
    store.version = "v2"

    def slow() -> str:
        release.wait(10)
        return "new"

    assert versioned.cached(store, key, slow, stale_ok=True) == "old"  # at once
    assert versioned.cached(store, key, slow, stale_ok=True) == "old"  # one refresh only
    release.set()
    _wait_for(lambda: versioned.cached(store, key, slow, stale_ok=True) == "new")
    assert versioned.cached(store, key, lambda: "never") == "new"  # exact callers too


def test_stale_ok_with_nothing_computed_yet_computes() -> None:
    key = ("test-first", object())
    assert versioned.cached(Versioned("v1"), key, lambda: 42, stale_ok=True) == 42


def test_a_failed_refresh_keeps_the_stale_value_and_tries_again() -> None:
    store = Versioned("v1")
    key = ("test-fail", object())
    versioned.cached(store, key, lambda: "old")
    store.version = "v2"

    def failing() -> str:
        raise RuntimeError("store gone")

    assert versioned.cached(store, key, failing, stale_ok=True) == "old"
    _wait_for(lambda: key not in versioned._running)
    assert versioned.cached(store, key, lambda: "new", stale_ok=True) in ("old", "new")
    _wait_for(lambda: versioned.cached(store, key, lambda: "new", stale_ok=True) == "new")


def test_one_refresh_at_a_time_whatever_the_version() -> None:
    """Snapshots may come faster than a refresh at a million records: no pile-up."""
    store, release, started = Versioned("v1"), threading.Event(), []
    key = ("test-one", object())
    versioned.cached(store, key, lambda: "v1 value")

    def slow() -> str:
        started.append(store.version)
        release.wait(10)
        return "refreshed"

    store.version = "v2"
    assert versioned.cached(store, key, slow, stale_ok=True) == "v1 value"
    store.version = "v3"  # a newer snapshot while v2's refresh runs
    assert versioned.cached(store, key, slow, stale_ok=True) == "v1 value"
    _wait_for(lambda: started == ["v2"])
    time.sleep(0.05)
    assert started == ["v2"]  # v3 waits for v2's refresh to end
    release.set()
    _wait_for(lambda: key not in versioned._running)
    # now v3's refresh starts (after the pause that follows every refresh)
    _wait_for(lambda: versioned.cached(store, key, slow, stale_ok=True) is not None
              and started == ["v2", "v3"])


def test_refreshes_pause_for_ten_times_their_duration() -> None:
    """A scan of a minute (a million records) runs at most every ten minutes."""
    store, started = Versioned("v1"), []
    key = ("test-pause", object())
    versioned.cached(store, key, lambda: "v1 value")

    def scan() -> str:
        started.append(store.version)
        time.sleep(0.1)
        return f"{store.version} value"

    store.version = "v2"
    versioned.cached(store, key, scan, stale_ok=True)
    _wait_for(lambda: key not in versioned._running)
    store.version = "v3"
    assert versioned.cached(store, key, scan, stale_ok=True) == "v2 value"
    assert started == ["v2"]  # within 10 x 0.1 s of the last refresh: not yet
    time.sleep(1.1)
    versioned.cached(store, key, scan, stale_ok=True)
    _wait_for(lambda: started == ["v2", "v3"])
