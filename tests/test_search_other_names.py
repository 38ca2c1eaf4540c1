"""Search finds a record by its author's name in the original script (MARC 880, published
as the agent's skos:altLabel): the index and the scan read foaf:name only, so a reader
typing 影山 found nothing though the record page and the person's page showed the name."""

from __future__ import annotations

from pathlib import Path

import pytest

from ld import browse, search_index
from ld.config import load_settings
from ld.model import Agent, Record, Source
from ld.store import open_reader
from tests.conftest_web import load_records
from tests.search_helpers import index_of_store

BASE = "http://example.org/"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("othernames")
    settings = load_settings(env={}, store=str(root / "store"), base_uri=BASE)
    src = Source("generated", "record 1", "test")
    load_records(settings, [
        Record(id="kokugo", source=src, formats=["Book"], title="Kokugo jiten",
               creators=[Agent("Kageyama, Terukuni", alt_names=["影山, 輝国"])]),
        Record(id="other", source=src, formats=["Book"], title="Another book",
               creators=[Agent("Smith, Ann")]),
    ])
    return root


@pytest.mark.parametrize("text", ["影山", "影山 輝国", "Kageyama"])
def test_the_index_finds_a_name_in_its_original_script(root: Path, text: str) -> None:
    found = search_index.search(index_of_store(root, BASE), text, 10)
    assert [iri for iri, _ in found] == [BASE + "id/record/kokugo"]


def test_the_scan_finds_it_too(root: Path) -> None:
    settings = load_settings(env={}, store=str(root / "store"), base_uri=BASE)
    with open_reader(settings) as reader:
        assert [row.iri for row in browse._scan(reader, BASE, "影山", 10)] == [
            BASE + "id/record/kokugo"]
