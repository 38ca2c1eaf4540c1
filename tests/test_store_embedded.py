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
from ld.errors import StoreError
from ld.store import open_reader, open_store, reader, snapshots
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
import sys, time
from store_contract import make_record
from ld.config import load_settings
from ld.store import open_store
store = open_store(load_settings(env={}, store=sys.argv[1]))
version = int(sys.argv[2])
print("ready", flush=True)
while True:
    version += 1
    store.write_records([make_record(i, version % 7) for i in range(60)])
    if version % 5 == 0:
        store.delete_records([make_record(i).graph_iri for i in range(50, 60)])
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
        if proc.stdout.readline().strip() != b"ready":
            proc.kill()
            pytest.fail(f"writer did not start: {proc.stderr.read().decode()}")
        time.sleep(rng.uniform(0.05, 1.2))
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
    assert result.stdout.startswith("StoreError"), result.stderr
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
    store.publish()
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
    store.publish(grace=0)
    kept = sorted(p.name for p in snapshots.snapshots_dir(Path(settings.store)).iterdir())
    assert len(kept) == snapshots.KEEP and kept[-1] == snapshots.current(Path(settings.store))


READER = """
import sys, time
from ld.config import load_settings
from ld.store import open_reader, reader
reader.CHECK_EVERY = 0.05
serving = open_reader(load_settings(env={}, store=sys.argv[1]))
seen, deadline = [], time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    n = serving.record_count()
    rows = serving.select("SELECT ?t WHERE { ?r <http://purl.org/dc/terms/title> ?t }")
    assert len(rows) == n, (len(rows), n)
    body = serving.serialize_graph("http://localhost:5000/doc/record/r0", "text/turtle")
    assert body is None or b"Title 0" in body
    if not seen or seen[-1] != n:
        seen.append(n)
    time.sleep(0.02)
print(" ".join(map(str, seen)))
"""


def test_a_reader_process_works_while_the_writer_writes(store: EmbeddedStore,
                                                        settings: Settings) -> None:
    store.write_records([make_record(0)])
    store.publish()
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    proc = subprocess.Popen([PYTHON, "-c", READER, settings.store, "4"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for start in range(1, 200, 20):
        store.write_records([make_record(i, version=1) for i in range(start, start + 20)])
        store.publish(grace=0)
        time.sleep(0.2)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    seen = [int(n) for n in out.split()]
    assert seen[0] >= 1 and seen == sorted(seen) and len(seen) >= 3, seen


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
