"""ld.numbers: digits as int() and the standards mean them."""

from __future__ import annotations

import pytest

from ld.numbers import ascii_digits, whole_number


@pytest.mark.parametrize(("text", "digits", "number"), [
    ("0", True, 0), ("2020", True, 2020), ("007", True, 7),
    ("²", False, None), ("١٤٢٠", False, None), ("２０２０", False, None),
    ("", False, None), ("12a", False, None), ("-1", False, None), (" 1", False, None),
])
def test_only_ascii_digits_are_digits(text: str, digits: bool, number: int | None) -> None:
    assert ascii_digits(text) is digits
    assert whole_number(text) == number


def test_nothing_is_no_number() -> None:
    assert whole_number(None) is None
