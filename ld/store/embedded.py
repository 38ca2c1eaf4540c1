"""The embedded store: pyoxigraph on disk, one named graph per record.

Layout of the store directory (``--store``)::

    primary/     the RocksDB database that `ldpub load` writes (exclusive)
    journal/     redo entries of batches being written (see ld.store.journal)
    snapshots/   immutable copies that `ldpub serve` reads (see ld.store.snapshots)
    derived/     state derived from the records (ld.identity_filter), dropped by writes
    CURRENT      name of the current snapshot
    UNPUBLISHED  present while the primary has writes no snapshot holds yet
    lock         flock held by the one writer, with its pid and command

Writes: a batch is journalled (fsync), then applied with pyoxigraph's bulk
writer, which is about 3x faster than its transactions but not atomic (it is
durable when it returns; transactional writes are flushed), and then its
journal entry is removed. Opening the store replays any
entry left by a crash, so every record is wholly old or wholly new (that side
of a write: :mod:`ld.store.embedded_journal`). A batch of new records handed
over as N-Quads bytes (what ``ldpub load`` sends) is journalled and
bulk-loaded as those bytes, without parsing them in Python.

Replacing a record only removes and adds the quads that changed: a record
loaded again usually differs in a few quads (dcterms:modified, blank nodes),
and removing and re-writing whole graphs is the slow part of pyoxigraph
(see docs/benchmarks.md, "Store").

Before any write, the rows ``ldpub render`` made for the records it changes
are dropped, with those of the records whose pages show their titles
(:mod:`ld.store.stale_renders`, apart because that is a second database with
its own failures and lifetime).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from ld.atomic import fsync_dir
from ld.errors import BadRequest, StoreError
from ld.priority import lower_compactions
from ld.store import snapshots
from ld.store.apply import apply_batch, same_as_stored, stored_versions, unchanged
from ld.store.base import RecordGraph, WriteResult
from ld.store.compaction import EVERYTHING, CompactionLog
from ld.store.convert import named, record_quads
from ld.store.embedded_journal import JournalledWrites
from ld.store.lock import StoreLock
from ld.store.oxstore import OxigraphReads
from ld.store.stale_renders import StaleRenders

UNPUBLISHED = "UNPUBLISHED"
DERIVED = "derived"  # state derived from the records, deleted by any other write
LOG = logging.getLogger("ldpub.store")


class EmbeddedStore(JournalledWrites, OxigraphReads):
    """The writable primary. One per store directory at a time (locked)."""

    snapshot_path: str | None = None

    def __init__(self, root: str | Path, *, purpose: str | None = None) -> None:
        self.root = Path(root)
        self._lock = self._claim(purpose)
        self._store: ox.Store | None = self._open_primary()
        self._mutex = threading.RLock()  # write_records -> _write_fresh
        self._id, self._writes = uuid.uuid4().hex[:8], 0
        self._renders = StaleRenders(self.root)
        self._compaction = CompactionLog(self.root)
        self._open_journal()

    def _claim(self, purpose: str | None) -> StoreLock:
        """Create the store directory and take its writer's lock."""
        try:
            (self.root / DERIVED).mkdir(parents=True, exist_ok=True)
            return StoreLock(self.root, purpose)
        except OSError as exc:
            raise StoreError(f"cannot use {self.root} as a store: {exc}",
                             hint="give --store a writable directory (or an http(s) URL)"
                             ) from exc

    def _open_primary(self) -> ox.Store:
        """Open the primary database; on failure let go of the lock."""
        try:
            store = ox.Store(str(self.root / "primary"))
        except OSError as exc:
            self._lock.release()
            raise StoreError(f"cannot open the store at {self.root}: {exc}",
                             hint="is the directory an ldpub store, readable and writable?"
                             ) from exc
        lower_compactions()  # writes first, compactions when a core is free (ld.priority)
        return store

    @property
    def version(self) -> str:  # type: ignore[override]
        return f"{self._id}-{self._writes}"

    def _ox(self) -> ox.Store:
        if self._store is None:
            raise StoreError(f"the store at {self.root} is closed")
        return self._store

    # --- writes ---------------------------------------------------------------

    def write_records(self, batch: Sequence[RecordGraph]) -> WriteResult:
        if not batch:
            return WriteResult()
        by_graph = {r.graph_iri: r for r in batch}  # a record twice: the last one wins
        with self._mutex:
            self._drop_derived()
            store = self._ox()
            if all(r.nquads is not None for r in by_graph.values()) and not any(
                    store.contains_named_graph(named(g)) for g in by_graph):
                self._renders.forget(by_graph, store)
                return self._write_fresh(by_graph)
            return self._write_parsed(by_graph)

    def _write_parsed(self, by_graph: dict[str, RecordGraph]) -> WriteResult:
        """Records that replace stored ones (or come as rdflib graphs): quads, then a diff;
        a record that says what its stored copy says stays as it is (apply.unchanged),
        found by its N-Quads bytes where it has them (apply.same_as_stored)."""
        with self._mutex:
            store = self._ox()
            same = {iri for iri, r in by_graph.items() if r.nquads is not None
                    and store.contains_named_graph(named(iri))
                    and same_as_stored(store, iri, r.nquads)}
            quads = {iri: record_quads(r) for iri, r in by_graph.items() if iri not in same}
            stored = stored_versions(store, quads)
            same |= {iri for iri, old in stored.items() if unchanged(old, quads[iri])}
            changed = {iri: qs for iri, qs in quads.items() if iri not in same}
            if changed:
                self._renders.forget(changed, store)
                entry = self._journal(list(changed), [q for qs in changed.values() for q in qs])
                try:
                    apply_batch(store, changed, stored)
                except OSError as exc:
                    self._recover(entry, exc)
                self.journal.clear([entry])
                self._written(len(changed))
        triples = sum(len(qs) for qs in quads.values()) + sum(
            by_graph[iri].nquads.count(b"\n") for iri in same if iri not in quads)  # type: ignore[union-attr]
        return WriteResult(written=len(by_graph), replaced=len(stored) - len(same & stored.keys()),
                           unchanged=len(same), triples=triples)

    def _write_fresh(self, by_graph: dict[str, RecordGraph]) -> WriteResult:
        """A batch of new records as N-Quads: journal the bytes, bulk-load them as they are.

        The usual path for a load. Nothing is parsed in Python: the bytes
        are the journal entry and pyoxigraph's bulk loader parses them
        (measured: ~20% less CPU than parsing and ``bulk_extend``). The
        workers that wrote the bytes (:func:`ld.nquads.serialize`) already
        checked every IRI and language tag with pyoxigraph, so the loader
        is told not to check them again (``lenient``: 0.08-0.13 ms less CPU
        per record, docs/benchmarks.md, "Ingest"); it still parses the
        syntax. Should it refuse the bytes, every graph of the batch is
        new, so removing them restores the store as it was.

        No flush follows: the bulk loader writes sorted files (SST) that RocksDB
        ingests, syncing each file and the directory before it records them in
        its synced manifest (facebook/rocksdb#5435), all before ``bulk_load``
        returns, so the batch is on disk and its journal entry can go. A flush
        found no memtable to write and only waited, whenever compactions lagged,
        until one more level-0 file would not slow writes down: 19 of 66 s at
        100,000 records, 117 of 262 s at 300,000. Without the wait the compactions run
        when a core is free and each merges more level-0 files at once, so there
        is less of them in all (docs/benchmarks.md, "Ingest", fifteenth session).
        """
        body = b"".join(r.nquads for r in by_graph.values())  # type: ignore[misc]
        with self._mutex:
            entry = self._journal(list(by_graph), body)
            try:  # durable on return: no flush (see the docstring)
                self._ox().bulk_load(body, ox.RdfFormat.N_QUADS, lenient=True)
            except OSError as exc:
                self._recover(entry, exc)
            except SyntaxError as exc:
                self._roll_back(entry)
                self._refuse(by_graph.values(), exc)
            self.journal.clear([entry])
            self._written(len(by_graph))
        return WriteResult(written=len(by_graph), replaced=0,
                           triples=body.count(b"\n"))

    def delete_records(self, graph_iris: Iterable[str]) -> int:
        store = self._ox()
        with self._mutex:
            existing = [g for g in dict.fromkeys(graph_iris)
                        if store.contains_named_graph(named(g))]
            if existing:
                self._renders.forget(existing, store)
                self._mark_unpublished()
                store.update(";\n".join(f"DROP GRAPH <{g}>" for g in existing))
                store.flush()
                self._written(len(existing))
        return len(existing)

    def update(self, update: str) -> None:
        with self._mutex:
            self._drop_derived()
            self._renders.forget(None, self._ox())
            self._mark_unpublished()
            try:
                self._ox().update(update)
            except SyntaxError as exc:
                raise BadRequest(f"SPARQL Update syntax error: {exc}") from exc
            except (OSError, RuntimeError) as exc:
                raise StoreError(f"SPARQL Update failed: {exc}") from exc
            self._ox().flush()
            self._written(EVERYTHING)

    def derived_path(self, name: str) -> Path:
        return self.root / DERIVED / name

    def _drop_derived(self) -> None:
        """Before a write: state derived from the records is behind from now on
        (see :meth:`ld.store.base.Store.derived_path`). Its files are gone while
        a load that keeps them runs, so this is one look at an empty directory."""
        directory = self.root / DERIVED
        stale = [p for p in directory.iterdir() if p.is_file()]
        for path in stale:
            path.unlink(missing_ok=True)
        if stale:  # the deletion reaches the disk before the write does
            fsync_dir(directory)

    def _written(self, records: int) -> None:
        """A write is done: a new version for caches, and a change towards compaction."""
        self._writes += 1
        self._compaction.note(records)

    # --- snapshots and lifetime -----------------------------------------------

    def _mark_unpublished(self) -> None:
        marker = self.root / UNPUBLISHED
        if not marker.exists():
            marker.touch()

    def publish(self, grace: float = snapshots.GRACE_SECONDS, *, compact: bool = False) -> str:
        """Make a snapshot of the primary the one `ldpub serve` reads; returns its name.

        ``compact`` first merges the files many bulk writes left (pyoxigraph's
        ``optimize``): reads from the snapshot get ~35% cheaper. Its cost
        follows the size of the store, so it suits the end of a command, and
        runs only when the changes since the last one are worth it
        (:mod:`ld.store.compaction`). Nothing written since the current snapshot
        (a nightly load of an unchanged catalogue): that one stays, and with it
        what servers made for it (figures, search index, dumps).
        """
        with self._mutex:
            compacting = compact and self._compaction.due()
            current = snapshots.current(self.root)
            if current and not compacting and not (self.root / UNPUBLISHED).exists():
                return current
            store = self._ox()
            if compacting:
                store.optimize()
                self._compaction.compacted(self.record_count())
            self._compaction.save()
            store.flush()
            name = snapshots.publish(store, self.root, grace)
            (self.root / UNPUBLISHED).unlink(missing_ok=True)
        LOG.debug("published the snapshot %s of the store at %s", name, self.root)
        return name

    def close(self) -> None:
        if self._store is not None:
            self._store.flush()
            self._compaction.save()
            self._store = None  # pyoxigraph closes the database when the object goes
            self._renders.close()
            self._lock.release()
