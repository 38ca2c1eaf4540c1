"""SPARQL endpoint benchmark: ldpub's /sparql against Oxigraph's own server.

One run builds (or reuses) an embedded store of N generated records
(bench/generate.py, mapped by ld.mapping, no SHACL: this measures serving),
then serves the SAME published snapshot twice, read-only:

* ``oxigraph serve-read-only --union-default-graph`` (the bare server), and
* ``ldpub serve`` (gunicorn, or Granian with ``--server granian``; 1 worker,
  query worker processes) twice: with the default row cap (10,000) and with
  none (``LDPUB_MAX_ROWS=0``),

and runs a fixed query mix against both, one request at a time over a
keep-alive connection: median latency per query and the ratio ours/bare.
Then it streams large SELECTs of growing size from ldpub and samples the
resident memory of the whole ldpub process tree, to show it stays flat.

    .venv/bin/python bench/sparql.py --records 100000 [--server granian]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from multiprocessing import Pool
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
BASE = "http://localhost:5000/"
SRJ = "application/sparql-results+json"
PREFIXES = ("PREFIX dcterms: <http://purl.org/dc/terms/>\n"
            "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n")


def _map_chunk(lines: list[bytes]) -> list[tuple[str, str, object]]:
    from ld.mapping import map_record
    from ld.model import Record
    from ld.readers import read_stream
    from ld.uris import record_graph

    out = []
    for item in read_stream(io.BytesIO(b"".join(lines)), "bench.jsonl", "vufind-json"):
        if isinstance(item, Record):
            out.append((item.id, record_graph(BASE, item.id), map_record(item, BASE)))
    return out


def build(n: int, folder: Path) -> Path:
    """The store of ``n`` records under ``folder`` (reused when already built)."""
    from generate import records

    from ld.config import load_settings
    from ld.store import mapping_version, open_store
    from ld.store.base import RecordGraph

    store_dir = folder / "store"
    if (store_dir / "CURRENT").exists():
        return store_dir
    lines = [json.dumps(r).encode() + b"\n" for r in records(n)]
    chunks = [lines[i:i + 500] for i in range(0, len(lines), 500)]
    settings = load_settings(env={}, store=str(store_dir), base_uri=BASE)
    store_dir.mkdir(parents=True, exist_ok=True)
    mapping_version.note(store_dir, False, BASE)  # as `ldpub load` does: no warning on serve
    started = time.monotonic()
    with Pool(os.cpu_count() or 1) as pool, open_store(settings) as store:
        for done, mapped in enumerate(pool.imap(_map_chunk, chunks), 1):
            store.write_records([RecordGraph(*m) for m in mapped])  # type: ignore[arg-type]
            if done % 20 == 0:
                print(f"  {done * 500} records, {time.monotonic() - started:.0f} s", flush=True)
        store.publish()  # type: ignore[attr-defined]
    return store_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str) -> None:
    for _ in range(300):
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def start_ldpub(store_dir: Path, **settings: str) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {**os.environ, "LDPUB_STORE": str(store_dir), "LDPUB_PORT": str(port),
           "LDPUB_WORKERS": "1", "LDPUB_QUERY_TIMEOUT": "300", "LDPUB_BASE_URI": BASE,
           "LDPUB_LOG_LEVEL": "WARNING", **{f"LDPUB_{k.upper()}": v for k, v in settings.items()}}
    proc = subprocess.Popen([str(ROOT / ".venv/bin/ldpub"), "serve"], env=env,
                            start_new_session=True)
    return f"http://127.0.0.1:{port}/sparql", proc


def start_servers(store_dir: Path, server: str
                  ) -> tuple[dict[str, str], dict[str, subprocess.Popen]]:
    """Oxigraph's server, ldpub as configured by default, and ldpub without row cap."""
    snapshot = store_dir / "snapshots" / (store_dir / "CURRENT").read_text().strip()
    ox_port = free_port()
    procs = {"oxigraph": subprocess.Popen(
        [str(ROOT / ".venv/bin/oxigraph"), "serve-read-only", "--location", str(snapshot),
         "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"], stderr=subprocess.DEVNULL)}
    urls = {"oxigraph": f"http://127.0.0.1:{ox_port}/query"}
    urls["ldpub"], procs["ldpub"] = start_ldpub(store_dir, server=server)
    urls["ldpub-uncapped"], procs["ldpub-uncapped"] = start_ldpub(store_dir, max_rows="0",
                                                                  server=server)
    for url in urls.values():
        wait_for(url)
    for name in ("ldpub", "ldpub-uncapped"):  # its home page listings are primed first
        wait_primed(urls[name].removesuffix("sparql"))
    return urls, procs


def wait_primed(url: str) -> None:
    """Wait until ldpub's worker has primed its home page (bench/serve.py's own test).

    A worker computes the whole-dataset listings once after it starts
    (ld/web/serve.py); a query measured meanwhile shares the CPU with that.
    """
    from serve import wait_primed as primed

    primed(url)


def stop(procs: dict[str, subprocess.Popen]) -> None:
    for name, proc in procs.items():
        if name == "oxigraph":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()


def pick(url: str, query: str) -> str:
    r = requests.post(url, data={"query": query}, headers={"Accept": SRJ}, timeout=300)
    return str(next(iter(r.json()["results"]["bindings"][0].values()))["value"])


CHEAP = ("lookup by IRI", "ASK {} (fixed cost, not in the mix)")


def query_mix(url: str) -> dict[str, str]:
    """The fixed mix; the record and the author are picked from the data itself."""
    record = pick(url, PREFIXES + "SELECT ?r { ?d foaf:primaryTopic ?r } LIMIT 1 OFFSET 1")
    author = pick(url, PREFIXES + "SELECT ?p (COUNT(*) AS ?n) { ?r dcterms:creator ?p } "
                  "GROUP BY ?p ORDER BY DESC(?n) LIMIT 1")  # the busiest author
    return {
        "lookup by IRI": f"SELECT ?p ?o WHERE {{ <{record}> ?p ?o }}",
        "GROUP BY year": PREFIXES + "SELECT ?y (COUNT(*) AS ?n) WHERE { ?r dcterms:issued ?d "
                         "BIND(SUBSTR(STR(?d), 1, 4) AS ?y) } GROUP BY ?y ORDER BY ?y",
        "co-authors": PREFIXES + f"SELECT ?c (COUNT(*) AS ?n) WHERE {{ ?r dcterms:creator "
                      f"<{author}>, ?c FILTER(?c != <{author}>) }} GROUP BY ?c ORDER BY DESC(?n)",
        "title filter LIMIT 20": PREFIXES + "SELECT ?r ?t WHERE { ?r dcterms:title ?t "
                                 'FILTER(CONTAINS(LCASE(?t), "cohort")) } LIMIT 20',
        "large SELECT, 10,000 rows (at the default cap)":
            PREFIXES + "SELECT ?r ?t WHERE { ?r dcterms:title ?t } LIMIT 10000",
        "large SELECT, all titles (uncapped server)":
            PREFIXES + "SELECT ?r ?t WHERE { ?r dcterms:title ?t }",
        "ASK {} (fixed cost, not in the mix)": "ASK {}",
    }


def timed(session: requests.Session, url: str, query: str) -> tuple[float, int]:
    started = time.perf_counter()
    r = session.post(url, data={"query": query}, headers={"Accept": SRJ}, timeout=600)
    size = len(r.content)
    elapsed = time.perf_counter() - started
    r.raise_for_status()
    return elapsed, size


def compare(all_urls: dict[str, str], queries: dict[str, str], repeat: int) -> list[dict]:
    """Median latency per query, ldpub vs oxigraph, requests interleaved."""
    rows = []
    sessions = {name: requests.Session() for name in all_urls}
    for label, query in queries.items():
        ours = "ldpub-uncapped" if "uncapped" in label else "ldpub"
        urls = {"oxigraph": all_urls["oxigraph"], "ldpub": all_urls[ours]}
        n = max(5, repeat // 3) if label.startswith("large") else repeat
        if label in CHEAP:  # ~1 ms each: a median of 20 moves with every hiccup
            n = repeat * 10
        times: dict[str, list[float]] = {name: [] for name in urls}
        sizes = {}
        for name, url in urls.items():  # warm up both
            timed(sessions[name], url, query)
        for _ in range(n):  # interleaved, so drift hits both alike
            for name, url in urls.items():
                elapsed, sizes[name] = timed(sessions[name], url, query)
                times[name].append(elapsed)
        med = {name: statistics.median(t) for name, t in times.items()}
        rows.append({"query": label, "server": ours, "runs": n, "bytes": sizes["ldpub"],
                     "oxigraph_ms": med["oxigraph"] * 1000, "ldpub_ms": med["ldpub"] * 1000,
                     "ratio": med["ldpub"] / med["oxigraph"]})
        print(f"  {label}: {rows[-1]}", flush=True)
    return rows


def hop(store_dir: Path, queries: dict[str, str], repeat: int) -> list[dict]:
    """The process hop alone: the same query in-process vs through a QueryPool worker."""
    import pyoxigraph as ox

    from ld.sparql_pool import QueryPool

    snapshot = str(store_dir / "snapshots" / (store_dir / "CURRENT").read_text().strip())
    store, pool, rows = ox.Store.read_only(snapshot), QueryPool(1, prewarm=0), []
    for label, query in queries.items():
        if "uncapped" in label:
            continue
        job = {"query": query, "store": snapshot, "results_format": "JSON",
               "rdf_format": "TURTLE", "union": True, "max_rows": 10_000, "timeout": 300}
        direct, hopped = [], []
        for i in range(repeat + 1):
            started = time.perf_counter()
            store.query(query, use_default_graph_as_union=True).serialize(
                format=ox.QueryResultsFormat.JSON)
            middle = time.perf_counter()
            _, chunks = pool.execute(job, 300)
            b"".join(chunks)
            if i:  # the first round warms both up
                direct.append(middle - started)
                hopped.append(time.perf_counter() - middle)
        rows.append({"query": label, "in_process_ms": statistics.median(direct) * 1000,
                     "worker_ms": statistics.median(hopped) * 1000})
        print(f"  hop: {rows[-1]}", flush=True)
    pool.close()
    return rows


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(stat[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def _sample(pid: int, peak: list[int], stop: threading.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], tree_rss(pid))
        time.sleep(0.02)


def memory(url: str, pid: int, sizes: list[int]) -> Iterator[dict]:
    """Peak RSS of the ldpub process tree while streaming SELECTs of growing size."""
    for limit in sizes:
        query = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {limit}"
        before, peak, stop = tree_rss(pid), [0], threading.Event()
        sampler = threading.Thread(target=_sample, args=(pid, peak, stop))
        sampler.start()
        size = 0
        with requests.post(url, data={"query": query}, headers={"Accept": SRJ},
                           stream=True, timeout=600) as r:
            for chunk in r.iter_content(1 << 16):
                size += len(chunk)
        stop.set()
        sampler.join()
        yield {"rows": limit, "bytes": size, "rss_before_mb": before / 2**20,
               "rss_peak_mb": peak[0] / 2**20}


def markdown(result: dict) -> str:
    """The tables for docs/benchmarks.md."""
    lines = ["| query | ldpub server | runs | response bytes | Oxigraph server ms | ldpub ms "
             "| ratio |", "|---|---|---|---|---|---|---|"]
    for r in result["queries"]:
        lines.append(f"| {r['query']} | {r['server']} | {r['runs']} | {r['bytes']:,} | "
                     f"{r['oxigraph_ms']:.1f} | {r['ldpub_ms']:.1f} | {r['ratio']:.2f} |")
    lines += ["", "| query | in-process pyoxigraph ms | through a worker process ms |",
              "|---|---|---|"]
    for r in result["hop"]:
        lines.append(f"| {r['query']} | {r['in_process_ms']:.2f} | {r['worker_ms']:.2f} |")
    lines += ["", "| SELECT rows (uncapped server) | response MB | ldpub RSS before MB "
              "| ldpub RSS peak MB |", "|---|---|---|---|"]
    for m in result["memory"]:
        lines.append(f"| {m['rows']:,} | {m['bytes'] / 2**20:.1f} | {m['rss_before_mb']:.0f} "
                     f"| {m['rss_peak_mb']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn",
                        help="ldpub's HTTP server (LDPUB_SERVER)")
    args = parser.parse_args()
    folder = args.out or ROOT / "bench" / "out" / f"sparql-{args.records}"
    print(f"store of {args.records} records in {folder}; ldpub serves with {args.server}",
          flush=True)
    store_dir = build(args.records, folder)
    urls, procs = start_servers(store_dir, args.server)
    try:
        queries = query_mix(urls["oxigraph"])
        rows = compare(urls, queries, args.repeat)
        hops = hop(store_dir, queries, args.repeat)
        mem = list(memory(urls["ldpub-uncapped"], procs["ldpub-uncapped"].pid,
                          [10_000, 100_000, 1_000_000, 4_000_000]))
        for m in mem:
            print(f"  memory: {m}", flush=True)
    finally:
        stop(procs)
    result = {"records": args.records, "server": args.server, "load": os.getloadavg(),
              "queries": rows, "hop": hops, "memory": mem}
    (folder / "result.json").write_text(json.dumps(result, indent=1))
    print(markdown(result))
    print(f"load average at the end: {result['load']}")


if __name__ == "__main__":
    main()
