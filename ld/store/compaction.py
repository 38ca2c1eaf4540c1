"""When ``publish(compact=True)`` really compacts: after enough changes, not every time.

pyoxigraph's ``optimize`` (a RocksDB compaction of every index) makes reads
from a snapshot about 35% cheaper after bulk loads, but its cost follows the
size of the whole store, not of the change: 5 s at 100,000 records for a
load of one record, about a minute at a million (docs/benchmarks.md,
"Store"). So the store counts the records written or deleted since its last
compaction, in ``<store>/COMPACTION`` (JSON), and the end of a command
compacts only when that count reaches :data:`FRACTION` of the records the
store held at that compaction. A SPARQL Update counts as a change of every
record (its extent is not known). A store without the file (new, or made by
an older ldpub) compacts at its first change.

The count is saved at every publish and when the store closes; a crash in
between loses the count of that command's changes, which can only delay a
compaction, never corrupt anything.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FILE = "COMPACTION"
FRACTION = 0.1
EVERYTHING = 1 << 62  # the change count of an update whose extent is unknown


class CompactionLog:
    """Records changed since the last compaction, and how many there were then."""

    def __init__(self, root: Path) -> None:
        self.path = root / FILE
        self.pending = 0  # changes of this process not yet saved

    def note(self, records: int) -> None:
        self.pending = min(self.pending + records, EVERYTHING)

    def due(self) -> bool:
        """Have the changes since the last compaction reached FRACTION of the records?"""
        records, changed = self._read()
        changed += self.pending
        return changed > 0 and changed >= FRACTION * records

    def compacted(self, records: int) -> None:
        """The store was just compacted and holds ``records`` records."""
        self.pending = 0
        self._write(records, 0)

    def save(self) -> None:
        """Keep this process's changes for the next command's decision."""
        if self.pending:
            records, changed = self._read()
            self._write(records, min(changed + self.pending, EVERYTHING))
            self.pending = 0

    def _read(self) -> tuple[int, int]:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            return int(state["records"]), int(state["changed"])
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return 0, 0  # never compacted (or unreadable): the next change compacts

    def _write(self, records: int, changed: int) -> None:
        tmp = self.path.with_name(f".{FILE}.tmp")
        tmp.write_text(json.dumps({"records": records, "changed": changed}), encoding="utf-8")
        os.replace(tmp, self.path)
