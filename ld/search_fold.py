"""How search folds text, the same way for the indexed titles and names and for the query.

The index is SQLite FTS5 (``unicode61 remove_diacritics 2``, :mod:`ld.search_index`):
it ignores case and the accents of Latin letters by itself. What it cannot do is
what romanized catalogue text needs, so both sides are folded here first:

* letters it keeps apart are spelled out (ß -> ss, ł -> l, ø -> o:
  :func:`ld.uris.transliterate`, as URI keys do), so "Straße" meets "strasse";
* combining marks that stay loose after canonical composition (NFC) are dropped.
  The tokenizer absorbs only the marks of U+0300-U+036F; any other one (the ALA-LC
  ligature halves U+FE20/U+FE21 of "istorii︠a︡", Arabic vowel marks) cut the word
  in two in the index, and Python's ``\\w`` (the query's words) cut even "z̤"
  (z + U+0324) of a name pasted from a record page. Marks NFC composes with their
  letter stay ("が" is not "か", "й" not "и"): FTS5 folds the Latin ones;
* the modifier letters romanizations write for sounds Latin has no letter for
  (ʹ ʺ soft and hard signs, ʻ ʼ ayn and hamza, ʽ ʾ ʿ: U+02B9-U+02BF) are dropped.
  Unicode counts them as letters, so they stayed glued to the word ("ʻulūm" was the
  word "ʻulum", which "ulum" is no prefix of);
* an apostrophe between two letters (' ‘ ’) is dropped in the query, so "Qur'an",
  "Quran" and "Qurʼān" meet. The indexed text keeps the split form as well
  (:func:`fold_indexed`), so "histoire" still finds "l'histoire" and "Reilly"
  "O'Reilly", as before.
"""

from __future__ import annotations

import re
import unicodedata

from ld import uris

_APOSTROPHE = re.compile(r"(?<=\w)['‘’](?=\w)")  # "Qur'an", "l’histoire"; not "'quoted'"
_MODIFIERS = range(0x02B9, 0x02C0)  # ʹ ʺ ʻ ʼ ʽ ʾ ʿ


class _Dropped(dict[int, int | None]):
    """``str.translate`` table: None (drop) for a nonspacing mark (Mn) or a modifier
    letter of :data:`_MODIFIERS`, the character itself otherwise. Filled as characters
    are met: the whole Unicode range would take ~0.2 s at import, in every process."""

    def __missing__(self, code: int) -> int | None:
        drop = code in _MODIFIERS or unicodedata.category(chr(code)) == "Mn"
        self[code] = None if drop else code
        return self[code]


_DROPPED = _Dropped()


def fold(text: str) -> str:
    """``text`` as the query reads it: letters spelled out, loose marks and modifier
    letters dropped, apostrophes inside a word dropped (see the module's doc)."""
    return _APOSTROPHE.sub("", _letters(text)) if "'" in text or not text.isascii() else text


def fold_indexed(text: str) -> str:
    """``text`` as the index holds it: as :func:`fold`, and where that joined words at
    an apostrophe, followed by the same text with them apart ("l'histoire lhistoire"),
    so a query finds the whole word and either part of it."""
    if text.isascii() and "'" not in text:
        return text
    apart = _letters(text)
    joined = _APOSTROPHE.sub("", apart)
    return apart if joined == apart else f"{joined} {apart}"


def _letters(text: str) -> str:
    """``text`` spelled out and recomposed, without loose marks or modifier letters."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", uris.transliterate(text)).translate(_DROPPED)
