"""Open the store the settings name: embedded (a directory) or remote (a URL).

``open_store`` is for writers (`ldpub load`, `delete`, `stats`, `dump`): the
embedded primary, locked, or the SPARQL server. ``open_reader`` is for
serving: the embedded store's latest published snapshot, read-only and
reopened when a newer one appears; for a remote server, the same as
``open_store`` (the server handles concurrency itself).

The implementations are imported lazily so that importing ``ld.store`` does
not open or configure anything.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ld.config import Settings
from ld.errors import StoreBusy, StoreError
from ld.store.base import QueryResponse, RecordGraph, Store, WriteResult

__all__ = ["QueryResponse", "RecordGraph", "Store", "WriteResult", "open_reader", "open_store",
           "publish_if_needed", "publish_left_over"]

LOG = logging.getLogger("ldpub.store")


def open_store(settings: Settings, *, purpose: str | None = None) -> Store:
    """The writable store: the embedded primary (exclusive; ``purpose`` names its holder,
    e.g. "ldpub load", for a command refused meanwhile) or the SPARQL server."""
    if settings.store_is_remote:
        from ld.store.remote import RemoteStore

        return RemoteStore(settings.store, base=settings.base_uri)
    from ld.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store, purpose=purpose)


def open_reader(settings: Settings) -> Store:
    """The store to serve from; never the embedded primary itself.

    When no snapshot was published yet, or the primary has writes that no
    snapshot holds (a load that was killed before it published), and no
    writer holds the store, one is published first (by the reader, which
    looks again every second: :func:`publish_if_needed`). When a writer holds
    it, the reader starts with what is published (or empty) and picks up the
    writer's next publish within a second.
    """
    if settings.store_is_remote:  # answers as long as a query may run, no longer
        from ld.store.remote import RemoteStore
        from ld.store.remote_http import READER

        return RemoteStore(settings.store, read_timeout=settings.query_timeout + 5,
                           retry=READER, base=settings.base_uri, check_base=True)
    from ld.store.reader import SnapshotReader

    root = Path(settings.store)
    if not root.is_dir():
        raise StoreError(f"no store at {root}",
                         hint=f"load records first: ldpub load --store {root} FILE...")
    return SnapshotReader(root)


def publish_if_needed(root: Path) -> str | None:
    """Publish the primary's unpublished writes when no writer holds the store; the
    snapshot's name, or None when there was nothing to do or a writer holds it.

    For the readers of snapshots (serving workers, when they start and every
    second after: :mod:`ld.store.reader`): a writer that is running publishes
    itself (a long load every minute) and must not be held up, so a held lock
    means "not mine to do"; serving workers racing for it meet at the lock,
    and the first one publishes. The lock is a flock,
    gone with its process, so a free lock with the marker still there means the
    writer stopped before its publish (killed). Raises StoreError when the
    primary cannot be opened or published (another reason than a writer or a
    read-only store).
    """
    from ld.store import lock
    from ld.store.embedded import EmbeddedStore

    if not (root / "primary").is_dir() or not _unpublished(root) or lock.is_locked(root):
        return None
    if not os.access(root / "lock" if (root / "lock").exists() else root, os.W_OK):
        return None  # a read-only store: published where it is written
    try:
        primary = EmbeddedStore(root, purpose=lock.PUBLISH)
    except StoreBusy:
        return None  # a writer took the store meanwhile; it publishes when it is done
    try:
        return publish_left_over(primary)  # checked again under the lock: another reader
    finally:  # may have done it
        primary.close()


def publish_left_over(primary: Store) -> str | None:
    """Publish what the opened embedded ``primary`` holds and no snapshot does (or a first
    snapshot); the snapshot's name, None when all is published already.

    What a writer killed before its publish left (``UNPUBLISHED``): the next
    command that opens the store, or a serving worker, publishes it, so that
    ``ldpub stats`` reports what the site serves. Said in one INFO line, since
    it means a command did not finish.
    """
    root = Path(primary.root)  # type: ignore[attr-defined]
    if not _unpublished(root):
        return None
    left_over = _marked(root)
    name = primary.publish()
    if left_over:
        LOG.info("found writes left unpublished in the store at %s by a writer that is no "
                 "longer running (a command killed before its publish?); published them "
                 "as the snapshot %s", root, name)
    return name


def _marked(root: Path) -> bool:
    from ld.store.embedded import UNPUBLISHED

    return (root / UNPUBLISHED).exists()


def _unpublished(root: Path) -> bool:
    """Has the primary writes no snapshot holds, or no snapshot at all?"""
    from ld.store import snapshots

    return _marked(root) or snapshots.current(root) is None
