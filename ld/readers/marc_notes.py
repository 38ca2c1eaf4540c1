"""MARC notes (5XX) and series statements (4XX/8XX) -> abstracts, notes, rights, series.

A 520 is an abstract (dcterms:abstract) when its first indicator makes it a
description of the work: blank (summary), 0 (subject: a summary of the subject
content), 2 (scope and content), 3 (abstract) and 8 (no display constant). A
review (1) or content advice (4: "Contains strong language") says what others
think of the work or warns of it: a note, after MARC's display constant
("Review: ..."), as other notes are, not the work's abstract.

Apart from the crosswalk because these fields mix text with control
subfields that are not text: $5 (the institution a note applies to, "DLC"),
$6 and $8 (links between fields), $0-$2 and $7 (sources and identifiers).
Published as they were, "LC copy wormed, with loss of text. DLC" read as if
the institution code were part of the note. A series statement, in turn,
keeps what tells this item apart in the series: its numbering ($v) and the
series' ISSN ($x), in ISBD order. What the library marks private (first
indicator 0 of 541, 542, 561, 583), its staff-only subfields (541 $h price, 583 $x)
and its local notes (59X) are never published (review12 H1).
"""

from __future__ import annotations

import pymarc

from ld.model import Record
from ld.readers.marc_text import add_new, clean

__all__ = ["notes", "series"]

_TITLE_CODES = {"800": "atp", "810": "atp", "811": "atp"}  # name-title entries: $a is a name
# 520 first indicators that are no summary of the work, with their display constants
_NOT_SUMMARY = {"1": "Review", "4": "Content advice"}
# 5XX that are no plain note: the summary (520), rights (506, 540), and the notes DCMI has
# a property for, audience (521 -> dcterms:audience) and provenance (561 -> dcterms:provenance).
# Every other public 5XX (below) is a note, as the LoC crosswalk maps 500-599 to Description:
# an allow-list dropped 510, 545, 555, 583, 588 ... silently. A citation (510) stays a note:
# dcterms:isReferencedBy is meant for the citing resource itself, not words about it.
_NOT_NOTES = {"506", "520", "521", "540", "561"}
_OWN_PROPERTY = {"521": "audience", "561": "provenance"}
# Notes a library may keep to itself. On 541 (source of acquisition), 542 (copyright
# status), 561 (ownership history) and 583 (action) the first indicator 0 says "private":
# donors, owners, prices, addresses; 1 (not private) and blank (no information) are
# published. The subfields MARC defines for staff only are dropped from any of them:
# 541 $h (purchase price) and 583 $x (nonpublic note). 59X notes are local, their use
# each library's own (staff remarks as often as not): not published.
_PRIVACY_TAGS = {"541", "542", "561", "583"}
_NONPUBLIC_CODES = {"541": "h", "583": "x"}


def notes(record: Record, tags: dict[str, list[pymarc.Field]]) -> None:
    """520 summaries as abstracts, 521 audience, 561 provenance, 506/540 as rights, every
    other public 5XX as a note (none private, no 59X: :func:`_public`); ``tags`` has each
    followed by its 880 (its original script: ld.readers.marc_linkage.with_original_scripts),
    so both are published."""
    for fld in tags.get("520", []):
        if constant := _NOT_SUMMARY.get(fld.indicator1):
            add_new(record.notes, f"{constant}: {note_text(fld)}")
        else:
            add_new(record.abstracts, " ".join(fld.get_subfields("a", "b")).strip())
    for tag in sorted(t for t in tags if t.startswith("5") and t not in _NOT_NOTES):
        for fld in _public(tags, tag):
            add_new(record.notes, note_text(fld, but=_NONPUBLIC_CODES.get(tag, "")))
    for tag, slot in _OWN_PROPERTY.items():
        for fld in _public(tags, tag):
            add_new(getattr(record, slot), note_text(fld))
    rights(record, tags)


def _public(tags: dict[str, list[pymarc.Field]], tag: str) -> list[pymarc.Field]:
    """The ``tag`` fields a library lets the public see: no local note (59X), none
    whose first indicator marks it private (0 on 541, 542, 561, 583)."""
    if tag.startswith("59"):
        return []
    return [fld for fld in tags.get(tag, [])
            if not (tag in _PRIVACY_TAGS and fld.indicator1 == "0")]


def rights(record: Record, tags: dict[str, list[pymarc.Field]]) -> None:
    """506 (restrictions on access) as access rights; 540 (terms governing use) as a
    rights statement, its $u (the address of the terms: "https://creativecommons.org/
    licenses/by/4.0/") as the licence, not as part of the words."""
    for fld in tags.get("506", []):
        add_new(record.access_rights, note_text(fld))
    for fld in tags.get("540", []):
        add_new(record.rights, note_text(fld, but="u"))
        for uri in fld.get_subfields("u"):
            add_new(record.licenses, uri.strip())


def note_text(fld: pymarc.Field, but: str = "") -> str:
    """The note's text: every subfield but the control ones (digit codes) and ``but``;
    $3, the materials the note is about ("v. 2:"), stays as the prefix it is written as."""
    return " ".join(sub.value.strip() for sub in fld.subfields
                    if (not sub.code.isdigit() or sub.code == "3") and sub.code not in but
                    and sub.value.strip())


def series(record: Record, tags: dict[str, list[pymarc.Field]]) -> None:
    """Series statements in ISBD form, "Title, ISSN 0302-9743 ; v. 1234": the
    statements transcribed from the item (440, 490), then the added entries
    (800-830) of series they do not name already. Called again with the 880s that give
    them in their original script ("丸善ブックス ; 081" for "Maruzen bukkusu ; 081")."""
    transcribed: set[str] = set()
    for tag in ("440", "490", "800", "810", "811", "830"):
        for fld in tags.get(tag, []):
            codes = _TITLE_CODES.get(tag, "ap")
            title = clean(" ".join(v.strip() for v in fld.get_subfields(*codes)))
            if tag.startswith("8") and title.casefold() in transcribed:
                continue
            transcribed.add(title.casefold())
            add_new(record.series, _statement(fld, codes))


def _statement(fld: pymarc.Field, codes: str) -> str:
    """The title subfields in order, with the series' ISSN ($x) and the item's
    numbering ($v) where they stand, each after its ISBD mark; a subseries
    after a numbering follows a period ("... ; 1810. Lecture notes in AI")."""
    text, numbered = "", False
    for sub in fld.subfields:
        value = " ".join(sub.value.split())
        if value and text and sub.code in "xv":
            mark = ", ISSN " if sub.code == "x" else " ; "
            text, numbered = f"{clean(text)}{mark}{clean(value)}", True
        elif value and sub.code in codes:
            text = f"{text}. {value}" if numbered else f"{text} {value}".strip()
            numbered = False
    return clean(text)
