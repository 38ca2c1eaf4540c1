"""Store write throughput: journal + bulk path vs transactions vs raw bulk load.

    .venv/bin/python bench/store.py [N] [--batches 100,500,1000]

For each batch size, N synthetic records (~43 quads each, shaped like mapped
catalogue records; see bench/_records.py) are written to a fresh store:

* ``write_records new``: ld.store.embedded.EmbeddedStore.write_records, the
  journal + bulk_extend path, records not in the store yet (first load);
* ``write_records replace``: the same records again with a changed title
  (a re-load: the path that diffs and removes old quads);
* ``transactional extend``: pyoxigraph ``Store.extend`` per batch (atomic,
  no journal, no replacement), what the issue measured at ~800 records/s;
* ``transactional replace``: one SPARQL Update per batch with DROP GRAPH +
  ``Store.extend`` of the new quads, the atomic alternative to the journal;

and once, for reference, pyoxigraph's ``bulk_load`` of all N records'
quads from one N-Quads file (not atomic; the ceiling).

All rates include converting rdflib graphs to pyoxigraph quads, except the
raw bulk load, which reads a file. The machine is shared: run twice, look at
the better figure, and report the commit and the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).parent))
from _records import records

from ld.store.base import RecordGraph
from ld.store.convert import graph_quads
from ld.store.embedded import EmbeddedStore


def timed(n: int, work: Callable[[], None]) -> str:
    """Records/s by the wall clock and by CPU time (all threads of this process).

    The CPU figure is what the work costs; on a busy shared machine the wall
    clock mostly measures the other tenants.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return f"{n / wall:.0f}/{n / cpu:.0f}"


def batches(recs: list[RecordGraph], size: int) -> list[list[RecordGraph]]:
    return [recs[i:i + size] for i in range(0, len(recs), size)]


def quads_of(batch: list[RecordGraph]) -> list[ox.Quad]:
    return [q for r in batch for q in graph_quads(r.graph, r.graph_iri)]


def bench_ours(tmp: Path, first: list[RecordGraph], again: list[RecordGraph],
               size: int) -> tuple[str, str]:
    store = EmbeddedStore(tmp / f"ours-{size}")
    new = timed(len(first), lambda: [store.write_records(b) for b in batches(first, size)])
    rep = timed(len(again), lambda: [store.write_records(b) for b in batches(again, size)])
    store.close()
    return new, rep


def bench_transactional(tmp: Path, first: list[RecordGraph], again: list[RecordGraph],
                        size: int) -> tuple[str, str]:
    store = ox.Store(str(tmp / f"tx-{size}"))

    def replace(batch: list[RecordGraph]) -> None:
        store.update(";".join(f"DROP SILENT GRAPH <{r.graph_iri}>" for r in batch))
        store.extend(quads_of(batch))

    new = timed(len(first), lambda: [store.extend(quads_of(b)) for b in batches(first, size)])
    rep = timed(len(again), lambda: [replace(b) for b in batches(again, size)])
    store.flush()
    return new, rep


def bench_bulk_load(tmp: Path, recs: list[RecordGraph]) -> str:
    path = tmp / "all.nq"
    ox.serialize(quads_of(recs), str(path), ox.RdfFormat.N_QUADS)
    store = ox.Store(str(tmp / "bulk"))

    def load() -> None:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        store.flush()

    return timed(len(recs), load)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--batches", default="100,500,1000")
    args = parser.parse_args()
    first, again = records(args.n), records(args.n, version=1)
    quads = sum(len(r.graph) for r in first) / len(first)
    print(f"N={args.n} records, {quads:.1f} quads/record, load average "
          f"{os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    print("records/s as wall/cpu")
    print(f"{'batch':>6} {'ours new':>12} {'ours repl':>12} {'tx new':>12} {'tx repl':>12}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for size in (int(s) for s in args.batches.split(",")):
            ours = bench_ours(tmp, first, again, size)
            tx = bench_transactional(tmp, first, again, size)
            print(f"{size:>6} {ours[0]:>12} {ours[1]:>12} {tx[0]:>12} {tx[1]:>12}")
        print(f"raw bulk_load of one N-Quads file: {bench_bulk_load(tmp, first)} records/s")


if __name__ == "__main__":
    main()
