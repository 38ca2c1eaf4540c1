"""Whole-dataset downloads: N-Triples (gzip), Turtle, JSON-LD and N-Quads (gzip).

Dumps are files under ``settings.dumps_path / <store version>/``, written
once per store version (by :func:`make`, called on the first request for a
dump, or ahead of time by whoever runs it after a load) and then served as
static files (Content-Length, byte ranges, conditional GET); a remote
store's are remade once a day (in a folder of their own per server and
base URI), and the folders of other versions are removed ten minutes after
they were last written (:func:`prune`). Writing goes to
a temporary name and is renamed into place under an exclusive file lock, so
several serving workers asking at once produce the file once and nobody
ever reads half a dump.

JSON-LD is streamed from the store's N-Triples dump, one node object per
subject, lists as ``@list`` (:mod:`ld.dumps_jsonld`), so memory stays flat
however large the dataset. The one-graph dumps keep their
temporary files in the dump's own folder (``.partial-dump-*``, removed when
the dump ends or fails), on the disk that holds the dumps.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ld import dumps_jsonld, oslock
from ld.atomic import write_atomically
from ld.config import Settings
from ld.describe import CONTEXT_PATH, store_version
from ld.errors import StoreError
from ld.made_by import made_by
from ld.store.base import Store

LOG = logging.getLogger("ldpub.dumps")


@dataclass(frozen=True)
class Dump:
    filename: str
    media_type: str
    label: str
    encoding: str | None = None  # Content-Encoding of the file as stored; None = plain


DUMPS = (
    Dump("dataset.nt.gz", "application/n-triples", "N-Triples (gzip)", "gzip"),
    Dump("dataset.ttl", "text/turtle", "Turtle"),
    Dump("dataset.jsonld", "application/ld+json", "JSON-LD"),
    # the named graphs too: which record said what, and when (its document's
    # dcterms:modified), for a harvester that keeps a mirror record by record
    Dump("dataset.nq.gz", "application/n-quads", "N-Quads, one graph per record (gzip)",
         "gzip"),
)
BY_NAME = {d.filename: d for d in DUMPS}


REMOTE_PERIOD = 86_400  # seconds: how long a remote store's dumps are served before remade
PRUNE_AFTER = 600.0  # seconds untouched before another version's folder is removed
_FOLDER = re.compile(r"[0-9a-f]{16}")
_SITEMAPS = re.compile(r"sitemaps(-\d+)?")  # ld.sitemap's folder, of any format
# Of the dumps: raise it when what a dump holds changes, so the dumps an older ldpub
# wrote for a snapshot are not served after an upgrade (ld/made_by.py; the sitemaps
# have their own, ld.sitemap.FORMAT).
FORMAT = 1


def directory(settings: Settings, store: Store) -> Path:
    """The folder of this store version's dumps (and sitemaps, :mod:`ld.sitemap`).

    An embedded store's version is its snapshot. A remote store's ``version``
    changes every few seconds (it cannot see other writers of the server), so
    a folder per version meant a full dump, and a folder kept forever, every
    few seconds of requests: its dumps are made once a day instead, in a
    folder keyed by the server's URL (credentials left out) and the base URI:
    keyed by the day alone, two deployments run from one working directory
    (staging and production, two catalogues) served each other's dumps and
    sitemaps for up to a day. Either way the key includes the ldpub version and
    :data:`FORMAT`: an upgrade makes its own dumps, and the old folder is pruned.
    """
    made = made_by("dumps", FORMAT)
    if settings.store_is_remote:
        from ld.store.remote_http import split_credentials

        server = split_credentials(settings.store.rstrip("/"))[0]
        own = settings.dumps_path / _hashed(f"{server} {settings.base_uri}")
        return own / _hashed(f"remote-{int(time.time() // REMOTE_PERIOD)} {made}")
    return settings.dumps_path / _hashed(f"{store_version(store) or 'current'} {made}")


def _hashed(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def prune(settings: Settings, keep: Path) -> list[str]:
    """Remove the folders of other versions untouched for :data:`PRUNE_AFTER` seconds.

    Without this every load (or, on a remote store, every day) left a whole
    set of dumps on disk for good. Only folders that are ours go: a name
    :func:`directory` makes, holding nothing but dump files, so a dump
    directory shared with other files is safe, and only the folders beside
    ``keep`` are looked at: a remote store's are in a folder of their own, so
    a deployment never removes another's. A download in progress keeps
    reading its open file after the removal.
    """
    root, removed, now = keep.parent, [], time.time()
    for folder in root.iterdir() if root.is_dir() else ():
        if (folder != keep and folder.is_dir() and _FOLDER.fullmatch(folder.name)
                and now - folder.stat().st_mtime > PRUNE_AFTER and _ours(folder)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def _ours(folder: Path) -> bool:
    names = {d.filename for d in DUMPS} | {".lock"}
    return all(p.name in names or p.name.startswith(".partial-") or _SITEMAPS.fullmatch(p.name)
               for p in folder.iterdir())


def existing(settings: Settings, store: Store) -> dict[str, int]:
    """Dumps already made for this store version: filename -> size in bytes."""
    folder = directory(settings, store)
    return {d.filename: (folder / d.filename).stat().st_size
            for d in DUMPS if (folder / d.filename).is_file()}


def make(settings: Settings, store: Store, filename: str) -> Path:
    """The path of dump ``filename`` for the current store version, written if missing.

    The store is pinned: a dump is filed under its version's directory, so it
    must be written from that version, even if a load publishes a newer one
    meanwhile (a large dump takes minutes).
    """
    dump, store = BY_NAME[filename], store.pin()
    target = directory(settings, store) / filename
    made(target, lambda: write_atomically(
        target, lambda out: _write(store, settings, dump, out, target.parent)))
    prune(settings, target.parent)
    return target


def ensure(settings: Settings, store: Store, filename: str, wait: float = 20.0) -> Path | None:
    """The dump's path once written; None while it is still being written (see
    :func:`in_background`)."""
    store = store.pin()  # the version whose directory is checked is the one written
    return in_background(directory(settings, store) / filename,
                         lambda: make(settings, store, filename), wait)


def made(target: Path, write_all: Callable[[], object]) -> Path:
    """``target``, after ``write_all()`` made it unless it exists: under an exclusive
    lock on its folder, so several serving workers asking at once make it once."""
    if target.is_file():
        return target
    held = oslock.acquire(target.parent / ".lock", wait=True)
    try:
        if not target.is_file():
            write_all()
    finally:
        oslock.release(held)  # type: ignore[arg-type]  # waiting, acquire always holds it
    return target


_jobs: dict[Path, threading.Thread] = {}
_jobs_lock = threading.Lock()


def in_background(target: Path, make_it: Callable[[], object], wait: float) -> Path | None:
    """``target`` once made; None while ``make_it`` is still at it.

    A large dump takes longer than an HTTP request should (and than a
    proxy's read timeout), so it is written by a background thread; the
    request waits ``wait`` seconds and otherwise tells the client to come
    back (503 + Retry-After, see ld/web/dataset.py).
    """
    if target.is_file():
        return target
    with _jobs_lock:
        _refuse_if_failed(target)
        job = _jobs.get(target)
        if job is None or not job.is_alive():
            job = threading.Thread(target=_noting_failure, args=(target, make_it),
                                   name=f"make {target.name}", daemon=True)
            job.start()
            _jobs[target] = job
    job.join(wait)
    with _jobs_lock:
        _refuse_if_failed(target)
    return target if target.is_file() else None


RETRY_FAILED = 300.0  # seconds before a dump that could not be written is tried again
_failed: dict[Path, tuple[float, OSError]] = {}


def _noting_failure(target: Path, make_it: Callable[[], object]) -> None:
    """Run ``make_it``; an OS error (a read-only or full disk) is noted and logged once,
    instead of a traceback per request and a 503 "being written" for ever."""
    try:
        make_it()
    except OSError as exc:
        LOG.warning("cannot write %s: %s; give LDPUB_DUMP_DIR a writable directory",
                    target, exc.strerror or exc)
        with _jobs_lock:
            _failed[target] = (time.monotonic(), exc)


def _refuse_if_failed(target: Path) -> None:
    """A StoreError (503, with the reason and the fix) while a failure is recent."""
    when, exc = _failed.get(target, (None, None))
    if when is None or time.monotonic() - when > RETRY_FAILED:
        _failed.pop(target, None)
        return
    raise StoreError(f"cannot write {target.name} in {target.parent}: "
                     f"{getattr(exc, 'strerror', None) or exc}",
                     hint="give LDPUB_DUMP_DIR (--dump-dir) a directory the server can write to")


def _write(store: Store, settings: Settings, dump: Dump, out: BinaryIO,
           scratch: Path) -> None:
    """``dump`` into ``out``; temporary files in ``scratch``."""
    if dump.encoding == "gzip":
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as zipped:
            store.dump(zipped, dump.media_type, scratch=scratch)
    elif dump.media_type == "application/ld+json":
        dumps_jsonld.write(store, settings.base_uri + CONTEXT_PATH, out, scratch)
    else:
        store.dump(out, dump.media_type, scratch=scratch)
