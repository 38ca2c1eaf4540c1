"""Catalogue punctuation in MARC values: ISBD marks, brackets, placeholders.

MARC subfields carry the punctuation of the card they replaced: " /", " :",
" ;" and "," between elements, a final period, and square brackets around
what the cataloguer supplied ("[Paris]", "[s.n.]"). A bracket often opens in
one subfield and closes in the next ("$a [S.l. : $b s.n., $c 1999]"), so a
value read alone may hold half a pair. These rules turn such values into
plain text without ever leaving a dangling bracket, and recognise the
placeholders that say "unknown" (AACR2 "s.n.", RDA "publisher not
identified"): published as names, they would make one bogus publisher shared
by every record that does not know its own.
"""

from __future__ import annotations

import re

__all__ = ["add_new", "clean", "is_no_value", "unbracket"]

# bidi marks (RLM, LRM, embeddings, isolates) that MARC-8 conversions put around
# right-to-left text (880 fields) hid the ISBD punctuation before them from _TRAILING
_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_TRAILING = re.compile(rf"[\s/:;=,{_BIDI}]+$")
_BIDI_CHARS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_TRAILING_CHARS = frozenset(" /:;=,") | _BIDI_CHARS  # the text's white space is " " only
_LEADING_BIDI = re.compile(rf"^[\s{_BIDI}]+")
_TRAILING_DOT = re.compile(r"(?<![.\s][A-Z])(?<!\.\.)\.$")
# s.l. (sine loco), s.n. (sine nomine), s.d./s.a., n.p., n.d., German o.O., o.V., o.J.,
# alone or in a row ("S.l. : s.n.", "s.l.n.d."); the full Latin; the RDA phrases
_ABBREVIATION = r"(?:s\.\s?[lnda]|n\.\s?[pd]|o\.\s?[ovj])\.?"
_NO_VALUE = re.compile(
    rf"^(?:{_ABBREVIATION}[\s:;,]*)+$"
    r"|^sine (?:loco|nomine|anno)(?:\s+et\s+sine\s+(?:loco|nomine|anno))*$"
    r"|(?:not identified|nicht ermittelt|non identifiée?|no identificad[oa])$",
    re.I,
)


def clean(value: str | None, *, keep_dot: bool = False) -> str:
    """Strip ISBD punctuation (" /", " :", " ;", " =", ",", a final ".") and extra spaces.

    ``keep_dot`` keeps a final period where it ends an abbreviation ("2nd ed.").
    """
    if not value:
        return ""
    text = " ".join(value.split())
    # the expressions only where they can match (a character test first): every
    # subfield of every record comes here (the MARC readers' own time, bench/readers.py)
    if text[-1:] in _TRAILING_CHARS:
        text = _TRAILING.sub("", text)
    if text[:1] in _BIDI_CHARS:
        text = _LEADING_BIDI.sub("", text)
    if keep_dot or not text.endswith("."):
        return text
    return _TRAILING_DOT.sub("", text).strip()


def add_new(target: list[str], value: str | None) -> None:
    """Append a non-empty value the list does not hold yet: MARC repeats values
    across fields (a 260 and a 264 naming one publisher, 490 and 830 one series)."""
    if value and value not in target:
        target.append(value)


def unbracket(value: str) -> str:
    """``value`` without unmatched brackets, nor a pair around all of it.

    "[Paris]" -> "Paris", "[S.l." -> "S.l.", "1999]" -> "1999", while
    "Cambridge [England]" and "G. Dielh [sic]" keep their balanced pair.
    """
    text = _drop_unmatched(value).strip()
    while text.startswith("[") and closing_bracket(text) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def is_no_value(value: str) -> bool:
    """True for a placeholder that says the value is unknown ("[s.n.]", "S.l.",
    "[n.p.]", "sine nomine", "[Place of publication not identified]")."""
    return bool(_NO_VALUE.search(unbracket(value).strip(" ?")))


def _drop_unmatched(text: str) -> str:
    """Remove every "[" that never closes and every "]" that never opened."""
    if "[" not in text and "]" not in text:  # most values: no Python loop over them
        return text
    opened: list[int] = []
    unmatched: set[int] = set()
    for i, char in enumerate(text):
        if char == "[":
            opened.append(i)
        elif char == "]" and opened:
            opened.pop()
        elif char == "]":
            unmatched.add(i)
    unmatched.update(opened)
    return "".join(c for i, c in enumerate(text) if i not in unmatched) if unmatched else text


def closing_bracket(text: str) -> int:
    """Index of the "]" that closes the "[" at the start of a balanced ``text``."""
    depth = 0
    for i, char in enumerate(text):
        depth += _DEPTH.get(char, 0)
        if depth == 0:
            return i
    return -1


_DEPTH = {"[": 1, "]": -1}
