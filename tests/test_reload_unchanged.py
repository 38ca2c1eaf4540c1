"""Regression (explore11 client 1): re-loading a record that did not change leaves it as it
was, its document's dcterms:modified too, so its ETag, Last-Modified and sitemap lastmod
do not tell every cache and crawler that it changed.

Real pipeline, real embedded store on disk, a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib.namespace import DCTERMS

from ld.config import load_settings
from ld.ingest import ingest_items
from ld.model import Agent, Record, Source
from ld.store import open_store
from ld.store.apply import unchanged
from ld.uris import record_graph
from tests.conftest_web import load_records, start_site

MODIFIED = "http://purl.org/dc/terms/modified"


def _records(title_of_b: str = "Second work") -> list[Record]:
    src = Source("mem.jsonl", "record 1", "test")
    return [Record(id=f"re-{key}", source=src, formats=["Book"], title=title, issued="2001",
                   languages=["English"], creators=[Agent("Smith, Ann"), Agent("Jones, Bob")])
            for key, title in (("a", "First work"), ("b", title_of_b), ("c", "Third work"))]


def _modified(store: object, base: str, key: str) -> str:
    graph = store.graph(record_graph(base, f"re-{key}"))  # type: ignore[attr-defined]
    return str(next(graph.objects(None, DCTERMS.modified)))


def test_a_reload_keeps_unchanged_records_and_replaces_changed_ones(tmp_path: Path) -> None:
    settings = load_settings(env={}, store=str(tmp_path / "store"))
    base = settings.base_uri
    with open_store(settings) as store:
        first = ingest_items(_records(), settings=settings, store=store, jobs=0)
        before = {k: _modified(store, base, k) for k in "abc"}
        time.sleep(1.1)  # dcterms:modified has whole seconds
        again = ingest_items(_records(), settings=settings, store=store, jobs=0)
        assert (again.loaded, again.replaced, again.unchanged) == (3, 0, 3)
        assert {k: _modified(store, base, k) for k in "abc"} == before
        changed = ingest_items(_records("A new title"), settings=settings, store=store, jobs=0)
        assert (changed.loaded, changed.replaced, changed.unchanged) == (3, 1, 2)
        after = {k: _modified(store, base, k) for k in "abc"}
        assert after["a"] == before["a"] and after["c"] == before["c"]
        assert after["b"] > before["b"]
        assert store.record_count() == 3 and first.triples == again.triples


def _quads(lines: str) -> list[ox.Quad]:
    return list(ox.parse(lines.encode(), ox.RdfFormat.N_QUADS))


G = "<http://x/doc/record/1>"
LIST = (f'<http://x/id/record/1> <http://purl.org/ontology/bibo/authorList> _:{{0}} {G} .\n'
        f'_:{{0}} <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <http://x/p/{{1}}> {G} .\n'
        f'_:{{0}} <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:{{2}} {G} .\n'
        f'_:{{2}} <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <http://x/p/{{3}}> {G} .\n'
        f'_:{{2}} <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> '
        f'<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> {G} .\n')
DOC_MODIFIED = f'{G} <{MODIFIED}> "{{0}}"^^<http://www.w3.org/2001/XMLSchema#dateTime> {G} .\n'
OTHER_MODIFIED = f'<http://x/id/record/1> <{MODIFIED}> "{{0}}" {G} .\n'


@pytest.mark.parametrize(("new", "same"), [
    (LIST.format("n1", "smith", "n2", "jones") + DOC_MODIFIED.format("2026-01-02T00:00:00Z"),
     True),  # other blank node labels, another load time
    (LIST.format("a", "jones", "b", "smith") + DOC_MODIFIED.format("2026-01-01T00:00:00Z"),
     False),  # the authors' order changed
    (LIST.format("a", "smith", "b", "jones") + DOC_MODIFIED.format("2026-01-01T00:00:00Z")
     + OTHER_MODIFIED.format("2020"), False),  # a statement more (a dcterms:modified, too)
], ids=["labels and load time", "list order", "a record's own dcterms:modified"])
def test_what_counts_as_unchanged(new: str, same: bool) -> None:
    old = set(_quads(LIST.format("a", "smith", "b", "jones")
                     + DOC_MODIFIED.format("2026-01-01T00:00:00Z")))
    assert unchanged(old, _quads(new)) is same


def test_an_unchanged_reload_keeps_the_etag_and_last_modified(tmp_path: Path) -> None:
    site, server = start_site(tmp_path, _records(), [])
    try:
        url = f"{site.url}/doc/record/re-a"
        first = requests.get(url, headers={"Accept": "text/turtle"}, timeout=10)
        time.sleep(1.1)
        load_records(replace(site.settings), _records(), [])
        second = requests.get(url, headers={"Accept": "text/turtle"}, timeout=10)
        assert first.status_code == second.status_code == 200
        assert second.headers["ETag"] == first.headers["ETag"]
        assert second.headers["Last-Modified"] == first.headers["Last-Modified"]
        revalidated = requests.get(url, timeout=10, headers={
            "Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
        assert revalidated.status_code == 304
    finally:
        server.shutdown()


@pytest.mark.parametrize(("new", "same"), [
    (LIST.format("n1", "smith", "n2", "jones") + DOC_MODIFIED.format("2026-01-02T00:00:00Z"),
     True),
    (LIST.format("a", "jones", "b", "smith") + DOC_MODIFIED.format("2026-01-01T00:00:00Z"),
     False),
    (LIST.format("a", "smith", "b", "jones") + DOC_MODIFIED.format("2026-01-01T00:00:00Z")
     + OTHER_MODIFIED.format("2020"), False),
    (LIST.format("a", "smith", "b", "jones"), False),  # a statement less
], ids=["labels and load time", "list order", "a record's own dcterms:modified", "less"])
def test_what_counts_as_unchanged_by_the_bytes(new: str, same: bool) -> None:
    """The bytes comparison (apply.same_as_stored, the load's fast way) agrees with the
    quads one on the same cases."""
    from ld.store.apply import same_as_stored

    store = ox.Store()
    store.extend(_quads(LIST.format("a", "smith", "b", "jones")
                        + DOC_MODIFIED.format("2026-01-01T00:00:00Z")))
    assert same_as_stored(store, G.strip("<>"), new.encode()) is same


def test_a_value_spelled_apart_in_the_bytes_is_still_unchanged(tmp_path: Path) -> None:
    """A tab in a title: the worker writes it as it is, the store escapes it (\\t), so the
    bytes differ; the quads comparison then finds the record unchanged all the same."""
    settings = load_settings(env={}, store=str(tmp_path / "store"))
    records = _records("With\ta tab")
    with open_store(settings) as store:
        ingest_items(records, settings=settings, store=store, jobs=0)
        again = ingest_items(records, settings=settings, store=store, jobs=0)
        assert (again.replaced, again.unchanged) == (0, 3)
