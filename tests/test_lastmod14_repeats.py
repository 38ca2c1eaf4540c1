"""The same record id twice in one load is a warning naming both places (explore12 marc L8).

``ldpub load marc1.xml marc3.xml`` (both hold 001 "123") said ``replaced 1`` on an
empty store and nothing else: the rich first version was gone without a word. Now
the summary counts it in ``repeated`` and ``warnings`` and says which record at
which place replaced which; the later version is still the one stored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import DCTERMS, Literal, URIRef

from ld.cli import main
from ld.config import load_settings
from ld.ingest import ingest_items
from ld.model import Deletion, Record, Source
from ld.repeats import RepeatedIds
from ld.store import open_store
from ld.uris import record_graph, record_uri

MARC = Path("/work/shared/data/marc/recordmanager")


def test_ldpub_load_names_both_places_of_a_repeated_id(tmp_path: Path) -> None:
    if not MARC.is_dir():
        pytest.skip(f"{MARC} (third-party MARC records) is not on this machine")
    first, later = str(MARC / "marc1.xml"), str(MARC / "marc3.xml")
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["load", "--store", str(store), "--jobs", "0",
                                       first, later])
    assert result.exit_code == 0, result.output
    expected = (f"record 123 at {later} record 1 (line 2) replaces {first} record 1 (line 2) "
                "of this load")
    assert f"warning: {expected}" in " ".join(result.stderr.split())
    as_json = CliRunner().invoke(main, ["load", "--store", str(tmp_path / "other"),
                                        "--jobs", "0", "--json", first, later])
    summary = json.loads(as_json.stdout)
    assert (summary["repeated"], summary["repeated_ids"]) == (1, [expected])


def _record(key: str, file: str) -> Record:
    return Record(id=key, source=Source(file, "record 1", "test"), formats=["Book"],
                  title=f"{key} of {file}", issued="2001")


def test_repeats_across_batches_and_after_a_deletion(tmp_path: Path) -> None:
    settings = load_settings(env={}, store=str(tmp_path / "store"), batch_size=2)
    items = [_record("r1", "a.json"), _record("r2", "a.json"), _record("r3", "a.json"),
             _record("r1", "b.json"),  # a later batch
             Deletion("r2", Source("a.json", "record 4", "test")),
             _record("r2", "c.json")]  # deleted first: it replaces nothing
    with open_store(settings) as store:
        summary = ingest_items(items, settings=settings, store=store, jobs=0)
    assert (summary.loaded, summary.replaced, summary.repeated) == (5, 1, 1)
    assert summary.repeated_ids == [
        "record r1 at b.json record 1 replaces a.json record 1 of this load"]
    assert summary.warnings >= 1
    with open_store(settings) as store:  # the later version is the one stored
        graph = store.graph(record_graph(settings.base_uri, "r1"))
    assert set(graph.objects(URIRef(record_uri(settings.base_uri, "r1")), DCTERMS.title)) == {
        Literal("r1 of b.json")}


def test_the_ids_remembered_are_bounded() -> None:
    repeats = RepeatedIds(remember=2)
    source = Source("a.json", "record 1", "test")
    assert repeats.stored([("x", source), ("y", source), ("z", source)]) == []
    assert repeats.stored([("x", source)]) == []  # forgotten: the oldest of three
    assert repeats.stored([("z", source)]) == [
        "record z at a.json record 1 replaces a.json record 1 of this load"]
