"""Applying one batch of record graphs to a pyoxigraph store.

Kept apart from :mod:`ld.store.embedded`, which owns what makes a write
safe (the lock, the journal, replay, snapshots): this is only how the quads
get in, which is where the speed is (docs/benchmarks.md, "Store"), and it
needs nothing but the pyoxigraph store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from ld.store.convert import named

MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")


def stored_versions(store: ox.Store, iris: Iterable[str]) -> dict[str, set[ox.Quad]]:
    """The stored quads of each of these records that the store holds."""
    stored = {}
    for iri in iris:
        g = named(iri)
        if store.contains_named_graph(g):
            stored[iri] = set(store.quads_for_pattern(None, None, None, g))
    return stored


def unchanged(old: set[ox.Quad], new: Sequence[ox.Quad]) -> bool:
    """Whether a re-loaded record says what its stored copy says, its document's
    dcterms:modified aside, whatever its blank nodes are called.

    Such a record is left as it is, so its document keeps its date: the
    ETag, Last-Modified and the sitemap's lastmod of a record a nightly full
    load or harvest did not change stay what they were, and caches and
    crawlers are not told that every record changed (explore11 client 1).
    Blank node labels cannot be compared (a list cell gets a new one each
    time), so each blank node is named by what it says (:func:`_canonical`).
    """
    return len(old) == len(set(new)) and _canonical(old) == _canonical(new)


def same_as_stored(store: ox.Store, graph: str, nquads: bytes) -> bool:
    """Whether a record's N-Quads (a worker's, :mod:`ld.nquads`) say what its stored graph
    says, compared as N-Triples lines: true only when they do (False may be a
    spelling apart, such as an escaped tab: then :func:`unchanged` decides).

    Compared as bytes because the quads path makes every quad a Python object on
    both sides (a re-load of 20,000 unchanged records took as long as their first
    load, explore12 marc): a re-load of 5,000 unchanged records takes 15-20% less
    CPU this way. What is left is mostly the store's own reading of each graph
    (~0.3 ms: its strings are looked up one by one). Lines with a blank node are
    compared by :func:`_canonical`, the others as they are written.
    """
    end = f" <{graph}> .".encode()
    lines = nquads.splitlines()
    if not all(line.endswith(end) for line in lines):
        return False
    ours = {line[:-len(end)] + b" ." for line in lines}
    theirs = set(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=named(graph)).splitlines())
    if len(ours) != len(theirs):
        return False
    modified = f"<{graph}> <{MODIFIED.value}> ".encode()
    ours, theirs = _without(ours, modified), _without(theirs, modified)
    plain = {line for line in ours if b"_:" not in line}
    if plain != {line for line in theirs if b"_:" not in line}:
        return False
    return _canonical(_parsed(ours - plain)) == _canonical(_parsed(theirs - plain))


def _without(lines: set[bytes], start: bytes) -> set[bytes]:
    return {line for line in lines if not line.startswith(start)}


def _parsed(lines: set[bytes]) -> list[ox.Triple]:
    return list(ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES))


def _canonical(quads: Iterable[ox.Quad] | Iterable[ox.Triple]) -> set[tuple[str, str, str]]:
    """The triples, the document's dcterms:modified left out, blank nodes named by
    their statements (recursively: our blank nodes are list cells, trees)."""
    said: dict[ox.BlankNode, list[ox.Quad]] = {}
    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode):
            said.setdefault(quad.subject, []).append(quad)
    names: dict[ox.BlankNode, str] = {}

    def name(term: object) -> str:
        if not isinstance(term, ox.BlankNode):
            return str(term)
        if term not in names:
            names[term] = "_:cycle"  # met again while being named: a cycle
            parts = sorted((str(q.predicate), name(q.object)) for q in said.get(term, []))
            names[term] = "_:" + hashlib.sha1(repr(parts).encode()).hexdigest()
        return names[term]

    return {(name(q.subject), str(q.predicate), name(q.object)) for q in quads
            if not (q.predicate == MODIFIED and q.subject == getattr(q, "graph_name", None))}


def apply_batch(store: ox.Store, quads: dict[str, list[ox.Quad]],
                stored: dict[str, set[ox.Quad]]) -> None:
    """Write the batch: new records by bulk write, replaced ones (``stored``: their
    quads as stored) by their diff; flush.

    A replaced record only loses the quads it no longer has and gains the
    ones it did not have (a transaction of a few quads per record): a
    re-loaded record rarely changes much, and pyoxigraph removes and
    re-writes quads far slower than it compares them.
    """
    fresh, added = [], []
    for iri, new in quads.items():
        old = stored.get(iri)
        if old is None:
            fresh.extend(new)
            continue
        wanted = set(new)
        for stale in old - wanted:
            store.remove(stale)
        added.extend(wanted - old)
    if added:
        store.extend(added)
    if fresh:
        store.bulk_extend(fresh)
    store.flush()
