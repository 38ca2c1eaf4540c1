"""Writes a killed command committed are published by the next reader (explore11 life 4).

A load or delete killed (SIGKILL) after its write, before its publish, leaves
``<store>/UNPUBLISHED`` with the store's lock free. ``ldpub stats`` and ``dump``
then read the primary: they publish it first, so that what they report is what
the site serves; a running ``ldpub serve`` notices it within seconds and one
worker publishes it, saying so once; while the writer runs (stopped with
SIGSTOP: it holds the lock) nothing is published for it.

Real things only: ``ldpub`` subprocesses stopped with real signals, a real
``ldpub serve`` with two worker processes on 127.0.0.1, the store on disk.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from ld.store import snapshots
from ld.store.reader import CHECK_EVERY
from tests.test_ops_fixes10 import LDPUB, ROOT, _end, _env, _free_port, _generate, _load

LOADED = 300  # records of the first load, complete and published
PUBLISHED_SAID = "published the writes a stopped command left unpublished"
SERVER_SAID = "found writes left unpublished in the store at"
_COUNT = ("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE "
          "{ GRAPH ?g { ?g <http://purl.org/dc/terms/modified> ?m } }")


def _published(store: Path) -> int:
    """Records in the snapshot CURRENT names, read without publishing anything first."""
    name = snapshots.current(store)
    if name is None:
        return 0
    snapshot = ox.Store.read_only(str(snapshots.snapshots_dir(store) / name))
    return sum(1 for _ in snapshot.named_graphs())


def _loaded_store(tmp_path: Path, base: str = "http://127.0.0.1:1/"
                  ) -> tuple[Path, dict[str, str]]:
    """A store whose first :data:`LOADED` records were loaded and published."""
    store = tmp_path / "store"
    env = _env(store, LDPUB_BATCH_SIZE="50", LDPUB_BASE_URI=base)
    first = _load(_generate(tmp_path / "first.jsonl", LOADED), env, "--jobs", "0")
    try:
        _, err = first.communicate(timeout=120)
    finally:
        _end(first)
    assert first.returncode == 0, err.decode()
    assert _published(store) == LOADED and not (store / "UNPUBLISHED").exists()
    return store, env


def _stopped_after_a_stored_batch(tmp_path: Path, store: Path, env: dict[str, str]
                                  ) -> subprocess.Popen:
    """A second load, stopped (SIGSTOP: it still holds the store) after it stored whole
    batches beyond the published snapshot, with none in its journal."""
    data = tmp_path / "more.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "3000", "--prefix",
                    "more", "-o", str(data)], check=True)
    proc = _load(data, env, "--jobs", "0")
    deadline, journalled = time.monotonic() + 120, False
    while time.monotonic() < deadline and proc.poll() is None:
        in_journal = any(store.glob("journal/*.nq"))
        if journalled and not in_journal:  # a batch was written, then its entry cleared
            os.killpg(proc.pid, signal.SIGSTOP)
            if not any(store.glob("journal/*.nq")):
                return proc
            os.killpg(proc.pid, signal.SIGCONT)
        journalled = journalled or in_journal
        time.sleep(0.001)
    _end(proc)
    pytest.fail("the load stored no batch in time (or finished first)")


def _killed_after_a_stored_batch(tmp_path: Path, store: Path, env: dict[str, str]) -> None:
    proc = _stopped_after_a_stored_batch(tmp_path, store, env)
    _end(proc)  # SIGKILL
    assert (store / "UNPUBLISHED").exists()


def _stats(env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run([LDPUB, "stats", "--json"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["records"], done.stderr


def _dump(env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run([LDPUB, "dump", "--format", "nq"], env=env, capture_output=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    graphs = {line.rsplit(b" ", 2)[-2] for line in done.stdout.splitlines() if line}
    return len(graphs), done.stderr.decode()


@pytest.mark.slow
@pytest.mark.parametrize("command", [_stats, _dump], ids=["stats", "dump"])
def test_stats_and_dump_publish_what_a_killed_load_stored(tmp_path: Path, command) -> None:
    """Regression (life 4 a): they read the primary (more records than the site serves)
    and left UNPUBLISHED; the site kept the old snapshot for as long as it ran."""
    store, env = _loaded_store(tmp_path)
    _killed_after_a_stored_batch(tmp_path, store, env)
    assert _published(store) == LOADED  # what the site serves before the command
    reported, said = command(env)
    assert reported > LOADED and reported % 50 == 0  # whole batches
    assert not (store / "UNPUBLISHED").exists()
    assert _published(store) == reported
    assert PUBLISHED_SAID in said, said
    again, said = command(env)
    assert again == reported and PUBLISHED_SAID not in said


@pytest.mark.slow
def test_stats_after_a_killed_delete_is_what_is_published(tmp_path: Path) -> None:
    """The report's case: ``ldpub delete`` killed as soon as it started writing.
    Whether its DROP was committed or not, stats and the snapshot agree after."""
    store, env = _loaded_store(tmp_path)
    ids = [json.loads(line)["id"] for line in (tmp_path / "first.jsonl").read_text().split("\n")
           if line][:200]
    proc = subprocess.Popen([LDPUB, "delete", *ids], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (store / "UNPUBLISHED").exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.001)
        time.sleep(0.05)
    finally:
        _end(proc)
    assert (store / "UNPUBLISHED").exists(), "the delete published before it was killed"
    reported, _ = _stats(env)
    assert reported in (LOADED, LOADED - 200)
    assert not (store / "UNPUBLISHED").exists()
    assert _published(store) == reported


# --- a running server --------------------------------------------------------------

class _Server:
    """``ldpub serve`` with two workers; its standard error in a file, read at any time."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.url, self.log = env["LDPUB_BASE_URI"].rstrip("/"), log
        env = {**env, "LDPUB_PORT": self.url.rsplit(":", 1)[1], "LDPUB_WORKERS": "2",
               "LDPUB_THREADS": "2", "LDPUB_LOG_LEVEL": "INFO"}
        with open(log, "wb") as err:
            self.proc = subprocess.Popen([LDPUB, "serve"], env=env, stdout=subprocess.DEVNULL,
                                         stderr=err, start_new_session=True)
        deadline = time.monotonic() + 60
        while not self._up():
            assert self.proc.poll() is None and time.monotonic() < deadline, self.said()
            time.sleep(0.2)

    def _up(self) -> bool:
        try:
            return requests.get(self.url + "/health", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def records(self) -> int:
        """Records in the snapshot the worker answering serves (a new connection each)."""
        answer = requests.get(self.url + "/sparql", params={"query": _COUNT}, timeout=30,
                              headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.text[:300]
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])

    def said(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], _Server]]:
    store, env = _loaded_store(tmp_path, f"http://127.0.0.1:{_free_port()}/")
    server = _Server(env, tmp_path / "serve.err")
    try:
        yield store, env, server
    finally:
        server.stop()


@pytest.mark.slow
def test_a_server_publishes_what_a_killed_load_left_once(served, tmp_path: Path) -> None:
    """Regression (life 4 b): the server served its pre-crash snapshot for as long as it
    ran (nothing logged); only a restart or another command published the writes."""
    store, env, server = served
    assert server.records() == LOADED
    proc = _stopped_after_a_stored_batch(tmp_path, store, env)
    try:  # a writer that is running (it holds the lock) is left alone
        current = snapshots.current(store)
        until = time.monotonic() + 4 * CHECK_EVERY
        while time.monotonic() < until:
            assert server.records() == LOADED
            time.sleep(0.1)
        assert snapshots.current(store) == current and (store / "UNPUBLISHED").exists()
    finally:
        _end(proc)  # SIGKILL
    deadline = time.monotonic() + 20
    while server.records() == LOADED and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (store / "UNPUBLISHED").exists()
    time.sleep(2 * CHECK_EVERY)  # both workers serve the new snapshot
    served_now = {server.records() for _ in range(8)}
    stored, said = _stats(env)  # the primary: nothing left to publish
    assert PUBLISHED_SAID not in said
    assert served_now == {stored} and stored > LOADED
    assert server.said().count(SERVER_SAID) == 1, server.said()
