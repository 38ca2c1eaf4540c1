"""Identity across sources: later records say owl:sameAs the first one sharing a DOI/PMID/ISBN.

Real embedded store on disk, real mapper, records read by the real readers:
the seed VuFind record, the MARCXML record written for the reader tests
(same DOI and PMC id as the seed) and a PubMed article built from it.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL

from ld.identity import IdentityLinker, identifiers, isbn13
from ld.ingest import ingest_items, ingest_paths
from ld.mapping import map_record
from ld.model import Record, Source
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


def test_records_of_one_batch_link_before_they_are_stored(settings, store) -> None:
    [marc] = list(read_path(str(DATA / "marc_article.xml")))
    [article] = list(read_stream(io.BytesIO(PUBMED), "pubmed.xml"))
    base = settings.base_uri
    a, b = record_uri(base, marc.id), record_uri(base, article.id)
    batch = [(iri, identifiers(map_record(r, base, modified=T0), URIRef(iri)))
             for iri, r in ((a, marc), (b, article))]
    assert IdentityLinker(store).link_batch(batch) == {b: a}


def test_records_of_one_load_link_across_batches(settings, tmp_path: Path) -> None:
    """Batches of one record: the second finds the first in the store, same run."""
    records = tmp_path / "two.jsonl"
    records.write_text(
        '{"id": "first", "title": "A", "doi_str_mv": ["10.1103/PhysRevLett.116.061102"]}\n'
        '{"id": "second", "title": "B", "url": ["https://doi.org/10.1103/physrevlett.116.061102"]}\n')
    settings = replace(settings, batch_size=1)
    with open_store(settings) as store:
        summary = ingest_paths([str(records)], settings=settings, store=store, jobs=0)
        second = store.graph(record_graph(settings.base_uri, "second"))
    assert summary.loaded == 2
    assert (URIRef(record_uri(settings.base_uri, "second")), OWL.sameAs,
            URIRef(record_uri(settings.base_uri, "first"))) in second


def test_a_doi_written_in_another_case_links(settings, store) -> None:
    """DOIs ignore case: a mixed-case DOI stored, the same DOI in lower case later."""
    base = settings.base_uri
    first = Record(id="mixed", source=Source("a.json", "record 1", "vufind-json"), title="A",
                   doi=["10.1103/PhysRevLett.116.061102"])
    later = Record(id="lower", source=Source("b.json", "record 1", "vufind-json"), title="B",
                   doi=["10.1103/physrevlett.116.061102"])
    assert load(store, settings, IdentityLinker(store), first, 0) == []
    assert load(store, settings, IdentityLinker(store), later, 1) == [
        (URIRef(record_uri(base, later.id)), OWL.sameAs, URIRef(record_uri(base, first.id)))]


def test_an_isbn_10_and_its_isbn_13_link(settings, store) -> None:
    base = settings.base_uri
    ten = Record(id="ten", source=Source("a.mrc", "record 1", "marc"), title="A",
                 isbn=["0-471-38314-7 (pbk.)"])
    thirteen = Record(id="thirteen", source=Source("b.json", "record 1", "vufind-json"),
                      title="A", isbn=["978-0-471-38314-7"])
    assert load(store, settings, IdentityLinker(store), ten, 0) == []
    assert load(store, settings, IdentityLinker(store), thirteen, 1) == [
        (URIRef(record_uri(base, "thirteen")), OWL.sameAs, URIRef(record_uri(base, "ten")))]


class CountingStore:
    """The real store, counting the rows its SELECTs return (regression test below)."""

    def __init__(self, store) -> None:
        self.store, self.rows, self.calls = store, 0, 0

    def select(self, query: str) -> list:
        rows = self.store.select(query)
        self.rows += len(rows)
        self.calls += 1
        return rows


def test_linking_reads_only_the_batch_identifiers(settings, store) -> None:
    """Regression: the linker read every stored identifier at the start of each load
    (17.6 s and 590 MB at 100,000 records); it now asks about the batch's only."""
    base = settings.base_uri
    for n in range(50):
        record = Record(id=f"stored-{n}", source=Source("a.json", f"record {n}", "vufind-json"),
                        title=f"T{n}", doi=[f"10.1000/stored.{n}"], pmid=str(1000 + n))
        graph = map_record(record, base, modified=T0)
        store.write_records([RecordGraph(record.id, record_graph(base, record.id), graph)])
    counting = CountingStore(store)
    new = [(record_uri(base, "new"), [("doi", "10.1000/new")]),
           (record_uri(base, "again"), [("doi", "10.1000/stored.7"), ("pmid", "1007")])]
    assert IdentityLinker(counting).link_batch(new) == {  # type: ignore[arg-type]
        record_uri(base, "again"): record_uri(base, "stored-7")}
    # stored-7 by its DOI (its doi.org IRI) and its PMID, then its document's
    # dcterms:modified; nothing about the 49 other stored records
    assert counting.rows == 3


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


def test_identifiers_of_recent_batches_are_remembered(settings, store) -> None:
    """A recurring identifier (many copies of one ISBN, one DOI from several sources)
    is answered from memory, not by reading all its holders again; memory is bounded."""
    base = settings.base_uri
    a, b, c, d = (record_uri(base, x) for x in "abcd")
    counting = CountingStore(store)
    linker = IdentityLinker(counting, remember=2)  # type: ignore[arg-type]
    assert linker.link_batch([(a, [("doi", "10.1000/a")])]) == {}
    asked = counting.calls
    assert linker.link_batch([(b, [("doi", "10.1000/a")])]) == {b: a}  # a is not even stored
    assert counting.calls == asked
    linker.link_batch([(c, [("doi", "10.1000/c"), ("pmid", "3")])])  # a's DOI is forgotten
    assert linker.link_batch([(d, [("doi", "10.1000/a")])]) == {}  # the store is asked: no a
    assert counting.calls > asked


def test_no_link_to_a_record_deleted_earlier_in_the_load(settings, store) -> None:
    """Regression: the linker's memory named a record that a deletion of the same
    load (an OAI-PMH harvest) had removed: a dangling owl:sameAs."""
    from ld.model import Deletion

    def doi_record(record_id: str, n: int) -> Record:
        return Record(id=record_id, source=Source("h.xml", f"record {n}", "oai"), title="T",
                      doi=["10.1000/shared"])

    items = [doi_record("gone", 1), Deletion("gone", Source("h.xml", "record 2", "oai")),
             doi_record("kept", 3)]
    settings = replace(settings, batch_size=1)
    summary = ingest_items(items, settings=settings, store=store, jobs=0)
    assert (summary.loaded, summary.deleted) == (2, 1)
    kept = store.graph(record_graph(settings.base_uri, "kept"))
    assert (URIRef(record_uri(settings.base_uri, "kept")), OWL.sameAs,
            URIRef(record_uri(settings.base_uri, "gone"))) not in kept


def test_records_sharing_one_of_several_isbns_do_not_link(settings, store) -> None:
    """Regression: two volumes that both list their set's ISBN (020 $a ... (set)) were
    declared the same (owl:sameAs); so were a print record listing its ebook's ISBN and
    that ebook's own record. Only a record's one ISBN identifies it."""
    def record(rid: str, *isbns: str) -> Record:
        return Record(id=rid, source=Source("a.mrc", "record 1", "marc"), title=rid,
                      isbn=list(isbns))

    vol1 = record("vol1", "9780415782654 (v. 1)", "9780203112021 (set)")
    vol2 = record("vol2", "9780415782661 (v. 2)", "9780203112021 (set)")
    ebook = record("ebook", "9780203112021")  # one ISBN, held by stored multi-ISBN records
    assert load(store, settings, IdentityLinker(store), vol1, 0) == []
    assert load(store, settings, IdentityLinker(store), vol2, 1) == []
    assert load(store, settings, IdentityLinker(store), ebook, 2) == []
    base = settings.base_uri
    batch = [(record_uri(base, r.id), identifiers(map_record(r, base, modified=T0),
                                                  URIRef(record_uri(base, r.id))))
             for r in (vol1, vol2)]
    assert IdentityLinker(store).link_batch(batch) == {}  # nor within one batch


def test_loading_two_sources_again_in_turn_keeps_their_link(settings, store) -> None:
    """Regression: after source A, then B (B sameAs A), re-loading A and then B left no
    link at all: re-loaded, B found its own old copy the earliest holder of the DOI."""
    base = settings.base_uri
    a = Record(id="a", source=Source("a.json", "record 1", "vufind-json"), title="A",
               doi=["10.1000/shared"])
    b = Record(id="b", source=Source("b.xml", "record 1", "marcxml"), title="B",
               doi=["10.1000/shared"])
    b_same_a = [(URIRef(record_uri(base, "b")), OWL.sameAs, URIRef(record_uri(base, "a")))]
    assert load(store, settings, IdentityLinker(store), a, 0) == []
    assert load(store, settings, IdentityLinker(store), b, 1) == b_same_a
    assert load(store, settings, IdentityLinker(store), a, 2) == []  # a stays the first
    assert load(store, settings, IdentityLinker(store), b, 3) == b_same_a
    assert load(store, settings, IdentityLinker(store), a, 4) == []
