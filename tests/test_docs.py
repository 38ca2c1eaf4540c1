"""The README is the user's guide: it must not fall behind the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from ld import formats
from ld.config import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting) -> None:
    assert f"`{setting.env}`" in README and f"`{setting.flag}`" in README


@pytest.mark.parametrize("fmt", formats.FORMATS, ids=lambda f: f.key)
def test_every_format_is_documented(fmt) -> None:
    assert f"`{fmt.media_type}`" in README


def test_every_command_is_documented() -> None:
    from ld.cli import main

    for name in main.commands:
        assert f"`ldpub {name}" in README, name


def test_readme_names_both_setup_commands() -> None:
    assert "make run" in README and "make test" in README
