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

import pymarc

__all__ = ["WORK_PARTS", "add_new", "clean", "is_no_value", "joined", "unbracket"]

# a work's title parts after its $t, in a name-title heading or entry: part $n/$p, form
# $k, language $l, date $f, medium $m, arrangement $o, key $r, version $s
WORK_PARTS = "fklmnoprs"

# bidi marks (RLM, LRM, embeddings, isolates) that MARC-8 conversions put around
# right-to-left text (880 fields) hid the ISBD punctuation before them from the strip
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_TRAILING = " /:;=," + _BIDI  # the cleaned text's only white space is " "
_LEADING = " " + _BIDI
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
    # string methods, no expressions: every subfield of every record comes here (the
    # MARC readers' own time, bench/readers.py); white space is " " once split and joined
    text = " ".join(value.split()).rstrip(_TRAILING)
    if text[:1] in _BIDI:
        text = text.lstrip(_LEADING)
    if keep_dot or text[-1:] != ".":
        return text
    return _without_final_period(text)


def joined(fld: pymarc.Field, codes: str) -> str:
    """The ``codes`` subfields of a field as one text, catalogue punctuation dropped
    (clean() splits at white space and joins with one space, so empty ones vanish)."""
    return clean(" ".join(fld.get_subfields(*codes)))


def _without_final_period(text: str) -> str:
    """``text`` without its final period, unless that ends an initial or an abbreviation
    ("J. S.", "U.S.A.", "Smith, A.") or an ellipsis ("..."): a capital after a space or
    a period, or two periods, before it."""
    before = text[-3:-1]
    if before == ".." or (len(before) == 2 and before[0] in ". " and "A" <= before[1] <= "Z"):
        return text
    return text[:-1].strip()


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


_BRACKET = re.compile(r"[\[\]]")
_PAIRED = re.compile(r"[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*")  # brackets in pairs, none nested


def _drop_unmatched(text: str) -> str:
    """Remove every "[" that never closes and every "]" that never opened."""
    if ("[" not in text and "]" not in text) or _PAIRED.fullmatch(text):  # most values:
        return text  # no bracket, or each closed before the next opens ("[Paris] : [s.n.]")
    opened: list[int] = []
    unmatched: set[int] = set()
    for bracket in _BRACKET.finditer(text):  # from bracket to bracket, not a loop per character
        if bracket[0] == "[":
            opened.append(bracket.start())
        elif opened:
            opened.pop()
        else:
            unmatched.add(bracket.start())
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
