"""Values computed once per store version (ld.versioned): exact callers wait for their
version's value; the home page's (stale_ok) get the previous one at once while the
new one is computed in the background."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from ld import search_index, versioned
from ld.errors import Overloaded
from ld.ingest import ingest_paths
from ld.store import open_reader, open_store, snapshots
from ld.uris import record_graph
from tests.web_records import sample_paths

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Versioned:
    """Stands for a store: all the cache reads of it is ``version`` (and ``pin``)."""

    version: str

    def pin(self) -> Versioned:
        return replace(self)  # this version, whatever the store moves on to


def _wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.01)


@dataclass
class Rooted(Versioned):
    """A stand-in store with a location, as the embedded stores have."""

    root: str = ""


def test_a_stale_value_is_only_ever_the_same_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: in a process holding two stores (the test suite's sites), one store's
    home page showed the other's figures while its own were computed."""
    monkeypatch.setattr(versioned, "FIRST_WAIT", 0.1)
    key, release = ("test-two-stores", object()), threading.Event()

    def slowly(s) -> str:
        release.wait(5)
        return "of b"

    assert versioned.cached(Rooted("v1", "/stores/a"), key, lambda s: "of a",
                            stale_ok=True) == "of a"
    other = Rooted("v7", "/stores/b")
    assert versioned.cached(other, key, slowly, stale_ok=True) is None  # not "of a"
    release.set()
    _wait_for(lambda: versioned.cached(other, key, slowly, stale_ok=True) == "of b")


def test_once_per_version() -> None:
    calls: list[str] = []
    store = Versioned("v1")

    def compute(s) -> str:
        calls.append(s.version)
        return f"value of {s.version}"

    key = ("test-once", object())
    assert versioned.cached(store, key, compute) == "value of v1"
    assert versioned.cached(store, key, compute) == "value of v1"
    store.version = "v2"
    assert versioned.cached(store, key, compute) == "value of v2"  # exact: computed now
    assert calls == ["v1", "v2"]


def test_stale_ok_gets_the_previous_value_while_the_new_one_is_computed() -> None:
    store, release = Versioned("v1"), threading.Event()
    key = ("test-stale", object())
    assert versioned.cached(store, key, lambda s: "old") == "old"
    store.version = "v2"

    def slow(s) -> str:
        release.wait(10)
        return "new"

    assert versioned.cached(store, key, slow, stale_ok=True) == "old"  # at once
    assert versioned.cached(store, key, slow, stale_ok=True) == "old"  # one refresh only
    release.set()
    _wait_for(lambda: versioned.cached(store, key, slow, stale_ok=True) == "new")
    assert versioned.cached(store, key, lambda s: "never") == "new"  # exact callers too


def test_stale_ok_with_nothing_computed_yet_computes() -> None:
    key = ("test-first", object())
    assert versioned.cached(Versioned("v1"), key, lambda s: 42, stale_ok=True) == 42


def test_a_failed_refresh_keeps_the_stale_value_and_tries_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versioned, "FAILED_RETRY", 0.5)
    store = Versioned("v1")
    key = ("test-fail", object())
    versioned.cached(store, key, lambda s: "old")
    store.version = "v2"

    def failing(s) -> str:
        raise RuntimeError("store gone")

    assert versioned.cached(store, key, failing, stale_ok=True) == "old"
    _wait_for(lambda: key not in versioned._running)
    assert versioned.cached(store, key, lambda s: "new", stale_ok=True) in ("old", "new")
    _wait_for(lambda: versioned.cached(store, key, lambda s: "new", stale_ok=True) == "new")


def test_a_failed_refresh_is_not_tried_again_at_every_request(caplog) -> None:
    """Regression: with the remote store down, every home page request tried the
    figures again at once (the failure was fast) and logged three warnings."""
    store = Versioned("v1")
    key = ("test-fail-fast", object())
    versioned.cached(store, key, lambda s: "old")
    store.version = "v2"
    tries: list[int] = []

    def failing(s) -> str:
        tries.append(1)
        raise RuntimeError("store gone")

    for _ in range(20):  # a request every 50 ms for a second
        assert versioned.cached(store, key, failing, stale_ok=True) == "old"
        _wait_for(lambda: key not in versioned._running)
        time.sleep(0.05)
    assert len(tries) == 1
    assert sum("could not refresh" in r.message for r in caplog.records) <= 1


def test_one_refresh_at_a_time_whatever_the_version() -> None:
    """Snapshots may come faster than a refresh at a million records: no pile-up."""
    store, release, started = Versioned("v1"), threading.Event(), []
    key = ("test-one", object())
    versioned.cached(store, key, lambda s: "v1 value")

    def slow(s) -> str:
        started.append(s.version)
        release.wait(10)
        return "refreshed"

    store.version = "v2"
    assert versioned.cached(store, key, slow, stale_ok=True) == "v1 value"
    store.version = "v3"  # a newer snapshot while v2's refresh runs
    assert versioned.cached(store, key, slow, stale_ok=True) == "v1 value"
    _wait_for(lambda: started == ["v2"])
    time.sleep(0.05)
    assert started == ["v2"]  # v3 waits for v2's refresh to end
    release.set()
    _wait_for(lambda: key not in versioned._running)
    # now v3's refresh starts (after the pause that follows every refresh)
    _wait_for(lambda: versioned.cached(store, key, slow, stale_ok=True) is not None
              and started == ["v2", "v3"])


def test_refreshes_pause_for_ten_times_their_duration() -> None:
    """A scan of a minute (a million records) runs at most every ten minutes."""
    store, started = Versioned("v1"), []
    key = ("test-pause", object())
    versioned.cached(store, key, lambda s: "v1 value")

    def scan(s) -> str:
        started.append(s.version)
        time.sleep(0.1)
        return f"{s.version} value"

    store.version = "v2"
    versioned.cached(store, key, scan, stale_ok=True)
    _wait_for(lambda: key not in versioned._running)
    store.version = "v3"
    assert versioned.cached(store, key, scan, stale_ok=True) == "v2 value"
    assert started == ["v2"]  # within 10 x 0.1 s of the last refresh: not yet
    time.sleep(1.1)
    versioned.cached(store, key, scan, stale_ok=True)
    _wait_for(lambda: started == ["v2", "v3"])


# -- on disk: once per snapshot for every serving process (a real embedded store) --

SCRIPT = """
import json, sys
from ld import versioned
from ld.config import load_settings
from ld.store import open_reader

def compute(store):
    raise SystemExit("computed again in the second process")

reader = open_reader(load_settings(env={}, store=sys.argv[1]))
print(json.dumps(versioned.cached(reader, ("test-disk", "records"), compute)))
"""


@pytest.fixture
def reader(settings):
    with open_store(settings) as store:
        ingest_paths(sample_paths(), settings=settings, store=store, jobs=0)
        store.publish()
    return open_reader(settings)


def _records(store) -> dict:
    return {"records": store.record_count(), "version": store.version}


def test_a_value_is_computed_once_per_snapshot_for_every_process(settings, reader) -> None:
    value = versioned.cached(reader, ("test-disk", "records"), _records)
    assert value == {"records": reader.record_count(), "version": reader.version}
    other = subprocess.run([sys.executable, "-c", SCRIPT, settings.store], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert other.returncode == 0, other.stderr
    assert json.loads(other.stdout) == value  # read from the file, not computed


def test_an_unreadable_file_is_computed_again(reader) -> None:
    key = ("test-unreadable",)
    versioned.cached(reader, key, _records)
    path = versioned._path(reader.pin(), key)
    path.write_text("{not json")
    versioned._values.clear()
    versioned._latest.clear()
    assert versioned.cached(reader, key, _records)["records"] == reader.record_count()


HOLD = """
import fcntl, sys
fd = open(sys.argv[1], "a")
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
if len(sys.argv) > 2:  # the value this process computed, filed before it lets go
    open(sys.argv[2], "w").write(sys.argv[3])
"""


@contextmanager
def _held_elsewhere(reader, key: tuple, filed: str | None = None) -> Iterator[Callable]:
    """Another process holds the claim on ``key``'s value (filing ``filed`` as it lets go);
    yields the function that makes it let go (also done on leaving)."""
    path = versioned._path(reader.pin(), key)
    path.parent.mkdir(parents=True, exist_ok=True)
    args = [str(path.with_suffix(".lock")), *([str(path), filed] if filed else [])]
    holder = subprocess.Popen([sys.executable, "-c", HOLD, *args], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)

    def let_go() -> None:
        if not holder.stdin.closed:
            holder.stdin.close()
        holder.wait(10)

    try:
        assert holder.stdout.readline().strip() == "held"
        yield let_go
    finally:
        let_go()


def test_an_exact_caller_waits_for_the_process_computing_it(reader) -> None:
    key, computed = ("test-wait",), []
    with _held_elsewhere(reader, key, '{"from": "the other process"}') as let_go:
        got: list = []
        waiting = threading.Thread(target=lambda: got.append(
            versioned.cached(reader, key, lambda s: computed.append(1))))
        waiting.start()
        time.sleep(0.2)
        assert waiting.is_alive() and not got  # waits rather than scanning a second time
        let_go()
        waiting.join(10)
    assert got == [{"from": "the other process"}] and not computed


def test_while_another_process_refreshes_the_others_keep_their_stale_value(
        settings, reader, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versioned, "ELSEWHERE", 0.01)
    key, computed = ("test-claim",), []

    def compute(store) -> dict:
        computed.append(store.version)
        return _records(store)

    old = versioned.cached(reader, key, compute)
    with open_store(settings) as store:  # a load publishes a new snapshot
        store.delete_records([record_graph(settings.base_uri, "pubmed-6839263")])
        store.publish()
    _wait_for(lambda: reader.version != old["version"])
    with _held_elsewhere(reader, key):
        assert versioned.cached(reader, key, compute, stale_ok=True) == old
        _wait_for(lambda: key not in versioned._running)
        assert computed == [old["version"]]  # the other process has it: no scan here
    _wait_for(lambda: versioned.cached(reader, key, compute, stale_ok=True) != old)
    assert computed == [old["version"], reader.version]


def test_figures_of_removed_snapshots_are_pruned(tmp_path: Path) -> None:
    (snapshots.snapshots_dir(tmp_path) / "keep").mkdir(parents=True)
    for name in ("keep", "gone"):
        versioned.figures_dir(tmp_path, name).mkdir(parents=True)
        (versioned.figures_dir(tmp_path, name) / "x.json").write_text("1")
    assert search_index.prune(tmp_path) == ["gone.figures"]
    assert versioned.figures_dir(tmp_path, "keep").exists()
    assert not versioned.figures_dir(tmp_path, "gone").exists()


def test_a_process_started_after_a_load_shows_the_filed_figures_at_once(settings,
                                                                         reader) -> None:
    """Regression: a new worker (restart, replaced worker) had no stale value of its own,
    so its first home page after a load waited for the new snapshot's scan."""
    key, release = ("test-new-process",), threading.Event()
    old = versioned.cached(reader, key, _records)
    with open_store(settings) as store:
        store.delete_records([record_graph(settings.base_uri, "pubmed-6839263")])
        store.publish()
    _wait_for(lambda: reader.version != old["version"])
    versioned._values.clear()  # a process that has computed nothing yet
    versioned._latest.clear()

    def slow(store) -> dict:
        release.wait(10)
        return _records(store)

    assert versioned.cached(reader, key, slow, stale_ok=True) == old  # at once
    release.set()
    _wait_for(lambda: versioned.cached(reader, key, slow, stale_ok=True) != old)


def _slow(calls: list, release: threading.Event):
    """A computation that notes the version it reads and ends when released."""
    def compute(s) -> str:
        calls.append(s.version)
        release.wait(10)
        return "value"
    return compute


def test_with_nothing_to_show_a_slow_first_computation_is_not_waited_for(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """At a million records the first scan takes minutes: the home page must answer."""
    monkeypatch.setattr(versioned, "FIRST_WAIT", 0.1)
    store, release, calls = Versioned("v1"), threading.Event(), []
    key, slow = ("test-first-slow", object()), _slow(calls, release)

    started = time.monotonic()
    assert versioned.cached(store, key, slow, stale_ok=True) is None
    assert versioned.cached(store, key, slow, stale_ok=True) is None
    assert time.monotonic() - started < 2 and calls == ["v1"]  # one computation, not waited for
    release.set()
    _wait_for(lambda: versioned.cached(store, key, slow, stale_ok=True) == "value")


def test_the_home_page_answers_while_another_process_computes_the_figures(
        settings, reader, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: every home page request waited for the first scan (each held a server
    thread for as long as the scan took, a minute or more at a million records)."""
    from ld import browse
    from ld.web import create_app

    monkeypatch.setattr(versioned, "ELSEWHERE", 0.01)

    with _held_elsewhere(reader, ("classes", "by record")):
        versioned._values.clear()  # a serving process that has computed nothing yet
        versioned._latest.clear()
        client, pages = create_app(settings).test_client(), []
        request = threading.Thread(target=lambda: pages.append(
            client.get("/", headers={"Accept": "text/html"})), daemon=True)
        request.start()
        request.join(10)
        assert pages, "the home page waited for the other process's scan"
        assert pages[0].status_code == 200
        assert "being computed" in pages[0].get_data(as_text=True)
    _wait_for(lambda: browse.class_counts(reader, stale_ok=True) is not None, 30)


def test_dataset_says_try_again_while_its_figures_take_long(settings, reader,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """A scan of minutes (a million records) must not hold /dataset past a proxy's
    timeout: 503 with Retry-After, as for a dump still being written; the value is
    computed meanwhile and served on a later request."""
    from ld.web import create_app

    monkeypatch.setattr(versioned, "EXACT_WAIT", 0.3)
    client = create_app(settings).test_client()
    with _held_elsewhere(reader, ("void", settings.base_uri)):
        busy = client.get("/dataset", headers={"Accept": "text/turtle"})
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "60"
        assert "being computed" in busy.get_data(as_text=True)
    _wait_for(lambda: client.get("/dataset", headers={"Accept": "text/turtle"}).status_code
              == 200, 30)


def test_exact_callers_share_one_computation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a file to lock (a remote store), callers told to come back must not each
    leave a scan running behind them."""
    monkeypatch.setattr(versioned, "EXACT_WAIT", 0.1)
    store, release, calls = Versioned("v1"), threading.Event(), []
    key, slow = ("test-exact-shared", object()), _slow(calls, release)

    for _ in range(3):
        with pytest.raises(Overloaded):
            versioned.cached(store, key, slow)
    assert calls == ["v1"]
    release.set()
    _wait_for(lambda: versioned._values.get((*key, "v1")) == "value")
    assert versioned.cached(store, key, slow) == "value" and calls == ["v1"]
