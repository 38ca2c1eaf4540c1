"""Regressions for CI stop 15: SIGTERM to a load's whole process group could hang it.

systemd (KillMode=control-group) and ``docker stop`` send SIGTERM to every
process of the unit. The fork server of the worker pool died of it; the pool then
believed every worker dead at once, and its shutdown waited for ever on a pipe
nobody read (one run in four). Now the fork server and its workers are started
with SIGTERM blocked, only the process that started the pool handles it, and a
worker whose parent is gone ends itself. Real processes and real signals only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LDPUB = str(Path(sys.executable).with_name("ldpub"))

PROBE = """
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver
from ld.workers import pool_context

def blocked(pid="self"):
    status = open(f"/proc/{pid}/status").read()
    return int(status.split("SigBlk:")[1].split()[0], 16)

if __name__ == "__main__":
    with ProcessPoolExecutor(2, mp_context=pool_context()) as pool:
        print(blocked(forkserver._forkserver._forkserver_pid), pool.submit(blocked).result(),
              blocked())
"""


def _sigterm_bit(mask: int) -> bool:
    return bool(mask & (1 << (signal.SIGTERM - 1)))


def test_the_fork_server_and_its_workers_block_sigterm_and_the_parent_does_not(
        tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, check=True)
    server, worker, parent = (int(v) for v in done.stdout.split())
    assert _sigterm_bit(server) and _sigterm_bit(worker)
    assert not _sigterm_bit(parent)  # the loading process still handles it


def _group(pgid: int) -> list[int]:
    """The live processes of a process group (Linux /proc; zombies are not counted)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


@pytest.mark.slow
def test_sigterm_to_a_render_leaves_no_worker_behind(tmp_path: Path) -> None:
    """The render's workers come from the same fork server and so do not die of
    SIGTERM themselves: they end when the render they work for is gone."""
    data, store = tmp_path / "recs.jsonl", tmp_path / "store"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "5000", "-o",
                    str(data)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}
    env["LDPUB_STORE"] = str(store)
    subprocess.run([LDPUB, "load", "--no-render", "--json", str(data)], env=env, check=True,
                   capture_output=True, timeout=300)
    proc = subprocess.Popen([LDPUB, "render", "--jobs", "2"], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while len(_group(proc.pid)) < 4:  # the render, the tracker, the fork server, a worker
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.05)
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 20
        while _group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _group(proc.pid) == []
    finally:
        if _group(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
