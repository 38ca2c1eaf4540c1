"""Dumps (ld.dumps) on a real embedded store: what a dump holds is the snapshot it is
filed under."""

from __future__ import annotations

import gzip

import pytest

from ld import dumps
from ld.ingest import ingest_paths
from ld.store import open_reader, open_store
from ld.store import reader as reader_module
from ld.uris import record_uri
from tests.web_records import sample_paths

SEED = "pubmed-6839263"


def test_a_dump_is_written_from_the_snapshot_it_is_filed_under(
        settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the dump's directory came from one snapshot and its triples from
    whatever the reader had switched to by the time it wrote (a large dump takes
    minutes; a long load publishes a snapshot a minute)."""
    with open_store(settings) as store:
        ingest_paths(sample_paths(), settings=settings, store=store, jobs=0)
        store.publish()
    reader = open_reader(settings)
    monkeypatch.setattr(reader_module, "CHECK_EVERY", 0.0)  # it looks at CURRENT on every use
    write = dumps.write_atomically

    def after_a_load(target, body) -> None:  # a load publishes while the dump starts
        with open_store(settings) as store:
            store.delete_records([f"{settings.base_uri}doc/record/{SEED}"])
            store.publish()
        write(target, body)

    monkeypatch.setattr(dumps, "write_atomically", after_a_load)
    old, folder = reader.version, dumps.directory(settings, reader)
    path = dumps.make(settings, reader, "dataset.nt.gz")
    assert reader.version != old  # the reader itself moved on to the new snapshot
    assert path.parent == folder
    assert f"<{record_uri(settings.base_uri, SEED)}>" in gzip.decompress(path.read_bytes()).decode()



def test_a_dump_downloads_with_the_default_relative_store_path(tmp_path, monkeypatch) -> None:
    """Regression: with the default store (./data/store, relative) the dump was written
    under the working directory but send_file looked for it under ld/web/: 500."""
    import time

    from ld.config import load_settings
    from ld.web import create_app

    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert not settings.store.startswith("/")
    with open_store(settings) as store:
        ingest_paths(sample_paths(), settings=settings, store=store, jobs=0)
        store.publish()
    client = create_app(settings).test_client()
    for _ in range(60):  # written on first request; 503 + Retry-After meanwhile
        response = client.get("/dumps/dataset.nt.gz")
        if response.status_code != 503:
            break
        time.sleep(0.5)
    assert response.status_code == 200
    assert f"<{record_uri(settings.base_uri, SEED)}>" in gzip.decompress(
        response.get_data()).decode()


def test_a_remote_store_gets_one_dump_folder_a_day(settings) -> None:
    """Regression: a remote store's version changes every 10 s (it cannot see the
    server's other writers), and each version got a folder: a full dump of the dataset,
    kept for good, every 10 s of requests."""
    from ld.store.remote import RemoteStore

    remote = settings.replace(store="http://127.0.0.1:9")
    store = RemoteStore(remote.store)
    before = dumps.directory(remote, store)
    store._writes += 1  # what any write, or the clock every 10 s, does to its version
    assert dumps.directory(remote, store) == before


def test_folders_of_other_versions_are_pruned_but_nothing_else(
        settings, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every load left a whole set of dumps on disk for good."""
    import os
    import time

    settings = settings.replace(dump_dir=str(tmp_path / "dumps"))
    root, old = tmp_path / "dumps", time.time() - dumps.PRUNE_AFTER - 60
    folders = {"stale": ("0123456789abcdef", "dataset.ttl", old),
               "recent": ("fedcba9876543210", "dataset.ttl", time.time()),
               "foreign": ("00000000000000aa", "notes.txt", old),
               "not-a-version": ("backups", "dataset.ttl", old)}
    for name, file, mtime in folders.values():
        (root / name).mkdir(parents=True)
        (root / name / file).write_text("x")
        os.utime(root / name, (mtime, mtime))
    with open_store(settings) as store:
        ingest_paths(sample_paths(), settings=settings, store=store, jobs=0)
        store.publish()
    with open_reader(settings) as reader:
        made = dumps.make(settings, reader, "dataset.ttl")
    left = {p.name for p in root.iterdir()}
    assert made.parent.name in left and "0123456789abcdef" not in left
    assert {"fedcba9876543210", "00000000000000aa", "backups"} <= left


def test_a_dump_directory_that_cannot_be_written_is_said_once(settings, tmp_path,
                                                              caplog) -> None:
    """Regression: on a read-only store the dumps and sitemaps answered "being written
    now; try again in a minute" for ever, each request starting a thread that died
    with a traceback. The reason and the fix are said now, and logged once."""
    import logging
    import time

    from ld.web import create_app

    with open_store(settings) as store:
        ingest_paths(sample_paths(), settings=settings, store=store, jobs=0)
        store.publish()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    client = create_app(settings.replace(dump_dir=str(blocked / "dumps"))).test_client()
    with caplog.at_level(logging.WARNING, logger="ldpub"):
        answers = [client.get("/dumps/dataset.nt.gz") for _ in range(3)]
        time.sleep(0.2)
    last = answers[-1]
    assert last.status_code == 503 and "LDPUB_DUMP_DIR" in last.get_data(as_text=True)
    assert sum("cannot write" in r.message for r in caplog.records) == 1
