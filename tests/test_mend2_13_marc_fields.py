"""ld.readers.marc_fields copies pymarc only where it was compared with it (review2 M4).

``field()`` sets pymarc 5.4's slots directly for a three-character tag; any other
tag ("1", "01", "0001": pymarc pads the digits to "001", a control field) and any
other pymarc release get ``pymarc.Field`` itself, and ``utf8_record`` leaves
the record to pymarc.
"""

from __future__ import annotations

import pymarc
import pytest
from pymarc import Indicators, Subfield

from ld.readers import marc_fields


def _slots(fld: pymarc.Field) -> tuple[object, ...]:
    return (fld.tag, fld.control_field, fld.data, list(fld.subfields), fld.indicators)


@pytest.mark.parametrize("tag", ["1", "01", "0001", "12", "2450"])
def test_a_tag_not_of_three_characters_is_pymarcs(tag: str) -> None:
    marks, subs = Indicators("1", "0"), [Subfield("a", "T")]
    assert _slots(marc_fields.field(tag, data="d")) == _slots(pymarc.Field(tag, data="d"))
    assert (_slots(marc_fields.field(tag, marks, subs))
            == _slots(pymarc.Field(tag, marks, subs)))


def test_another_pymarc_gets_pymarcs_own_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(marc_fields, "CHECKED", False)
    chunk = b"00041nam a2200037 a 4500001000300000\x1ea1\x1e\x1d"
    assert marc_fields.utf8_record(chunk) is None  # pymarc reads it
    assert type(marc_fields.field("245", None, [Subfield("a", "T")])) is pymarc.Field


def test_the_checked_pymarc_is_the_installed_one() -> None:
    """The shortcuts run on the release they were compared with (5.4.x) and no other."""
    from importlib import metadata

    assert metadata.version("pymarc").startswith("5.4.") == marc_fields.CHECKED
