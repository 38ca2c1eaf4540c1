"""Files that readers see whole or not at all.

Dumps, sitemaps and the per-snapshot figures are read by other processes
(serving workers, crawlers, a restarted server) while they may still be
written. Each is written to a temporary file beside its target and renamed
into place when whole; the rename is atomic, so a reader finds the old
file, the new one, or none, never half of one. (The store's journal,
CURRENT pointer and identity filter also fsync, for crash safety, with
:func:`fsync_dir`: :mod:`ld.store.journal`, :mod:`ld.store.snapshots`,
:mod:`ld.identity_filter`.)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """``write(out)`` into a temporary file beside ``target``, then renamed into place;
    the temporary file is removed when writing fails."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fsync_dir(directory: Path) -> None:
    """Make a rename or unlink in ``directory`` survive power loss."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
