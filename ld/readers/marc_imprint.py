"""MARC imprint (260/264) and dates (008) -> places, publishers, date of issue and
copyright date.

Apart from the crosswalk because the imprint is where catalogue punctuation
is hardest: brackets that open in one subfield and close in the next,
placeholders for "unknown" ("[S.l. : s.n.]", "[publisher not identified]"),
distributors written in the publisher's subfield, and dates as written
("[19--?]", "c1999.") beside the coded dates of the 008. The value rules
themselves are in :mod:`ld.readers.marc_text`. An imprint given again in its
original script (an 880: "東京 : 三省堂" for "Tōkyō : Sanseidō") adds its places
and names each publisher a second time, the same publisher.
"""

from __future__ import annotations

import re
from datetime import date

import pymarc

from ld.model import Record
from ld.readers.marc_linkage import Scripts, in_original_script
from ld.readers.marc_text import add_new, clean, is_no_value, unbracket

__all__ = ["imprint"]

_YEAR = re.compile(r"[0-9]{4}")
_DIGITS2 = re.compile(r"[0-9]{2}")
# A distributor written where the publisher goes: named as one ("Bernan Associates
# [distributor]", "[U.S. G.P.O., distributor]", "Buchhandel Y [Vertrieb]", "Distributor,
# Graphic Arts Center Pub.") or by a selling phrase ("Distributed by ...", "Distributed in
# North America by ...", "For sale by the U.S. G.P.O., Supt. of Docs.", "Sold by ...",
# "Vertrieb: ..."). Publishing that also sells stays a publisher ("Printed and sold by T.
# Sowle", "Published and distributed by Asia Books"), as does a name ("... & Distributors").
_DISTRIBUTOR = re.compile(
    r"(?:\[|,\s*)[\w\s]*(?:distributors?|vertrieb)\]?$"
    r"|^(?:distributed\b.*?\bby\b|for\s+sale\s+by\b|sold\s+by\b|distributors?\s*[,:]"
    r"|(?:im\s+)?vertrieb\b)", re.I)
_NOT_PUBLISHING = ("2", "3")  # 264 second indicator: distribution, manufacture
_COPYRIGHT = "4"  # 264 second indicator: copyright notice date


def imprint(record: Record, tags: dict[str, list[pymarc.Field]], f008: str,
            scripts: Scripts) -> None:
    """Places, publishers and the date of issue of one record."""
    imprints = _imprint_fields(tags)
    for fld in imprints:
        if _publishes(fld):
            for value in _publication_places(fld):
                add_new(record.publication_places, value)
            for value in _values([fld], "b"):
                add_new(record.publishers, None if _DISTRIBUTOR.search(value) else value)
    written = [v.strip() for fld in imprints for v in fld.get_subfields("c") if v.strip()]
    record.dates_as_written = [d for d in map(clean, written) if d]
    record.issued = _issued(f008, written)
    record.copyrighted = _copyright_dates(tags)
    _original_script(record, scripts, imprints)


def _copyright_dates(tags: dict[str, list[pymarc.Field]]) -> list[str]:
    """The $c of each 264 of copyright notice (2nd indicator 4), as written ("©2018",
    "℗1995"): a date of its own (dcterms:dateCopyrighted), not the date of issue."""
    return [v.strip() for fld in tags.get("264", []) if fld.indicator2 == _COPYRIGHT
            for v in fld.get_subfields("c") if v.strip()]


def _original_script(record: Record, scripts: Scripts,
                     imprints: list[pymarc.Field]) -> None:
    """The places of the imprints' 880s after the romanised ones; their publishers, $b by
    $b, as the other names of the publishers the romanised $b name (not when the two
    fields have different numbers of $b: which is which would be a guess)."""
    for fld in imprints:
        original = in_original_script(fld, scripts)
        if original is None:
            continue
        if _publishes(fld):
            for value in _publication_places(original):
                add_new(record.publication_places, value)
            _publisher_names(record, fld.get_subfields("b"), original.get_subfields("b"))


def _publishes(fld: pymarc.Field) -> bool:
    """A publication statement: a 260, or a 264 of publication or production, not one
    of distribution or manufacture (2nd indicator 2, 3), whose place and name are no
    publisher's."""
    return fld.tag != "264" or fld.indicator2 not in _NOT_PUBLISHING


def _publication_places(fld: pymarc.Field) -> list[str]:
    """The places of publication of a statement, as plain names: each $a but those
    of a distributor's place and name ("$a Vienna : $b IAEA ; $a [Lanham, MD : $b
    Bernan Associates, distributor]" has one place of publication, Vienna; explore12
    marc L1). A statement that names only sellers ("New York : Sold by the principal
    booksellers", 1844) keeps its place: the only one the imprint gives."""
    groups = _place_and_names(fld)
    if len(groups) > 1:  # one group keeps its place either way: no distributor test
        groups = [g for g in groups if not _distributed(g)] or groups
    return [v for group in groups for code, raw in group if code == "a" and (v := _value(raw))]


def _distributed(group: list[tuple[str, str]]) -> bool:
    """Places whose names ($b) are all distributors (at least one)."""
    names = [name for code, raw in group if code == "b" and (name := _value(raw))]
    return bool(names) and all(_DISTRIBUTOR.search(name) for name in names)


def _place_and_names(fld: pymarc.Field) -> list[list[tuple[str, str]]]:
    """A statement's $a and $b, cut before each $a that follows a $b: the places
    that go with the names after them ("$a London ; $a New York : $b Macmillan")."""
    groups: list[list[tuple[str, str]]] = [[]]
    for sub in fld.subfields:
        if sub.code == "a" and any(code == "b" for code, _raw in groups[-1]):
            groups.append([])
        if sub.code in ("a", "b"):
            groups[-1].append((sub.code, sub.value))
    return groups


def _publisher_names(record: Record, romanised: list[str], original: list[str]) -> None:
    if len(romanised) != len(original):
        return
    for name, other in zip(map(_value, romanised), map(_value, original), strict=True):
        if name in record.publishers and other and other != name:
            add_new(record.publisher_alt_names.setdefault(name, []), other)


def _imprint_fields(tags: dict[str, list[pymarc.Field]]) -> list[pymarc.Field]:
    """260s and the 264s of publication (2nd indicator 1); with neither, every 264."""
    imprints = tags.get("260", []) + [f for f in tags.get("264", []) if f.indicator2 == "1"]
    if not imprints:
        imprints = tags.get("264", [])
    return imprints


def _issued(f008: str, written: list[str]) -> str | None:
    """The detailed date of 008/06 "e" ("2015-03-12"), the range of 008/06 "q"
    ("1880/1893"), else the year of 008/07-10 when it is one, else the year in the
    first $c, else the first $c without brackets ("[19--?]" -> "19--?"); None for
    "[n.d.]".

    "9999" is never a year: MARC writes it for a date still open or unknown
    (a continuing resource's Date2, and some catalogues' Date1 too), as
    "uuuu", "||||" and blanks are unknown; published, it made "Published 9999".
    """
    if f008[6:7] == "e" and (detailed := _detailed_date(f008[7:15])):
        return detailed
    date1 = f008[7:11] if len(f008) >= 11 else ""
    if f008[6:7] == "q" and _is_year(date1):
        return _questionable(date1, f008[11:15])
    if _is_year(date1) and f008[6:7] not in ("b", "n", "|"):
        return date1
    if not written:
        return None
    if year := next((y for y in _YEAR.findall(written[0]) if _is_year(y)), None):
        return year
    text = clean(unbracket(clean(written[0])))
    return None if not text or is_no_value(text) or text == _OPEN else text


_OPEN = "9999"  # MARC's "no end yet / unknown" date, never a year


def _questionable(date1: str, date2: str) -> str:
    """008/06 q (questionable date): Date1 and Date2 are the earliest and latest the
    item can be of, not its date. The range as an EDTF interval, "1880/1893", or
    "1880/.." when the latest is unknown, which ld.mapping publishes as dcterms:date
    instead of a dcterms:issued year the catalogue never states."""
    return f"{date1}/{date2 if _is_year(date2) and date2 >= date1 else '..'}"


def _is_year(text: str) -> bool:
    return bool(_YEAR.fullmatch(text)) and text != _OPEN


def _detailed_date(coded: str) -> str | None:
    """008/07-14 of a detailed date, yyyymmdd, as "yyyy-mm-dd" when it is a real day,
    "yyyy-mm" when only the month is known ("201503uu"), else None."""
    year, month, day = coded[:4], coded[4:6], coded[6:8]
    if not (_is_year(year) and _DIGITS2.fullmatch(month) and 1 <= int(month) <= 12):
        return None  # ASCII digits only: "²²" is digits to isdigit(), not to int()
    if not _DIGITS2.fullmatch(day):
        return f"{year}-{month}"
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:  # no such day ("20150230")
        return f"{year}-{month}"


def _values(fields: list[pymarc.Field], code: str) -> list[str]:
    """The fields' ``code`` subfields as plain names: ISBD marks and unbalanced or
    enclosing brackets dropped, placeholders ("s.n.", "S.l.") left out.

    The final period goes before the brackets do: inside "[Emmaus, Pa.]" it
    ends an abbreviation, not the area.
    """
    values = [_value(raw) for fld in fields for raw in fld.get_subfields(code)]
    return [v for v in values if v]


def _value(raw: str) -> str:
    """One subfield as a plain name (see :func:`_values`); "" for a placeholder."""
    value = clean(unbracket(clean(raw)), keep_dot=True)
    return "" if is_no_value(value) else value
