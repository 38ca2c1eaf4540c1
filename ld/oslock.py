"""Exclusive OS locks on a file (flock) that elect one process for a piece of work.

Why flock: the lock goes with its process, even after SIGKILL or a power
loss, so there is no stale lock file to detect, no pid to check (pids are
reused) and nothing to clean up by hand. The file itself stays; only the
lock on it matters, so it is never removed (removing it would let a second
process lock a new file of the same name while the first still holds the
old one). Used by the search-index builder (:mod:`ld.search_index`), the
dumps and sitemaps (:func:`ld.dumps.made`) and the per-snapshot figures
(:mod:`ld.versioned`); the store's own writer lock (:mod:`ld.store.lock`)
also records who holds it, for its error message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


def acquire(path: Path, *, wait: bool = False) -> int | None:
    """Lock ``path`` (created if missing): the open descriptor holding the lock,
    or None when another holder has it and ``wait`` is False.

    Two descriptors conflict even within one process, so a thread of the
    same process is refused as another process would be. Raises OSError when
    the file cannot be created or opened (no write access).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return None
    except OSError:
        os.close(fd)
        raise
    return fd


def release(fd: int) -> None:
    """Give the lock back (closing its descriptor releases it)."""
    os.close(fd)
