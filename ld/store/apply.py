"""Applying one batch of record graphs to a pyoxigraph store.

Kept apart from :mod:`ld.store.embedded`, which owns what makes a write
safe (the lock, the journal, replay, snapshots): this is only how the quads
get in, which is where the speed is (docs/benchmarks.md, "Store"), and it
needs nothing but the pyoxigraph store.
"""

from __future__ import annotations

import pyoxigraph as ox

from ld.store.convert import named


def apply_batch(store: ox.Store, quads: dict[str, list[ox.Quad]]) -> int:
    """Write the batch: new records by bulk write, replaced ones by their diff; flush.

    Returns how many records were replaced. A replaced record only loses the
    quads it no longer has and gains the ones it did not have (a transaction
    of a few quads per record): a re-loaded record rarely changes much, and
    pyoxigraph removes and re-writes quads far slower than it compares them.
    """
    replaced, fresh, added = 0, [], []
    for iri, new in quads.items():
        g = named(iri)
        if not store.contains_named_graph(g):
            fresh.extend(new)
            continue
        replaced += 1
        old, wanted = set(store.quads_for_pattern(None, None, None, g)), set(new)
        for stale in old - wanted:
            store.remove(stale)
        added.extend(wanted - old)
    if added:
        store.extend(added)
    if fresh:
        store.bulk_extend(fresh)
    store.flush()
    return replaced
