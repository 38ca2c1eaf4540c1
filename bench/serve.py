"""Benchmark: dereferencing records over HTTP, ldpub vs Oxigraph's own server.

Loads N generated records (bench/generate.py) with ``ldpub load``, starts
``ldpub serve`` (gunicorn, or Granian with ``--server granian``; one worker
per core), and drives it with wrk from a separate process at concurrency 32
for a bounded time over random record document URIs, once per format
(Turtle, JSON-LD, HTML). Then, in the same run and on the same published
snapshot, it starts ``oxigraph serve-read-only``
and drives ``DESCRIBE <record>`` (Accept: text/turtle) over the same URIs.
Reports requests/s, p50/p99 latency and errors, and ldpub's rate as a ratio
of Oxigraph's.

Usage:
    python bench/serve.py N [--duration 20] [--warmup 5] [--connections 32]
                            [--store DIR] [--reuse] [--base URI] [--mapped] [--hot K]
                            [--json FILE] [--profile hit|miss --format ttl|jsonld|html]
                            [--compact] [--render] [--server gunicorn|granian]

``--reuse`` keeps an already loaded store at --store (``--base`` gives its
base URI when it was loaded elsewhere). Every measured wrk run is preceded
by an unmeasured one of ``--warmup`` seconds over the same URIs (for both
servers). ``--hot K`` draws the URIs from K records only (a popular subset
that fits every worker's cache: the cache-hit path); without it they are
drawn from all N records (mostly cache misses at large N: the cold path).
``--compact`` first publishes a compacted snapshot of the store
(``EmbeddedStore.publish(compact=True)``): reading a record's graph from a
snapshot of a bulk-loaded, uncompacted store costs ~7x more (docs/benchmarks.md).
``--render`` runs ``ldpub render`` first (timed), so every record is served
from what it made (``<store>/renders.sqlite``) instead of its graph.
The report names the snapshot's number of SST files (a compacted 100,000-record
snapshot has ~60, a freshly bulk-loaded one ~150).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
FORMATS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "html": "text/html"}
LUA = r"""
local paths = {}
local accept = "*/*"
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  accept = args[2]
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
function request()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept"] = accept})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\"requests\": %d, \"seconds\": %f, \"p50_ms\": %f, \"p99_ms\": %f, " ..
    "\"max_ms\": %f, \"errors\": {\"connect\": %d, \"read\": %d, \"write\": %d, " ..
    "\"status\": %d, \"timeout\": %d}}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def sh(*args: str, env: dict | None = None) -> None:
    subprocess.run(args, check=True, env=env)


def wait_up(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=30)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def wait_primed(url: str, seconds: float = 600) -> None:
    """Wait until every worker has primed its home page (4 fast answers in a row).

    Each worker computes the whole-dataset listings once after it starts
    (ld/web/serve.py); measuring during that would measure the priming.
    """
    deadline, fast = time.monotonic() + seconds, 0
    while fast < 4 and time.monotonic() < deadline:
        started = time.monotonic()
        requests.get(url, headers={"Connection": "close"}, timeout=seconds)
        fast = fast + 1 if time.monotonic() - started < 1.0 else 0


def wrk(url: str, paths: list[str], accept: str, args: argparse.Namespace,
        work: Path) -> dict:
    listing = work / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = work / "random.lua"
    script.write_text(LUA)
    if args.warmup:
        subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.warmup}s", "-s",
                        str(script), url, "--", str(listing), accept],
                       check=True, capture_output=True)
    out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s",
                          "--latency", "-s", str(script), url, "--", str(listing), accept],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(re.search(r"RESULT (\{.*\})", out).group(1))
    result["rate"] = result["requests"] / result["seconds"]
    result["error_total"] = sum(result["errors"].values())
    return result


def start(cmd: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def load(args: argparse.Namespace, env: dict, work: Path) -> None:
    if args.reuse and Path(args.store, "CURRENT").exists():
        return
    if args.mapped:  # map without SHACL, shared with bench/sparql.py (serving is measured)
        sys.path.insert(0, str(HERE))
        import sparql

        sparql.build(args.n, Path(args.store).parent)
        return
    shutil.rmtree(args.store, ignore_errors=True)
    records = work / "records.jsonl"
    sh(sys.executable, str(HERE / "generate.py"), str(args.n), "-o", str(records), "--seed", "7")
    started = time.monotonic()
    sh(str(BIN / "ldpub"), "load", str(records), env=env)
    print(f"loaded {args.n} records in {time.monotonic() - started:.0f} s", file=sys.stderr)


def compact(env: dict) -> None:
    """Publish a compacted snapshot (merges the files bulk loads leave; costs seconds)."""
    from ld.config import load_settings
    from ld.store import open_store

    started = time.monotonic()
    store = open_store(load_settings(env=env))
    try:
        store.publish(compact=True)  # type: ignore[attr-defined]
    finally:
        store.close()
    print(f"published a compacted snapshot in {time.monotonic() - started:.0f} s",
          file=sys.stderr)


def render(env: dict) -> dict:
    """`ldpub render`: every record's Turtle, JSON-LD and HTML made once (timed)."""
    started = time.monotonic()
    out = subprocess.run([str(BIN / "ldpub"), "render", "--json"], env=env, check=True,
                         capture_output=True, text=True).stdout
    summary = {**json.loads(out), "wall_seconds": round(time.monotonic() - started, 1)}
    print(f"ldpub render: {summary}", file=sys.stderr)
    return summary


def record_ids(env: dict) -> tuple[list[str], str]:
    sys.path.insert(0, str(HERE.parent))
    from ld.config import load_settings
    from ld.store import open_reader

    reader = open_reader(load_settings(env=env))
    rows = reader.select("SELECT ?id WHERE { GRAPH ?g { ?r <http://purl.org/dc/terms/"
                         "identifier> ?id } }")
    snapshot = reader.snapshot_path
    reader.close()
    return [str(r["id"]) for r in rows], snapshot or ""


def run_ldpub(args: argparse.Namespace, env: dict, ids: list[str], work: Path) -> dict:
    url = f"http://127.0.0.1:{args.port}"
    paths = [f"/doc/record/{quote(i, safe='')}" for i in ids]
    server = start([str(BIN / "ldpub"), "serve"], env)
    try:
        wait_up(url + "/context.jsonld")
        wait_primed(url + "/")
        return {key: wrk(url, paths, FORMATS[key], args, work) for key in args.formats.split(",")}
    finally:
        stop(server)


def run_oxigraph(args: argparse.Namespace, snapshot: str, ids: list[str], base: str,
                 work: Path) -> dict:
    port = args.port + 1
    url = f"http://127.0.0.1:{port}"
    server = start([str(BIN / "oxigraph"), "serve-read-only", "--location", snapshot,
                    "--bind", f"127.0.0.1:{port}", "--union-default-graph"], dict(os.environ))
    try:
        wait_up(url + "/query?query=ASK%7B%7D")
        paths = ["/query?query=" + quote(f"DESCRIBE <{base}id/record/{quote(i, safe='')}>",
                                          safe="") for i in ids]
        return wrk(url, paths, "text/turtle", args, work)
    finally:
        stop(server)


def profile(args: argparse.Namespace, env: dict, ids: list[str]) -> None:
    """cProfile of the app itself (Flask test client, no HTTP): where a request's time goes."""
    import cProfile
    import pstats

    from ld import describe
    from ld.config import load_settings
    from ld.web import create_app

    client = create_app(load_settings(env=env)).test_client()
    accept = FORMATS[args.format]

    def run(n: int) -> float:
        started = time.perf_counter()
        for i in range(n):
            if args.profile == "miss":
                describe.CACHE._data.clear()
                describe.CACHE.bytes = 0
            client.get(f"/doc/record/{quote(ids[i % len(ids)], safe='')}",
                       headers={"Accept": accept})
        return (time.perf_counter() - started) / n * 1000

    run(200)
    print(f"{args.profile}, {args.format}: {run(2000):.2f} ms per request (not profiled)")
    profiler = cProfile.Profile()
    profiler.runcall(run, 2000)
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--store", default=str(Path(tempfile.gettempdir()) / "ldpub-bench-serve"))
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--base", help="base URI of the store's records (with --reuse of a "
                        "store loaded elsewhere); default http://127.0.0.1:PORT/")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn",
                        help="ldpub's HTTP server (LDPUB_SERVER)")
    parser.add_argument("--hot", type=int, default=0)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--profile", choices=["hit", "miss"],
                        help="instead of the HTTP benchmark, cProfile 2,000 requests in process")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help="formats to measure over HTTP, comma-separated (default: all)")
    parser.add_argument("--format", choices=sorted(FORMATS), default="ttl",
                        help="format for --profile")
    parser.add_argument("--compact", action="store_true",
                        help="publish a compacted snapshot of the store before measuring")
    parser.add_argument("--render", action="store_true",
                        help="run `ldpub render` before measuring (pre-rendered records)")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key for --profile")
    parser.add_argument("--mapped", action="store_true",
                        help="load with bench/sparql.py's builder (mapping only, no SHACL; "
                        "store bench/out/sparql-N/store, shared with that benchmark)")
    args = parser.parse_args()
    if args.mapped:
        args.store = str(HERE / "out" / f"sparql-{args.n}" / "store")
        args.base, args.reuse = "http://localhost:5000/", True
    base = args.base or f"http://127.0.0.1:{args.port}/"
    env = {**os.environ, "LDPUB_STORE": args.store, "LDPUB_BASE_URI": base,
           "LDPUB_PORT": str(args.port), "LDPUB_LOG_LEVEL": "WARNING",
           "LDPUB_SERVER": args.server}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        load(args, env, work)
        if args.compact:
            compact(env)
        args.rendered = render(env) if args.render else None
        ids, snapshot = record_ids(env)
        args.sst = len(list(Path(snapshot).glob("*.sst"))) if snapshot else 0
        random.Random(1).shuffle(ids)
        if args.hot:
            ids = ids[:args.hot]
        if args.profile:
            profile(args, env, ids)
            return
        before = run_oxigraph(args, snapshot, ids, base, work)
        ours = run_ldpub(args, env, ids, work)
        after = run_oxigraph(args, snapshot, ids, base, work)
    report(args, ours, before, after)


def report(args: argparse.Namespace, ours: dict, before: dict, after: dict) -> None:
    """Our rates as a ratio of Oxigraph's mean rate (measured before and after ours)."""
    ox_rate = (before["rate"] + after["rate"]) / 2
    rows = [("ldpub " + k, v) for k, v in ours.items()]
    rows += [("oxigraph DESCRIBE (before)", before), ("oxigraph DESCRIBE (after)", after)]
    print(f"N={args.n} duration={args.duration}s connections={args.connections} "
          f"cores={os.cpu_count()} hot={args.hot or 'all'} warmup={args.warmup}s "
          f"rendered={'yes' if args.rendered else 'no'} server={args.server} "
          f"load average {os.getloadavg()[0]:.1f} snapshot SST files {args.sst}")
    print(f"{'':27} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs oxigraph':>12}")
    for name, r in rows:
        print(f"{name:27} {r['rate']:8.0f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} "
              f"{r['error_total']:7d} {r['rate'] / ox_rate:12.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"n": args.n, "hot": args.hot, "sst": args.sst,
                                               "render": args.rendered, "server": args.server,
                                               "ldpub": ours,
                                               "oxigraph": [before, after]}, indent=1))


if __name__ == "__main__":
    main()
