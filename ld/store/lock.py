"""The exclusive lock on an embedded store's primary.

RocksDB has its own LOCK file, but its error ("lock hold by current process,
... No locks available") tells a user nothing. This lock is taken first and
records who holds it (pid and command line), so a second writer hears
"store at X is in use by process N (ldpub load ...)". It is an OS lock
(flock), so it disappears with its process, even after SIGKILL: no stale
lock files to clean up by hand.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

from ld.errors import StoreBusy

PUBLISH = "publishing a snapshot for ldpub serve"


def command_line() -> str:
    """What this process is, for the message another process will show."""
    args = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python", *sys.argv[1:2]]
    return " ".join(args)


class StoreLock:
    """An exclusive, non-blocking flock on ``<store>/lock``."""

    def __init__(self, root: Path, purpose: str | None = None, wait_for_publish: float = 10.0):
        self.path = root / "lock"
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_for_publish
        while not self._try():
            pid, holder = self.holder()
            # a reader publishing its first snapshot holds the lock for a moment only
            if holder == PUBLISH and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            os.close(self.fd)
            raise StoreBusy(
                f"store at {root} is in use by process {pid} ({holder})",
                hint="wait for that command to finish or stop it; one writer at a time")
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()} {purpose or command_line()}\n".encode(), 0)

    def _try(self) -> bool:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def holder(self) -> tuple[str, str]:
        """(pid, command) of the holder as it wrote them; "?" when not written yet."""
        text = os.pread(self.fd, 4096, 0).decode("utf-8", "replace").strip()
        pid, _, what = text.partition(" ")
        return pid or "?", what or "unknown command"

    def release(self) -> None:
        if self.fd >= 0:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = -1


def is_locked(root: Path) -> bool:
    """Is a writer holding the store right now? (A hint only: it may change at once.)"""
    path = root / "lock"
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
