"""MARC notes (5XX) and series statements (4XX/8XX) -> abstracts, notes, series.

Apart from the crosswalk because these fields mix text with control
subfields that are not text: $5 (the institution a note applies to, "DLC"),
$6 and $8 (links between fields), $0-$2 and $7 (sources and identifiers).
Published as they were, "LC copy wormed, with loss of text. DLC" read as if
the institution code were part of the note.
"""

from __future__ import annotations

import pymarc

from ld.model import Record
from ld.readers.marc_text import add_new, clean

__all__ = ["notes", "series"]

NOTE_TAGS = {"500", "501", "502", "504", "505", "508", "511", "515", "518", "525", "530",
             "533", "534", "536", "538", "546", "550", "580", "586"}


def notes(record: Record, tags: dict[str, list[pymarc.Field]]) -> None:
    """520 summaries as abstracts, the other notes as notes, 506/540 rights kept aside."""
    for fld in tags.get("520", []):
        add_new(record.abstracts, " ".join(fld.get_subfields("a", "b")).strip())
    for tag in sorted(NOTE_TAGS & tags.keys()):
        for fld in tags[tag]:
            add_new(record.notes, note_text(fld))
    for tag in ("506", "540"):
        for fld in tags.get(tag, []):
            record.extra.setdefault("rights", []).append(note_text(fld))


def note_text(fld: pymarc.Field) -> str:
    """The note's text: every subfield but the control ones (digit codes); $3, the
    materials the note is about ("v. 2:"), stays as the prefix it is written as."""
    return " ".join(sub.value.strip() for sub in fld.subfields
                    if (not sub.code.isdigit() or sub.code == "3") and sub.value.strip())


def series(record: Record, tags: dict[str, list[pymarc.Field]]) -> None:
    """Series statements (440/490) and added entries (800-830) by their title."""
    for tag in ("440", "490", "800", "810", "811", "830"):
        for fld in tags.get(tag, []):
            codes = ("a", "t", "p") if tag.startswith("8") and tag != "830" else ("a", "p")
            add_new(record.series, clean(" ".join(v.strip() for v in fld.get_subfields(*codes))))
