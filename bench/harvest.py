"""Harvest benchmark: the OAI-PMH reader alone, and a harvest end to end.

    python bench/harvest.py N [--page P] [--latency S] [--jobs J] [--skip-harvest]

1. builds ListRecords responses of N records shaped like the real ones in
   ../shared/data/oai-pmh (the 16 DSpace oai_dc records, the 100 Alma MARCXML
   records and the 100 DOAJ articles, cycled with fresh identifiers);
2. times :func:`ld.readers.oai.read` alone on one big response per format
   (records/s, no mapping);
3. serves the oai_dc records as pages of P from a static page server on
   127.0.0.1 (pre-rendered pages, so the server costs nothing: pyoai's own
   server rebuilds the whole list for every page) and times
   :func:`ld.harvest.harvest` into a fresh embedded store: HTTP, sickle, the
   reader, mapping, SHACL and the store, as ``ldpub harvest`` does;
   ``--latency S`` makes the server wait S seconds before each page, as a
   remote repository does (its database, the network);
4. loads the same records from one saved response file with
   :func:`ld.ingest.ingest_paths` (``ldpub load``) for comparison.

Prints a Markdown table for docs/benchmarks.md ("Harvest").
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from ld.config import load_settings
from ld.harvest import harvest
from ld.ingest import ingest_paths
from ld.readers import oai
from ld.store import open_store

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "oai-pmh"
SOURCES = {
    "oai_dc": DATA / "pyoai" / "fake1" / "00005.xml",
    "marc21": DATA / "vufindharvest" / "marc.xml",
    "oai_doaj": DATA / "vufindharvest" / "oai_doaj.xml",
}
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/'
        'OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<responseDate>2026-01-01T00:00:00Z</responseDate>'
        '<request verb="ListRecords">http://127.0.0.1/oai</request><ListRecords>')
_RECORD = re.compile(r"<record>.*?</metadata>\s*</record>", re.S)
_ID = re.compile(r"<identifier>([^<]*)</identifier>")


def records(prefix: str, n: int) -> list[str]:
    """N <record> elements cycled from the real file, each with its own identifier."""
    text = SOURCES[prefix].read_text(encoding="utf-8")
    real = _RECORD.findall(text)
    if prefix == "oai_dc":  # DSpace's records declare their namespaces on each dc element
        real = [r for r in real if "oai_dc:dc" in r]
    out = []
    for i in range(n):
        record = real[i % len(real)]
        out.append(_ID.sub(lambda m, i=i: f"<identifier>{m.group(1)}-{i}</identifier>",
                           record, count=1))
    return out


def page(body: list[str], token: str | None) -> bytes:
    tail = f"<resumptionToken>{token}</resumptionToken>" if token else "<resumptionToken/>"
    doaj = ' xmlns:oai_doaj="http://doaj.org/features/oai_doaj/1.0/"'
    head = HEAD.replace("<ListRecords>", f"<ListRecords{doaj}>")
    return (head + "".join(body) + tail + "</ListRecords></OAI-PMH>").encode("utf-8")


def time_reader(prefix: str, n: int, workdir: Path) -> tuple[int, float, float]:
    """Records read, wall seconds, CPU seconds (the CPU time stays honest on a busy machine)."""
    path = workdir / f"{prefix}.xml"
    path.write_bytes(page(records(prefix, n), None))
    start, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as stream:
        count = sum(1 for item in oai.read(stream, str(path)) if not isinstance(item, Exception))
    return count, time.perf_counter() - start, time.process_time() - cpu


class Pages(BaseHTTPRequestHandler):
    pages: ClassVar[list[bytes]] = []
    latency: ClassVar[float] = 0.0

    def do_GET(self) -> None:
        time.sleep(self.latency)
        query = parse_qs(urlsplit(self.path).query)
        number = int(query.get("resumptionToken", ["0"])[0])
        body = self.pages[number]
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def time_harvest(n: int, size: int, jobs: int | None, workdir: Path,
                 latency: float = 0.0) -> tuple[object, float]:
    body = records("oai_dc", n)
    Pages.latency = latency
    chunks = [body[i:i + size] for i in range(0, n, size)]
    Pages.pages = [page(c, str(k + 1) if k + 1 < len(chunks) else None)
                   for k, c in enumerate(chunks)]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = load_settings(env={}, store=str(workdir / "store"))
    try:
        with open_store(settings) as store:
            start = time.perf_counter()
            result = harvest(f"http://127.0.0.1:{server.server_address[1]}/oai",
                             settings=settings, store=store, jobs=jobs, timeout=60)
            return result, time.perf_counter() - start
    finally:
        server.shutdown()


def time_load(n: int, jobs: int | None, workdir: Path) -> tuple[object, float]:
    """The same records as one saved response through ``ldpub load``'s path, for comparison."""
    path = workdir / "load.xml"
    path.write_bytes(page(records("oai_dc", n), None))
    settings = load_settings(env={}, store=str(workdir / "load-store"))
    with open_store(settings) as store:
        start = time.perf_counter()
        summary = ingest_paths([str(path)], settings=settings, store=store, jobs=jobs)
        return summary, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds the page server waits before each page")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip-harvest", action="store_true")
    args = parser.parse_args()
    print("| what | records | seconds | records/s | CPU seconds | records per CPU second |\n"
          "|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for prefix in SOURCES:
            count, seconds, cpu = time_reader(prefix, args.n, Path(tmp))
            print(f"| reader alone, {prefix} | {count:,} | {seconds:.2f} | "
                  f"{count / seconds:,.0f} | {cpu:.2f} | {count / cpu:,.0f} |")
        if not args.skip_harvest:
            result, seconds = time_harvest(args.n, args.page, args.jobs, Path(tmp), args.latency)
            s = result.summary  # type: ignore[attr-defined]
            wait = f", {args.latency:g} s a page" if args.latency else ""
            print(f"| harvest end to end, oai_dc, {result.pages} pages of {args.page}{wait} "  # type: ignore[attr-defined]
                  f"(loaded {s.loaded:,}, rejected {s.rejected:,}) | {s.read:,} | "
                  f"{seconds:.2f} | {s.read / seconds:,.0f} | | |")
            summary, seconds = time_load(args.n, args.jobs, Path(tmp))
            print(f"| load of the same records from one file (loaded {summary.loaded:,}) | "  # type: ignore[attr-defined]
                  f"{summary.read:,} | {seconds:.2f} | {summary.read / seconds:,.0f} | | |")  # type: ignore[attr-defined]
    sys.stdout.flush()


if __name__ == "__main__":
    main()
