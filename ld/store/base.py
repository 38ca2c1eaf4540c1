"""The store interface: the only thing above ld/store/ knows about storage.

Two implementations: :mod:`ld.store.embedded` (pyoxigraph on disk, the
default) and :mod:`ld.store.remote` (any SPARQL 1.1 server through Query,
Update and the Graph Store Protocol). :func:`ld.store.open_store` picks one
from the ``store`` setting.

Data model: one record, one named graph, whose IRI is the record's document
URI (``{base}doc/record/{id}``). Queries see the union of all named graphs
as their default graph unless the caller names graphs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node


@dataclass
class RecordGraph:
    """A mapped, validated record ready to be stored.

    Either ``graph`` (rdflib) or ``nquads`` (the record's triples as N-Quads
    lines in the named graph ``graph_iri``, as the load pipeline's workers
    write them: cheaper to pass between processes and to store than a graph).
    When both are given, ``nquads`` is what is stored. ``nquads`` must come
    from :func:`ld.nquads.serialize`, which checks every IRI and language
    tag: the embedded store bulk-loads new records' bytes without checking
    them again.
    """

    record_id: str
    graph_iri: str
    graph: Graph | None = None
    nquads: bytes | None = None


@dataclass
class WriteResult:
    written: int = 0  # records now stored from this batch
    replaced: int = 0  # of which replaced an earlier, different version
    unchanged: int = 0  # of which said what their stored version says: kept as they were
    triples: int = 0


@dataclass
class QueryResponse:
    """A SPARQL result already serialised, streamed as chunks of bytes.

    ``kind`` is "bindings" (SELECT), "boolean" (ASK) or "graph"
    (CONSTRUCT/DESCRIBE); ``media_type`` is what the chunks are.
    ``truncated`` is True when ``max_rows`` cut a SELECT short.
    """

    kind: str
    media_type: str
    chunks: Iterator[bytes]
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class Store(ABC):
    """Records as named graphs. Every write is all-or-nothing per call."""

    #: Directory of the current snapshot another process may open with
    #: ``pyoxigraph.Store.read_only`` (embedded readers); None otherwise.
    snapshot_path: str | None = None
    #: Changes whenever the data changes: use it in cache keys and ETags.
    version: str = ""

    @property
    def published(self) -> datetime | None:
        """When the data served was published (the embedded store's current snapshot),
        the Last-Modified of what is drawn from many records; None where no such time
        is known (a remote SPARQL server, the embedded primary): no date then, rather
        than a made-up one."""
        return None

    def pin(self) -> Store:
        """A view that keeps reading the data as it is now (for one request).

        An embedded reader may switch to a newer snapshot between two calls;
        a view that reads a record and then its ``version`` for the ETag
        should use one pinned view so both come from the same snapshot.
        Implementations without snapshots return themselves.
        """
        return self

    def publish(self, *, compact: bool = False) -> str:
        """Make what was written visible to readers (embedded: a new snapshot).

        ``compact`` (embedded) first merges the store's files so reads from
        the snapshot are several times cheaper; the end of a load uses it.
        Returns the new snapshot's name, or the version where there is
        nothing to publish (remote servers, readers).
        """
        return self.version

    def derived_path(self, name: str) -> Path | None:
        """Where to keep state derived from the records (e.g. :mod:`ld.identity_filter`),
        or None where there is no such place (remote servers, readers).

        The store deletes it before any write of records or update, so whoever
        keeps state there reads it before writing and saves it after: a file
        found there is never behind the records.
        """
        return None

    @abstractmethod
    def write_records(self, batch: Sequence[RecordGraph]) -> WriteResult:
        """Store (or replace) every record of ``batch`` as one atomic unit.

        After a crash at any point the store holds either the old or the new
        version of each record of the batch, never part of one.
        """

    @abstractmethod
    def delete_records(self, graph_iris: Iterable[str]) -> int:
        """Remove these records' graphs; returns how many existed."""

    @abstractmethod
    def has_graph(self, graph_iri: str) -> bool: ...

    @abstractmethod
    def graph(self, graph_iri: str) -> Graph | None:
        """The record's graph as rdflib, or None. For tests and small reads."""

    @abstractmethod
    def serialize_graph(self, graph_iri: str, media_type: str) -> bytes | None:
        """The graph serialised by the store itself (fast path for the web)."""

    def triples(self, graph_iri: str) -> list | None:
        """The graph's statements as pyoxigraph terms (``subject``/``predicate``/``object``),
        or None when there is no such graph. What the web's JSON-LD, HTML and
        citations read; stores that can hand out their own objects override it."""
        body = self.serialize_graph(graph_iri, "application/n-triples")
        return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)) if body else None

    def value(self, graph_iri: str, subject: str, predicate: str) -> str | None:
        """One object of ``subject predicate ?o`` in the graph, as text, or None.

        Lets a document read one fact (its ``dcterms:modified``) without
        reading its whole graph; stores with an index lookup override this.
        """
        rows = self.select(f"SELECT ?o WHERE {{ GRAPH <{graph_iri}> {{ <{subject}> "
                           f"<{predicate}> ?o }} }} LIMIT 1")
        return str(rows[0]["o"]) if rows else None

    def rendered(self, graph_iri: str, fmt_key: str, flavour: str) -> tuple[bytes, str] | None:
        """A finished representation made by ``ldpub render`` for the record as it is
        now, with its ``dcterms:modified``; None when there is none (the caller
        renders it). Only the embedded store keeps them (:mod:`ld.renders`)."""
        return None

    @abstractmethod
    def select(self, query: str) -> list[dict[str, Node]]:
        """Run a SELECT over the union graph; rows map variable names to rdflib terms."""

    @abstractmethod
    def ask(self, query: str) -> bool: ...

    @abstractmethod
    def construct(self, query: str) -> Graph: ...

    @abstractmethod
    def query(
        self,
        query: str,
        media_type: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        max_rows: int | None = None,
    ) -> QueryResponse:
        """Run any SPARQL query and return it serialised as ``media_type``.

        Raises :class:`ld.errors.BadRequest` on a syntax error (message with
        the position), :class:`ld.errors.StoreError` when the store fails.
        """

    @abstractmethod
    def update(self, update: str) -> None:
        """Run SPARQL Update (only reachable with an explicit token)."""

    @abstractmethod
    def dump(self, out: BinaryIO, media_type: str, *, scratch: Path | None = None) -> None:
        """Stream every quad (N-Quads, TriG) or triple (others, each once) to ``out``;
        ``scratch``: a directory for temporary files (None: the system's)."""

    @abstractmethod
    def count_triples(self) -> int: ...

    @abstractmethod
    def record_count(self) -> int: ...

    def close(self) -> None:  # noqa: B027 - optional for implementations
        """Release files, locks and connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
