"""The embedded store's crash safety: every batch journalled before it is applied,
put right at once when applying it fails, and replayed when the store is opened.

Apart from :mod:`ld.store.embedded` because it answers one question on its own,
"is every record wholly old or wholly new after a crash?": the journal entry is
written (fsync) before the bulk writer, which is not atomic, touches the
primary; a failed apply is rolled forward from that entry; a batch of new
records whose N-Quads the store refuses is rolled back (its graphs removed, the
record at fault named); and on opening, every entry a killed writer left is
replayed, and the log says so. The journal's files are
:mod:`ld.store.journal`; how a batch is applied, :mod:`ld.store.apply`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from ld.errors import StoreError
from ld.store.base import RecordGraph
from ld.store.compaction import CompactionLog
from ld.store.convert import named, record_quads
from ld.store.journal import Entry, Journal
from ld.store.lock import StoreLock

LOG = logging.getLogger("ldpub.store")


class JournalledWrites:
    """The journal side of :class:`ld.store.embedded.EmbeddedStore`, which mixes it in
    and gives what it uses: the store directory, its lock, its compaction log and
    :meth:`_ox` (the primary), :meth:`_mark_unpublished`."""

    root: Path
    journal: Journal
    replayed: int  # batches replayed when the store was opened
    _store: ox.Store | None
    _lock: StoreLock
    _compaction: CompactionLog

    def _ox(self) -> ox.Store:
        raise NotImplementedError

    def _mark_unpublished(self) -> None:
        raise NotImplementedError

    def _open_journal(self) -> None:
        """Open the journal and replay what a crash left; on failure close and unlock."""
        try:
            self.journal = Journal(self.root / "journal")
            left = self.journal.pending()
            self.replayed = self._replay(left)
        except (OSError, ValueError) as exc:
            self._store = None
            self._lock.release()
            raise StoreError(f"cannot replay the journal of the store at {self.root}: {exc}",
                             hint="free disk space or fix permissions and open it again; "
                             "the journal stays until it is replayed") from exc
        if left:
            self._say_replayed(left)

    def _say_replayed(self, entries: list[Entry]) -> None:
        """A replay means a write died (a killed load): the operator must hear of it, since
        the load is incomplete and what it stored is published by whoever opened the store
        (on the command line, Python's last-resort handler puts it on standard error)."""
        records = sum(len(entry.graphs) for entry in entries)
        LOG.warning("replayed %d batch(es) (%d record(s)) left in the journal of the store at "
                    "%s by a write that did not finish (a load or harvest that was killed?); "
                    "run that command again to finish it", len(entries), records, self.root)

    def _journal(self, graphs: list[str], body: list[ox.Quad] | bytes) -> Entry:
        self._mark_unpublished()
        try:
            return self.journal.write(graphs, body)
        except OSError as exc:  # nothing was applied: the store is as it was
            raise StoreError(f"cannot write the journal in {self.journal.dir}: {exc}",
                             hint="free disk space or fix permissions, then load again"
                             ) from exc

    def _roll_back(self, entry: Entry) -> None:
        """Undo a batch of new records that failed to load: remove its graphs."""
        store = self._ox()
        for iri in entry.graphs:
            store.remove_graph(named(iri))
        store.flush()
        self.journal.clear([entry])

    @staticmethod
    def _refuse(records: Iterable[RecordGraph], exc: SyntaxError) -> None:
        """Name the record whose N-Quads do not parse (RecordError), else the batch."""
        for record in records:
            record_quads(record)
        raise StoreError(f"the store refused a batch of records: {exc}")

    def _recover(self, entry: Entry, exc: OSError) -> None:
        """A failed apply may have left half a batch: replay the entry now."""
        try:
            self._replay([entry])
        except OSError as again:
            raise StoreError(
                f"writing to the store at {self.root} failed: {exc}; so did the repair: {again}",
                hint="free disk space or fix permissions; the batch is replayed on the next open",
            ) from again
        raise StoreError(f"writing to the store at {self.root} failed: {exc}",
                         hint="the batch was rolled forward; check disk space") from exc

    def _replay(self, entries: list[Entry]) -> int:
        """Re-apply journal entries left by a crash: drop their graphs, load their quads."""
        store = self._ox()
        for entry in entries:
            self._mark_unpublished()
            for iri in entry.graphs:
                store.remove_graph(named(iri))
            try:
                store.bulk_load(path=str(entry.path), format=ox.RdfFormat.N_QUADS)
            except SyntaxError:
                # only a batch of new records is journalled unparsed (_write_fresh),
                # and it is refused as a whole: leave its graphs out
                self._roll_back(entry)
                continue
            store.flush()
            self.journal.clear([entry])
            self._compaction.note(len(entry.graphs))
        return len(entries)
