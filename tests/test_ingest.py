"""The load pipeline on a real embedded store in tmp_path (no mocks).

Covers the accounting (read == loaded + rejected + deleted), duplicates,
deletions, warnings, the rejects report, bad input of every kind, the worker
pool, the real VuFind records, the seed record fetched back from the store,
and a load killed with SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, XSD

from ld.config import Settings
from ld.errors import Location, ParseError, RecordError
from ld.ingest import Summary, ingest_items, ingest_paths, read_paths, validate_paths
from ld.mapping import map_record
from ld.model import Agent, Deletion, Record, Source
from ld.namespaces import BIBO, ISO639_2
from ld.namespaces import LDPUB as VOCAB
from ld.store import open_store
from ld.uris import record_graph, record_uri
from tests.shared_helpers import PUBMED_SEED_ARTICLE

ROOT = Path(__file__).resolve().parent.parent
LDPUB = str(Path(sys.executable).with_name("ldpub"))


def generate(path: Path, n: int, *extra: str) -> Path:
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(n), "-o",
                    str(path), *extra], check=True)
    return path


def records(path: Path) -> list[Record]:
    return [r for r in read_paths([str(path)]) if isinstance(r, Record)]


def stored_matches_mapping(store, record: Record, base: str) -> bool:
    """The stored graph is exactly the mapping of ``record`` (at its stored time)
    plus the validation notes ingest adds to the document."""
    graph = store.graph(record_graph(base, record.id))
    doc = URIRef(record_graph(base, record.id))
    assert graph.value(doc, VOCAB.warningCount) is not None
    graph.remove((doc, VOCAB.warningCount, None))
    graph.remove((doc, VOCAB.warning, None))
    modified = graph.value(doc, DCTERMS.modified).toPython()
    return isomorphic(graph, map_record(record, base, modified=modified))


def check(summary: Summary) -> Summary:
    assert summary.read == summary.loaded + summary.rejected + summary.deleted, summary
    return summary


@pytest.fixture
def store(settings: Settings) -> Iterator:
    with open_store(settings) as st:
        yield st


def test_seed_record_fetched_back_from_store(settings: Settings, store, seed_record: Path):
    summary = check(ingest_paths([str(seed_record)], settings=settings, store=store, jobs=0))
    assert (summary.read, summary.loaded, summary.exit_code) == (1, 1, 0)
    base = settings.base_uri
    graph = store.graph(record_graph(base, "pubmed-6839263"))
    s = URIRef(record_uri(base, "pubmed-6839263"))
    expected = [
        (s, RDF.type, BIBO.AcademicArticle),
        (s, DCTERMS.identifier, Literal("pubmed-6839263")),
        (s, DCTERMS.issued, Literal("2019", datatype=XSD.gYear)),
        (s, DCTERMS.language, ISO639_2.eng),
        (s, BIBO.doi, Literal("10.1186/s12913-019-4618-8")),
        (s, BIBO.pmid, Literal("31703678")),
        (s, DCTERMS.title, Literal("Partnering with patients in quality improvement: towards "
                                   "renewed practices for healthcare organization managers?")),
        (URIRef(record_graph(base, "pubmed-6839263")), RDF.type,
         URIRef("http://xmlns.com/foaf/0.1/Document")),
    ]
    for triple in expected:
        assert triple in graph, triple
    assert len(list(graph.objects(s, DCTERMS.creator))) == 3
    assert stored_matches_mapping(store, records(seed_record)[0], base)


def _source(n: int) -> Source:
    return Source("mem.jsonl", f"record {n}", "test")


def _record(n: int, record_id: str, title: str = "A title", language: str = "English"):
    return Record(id=record_id, source=_source(n), title=title, languages=[language],
                  formats=["Book"], issued="2001")


def test_duplicates_later_wins_and_deletions(settings: Settings, store) -> None:
    settings = replace(settings, batch_size=2)
    items = [_record(1, "a", "first"), _record(2, "b"), _record(3, "a", "second"),
             _record(4, "c"), _record(5, "c", "third"), Deletion("b", _source(6)),
             _record(7, "d")]
    summary = check(ingest_items(items, settings=settings, store=store, jobs=0))
    assert (summary.read, summary.loaded, summary.deleted) == (7, 6, 1)
    assert {"read", "map", "validate", "store"} <= set(summary.stages)
    assert summary.replaced == 2  # "a" across batches, "c" within one batch
    base = settings.base_uri
    titles = {i: str(store.graph(record_graph(base, i)).value(
        URIRef(record_uri(base, i)), DCTERMS.title)) for i in "acd"}
    assert titles == {"a": "second", "c": "third", "d": "A title"}
    assert not store.has_graph(record_graph(base, "b"))
    assert store.record_count() == 3


def test_publishes_during_a_long_load(settings: Settings, store) -> None:
    from ld.store import snapshots

    settings = replace(settings, batch_size=2)
    items = [_record(i, f"p{i}") for i in range(1, 6)]
    assert snapshots.current(Path(settings.store)) is None
    check(ingest_items(items, settings=settings, store=store, jobs=0, publish_every=0))
    assert snapshots.current(Path(settings.store)) is not None


def test_an_interrupted_load_stops_its_reader_and_keeps_whole_batches(settings: Settings,
                                                                     store) -> None:
    """Ctrl-C at a progress tick: the read-ahead thread ends, the input is closed,
    and what was stored is the batches written before it."""
    import threading

    closed = threading.Event()

    def endless() -> Iterator[Record]:
        try:
            n = 0
            while True:
                n += 1
                yield _record(n, f"i{n}")
        finally:
            closed.set()

    def interrupt(summary: Summary) -> None:
        raise KeyboardInterrupt

    settings = replace(settings, batch_size=5)
    with pytest.raises(KeyboardInterrupt):
        ingest_items(endless(), settings=settings, store=store, jobs=0, progress=interrupt)
    assert closed.wait(5)
    assert not [t for t in threading.enumerate() if t.name == "ldpub-read-ahead"]
    assert store.record_count() == 5


def test_rejects_report_for_violations_and_record_errors(settings, store, tmp_path) -> None:
    rejects = tmp_path / "rejects.jsonl"
    bad = RecordError("not a year", Location("mem.jsonl", "record 2", "x", "publishDate"))
    items = [_record(1, "ok"), bad, _record(3, "klingon", title=" ")]  # no title: a violation
    seen: list[Summary] = []
    summary = check(ingest_items(items, settings=settings, store=store, jobs=0,
                                 rejects=rejects, progress=seen.append))
    assert (summary.loaded, summary.rejected, summary.exit_code) == (1, 2, 1)
    assert seen and seen[-1].read == 3
    entries = [json.loads(line) for line in rejects.read_text().splitlines()]
    kinds = {e["kind"]: e for e in entries}
    assert kinds["record-error"]["field"] == "publishDate"
    assert kinds["record-error"]["position"] == "record 2"
    violation = kinds["violation"]
    assert (violation["file"], violation["position"], violation["record_id"]) == (
        "mem.jsonl", "record 3", "klingon")
    assert any(r["property"] == str(DCTERMS.title) and r["message"]
               for r in violation["results"])
    assert not store.has_graph(record_graph(settings.base_uri, "klingon"))


def test_parse_error_keeps_what_came_before(settings: Settings, store) -> None:
    def broken():
        yield _record(1, "one")
        yield _record(2, "two")
        raise ParseError("unexpected end of file", Location("mem.jsonl", "byte 120"))

    summary = check(ingest_items(broken(), settings=settings, store=store, jobs=0))
    assert (summary.loaded, summary.exit_code) == (2, 2)
    assert "mem.jsonl, byte 120: unexpected end of file" in summary.errors[0]
    assert store.record_count() == 2


BAD_INPUTS = {  # name -> (bytes, what the message must name, ids stored, exit code)
    "malformed-json": (b'[{"id": "a1", "title": "ok", "format": ["Book"]}, {"id": "a2", '
                       b'"title": }]', "byte", {"a1"}, 2),
    "truncated": (b'{"response": {"docs": [{"id": "t1", "title": "ok", "format": ["Book"]},'
                  b' {"id": "t2", "ti', "byte", {"t1"}, 2),
    # a JSON line that is not UTF-8 is one rejected record; the file goes on past it
    "bad-utf8": (b'{"id": "u1", "title": "caf\xe9 \xff"}\n{"id": "u2", "title": "ok"}\n',
                 "byte", {"u2"}, 1),
    "missing-id": (b'{"title": "no id here"}\n{"id": "m2", "title": "ok", "format": ["Book"]}'
                   b'\n', "field 'id'", {"m2"}, 1),
    "wrong-shape": (b'{"id": "w1", "title": {"nested": 1}}\n{"id": "w2", "title": "ok", '
                    b'"format": ["Book"]}\n', "field 'title'", {"w2"}, 1),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_located(settings, store, tmp_path: Path, case: str) -> None:
    """Records before a parse failure are kept; a bad record is refused, the rest loads."""
    data, must_name, stored, code = BAD_INPUTS[case]
    path = tmp_path / f"{case}.json"
    path.write_bytes(data)
    rejects = tmp_path / "rejects.jsonl"
    summary = check(ingest_paths([str(path)], settings=settings, store=store, jobs=0,
                                 rejects=rejects))
    assert summary.exit_code == code
    entries = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert entries, "every refusal is reported"
    text = " ".join(f"{e['file']}, {e['position']}, record {e['record_id']!r}, "
                    f"field {e.get('field')!r}: {e['message']}" for e in entries)
    assert str(path) in text and must_name in text and entries[0]["message"]
    for record_id in stored:
        assert store.has_graph(record_graph(settings.base_uri, record_id)), record_id
    assert store.record_count() == summary.loaded == len(stored)


def test_unknown_format(settings, store, tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00\x01\x02 what is this")
    summary = ingest_paths([str(path)], settings=settings, store=store, jobs=0)
    assert summary.exit_code == 2 and str(path) in summary.errors[0]


def test_worker_pool_gives_what_in_process_gives(settings, tmp_path: Path) -> None:
    data = generate(tmp_path / "g.jsonl", 300, "--bad-every", "25")
    settings = replace(settings, batch_size=40)
    rejects = tmp_path / "rejects.jsonl"
    with open_store(settings) as st:
        summary = check(ingest_paths([str(data)], settings=settings, store=st, jobs=2,
                                     rejects=rejects))
        assert (summary.read, summary.rejected) == (300, 12)
        assert st.record_count() == 288
        for record in records(data)[::29]:
            if record.title:  # bench/generate.py plants a record without a title
                assert stored_matches_mapping(st, record, settings.base_uri)
    assert len(rejects.read_text().splitlines()) == 12


def test_validate_paths_stores_nothing(settings, store, tmp_path: Path) -> None:
    data = generate(tmp_path / "v.jsonl", 6, "--bad-every", "3")
    items = list(validate_paths([str(data)], settings=settings))
    assert len(items) == 6 and sum(not r.conforms for r in items) == 2
    assert all(r.source.file == str(data) for r in items)
    assert store.record_count() == 0


def test_validate_paths_in_workers_reports_like_in_process(settings, tmp_path: Path) -> None:
    """Several batches through worker processes: the same reports, in input order."""
    data = generate(tmp_path / "w.jsonl", 40, "--bad-every", "7")
    small = replace(settings, batch_size=5)

    def summary(jobs: int) -> list[tuple]:
        return [(r.source.position, r.conforms, len(r.results))
                for r in validate_paths([str(data)], settings=small, jobs=jobs)]

    in_process, in_workers = summary(0), summary(2)
    assert in_workers == in_process and len(in_process) == 40
    assert sum(not conforms for _, conforms, _ in in_process) == 5  # records 7, 14, ... 35
    assert [p for p, _, _ in in_workers] == [p for p, _, _ in in_process]


def test_real_vufind_records_load_or_are_rejected_with_reason(settings, store, shared_data,
                                                              tmp_path: Path) -> None:
    files = sorted(str(p) for p in (shared_data / "vufind-solr").rglob("*")
                   if p.is_file() and p.suffix in (".json", ".http"))
    rejects = tmp_path / "rejects.jsonl"
    summary = check(ingest_paths(files, settings=settings, store=store, jobs=0,
                                 rejects=rejects))
    assert summary.errors == [] and summary.read >= 10
    entries = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert len(entries) == summary.rejected
    for entry in entries:
        reasons = [r["message"] for r in entry.get("results", [])] + [entry.get("message")]
        assert entry["file"] and entry["record_id"] and any(reasons), entry
    assert store.record_count() == summary.loaded


def _session_pids(sid: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid:
            pids.append(int(stat.parent.name))
    return pids


@pytest.mark.slow
def test_killed_load_leaves_whole_records(settings, tmp_path: Path) -> None:
    data = generate(tmp_path / "k.jsonl", 4000)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}
    env.update(LDPUB_STORE=settings.store, LDPUB_BATCH_SIZE="20")
    proc = subprocess.Popen([LDPUB, "load", str(data)], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal_seen = _wait_for_writes(Path(settings.store), proc, limit=150)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert journal_seen, "the load never wrote anything before the deadline"
    deadline = time.monotonic() + 20  # the workers notice their parent is gone
    while _session_pids(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _session_pids(proc.pid) == [], "worker processes outlived the killed load"
    stats = subprocess.run([LDPUB, "stats", "--json"], env=env, capture_output=True,
                           timeout=120, check=True)
    count = json.loads(stats.stdout)["records"]
    by_id = {r.id: r for r in records(data)}
    with open_store(settings) as st:
        assert st.record_count() == count
        rows = st.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        stored = [str(r["g"]).rsplit("/", 1)[1] for r in rows]
        assert len(stored) == count and 0 < count < 4000
        for record_id in stored:
            assert stored_matches_mapping(st, by_id[record_id], settings.base_uri), record_id


def _size(store: Path) -> int:
    if not store.exists():
        return 0
    return sum(f.stat().st_size for f in store.rglob("*") if f.is_file())


def _wait_for_writes(store: Path, proc: subprocess.Popen, limit: float) -> bool:
    """Wait (bounded) until the store has grown by some batches since it was opened."""
    deadline = time.monotonic() + limit
    baseline = None
    while time.monotonic() < deadline and proc.poll() is None:
        if baseline is None and store.exists():
            time.sleep(0.5)
            baseline = _size(store)
        elif baseline is not None and _size(store) > baseline + 50_000:
            time.sleep(0.7)  # land somewhere inside a later batch
            return True
        time.sleep(0.05)
    return False


PUBMED_ARTICLE = PUBMED_SEED_ARTICLE.read_bytes()
VUFIND_ARTICLE = {
    "id": "vufind-article-1", "title": "Partnering with patients in quality improvement",
    "format": ["Article"], "author": ["Doe, Jane"], "publishDate": ["2019"],
    "language": ["English"], "doi_str_mv": ["10.1186/s12913-019-4618-8"],
    "container_title": "BMC health services research",
}


@pytest.mark.parametrize("one_load", [True, False], ids=["one load", "two loads"])
def test_same_article_from_two_sources_is_linked(settings, store, tmp_path: Path,
                                                 one_load: bool) -> None:
    """VuFind JSON first, PubMed XML later: the later record says owl:sameAs the first."""
    from rdflib.namespace import OWL

    vufind = tmp_path / "vufind.json"
    vufind.write_text(json.dumps([VUFIND_ARTICLE]))
    pubmed = tmp_path / "pubmed.xml"
    pubmed.write_bytes(PUBMED_ARTICLE)
    loads = [[str(vufind), str(pubmed)]] if one_load else [[str(vufind)], [str(pubmed)]]
    for paths in loads:
        summary = check(ingest_paths(paths, settings=settings, store=store, jobs=0))
        assert summary.rejected == 0, summary
    base = settings.base_uri
    first = URIRef(record_uri(base, "vufind-article-1"))
    [later_id] = [r.id for r in read_paths([str(pubmed)]) if isinstance(r, Record)]
    later = URIRef(record_uri(base, later_id))
    assert (later, OWL.sameAs, first) in store.graph(record_graph(base, later_id))
    assert not list(store.graph(record_graph(base, "vufind-article-1")).triples(
        (first, OWL.sameAs, later)))
    # loading the first again adds no link: it is still the first
    check(ingest_paths([str(vufind)], settings=settings, store=store, jobs=0))
    assert (first, OWL.sameAs, None) not in _records_only(store, base, "vufind-article-1")


def _records_only(store, base: str, record_id: str):
    """The record's graph without the DOI sameAs link the mapper itself adds."""
    graph = store.graph(record_graph(base, record_id))
    for triple in list(graph.triples((None, None, None))):
        if str(triple[2]).startswith("https://doi.org/"):
            graph.remove(triple)
    return graph


def test_pyshacl_engine_loads_what_the_fast_engine_loads(settings, tmp_path: Path) -> None:
    """The reference validator gets rdflib graphs, the compiled one triple sets: same load."""
    from ld.validation import Validator

    data = generate(tmp_path / "e.jsonl", 40, "--bad-every", "8")
    counts = []
    for engine in ("pyshacl", "fast"):
        settings_e = replace(settings, store=str(tmp_path / engine))
        with open_store(settings_e) as st:
            summary = check(ingest_paths([str(data)], settings=settings_e, store=st, jobs=0,
                                         validator=Validator(engine=engine)))
            counts.append((summary.loaded, summary.rejected, summary.triples,
                           st.count_triples()))
    assert counts[0] == counts[1] and counts[0][1] == 5, counts


def test_warnings_are_stored_on_the_document(settings: Settings, store) -> None:
    """A publishable record with odd data is stored with its warnings, for its page."""
    odd = Record(id="odd", source=_source(1), title="No date, no language", formats=["Book"])
    fine = _record(2, "fine")
    summary = check(ingest_items([odd, fine], settings=settings, store=store, jobs=0))
    assert summary.loaded == 2 and summary.warnings >= 2
    base = settings.base_uri
    odd_doc = store.graph(record_graph(base, "odd"))
    doc = URIRef(record_graph(base, "odd"))
    messages = [str(m) for m in odd_doc.objects(doc, VOCAB.warning)]
    assert int(odd_doc.value(doc, VOCAB.warningCount)) == len(messages) >= 2
    assert any("date" in m.lower() for m in messages), messages
    assert any("language" in m.lower() for m in messages), messages
    fine_doc, fine = store.graph(record_graph(base, "fine")), URIRef(record_graph(base, "fine"))
    fine_messages = list(fine_doc.objects(fine, VOCAB.warning))
    assert int(fine_doc.value(fine, VOCAB.warningCount)) == len(fine_messages) < len(messages)
    assert not any("date" in str(m).lower() for m in fine_messages)


def test_each_warning_names_its_value_and_is_counted_once(settings: Settings, store) -> None:
    """Regression: two bad DOIs gave one message (RDF keeps a literal once) under
    "3 warnings" on the page, and the page did not say which values were meant."""
    odd = Record(id="dois", source=_source(1), title="T", formats=["Book"], issued="2001",
                 languages=["English"], creators=[Agent("Smith, Ann")], doi=["doi4", "doi:3"])
    check(ingest_items([odd], settings=settings, store=store, jobs=0))
    graph, doc = store.graph(record_graph(settings.base_uri, "dois")), URIRef(
        record_graph(settings.base_uri, "dois"))
    messages = sorted(str(m) for m in graph.objects(doc, VOCAB.warning))
    assert int(graph.value(doc, VOCAB.warningCount)) == len(messages) == 2, messages
    assert messages[0].endswith("(given: 3)") and messages[1].endswith("(given: doi4)")


def test_a_load_leaves_the_garbage_collector_as_it_found_it(settings: Settings, store) -> None:
    """The load tunes gc for itself (workers.collect_less); a server or a harvest that
    loads must not go on with frozen objects or the load's thresholds."""
    import gc

    before = gc.get_threshold(), gc.get_freeze_count()
    records = [Record(id=f"gc-{i}", source=Source("t", str(i), "test"), formats=["Book"],
                      title=f"Title {i}", issued="2001") for i in range(3)]
    summary = ingest_items(records, settings=settings, store=store, jobs=0)
    assert summary.loaded == 3
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_cached_namespace_terms_are_the_same_iris_and_still_checked() -> None:
    from rdflib.namespace import DCTERMS as RDFLIB_DCTERMS

    from ld.namespaces import Terms

    terms = Terms(RDFLIB_DCTERMS)
    assert terms.title == RDFLIB_DCTERMS.title and terms.title is terms.title
    assert Terms(ISO639_2)["eng"] == ISO639_2["eng"]
    with pytest.raises(AttributeError):
        Terms(BIBO).notATerm  # noqa: B018 - the attribute access is the test


def test_a_new_load_keeps_the_previous_rejects_report(settings, store, tmp_path) -> None:
    """Regression: every load emptied the report, so a scheduled harvest erased the only
    note of the record rejected the day before (its harvest state had moved on)."""
    from ld.rejects import RejectsReport

    path = tmp_path / "rejects.jsonl"
    bad = [_record(1, "klingon", title=" ")]  # no title: a violation
    for records in (bad, [_record(2, "ok")], [_record(3, "ok")]):
        report = RejectsReport(path)
        check(ingest_items(records, settings=settings, store=store, jobs=0, rejects=report))
        report.close()
    kept = sorted(tmp_path.glob("rejects-*.jsonl"))
    assert len(kept) == 1, kept  # the first load's; the second's listed nothing
    assert "klingon" in kept[0].read_text()
    assert path.read_text() == ""
