"""review12 L9: the home page's "Subjects" count is the number the subjects browse list
counts (topics: what records are dcterms:subject of), not every skos:Concept, which
includes the genre/form concepts records are dcterms:type of."""

from __future__ import annotations

from pathlib import Path

from ld import browse
from ld.config import load_settings
from ld.model import Record, Source, Subject
from ld.store import open_reader
from tests.conftest_web import load_records

BASE = "http://example.org/"


def test_the_subjects_count_is_the_browse_lists(tmp_path: Path) -> None:
    settings = load_settings(env={}, store=str(tmp_path / "store"), base_uri=BASE)
    genres = [Subject("Poetry", kind="genre"), Subject("Fiction", kind="genre")]
    load_records(settings, [Record(id="r1", source=Source("t.json", "record 1", "test"),
                                   title="T", issued="2020",
                                   subjects=[Subject("Cats"), *genres])], [])
    store = open_reader(settings)
    try:
        found = browse.holdings(store)
        assert found is not None
        counts = {row.label: row.count for row in found[1] if row.label}
        assert counts["subject"] == browse.top_total(store, BASE, "subject") == 1
        assert browse.kind_counts(store) == counts
    finally:
        store.close()
