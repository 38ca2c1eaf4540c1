"""Finished record representations on disk, one per record version and format.

Why: uniformly random dereferencing of a large catalogue is nearly all cache
misses for the per-process LRU in :mod:`ld.describe`, and a miss spends most
of its time reading the record's graph out of RocksDB (docs/benchmarks.md,
"Serving"). ``ldpub render`` makes the Turtle, JSON-LD and HTML of every
record once, after a load, and keeps them here; every serving worker reads
them with one SQLite lookup instead of reading and serialising the graph.

Where: ``<store>/renders.sqlite`` (WAL, so serving workers read while
``ldpub render`` writes). One row per ``(graph, format)``; the body is
zlib-compressed (about 3.5x smaller, ~10-20 us to inflate).

Never stale: a row carries the ``version`` it was made for, the renderer's
*flavour* (code version, settings and templates that shape the bytes) plus
the record's ``dcterms:modified`` in the snapshot it was made from. A
serving worker looks the record's ``dcterms:modified`` up in *its* snapshot
and uses the row only when both match, so a record re-loaded since is
rendered from the store as before. The writer (:class:`ld.store.embedded.
EmbeddedStore`) also forgets the rows of every record it writes or deletes,
and all rows on a SPARQL Update, before the store changes: two loads within
one second give the same ``dcterms:modified``, and an update may change a
record without touching it. It forgets too the rows of the records that link
a record it writes or deletes (:func:`ld.store.stale_renders.dependents`): a
page shows a linked record by its stored title, which the row's version,
its own record's date, does not cover. Forgotten rows are noted as pending,
so the render after a load makes them again.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterable
from pathlib import Path

LOG = logging.getLogger("ldpub.renders")
FILE = "renders.sqlite"
FORMATS = ("ttl", "jsonld", "html")  # what `ldpub render` makes: the formats people ask for
ROOT_MARK = "/__ldpub_root__"  # stands for the site's script root in rendered HTML
MODIFIED = "http://purl.org/dc/terms/modified"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reps (
    graph TEXT NOT NULL, format TEXT NOT NULL, version TEXT NOT NULL, body BLOB NOT NULL,
    PRIMARY KEY (graph, format))
"""
# Records changed since the last render (forgotten rows), so that the render
# after a load makes only those instead of comparing every record's version
# (a scan of the whole store); EVERYTHING after a SPARQL Update.
_PENDING = "CREATE TABLE IF NOT EXISTS pending (graph TEXT PRIMARY KEY)"
EVERYTHING = "*"
# The flavour of the last full render: pending alone is the whole story only
# while the flavour (code, templates, base URI, title) stays the same.
_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
# A rowid table with 16 KB pages on purpose: WITHOUT ROWID stored the 1-3 KB
# bodies in half-empty overflow pages (file 2.7x the bodies, 1.4 GB for 100,000
# records); a rowid table with 4 KB pages still 1.5x (781 MB).

Row = tuple[str, str, str, bytes]  # graph, format, version, body packed by pack()


def pack(body: bytes) -> bytes:
    """A body as stored: zlib (~3.5x smaller; inflating costs ~10-20 us per request).

    Done by whoever renders (the worker processes), not by the one writer.
    """
    return zlib.compress(body, 6)


def path_of(root: str | Path) -> Path:
    return Path(root) / FILE


def version(flavour: str, modified: str) -> str:
    """The version of a row: who made it, for which state of the record."""
    return f"{flavour} {modified}"


class Renders:
    """One connection to the renders file, safe across threads (one per process:
    the snapshot reader makes a new one after a fork)."""

    def __init__(self, path: str | Path, *, writable: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.writable, self._warned = writable, False
        if writable:  # sqlite3's own transactions: ``with db:`` commits or rolls back
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("PRAGMA page_size=16384")  # a new file only; see _SCHEMA
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.execute(_META)
            self._note_everything_if_new()
        else:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                       check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout=5000")

    def _note_everything_if_new(self) -> None:
        """A file without the pending table (a new one, or made by an older ldpub, whose
        loads did not note what they changed): the next render compares everything."""
        if self._db.execute("SELECT 1 FROM sqlite_master WHERE name='pending'").fetchone():
            return
        with self._db:
            self._db.execute(_PENDING)
            self._db.execute("INSERT INTO pending VALUES (?)", (EVERYTHING,))

    def get(self, graph: str, fmt: str, row_version: str) -> bytes | None:
        """The body made for exactly this version, or None.

        A row that cannot be read (a damaged page, a body that does not
        inflate, a value of another type) is a miss, never an error page: the
        record is made from the store, and the operator is told once.
        """
        with self._lock:
            try:
                found = self._db.execute(
                    "SELECT body FROM reps WHERE graph=? AND format=? AND version=?",
                    (graph, fmt, row_version)).fetchone()
                return None if found is None else zlib.decompress(found[0])
            except (sqlite3.Error, zlib.error, TypeError) as exc:
                self._unreadable(graph, fmt, exc)
                return None

    def _unreadable(self, graph: str, fmt: str, exc: Exception) -> None:
        """One warning per file and process: a damaged file fails for many records,
        and the remedy (delete it or render again) is the same for all of them."""
        if self._warned:
            return
        self._warned = True
        LOG.warning("cannot read the pre-rendered %s of record %s from %s (%s: %s); such "
                    "records are made from the store on request: delete the file or run "
                    "`ldpub render` again", fmt, graph, self.path, type(exc).__name__, exc)

    def put(self, rows: list[Row]) -> int:
        """Store packed rows (replacing older versions) in one transaction."""
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO reps VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    def forget(self, graphs: Iterable[str]) -> None:
        """Drop every row of these records (they are about to change): pending now."""
        graphs = [(g,) for g in graphs]
        with self._lock, self._db:
            self._db.executemany("DELETE FROM reps WHERE graph=?", graphs)
            self._db.executemany("INSERT OR IGNORE INTO pending VALUES (?)", graphs)

    def clear(self) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM reps")
            self._db.execute("INSERT OR IGNORE INTO pending VALUES (?)", (EVERYTHING,))

    def pending(self) -> list[str] | None:
        """Records forgotten since the last render; None when that is everything."""
        with self._lock:
            graphs = [g for (g,) in self._db.execute("SELECT graph FROM pending")]
        return None if EVERYTHING in graphs else graphs

    def done(self, graphs: Iterable[str] | None, flavour: str) -> None:
        """These records are rendered (or gone); None: all of them, in ``flavour``."""
        with self._lock, self._db:
            if graphs is None:
                self._db.execute("DELETE FROM pending")
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('flavour', ?)",
                                 (flavour,))
            else:
                self._db.executemany("DELETE FROM pending WHERE graph=?",
                                     ((g,) for g in graphs))

    def flavour(self) -> str | None:
        """The flavour of the last full render (None: none yet, or an older file)."""
        with self._lock:
            found = self._db.execute("SELECT value FROM meta WHERE key='flavour'").fetchone()
        return None if found is None else str(found[0])

    def versions(self) -> dict[str, dict[str, str]]:
        """graph -> {format: version} of every row (what ``ldpub render`` may skip)."""
        found: dict[str, dict[str, str]] = {}
        with self._lock:
            for graph, fmt, row_version in self._db.execute(
                    "SELECT graph, format, version FROM reps"):
                found.setdefault(graph, {})[fmt] = row_version
        return found

    def close(self) -> None:
        """A writer folds its write-ahead log back into the file first: left alone, the
        log of a render stayed as large as the whole file, doubling its disk use."""
        if self.writable:
            with contextlib.suppress(sqlite3.Error):  # a busy reader: next time
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()


class ReaderRenders:
    """The serving side's view of ``<store>/renders.sqlite``: opened once it exists.

    ``ldpub render`` may create the file while the server runs; looking for it
    costs one ``stat`` at most once per ``every`` seconds.
    """

    def __init__(self, root: str | Path, every: float = 1.0) -> None:
        self.path, self.every = path_of(root), every
        self._renders: Renders | None = None
        self._looked = -every

    def get(self, graph: str, fmt: str, row_version: str) -> bytes | None:
        if self._renders is None:
            now = time.monotonic()
            if now - self._looked < self.every:
                return None
            self._looked = now
            if not self.path.exists():
                return None
            try:
                self._renders = Renders(self.path)
            except sqlite3.Error:
                return None
        return self._renders.get(graph, fmt, row_version)
