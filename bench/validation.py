"""Validation throughput: the compiled engine vs pySHACL (one record per run, batches).

Records come from bench/generate.py (shaped like the real PubMed articles
and MARC books, about 45 triples each), read with the vufind-json reader and
mapped once; only validation is timed. Each mode validates every record
against every shape. Reported: records/s by CPU time of this process (what
one core does, unaffected by other processes on a busy machine) and by wall
time, best of ``--repeat`` runs.

Modes:
  naive         pyshacl.validate() per record, shapes re-read each call (the baseline)
  single        ld.validation.Validator(engine="pyshacl"), one record per pySHACL run
  batch-N       ld.validation.Validator(engine="pyshacl") with batches of N records
  fast-N        ld.validation.Validator(engine="fast") (the default) given batches of
                N records (it checks each record on its own; N only sizes the calls)

Usage: python bench/validation.py [N] [--batches 100,500] [--fast-batches 1,100,500]
       [--repeat 3] [--shapes DIR] [--input FILE] (real records instead of generated ones)
       [--only-fast]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyshacl
from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

import ld.validation
from ld.mapping import map_record
from ld.model import Record
from ld.readers import read_path, read_stream

BASE = "http://localhost:5000/"


def mapped(n: int, source: str | None = None) -> list[tuple[str, Graph]]:
    """``n`` mapped records: generated ones, or the first ``n`` of a real file."""
    if source:
        items = read_path(source)
    else:
        lines = "".join(json.dumps(d) + "\n" for d in generate.records(n, seed=7, bad_every=50))
        items = read_stream(io.BytesIO(lines.encode()), "generated.jsonl", format="vufind-json")
    records = (r for r in items if isinstance(r, Record))
    return [(r.id, map_record(r, BASE)) for r, _ in zip(records, range(n), strict=False)]


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best (cpu seconds, wall seconds) of ``repeat`` runs."""
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        run()
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall


def naive(graphs: list[tuple[str, Graph]], shapes_ttl: str) -> None:
    for _, graph in graphs:
        pyshacl.validate(graph, shacl_graph=shapes_ttl, shacl_graph_format="turtle",
                         inference="none", allow_warnings=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--batches", default="100,500")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-n", type=int, default=200, help="records for the naive mode")
    parser.add_argument("--input", help="read records from this file instead of generating")
    parser.add_argument("--shapes", type=Path, help="another shapes directory, to compare")
    parser.add_argument("--fast-batches", default="1,100,500")
    parser.add_argument("--only-fast", action="store_true", help="skip the pySHACL modes")
    args = parser.parse_args(argv)
    graphs = mapped(args.n, args.input)
    triples = sum(len(g) for _, g in graphs) / len(graphs)
    print(f"{len(graphs)} records, {triples:.1f} triples each; best of {args.repeat}")
    rows = [] if args.only_fast else pyshacl_rows(args, graphs)
    fast = ld.validation.Validator(args.shapes, engine="fast")
    for size in map(int, args.fast_batches.split(",")):
        rows.append((f"fast-{size}", graphs, lambda gs, size=size: in_batches(fast, gs, size)))
    print(f"{'mode':<12}{'records':>8}{'rec/s cpu':>12}{'rec/s wall':>12}")
    for name, subset, run in rows:
        cpu, wall = timed(lambda run=run, subset=subset: run(subset), args.repeat)
        print(f"{name:<12}{len(subset):>8}{len(subset) / cpu:>12.0f}{len(subset) / wall:>12.0f}")


def pyshacl_rows(args: argparse.Namespace, graphs: list[tuple[str, Graph]]) -> list:
    shapes_ttl = ld.validation.load_shapes(args.shapes).serialize(format="turtle")
    rows = [("naive", graphs[:args.naive_n], lambda gs: naive(gs, shapes_ttl))]
    single = ld.validation.Validator(args.shapes, batch_size=1, engine="pyshacl")
    rows.append(("single", graphs, single.validate))
    for size in map(int, args.batches.split(",")):
        batched = ld.validation.Validator(args.shapes, batch_size=size, engine="pyshacl")
        rows.append((f"batch-{size}", graphs, batched.validate))
    return rows


def in_batches(validator: ld.validation.Validator, graphs: list[tuple[str, Graph]],
               size: int) -> None:
    for start in range(0, len(graphs), size):
        validator.validate(graphs[start:start + size])


if __name__ == "__main__":
    main()
