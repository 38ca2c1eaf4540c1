"""MARC titles (245, and 130/240/242/243/246/730/740, 880) -> the record's titles.

Apart from the crosswalk because the 245 is read in pieces: its title proper,
part number and name, and remainder are cleaned of the ISBD punctuation they
carry one by one, then joined again by ISBD's own, with and without the
remainder (the title and the short title), so each piece is cleaned once. The
value rules themselves are in :mod:`ld.readers.marc_text`.
"""

from __future__ import annotations

import pymarc

from ld.model import Record
from ld.readers.marc_text import add_new, clean, unbracket

__all__ = ["titles"]


def titles(record: Record, tags: dict[str, list[pymarc.Field]]) -> None:
    """The 245, then the other titles: uniform titles (130, 240, 243 collective, 730,
    with their form subheading $k: "Plays. Selections"), translated (242), varying
    (246) and related (740) titles, and 245/246 in another script (880)."""
    for fld in tags.get("245", [])[:1]:
        _title(record, fld)
    for tag in ("130", "240", "243", "242", "246", "730", "740"):
        for fld in tags.get(tag, []):
            add_new(record.alternative_titles, _text(fld.get_subfields("a", "b", "k", "n", "p")))
    for fld in tags.get("880", []):
        link = fld.get("6") or ""
        if link.startswith("245") or link.startswith("246"):
            add_new(record.alternative_titles, _text(fld.get_subfields("a", "b")))


def _text(values: list[str]) -> str:
    """Title values as one plain text: ISBD marks and, as in the imprint, unmatched
    or enclosing brackets dropped (a bracket opened in the 245 may close in the 260:
    "$a [Resolutions on the death of Mr. Lincoln." ... "$c 1865]")."""
    return clean(unbracket(clean(" ".join(values))))


def _title(record: Record, fld: pymarc.Field) -> None:
    """245 in ISBD form, its subfields in record order: title $a and an archival form
    $k with its dates $f/$g ("Papers, 1900-1950", explore12 marc L9), part number and name $n/$p,
    remainder $b: "The annual report. Part 2, Finance: a review of the year" (the
    subtitle is the part's, so it follows the part). The short title is the title
    proper, part included, without the remainder; the full statement keeps all."""
    pieces = _title_pieces(fld)
    record.title = _text([_isbd(pieces)]) or None
    record.title_short = (record.title if all(p[0] != "b" for p in pieces)  # no remainder
                          else _text([_isbd(pieces, leave_out="b")]) or None)
    remainder = fld.get_subfields("b")[:1]
    record.title_sub = (_text(remainder) or None) if remainder else None
    # clean() splits at white space and joins with one space: no strip needed before it
    record.title_full = clean(" ".join(fld.get_subfields(*_TITLE_CODES, "c"))) or None
    record.responsibility = clean(" ".join(fld.get_subfields("c"))) or None


Piece = tuple[str, str, str]  # a 245 subfield's code, value as written, value cleaned
_LEFT_OUT: Piece = ("", "", "")  # before a piece, one not joined (the short title's $b): ", "


def _title_pieces(fld: pymarc.Field) -> list[Piece]:
    """The 245's title subfields in record order, each cleaned once (a title is joined
    from them twice: with and without its remainder)."""
    return [(sub.code, sub.value, text) for sub in fld.subfields
            if sub.code in _TITLE_CODES and (text := clean(sub.value))]


# 245 subfields of the title, as the LoC crosswalk's Title: title $a, remainder $b, form
# $k, inclusive and bulk dates $f/$g (an archival title: "Papers, 1900-1950"), part $n/$p
_TITLE_CODES = "abkfgnp"


def _isbd(pieces: list[Piece], leave_out: str = "") -> str:
    """The pieces cleaned of the punctuation they carry and joined by ISBD's, but those
    of the codes in ``leave_out``; a mark is chosen by the piece really before, left out
    or not (an $a ends with " :" only because a remainder $b follows it)."""
    text = ""
    for i, (code, _raw, cleaned) in enumerate(pieces):
        if code in leave_out:
            continue
        previous = pieces[i - 1] if pieces[i - 1][0] not in leave_out else _LEFT_OUT
        mark = _title_mark(code, previous) if text else ""
        # "U.S." or "Why?" ends the element already; "1900-1950 (bulk 1920-1940)" needs no comma
        if (mark == ". " and text[-1] in ".?!") or (mark == ", " and cleaned[0] == "("):
            mark = " "
        text += mark + cleaned
    return text


def _title_mark(code: str, previous: Piece) -> str:
    """ISBD punctuation before a title element: before the remainder $b ": ", or as
    the element before ends, " = " (parallel title) or "; " (another title); ", "
    between a part's number and its name; ". " before a part."""
    if code == "b":
        return {"=": " = ", ";": "; "}.get(previous[1].rstrip()[-1:], ": ")
    if code in ("k", "f", "g"):  # "Papers, 1900-1950 (bulk 1920-1940)", "Album: photographs"
        return _form_or_dates_mark(previous)
    return ", " if code == "p" and previous[0] == "n" else ". "


def _form_or_dates_mark(previous: Piece) -> str:
    """Before a form ($k) or dates ($f/$g): ": " where the element before ends with a
    colon, else ", " (DACS's "Papers, 1900-1950, bulk 1920-1940")."""
    return ": " if previous[1].rstrip().endswith(":") else ", "
