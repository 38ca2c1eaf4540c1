"""``ldpub serve`` (gunicorn and Granian, several workers) while ``ldpub load`` writes.

Real processes: the CLI loads a store, each server in turn serves it with two worker
processes, a second ``ldpub load`` runs while a client keeps reading, and the
new records must appear in every worker without a single failed or corrupt
response.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph

from tests.web_records import sample_paths

LDPUB = [str(Path(sys.executable).parent / "ldpub")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _solr_file(path: Path, prefix: str, n: int) -> Path:
    docs = [{"id": f"{prefix}-{i:03d}", "format": ["Book"], "title": f"Live record {prefix} {i}",
             "author": ["Writer, Wanda"], "publishDate": ["2024"], "language": ["English"]}
            for i in range(n)]
    path.write_text(json.dumps({"response": {"numFound": n, "start": 0, "docs": docs}}))
    return path


def _start(tmp_path: Path, server: str, **extra: str
           ) -> tuple[str, dict[str, str], subprocess.Popen]:
    """Load the sample into a fresh store and start ``ldpub serve`` on it (2 workers)."""
    port = _free_port()
    env = {**os.environ, "LDPUB_SERVER": server,
           "LDPUB_STORE": str(tmp_path / "store"), "LDPUB_PORT": str(port),
           "LDPUB_BASE_URI": f"http://127.0.0.1:{port}/", "LDPUB_WORKERS": "2",
           "LDPUB_THREADS": "2", "LDPUB_LOG_LEVEL": "WARNING",
           "HTTP_ACCEPT": "application/pdf", **extra}  # HTTP_*: must not read as a header
    subprocess.run([*LDPUB, "load", *sample_paths()], env=env, check=True,
                   capture_output=True, timeout=120)
    proc = subprocess.Popen([*LDPUB, "serve"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait_up(url, proc)
    return url, env, proc


def _wait_up(url: str, proc: subprocess.Popen) -> None:
    """Until the home page answers; fails with what the server printed if it never does."""
    for _ in range(150):
        try:
            if requests.get(url + "/", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("ldpub did not start: " + proc.communicate()[0].decode())


def _stop(proc: subprocess.Popen) -> str:
    """SIGTERM (a graceful stop); what the server printed."""
    proc.send_signal(signal.SIGTERM)
    return proc.communicate(timeout=20)[0].decode(errors="replace")


@pytest.fixture(params=["gunicorn", "granian"])
def served(tmp_path: Path, request: pytest.FixtureRequest
           ) -> Iterator[tuple[str, dict[str, str]]]:
    url, env, proc = _start(tmp_path, request.param)
    try:
        yield url, env
    finally:
        _stop(proc)


@pytest.mark.slow
def test_load_while_serving_shows_new_records_and_breaks_nothing(served, tmp_path: Path
                                                                 ) -> None:
    url, env = served
    known = url + "/doc/record/pubmed-6839263.ttl"
    assert requests.get(url + "/doc/record/live-000", timeout=5).status_code == 404
    failures: list[str] = []
    stop = threading.Event()

    def keep_reading() -> None:
        while not stop.is_set():
            r = requests.get(known, timeout=10)  # a new connection each time: any worker
            if r.status_code != 200:
                failures.append(f"{r.status_code} {r.text[:200]}")
            else:
                Graph().parse(data=r.text, format="turtle")  # never a torn body

    readers = [threading.Thread(target=keep_reading) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        subprocess.run([*LDPUB, "load", str(_solr_file(tmp_path / "live.json", "live", 40))],
                       env=env, check=True, capture_output=True, timeout=120)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if requests.get(url + "/doc/record/live-039", timeout=5).status_code == 200:
                break
            time.sleep(0.2)
        time.sleep(1.5)  # every worker checks for a new snapshot at least once a second
        statuses = [requests.get(url + f"/doc/record/live-{i:03d}", timeout=5).status_code
                    for i in range(40)]
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert statuses == [200] * 40
    assert failures == []
    page = requests.get(url + "/doc/person/writer-wanda", headers={"Accept": "text/html"},
                        timeout=5)
    assert "40 records" in page.text


def test_the_servers_environment_is_not_a_request_header(served) -> None:
    """Granian copies os.environ into every WSGI environ; an HTTP_* variable of the
    server's own environment (here HTTP_ACCEPT) must not act as a request header
    (under either server)."""
    url, _ = served
    r = requests.get(url + "/doc/record/pubmed-6839263", headers={"Accept": None}, timeout=5)
    assert r.status_code == 200, r.text[:200]
    sparql = requests.get(url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": None},
                          timeout=5)
    assert sparql.status_code == 200 and sparql.json()["boolean"] is True



def test_forwarded_headers_count_for_nothing_without_trust_proxy(served) -> None:
    """Regression: gunicorn's own defaults honoured X-Forwarded-Proto from 127.0.0.1, so
    without --trust-proxy a client could make ldpub announce https:// links; Granian
    did not."""
    url, _ = served
    r = requests.get(url + "/doc/record/pubmed-6839263.ttl", timeout=5,
                     headers={"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"})
    assert r.headers["Content-Location"].startswith("http://"), r.headers["Content-Location"]


def test_streamed_answers_head_and_304_under_each_server(served) -> None:
    """What differs between WSGI servers: streamed bodies, HEAD, conditional GET."""
    url, _ = served
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s"  # a worker process; chunks
    r = requests.get(url + "/sparql", params={"query": query}, timeout=30,
                     headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.text.startswith("s,p,o\r\n")
    assert len(r.text.splitlines()) > 50
    doc = url + "/doc/record/pubmed-6839263"
    got = requests.get(doc, headers={"Accept": "text/turtle"}, timeout=5)
    head = requests.head(doc, headers={"Accept": "text/turtle"}, timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == got.headers["ETag"]
    again = requests.get(doc, headers={"Accept": "text/turtle",
                                       "If-None-Match": got.headers["ETag"]}, timeout=5)
    assert again.status_code == 304 and again.content == b""


def test_a_long_get_query_under_each_server(served) -> None:
    """Regression: gunicorn's default request line (4094 bytes) answered a GET
    /sparql?query= of ~4 KB with its bare 414; its maximum, 8190, is set."""
    url, _ = served
    query = "ASK { ?s ?p ?o } # " + "x" * 7000
    r = requests.get(url + "/sparql", params={"query": query}, timeout=30)
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_a_dump_file_and_a_range_under_each_server(served) -> None:
    """send_file's file wrapper and Range requests go through the WSGI server as they are."""
    import gzip

    url, _ = served
    dump = url + "/dumps/dataset.nt.gz"
    for _ in range(30):  # made on first request; 503 + Retry-After while it is written
        r = requests.get(dump, timeout=30)
        if r.status_code != 503:
            break
        time.sleep(1)
    assert r.status_code == 200, r.text[:200]
    lines = gzip.decompress(r.content).decode().splitlines()
    assert len(lines) > 50 and all(line.endswith(" .") for line in lines)
    part = requests.get(dump, headers={"Range": "bytes=0-9"}, timeout=30)
    assert part.status_code == 206 and part.content == r.content[:10]


@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_access_log_is_opt_in(tmp_path: Path, server: str) -> None:
    url, _, proc = _start(tmp_path / "on", server, LDPUB_ACCESS_LOG="true",
                          LDPUB_LOG_LEVEL="INFO")
    requests.get(url + "/doc/record/logged-yes", timeout=5)
    # Granian logs a request after its response is sent: a SIGTERM at once could
    # stop the worker before that line (seen 1 run in 8-10)
    time.sleep(0.5)
    assert "/doc/record/logged-yes" in _stop(proc)
    url, _, proc = _start(tmp_path / "off", server)
    requests.get(url + "/doc/record/logged-no", timeout=5)
    assert "logged-no" not in _stop(proc)


@pytest.mark.parametrize("command", ["serve", "demo"])
@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_a_port_in_use_is_one_clear_error(tmp_path: Path, server: str, command: str) -> None:
    """Regression: gunicorn retried for 5 s and exited 1 (our code for rejected records);
    Granian ended in a Rust panic's backtrace."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "LDPUB_SERVER": server, "LDPUB_STORE": str(tmp_path / "store"),
               "LDPUB_PORT": str(port)}
        done = subprocess.run([*LDPUB, command], env=env, capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr
    assert not (tmp_path / "store").exists()  # demo checks before loading the sample


@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_ldpub_logs_its_own_lines_at_the_configured_level(tmp_path: Path, server: str) -> None:
    """Regression: ldpub's own loggers had no handler, so their INFO lines (what is
    served as which base URI; a search index built) never showed, and warnings came
    without time or process, whatever LDPUB_LOG_LEVEL said."""
    url, env, proc = _start(tmp_path / "info", server, LDPUB_LOG_LEVEL="INFO")
    requests.get(url + "/search", params={"q": "patients"}, timeout=10)  # builds the index
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(
            (tmp_path / "info" / "store" / "search").glob("*.links.sqlite")):
        time.sleep(0.2)
    time.sleep(0.5)
    output = _stop(proc)
    assert re.search(r"\[INFO\] ldpub\.serve: serving .* as " + re.escape(env["LDPUB_BASE_URI"]),
                     output), output
    assert "ldpub.search: search index and links table of" in output, output
    url, _, proc = _start(tmp_path / "quiet", server)  # LDPUB_LOG_LEVEL=WARNING
    assert "ldpub.serve: serving" not in _stop(proc)


@pytest.mark.parametrize("home", ["writable", "missing"])
def test_serve_leaves_the_home_directory_alone(tmp_path: Path, home: str) -> None:
    """Regression: gunicorn 24+ opened a control socket in $HOME, one path for every
    instance (a second `ldpub serve` took over the first one's), and logged an ERROR
    at each start where the home directory is missing (a service account)."""
    folder = tmp_path / "home"
    if home == "writable":
        folder.mkdir()
    url, _, proc = _start(tmp_path, "gunicorn", HOME=str(folder), LDPUB_LOG_LEVEL="INFO")
    assert requests.get(url + "/", timeout=5).ok
    output = _stop(proc)
    assert "[ERROR]" not in output and "ontrol socket" not in output, output
    assert not (folder / ".gunicorn").exists()


@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_demo_stops_every_worker_quickly_and_cleanly(tmp_path: Path, server: str) -> None:
    """Regression: after ``ldpub demo`` loaded the sample in the serving process itself,
    gunicorn's forked workers hung 10 s on exit (RocksDB's thread pool joined across
    a fork) or crashed; the load now runs in a child process."""
    port = _free_port()
    env = {**os.environ, "LDPUB_SERVER": server, "LDPUB_STORE": str(tmp_path / "store"),
           "LDPUB_PORT": str(port), "LDPUB_WORKERS": "2", "LDPUB_LOG_LEVEL": "INFO"}
    proc = subprocess.Popen([*LDPUB, "demo"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait_up(url, proc)
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s"  # starts query worker processes
    assert requests.get(url + "/sparql", params={"query": query}, timeout=30).ok
    started = time.monotonic()
    output = _stop(proc)
    assert time.monotonic() - started < 5, output
    assert proc.returncode == 0, output
    assert "SIGSEGV" not in output and "loaded" in output, output


def test_every_link_of_the_demo_answers_with_the_default_relative_store(tmp_path: Path
                                                                        ) -> None:
    """What `make run` does: `ldpub demo` with the default ./data/store, relative to the
    working directory. Regression: the dump downloads answered 500 there (send_file read
    the relative path against ld/web/); the suite's stores were all absolute paths."""
    import re
    from urllib.parse import urljoin

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "LDPUB_STORE"}
    env.update(LDPUB_PORT=str(port), LDPUB_BASE_URI=f"http://127.0.0.1:{port}/")
    proc = subprocess.Popen([*LDPUB, "demo"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    home = f"http://127.0.0.1:{port}/"
    try:
        _wait_up(home.rstrip("/"), proc)
        assert (tmp_path / "data" / "store").is_dir()
        seen, todo, failed = set(), [home], []
        while todo and len(seen) < 200:
            url = todo.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = _get_when_ready(url)
            if response.status_code >= 400:
                failed.append((response.status_code, url))
            elif "text/html" in response.headers.get("Content-Type", ""):
                todo += [urljoin(url, href.replace("&amp;", "&"))
                         for href in re.findall(r'href="([^"#]+)"', response.text)
                         if urljoin(url, href).startswith(home)]
        assert len(seen) > 50 and any("/dumps/dataset." in u for u in seen)
        assert not failed, failed
    finally:
        _stop(proc)


def _get_when_ready(url: str) -> requests.Response:
    """GET, coming back while the server says so (a dump is written on first request)."""
    for _ in range(60):
        response = requests.get(url, timeout=60)
        if response.status_code != 503:
            break
        time.sleep(0.5)
    return response
