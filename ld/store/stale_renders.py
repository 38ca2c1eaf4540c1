"""What the embedded store owes ``ldpub render``'s files: no stale row after a write.

The writer (:class:`ld.store.embedded.EmbeddedStore`) forgets the
pre-rendered representations (:mod:`ld.renders`) of every record it writes
or deletes, and all of them on a SPARQL Update, before the store changes:
a row's version is the record's ``dcterms:modified``, which two loads
within one second share and an update may not touch. Apart from the store
because it is a second database with its own failure (a read-only or
damaged ``renders.sqlite``) and its own lifetime (opened at the first write
after an ``ldpub render``, not with the store).

A record's page also shows what *other* records' graphs say: a record it
links (owl:sameAs, dcterms:isPartOf, any property) without naming it is
shown by that record's stored title (:func:`ld.facts_links.stored_titles`).
Such a row is keyed by its own record's version only, so the rows of the
records that link a written or deleted record are forgotten too
(:func:`dependents`). The other direction needs nothing: a record's page
shows no facts of the records that link *it* (no inverse links).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from ld import renders
from ld.errors import StoreError

RECORD_DOC, RECORD_THING = "/doc/record/", "/id/record/"  # ld.uris: {base}doc|id/record/{key}


class StaleRenders:
    """The writable ``renders.sqlite`` of one store, opened when first needed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._renders: renders.Renders | None = None

    def forget(self, graphs: Iterable[str] | None, store: ox.Store) -> None:
        """Drop the rendered representations of records about to change (all: None) and
        of the records whose pages show something of theirs (:func:`dependents`, read
        from ``store`` as it is before the change).

        Before the store changes, so a crash in between costs a re-render,
        never a stale page (:mod:`ld.renders`). Nothing to do, not even the
        look-ups of dependents (a bulk load's hot path), until the first
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
                graphs = list(graphs)
                self._renders.forget(dict.fromkeys([*graphs, *dependents(store, graphs)]))
        except sqlite3.Error as exc:  # nothing written yet: refuse rather than go stale
            raise StoreError(f"cannot update the pre-rendered records in {path}: {exc}",
                             hint="make it writable, or delete it (records are then rendered "
                                  "on request until `ldpub render` runs again)") from exc

    def close(self) -> None:
        if self._renders is not None:
            self._renders.close()


def dependents(store: ox.Store, graphs: Iterable[str]) -> set[str]:
    """The graphs that name the thing of any of these record graphs: the records whose
    pages may show its title. One index look-up (object first) per record, no scan;
    any statement naming it counts, which may forget a row more than needed (it is
    made again), never fewer."""
    found: set[str] = set()
    for graph in graphs:
        head, sep, key = graph.rpartition(RECORD_DOC)
        if not sep:
            continue
        thing = ox.NamedNode(f"{head}{RECORD_THING}{key}")
        for quad in store.quads_for_pattern(None, None, thing, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                found.add(quad.graph_name.value)
    return found
