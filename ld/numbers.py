"""Digits as standards and int() mean them: ASCII 0-9 only.

str.isdigit() is true for "²", "٣" or "３", which int() refuses or reads as
digits no identifier standard (and no XSD lexical form) allows; the readers,
the mapping, the store clients and the web layer each crashed on such a
value once. Every check before an int() goes through here.
"""

from __future__ import annotations


def ascii_digits(text: str) -> bool:
    """True when ``text`` is one or more of 0-9 and nothing else."""
    return text.isascii() and text.isdigit()


def whole_number(text: str | None) -> int | None:
    """``text`` as a non-negative int when it is ASCII digits, else None."""
    return int(text) if text and ascii_digits(text) else None
