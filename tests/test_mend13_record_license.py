"""M2: a record's Turtle is its stored graph plus the dataset's licence, and the document
is one subject block.

The licence, which the stored graph does not hold, was appended after all the store's
triples, so Turtle wrote ``<doc> … void:inDataset … .`` and, at the end, a second
``<doc> dcterms:license <…> .``. The store's own writing of the graph, kept for when
there is no licence, could no longer be reached in a serving process: it is gone.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ld import describe, uris
from ld.config import Settings, load_settings
from ld.formats import BY_KEY
from ld.model import Record, Source
from ld.store import open_reader
from tests.conftest_web import load_records

BASE = "http://example.org/"
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
DOC = ox.NamedNode(uris.doc_uri(BASE, "record", "r1"))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root: Path = tmp_path_factory.mktemp("mend13") / "store"
    settings = load_settings(env={}, store=str(root), base_uri=BASE)
    load_records(settings, [Record(id="r1", source=Source("t.json", "record 1", "test"),
                                   formats=["Book"], title="Licensed", issued="2020")])
    return settings


def _turtle(settings: Settings) -> list[ox.Triple]:
    with open_reader(settings) as store:
        body = describe.make(store, BASE, "record", "r1", BY_KEY["ttl"], license=LICENSE).body
    return [q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)]


def test_the_turtle_is_the_stored_graph_and_the_license(settings: Settings) -> None:
    with open_reader(settings) as store:
        stored = {getattr(q, "triple", q) for q in store.triples(DOC.value)}
    license = ox.Triple(DOC, ox.NamedNode("http://purl.org/dc/terms/license"),
                        ox.NamedNode(LICENSE))
    assert set(_turtle(settings)) == stored | {license}


def test_the_document_is_one_subject_block(settings: Settings) -> None:
    # Turtle writes a subject's triples in one block only when they come together
    subjects = [t.subject for t in _turtle(settings)]
    first, last = subjects.index(DOC), len(subjects) - subjects[::-1].index(DOC)
    assert set(subjects[first:last]) == {DOC}
