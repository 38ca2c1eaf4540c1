"""Why a request costs more in a server than in a loop: the same WSGI call with idle gaps.

Calls ldpub's WSGI app in-process (no HTTP) with one SPARQL lookup by IRI,
400 times back to back and then with 0.5 ms and 1 ms sleeps between calls,
in the main thread and in another thread, and prints the median per call.
A sequential client leaves the CPU idle between requests; this shows what
that alone does to Python's per-request cost (docs/benchmarks.md, "SPARQL").

    .venv/bin/python bench/app_gaps.py bench/out/sparql-100000/store [RECORD_IRI]
"""

from __future__ import annotations

import argparse
import io
import statistics
import threading
import time

from werkzeug.test import EnvironBuilder

from ld.config import load_settings
from ld.web import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("record", nargs="?",
                        default="http://localhost:5000/id/record/pubmed-6086275")
    args = parser.parse_args()
    app = create_app(load_settings({}, store=args.store))
    query = f"SELECT ?p ?o WHERE {{ <{args.record}> ?p ?o }}"
    environ = EnvironBuilder(path="/sparql", method="POST", data={"query": query},
                             headers={"Accept": "application/sparql-results+json"}).get_environ()
    body = environ["wsgi.input"].read()

    def call() -> None:
        env = dict(environ, **{"wsgi.input": io.BytesIO(body)})
        result = app(env, lambda status, headers: None)
        b"".join(result)
        getattr(result, "close", lambda: None)()

    def run(gap: float, where: str) -> None:
        times = []
        for _ in range(400):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
            if gap:
                time.sleep(gap)
        median = statistics.median(times[50:]) * 1000
        print(f"{where:6} gap {gap * 1000:.1f} ms: median {median:.3f} ms per call")

    for gap in (0.0, 0.0005, 0.001):
        run(gap, "main")
        thread = threading.Thread(target=run, args=(gap, "thread"))
        thread.start()
        thread.join()


if __name__ == "__main__":
    main()
