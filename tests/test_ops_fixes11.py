"""Regressions for the operator's and the web findings left open in explore10 (fixes 11).

1. A SPARQL Update while another process (``ldpub load``) holds the store: 503 with
   ``Retry-After``, the reason phrase HTTP spells ("Service Unavailable", not werkzeug's
   upper case) and CORS, as the other 503s.
2. What a CORS preflight allows is what the resource's ``Allow`` says, and what it
   answers: /sparql's left HEAD out.
3. Stopping ``ldpub serve`` while it builds a snapshot's search index logs one INFO line,
   no WARNING ("the index builder was killed by signal 15 (SIGTERM)"), and leaves no
   temporary file; a builder killed otherwise still warns.

Real things only: a real store on disk, its lock taken by another process as
ld/store/lock.py takes it, real HTTP servers on 127.0.0.1 (``ldpub serve`` itself for 3),
the real index builder caught mid-build and real signals.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from ld import search_index
from ld.config import load_settings
from ld.store import snapshots
from tests.conftest_web import Site, load_records
from tests.test_index_build_cleanup import (
    _wait_for,
    builder_of,
    caught_writing,
    temporary_files,
)
from tests.web_records import generated_records, sample_paths

TOKEN = "fixes11"
UPDATE = 'INSERT DATA { <http://example.org/s> <http://example.org/p> "o" }'
HOLD = """import sys
from pathlib import Path
from ld.store.lock import StoreLock
lock = StoreLock(Path(sys.argv[1]), "ldpub load records.jsonl")
print("held", flush=True)
sys.stdin.read()
"""

# --- 1. an update while a load holds the store ---------------------------------


@pytest.fixture(scope="module")
def updatable(tmp_path_factory: pytest.TempPathFactory, sparql_site: Any) -> Iterator[Site]:
    """A live server whose /sparql takes updates (with the token)."""
    the_site, server = sparql_site(tmp_path_factory.mktemp("fixes11-update"), [], [],
                                   update_token=TOKEN)
    yield the_site
    server.shutdown()


def _update(site: Site) -> requests.Response:
    return requests.post(site.url + "/sparql", data={"update": UPDATE}, timeout=60,
                         headers={"Authorization": f"Bearer {TOKEN}",
                                  "Origin": "https://elsewhere.example"})


def test_an_update_while_a_load_holds_the_store_says_when_to_try_again(updatable) -> None:
    """It answered "503 SERVICE UNAVAILABLE" without Retry-After."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(updatable.store_dir)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        refused = _update(updatable)
    finally:
        holder.communicate("", timeout=30)  # end of its input: it lets go of the lock
    assert (refused.status_code, refused.reason) == (503, "Service Unavailable")
    assert refused.headers["Retry-After"] == "10"
    assert f"is in use by process {holder.pid} (ldpub load records.jsonl)" in refused.text
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in refused.headers["Access-Control-Expose-Headers"]
    done = _update(updatable)
    assert (done.status_code, done.reason) == (204, "No Content")


@pytest.mark.parametrize(("path", "headers", "status", "reason"), [
    ("/doc/record/no-such-record", {}, 404, "Not Found"),
    ("/sparql?query=SELEC", {"Accept": "application/sparql-results+json"}, 400, "Bad Request"),
    ("/context.jsonld", {"If-None-Match": "*"}, 304, "Not Modified"),  # Flask, not the fast path
    ("/sparql?query=ASK{}&format=xyz", {}, 406, "Not Acceptable"),
])
def test_status_lines_have_the_reason_phrase_http_spells(site, path, headers, status,
                                                         reason) -> None:
    """Flask's answers had werkzeug's upper case ("404 NOT FOUND"), the fast path's and
    Granian's "Not Found": one server said both."""
    r = requests.get(site.url + path, headers=headers, timeout=60)
    assert (r.status_code, r.reason) == (status, reason)


# --- 2. a preflight allows what the resource answers -----------------------------

METHODS = ("GET", "HEAD", "POST", "OPTIONS")
READ_ONLY = {"GET", "HEAD", "OPTIONS"}
ENDPOINTS = {  # path -> the methods it answers (every other is a 405)
    "/": READ_ONLY, "/search?q=pat": READ_ONLY, "/browse": READ_ONLY,
    "/browse/person": READ_ONLY, "/doc/record/test-article": READ_ONLY,
    "/doc/record/test-article.ttl": READ_ONLY, "/id/record/test-article": READ_ONLY,
    "/doc/person/prolific-pat": READ_ONLY, "/context.jsonld": READ_ONLY,
    "/dataset": READ_ONLY, "/dataset.ttl": READ_ONLY, "/.well-known/void": READ_ONLY,
    "/dumps/": READ_ONLY, "/sitemap.xml": READ_ONLY, "/robots.txt": READ_ONLY,
    "/vocab": READ_ONLY, "/shapes.ttl": READ_ONLY, "/health": READ_ONLY,
    "/static/ldpub.css": READ_ONLY,
    "/sparql": READ_ONLY | {"POST"}, "/sparql/": READ_ONLY | {"POST"},
}


def _methods(value: str) -> set[str]:
    return {m.strip() for m in value.split(",")}


@pytest.mark.parametrize("path", list(ENDPOINTS))
def test_a_preflight_allows_what_the_resource_answers(site, path: str) -> None:
    """/sparql's preflight said "GET, POST, OPTIONS" while it answers HEAD (the query
    run, headers only) and its Allow says HEAD."""
    answers = {m for m in METHODS if requests.request(
        m, site.url + path, timeout=60, allow_redirects=False).status_code != 405}
    assert answers == ENDPOINTS[path]
    for asked in METHODS:
        preflight = requests.options(site.url + path, timeout=60, headers={
            "Origin": "https://elsewhere.example", "Access-Control-Request-Method": asked})
        assert preflight.status_code == 200
        assert _methods(preflight.headers["Access-Control-Allow-Methods"]) == answers
        assert _methods(preflight.headers["Allow"]) == answers


def test_a_head_query_is_the_get_without_its_body(site) -> None:
    query = {"query": "ASK { ?s ?p ?o }"}
    get = requests.get(site.url + "/sparql", params=query, timeout=60)
    head = requests.head(site.url + "/sparql", params=query, timeout=60)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


# --- 3. a server stopped while it builds an index ------------------------------

LDPUB = str(Path(sys.executable).with_name("ldpub"))
BASE = "http://localhost:5000/"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real store, published, with no search index or links table built yet."""
    root = tmp_path_factory.mktemp("fixes11-stop") / "store"
    load_records(load_settings(env={}, store=str(root), base_uri=BASE),
                 generated_records(), sample_paths())
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(store: Path, server: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}
    env.update(LDPUB_STORE=str(store), LDPUB_BASE_URI=BASE, LDPUB_PORT=str(_free_port()),
               LDPUB_WORKERS="1", LDPUB_SERVER=server)
    return subprocess.Popen([LDPUB, "serve"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _worker(master: int) -> int:
    """The one serving worker of ``master`` (gunicorn's or Granian's)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pids = children.read_text().split()
        if pids:
            return int(pids[0])
        time.sleep(0.01)
    raise AssertionError("no serving worker within 60 s")


def _pending(pid: int, signum: int) -> bool:
    """Whether ``signum`` waits to be delivered to the (stopped) process ``pid``."""
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    masks = [int(line.split()[1], 16) for line in status if line.startswith(("ShdPnd",
                                                                             "SigPnd"))]
    return any(mask & (1 << (signum - 1)) for mask in masks)


def _stop_while_building(store: Path, server: str) -> tuple[int | None, str, int]:
    """Start ``ldpub serve``, catch its index builder writing the full-text index, stop
    the server (SIGTERM), and let the builder run on once its own stop reached it.
    (The server's return code, its standard error, the builder's pid.)"""
    proc = _serve(store, server)
    try:
        builder = builder_of(_worker(proc.pid))
        caught_writing(builder, ".fts4.sqlite", store / "search")
        proc.send_signal(signal.SIGTERM)
        _wait_for(lambda: _pending(builder, signal.SIGTERM), 30)
        os.kill(builder, signal.SIGCONT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
    return proc.returncode, err, builder


@pytest.mark.slow
@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_a_server_stopped_while_it_builds_an_index_says_so_at_info(loaded, tmp_path,
                                                                   server) -> None:
    """It warned "cannot build the search index ...: the index builder was killed by
    signal 15 (SIGTERM)" (or "stopped by SIGTERM"), as if something had failed."""
    store = tmp_path / "store"
    subprocess.run(["cp", "-a", str(loaded), str(store)], check=True)
    index = search_index.index_path(store, snapshots.current(store) or "")
    code, err, _ = _stop_while_building(store, server)
    assert code == 0, err
    assert "WARNING" not in err and "Traceback" not in err, err
    stopped = [line for line in err.splitlines() if "stopped building" in line]
    assert len(stopped) == 1, err
    assert "[INFO] ldpub.search: stopped building the search index " \
           f"{index}: the server is stopping (it is built again on the next start)" \
           in stopped[0]
    assert temporary_files(store) == [] and not index.exists()


@pytest.mark.slow
def test_a_builder_stopped_alone_still_warns(loaded, tmp_path, caplog) -> None:
    """SIGTERM to the builder while its process goes on is no stop of the server: after
    the grace for the server's own stop, the warning names the signal."""
    store = tmp_path / "store"
    subprocess.run(["cp", "-a", str(loaded), str(store)], check=True)
    snapshot = snapshots.current(store) or ""
    with caplog.at_level("INFO", logger="ldpub.search"):
        assert search_index.ready(store, snapshot, BASE) is None
        builder = builder_of(os.getpid())
        caught_writing(builder, ".fts4.sqlite", store / "search")
        os.kill(builder, signal.SIGTERM)
        os.kill(builder, signal.SIGCONT)
        _wait_for(lambda: str(search_index.index_path(store, snapshot))
                  not in search_index._building, 60)
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert messages == [("WARNING", "cannot build the search index "
                         f"{search_index.index_path(store, snapshot)} (search scans "
                         "instead; next try in 300 s): the index builder was killed by "
                         "signal 15 (SIGTERM)")]
    assert temporary_files(store) == []
