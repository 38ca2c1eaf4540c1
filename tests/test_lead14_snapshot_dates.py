"""A snapshot published in the same whole second as the one before it gives no date.

HTTP dates have whole seconds: two snapshots of one second would carry one
Last-Modified, and an If-Modified-Since sent for the first would get a stale 304
from the second. The helper that first dated pages by their snapshot waited for the
next second instead, which held a burst of SPARQL updates (each publishes) to one a
second; the second snapshot of a second is now undated instead. A real store on disk.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from ld.store import snapshots


def _two_in_one_second(primary: ox.Store, root: Path) -> tuple[str, str]:
    for _ in range(5):
        now = datetime.now(UTC)
        if now.microsecond > 700_000:  # too close to the next second: wait for it
            time.sleep(1 - now.microsecond / 1_000_000)
        first = snapshots.publish(primary, root, grace=0)
        second = snapshots.publish(primary, root, grace=0)
        if first[:15] == second[:15]:  # YYYYMMDDTHHMMSS: the same second
            return first, second
    raise AssertionError("could not publish twice within one second")


def test_the_second_snapshot_of_a_second_is_undated_and_the_next_second_dated(
        tmp_path: Path) -> None:
    primary = ox.Store(str(tmp_path / "primary"))
    first, second = _two_in_one_second(primary, tmp_path)  # so nobody waited for a second
    assert snapshots.published(second) is None
    dated = snapshots.published(first)
    assert dated is not None and dated.strftime("%Y%m%dT%H%M%S") == first[:15]
    time.sleep(1.05)
    third = snapshots.publish(primary, tmp_path, grace=0)
    assert snapshots.published(third) is not None
    assert snapshots.current(tmp_path) == third
    assert sorted([first, second, third]) == [first, second, third]  # names still sort


def test_a_snapshot_after_the_clock_stepped_back_is_undated(tmp_path: Path) -> None:
    # a reviewer's finding: only the same second was caught; a clock stepped back (NTP)
    # dated the new snapshot before the one it replaces, and an If-Modified-Since with the
    # older one's later date got a 304 for the new content
    primary = ox.Store(str(tmp_path / "primary"))
    future = datetime(2099, 1, 1, tzinfo=UTC).strftime("%Y%m%dT%H%M%S%fZ")
    (snapshots.snapshots_dir(tmp_path) / future).mkdir(parents=True)  # published "later"
    assert snapshots.published(snapshots.publish(primary, tmp_path, grace=3600)) is None
