"""SIGTERM stops the other commands as Ctrl-C does: their clean-up runs, exit code 143.

Regressions: a dump stopped by SIGTERM (systemd, ``docker stop``) left its temporary
folder, as large as the dump, in the system's temporary directory; a dry run left
its worker pool's semaphores to multiprocessing's resource tracker, which warned.
Real ``ldpub`` processes on a real store, real signals.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.web_records import sample_paths

LDPUB = str(Path(sys.executable).with_name("ldpub"))
ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDPUB_")}
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    env.update(LDPUB_STORE=str(tmp_path / "store"), TMPDIR=str(scratch))
    return env


def _until(condition, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert proc.poll() is None, f"ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"no {what} within 60 s"
        time.sleep(0.02)


def test_sigterm_stops_a_dump_and_its_temporary_files_go(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run([LDPUB, "load", "--no-render", *sample_paths()], env=env, check=True,
                   capture_output=True, timeout=120)
    scratch = Path(env["TMPDIR"])
    # standard output is a pipe nobody reads: the dump blocks writing its output,
    # after the partition into temporary buckets, until it is stopped
    proc = subprocess.Popen([LDPUB, "dump", "--format", "nt"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _until(lambda: any(scratch.glob(".partial-dump-*")), proc, "temporary folder")
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, err.decode()
    assert err.decode().strip().endswith("ldpub: interrupted (SIGTERM)"), err.decode()
    assert list(scratch.iterdir()) == []


@pytest.mark.slow
def test_sigterm_stops_a_dry_run_with_its_workers(tmp_path: Path) -> None:
    env = _env(tmp_path)
    data = tmp_path / "recs.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "600", "-o",
                    str(data)], check=True)
    lines = data.read_bytes().splitlines(keepends=True)
    # records from a pipe that stays open: the dry run waits for more, workers started
    proc = subprocess.Popen([LDPUB, "validate", "--jobs", "2", "-"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        proc.stdin.write(b"".join(lines))
        proc.stdin.flush()
        time.sleep(3)
        os.killpg(proc.pid, signal.SIGTERM)  # the whole group, as systemd does
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    said = err.decode()
    assert proc.returncode == 143, said
    assert "ldpub: interrupted (SIGTERM)" in said and "leaked" not in said, said
