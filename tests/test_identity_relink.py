"""Deleting the record others say owl:sameAs links them again (explore11 life 2).

Before: after ``ldpub delete`` of the first record of a group (the one the
others say owl:sameAs, :mod:`ld.identity`), the others kept pointing at a
404 and were no longer joined; re-loading one then made a chain ending in
the 404. Now every deletion (``ldpub delete``, a load's Deletion, a
harvest's deleted record) goes through :func:`ld.deletion.delete_records`,
and what is left is linked as a fresh load of the remaining records links
it. Real embedded store on disk, a real Oxigraph server, a real OAI-PMH
provider and a real HTTP server; graphs compared by isomorphism.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from oai_server import Item, Provider
from oaipmh import common
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL

from ld.cli import main
from ld.config import Settings, load_settings
from ld.deletion import delete_records
from ld.identity import IdentityLinker
from ld.ingest import ingest_items, ingest_paths
from ld.mapping import map_record
from ld.model import Deletion, Record, Source
from ld.store import open_store
from ld.store.base import RecordGraph
from ld.uris import record_graph, record_uri

ISBN = "0-306-40615-2"  # one ISBN each: it identifies the book (ld.identity)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _record(rid: str, *, doi: str | None = None) -> Record:
    return Record(id=rid, source=Source(f"{rid}.json", "record 1", "vufind-json"),
                  title=f"Title {rid}", isbn=[] if doi else [ISBN], doi=[doi] if doi else [])


def _links(store, base: str, rid: str) -> set[str]:
    """The records ``rid`` says owl:sameAs (ids)."""
    graph = store.graph(record_graph(base, rid))
    assert graph is not None, f"{rid} is not stored"
    prefix = record_uri(base, "")
    return {str(o)[len(prefix):] for o in graph.objects(URIRef(record_uri(base, rid)), OWL.sameAs)
            if str(o).startswith(prefix)}


def _modified(store, base: str, rid: str) -> str:
    graph = store.graph(record_graph(base, rid))
    return str(graph.value(URIRef(record_graph(base, rid)), DCTERMS.modified))


def _pointing_at(store, base: str, rid: str) -> list:
    return store.select(f"SELECT ?s WHERE {{ ?s <{OWL.sameAs}> <{record_uri(base, rid)}> }}")


def _without_modified(graph: Graph, doc: str) -> Graph:
    kept = Graph()
    for triple in graph:
        if triple[:2] != (URIRef(doc), DCTERMS.modified):
            kept.add(triple)
    return kept


def _same_as_fresh(store, fresh, base: str, ids: list[str]) -> None:
    """Each record's graph is a fresh store's, its document's date aside."""
    for rid in ids:
        doc = record_graph(base, rid)
        assert isomorphic(_without_modified(store.graph(doc), doc),
                          _without_modified(fresh.graph(doc), doc)), rid


def _vufind(tmp_path: Path, rid: str) -> str:
    path = tmp_path / f"{rid}.json"
    path.write_text(json.dumps([{"id": rid, "title": f"Title {rid}", "isbn": [ISBN]}]))
    return str(path)


def _cli(settings: Settings, *args: str) -> None:
    result = CliRunner().invoke(main, ["--store", settings.store, "--base-uri",
                                       settings.base_uri, *args])
    assert result.exit_code == 0, result.output


def test_ldpub_delete_of_the_first_links_the_others_as_a_fresh_load_would(
        tmp_path: Path) -> None:
    """The tester's case: a, b, c loaded in turn (b and c sameAs a); ldpub delete a."""
    settings = load_settings(env={}, store=str(tmp_path / "s1"))
    fresh = load_settings(env={}, store=str(tmp_path / "fresh"))
    base = settings.base_uri
    for rid in "abc":
        _cli(settings, "load", "--jobs", "0", _vufind(tmp_path, rid))
    for rid in "bc":
        _cli(fresh, "load", "--jobs", "0", _vufind(tmp_path, rid))
    with open_store(settings) as store:
        assert (_links(store, base, "b"), _links(store, base, "c")) == ({"a"}, {"a"})
        before = {rid: _modified(store, base, rid) for rid in "bc"}
    _cli(settings, "delete", "a")
    with open_store(settings) as store, open_store(fresh) as reference:
        assert _pointing_at(store, base, "a") == []
        assert (_links(store, base, "b"), _links(store, base, "c")) == (set(), {"b"})
        _same_as_fresh(store, reference, base, ["b", "c"])
        assert all(_modified(store, base, rid) > before[rid] for rid in "bc")
    _cli(settings, "load", "--jobs", "0", _vufind(tmp_path, "b"))  # b re-loaded: still first
    with open_store(settings) as store:
        assert (_links(store, base, "b"), _links(store, base, "c")) == (set(), {"b"})


def _write(store, base: str, record: Record, minutes: int) -> None:
    """Map, link and store one record as a load does, at T0 + ``minutes``."""
    graph = map_record(record, base, modified=T0 + timedelta(minutes=minutes))
    graph += IdentityLinker(store).link(graph, record_uri(base, record.id))
    store.write_records([RecordGraph(record.id, record_graph(base, record.id), graph)])


def test_the_earliest_remaining_record_becomes_the_first(tmp_path: Path) -> None:
    """By load order (dcterms:modified), not by id: k, then z, then a; k deleted."""
    settings = load_settings(env={}, store=str(tmp_path / "s1"))
    fresh = load_settings(env={}, store=str(tmp_path / "fresh"))
    base = settings.base_uri
    with open_store(settings) as store, open_store(fresh) as reference:
        for minutes, rid in enumerate("kza"):
            _write(store, base, _record(rid), minutes)
        for minutes, rid in enumerate("za", start=1):
            _write(reference, base, _record(rid), minutes)
        assert delete_records(store, base, ["k"]) == 1
        assert (_links(store, base, "z"), _links(store, base, "a")) == (set(), {"z"})
        _same_as_fresh(store, reference, base, ["z", "a"])


def test_deleting_the_first_two_at_once_and_a_follower(settings: Settings) -> None:
    base = settings.base_uri
    with open_store(settings) as store:
        for minutes, rid in enumerate("abcd"):
            _write(store, base, _record(rid), minutes)
        assert delete_records(store, base, ["a", "b"]) == 2
        assert [_links(store, base, rid) for rid in "cd"] == [set(), {"c"}]
        dated = _modified(store, base, "c")
        assert delete_records(store, base, ["d"]) == 1  # a follower: nobody else changes
        assert _links(store, base, "c") == set() and _modified(store, base, "c") == dated


def test_a_deletion_in_a_load_links_again(settings: Settings) -> None:
    """A load's Deletion (PubMed's DeleteCitation, a harvest's deleted record)."""
    base = settings.base_uri
    items = [_record("a"), _record("b"), _record("c"),
             Deletion("a", Source("d.xml", "record 4", "pubmed")), _record("d")]
    with open_store(settings) as store:
        summary = ingest_items(items, settings=replace(settings, batch_size=1), store=store,
                               jobs=0)
        assert (summary.loaded, summary.deleted) == (4, 1)
        assert [_links(store, base, rid) for rid in "bcd"] == [set(), {"b"}, {"b"}]
        assert _pointing_at(store, base, "a") == []


def _oai(identifier: str, day: int, *, deleted: bool = False) -> Item:
    fields = {"title": [f"Title {identifier}"], "identifier": ["doi:10.1000/relink"],
              "type": ["Text"]}
    return Item(identifier, datetime(2003, 1, day), deleted=deleted,
                metadata={} if deleted else {"oai_dc": common.Metadata(None, fields)})


def test_a_harvested_deletion_links_again(settings: Settings, tmp_path: Path) -> None:
    from ld.harvest import harvest

    base = settings.base_uri
    ids = ["oai:t:1", "oai:t:2", "oai:t:3"]
    with Provider() as provider, open_store(settings) as store:
        for day, identifier in enumerate(ids, start=1):
            provider.add(_oai(identifier, day))
        for run in range(2):
            result = harvest(provider.url, settings=settings, store=store, timeout=10.0,
                             jobs=0, state_path=tmp_path / "state.json", full=run == 1)
            assert result.complete and result.summary.rejected == 0, result.summary
            if run == 0:
                assert [_links(store, base, i) for i in ids] == [set(), {ids[0]}, {ids[0]}]
                provider.add(_oai(ids[0], 10, deleted=True))
        assert result.summary.deleted == 1
        assert [_links(store, base, i) for i in ids[1:]] == [set(), {ids[1]}]
        assert _pointing_at(store, base, ids[0]) == []


class CountingStore:
    """The real store, counting its SELECTs, the rows they return and the graphs read."""

    def __init__(self, store) -> None:
        self.store, self.calls, self.rows, self.graphs = store, 0, 0, 0

    def select(self, query: str) -> list:
        rows = self.store.select(query)
        self.calls, self.rows = self.calls + 1, self.rows + len(rows)
        return rows

    def graph(self, graph_iri: str):  # type: ignore[no-untyped-def]
        self.graphs += 1
        return self.store.graph(graph_iri)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.store, name)


def test_a_delete_asks_only_about_the_deleted_records(settings: Settings) -> None:
    """One SELECT for the followers of a batch of deletions, then the linker's few
    about their identifiers: nothing grows with the unrelated records stored."""
    base = settings.base_uri
    with open_store(settings) as store:
        for n in range(40):
            _write(store, base, _record(f"other-{n}", doi=f"10.1000/other.{n}"), 0)
        for minutes, rid in enumerate("abc", start=1):
            _write(store, base, _record(rid), minutes)
        lonely = CountingStore(store)
        assert delete_records(lonely, base, ["other-1", "other-2"]) == 2  # type: ignore[arg-type]
        assert (lonely.calls, lonely.rows, lonely.graphs) == (1, 0, 0)
        counting = CountingStore(store)
        assert delete_records(counting, base, ["a"]) == 1  # type: ignore[arg-type]
        assert counting.calls <= 4 and counting.rows <= 12 and counting.graphs == 2
        assert _links(store, base, "c") == {"b"}


@pytest.fixture
def remote(oxigraph_server: str) -> Iterator:
    """The Oxigraph server, emptied, behind the remote store."""
    requests.post(f"{oxigraph_server}/update", data="DROP ALL",
                  headers={"Content-Type": "application/sparql-update"}, timeout=30
                  ).raise_for_status()
    with open_store(load_settings(env={}, store=oxigraph_server)) as store:
        yield store


def test_deleting_the_first_links_again_on_a_sparql_server(oxigraph_server: str, remote,
                                                           tmp_path: Path) -> None:
    settings = load_settings(env={}, store=oxigraph_server, rejects=str(tmp_path / "r.jsonl"))
    base = settings.base_uri
    for rid in "abc":  # three loads, as the tester's
        assert ingest_paths([_vufind(tmp_path, rid)], settings=settings, store=remote,
                            jobs=0).loaded == 1
    assert (_links(remote, base, "b"), _links(remote, base, "c")) == ({"a"}, {"a"})
    before = _modified(remote, base, "c")
    assert delete_records(remote, base, ["a"]) == 1
    assert _pointing_at(remote, base, "a") == [] and not remote.has_graph(record_graph(base, "a"))
    assert (_links(remote, base, "b"), _links(remote, base, "c")) == (set(), {"b"})
    assert _modified(remote, base, "c") > before


def test_served_pages_follow_the_new_links(tmp_path: Path) -> None:
    """Pre-rendered rows, the snapshot and the dates the server sends follow the rewrite."""
    from ld.store.reader import CHECK_EVERY
    from ld.web.prerender import render_store
    from tests.conftest_web import start_site

    site, server = start_site(tmp_path, [_record(rid) for rid in "abc"], [])
    try:
        render_store(site.settings, jobs=0)
        page = f"{site.url}/doc/record/c"
        before = requests.get(page + ".ttl", timeout=10)
        assert b"/id/record/a" in requests.get(page + ".html", timeout=10).content
        _cli(site.settings, "delete", "a")
        time.sleep(CHECK_EVERY + 0.2)  # the server's reader looks for a new snapshot
        html = requests.get(page + ".html", timeout=10).content
        assert b'href="/id/record/b"' in html and b"/id/record/a" not in html
        after = requests.get(page + ".ttl", timeout=10)
        assert after.headers["ETag"] != before.headers["ETag"]
        assert after.headers["Last-Modified"] != before.headers["Last-Modified"]
        nt = requests.get(f"{site.url}/doc/record/b.nt", timeout=10).text
        assert "/id/record/a>" not in nt
    finally:
        server.shutdown()
