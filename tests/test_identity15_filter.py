"""The identity filter (ld.identity_filter): the linker skips look-ups of identifiers the
store certainly does not hold, and never misses one it does hold.

Real embedded store on disk, real loads (``ingest_paths``), real mapper; the
filter's forms are checked against what the linker's look-up asks for every
identifier of the real MARC and PubMed records in ../shared/data.
"""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL

from ld import identity_filter
from ld.config import Settings
from ld.identity import IdentityLinker, triple_keys
from ld.identity_filter import FILE, KeyFilter, stored_patterns
from ld.ingest import ingest_paths
from ld.mapping import map_record
from ld.model import Record
from ld.nquads import serialize
from ld.pipeline import read_paths
from ld.readers import read_path
from ld.store import open_store, results
from ld.store.base import RecordGraph
from ld.uris import record_graph, record_uri

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def write(path: Path, records: list[dict]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


def same_as(store, settings: Settings, record_id: str) -> set[str]:
    graph = store.graph(record_graph(settings.base_uri, record_id))
    return {str(o) for o in graph.objects(URIRef(record_uri(settings.base_uri, record_id)),
                                          OWL.sameAs) if "/id/record/" in str(o)}


def first_load() -> list[dict]:
    return [{"id": f"a{n}", "title": f"A {n}", "doi_str_mv": [f"10.1000/Shared.{n}"]}
            for n in range(30)]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, batch_size=7)


def test_a_later_load_links_through_the_saved_filter(settings: Settings, tmp_path: Path) -> None:
    later = [{"id": "b1", "title": "B", "doi_str_mv": ["10.1000/shared.4"]},
             {"id": "b2", "title": "B", "url": ["https://pubmed.ncbi.nlm.nih.gov/777/"]},
             {"id": "b3", "title": "B", "doi_str_mv": ["10.1000/new.1"]}]
    with open_store(settings) as store:
        ingest_paths([write(tmp_path / "a.jsonl", first_load())], settings=settings,
                     store=store, jobs=0)
        path = store.derived_path(FILE)
        assert path.exists()  # saved at the end of the load
        saved = identity_filter._read(path)
        assert saved is not None and not saved.may_hold(("doi", "10.1000/new.1"))
        ingest_paths([write(tmp_path / "b.jsonl", later)], settings=settings, store=store, jobs=0)
        assert same_as(store, settings, "b1") == {record_uri(settings.base_uri, "a4")}
        assert same_as(store, settings, "b3") == set()


KILLED_LOAD = """
import os, signal, sys
from dataclasses import replace
from ld.config import load_settings
from ld.ingest import ingest_paths
from ld.store import open_store

def progress(summary):
    if summary.loaded >= 21:  # three batches stored: killed before the load's end
        os.kill(os.getpid(), signal.SIGKILL)

if __name__ == "__main__":
    settings = replace(load_settings(env={}, store=sys.argv[1]), batch_size=7)
    with open_store(settings) as store:
        ingest_paths([sys.argv[2]], settings=settings, store=store, jobs=0, progress=progress)
"""


def test_a_killed_load_leaves_no_filter_and_the_next_load_makes_it(
        settings: Settings, tmp_path: Path) -> None:
    """A real load killed with SIGKILL after three batches: its filter (taken before its
    first write) is not on disk, and the next load makes it from the store and links to
    a record the killed load stored."""
    with open_store(settings) as store:  # a first load leaves a filter behind
        ingest_paths([write(tmp_path / "z.jsonl", [{"id": "z", "title": "Z"}])],
                     settings=settings, store=store, jobs=0)
        assert store.derived_path(FILE).exists()
    script = tmp_path / "killed.py"
    script.write_text(KILLED_LOAD)
    proc = subprocess.run([sys.executable, str(script), settings.store,
                           write(tmp_path / "a.jsonl", first_load())],
                          capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    with open_store(settings) as store:
        assert not store.derived_path(FILE).exists()
        assert store.has_graph(record_graph(settings.base_uri, "a20"))
        ingest_paths([write(tmp_path / "b.jsonl", [
            {"id": "b1", "title": "B", "doi_str_mv": ["10.1000/SHARED.20"]}])],
            settings=settings, store=store, jobs=0)
        assert same_as(store, settings, "b1") == {record_uri(settings.base_uri, "a20")}
        assert store.derived_path(FILE).exists()


def test_a_filter_made_from_the_store_holds_every_stored_form(
        settings: Settings, tmp_path: Path) -> None:
    """build() reads the store's answer in chunks (cut at line ends by _lines): from a
    store whose identifiers span many chunks it gets the same forms as from the whole
    dump in one piece."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import generate

    corpus = list(generate.records(1500, seed=3))
    for n, record in enumerate(corpus[:40]):  # DOIs with characters the IRI encodes
        record["doi_str_mv"] = [f"10.1000/odd(<{n}>)%;é"]
    with open_store(settings) as store:
        ingest_paths([write(tmp_path / "a.jsonl", corpus)], settings=settings, store=store,
                     jobs=0)
        dump = io.BytesIO()
        store.dump(dump, "application/n-quads")
        whole = set(stored_patterns(dump.getvalue()))
        assert len(b"\n".join(whole)) > 2 * results.CHUNK  # the answer spans chunks
        assert set(identity_filter.stored_forms(store)) == whole
        made = identity_filter.build(store)
        assert all(form in made for form in whole)


def test_an_over_full_filter_is_made_again_larger(settings: Settings, tmp_path: Path) -> None:
    with open_store(settings) as store:
        ingest_paths([write(tmp_path / "a.jsonl", first_load())], settings=settings,
                     store=store, jobs=0)
        full = KeyFilter(8)
        full.add(str(n).encode() for n in range(40))
        assert full.entries > full.capacity
        full.save(store.derived_path(FILE))
        made = identity_filter.take(store)
        assert made is not None and made.capacity >= identity_filter.SMALLEST
        assert made.may_hold(("doi", "10.1000/shared.7"))


def test_loading_the_same_records_again_does_not_grow_the_filter(
        settings: Settings, tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", first_load())
    with open_store(settings) as store:
        sizes = []
        for _ in range(3):
            ingest_paths([path], settings=settings, store=store, jobs=0)
            saved = identity_filter._read(store.derived_path(FILE))
            assert saved is not None
            sizes.append((saved.capacity, saved.entries))
    assert sizes[0] == sizes[1] == sizes[2]
    assert sizes[0][1] == 30


def test_writes_the_loader_did_not_make_drop_the_filter(settings: Settings, tmp_path: Path) -> None:
    """A SPARQL Update and a direct write_records may add identifiers the saved filter does
    not know: both delete it, and the next load links to what they added."""
    base = settings.base_uri
    with open_store(settings) as store:
        ingest_paths([write(tmp_path / "a.jsonl", first_load())], settings=settings,
                     store=store, jobs=0)
        assert store.derived_path(FILE).exists()
        pmid = "<http://purl.org/ontology/bibo/pmid>"
        store.update(f"INSERT DATA {{ GRAPH <{record_graph(base, 'a1')}> {{ "
                     f"<{record_uri(base, 'a1')}> {pmid} \"4242\" }} }}")
        assert not store.derived_path(FILE).exists()
        ingest_paths([write(tmp_path / "b.jsonl", [
            {"id": "b1", "title": "B", "url": ["https://pubmed.ncbi.nlm.nih.gov/4242/"]}])],
            settings=settings, store=store, jobs=0)
        assert same_as(store, settings, "b1") == {record_uri(base, "a1")}
        [direct] = list(read_path(write(tmp_path / "c.jsonl", [
            {"id": "c1", "title": "C", "doi_str_mv": ["10.1000/direct"]}])))
        graph = map_record(direct, base)
        store.write_records([RecordGraph("c1", record_graph(base, "c1"), graph)])
        assert not store.derived_path(FILE).exists()
        ingest_paths([write(tmp_path / "d.jsonl", [
            {"id": "d1", "title": "D", "doi_str_mv": ["10.1000/direct"]}])],
            settings=settings, store=store, jobs=0)
        assert same_as(store, settings, "d1") == {record_uri(base, "c1")}


def test_the_filter_spares_look_ups_of_new_identifiers(settings: Settings, tmp_path: Path) -> None:
    """With the filter, a batch of new identifiers asks the store nothing."""
    with open_store(settings) as store:
        ingest_paths([write(tmp_path / "a.jsonl", first_load())], settings=settings,
                     store=store, jobs=0)
        linker = IdentityLinker(store)
        linker.filter = identity_filter.take(store)
        asked: list[str] = []
        real = store.select
        store.select = lambda query: asked.append(query) or real(query)  # type: ignore[method-assign]
        try:
            new = [(f"urn:x:{n}", (("doi", f"10.2000/new.{n}"),)) for n in range(200)]
            assert linker.link_batch(new) == {}
            assert asked == []
            old = [("urn:x:old", (("doi", "10.1000/shared.3"),))]
            assert linker.link_batch(old) == {"urn:x:old": record_uri(settings.base_uri, "a3")}
            assert asked
        finally:
            del store.select


def test_an_unreadable_filter_is_made_again(settings: Settings, tmp_path: Path) -> None:
    with open_store(settings) as store:
        ingest_paths([write(tmp_path / "a.jsonl", first_load())], settings=settings,
                     store=store, jobs=0)
        store.derived_path(FILE).write_bytes(b"ldpub-identity-filter 1\n12 0\nshort")
        made = identity_filter.take(store)
        assert made is not None and made.may_hold(("doi", "10.1000/shared.0"))


def real_records() -> list:
    folders = [SHARED / "marc", SHARED / "pubmed", SHARED / "vufind-solr", SHARED / "seed"]
    if not all(f.is_dir() for f in folders):
        pytest.skip(f"{SHARED} is absent: the real MARC, PubMed and VuFind records are not here")
    paths = sorted(str(p) for f in folders for p in f.rglob("*")
                   if p.is_file() and p.suffix in {".mrc", ".xml", ".gz", ".json", ".txt"})
    return [item for item in read_paths(paths) if isinstance(item, Record)][:20000]


def test_every_identifier_of_the_real_records_is_in_their_stored_forms() -> None:
    """For each real record, every identifier the linker would look up for it is said to
    be held by a filter of the record's own N-Quads (what a load adds)."""
    checked = 0
    for record in real_records():
        try:
            graph = map_record(record, "http://localhost:5000/")
        except Exception:  # a record the mapper refuses is never stored
            continue
        keys = triple_keys(graph)
        own = KeyFilter(1 << 10)
        own.add(stored_patterns(serialize(graph, "http://localhost:5000/doc/record/x")))
        assert all(own.may_hold(key) for key in keys), (record.source, keys)
        checked += len(keys)
    assert checked > 100


def links(store) -> set[tuple[str, str]]:
    rows = store.select("SELECT ?s ?o WHERE { GRAPH ?g { ?s <http://www.w3.org/2002/07/owl#sameAs>"
                        " ?o FILTER(CONTAINS(STR(?o), '/id/record/')) } }")
    return {(str(r["s"]), str(r["o"])) for r in rows}


@pytest.mark.slow
def test_the_same_links_with_and_without_the_filter(settings: Settings, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Differential: three generated loads sharing PMIDs, PMC ids and ISBNs (bench/generate.py,
    same seed, other id prefixes), linked with the filter and with the look-ups alone."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import generate

    files = [write(tmp_path / f"{prefix}.jsonl",
                   list(generate.records(600, seed=seed, prefix=prefix)))
             for prefix, seed in (("a", 1), ("b", 1), ("c", 2))]
    found = []
    for name in ("with", "without"):
        here = replace(settings, store=str(tmp_path / name), batch_size=50)
        if name == "without":
            monkeypatch.setattr(identity_filter, "take", lambda store: None)
        with open_store(here) as store:
            for path in files:
                ingest_paths([path], settings=here, store=store, jobs=0)
            found.append(links(store))
    assert len(found[0]) > 600
    assert found[0] == found[1]


def test_a_filter_that_cannot_be_saved_does_not_fail_the_load(
        settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Regression (review): an OSError while saving the filter at the end of a load came
    out of ingest_items as a traceback in place of the summary, and the rejects report
    was not closed. Now the load ends as usual and the log says the next load makes it."""
    with open_store(settings) as store:
        (store.derived_path(FILE).with_suffix(".tmp")).mkdir()  # the save cannot write here
        summary = ingest_paths([write(tmp_path / "a.jsonl", first_load())], settings=settings,
                               store=store, jobs=0, rejects=str(tmp_path / "rejects.jsonl"))
        assert summary.loaded == 30
        assert "could not save the identity filter" in caplog.text
        assert not store.derived_path(FILE).exists()
        ingest_paths([write(tmp_path / "b.jsonl", [
            {"id": "b1", "title": "B", "doi_str_mv": ["10.1000/shared.9"]}])],
            settings=settings, store=store, jobs=0)
        assert same_as(store, settings, "b1") == {record_uri(settings.base_uri, "a9")}
