"""Immutable snapshots: how `ldpub serve` reads while `ldpub load` writes.

A pyoxigraph store is opened read-write by one process only, and opening it
read-only while another process writes is undefined behaviour. So serving
never opens the primary. ``publish`` makes a RocksDB backup of the primary
into ``<store>/snapshots/<name>`` (hard links to the immutable SST files on
one file system, so it is cheap), then switches the ``CURRENT`` pointer file
atomically (write a temporary file, fsync, ``os.replace``). Readers open the
snapshot CURRENT names with ``Store.read_only``; nobody writes to it ever
again, so any number of processes may read it while the primary changes.

Races, and why each is harmless:

* A reader reads CURRENT while it is replaced: ``os.replace`` is atomic, the
  reader sees the old or the new name, both complete snapshots.
* A backup dies half-way (SIGKILL): it was written under ``.tmp-<name>`` and
  renamed only when complete; CURRENT still names the previous snapshot;
  :func:`prune` removes the leftover.
* A reader still queries a snapshot that is no longer current: old snapshots
  are removed only after a grace period (:data:`GRACE_SECONDS`) counted from
  when they stopped being current, and the last :data:`KEEP` are always kept.
  Readers look at CURRENT at most once per second and queries time out long
  before the grace period ends.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ld.atomic import fsync_dir

GRACE_SECONDS = 300.0
KEEP = 2
POINTER = "CURRENT"
_NAME = "%Y%m%dT%H%M%S%fZ"  # a snapshot's name: its publish time, UTC, to the microsecond
_NAME_LENGTH = 22  # what _NAME writes; a counter or UNDATED may follow
UNDATED = "-undated"  # published in the same second as the snapshot before it


def snapshots_dir(root: Path) -> Path:
    return root / "snapshots"


def current(root: Path) -> str | None:
    """The name of the current snapshot, or None when none was published."""
    try:
        return (root / POINTER).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def publish(primary: ox.Store, root: Path, grace: float = GRACE_SECONDS) -> str:
    """Back the primary up as a new snapshot, make it current; returns its name."""
    base = snapshots_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    name = _new_name(base)
    tmp = base / f".tmp-{name}"
    primary.backup(str(tmp))
    os.rename(tmp, base / name)
    _write_pointer(root, name)
    prune(root, grace)
    return name


def _new_name(base: Path) -> str:
    """A sortable, unique name: UTC time to the microsecond (plus a counter on ties),
    marked :data:`UNDATED` when it comes in the same whole second as the newest one, or
    before it (a clock stepped back: its date would say older than the one it replaces)."""
    now = datetime.now(UTC)
    stamp = now.strftime(_NAME)
    newest = _newest_second(base)
    if newest is not None and newest >= now.replace(microsecond=0):  # or the clock went back
        stamp += UNDATED
    name, n = stamp, 1
    while (base / name).exists():
        name, n = f"{stamp}-{n}", n + 1
    return name


def _newest_second(base: Path) -> datetime | None:
    stamps = [_stamp(p.name) for p in base.iterdir() if not p.name.startswith(".")]
    newest = max((s for s in stamps if s is not None), default=None)
    return None if newest is None else newest.replace(microsecond=0)


@lru_cache(maxsize=8)  # read per request; a name's date never changes
def published(name: str) -> datetime | None:
    """When the snapshot ``name`` was published, the Last-Modified of what is drawn from
    many records (``ld.describe``): its name is the UTC time of its publish, taken after
    the writes it holds, so every change it serves is older.

    None for a snapshot published in the same whole second as the one before it
    (:data:`UNDATED`): an HTTP date has whole seconds, so both would carry one date and
    an If-Modified-Since sent for the first would get a stale 304 from the second. What
    it serves goes without a date (its ETag still validates) until the next snapshot;
    waiting for the next second instead would hold a burst of SPARQL updates, each of
    which publishes, to one a second. None too for a name an operator made.
    """
    return None if UNDATED in name else _stamp(name)


def _stamp(name: str) -> datetime | None:
    try:
        return datetime.strptime(name[:_NAME_LENGTH], _NAME).replace(tzinfo=UTC)
    except ValueError:
        return None


def _write_pointer(root: Path, name: str) -> None:
    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / POINTER)
    fsync_dir(root)


def prune(root: Path, grace: float = GRACE_SECONDS) -> list[str]:
    """Remove snapshots superseded more than ``grace`` seconds ago; returns their names."""
    base = snapshots_dir(root)
    keep = current(root)
    names = sorted(p.name for p in base.iterdir() if not p.name.startswith("."))
    now, removed = time.time(), []
    for name, successor in itertools.pairwise(names[: len(names) - KEEP + 1]):
        if name != keep and now - (base / successor).stat().st_mtime > grace:
            shutil.rmtree(base / name, ignore_errors=True)
            removed.append(name)
    for leftover in base.glob(".tmp-*"):  # a backup that died half-way
        if now - leftover.stat().st_mtime > grace:
            shutil.rmtree(leftover, ignore_errors=True)
    return removed
