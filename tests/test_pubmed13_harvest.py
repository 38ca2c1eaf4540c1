"""explore12 "pubmed" L8: a day-form from= that ldpub saved itself meets a --until of
seconds in the form of --until (2024-03-04T00:00:00Z), not a refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ld.config import Settings
from ld.harvest import harvest
from tests.test_pubmed12_harvest import _save, _server


@pytest.fixture
def store(settings: Settings) -> Iterator[object]:
    from ld.store import open_store

    with open_store(settings) as opened:
        yield opened


def test_l8_a_saved_day_meets_an_until_of_seconds(settings: Settings, store: object) -> None:
    with _server("2026-11-27T12:43:12Z") as server:
        _save(settings, server.url, "2024-03-04")
        result = harvest(server.url, settings=settings, store=store, until="2026-12-31T00:00:00Z",
                         timeout=5, jobs=0)
    assert result.from_ == "2024-03-04T00:00:00Z"
    assert result.complete and result.exit_code == 0, result.summary.errors
