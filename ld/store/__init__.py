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

from pathlib import Path

from ld.config import Settings
from ld.errors import StoreError
from ld.store.base import QueryResponse, RecordGraph, Store, WriteResult

__all__ = ["QueryResponse", "RecordGraph", "Store", "WriteResult", "open_reader", "open_store"]


def open_store(settings: Settings, *, purpose: str | None = None) -> Store:
    """The writable store: the embedded primary (exclusive; ``purpose`` names its holder,
    e.g. "ldpub load", for a command refused meanwhile) or the SPARQL server."""
    if settings.store_is_remote:
        from ld.store.remote import RemoteStore

        return RemoteStore(settings.store)
    from ld.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store, purpose=purpose)


def open_reader(settings: Settings) -> Store:
    """The store to serve from; never the embedded primary itself.

    When no snapshot was published yet, or the primary has writes that no
    snapshot holds (a load that was killed before it published), and no
    writer holds the store, one is published here first. When a writer holds
    it, the reader starts with what is published (or empty) and picks up the
    writer's next publish within a second.
    """
    if settings.store_is_remote:  # answers as long as a query may run, no longer
        from ld.store.remote import RemoteStore
        from ld.store.remote_http import READER

        return RemoteStore(settings.store, read_timeout=settings.query_timeout + 5,
                           retry=READER)
    from ld.store.reader import SnapshotReader

    root = Path(settings.store)
    if not root.is_dir():
        raise StoreError(f"no store at {root}",
                         hint=f"load records first: ldpub load --store {root} FILE...")
    _publish_if_needed(root)
    return SnapshotReader(root)


def _publish_if_needed(root: Path) -> None:
    from ld.store import lock, snapshots
    from ld.store.embedded import UNPUBLISHED, EmbeddedStore

    def needed() -> bool:
        return snapshots.current(root) is None or (root / UNPUBLISHED).exists()

    if not (root / "primary").is_dir() or not needed() or lock.is_locked(root):
        return
    try:
        primary = EmbeddedStore(root, purpose=lock.PUBLISH)
    except StoreError:
        return  # a writer took the store meanwhile; it publishes when it is done
    try:
        if needed():  # checked again under the lock: another reader may have done it
            primary.publish()
    finally:
        primary.close()
