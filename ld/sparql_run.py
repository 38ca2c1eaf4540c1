"""Execute a checked SPARQL operation against the store.

Embedded store: the query goes to a worker process of the :class:`QueryPool`
(hard timeout, concurrency cap, streamed chunks). Remote store: it is
forwarded over HTTP with the timeout (:mod:`ld.sparql_remote`). Updates (only
reachable with the token, see :func:`ld.sparql.check`) go to the store's own
``update``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ld import sparql_local
from ld.config import Settings
from ld.errors import BadRequest, Overloaded
from ld.formats import Format
from ld.sparql import TRUNCATED_HEADER, Analysis, ProtocolRequest
from ld.sparql_messages import plain
from ld.sparql_pool import QueryPool, busy_message
from ld.store.base import QueryResponse, Store

LOG = logging.getLogger("ldpub.sparql")

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["TRUNCATED_HEADER", "Formats", "Pools", "run_query", "run_update", "with_using"]

_POSITION = re.compile(r"error at (\d+):(\d+)")  # Oxigraph's syntax errors: line:column
Inserted = Sequence[tuple[int, int]]  # (offset in the text sent, length) of what we wrote in


@dataclass(frozen=True)
class Formats:
    """The negotiated representation for each kind of result the query may give."""

    results: Format  # SELECT / ASK
    graph: Format  # CONSTRUCT / DESCRIBE


class Pools:
    """One QueryPool per process (a serving process may be forked after the app is built)."""

    def __init__(self) -> None:
        self._pool: QueryPool | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self.published: str | None = None  # snapshot an update of this process made
        self._remote: threading.BoundedSemaphore | None = None

    def remote_slot(self, settings: Settings) -> threading.BoundedSemaphore:
        """Take a slot of the concurrency cap for a remote store (no worker processes there)."""
        with self._lock:
            if self._remote is None:
                self._remote = threading.BoundedSemaphore(max(1, settings.max_concurrent_queries))
        if not self._remote.acquire(blocking=False):
            raise Overloaded(busy_message(settings.max_concurrent_queries), retry_after=2)
        return self._remote

    def snapshot(self, store: Store, current: str | None = None) -> str | None:
        """The snapshot to query: the reader's (``current`` when the caller has just
        read it), or a newer one our own update published.

        The reader looks for new snapshots at most once a second; a client
        that updates and then queries must see its update (read your writes).
        Snapshot names sort by time.
        """
        if current is None:
            current = getattr(store, "snapshot_path", None)
        if self.published and (current is None
                               or Path(self.published).name > Path(current).name):
            return self.published
        return current

    def get(self, settings: Settings) -> QueryPool:
        pid = os.getpid()
        if self._pool is None or self._pid != pid:
            with self._lock:
                if self._pool is None or self._pid != pid:
                    self._pool = QueryPool(settings.max_concurrent_queries,
                                           memory_mb=settings.query_memory)
                    self._pid = pid
        return self._pool

    def close(self) -> None:
        if self._pool is not None and self._pid == os.getpid():
            self._pool.close()
        self._pool = None


def job(request: ProtocolRequest, analysis: Analysis, formats: Formats, *,
        snapshot: str | None, settings: Settings, base_iri: str) -> dict[str, object]:
    """The worker job: the query, where the data is, the dataset and the formats.

    The default graph is the union of all record graphs unless the request
    (default-graph-uri / named-graph-uri) or the query (FROM / FROM NAMED)
    names its dataset; a protocol dataset overrides the query's.
    """
    dataset = request.names_dataset
    return {
        "query": request.text,
        "store": snapshot,
        "base_iri": base_iri,
        "results_format": formats.results.oxigraph,
        "rdf_format": formats.graph.oxigraph,
        "default_graph": request.default_graphs if dataset else None,
        "named_graphs": request.named_graphs if dataset else None,
        "union": not dataset and not analysis.names_dataset,
        "describe": analysis.form == "DESCRIBE",  # see sparql_worker.distinct
        "max_rows": _cap(analysis, settings.max_rows),
        "timeout": settings.query_timeout,
    }


class _Releasing:
    """Chunks that give the concurrency slot back when done or closed (even unread)."""

    def __init__(self, chunks: Iterator[bytes], release: Callable[[], None]) -> None:
        self.chunks, self.release = iter(chunks), release
        self.released = False

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self.chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if not self.released:
            self.released = True
            close = getattr(self.chunks, "close", None)
            if close is not None:
                close()
            self.release()

    __del__ = close


def _cap(analysis: Analysis, max_rows: int) -> int:
    """The row cap the worker must apply: none when the query's own LIMIT is within it."""
    limit = analysis.limit
    return 0 if limit is not None and limit <= max_rows else max_rows


def run_query(request: ProtocolRequest, analysis: Analysis, formats: Formats, *,
              store: Store, settings: Settings, pools: Pools, base_iri: str,
              bounded: bool | None = None) -> QueryResponse:
    """Run the query with the timeout; the response streams its chunks.

    ``bounded`` is :func:`ld.sparql_local.bounded` for this query when the
    caller already knows it (the SPARQL fast path asks it first).
    """
    if settings.store_is_remote:
        from ld.sparql_remote import forward

        slot = pools.remote_slot(settings)
        try:
            response = forward(request, analysis, formats, store=store, settings=settings)
        except BaseException:
            slot.release()
            raise
        response.chunks = _Releasing(response.chunks, slot.release)
        return response
    opened = getattr(store, "opened", None)
    if bounded is None:
        bounded = sparql_local.bounded(analysis, settings.max_rows)
    # the reader's path and Store read once (each read checks the fork and the clock)
    local = opened() if opened and bounded else None
    snapshot = pools.snapshot(store, local[0] if local is not None else None)
    the_job = job(request, analysis, formats, snapshot=snapshot, settings=settings,
                  base_iri=base_iri)
    here = local[1] if local is not None and local[0] == snapshot else None  # as a worker would
    header, chunks = _evaluate(the_job, here, request, analysis, settings, pools)
    kind = header["kind"]
    fmt = formats.graph if kind == "graph" else formats.results
    headers = {TRUNCATED_HEADER: str(settings.max_rows)} if header["truncated"] else {}
    return QueryResponse(kind, fmt.media_type, chunks, header["truncated"], headers)


def _evaluate(the_job: dict[str, object], here: ox.Store | None, request: ProtocolRequest,
              analysis: Analysis, settings: Settings, pools: Pools
              ) -> tuple[dict[str, Any], Any]:
    """The job run in this process on ``here`` (the lane's open snapshot) or by a
    worker; Oxigraph's syntax errors said plainly (:mod:`ld.sparql_messages`)."""
    try:
        if here is not None:
            LOG.debug("%s query runs in this process (a bounded answer)", analysis.form)
            return sparql_local.run(the_job, here)
        LOG.debug("%s query goes to a query worker (limit %g s)", analysis.form,
                  settings.query_timeout)
        return pools.get(settings).execute(the_job, settings.query_timeout)
    except BadRequest as e:
        raise BadRequest(plain(e.message, request.text, analysis), e.location, e.hint) from None


def run_update(request: ProtocolRequest, analysis: Analysis, *, store: Store,
               settings: Settings, pools: Pools, base_iri: str) -> None:
    """Apply an update (the caller has checked the token) and publish it.

    Relative IRIs resolve against the endpoint URL (SPARQL 1.1 Protocol
    2.2.3): the store's ``update`` takes no base IRI, so a BASE is written in
    front, and a syntax error's position is moved back into the client's text.
    """
    base = f"BASE <{base_iri}> "
    text, inserted = with_using(request, analysis)
    inserted = [(0, len(base)), *((at + len(base), n) for at, n in inserted)]
    try:
        _apply(base + text, store, settings, pools)
    except BadRequest as e:
        message = in_user_text(e.message, base + text, inserted, request.text)
        raise BadRequest(plain(message, request.text, analysis), e.location, e.hint) from None


def _apply(text: str, store: Store, settings: Settings, pools: Pools) -> None:
    """The serving store of an embedded setup is a read-only snapshot, so the
    update goes to the primary (taken exclusively: a running ``ldpub load``
    makes this a 503) and a new snapshot is published at once."""
    if settings.store_is_remote:
        store.update(text)
        return
    from ld.store import open_store
    from ld.store.snapshots import snapshots_dir

    primary = open_store(settings)
    try:
        primary.update(text)
        name = primary.publish()  # type: ignore[attr-defined]
    finally:
        primary.close()
    pools.published = str(snapshots_dir(Path(settings.store)) / name)


def with_using(request: ProtocolRequest, analysis: Analysis) -> tuple[str, Inserted]:
    """The update text with the protocol's using-(named-)graph-uri as USING clauses,
    and where they went.

    The protocol parameters mean exactly what USING / USING NAMED in each
    DELETE/INSERT ... WHERE operation mean; the store's update engine takes
    no dataset argument, so they are written into the text in front of each
    top-level WHERE (not the short form ``DELETE WHERE``, which takes none).
    """
    if not request.names_dataset:
        return request.text, []
    clause = "".join(f" USING <{g}>" for g in request.default_graphs)
    clause += "".join(f" USING NAMED <{g}>" for g in request.named_graphs) + " "
    text, inserted, previous, offset = request.text, [], None, 0
    for token in analysis.tokens:
        if token.kind == "word" and token.text == "WHERE" and token.depth == 0 \
                and previous != "DELETE":
            at = token.start + offset
            text = text[:at] + clause + text[at:]
            inserted.append((at, len(clause)))
            offset += len(clause)
        previous = token.text if token.kind == "word" else None
    return text, inserted


def in_user_text(message: str, sent: str, inserted: Inserted, user: str) -> str:
    """``message`` with Oxigraph's "error at line:column" in ``sent`` moved to ``user``.

    Columns count characters; ``inserted`` says what ``sent`` has that
    ``user`` has not (an error inside an insertion points at its place).
    """
    m = _POSITION.search(message)
    if m is None:
        return message
    at = sum(len(line) + 1 for line in sent.split("\n")[:int(m[1]) - 1]) + int(m[2]) - 1
    at -= sum(min(n, at - start) for start, n in inserted if at > start)
    line, column = user.count("\n", 0, at) + 1, at - user.rfind("\n", 0, at)
    return f"{message[:m.start(1)]}{line}:{column}{message[m.end(2):]}"
