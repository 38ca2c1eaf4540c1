"""The SPARQL lane's small savings (sparqlperf2, session 13) change nothing they touch.

- ``_media_type`` answers a Content-Type without parameters directly: the same
  (type, charset) as the general split, on every shape of header tried.
- ``run_query`` reads the reader's snapshot once for an in-process query (path
  and Store together), and still honours a snapshot our own update published.
"""

from __future__ import annotations

import itertools
from typing import Any

import pyoxigraph as ox

from ld.config import load_settings
from ld.sparql import ProtocolRequest, _media_type, analyse
from ld.sparql_run import Formats, Pools, run_query
from ld.web.sparql import RESULTS


def _general(content_type: str | None) -> tuple[str, str | None]:
    """The split as it was before the shortcut (the reference)."""
    parts = [p.strip() for p in (content_type or "").split(";")]
    charset = next((p.partition("=")[2].strip('"').lower() for p in parts[1:]
                    if p.lower().startswith("charset=")), None)
    return parts[0].lower(), charset


def test_media_type_shortcut_is_the_general_split() -> None:
    pieces = ["", " ", "\t", "application/x-www-form-urlencoded", "Application/SPARQL-Query",
              "text/plain", "charset=utf-8", ";", " charset=\"UTF-8\"", "x;y", "\u00a0", "\n"]
    cases = [None, *("".join(p) for p in itertools.product(pieces, repeat=3))]
    for content_type in cases:
        assert _media_type(content_type) == _general(content_type), repr(content_type)


class _Reader:
    """A reader that counts how often its snapshot is read."""

    def __init__(self, path: str) -> None:
        self.path, self.store, self.reads = path, ox.Store(), 0
        self.store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"),
                               ox.Literal("o"), ox.NamedNode("http://x/g")))

    @property
    def snapshot_path(self) -> str:
        self.reads += 1
        return self.path

    def opened(self) -> tuple[str, Any]:
        self.reads += 1
        return self.path, self.store


def _lookup(reader: _Reader, pools: Pools) -> bytes:
    settings = load_settings(env={"LDPUB_STORE": "/nonexistent"})
    text = "SELECT ?p ?o WHERE { <http://x/s> ?p ?o }"
    response = run_query(ProtocolRequest("query", text), analyse(text),
                         Formats(RESULTS[0], RESULTS[0]), store=reader,  # type: ignore[arg-type]
                         settings=settings, pools=pools, base_iri="http://x/sparql")
    return b"".join(response.chunks)


def test_lane_reads_the_snapshot_once() -> None:
    reader = _Reader("/snapshots/20260101T000000")
    body = _lookup(reader, Pools())
    assert reader.reads == 1
    assert b'"value":"http://x/p"' in body and b'"value":"o"' in body


def test_own_newer_update_still_goes_to_a_worker() -> None:
    """A snapshot our update published that the reader has not opened yet: the query is
    not run on the reader's older Store (read your writes), exactly as before."""
    pools = Pools()
    pools.published = "/snapshots/20270101T000000"
    assert pools.snapshot(_Reader("/snapshots/20260101T000000")) == pools.published
    assert pools.snapshot(_Reader("x"), "/snapshots/20260101T000000") == pools.published
    assert pools.snapshot(_Reader("x"), "/snapshots/20280101T000000") == \
        "/snapshots/20280101T000000"
