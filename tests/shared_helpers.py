"""Helpers several test modules use (plain functions, not fixtures)."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import socket
import threading
from datetime import datetime
from functools import cache
from pathlib import Path
from types import ModuleType

from rdflib import Graph

DATA = Path(__file__).parent / "data"
PUBMED_SEED_ARTICLE = DATA / "pubmed_seed_article.xml"  # the seed article as PubMed XML


def sources_table(folder: Path) -> dict[str, int]:
    """file -> record count, from the table in a shared data folder's SOURCES.md."""
    path = folder / "SOURCES.md"
    if not path.exists():
        return {}
    rows = re.findall(r"^\| ([^|]+?) \| (\d+) \|", path.read_text(encoding="utf-8"), re.M)
    return {name: int(count) for name, count in rows}


@cache
def bench_generate() -> ModuleType:
    """bench/generate.py (not a package), the generator the benchmarks use."""
    path = Path(__file__).resolve().parent.parent / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("ldpub_bench_generate", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated_graphs(n: int, *, seed: int, bad_every: int, base: str,
                     modified: datetime) -> list[tuple[str, Graph]]:
    """``n`` generated records (one in ``bad_every`` with a planted fault), mapped."""
    from ld.mapping import map_record
    from ld.model import Record
    from ld.readers import read_stream

    docs = bench_generate().records(n, seed=seed, bad_every=bad_every)
    lines = "".join(json.dumps(d) + "\n" for d in docs)
    items = read_stream(io.BytesIO(lines.encode()), "gen.jsonl", format="vufind-json")
    return [(r.id, map_record(r, base, modified=modified)) for r in items
            if isinstance(r, Record)]


class Listener:
    """A TCP socket on 127.0.0.1 that counts the connections made to it.

    Proves that something reached nobody: an XML entity (XXE), a SPARQL
    SERVICE or LOAD must make no connection.
    """

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()
