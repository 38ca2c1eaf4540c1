"""Benchmark: peak memory and time of the whole-dataset dumps, per format.

Each dump runs in a child process of its own, reading the store's published
snapshot as ``ldpub dump`` (during a load) and a serving worker do
(``SnapshotReader``), and the child's peak resident memory (``ru_maxrss``,
from ``os.wait4``) and wall time are reported. Formats: the command's ``nt``,
``ttl`` and ``nq`` (``Store.dump``, the call ``ldpub dump --format F`` makes),
and the server's ``dataset.nt.gz`` and ``dataset.jsonld`` (``dumps.make``,
what the first request for ``/dumps/F`` runs). A one-graph dump's size in
lines (its distinct triples, for ``nt``) is reported too, to compare two
versions of the code.

``--code DIR`` measures the ``ld`` package in DIR instead of this checkout,
e.g. the code before a change: ``git archive HEAD ld | tar -x -C /tmp/old``.

Usage:
    python bench/dump_memory.py --records N [--out bench/out/dumps-N]  # loaded once, kept
    python bench/dump_memory.py --store STORE  # an existing store: only its snapshot is read
        [--code DIR] [--formats nt,ttl,nq,dataset.nt.gz,dataset.jsonld] [--json FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
FORMATS = ("nt", "ttl", "nq", "dataset.nt.gz", "dataset.jsonld")
MEDIA = {"nt": "application/n-triples", "ttl": "text/turtle", "nq": "application/n-quads"}

# the child: one dump of the snapshot of argv[2] into the folder argv[3]
CHILD = """
import sys
from pathlib import Path
import ld
from ld import dumps
from ld.config import load_settings
from ld.store.reader import SnapshotReader
fmt, root, folder, media = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4]
store = SnapshotReader(root)
if media:
    with open(folder / "out", "wb") as out:
        store.dump(out, media)
else:
    settings = load_settings(env={"LDPUB_STORE": root, "LDPUB_DUMP_DIR": str(folder)})
    Path(dumps.make(settings, store, fmt)).rename(folder / "out")
print(ld.__file__, file=sys.stderr)
"""


def measure(fmt: str, store: Path, code: Path | None) -> dict:
    """One dump in a child: peak RSS (MB), wall seconds, output bytes and lines."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    with tempfile.TemporaryDirectory(prefix="dump-bench-") as folder:
        started = time.monotonic()
        child = subprocess.Popen([sys.executable, "-c", CHILD, fmt, str(store.resolve()), folder,
                                  MEDIA.get(fmt, "")], env=env, stderr=subprocess.PIPE,
                                 cwd=folder)  # not this checkout's ld, first on sys.path
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
        where = child.stderr.read().decode().strip() if child.stderr else ""
        if status != 0:
            raise SystemExit(f"{fmt}: the dump failed ({status}): {where}")
        out = Path(folder, "out")
        return {"format": fmt, "peak_mb": round(usage.ru_maxrss / 1024), "seconds": round(wall, 1),
                "bytes": out.stat().st_size, "lines": _lines(out, fmt), "code": where}


def _lines(path: Path, fmt: str) -> int:
    """Lines of the dump (uncompressed): N-Triples' statements, JSON-LD's node objects."""
    with (gzip.open(path) if fmt.endswith(".gz") else path.open("rb")) as file:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))


def generated_store(records: int, out: Path) -> Path:
    """A store of ``records`` generated records (bench/generate.py), loaded once and reused."""
    store = out / "store"
    if (store / "CURRENT").exists():
        return store
    shutil.rmtree(store, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    jsonl = out / "records.jsonl"
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(records), "-o", str(jsonl),
                    "--seed", "7"], check=True)
    env = dict(os.environ, LDPUB_STORE=str(store))
    subprocess.run([str(BIN / "ldpub"), "load", str(jsonl), "--no-render"], check=True, env=env)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--records", type=int, help="generate and load this many records")
    source.add_argument("--store", type=Path, help="an existing store (only its snapshot is read)")
    parser.add_argument("--out", type=Path, help="where --records keeps its store")
    parser.add_argument("--code", type=Path, help="a folder holding the ld package to measure")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--json", type=Path, help="append the results here (JSON lines)")
    args = parser.parse_args()
    store = args.store or generated_store(args.records,
                                          args.out or HERE / "out" / f"dumps-{args.records}")
    print("| format | peak RSS | time | lines |\n|---|---:|---:|---:|")
    for fmt in args.formats.split(","):
        result = measure(fmt, store, args.code) | {"store": str(store)}
        print(f"| {fmt} | {result['peak_mb']} MB | {result['seconds']} s | {result['lines']:,} |",
              flush=True)
        if args.json:
            with args.json.open("a") as file:
                file.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
