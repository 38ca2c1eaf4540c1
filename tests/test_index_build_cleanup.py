"""A search-index or links-table build that fails or is killed leaves no temporary file in
<store>/search/, and says in one log line which file it could not build and why
(ld.index_builder; explore10/ops defects 2 and 3).

Every build here is real: a real store, the real builder child, killed by real signals
(caught in the act: stepped with SIGSTOP/SIGCONT until its temporary file exists) or
failing on a real file-size limit (RLIMIT_FSIZE, as a full disk)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ld import index_builder, links_index, search_index
from ld.config import load_settings
from ld.store import snapshots
from tests.conftest_web import load_records
from tests.web_records import generated_records, sample_paths

BASE = "http://example.org/"
_TMP = re.compile(r"\.tmp-(\d+)-")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real store with a published snapshot and nothing built for it yet."""
    root = tmp_path_factory.mktemp("cleanup") / "store"
    load_records(load_settings(env={}, store=str(root), base_uri=BASE), generated_records(),
                 sample_paths())
    return root


@pytest.fixture
def store(loaded: Path, tmp_path: Path) -> tuple[Path, str]:
    """(root, snapshot) of a copy of :func:`loaded`: each test builds from scratch."""
    root = tmp_path / "store"
    shutil.copytree(loaded, root)
    return root, snapshots.current(root) or ""


def temporary_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "search").glob(".tmp-*"))


def _stat(pid: int) -> list[str] | None:
    """The fields after the command name in /proc/<pid>/stat; None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def builder_of(parent: int, seconds: float = 60) -> int:
    """The pid of the index builder child that ``parent`` spawned."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for proc in Path("/proc").glob("[0-9]*"):
            fields = _stat(int(proc.name))
            if fields and int(fields[1]) == parent and fields[0] != "Z":
                try:
                    if b"spawn_main" in (proc / "cmdline").read_bytes():
                        return int(proc.name)
                except OSError:
                    continue
        time.sleep(0.005)
    raise AssertionError(f"no index builder child of {parent} within {seconds} s")


def caught_writing(pid: int, suffix: str, folder: Path, seconds: float = 120) -> Path:
    """Step the builder ``pid`` in short runs (SIGCONT, then SIGSTOP) until it is
    stopped while its temporary file ending in ``suffix`` exists; it is left stopped."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        os.kill(pid, signal.SIGSTOP)
        _wait_for(lambda: (_stat(pid) or ["gone"])[0] in ("T", "t", "Z", "gone"), 10)
        assert (_stat(pid) or ["gone"])[0] in ("T", "t"), "the builder ended before it was caught"
        found = [p for p in folder.glob(f".tmp-{pid}-*") if p.name.endswith(suffix)]
        if found:
            return found[0]
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.002)
    raise AssertionError(f"not caught writing a {suffix} file within {seconds} s")


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.01)


def _ended(pid: int) -> bool:
    return (_stat(pid) or ["Z"])[0] == "Z"


def _build_in_background(root: Path, snapshot: str) -> subprocess.Popen:
    """A process (as a serving worker) that starts the snapshot's build and waits; its
    standard error, which its builder shares, is a pipe."""
    return subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from ld import search_index;"
        " search_index.ready(Path(sys.argv[1]), sys.argv[2], sys.argv[3]); time.sleep(120)"),
        str(root), snapshot, BASE], stderr=subprocess.PIPE, text=True)


def test_a_builder_killed_by_sigkill_leaves_nothing_and_says_so(store, caplog) -> None:
    """It left .tmp-<pid>-...links.sqlite for ever, and the warning named the full-text
    index (built fine) with "exited with code -9"."""
    root, snapshot = store
    links = links_index.links_path(root, snapshot)
    with caplog.at_level("DEBUG", logger="ldpub.search"):
        assert search_index.ready(root, snapshot, BASE) is None
        child = builder_of(os.getpid())
        caught_writing(child, ".links.sqlite", root / "search")
        os.kill(child, signal.SIGKILL)
        _wait_for(lambda: str(search_index.index_path(root, snapshot))
                  not in search_index._building)
    assert temporary_files(root) == []
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [f"cannot build the links table {links} (record lists use SPARQL "
                        f"instead; next try in 300 s): the index builder was killed by "
                        f"signal 9 (SIGKILL): out of memory?"]
    assert search_index.index_path(root, snapshot).exists() and not links.exists()


def test_what_a_killed_worker_and_its_builder_left_goes_at_the_next_build(store) -> None:
    """Serve stopped or a worker killed with its builder: the file stayed through later
    builds, since prune skipped every name starting with '.'."""
    root, snapshot = store
    with _build_in_background(root, snapshot) as worker:
        try:
            child = builder_of(worker.pid)
            caught_writing(child, ".fts4.sqlite", root / "search")
        finally:
            worker.kill()
        os.kill(child, signal.SIGKILL)
        _wait_for(lambda: _ended(child))
    assert temporary_files(root)  # what a dead builder left
    assert search_index.ready(root, snapshot, BASE) is None  # the next build
    _wait_for(lambda: search_index.ready(root, snapshot, BASE) is not None
              and str(search_index.index_path(root, snapshot)) not in search_index._building)
    assert temporary_files(root) == []
    assert links_index.links_path(root, snapshot).exists()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_builder_removes_its_own_file(store, stop: signal.Signals) -> None:
    """A server shutting down terminates its builder (SIGTERM; Ctrl-C sends SIGINT to the
    whole process group): the builder removes its temporary file itself, with no parent
    left to do it, and quietly (it printed a traceback ending in the signal)."""
    root, snapshot = store
    with _build_in_background(root, snapshot) as worker:
        try:
            child = builder_of(worker.pid)
            tmp = caught_writing(child, ".fts4.sqlite", root / "search")
        finally:
            worker.kill()
        worker.wait()
        os.kill(child, stop)
        os.kill(child, signal.SIGCONT)
        _wait_for(lambda: _ended(child))
        assert worker.stderr is not None and worker.stderr.read() == ""  # the builder's too
    assert not tmp.exists() and temporary_files(root) == []


def writing(root: Path, then: str) -> list[str]:
    """A process's command line: write a builder's temporary SQLite file under
    ``root/search``, named with its own pid, stopping mid-transaction (its journal
    exists); then run ``then``."""
    (root / "search").mkdir(exist_ok=True)
    return [sys.executable, "-c", (
        "import os, sqlite3, sys, time; from pathlib import Path;"
        " db = sqlite3.connect(Path(sys.argv[1]) / f'.tmp-{os.getpid()}-1-x.links.sqlite');"
        " db.execute('CREATE TABLE t (x)'); db.execute('INSERT INTO t VALUES (1)'); " + then),
        str(root / "search")]


def test_a_live_writers_file_is_left_alone(tmp_path: Path) -> None:
    """Prune removes a dead writer's file, never one a live process is writing; a live
    pid's file unwritten for a day is stale (the pid is another process's now)."""
    writer = subprocess.Popen(writing(tmp_path, "print('writing', flush=True); time.sleep(120)"),
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        files = temporary_files(tmp_path)
        assert len(files) == 2 and files[1].endswith("-journal")
        assert search_index.prune(tmp_path) == []
        assert temporary_files(tmp_path) == files
        day_ago = time.time() - index_builder.STALE_AFTER - 60
        for name in files:
            os.utime(tmp_path / "search" / name, (day_ago, day_ago))
        assert search_index.prune(tmp_path) == files
    finally:
        writer.kill()
        writer.wait()


def test_a_dead_writers_files_are_pruned(tmp_path: Path) -> None:
    subprocess.run(writing(tmp_path, "os._exit(0)"), check=True)  # dies mid-transaction
    files = temporary_files(tmp_path)
    assert len(files) == 2
    assert search_index.prune(tmp_path) == files and temporary_files(tmp_path) == []


LIMITED_BUILD = """import logging, resource, sys
from pathlib import Path
from ld import search_index
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, resource.RLIM_INFINITY))
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
search_index._build_once(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
"""


def test_a_full_target_gives_one_line_naming_the_file_and_the_reason(store) -> None:
    """No file may grow past 8 KB (RLIMIT_FSIZE, inherited by the builder), as on a full
    disk: the links table fails. It printed a 10-line traceback, then a warning naming the
    full-text index (built fine) with "exited with code 1"; and left its temporary file."""
    root, snapshot = store
    fts = search_index.index_path(root, snapshot)
    search_index.build(snapshot_store(root, snapshot), BASE, fts)  # the full-text index is fine
    done = subprocess.run([sys.executable, "-c", LIMITED_BUILD, str(root), snapshot, BASE],
                          capture_output=True, text=True, timeout=120)
    links = links_index.links_path(root, snapshot)
    assert re.fullmatch(
        rf"WARNING ldpub.search: cannot build the links table {re.escape(str(links))} \(record"
        r" lists use SPARQL instead; next try in 300 s\): (disk I/O error|database or disk is"
        r" full)\n", done.stderr), done.stderr
    assert temporary_files(root) == [] and not links.exists() and fts.exists()


def snapshot_store(root: Path, snapshot: str):  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    return ox.Store.read_only(str(snapshots.snapshots_dir(root) / snapshot))


def test_exit_codes_in_words() -> None:
    assert index_builder.exit_reason(-9) == ("the index builder was killed by signal 9 "
                                             "(SIGKILL): out of memory?")
    assert index_builder.exit_reason(-15) == ("the index builder was killed by signal 15 "
                                              "(SIGTERM)")
    assert index_builder.exit_reason(3) == "the index builder exited with code 3"
