"""Benchmark: the ways of reading one record's named graph from a snapshot.

A cache miss of a record document reads the record's graph from the
read-only snapshot. This times that read, per record, for random records,
in the ways pyoxigraph offers (pattern, dump, CONSTRUCT) and against the
DESCRIBE Oxigraph's server answers, so the cost of the store and the cost of
the layout on disk can be told apart: run it on a snapshot before and after
``EmbeddedStore.publish(compact=True)`` (docs/benchmarks.md, "Serving").

Usage:
    python bench/snapshot_read.py SNAPSHOT_DIR [--records 1000]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox


def readers(store: ox.Store) -> dict[str, Callable[[str], int]]:
    """name -> function(graph IRI) returning how many things it read."""
    def thing(g: str) -> str:
        return g.replace("/doc/", "/id/", 1)

    return {
        "quads_for_pattern(graph)": lambda g: sum(
            1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(g))),
        "dump(N-Triples, from_graph)": lambda g: len(
            store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))),
        "CONSTRUCT GRAPH <g>": lambda g: sum(1 for _ in store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")),
        "DESCRIBE <thing> (union)": lambda g: sum(1 for _ in store.query(
            f"DESCRIBE <{thing(g)}>", use_default_graph_as_union=True)),
        "contains_named_graph": lambda g: int(store.contains_named_graph(ox.NamedNode(g))),
    }


def timed(read: Callable[[str], int], graphs: list[str]) -> tuple[float, float]:
    """(wall ms, CPU ms) per read."""
    wall, cpu = time.perf_counter(), time.process_time()
    for g in graphs:
        read(g)
    n = len(graphs)
    return ((time.perf_counter() - wall) / n * 1e3, (time.process_time() - cpu) / n * 1e3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    store = ox.Store.read_only(str(args.snapshot))
    print(f"Store.read_only: {(time.perf_counter() - started) * 1e3:.1f} ms; "
          f"SST files: {len(list(args.snapshot.glob('*.sst')))}")
    started = time.perf_counter()
    graphs = [g.value for g in store.named_graphs()]
    print(f"listing {len(graphs)} named graphs: {time.perf_counter() - started:.2f} s")
    sample = random.Random(3).sample(graphs, min(args.records, len(graphs)))
    for name, read in readers(store).items():
        first, again = timed(read, sample), timed(read, sample)
        print(f"{name:30} wall/CPU ms per read: first {first[0]:.3f}/{first[1]:.3f}, "
              f"again {again[0]:.3f}/{again[1]:.3f}")


if __name__ == "__main__":
    main()
