"""The per-snapshot figures on disk: how :mod:`ld.versioned` files its values.

Apart from :mod:`ld.versioned`, which decides when a value is computed and
which one a caller gets, this module owns what makes a file of values safe
to share between processes: JSON written atomically beside the snapshot's
search index (``<store>/search/<snapshot>.figures/``), read back by any
serving process, and an OS lock (flock) on its name that elects the one
process computing it. It knows paths only, not stores or keys; a path of
None means the store has no snapshot to file under (a remote store or a
primary), so every call then keeps to memory.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from ld import oslock
from ld.atomic import write_atomically

log = logging.getLogger("ldpub.versioned")  # the messages are still the cache's own


def figures_dir(root: Path, snapshot: str) -> Path:
    return Path(root) / "search" / f"{snapshot}.figures"


def read(path: Path | None) -> tuple[Any] | None:
    """(value,) when a process filed it for this snapshot; None otherwise."""
    if path is None:
        return None
    try:
        return (json.loads(path.read_bytes()),)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:  # unreadable: compute it again
        log.warning("ignoring %s: %s", path, err)
        return None


def write(path: Path | None, value: Any) -> None:
    """File the value (atomically); a store we cannot write to just keeps it in memory."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, lambda out: out.write(json.dumps(value).encode("utf-8")))
    except OSError as err:
        log.warning("cannot keep %s on disk (%s); it is computed again per process", path, err)


def newest(path: Path | None) -> tuple[Any] | None:
    """(value,) filed last under this name for any snapshot, the newest readable one.

    What a process with no value of its own yet shows while this snapshot's
    is computed (see ``_remember_filed`` in :mod:`ld.versioned`).
    """
    if path is None:
        return None
    filed = sorted(path.parent.parent.glob(f"*.figures/{path.name}"),
                   key=_mtime, reverse=True)
    for candidate in filed:
        try:
            return (json.loads(candidate.read_bytes()),)
        except (OSError, ValueError):
            continue
    return None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


class Claim:
    """An OS lock on the value's file name: True for the one process that computes it.

    flock, so the lock goes with its process, even after SIGKILL. ``wait``
    (an exact caller, which needs the value) waits for the process holding
    it, then reads what that process filed; otherwise a held lock means
    False at once. Where there is no file (no snapshot, or no write access),
    every process may compute.
    """

    def __init__(self, path: Path | None, *, wait: bool = False) -> None:
        self.path, self.wait = path, wait
        self.fd: int | None = None

    def __enter__(self) -> bool:
        if self.path is None:
            return True
        try:
            self.fd = oslock.acquire(self.path.with_suffix(".lock"), wait=self.wait)
        except OSError:
            return True
        return self.fd is not None

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            oslock.release(self.fd)
