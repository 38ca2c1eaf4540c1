"""Search: the full-text index of a snapshot against the SPARQL scan it replaces.

Builds the index of the store's current snapshot (ld.search_index.build, timed),
then runs a few searches through ld.browse both ways: the index, and the
CONTAINS scan that answers until the index exists (and on remote stores).

    .venv/bin/python bench/search.py STORE [--base http://localhost:5000/]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ld import browse, search_index
from ld.store.reader import SnapshotReader

QUERIES = ["cohort", "novak jurgen", "library trial healthcare", "zzzz"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--base", default="http://localhost:5000/")
    args = parser.parse_args()
    reader = SnapshotReader(args.store)
    path, store = reader.opened()
    if path is None:
        raise SystemExit(f"no published snapshot in {args.store}")
    index = search_index.index_path(Path(args.store), Path(path).name)
    started = time.perf_counter()
    count = search_index.build(store, args.base, index)
    print(f"index: {count:,} records in {time.perf_counter() - started:.1f} s, "
          f"{index.stat().st_size / 2**20:.0f} MB")
    print("| search | index hits | index ms | scan hits | scan ms |\n|---|---:|---:|---:|---:|")
    for text in QUERIES:
        t0 = time.perf_counter()
        hits = browse.search(reader, args.base, text)
        t1 = time.perf_counter()
        scanned = browse._scan(reader, args.base, text, 50)
        t2 = time.perf_counter()
        print(f"| {text} | {len(hits)} | {(t1 - t0) * 1000:.1f} | {len(scanned)} | "
              f"{(t2 - t1) * 1000:.0f} |")


if __name__ == "__main__":
    main()
