"""The embedded store (pyoxigraph on disk): behaviour table, crash safety,
the writer lock, snapshots for serving.

Crash and concurrency tests use real processes: a writer killed with SIGKILL
at random moments, a second writer, a reader process querying snapshots
while the writer writes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from store_contract import *  # noqa: F403 - the shared behaviour table
from store_contract import expected_version, make_record

from ld.config import Settings, load_settings
from ld.errors import RecordError, StoreError
from ld.nquads import serialize
from ld.store import open_reader, open_store, reader, snapshots
from ld.store.base import RecordGraph
from ld.store.convert import graph_quads
from ld.store.embedded import UNPUBLISHED, EmbeddedStore
from ld.store.journal import Journal

TESTS = Path(__file__).parent
PYTHON = sys.executable


@pytest.fixture
def store(settings: Settings) -> Iterator[EmbeddedStore]:
    primary = open_store(settings)
    assert isinstance(primary, EmbeddedStore)
    yield primary
    primary.close()


@pytest.fixture
def fast_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Readers look for new snapshots on every call instead of once a second."""
    monkeypatch.setattr(reader, "CHECK_EVERY", 0.0)


def run_python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{TESTS}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run([PYTHON, "-c", code, *args], capture_output=True, text=True,
                          timeout=timeout, env=env, check=False)


# --- the journal ---------------------------------------------------------------

def test_an_unapplied_journal_entry_is_replayed_on_open(settings: Settings) -> None:
    """A crash after the journal commit but before the bulk write: the batch is redone."""
    root = Path(settings.store)
    with open_store(settings) as s:
        s.write_records([make_record(1), make_record(2)])
    batch = [make_record(1, version=2), make_record(3, version=1)]
    journal = Journal(root / "journal")
    journal.write([r.graph_iri for r in batch],
                  [q for r in batch for q in graph_quads(r.graph, r.graph_iri)])
    with open_store(settings) as s:
        assert s.replayed == 1
        assert [expected_version(s, i) for i in (1, 2, 3)] == [2, 0, 1]
    assert not list((root / "journal").iterdir())


def test_a_half_applied_batch_is_repaired_on_open(settings: Settings) -> None:
    """A crash in the middle of the bulk write: half the quads are in, the entry is replayed."""
    root = Path(settings.store)
    with open_store(settings) as s:
        s.write_records([make_record(1, version=4)])
    batch = [make_record(1, version=1), make_record(2, version=1)]
    quads = [q for r in batch for q in graph_quads(r.graph, r.graph_iri)]
    Journal(root / "journal").write([r.graph_iri for r in batch], quads)
    half = ox.Store(str(root / "primary"))
    half.bulk_extend(quads[: len(quads) // 2])  # old and new triples of record 1 mixed
    half.flush()
    del half
    with open_store(settings) as s:
        assert [expected_version(s, 1), expected_version(s, 2)] == [1, 1]


def test_a_torn_journal_write_is_ignored(settings: Settings) -> None:
    root = Path(settings.store)
    with open_store(settings) as s:
        s.write_records([make_record(1)])
    (root / "journal" / "000000000009.tmp").write_bytes(b"#ldpub-journal 1\n#graph <http://x")
    with open_store(settings) as s:
        assert s.replayed == 0
        assert expected_version(s, 1) == 0
    assert not list((root / "journal").iterdir())


WRITER = """
import sys
from store_contract import make_record
from ld.config import load_settings
from ld.store import open_store
store = open_store(load_settings(env={}, store=sys.argv[1]))
version = int(sys.argv[2])
while True:
    version += 1
    store.write_records([make_record(i, version % 7) for i in range(60)])
    if version % 5 == 0:
        store.delete_records([make_record(i).graph_iri for i in range(50, 60)])
    print("batch", version, flush=True)
"""


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_whole_records(settings: Settings) -> None:
    """Kill a writer with SIGKILL several times mid-load; every record stays whole.

    Six kills at least; up to twelve until one of them hit a batch between its
    journal commit and its flush, so the replay path is known to have run.
    """
    rng = random.Random(20261126)
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    replays = 0
    for round_ in range(12):
        if round_ >= 6 and replays:
            break
        proc = subprocess.Popen([PYTHON, "-c", WRITER, settings.store, str(round_ * 100)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert proc.stdout is not None and proc.stderr is not None
        if not proc.stdout.readline().startswith(b"batch"):  # it writes, batch after batch
            proc.kill()
            pytest.fail(f"writer did not start: {proc.stderr.read().decode()}")
        time.sleep(rng.uniform(0.0, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open_store(settings) as s:
            replays += s.replayed
            versions = [expected_version(s, i) for i in range(60)]  # whole records only
            assert all(v is not None for v in versions[:50])
            assert s.record_count() == sum(v is not None for v in versions)
    assert replays >= 1
    assert not list((Path(settings.store) / "journal").glob("*.nq"))


# --- the writer lock ------------------------------------------------------------

def test_a_second_writer_gets_a_clear_error(store: EmbeddedStore, settings: Settings) -> None:
    result = run_python(
        "import sys\nfrom ld.config import load_settings\nfrom ld.store import open_store\n"
        "try:\n    open_store(load_settings(env={}, store=sys.argv[1]))\n"
        "except Exception as e:\n    print(type(e).__name__, e)\n", settings.store)
    assert result.stdout.startswith("StoreBusy"), result.stderr  # a StoreError
    assert f"store at {settings.store} is in use by process {os.getpid()}" in result.stdout


def test_the_lock_goes_with_the_writer(settings: Settings) -> None:
    s = open_store(settings)
    with pytest.raises(StoreError, match="in use by process"):
        open_store(settings)
    s.close()
    open_store(settings).close()


# --- snapshots and readers ------------------------------------------------------

def test_reader_sees_records_after_publish(store: EmbeddedStore, settings: Settings,
                                           fast_reader: None) -> None:
    store.write_records([make_record(1)])
    store.publish()
    serving = open_reader(settings)
    first = serving.version  # type: ignore[attr-defined]
    assert serving.record_count() == 1
    store.write_records([make_record(2)])
    assert serving.record_count() == 1  # not published yet
    store.publish(compact=True)
    assert serving.record_count() == 2
    assert serving.version != first  # type: ignore[attr-defined]
    assert serving.has_graph(make_record(2).graph_iri)
    with pytest.raises(StoreError, match="read-only"):
        serving.write_records([make_record(3)])


def test_reader_publishes_when_nobody_did(settings: Settings) -> None:
    """A load killed before its publish: serve publishes what the primary holds."""
    with open_store(settings) as s:
        s.write_records([make_record(1)])
    assert (Path(settings.store) / UNPUBLISHED).exists()
    serving = open_reader(settings)
    assert serving.record_count() == 1
    assert serving.snapshot_path and Path(serving.snapshot_path).is_dir()  # type: ignore[attr-defined]
    assert not (Path(settings.store) / UNPUBLISHED).exists()


def test_reader_waits_for_a_running_load(store: EmbeddedStore, settings: Settings,
                                         fast_reader: None) -> None:
    store.write_records([make_record(1)])
    serving = open_reader(settings)  # the writer holds the primary: nothing published yet
    assert serving.record_count() == 0 and serving.version == "empty"  # type: ignore[attr-defined]
    store.publish()
    assert serving.record_count() == 1


def test_no_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        open_reader(load_settings(env={}, store=str(tmp_path / "missing")))


def test_old_snapshots_are_pruned_after_the_grace_period(store: EmbeddedStore,
                                                         settings: Settings) -> None:
    names = []
    for i in range(4):
        store.write_records([make_record(i)])
        names.append(store.publish(grace=3600))
    kept = sorted(p.name for p in snapshots.snapshots_dir(Path(settings.store)).iterdir())
    assert kept == names  # all within the grace period
    store.write_records([make_record(4)])
    store.publish(grace=0)
    kept = sorted(p.name for p in snapshots.snapshots_dir(Path(settings.store)).iterdir())
    assert len(kept) == snapshots.KEEP and kept[-1] == snapshots.current(Path(settings.store))


def test_a_publish_with_nothing_written_keeps_the_current_snapshot(
        store: EmbeddedStore, settings: Settings) -> None:
    """Was: every load published a new snapshot, one of unchanged records too (a nightly
    full load of an unchanged catalogue), and servers made their figures, search index
    and dumps again for it."""
    root = Path(settings.store)
    store.write_records([make_record(1)])
    first = store.publish(compact=True)  # as a command's final publish: compacted if due
    assert store.publish() == first == snapshots.current(root)
    assert store.write_records([make_record(1)]).unchanged == 1  # the same record again
    assert store.publish(compact=True) == first
    assert [p.name for p in snapshots.snapshots_dir(root).iterdir()] == [first]
    store.delete_records([make_record(1).graph_iri])
    assert store.publish() != first


READER = """
import sys, time
from ld.config import load_settings
from ld.store import open_reader, reader
reader.CHECK_EVERY = 0.02
serving = open_reader(load_settings(env={}, store=sys.argv[1]))
final, deadline = int(sys.argv[2]), time.monotonic() + 120
seen = []
while time.monotonic() < deadline and (not seen or seen[-1] != final):
    rows = serving.select("SELECT ?g (COUNT(?t) AS ?k) WHERE { GRAPH ?g "
                          "{ ?r <http://purl.org/dc/terms/title> ?t } } GROUP BY ?g")
    assert all(int(row["k"]) == 1 for row in rows)  # whole records, one title each
    n = len(rows)  # one query, one snapshot (two calls may straddle a publish)
    body = serving.serialize_graph("http://localhost:5000/doc/record/r0", "text/turtle")
    assert body is not None and b"Title 0" in body
    if not seen:
        print("ready", flush=True)
    if not seen or seen[-1] != n:
        seen.append(n)
    time.sleep(0.01)
print(" ".join(map(str, seen)), flush=True)
"""


def test_a_reader_process_works_while_the_writer_writes(store: EmbeddedStore,
                                                        settings: Settings) -> None:
    store.write_records([make_record(0)])
    store.publish()
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    readers = [subprocess.Popen([PYTHON, "-c", READER, settings.store, "201"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]  # two serving workers on the same snapshots
    for proc in readers:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for start in range(1, 201, 20):
        store.write_records([make_record(i, version=1) for i in range(start, start + 20)])
        store.publish()
        time.sleep(0.3)
    for proc in readers:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        seen = [int(n) for n in out.split()]
        assert seen[0] == 1 and seen[-1] == 201 and seen == sorted(seen) and len(seen) >= 3, seen


def test_a_forked_worker_opens_its_own_snapshot(store: EmbeddedStore,
                                                settings: Settings) -> None:
    """gunicorn forks workers after the app (and its reader) exist."""
    store.write_records([make_record(1), make_record(2)])
    store.publish()
    serving = open_reader(settings)
    assert serving.record_count() == 2
    pid = os.fork()
    if pid == 0:  # the worker
        code = 2
        try:
            code = 0 if serving.record_count() == 2 and serving.has_graph(
                make_record(1).graph_iri) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert serving.record_count() == 2


def test_a_store_path_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a store")
    with pytest.raises(StoreError, match=r"cannot use .*file as a store"):
        open_store(load_settings(env={}, store=str(tmp_path / "file")))


@pytest.mark.parametrize("query,expected", [
    ("SELECT * FROM <http://g> WHERE { ?s ?p ?o }", True),
    ("select * from named <http://g> { graph ?g { ?s ?p ?o } }", True),
    ("PREFIX ex: <http://ex/> SELECT * FROM ex:g WHERE { ?s ?p ?o }", True),
    ("SELECT * FROM\n<http://g> WHERE { ?s ?p ?o }", True),
    ("PREFIX from: <http://ex/> SELECT * WHERE { ?s from:a ?o }", False),
    ("SELECT ?from WHERE { ?from <http://p> ?o }", False),
    ("SELECT * WHERE { ?s <http://ex/FROM> ?o } # FROM <http://g>", False),
    ('SELECT * WHERE { ?s ?p "FROM <http://g>" }', False),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }", False),
])
def test_dataset_clause_detection(query: str, expected: bool) -> None:
    """pyoxigraph's union flag would override FROM, so FROM must be found first."""
    from ld.store.oxstore import has_dataset_clause

    assert has_dataset_clause(query) is expected


def test_a_result_dropped_unread_stops_its_thread(store: EmbeddedStore) -> None:
    """A response never streamed (HEAD, an error first) must not leave a thread behind."""
    import gc
    import threading

    store.write_records([make_record(i, extra=20) for i in range(20)])
    before = threading.active_count()
    for _ in range(5):
        response = store.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "text/csv")
        del response
    gc.collect()
    deadline = time.monotonic() + 10
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() == before


def test_a_pinned_view_keeps_its_snapshot(store: EmbeddedStore, settings: Settings,
                                          fast_reader: None) -> None:
    store.write_records([make_record(1)])
    store.publish()
    serving = open_reader(settings)
    pinned = serving.pin()
    version = pinned.version  # type: ignore[attr-defined]
    store.write_records([make_record(2)])
    store.publish()
    assert (pinned.record_count(), pinned.version) == (1, version)  # type: ignore[attr-defined]
    assert serving.record_count() == 2 and serving.version != version  # type: ignore[attr-defined]
    assert serving.pin().record_count() == 2


# --- records handed over as N-Quads (what the load's workers send) -------------


def _as_nquads(record: RecordGraph) -> RecordGraph:
    return RecordGraph(record.record_id, record.graph_iri,
                       nquads=serialize(record.graph, record.graph_iri))


def test_nquads_records_are_stored_like_graphs(store) -> None:
    from rdflib.compare import isomorphic

    batch = [make_record(i) for i in range(4)]
    result = store.write_records([_as_nquads(r) for r in batch])
    assert (result.written, result.replaced) == (4, 0)
    assert result.triples == sum(len(r.graph) for r in batch)
    newer = [make_record(i, version=2) for i in range(2)]
    assert store.write_records([_as_nquads(r) for r in newer]).replaced == 2
    for r in newer + batch[2:]:
        assert isomorphic(store.graph(r.graph_iri), r.graph), r.record_id


def test_bad_nquads_change_nothing(store) -> None:
    """Text the store cannot parse, or quads outside the record's graph: refused, named."""
    store.write_records([make_record(1), make_record(2)])
    g3 = make_record(3).graph_iri
    for body in (f"<urn:a> <urn:p> <http://bad iri> <{g3}> .\n".encode(),
                 b"<urn:a> <urn:p> <urn:o> <http://elsewhere/graph> .\n"):
        bad = RecordGraph("r3", g3, nquads=body)
        with pytest.raises(RecordError) as caught:
            store.write_records([_as_nquads(make_record(1, version=2)), bad])
        assert caught.value.location.record_id == "r3"
        assert [expected_version(store, i) for i in (1, 2, 3)] == [0, 0, None]


def test_a_fresh_batch_the_loader_refuses_is_rolled_back(store) -> None:
    """New records bulk-loaded unparsed: bad bytes leave none of the batch, and name it."""
    store.write_records([make_record(1)])
    good = [_as_nquads(make_record(i)) for i in (2, 3)]
    g4 = make_record(4).graph_iri
    bad = RecordGraph("r4", g4, nquads=f'<urn:a> <urn:p> "unterminated <{g4}> .\n'.encode())
    with pytest.raises(RecordError) as caught:
        store.write_records([*good, bad])
    assert caught.value.location.record_id == "r4"
    assert [expected_version(store, i) for i in (1, 2, 3, 4)] == [0, None, None, None]
    assert not list(store.journal.dir.iterdir())
    store.write_records(good)  # the rest of the batch goes in on the retry
    assert [expected_version(store, i) for i in (2, 3)] == [0, 0]


def test_an_unparsable_journal_entry_is_rolled_back_on_open(settings: Settings) -> None:
    """A crash before a refused fresh batch was rolled back: replay leaves its graphs out."""
    root = Path(settings.store)
    with open_store(settings) as s:
        s.write_records([make_record(1)])
    batch = [make_record(2), make_record(3)]
    body = b"".join(_as_nquads(r).nquads or b"" for r in batch) + b"<urn:a> broken\n"
    Journal(root / "journal").write([r.graph_iri for r in batch], body)
    half = ox.Store(str(root / "primary"))
    half.bulk_extend(graph_quads(batch[0].graph, batch[0].graph_iri))  # part of it landed
    half.flush()
    del half
    with open_store(settings) as s:
        assert [expected_version(s, i) for i in (1, 2, 3)] == [0, None, None]
    assert not list((root / "journal").iterdir())


def _compaction(settings: Settings) -> dict:
    import json

    return json.loads((Path(settings.store) / "COMPACTION").read_text(encoding="utf-8"))


def test_the_end_of_a_command_compacts_only_after_enough_changes(settings: Settings) -> None:
    """A one-record load must not compact a large store (5 s at 100,000 records,
    a minute at a million): changes are counted until they reach a tenth."""
    with open_store(settings) as store:
        store.write_records([make_record(i) for i in range(20)])
        store.publish(compact=True)  # a new store: its first change compacts
        assert _compaction(settings) == {"records": 20, "changed": 0}
        store.write_records([make_record(20)])
        store.publish(compact=True)  # 1 change of 20 records: not yet
        assert _compaction(settings) == {"records": 20, "changed": 1}
        store.delete_records([make_record(0).graph_iri])
    assert _compaction(settings) == {"records": 20, "changed": 2}  # saved on close
    with open_store(settings) as store:
        store.write_records([make_record(1, version=1)])  # a replaced record counts too
        store.publish(compact=True)  # 3 changes, 20 x 0.1 = 2: compact
        assert _compaction(settings) == {"records": 20, "changed": 0}
        store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
        store.publish(compact=True)  # an update's extent is unknown: compact
        assert _compaction(settings) == {"records": 21, "changed": 0}
