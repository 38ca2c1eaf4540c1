"""The remote store against a real Oxigraph server started by the tests.

The behaviour table (tests/store_contract.py) runs here as it does for the
embedded store; the tests below it cover what only the remote store has:
endpoint layouts, the atomic single-request batch, a server that is down.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from store_contract import *  # noqa: F403 - the shared behaviour table
from store_contract import expected_version, make_record
from test_store_embedded import (  # the N-Quads hand-over, same behaviour
    test_bad_nquads_change_nothing,  # noqa: F401
    test_nquads_records_are_stored_like_graphs,  # noqa: F401
)

from ld.config import load_settings
from ld.errors import StoreError
from ld.store import open_reader, open_store
from ld.store.base import RecordGraph
from ld.store.remote import RemoteStore


@pytest.fixture
def store(oxigraph_server: str) -> Iterator[RemoteStore]:
    """The server, emptied, behind the remote store."""
    requests.post(f"{oxigraph_server}/update", data="DROP ALL",
                  headers={"Content-Type": "application/sparql-update"}, timeout=30
                  ).raise_for_status()
    remote = open_store(load_settings(env={}, store=oxigraph_server))
    assert isinstance(remote, RemoteStore)
    yield remote
    remote.close()


@pytest.mark.parametrize("url,query,update,gsp,union", [
    ("http://h:7878", "http://h:7878/query", "http://h:7878/update", "http://h:7878/store", True),
    ("http://h:7878/", "http://h:7878/query", "http://h:7878/update", "http://h:7878/store", True),
    ("http://h:7878/query", "http://h:7878/query", "http://h:7878/update",
     "http://h:7878/store", True),
    ("https://h/ds/sparql", "https://h/ds/sparql", "https://h/ds/sparql", None, False),
    ("http://h:3030/ds", "http://h:3030/ds", "http://h:3030/ds", None, False),
])
def test_endpoint_layouts(url: str, query: str, update: str, gsp: str | None,
                          union: bool) -> None:
    remote = RemoteStore(url)
    assert (remote.query_url, remote.update_url, remote.gsp_url, remote.union_param) == \
        (query, update, gsp, union)


def test_reader_is_the_server_too(oxigraph_server: str) -> None:
    reader = open_reader(load_settings(env={}, store=oxigraph_server))
    assert isinstance(reader, RemoteStore) and reader.snapshot_path is None


def test_server_down_is_a_clear_store_error() -> None:
    remote = RemoteStore("http://127.0.0.1:9")
    with pytest.raises(StoreError) as caught:
        remote.write_records([make_record(1)])
    assert "http://127.0.0.1:9" in str(caught.value)


def test_many_records_in_one_request(store: RemoteStore) -> None:
    batch: list[RecordGraph] = [make_record(i, version=i % 3) for i in range(300)]
    assert store.write_records(batch).written == 300
    assert store.record_count() == 300
    assert [expected_version(store, i) for i in (0, 1, 299)] == [0, 1, 2]
