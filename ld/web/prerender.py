"""``ldpub render``: every record's Turtle, JSON-LD and HTML made once, for every worker.

Serving a record that ``ldpub render`` made costs one index lookup (its
``dcterms:modified``) and one SQLite read, against reading and serialising
its graph (docs/benchmarks.md, "Serving"). The bytes are exactly what a
serving worker would make (:func:`ld.describe.body_of` on the record's graph,
read once for the three formats; the same templates),
with the site's root path left as :data:`ld.renders.ROOT_MARK`. It lives in
``ld.web`` because HTML needs the app's Jinja environment.

The renderer holds the store's writer lock (a load cannot change records
under it), reads the latest *published* snapshot (publishing first if the
primary has unpublished writes), renders only records whose rows are missing
or made for another version, drops the rows of records that are gone, and
spreads the work over worker processes (``--jobs``, one per CPU by default).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ld import describe, renders, uris
from ld.config import Settings
from ld.errors import StoreError
from ld.store import snapshots
from ld.store.embedded import UNPUBLISHED, EmbeddedStore
from ld.store.reader import SnapshotReader

CHUNK = 200  # records per task: big enough to amortise the hand-over, small for progress
PACKAGE = Path(__file__).resolve().parent.parent


@dataclass
class RenderSummary:
    """What a render did: ``records == rendered + current`` at the end."""

    records: int = 0
    rendered: int = 0
    current: int = 0
    removed: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def flavour(settings: Settings) -> str:
    """What shapes a record's bytes besides the record: code, templates, settings.

    A serving app uses rows only of its own flavour, so upgrading ldpub,
    editing a template or changing the base URI, title or licence falls back to
    rendering on demand until ``ldpub render`` runs again.
    """
    digest = hashlib.blake2b(digest_size=8)
    for part in (_code(), settings.base_uri, settings.dataset_title, settings.license or "",
                 *renders.FORMATS):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


@functools.cache
def _code() -> str:
    """ldpub's version and a digest of its modules and templates (read once per process)."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted([*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html")]):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + path.read_bytes())
    return _package_version() + " " + digest.hexdigest()


def _package_version() -> str:
    try:
        return package_version("ldpub")
    except PackageNotFoundError:
        return "source"


def render_store(settings: Settings, *, store: EmbeddedStore | None = None,
                 jobs: int | None = None,
                 progress: Callable[[RenderSummary], None] | None = None,
                 changed_only: bool = False) -> RenderSummary:
    """Bring ``<store>/renders.sqlite`` up to date with the latest snapshot.

    ``changed_only`` (after a load or a harvest): render the records written
    or deleted since the last render, as the store noted them, instead of
    comparing every record's version with its rows: that comparison reads
    every record's ``dcterms:modified`` and every row (about 1 s per 100,000
    records), which a one-record load should not pay.
    """
    if settings.store_is_remote:
        raise StoreError("ldpub render keeps its files next to an embedded store",
                         hint="a SPARQL server store is served without them")
    started = time.monotonic()
    own = store is None
    primary = store or EmbeddedStore(settings.store, purpose="render")
    try:
        root = Path(settings.store)
        if snapshots.current(root) is None or (root / UNPUBLISHED).exists():
            primary.publish()
        summary = _bring_up_to_date(settings, root, jobs, progress, changed_only)
    finally:
        if own:
            primary.close()
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def _bring_up_to_date(settings: Settings, root: Path, jobs: int | None,
                      progress: Callable[[RenderSummary], None] | None,
                      changed_only: bool) -> RenderSummary:
    """Render the pending records, or compare every record when that is asked for,
    or when the rows' flavour is not ours (an upgrade, a new template or title)."""
    flav = flavour(settings)
    try:
        sidecar = renders.Renders(renders.path_of(root), writable=True)
        try:
            pending = sidecar.pending() if changed_only and sidecar.flavour() == flav else None
            wanted = None if pending is not None else _record_versions(root, settings.base_uri,
                                                                       flav)
            summary, todo = _todo(wanted, pending, sidecar, root)
            for rows, count in _rendered(settings, todo, jobs):
                sidecar.put(rows)
                summary.rendered += count
                if progress is not None:
                    progress(summary)
            sidecar.done(pending, flav)  # everything, after a full render
            return summary
        finally:
            sidecar.close()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot write the pre-rendered records in {renders.path_of(root)}: "
                         f"{exc}", hint="make it writable, or delete it and run again") from exc


def _todo(wanted: dict[str, str] | None, pending: list[str] | None,
          sidecar: renders.Renders, root: Path) -> tuple[RenderSummary, list[str]]:
    if wanted is None:  # the rows of pending records were dropped when they changed
        return _pending_todo(pending or [], root)
    have = sidecar.versions()
    gone = [g for g in have if g not in wanted]
    sidecar.forget(gone)
    todo = [g for g, v in wanted.items() if have.get(g) != dict.fromkeys(renders.FORMATS, v)]
    return RenderSummary(records=len(wanted), current=len(wanted) - len(todo),
                         removed=len(gone)), todo


def _pending_todo(pending: list[str], root: Path) -> tuple[RenderSummary, list[str]]:
    """The pending records still in the latest snapshot are rendered; the others were
    deleted (their rows went with them): counted as removed, not as rendered."""
    _, snapshot = SnapshotReader(root).opened()
    here = [g for g in pending if snapshot.contains_named_graph(ox.NamedNode(g))]
    return RenderSummary(records=len(here), removed=len(pending) - len(here)), here


def _record_versions(root: Path, base: str, flav: str) -> dict[str, str]:
    """graph -> row version of every record in the latest snapshot."""
    _, snapshot = SnapshotReader(root).opened()
    prefix = uris.doc_uri(base, "record", "")
    versions = {}
    for quad in snapshot.quads_for_pattern(None, ox.NamedNode(renders.MODIFIED), None, None):
        graph = quad.graph_name
        if (isinstance(graph, ox.NamedNode) and graph.value.startswith(prefix)
                and quad.subject == graph):
            versions[graph.value] = renders.version(flav, quad.object.value)
    return versions


def _rendered(settings: Settings, graphs: list[str],
              jobs: int | None) -> Iterator[tuple[list[renders.Row], int]]:
    """(rows, records) per chunk, from worker processes (or here when jobs == 0)."""
    chunks = [graphs[i:i + CHUNK] for i in range(0, len(graphs), CHUNK)]
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs == 0 or len(chunks) <= 1:
        _start_worker(settings)
        for chunk in chunks:
            yield _render_chunk(chunk), len(chunk)
        return
    from ld.workers import pool_context

    with ProcessPoolExecutor(jobs, mp_context=pool_context(), initializer=_start_worker,
                             initargs=(settings,)) as pool:
        pending: list[tuple[Future, int]] = []
        for chunk in chunks:
            pending.append((pool.submit(_render_chunk, chunk), len(chunk)))
            if len(pending) >= 2 * jobs:  # bounded memory: a few chunks in flight
                future, count = pending.pop(0)
                yield future.result(), count
        for future, count in pending:
            yield future.result(), count


_WORKER: dict[str, Any] = {}


def _start_worker(settings: Settings) -> None:
    """One app (templates, settings) and one snapshot reader per worker process."""
    from ld.web import create_app
    from ld.workers import watch_parent

    watch_parent()  # the fork server's workers do not die of SIGTERM (ld.workers.pool_context)
    app = create_app(settings)
    _WORKER.update(app=app, flavour=app.config["LDPUB_FLAVOUR"], settings=settings,
                   store=SnapshotReader(settings.store))


def _render_chunk(graphs: list[str]) -> list[renders.Row]:
    from ld.web.pages import RECORD_FORMATS, render_document

    app, settings = _WORKER["app"], _WORKER["settings"]
    base, store = settings.base_uri, _WORKER["store"].pin()
    offered = {f.key: f for f in RECORD_FORMATS}
    rows: list[renders.Row] = []
    with app.test_request_context("/", base_url="http://render.invalid" + renders.ROOT_MARK):
        for graph in graphs:
            modified = store.value(graph, graph, renders.MODIFIED)
            parts = uris.split(base, graph)
            if modified is None or parts is None:
                continue  # gone meanwhile: nothing to keep
            row_version = renders.version(_WORKER["flavour"], modified)
            document = describe.load(store, base, "record", parts[2],  # one read, 3 formats
                                     license=settings.license)
            for key in renders.FORMATS:
                body = describe.body_of(document, base, offered[key], render_document)
                rows.append((graph, key, row_version, renders.pack(body)))
    return rows
