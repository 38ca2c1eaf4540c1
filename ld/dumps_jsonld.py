"""``/dumps/dataset.jsonld``: the one-graph dump as compact JSON-LD, in bounded memory.

The store's N-Triples dump (each triple once, a subject's triples together:
:mod:`ld.store.dump_dedup`) is parsed as it is read, and each run of
triples about one subject becomes one node object (:func:`ld.jsonld.nodes`),
so memory stays flat however large the dataset.

Lists are written as ``{"@list": [...]}`` as in the documents (an author
list as ``"authorList": {"@list": [...]}``), not as chains of
``rdf:first``/``rdf:rest`` nodes a consumer must walk by hand. A list's
cells are blank nodes of their own, scattered through the dump (subjects
are bucketed by hash), so they are found in two passes over the N-Triples
file: the first notes every cell and how often each blank node is used in
a SQLite table on disk beside the dump (:class:`DiskCells`), the second
writes the nodes, reading a list's cells from that table; cells no list
took (a malformed or shared chain) are written last, as node objects.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from ld import jsonld
from ld.labels import expand
from ld.store.base import Store
from ld.store.dump_dedup import TEMPORARY_PREFIX

RUN = 10_000  # triples of one subject per node object at most (bounded memory)
BATCH = 10_000  # rows written to the cell table at once
_FIRST, _REST = (ox.NamedNode(expand(jsonld.FIRST)), ox.NamedNode(expand(jsonld.REST)))


def write(store: Store, context_url: str, out: BinaryIO, scratch: Path) -> None:
    """The JSON-LD dump of ``store`` into ``out``; temporary files in ``scratch``."""
    with tempfile.TemporaryFile(dir=scratch) as nt, DiskCells(scratch) as cells:
        store.dump(nt, "application/n-triples", scratch=scratch)
        nt.seek(0)
        cells.note(_runs(nt))
        nt.seek(0)
        out.write(b'{"@context": ' + json.dumps(context_url).encode() + b',\n "@graph": [')
        first = True
        for node in _nodes(_runs(nt), cells):
            out.write(b"\n  " if first else b",\n  ")
            out.write(json.dumps(node, ensure_ascii=False).encode("utf-8"))
            first = False
        out.write(b"\n]}\n")


def _nodes(runs: Iterator[list[ox.Triple]], cells: DiskCells) -> Iterator[dict[str, Any]]:
    """The second pass: a node object per subject (a list's cells inside its ``@list``),
    then the cells no list took."""
    for run in runs:
        if not _is_cell(run):
            yield from jsonld.nodes(run, cells)
    yield from cells.left()


def _runs(nt: BinaryIO) -> Iterator[list[ox.Triple]]:
    """Consecutive triples with the same subject (bounded memory)."""
    run: list[ox.Triple] = []
    for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES):
        if run and (t.subject != run[0].subject or len(run) >= RUN):
            yield run
            run = []
        run.append(t)
    if run:
        yield run


def _is_cell(run: list[ox.Triple]) -> bool:
    """A list cell's whole run: a blank node's one ``rdf:first`` and one ``rdf:rest``."""
    return (len(run) == 2 and isinstance(run[0].subject, ox.BlankNode)
            and {run[0].predicate, run[1].predicate} == {_FIRST, _REST})


class DiskCells:
    """Every list cell of the dump and the uses of every blank node, in SQLite on disk
    (:class:`ld.jsonld.Cells`): a catalogue's author lists do not fit in memory."""

    def __init__(self, scratch: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX, dir=scratch))
        self._db = sqlite3.connect(self.folder / "cells.sqlite")
        self._used: list[tuple[str]] = []
        for pragma in ("journal_mode=OFF", "synchronous=OFF"):  # a scratch file
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE cell (id TEXT PRIMARY KEY, first TEXT, rest TEXT, "
                         "used INTEGER DEFAULT 0)")
        self._db.execute("CREATE TABLE uses (id TEXT PRIMARY KEY, n INTEGER)")

    def __enter__(self) -> DiskCells:
        return self

    def __exit__(self, *exc: object) -> None:
        self._db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def note(self, runs: Iterator[list[ox.Triple]]) -> None:
        """The first pass: every cell's values, every blank node object's uses."""
        cells: list[tuple[str, str, str]] = []
        uses: list[tuple[str]] = []
        for run in runs:
            uses.extend((f"_:{t.object.value}",) for t in run
                        if isinstance(t.object, ox.BlankNode))
            if _is_cell(run):
                node_id, first, rest = jsonld.cell(run)
                cells.append((node_id, json.dumps(first), json.dumps(rest)))
            if len(cells) + len(uses) >= BATCH:
                self._flush(cells, uses)
        self._flush(cells, uses)

    def _flush(self, cells: list[tuple[str, str, str]], uses: list[tuple[str]]) -> None:
        self._db.executemany("INSERT INTO cell (id, first, rest) VALUES (?, ?, ?)", cells)
        self._db.executemany("INSERT INTO uses VALUES (?, 1) "
                             "ON CONFLICT(id) DO UPDATE SET n = n + 1", uses)
        cells.clear()
        uses.clear()

    def cell(self, node_id: str) -> tuple[Any, Any] | None:
        found = self._db.execute(
            "SELECT first, rest FROM cell JOIN uses USING (id) WHERE id = ? AND n = 1",
            (node_id,)).fetchone()
        return None if found is None else (json.loads(found[0]), json.loads(found[1]))

    def consumed(self, chain: list[str]) -> None:
        """Noted in batches (one statement per list cost a tenth of the dump's time)."""
        self._used.extend((c,) for c in chain)
        if len(self._used) >= BATCH:
            self._note_used()

    def _note_used(self) -> None:
        self._db.executemany("UPDATE cell SET used = 1 WHERE id = ?", self._used)
        self._used.clear()

    def left(self) -> Iterator[dict[str, Any]]:
        """The cells no list took, as the node objects :func:`ld.jsonld.nodes` makes."""
        self._note_used()
        rows = self._db.execute("SELECT id, first, rest FROM cell WHERE used = 0 ORDER BY rowid")
        for node_id, first, rest in rows:
            yield {"@id": node_id, jsonld.FIRST: json.loads(first),
                   jsonld.REST: json.loads(rest)}
