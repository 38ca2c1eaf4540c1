"""The remote store against a real Oxigraph server started by the tests.

The behaviour table (tests/store_contract.py) runs here as it does for the
embedded store; the tests below it cover what only the remote store has:
endpoint layouts, the atomic single-request batch, a server that is down.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


def test_records_from_two_sources_are_linked_on_a_sparql_server(oxigraph_server: str,
                                                                 store: RemoteStore,
                                                                 tmp_path: Path) -> None:
    """The identity look-up (per batch, VALUES over the server) works over HTTP too."""
    from rdflib import URIRef
    from rdflib.namespace import OWL

    from ld.ingest import ingest_paths
    from ld.uris import record_graph, record_uri
    from tests.shared_helpers import PUBMED_SEED_ARTICLE

    settings = load_settings(env={}, store=oxigraph_server, rejects=str(tmp_path / "r.jsonl"))
    vufind = tmp_path / "vufind.json"
    vufind.write_text('[{"id": "v1", "title": "Partnering with patients", '
                      '"doi_str_mv": ["10.1186/S12913-019-4618-8"]}]')
    pubmed = tmp_path / "pubmed.xml"
    pubmed.write_bytes(PUBMED_SEED_ARTICLE.read_bytes())
    for path in (vufind, pubmed):  # two loads: the second finds the first on the server
        assert ingest_paths([str(path)], settings=settings, store=store, jobs=0).rejected == 0
    base = settings.base_uri
    later = URIRef(record_uri(base, "pmid-31703678"))
    assert (later, OWL.sameAs, URIRef(record_uri(base, "v1"))) in store.graph(
        record_graph(base, "pmid-31703678"))
