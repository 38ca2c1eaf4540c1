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
