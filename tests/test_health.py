"""``/health``: what a load balancer or monitor probes."""

from __future__ import annotations

import socket
from pathlib import Path

import requests

from ld.config import load_settings
from ld.web import create_app


def test_a_serving_site_is_healthy(site) -> None:
    r = requests.get(site.url + "/health", timeout=10)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert body["status"] == "ok" and body["store"] == "embedded" and body["version"]


def test_a_remote_store_that_is_down_is_503_naming_it() -> None:
    with socket.socket() as s:  # a port nobody listens on: connections are refused
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    client = create_app(load_settings(env={}, store=url)).test_client()
    r = client.get("/health")
    assert r.status_code == 503 and r.headers["Cache-Control"] == "no-store"
    assert url in r.get_data(as_text=True)


def test_no_store_yet_is_503_saying_what_to_do(tmp_path: Path) -> None:
    client = create_app(load_settings(env={}, store=str(tmp_path / "none"))).test_client()
    r = client.get("/health")
    assert r.status_code == 503 and "ldpub load" in r.get_data(as_text=True)


def test_a_record_document_without_a_store_is_503_not_500(tmp_path: Path) -> None:
    """Regression: record documents, answered without Flask, ended in a 500 and a
    traceback in the log when the store did not exist; the other pages said 503."""
    client = create_app(load_settings(env={}, store=str(tmp_path / "none"))).test_client()
    for path in ("/doc/record/x", "/doc/record/x.ttl"):
        r = client.get(path)
        assert r.status_code == 503 and "ldpub load" in r.get_data(as_text=True), path


def test_a_store_removed_under_the_server_is_503(tmp_path: Path, monkeypatch) -> None:
    """Was 200: a reader whose snapshot was removed from disk still answers ASK {},
    while record pages answer 404 (RocksDB opens its files lazily)."""
    import shutil

    from ld.ingest import ingest_paths
    from ld.store import open_store
    from ld.store import reader as reader_module
    from tests.web_records import sample_paths

    monkeypatch.setattr(reader_module, "CHECK_EVERY", 0.0)  # looks at CURRENT on every use
    settings = load_settings(env={}, store=str(tmp_path / "store"))
    with open_store(settings) as store:
        ingest_paths(sample_paths(), settings=settings, store=store, jobs=0)
        snapshot = store.publish()
    client = create_app(settings).test_client()
    healthy = client.get("/health")
    assert healthy.status_code == 200 and healthy.get_json()["snapshot"] == snapshot
    shutil.rmtree(tmp_path / "store")
    gone = client.get("/health")
    assert gone.status_code == 503
    assert "no published snapshot to serve" in gone.get_data(as_text=True)


def test_a_hung_remote_store_is_503_within_the_query_timeout() -> None:
    """Regression: a remote SPARQL server that accepted connections and never answered
    (stopped with SIGSTOP) held /health and every page for 300 s: the server stopped
    answering at all. A server now waits as long as a query may run, and a little."""
    import threading
    import time

    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    threading.Thread(target=lambda: [held.append(listener.accept()[0]) for _ in range(8)],
                     daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        client = create_app(load_settings(env={}, store=url, query_timeout=1)).test_client()
        started = time.monotonic()
        r = client.get("/health")
        took = time.monotonic() - started
    finally:
        listener.close()
        for conn in held:
            conn.close()
    assert r.status_code == 503 and url in r.get_data(as_text=True)
    assert took < 1 + 5 + 4, f"/health took {took:.1f} s"
