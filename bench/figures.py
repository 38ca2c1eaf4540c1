"""Benchmark: the whole-dataset figures (home page, /dataset) at a server's start.

The figures (counts per class, recent records, VoID statistics) scan the
store. They are computed once per snapshot and filed beside it
(``<store>/search/<snapshot>.figures/``, :mod:`ld.versioned`). This measures
what a visitor and the machine pay for them. It serves a copy of a loaded
store (``renders.sqlite`` is left out) with ``ldpub serve --workers W``,
twice:

1. a first start with no figures filed;
2. a restart on the same snapshot.

Each time it takes the time of the first home page once the server answers,
two more home pages and two ``/dataset``, then the CPU seconds of the whole
serving tree (master and workers) 15 s later.

Usage:
    python bench/figures.py STORE [--workers 2] [--server gunicorn|granian] [--base URI]

STORE is a loaded embedded store, for example ``bench/out/sparql-100000/store``
(base URI ``http://localhost:5000/``). It is copied first; the copy is removed
at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import BIN, start, stop, wait_up  # the sibling benchmark's helpers

SETTLE = 15.0  # seconds after the requests before the CPU is read (background refreshes)


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants."""
    pids, ticks, i = [pid], 0, 0
    while i < len(pids):
        try:
            children = Path(f"/proc/{pids[i]}/task/{pids[i]}/children").read_text().split()
        except OSError:
            children = []
        pids += [int(c) for c in children]
        i += 1
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def timed(url: str, **headers: str) -> float:
    started = time.perf_counter()
    requests.get(url, headers=headers, timeout=600).raise_for_status()
    return time.perf_counter() - started


def one_start(store: Path, args: argparse.Namespace, port: int) -> dict[str, float | list[float]]:
    env = {**os.environ, "LDPUB_STORE": str(store), "LDPUB_PORT": str(port),
           "LDPUB_WORKERS": str(args.workers), "LDPUB_SERVER": args.server,
           "LDPUB_BASE_URI": args.base}
    proc = start([str(BIN / "ldpub"), "serve"], env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_up(url + "/sparql?query=ASK%7B%7D")
        home = [timed(url + "/") for _ in range(3)]
        dataset = [timed(url + "/dataset", Accept="text/turtle") for _ in range(2)]
        time.sleep(SETTLE)
        return {"home": home, "dataset": dataset, "cpu": tree_cpu(proc.pid)}
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", default="gunicorn")
    parser.add_argument("--base", default="http://localhost:5000/")
    parser.add_argument("--port", type=int, default=5077)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ldpub-figures-") as tmp:
        copy = Path(tmp) / "store"
        shutil.copytree(args.store, copy, ignore=shutil.ignore_patterns("renders.sqlite*"))
        for filed in (copy / "search").glob("*.figures"):
            shutil.rmtree(filed)
        print(f"| {args.server}, {args.workers} workers | first home page s | next two s | "
              f"/dataset s | CPU of the serving tree s |\n|---|---:|---:|---:|---:|")
        for label in ("first start", "restart, same snapshot"):
            r = one_start(copy, args, args.port)
            home, dataset = r["home"], r["dataset"]
            print(f"| {label} | {home[0]:.3f} | {home[1]:.3f}, {home[2]:.3f} | "  # type: ignore[index]
                  f"{dataset[0]:.3f}, {dataset[1]:.3f} | {r['cpu']:.1f} |")  # type: ignore[index]


if __name__ == "__main__":
    main()
