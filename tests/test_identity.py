"""Identity across sources: later records say owl:sameAs the first one sharing a DOI/PMID/ISBN.

Real embedded store on disk, real mapper, records read by the real readers:
the seed VuFind record, the MARCXML record written for the reader tests
(same DOI and PMC id as the seed) and a PubMed article built from it.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL

from ld.identity import IdentityLinker, isbn13
from ld.mapping import map_record
from ld.model import Record
from ld.readers import read_path, read_stream
from ld.store import open_store
from ld.store.base import RecordGraph
from ld.uris import record_graph, record_uri
from tests.shared_helpers import PUBMED_SEED_ARTICLE

DATA = Path(__file__).parent / "data"
PUBMED = PUBMED_SEED_ARTICLE.read_bytes()
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def load(store, settings, linker: IdentityLinker, record: Record, minutes: int) -> list:
    """Map, link and store one record the way ingest does; returns the links added."""
    graph = map_record(record, settings.base_uri, modified=T0 + timedelta(minutes=minutes))
    links = linker.link(graph, record_uri(settings.base_uri, record.id))
    for triple in links:
        graph.add(triple)
    store.write_records([RecordGraph(record.id, record_graph(settings.base_uri, record.id),
                                     graph)])
    return links


@pytest.fixture
def store(settings):
    opened = open_store(settings)
    yield opened
    opened.close()


def test_later_records_point_to_the_first(settings, store, seed_record: Path) -> None:
    [seed] = list(read_path(str(seed_record)))
    [marc] = list(read_path(str(DATA / "marc_article.xml")))
    [article] = list(read_stream(io.BytesIO(PUBMED), "pubmed.xml"))
    base = settings.base_uri
    first = URIRef(record_uri(base, seed.id))
    assert load(store, settings, IdentityLinker(store), seed, 0) == []
    assert load(store, settings, IdentityLinker(store), marc, 1) == [
        (URIRef(record_uri(base, marc.id)), OWL.sameAs, first)]  # shares DOI and PMC id
    # a new run (fresh linker): found through the store; DOI case does not matter
    assert load(store, settings, IdentityLinker(store), article, 2) == [
        (URIRef(record_uri(base, article.id)), OWL.sameAs, first)]
    stored = store.graph(record_graph(base, article.id))
    assert (URIRef(record_uri(base, article.id)), OWL.sameAs, first) in stored
    # re-loading the first record links to nothing: it is still the first
    assert load(store, settings, IdentityLinker(store), seed, 3) == []


def test_records_of_one_run_link_before_they_are_stored(settings, store) -> None:
    [marc] = list(read_path(str(DATA / "marc_article.xml")))
    [article] = list(read_stream(io.BytesIO(PUBMED), "pubmed.xml"))
    linker = IdentityLinker(store)
    base = settings.base_uri
    graph_a = map_record(marc, base, modified=T0)
    graph_b = map_record(article, base, modified=T0)
    assert linker.link(graph_a, record_uri(base, marc.id)) == []
    assert linker.link(graph_b, record_uri(base, article.id)) == [
        (URIRef(record_uri(base, article.id)), OWL.sameAs, URIRef(record_uri(base, marc.id)))]


def test_unrelated_records_do_not_link(settings, store) -> None:
    [marc] = list(read_path(str(DATA / "marc_article.xml")))
    other = Record(id="other-1", source=marc.source, title="Something else", doi=["10.1/xyz"])
    linker = IdentityLinker(store)
    load(store, settings, linker, marc, 0)
    assert load(store, settings, IdentityLinker(store), other, 1) == []


@pytest.mark.parametrize(("value", "expected"), [
    ("0471383147", "9780471383147"), ("0-8044-2957-X", "9780804429573"),
    ("978-0-471-38314-7", "9780471383147"), ("12345", None),
])
def test_isbn13(value: str, expected: str | None) -> None:
    assert isbn13(value) == expected
