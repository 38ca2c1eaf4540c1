"""Shared fixtures. Helpers append fixtures here; never rewrite existing ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from ld.config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The third-party records in ../shared/data; skips cleanly when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA} (see README, 'Tests')")
    return SHARED_DATA


@pytest.fixture
def seed_record(shared_data: Path) -> Path:
    return shared_data / "seed" / "pubmed-6839263.txt"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh embedded store under tmp_path; no environment read."""
    return load_settings(env={}, store=str(tmp_path / "store"))
