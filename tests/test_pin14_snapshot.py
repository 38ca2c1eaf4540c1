"""A document's content and its Last-Modified come from one snapshot (review of 5516868).

``describe.make`` read the document, then dated it by ``store.published``; a
SnapshotReader may switch to a newer snapshot between the two, so snapshot A's
content went out with B's publish time, and an If-Modified-Since with B's date then
got a stale 304. Here a new snapshot is published, through the real loader, exactly
between reading the document and dating it; the reader is a real SnapshotReader over
a real embedded store.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from ld import describe, formats, uris
from ld.config import Settings, load_settings
from ld.model import Agent, Record, Source, Subject
from ld.store import open_reader, snapshots
from ld.store.reader import CHECK_EVERY
from tests.conftest_web import load_records

BASE = "http://pin.example/"
TTL = formats.get("ttl")


def _record(key: str) -> Record:
    return Record(id=key, source=Source("test", key, "test"), formats=["Article"],
                  title=f"Pinned {key}", creators=[Agent("Pinner, Pat")],
                  subjects=[Subject("Snapshots", scheme="keyword")], issued="2004")


def _subject_key(reader: Any) -> str:
    """The key of the subject the first record points to."""
    graph = reader.graph(uris.record_graph(BASE, "pin-a"))
    (key,) = {str(o)[len(BASE + "id/subject/"):] for o in graph.objects()
              if str(o).startswith(BASE + "id/subject/")}
    return key


def _graph(rep: describe.Representation) -> Graph:
    return Graph().parse(data=rep.body, format="turtle")


def _publish_after_reading(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    """Reading a document (the real ``load``) is followed by a load of a second record
    about the same subject and its publish, a second later: the reader's next look
    (once a second) sees snapshot B, and B is in another whole second (so dated)."""
    real_load = describe.load

    def load_then_publish(*args: Any, **kwargs: Any) -> describe.Document:
        document = real_load(*args, **kwargs)
        time.sleep(CHECK_EVERY + 0.1)
        load_records(settings, [_record("pin-b")])
        return document

    monkeypatch.setattr(describe, "load", load_then_publish)


def test_content_and_date_come_from_one_snapshot(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(env={}, store=str(tmp_path / "store"), base_uri=BASE)
    load_records(settings, [_record("pin-a")])
    first = snapshots.current(tmp_path / "store")
    with open_reader(settings) as reader:
        key = _subject_key(reader)
        expected = describe.make(reader, BASE, "subject", key, TTL)  # snapshot A, no switch
        assert expected.last_modified == snapshots.published(first or "")
        _publish_after_reading(monkeypatch, settings)
        got = describe.represent(reader, BASE, "subject", key, TTL)
        monkeypatch.undo()
        assert snapshots.current(tmp_path / "store") != first  # B was published in between
        assert isomorphic(_graph(got), _graph(expected))  # A's content ...
        assert got.last_modified == expected.last_modified  # ... with A's date
        newer = describe.make(reader, BASE, "subject", key, TTL)  # the reader now serves B
        assert not isomorphic(_graph(newer), _graph(got))
        assert newer.last_modified is not None and newer.last_modified > got.last_modified
