"""Ingest benchmark: read + map + validate + store, end to end, against bulk_load.

    python bench/ingest.py N [--jobs J] [--batch-size B] [--stages M] [--workdir DIR]

1. generates N varied VuFind records (bench/generate.py) into a JSON Lines
   file (not timed);
2. loads them with ``ld.ingest.ingest_paths`` into a fresh embedded store,
   exactly what ``ldpub load`` does, and reports records/s, the main
   process's resident memory sampled during the load (to show it stays flat
   in N) and the peak resident memory of the main process and of the largest
   worker (getrusage RUSAGE_SELF / RUSAGE_CHILDREN);
3. dumps the same quads to N-Quads and times pyoxigraph's own
   ``Store.bulk_load`` of that file into another fresh store;
4. with ``--stages M``: times each stage alone (CPU), in one process, on the
   first M records (read, map to triples, validate, serialise to N-Quads,
   store write of the bytes) to show where the time goes.

Prints a Markdown table (and JSON with --json) for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

from ld.config import load_settings
from ld.ingest import Summary, ingest_paths, read_paths


def rss_mb() -> float:
    """Current resident set size of this process (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def descendants() -> dict[int, tuple[float, float]]:
    """pid -> (peak RSS MB, CPU seconds) of this process's descendants (pool workers).

    The workers are children of the forkserver, not of this process, so
    getrusage(RUSAGE_CHILDREN) does not see them; /proc does.
    """
    stats: dict[int, list[str]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            stats[int(stat.parent.name)] = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            continue
    mine = {os.getpid()}
    for _ in range(4):  # main -> forkserver -> workers
        mine |= {pid for pid, f in stats.items() if int(f[1]) in mine}
    found: dict[int, tuple[float, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in mine - {os.getpid()}:
        try:
            hwm = next(int(line.split()[1]) for line in
                       Path(f"/proc/{pid}/status").read_text().splitlines()
                       if line.startswith("VmHWM:"))
        except (OSError, StopIteration):
            continue
        found[pid] = (hwm / 1024, (int(stats[pid][11]) + int(stats[pid][12])) / tick)
    return found


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def write_corpus(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for doc in generate.records(n, seed=7):
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")


def run_load(corpus: Path, store_dir: Path, jobs: int | None, batch: int) -> dict[str, Any]:
    from ld.store import open_store

    settings = load_settings(env={}, store=str(store_dir), batch_size=batch)
    samples: list[tuple[int, float]] = []
    workers: dict[int, tuple[float, float]] = {}
    measuring = [0.0]  # CPU this process spent measuring (reading /proc), not loading

    def progress(summary: Summary) -> None:
        started = time.thread_time()
        workers.update(descendants())  # last seen peak RSS and CPU of every worker
        if not samples or summary.loaded - samples[-1][0] >= max(1000, summary.loaded // 20):
            samples.append((summary.loaded, round(rss_mb(), 1)))
            print(f"  loaded {summary.loaded:,} ({summary.rate:,.0f}/s), main RSS "
                  f"{samples[-1][1]} MB, worker peak "
                  f"{max((w[0] for w in workers.values()), default=0):.0f} MB",
                  file=sys.stderr, flush=True)
        measuring[0] += time.thread_time() - started

    cpu_before = cpu_self()

    with open_store(settings) as store:
        summary = ingest_paths([str(corpus)], settings=settings, store=store, jobs=jobs,
                               progress=progress)
        counting = time.thread_time()
        quads = store.count_triples()
        measuring[0] += time.thread_time() - counting
    # The load's CPU as earlier sessions measured it: the whole process until the store is
    # closed (its final flush is part of every load), RocksDB's threads included. Left out:
    # the bench's own work, in the threads that did it (thread_time), so nothing else is
    # taken away: the /proc reads in progress() and counting the quads (pyoxigraph counts
    # in the calling thread), neither of which `ldpub load` does. Earlier sessions' main
    # figures included both, so they are slightly higher for the same work.
    main_cpu = cpu_self() - cpu_before - measuring[0]
    worker_cpu = sum(w[1] for w in workers.values())
    return {"summary": summary.to_dict(), "rss_samples": samples, "quads": quads,
            "cpu_ms_per_record": {"main": round(1000 * main_cpu / max(summary.read, 1), 3),
                                  "workers": round(1000 * worker_cpu / max(summary.read, 1), 3)},
            "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                      / 1024, 1),
            "peak_rss_worker_mb": round(max((w[0] for w in workers.values()), default=0), 1)}


def run_bulk(store_dir: Path, work: Path) -> dict[str, Any]:
    """Time pyoxigraph's bulk_load of exactly the quads the load stored."""
    import pyoxigraph as ox

    from ld.store import open_store

    dump = work / "dump.nq"
    with open_store(load_settings(env={}, store=str(store_dir))) as store, dump.open("wb") as f:
        store.dump(f, "application/n-quads")
    target = ox.Store(str(work / "bulk"))
    started, cpu = time.perf_counter(), time.process_time()
    target.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    target.flush()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"bulk_load_seconds": round(seconds, 3), "bulk_load_cpu_seconds": round(cpu, 3),
            "bulk_quads": len(target)}


def run_stages(corpus: Path, work: Path, m: int, batch: int) -> dict[str, float]:
    """Milliseconds per record (CPU) for each stage on its own, one process.

    The stages a load's records go through: read (main), map, validate and
    serialise to N-Quads (workers), store write of the bytes (main).
    """
    from datetime import UTC, datetime
    from itertools import islice

    from ld.mapping import map_triples
    from ld.nquads import serialize
    from ld.store import open_store
    from ld.store.base import RecordGraph
    from ld.uris import record_graph
    from ld.validation import Validator

    base, now = "http://localhost:5000/", datetime.now(UTC)
    validator = Validator()
    times = [time.process_time()]
    recs = list(islice(read_paths([str(corpus)]), m))
    times.append(time.process_time())
    mapped = [(r.id, map_triples(r, base, modified=now)) for r in recs]
    times.append(time.process_time())
    validator.validate(mapped)
    times.append(time.process_time())
    data = [RecordGraph(rid, record_graph(base, rid),
                        nquads=serialize(triples, record_graph(base, rid)))
            for rid, triples in mapped]
    times.append(time.process_time())
    with open_store(load_settings(env={}, store=str(work / "stages"))) as store:
        for i in range(0, len(data), batch):
            store.write_records(data[i:i + batch])
    times.append(time.process_time())
    per = 1000 / len(recs)
    names = ("read_ms", "map_ms", "validate_ms", "serialize_ms", "store_write_ms")
    return {"records": len(recs), **{name: round((b - a) * per, 3)
                                     for name, a, b in zip(names, times, times[1:], strict=False)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--stages", type=int, default=0)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        write_corpus(corpus, args.n)
        result: dict[str, Any] = {"n": args.n, "jobs": args.jobs or os.cpu_count(),
                                  "batch_size": args.batch_size,
                                  "corpus_mb": round(corpus.stat().st_size / 2**20, 1)}
        result.update(run_load(corpus, work / "store", args.jobs, args.batch_size))
        result.update(run_bulk(work / "store", work))
        if args.stages:
            result["stages"] = run_stages(corpus, work, args.stages, args.batch_size)
    report(result, args.json)


def report(r: dict[str, Any], as_json: bool) -> None:
    s = r["summary"]
    bulk_rate = r["quads"] / r["bulk_load_seconds"] if r["bulk_load_seconds"] else 0
    quads_per_record = r["quads"] / max(s["loaded"], 1)
    print(f"| N | jobs | records/s | seconds | loaded | rejected | quads/record | "
          f"peak RSS main / worker (MB) | bulk_load s | bulk_load records/s | ratio |\n"
          f"|---|---|---|---|---|---|---|---|---|---|---|\n"
          f"| {r['n']:,} | {r['jobs']} | {s['records_per_second']:,.0f} | {s['seconds']:,.1f} "
          f"| {s['loaded']:,} | {s['rejected']:,} | {quads_per_record:.1f} "
          f"| {r['peak_rss_main_mb']:,.0f} / {r['peak_rss_worker_mb']:,.0f} "
          f"| {r['bulk_load_seconds']:,.2f} | {bulk_rate / quads_per_record:,.0f} "
          f"| {s['seconds'] / r['bulk_load_seconds']:.1f}x |")
    print("main RSS during the load (records loaded, MB):", r["rss_samples"])
    print("CPU ms per record (main process, all workers):", r["cpu_ms_per_record"],
          "; bulk_load CPU ms per record:",
          round(1000 * r["bulk_load_cpu_seconds"] / max(s["loaded"], 1), 3))
    stages = s["stages"]
    print("where the time went, ms per record:",
          {k: round(1000 * v / max(s["read"], 1), 3) for k, v in stages.items()})
    if "stages" in r:
        print("stages, ms per record, one process:", r["stages"])
    if as_json:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
