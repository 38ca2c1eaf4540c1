"""The SPARQL Update requests that store a batch of records on a remote server.

Every server but Virtuoso gets the batch as one request: ``DROP SILENT GRAPH``
for each record, then one ``INSERT DATA``. A single update request is atomic
on Oxigraph and Fuseki, so the batch is all-or-nothing there, and repeating it
gives the same graphs (each record's graph is replaced whole), which is what
lets a dropped connection be retried.

Virtuoso 7.2 refuses that request twice over: blank nodes in ``INSERT DATA``
("not allowed in a constant clause": every record with an author list has
them), and an ``INSERT`` of more than about a thousand statements ("the length
of generated SQL text has exceeded 10000 lines of code"); the time it takes to
compile an update also grows faster than the update (measured, 400 records:
4 s as requests of at most 200 statements, 10 s as requests of 1,000, and one
request per record of 50 graphs took 2 s). So Virtuoso gets ``INSERT { ... }
WHERE {}`` (a template may hold blank nodes) in requests of whole records of
at most :data:`STATEMENTS` statements; a larger record gets a request of its
own with several INSERTs, each holding whole runs of statements linked by
blank nodes (a blank node's label means one node within one INSERT only).
There each record is all-or-nothing, and a batch may be stored in part.

The store's side of a write is here too, in :class:`RemoteWrites`, which
:class:`ld.store.remote.RemoteStore` mixes in: the base check before a batch or
a deletion (records minted under another base than the server's are refused),
the replaced graphs counted, a deletion as DROPs of the graphs that exist. Apart
from ``remote.py`` so that everything a write sends is read in one module, and
``remote.py`` stays the store's interface and its reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from ld.store import minted
from ld.store.base import RecordGraph, WriteResult
from ld.store.convert import record_quads
from ld.store.remote_read import Rows

STATEMENTS = 200  # per Virtuoso request (and per INSERT of a larger record)
Quads = Mapping[str, Sequence[ox.Quad]]  # record graph IRI -> its statements


def one_request(quads: Quads) -> str:
    """The whole batch as one request: every graph dropped, then one INSERT DATA."""
    parts = [f"DROP SILENT GRAPH <{g}> ;\n" for g in quads]
    parts.append("INSERT DATA {\n")
    for iri, statements in quads.items():
        parts.append(f"GRAPH <{iri}> {{\n")
        parts.extend(f"{q.subject} {q.predicate} {q.object} .\n" for q in statements)
        parts.append("}\n")
    parts.append("}\n")
    return "".join(parts)


def small_requests(quads: Quads, limit: int = STATEMENTS) -> Iterator[str]:
    """The batch as requests of whole records of at most ``limit`` statements, each
    request's graphs dropped first, inserted with templates (for Virtuoso)."""
    group: list[str] = []
    size = 0
    for iri, statements in quads.items():
        if group and size + len(statements) > limit:
            yield _request(quads, group, limit)
            group, size = [], 0
        group.append(iri)
        size += len(statements)
    if group:
        yield _request(quads, group, limit)


def _request(quads: Quads, graphs: list[str], limit: int) -> str:
    parts = [f"DROP SILENT GRAPH <{g}> ;\n" for g in graphs]
    runs = [run for g in graphs for run in linked_runs(quads[g])]
    insert: list[ox.Quad] = []
    for run in runs:
        if insert and len(insert) + len(run) > limit:
            parts.append(_insert(insert))
            insert = []
        insert.extend(run)
    if insert:
        parts.append(_insert(insert))
    return "".join(parts).removesuffix(" ;\n") + "\n"


def _insert(statements: list[ox.Quad]) -> str:
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in statements:
        by_graph.setdefault(q.graph_name.value, []).append(q)
    body = "".join(f"GRAPH <{g}> {{\n" + "".join(f"{q.subject} {q.predicate} {q.object} .\n"
                                                  for q in qs) + "}\n"
                   for g, qs in by_graph.items())
    return f"INSERT {{\n{body}}} WHERE {{}} ;\n"


def linked_runs(statements: Sequence[ox.Quad]) -> list[list[ox.Quad]]:
    """The statements in groups that share no blank node with another group."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for q in statements:
        blanks = [t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
        for other in blanks[1:]:
            parent[root(other)] = root(blanks[0])
    runs: dict[object, list[ox.Quad]] = {}
    for i, q in enumerate(statements):
        blank = next((t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)),
                     None)
        runs.setdefault(i if blank is None else root(blank), []).append(q)
    return list(runs.values())


class RemoteWrites:
    """``write_records`` and ``delete_records`` of :class:`ld.store.remote.RemoteStore`,
    which mixes this in and gives what it uses: its ``base``, the URL it shows
    (``shown``), the base its records were minted under (``_minted``), :meth:`rows`,
    :meth:`_update` and :attr:`virtuoso`."""

    base: str | None
    shown: str
    _minted: str | None  # the base its records were minted under; "" none; None not known

    def rows(self, query: str, cut_ok: bool = False) -> Rows:
        raise NotImplementedError

    def _update(self, update: str, *, own: bool = True) -> None:
        raise NotImplementedError

    @property
    def virtuoso(self) -> bool:
        raise NotImplementedError

    def write_records(self, batch: Sequence[RecordGraph]) -> WriteResult:
        if not batch:
            return WriteResult()
        by_graph = {r.graph_iri: r for r in batch}
        quads = {iri: record_quads(r) for iri, r in by_graph.items()}
        self._guard_base(by_graph)
        existing = self._existing(by_graph)
        if self.virtuoso:
            for request in small_requests(quads):
                self._update(request)
        else:
            self._update(one_request(quads))
        triples = sum(len(qs) for qs in quads.values())
        return WriteResult(written=len(by_graph), replaced=len(existing), triples=triples)

    def _guard_base(self, graph_iris: Iterable[str]) -> None:
        """Refuse records minted under another base than the server's records were
        (mixed, every URI of one of them answers 404); see :mod:`ld.store.minted`."""
        if self._minted is None:
            self._minted = minted.in_store(self, self.base) or ""
        for iri in graph_iris:
            given = minted.base_of(iri)
            if given and self._minted and given != self._minted:
                raise minted.refusal(self.shown, self._minted, given)
            self._minted = self._minted or given or ""

    def _existing(self, graph_iris: Iterable[str]) -> list[str]:
        values = " ".join(f"<{g}>" for g in graph_iris)
        if not values:
            return []
        _, rows = self.rows(f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} "
                            "FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }")
        return [row[0].value for row in rows]

    def delete_records(self, graph_iris: Iterable[str]) -> int:
        wanted = list(dict.fromkeys(graph_iris))
        self._guard_base(wanted)
        existing = self._existing(wanted)
        if existing:
            self._update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in existing))
        return len(existing)
