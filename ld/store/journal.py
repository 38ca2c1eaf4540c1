"""The redo journal that makes pyoxigraph's fast, non-atomic bulk writes safe.

pyoxigraph writes about 3x faster through its bulk loader than through
transactions, but a bulk write killed half-way leaves half a batch behind.
So every batch is first written here, complete, as one N-Quads file whose
leading comment lines name the graphs it replaces::

    #ldpub-journal 1
    #graph <http://localhost:5000/doc/record/a>
    <s> <p> <o> <http://localhost:5000/doc/record/a> .

The file is written under a temporary name, fsynced and renamed into place:
the rename is the commit point. An entry that exists is complete; a torn
temporary file is ignored (the store was not touched yet). After the store
applied the entry durably (a bulk write is on disk when it returns; a
transactional one once flushed), the entry is removed. Replaying an entry
(drop its graphs, load its quads) is idempotent, so a crash during the apply
or during a replay is repaired by replaying again on the next open.

Entries are numbered; several may be pending after a crash. They are
replayed in order, so the last write of a record wins as it did originally.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ld.atomic import fsync_dir

MAGIC = "#ldpub-journal 1\n"
_GRAPH = "#graph <"


@dataclass(frozen=True)
class Entry:
    """One committed batch: the file and the graphs it replaces."""

    path: Path
    graphs: tuple[str, ...]


class Journal:
    """Numbered, fsynced N-Quads files in one directory."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        for stale in self.dir.glob("*.tmp"):
            stale.unlink()  # torn writes from a crash: never committed
        self._next = max((int(p.stem) for p in self._files()), default=0) + 1

    def _files(self) -> list[Path]:
        return sorted(self.dir.glob("*.nq"), key=lambda p: int(p.stem))

    def write(self, graphs: Sequence[str], quads: Iterable[ox.Quad] | bytes) -> Entry:
        """Commit a batch to disk before the store is touched; returns the entry.

        ``quads`` may be N-Quads text already (what the load's workers send).
        """
        path = self.dir / f"{self._next:012d}.nq"
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(MAGIC.encode())
            f.write("".join(f"{_GRAPH}{g}>\n" for g in graphs).encode())
            if isinstance(quads, bytes):
                f.write(quads)
            else:
                ox.serialize(quads, f, ox.RdfFormat.N_QUADS)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(self.dir)
        self._next += 1
        return Entry(path, tuple(graphs))

    def pending(self) -> list[Entry]:
        """Committed entries not yet known to be durable in the store, oldest first."""
        return [Entry(p, read_graphs(p)) for p in self._files()]

    def clear(self, entries: Iterable[Entry]) -> None:
        """Forget entries whose effects are durable in the store."""
        for entry in entries:
            entry.path.unlink(missing_ok=True)
        fsync_dir(self.dir)


def read_graphs(path: Path) -> tuple[str, ...]:
    """The graph IRIs named in an entry's header."""
    graphs = []
    with open(path, encoding="utf-8") as f:
        if f.readline() != MAGIC:
            raise ValueError(f"{path} is not an ldpub journal entry")
        for line in f:
            if not line.startswith(_GRAPH):
                break
            graphs.append(line[len(_GRAPH):].rstrip().removesuffix(">"))
    return tuple(graphs)
