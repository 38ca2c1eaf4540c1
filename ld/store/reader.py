"""The serving side of the embedded store: the current snapshot, read-only.

Each serving process (a gunicorn or Granian worker) opens the snapshot named by
``<store>/CURRENT`` with ``pyoxigraph.Store.read_only``. At most once per
second, on use, it looks at CURRENT again and opens the newer snapshot when
`ldpub load` published one; queries already running keep the store object
they started with. Reading one small file per second is the whole cost of
noticing new data.

Writes a writer left unpublished (a load or delete killed after its write,
before its publish: ``<store>/UNPUBLISHED`` with the store's lock free) are
published by the first worker that notices them, at its start or within a
second of a request after (:func:`ld.store.publish_if_needed`); a writer that
is running publishes its own.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

from ld import renders
from ld.errors import StoreError
from ld.store import publish_if_needed, snapshots
from ld.store.base import RecordGraph, WriteResult
from ld.store.oxstore import OxigraphReads

LOG = logging.getLogger("ldpub.store")

CHECK_EVERY = 1.0
PUBLISH_RETRY = 60.0  # seconds before a publish that failed is tried again


class SnapshotReader(OxigraphReads):
    """A read-only Store over the latest published snapshot.

    Until a first snapshot exists (a first `ldpub load` is still running) it
    is an empty store, and picks the snapshot up as soon as it appears.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._inherited: list[ox.Store] = []
        self._reset()
        self._ox()

    def _reset(self) -> None:
        """Start from nothing; after a fork (serving workers), start the child's own.

        A RocksDB handle must not be used across fork(): its locks and
        background threads do not survive it. The parent's handle is kept
        (never used, never closed: closing it in the child could hang).
        """
        if getattr(self, "_opened", None) is not None:
            self._inherited.append(self._store)
        self._pid = os.getpid()
        self._reload = threading.Lock()
        # (snapshot path, its Store), replaced in one step; empty until a snapshot is published
        self._opened: tuple[str | None, ox.Store] = (None, ox.Store())
        self._checked = -CHECK_EVERY
        self._publish_after = -PUBLISH_RETRY
        self._renders = renders.ReaderRenders(self.root, CHECK_EVERY)

    @property
    def _store(self) -> ox.Store:
        return self._opened[1]

    @property
    def _name(self) -> str | None:
        """The open snapshot's name (its directory's), None before any."""
        path = self._opened[0]
        return None if path is None else Path(path).name

    @property
    def version(self) -> str:  # type: ignore[override]
        self._ox()
        return self._name or "empty"

    @property
    def published(self) -> datetime | None:  # type: ignore[override]
        """The open snapshot's publish time (None before any), with ``version``'s check."""
        self._ox()
        name = self._name
        return None if name is None else snapshots.published(name)

    @property
    def snapshot_path(self) -> str | None:
        self._ox()
        return self._opened[0]

    def _ox(self) -> ox.Store:
        if os.getpid() != self._pid:
            self._reset()
        now = time.monotonic()
        if now - self._checked >= CHECK_EVERY and self._reload.acquire(blocking=False):
            try:
                self._checked = now
                self._publish_left_over(now)
                name = snapshots.current(self.root)
                if name and name != self._name:
                    self._open(name)
            finally:
                self._reload.release()
        return self._store

    def _publish_left_over(self, now: float) -> None:
        """Publish what a writer that stopped left unpublished (killed before its publish),
        so the site does not keep serving the data from before it for as long as it runs.

        Checked with the snapshot pointer, once a second; when the store's
        writer lock is held (a load running) nothing is done. A failure (a full
        disk) is logged and tried again after :data:`PUBLISH_RETRY` seconds: it
        opens the primary, too costly to repeat every second.
        """
        if now < self._publish_after:
            return
        try:
            publish_if_needed(self.root)
        except (OSError, StoreError) as err:
            self._publish_after = now + PUBLISH_RETRY
            LOG.warning("could not publish the unpublished writes of the store at %s: %s; "
                        "serving its latest published snapshot, trying again in %d s",
                        self.root, err, PUBLISH_RETRY)

    def _open(self, name: str) -> None:
        path = snapshots.snapshots_dir(self.root) / name
        try:
            store = ox.Store.read_only(str(path))
        except OSError as exc:
            if self._name is None:
                raise StoreError(f"cannot open the snapshot {path}: {exc}",
                                 hint="run `ldpub load` again to publish a new one") from exc
            return  # keep serving the snapshot we have; try again in a second
        self._opened = (str(path), store)
        LOG.debug("opened the snapshot %s read-only", path)  # each process, each new one

    def opened(self) -> tuple[str | None, ox.Store]:
        """The open snapshot's path and its pyoxigraph Store, taken together.

        For :mod:`ld.sparql_local`, which runs bounded queries in this process
        on the same snapshot a worker process would open by path.
        """
        self._ox()
        return self._opened

    def rendered(self, graph_iri: str, fmt_key: str, flavour: str) -> tuple[bytes, str] | None:
        """The row ``ldpub render`` made for this record as this snapshot holds it."""
        modified = self.value(graph_iri, graph_iri, renders.MODIFIED)
        if modified is None:
            return None
        body = self._renders.get(graph_iri, fmt_key, renders.version(flavour, modified))
        return None if body is None else (body, modified)

    def pin(self) -> SnapshotReader:
        """This reader's current snapshot, never switched (for one request)."""
        pinned = object.__new__(_Pinned)
        pinned.root, pinned._opened = self.root, self.opened()  # path and Store in one read
        pinned._renders = self._renders
        return pinned

    # --- the reader never writes ---------------------------------------------

    def _read_only(self) -> StoreError:
        return StoreError(f"the serving store at {self.root} is read-only",
                          hint="write with `ldpub load` / `ldpub delete`; serve picks it up")

    def write_records(self, batch: Sequence[RecordGraph]) -> WriteResult:
        raise self._read_only()

    def delete_records(self, graph_iris: Iterable[str]) -> int:
        raise self._read_only()

    def update(self, update: str) -> None:
        raise self._read_only()

    def publish(self, *, compact: bool = False) -> str:
        """Nothing to do: a reader serves what `ldpub load` published."""
        return self.version


class _Pinned(SnapshotReader):
    """A SnapshotReader that does not look for newer snapshots."""

    def _ox(self) -> ox.Store:
        return self._store

    def pin(self) -> SnapshotReader:
        return self
