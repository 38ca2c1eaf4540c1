"""Does the size of each bulk load matter? pyoxigraph bulk_load of one N-Quads dump in chunks.

Reads an N-Quads dump whose quads are grouped by graph (``Store.dump`` writes
them so), cuts it every K graphs (= records) and bulk-loads the chunks one
after the other into a fresh store, like ``ldpub load`` does batch by batch;
prints wall and CPU time (all threads, RocksDB's included) per record.

    .venv/bin/python bench/bulk_chunks.py DUMP.nq K [LIMIT]
"""

from __future__ import annotations

import resource
import shutil
import sys
import time

import pyoxigraph as ox


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    dump, k = sys.argv[1], int(sys.argv[2])
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 10**9
    path = f"/tmp/bulk-chunks-{k}"
    shutil.rmtree(path, ignore_errors=True)
    store = ox.Store(path)
    buf: list[bytes] = []
    graphs, last = 0, None
    t0, c0 = time.time(), cpu()
    with open(dump, "rb") as f:
        for line in f:
            graph = line[line.rfind(b"<"):]
            if graph != last:
                graphs, last = graphs + 1, graph
                if graphs > limit:
                    graphs = limit
                    break
                if graphs % k == 1 and buf:
                    store.bulk_load(b"".join(buf), ox.RdfFormat.N_QUADS)
                    store.flush()
                    buf = []
            buf.append(line)
    if buf:
        store.bulk_load(b"".join(buf), ox.RdfFormat.N_QUADS)
        store.flush()
    wall, used = time.time() - t0, cpu() - c0
    print(f"K={k}: {graphs} records, wall {wall:.1f} s, CPU {used:.1f} s, "
          f"CPU ms/record {used / graphs * 1000:.2f}")
    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
