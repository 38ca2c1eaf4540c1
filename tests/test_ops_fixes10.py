"""Regressions for the operator's report of explore10 (ops defects 4, 6, 7, 8, 9).

Real things only: a real store on disk, a real ``renders.sqlite`` damaged
with sqlite3 or raw bytes, a real HTTP server on 127.0.0.1, real ``ldpub``
subprocesses stopped with real signals.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from ld import describe, renders, uris
from ld.cli import main
from ld.config import load_settings
from ld.config_values import MAX_THREADS, process_limit
from ld.errors import ConfigError
from ld.model import Agent, Record, Source
from ld.store.reader import CHECK_EVERY
from ld.web.prerender import render_store
from tests.conftest_web import Site, load_records, start_site
from tests.web_records import sample_paths

# --- 4. a damaged row of renders.sqlite is a miss, with one warning ------------

KEY = "ops-1"


def _record(key: str) -> Record:
    return Record(id=key, source=Source("test", key, "test"), formats=["Book"],
                  title=f"Title of {key}", creators=[Agent("Render, Ruth")], issued="2001")


@pytest.fixture
def rendered_site(tmp_path: Path) -> Iterator[Site]:
    the_site, server = start_site(tmp_path, [_record(KEY), _record("ops-2")], [])
    yield the_site
    server.shutdown()


class _Lines(logging.Handler):
    """The records one logger emits (whatever other tests did to its propagation)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def renders_log() -> Iterator[_Lines]:
    handler, logger = _Lines(), logging.getLogger("ldpub.renders")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def _turtle(site: Site, key: str = KEY) -> requests.Response:
    describe.CACHE._data.clear()  # each request must reach the renders file or the store
    describe.CACHE.bytes = 0
    return requests.get(f"{site.url}/doc/record/{key}.ttl", timeout=10)


def _damage_body(path: Path, graph: str, body: object) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE reps SET body=? WHERE graph=? AND format='ttl'", (body, graph))
    sqlite3.connect(path).close()  # the last connection folds the log back into the file


def _damage_page(path: Path, graph: str) -> None:
    """Overwrite the b-tree page that holds the row's body: a DatabaseError on it."""
    with sqlite3.connect(path) as db:
        body = db.execute("SELECT body FROM reps WHERE graph=? AND format='ttl'",
                          (graph,)).fetchone()[0]
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
    data = path.read_bytes()
    page = data.index(body) // page_size
    assert page > 0  # never the file header's page
    with open(path, "r+b") as f:
        f.seek(page * page_size)
        f.write(b"\xff" * 16)  # not a b-tree page type


DAMAGE = {
    "bad zlib data": lambda p, g: _damage_body(p, g, b"certainly not zlib"),
    "cut short": lambda p, g: _damage_body(p, g, zlib.compress(os.urandom(4000))[:100]),
    "text, not bytes": lambda p, g: _damage_body(p, g, "a text value"),
    "damaged page": _damage_page,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_rendered_row_is_made_from_the_store(rendered_site, renders_log,
                                                       damage: str) -> None:
    """Regression (ops 4): a row whose body did not inflate raised zlib.error in the fast
    path (a bare 500 from the server, /health still ok); a damaged page was a silent miss."""
    site = rendered_site
    expected = _turtle(site)
    assert expected.status_code == 200
    render_store(site.settings, jobs=0)
    path, graph = site.store_dir / renders.FILE, uris.record_graph(site.settings.base_uri, KEY)
    DAMAGE[damage](path, graph)
    time.sleep(CHECK_EVERY + 0.2)  # the server looks for the file once a second
    for _ in range(3):
        answer = _turtle(site)
        assert answer.status_code == 200, answer.text[:300]
        assert isomorphic(Graph().parse(data=answer.text, format="turtle"),
                          Graph().parse(data=expected.text, format="turtle"))
    assert len(renders_log.messages) == 1, renders_log.messages
    assert str(path) in renders_log.messages[0] and graph in renders_log.messages[0]


# --- subprocesses of the real command -----------------------------------------

LDPUB = str(Path(sys.executable).with_name("ldpub"))
ROOT = Path(__file__).resolve().parent.parent


def _generate(path: Path, n: int) -> Path:
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(n), "-o",
                    str(path)], check=True)
    return path


def _env(store: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}
    env.update(LDPUB_STORE=str(store), **more)
    return env


def _load(data: Path, env: dict[str, str], *args: str) -> subprocess.Popen:
    """``ldpub load`` in its own session (its workers too), so it can be stopped whole."""
    return subprocess.Popen([LDPUB, "load", "--no-render", *args, str(data)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def _end(proc: subprocess.Popen) -> None:
    """Whatever happened in the test: the process group it started is gone."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)


# --- 8. a replayed journal is said -------------------------------------------

def _kill_with_a_batch_in_the_journal(proc: subprocess.Popen, journal: Path) -> bool:
    """SIGKILL the load while a committed batch waits in its journal: stopped first
    (SIGSTOP), so the entry seen is the entry the kill leaves behind."""
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if any(journal.glob("*.nq")):
            os.killpg(proc.pid, signal.SIGSTOP)
            if any(journal.glob("*.nq")):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                return True
            os.killpg(proc.pid, signal.SIGCONT)
        time.sleep(0.001)
    return False


@pytest.mark.slow
def test_a_replayed_journal_is_said_on_standard_error(tmp_path: Path) -> None:
    """Regression (ops 8): the next command replayed a killed load's journal (and a
    serving worker published it) without a word."""
    store = tmp_path / "store"
    env = _env(store, LDPUB_BATCH_SIZE="200")
    proc = _load(_generate(tmp_path / "r.jsonl", 6000), env, "--jobs", "0")
    try:
        assert _kill_with_a_batch_in_the_journal(proc, store / "journal")
    finally:
        _end(proc)
    stats = subprocess.run([LDPUB, "stats", "--json"], env=env, capture_output=True,
                           text=True, timeout=120)
    assert stats.returncode == 0, stats.stderr
    said = re.search(r"replayed (\d+) batch\(es\) \((\d+) record\(s\)\) left in the journal "
                     r"of the store at (\S+) ", stats.stderr)
    assert said, stats.stderr
    batches, replayed, where = int(said[1]), int(said[2]), said[3]
    assert batches >= 1 and replayed == 200 * batches and where == str(store)
    assert "run that command again" in stats.stderr
    assert json.loads(stats.stdout)["records"] % 200 == 0  # whole batches only
    again = subprocess.run([LDPUB, "stats", "--json"], env=env, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0 and "replayed" not in again.stderr


# --- 6. stats and dump on a store that cannot be written ------------------------

# As root, permissions do not stop a write: the store is bind-mounted read-only in a
# mount namespace of the command's own (gone with it; EROFS, as on the operator's
# read-only mount). As anyone else, the store's files are made read-only (EACCES).
_READ_ONLY_MOUNT = ('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99; '
                    'shift; exec "$@"')


def _read_only(store: Path, *args: str) -> subprocess.CompletedProcess:
    """``ldpub ARGS`` where ``store`` cannot be written."""
    command = [LDPUB, *args]
    if os.geteuid() == 0:
        command = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                   _READ_ONLY_MOUNT, "sh", str(store), *command]
    done = subprocess.run(command, env=_env(store), capture_output=True, timeout=120)
    if done.returncode == 99:
        pytest.skip(f"no read-only bind mount here: {done.stderr.decode()}")
    return done


def _make_read_only(store: Path, writable: bool = False) -> None:
    if os.geteuid() == 0:
        return  # _read_only mounts it so
    for path in [store, *store.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | 0o200 if writable else mode & ~0o222)


def _dataset(nquads: bytes) -> Dataset:
    return Dataset().parse(data=nquads, format="nquads")


def _same_graphs(one: Dataset, other: Dataset) -> bool:
    names = {g.identifier for g in one.graphs()} | {g.identifier for g in other.graphs()}
    return all(isomorphic(one.graph(n), other.graph(n)) for n in names)


@pytest.mark.parametrize("unpublished", [False, True], ids=["published", "unpublished writes"])
def test_stats_and_dump_read_a_read_only_store(tmp_path: Path, unpublished: bool) -> None:
    """Regression (ops 6): both stopped with "Read-only file system: .../lock" (exit 2)
    on a store that `ldpub serve` served; they read its published snapshot now."""
    store = tmp_path / "store"
    load_records(load_settings(env={}, store=str(store)), [_record("ro-1"), _record("ro-2")],
                 sample_paths())
    env = _env(store)
    expected = json.loads(subprocess.run([LDPUB, "stats", "--json"], env=env, check=True,
                                         capture_output=True, timeout=120).stdout)
    dumped = subprocess.run([LDPUB, "dump", "--format", "nq"], env=env, check=True,
                            capture_output=True, timeout=120).stdout
    if unpublished:  # a load killed before its last publish: the snapshot is what is served
        (store / "UNPUBLISHED").touch()
    _make_read_only(store)
    try:
        stats = _read_only(store, "stats", "--json")
        dump = _read_only(store, "dump", "--format", "nq")
    finally:
        _make_read_only(store, writable=True)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout) == expected and expected["records"] > 2
    assert dump.returncode == 0, dump.stderr
    assert _same_graphs(_dataset(dump.stdout), _dataset(dumped))
    for said in (stats.stderr.decode(), dump.stderr.decode()):
        assert f"the store at {store} cannot be written here" in said, said
        assert "reading its latest published snapshot" in said


# --- 7. SIGTERM stops a load or a harvest as Ctrl-C does -------------------------

def _group(pgid: int) -> list[int]:
    """The processes of a process group (Linux /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                members.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return members


def _wait_for_a_stored_batch(proc: subprocess.Popen, store: Path) -> None:
    """Until a batch is stored whole: written (UNPUBLISHED) and out of the journal."""
    deadline = time.monotonic() + 120
    while not ((store / "UNPUBLISHED").exists() and not any(store.glob("journal/*.nq"))):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.02)


def _published_records(store: Path) -> int:
    """Records in the published snapshot (what ``ldpub serve`` serves), published by
    nobody else: read as a serving worker reads it, without publishing first."""
    from ld.store.reader import SnapshotReader

    with SnapshotReader(store) as reader:
        return reader.record_count()


@pytest.mark.slow
@pytest.mark.parametrize("whole_group", [False, True], ids=["the load", "its process group"])
def test_sigterm_stops_a_load_as_ctrl_c_does(tmp_path: Path, whole_group: bool) -> None:
    """Regression (ops 7): SIGTERM (systemd, docker stop; to every process of the unit
    under systemd) killed the load silently, exit 143, its stored batches unpublished.
    Now: the stored batches are published, the summary so far and the message, 143."""
    store = tmp_path / "store"
    data = _generate(tmp_path / "big.jsonl", 20_000)
    proc = _load(data, _env(store, LDPUB_BATCH_SIZE="200"), "--jobs", "2", "--json")
    try:
        _wait_for_a_stored_batch(proc, store)
        time.sleep(0.5)
        (os.killpg if whole_group else os.kill)(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        _end(proc)
    assert proc.returncode == 143, err.decode()
    summary = json.loads(out)
    assert summary["interrupted"] is True and b"Traceback" not in err, err.decode()
    loaded = summary["loaded"]
    assert 0 < loaded < 20_000 and loaded % 200 == 0  # whole batches
    assert (f"load interrupted (SIGTERM) after {summary['read']:,} records were stored"
            in err.decode())
    assert not (store / "UNPUBLISHED").exists() and not any(store.glob("journal/*.nq"))
    assert _published_records(store) == loaded
    deadline = time.monotonic() + 20  # its worker processes are gone too
    while _group(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _group(proc.pid) == []


def test_sigterm_stops_a_harvest_as_ctrl_c_does(tmp_path: Path, shared_data: Path) -> None:
    """The harvest shares the load's guarded run: the batches it stored are published,
    the summary so far and the message, 143, and its state is not moved (it resumes)."""
    from tests.oai_server import Provider, dc_items

    store = tmp_path / "store"
    items = dc_items(shared_data / "oai-pmh" / "pyoai" / "fake1" / "00005.xml")
    with Provider(page_size=10) as provider:
        for n, item in itertools.product(range(50), items):  # 800 records
            provider.add(dataclasses.replace(item, identifier=f"{item.identifier}.{n}"))
        proc = subprocess.Popen([LDPUB, "harvest", provider.url, "--jobs", "0", "--json"],
                                env=_env(store, LDPUB_BATCH_SIZE="10"), start_new_session=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            _wait_for_a_stored_batch(proc, store)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
        finally:
            _end(proc)
    assert proc.returncode == 143, err.decode()
    result = json.loads(out)
    summary = result["summary"]
    assert result["complete"] is False and summary["interrupted"] is True
    assert f"harvest interrupted (SIGTERM) after {summary['read']} records" in err.decode()
    assert 0 < summary["loaded"] < 800 and summary["loaded"] % 10 == 0
    assert summary["loaded"] == _published_records(store)
    assert not (store / "UNPUBLISHED").exists()
    assert not (store / "harvest-state.json").exists()  # the next run starts where this did


# --- 9. no more worker processes or threads than make sense ----------------------

LIMIT = process_limit()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(("env", "flags", "named", "bounds"), [
    ({"LDPUB_WORKERS": "100000"}, {}, "LDPUB_WORKERS", f"0 to {LIMIT}"),
    ({}, {"workers": LIMIT + 1}, "--workers", f"0 to {LIMIT}"),
    ({"LDPUB_THREADS": str(MAX_THREADS + 1)}, {}, "LDPUB_THREADS", f"1 to {MAX_THREADS}"),
    ({}, {"threads": 10_000}, "--threads", f"1 to {MAX_THREADS}"),
], ids=["LDPUB_WORKERS", "--workers", "LDPUB_THREADS", "--threads"])
def test_far_too_many_workers_or_threads_are_refused(env, flags, named, bounds) -> None:
    """Regression (ops 9): LDPUB_WORKERS=100000 was taken; gunicorn forked 1,874 workers
    and brought a shared machine down."""
    with pytest.raises(ConfigError) as refused:
        load_settings(env=env, **flags)
    message = str(refused.value)
    assert message.startswith(named) and f"(give from {bounds})" in message
    assert load_settings(env={}, workers=LIMIT, threads=MAX_THREADS).workers == LIMIT


@pytest.mark.parametrize("command", ["load", "validate", "harvest", "render"])
def test_far_too_many_jobs_are_refused(command: str, tmp_path: Path) -> None:
    data = _generate(tmp_path / "one.jsonl", 1)
    target = {"load": [str(data)], "validate": [str(data)],
              "harvest": ["http://127.0.0.1:9/oai"], "render": []}[command]
    args = ["--store", str(tmp_path / "store"), command, "--jobs", str(LIMIT + 1), *target]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "'--jobs'" in result.output and f"0<=x<={LIMIT}" in result.output
    assert not (tmp_path / "store").exists()  # refused before anything was done


def test_serve_refuses_too_many_workers_before_starting_any(tmp_path: Path) -> None:
    """One above the limit, so that the code before the fix started only a few."""
    env = _env(tmp_path / "store", LDPUB_WORKERS=str(LIMIT + 1), LDPUB_PORT=str(_free_port()))
    proc = subprocess.Popen([LDPUB, "serve"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=30)
    finally:
        _end(proc)
    assert proc.returncode == 2
    assert f"LDPUB_WORKERS: '{LIMIT + 1}' is out of range (give from 0 to {LIMIT})" in \
        err.decode()


@pytest.mark.slow
@pytest.mark.parametrize("server", ["gunicorn", "granian"])
def test_timeout_stops_a_server_starting_its_most_workers(tmp_path: Path, server: str) -> None:
    """What the operator ran, at the limit now: `timeout`'s SIGTERM while the workers
    start stops the server and every worker."""
    env = _env(tmp_path / "store", LDPUB_WORKERS=str(LIMIT), LDPUB_SERVER=server,
               LDPUB_PORT=str(_free_port()))
    started = time.monotonic()
    proc = subprocess.Popen(["timeout", "2", LDPUB, "serve"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=90)
    finally:
        _end(proc)
    assert proc.returncode == 124, err.decode()  # timeout's own: it had to stop it
    assert time.monotonic() - started < 60, err.decode()
    deadline = time.monotonic() + 20
    while _group(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _group(proc.pid) == []
