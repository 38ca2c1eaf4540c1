"""The real full-text index of a real store holding a table of made-up records, for the
search tests (tests/test_search_index.py, tests/test_search_folding.py)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ld import search_index
from ld.config import load_settings
from ld.model import Agent, Record, Source
from ld.store import snapshots
from tests.conftest_web import load_records

# id -> (title, alternative titles, author names)
Table = dict[str, tuple[str, list[str], list[str]]]


def index_of_records(root: Path, base: str, table: Table) -> Path:
    """Load ``table`` through the real pipeline into a store under ``root``, then build
    the index of its published snapshot and return its path."""
    settings = load_settings(env={}, store=str(root / "store"), base_uri=base)
    src = Source("generated", "record 1", "test")
    load_records(settings, [Record(id=key, source=src, formats=["Book"], title=title,
                                   alternative_titles=alternatives,
                                   creators=[Agent(name) for name in names])
                            for key, (title, alternatives, names) in table.items()])
    return index_of_store(root, base)


def index_of_store(root: Path, base: str) -> Path:
    """The index (search_index.build) of the published snapshot of the store under
    ``root``, written to ``root/index.sqlite``."""
    snapshot = snapshots.snapshots_dir(root / "store") / snapshots.current(root / "store")
    path = root / "index.sqlite"
    search_index.build(ox.Store.read_only(str(snapshot)), base, path)
    return path
