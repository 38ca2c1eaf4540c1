"""What the embedded store owes ``ldpub render``'s files: no stale row after a write.

The writer (:class:`ld.store.embedded.EmbeddedStore`) forgets the
pre-rendered representations (:mod:`ld.renders`) of every record it writes
or deletes, and all of them on a SPARQL Update, before the store changes:
a row's version is the record's ``dcterms:modified``, which two loads
within one second share and an update may not touch. Apart from the store
because it is a second database with its own failure (a read-only or
damaged ``renders.sqlite``) and its own lifetime (opened at the first write
after an ``ldpub render``, not with the store).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ld import renders
from ld.errors import StoreError


class StaleRenders:
    """The writable ``renders.sqlite`` of one store, opened when first needed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._renders: renders.Renders | None = None

    def forget(self, graphs: Iterable[str] | None) -> None:
        """Drop the rendered representations of records about to change (all: None).

        Before the store changes, so a crash in between costs a re-render,
        never a stale page (:mod:`ld.renders`). Nothing to do until the first
        ``ldpub render``.
        """
        path = renders.path_of(self.root)
        if not path.exists():
            return
        try:
            if self._renders is None:
                self._renders = renders.Renders(path, writable=True)
            if graphs is None:
                self._renders.clear()
            else:
                self._renders.forget(graphs)
        except sqlite3.Error as exc:  # nothing written yet: refuse rather than go stale
            raise StoreError(f"cannot update the pre-rendered records in {path}: {exc}",
                             hint="make it writable, or delete it (records are then rendered "
                                  "on request until `ldpub render` runs again)") from exc

    def close(self) -> None:
        if self._renders is not None:
            self._renders.close()
