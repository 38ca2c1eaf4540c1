"""Records naming many distinct people, loaded into a real store and served.

For tests about figures (thousands separators, a browse list of exactly two
pages) that need the counts to come from a real store holding real records,
not from faked domain functions. Plain module, imported by the tests that
use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ld.model import Agent, Record, Source
from tests.conftest_web import Site, start_site


def people_records(people: int, per_record: int, prefix: str = "people") -> list[Record]:
    """Books naming ``people`` distinct people, ``per_record`` of them (the last book
    the rest) as the creators of each."""
    src = Source("generated", "record 1", "test")
    names = [f"Person {n:05d}, Test" for n in range(people)]
    return [Record(id=f"{prefix}-{i:05d}", source=src, formats=["Book"],
                   title=f"Counted book {i}", issued="2000",
                   creators=[Agent(name) for name in names[first:first + per_record]])
            for i, first in enumerate(range(0, people, per_record))]


def people_named(records: list[Record]) -> int:
    """How many distinct people the records name (what the store should count)."""
    return len({agent.name for record in records for agent in record.creators})


@contextmanager
def people_site(root: Path, records: list[Record]) -> Iterator[Site]:
    """A live site over a store of ``records`` alone (real pipeline, published snapshot),
    its whole-dataset figures computed before the first request, so that the home
    page shows them instead of "being computed" on a slow machine."""
    from ld import browse

    site, server = start_site(root, records, [])
    try:
        reader = site.reader()
        try:
            browse.holdings(reader)  # exact: waits for the figures of this snapshot
        finally:
            reader.close()
        yield site
    finally:
        server.shutdown()
