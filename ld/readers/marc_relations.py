"""MARC linking entries (760-787, but 773) and name-title added entries (700/710/711
with $t) -> the record's related items (:class:`ld.model.Related`).

Apart from the crosswalk because a linking entry is a small record of another
item inside this one: its title ($t), main entry ($a), edition ($b), the
relationship in words ($i, "Online version:") and its numbers (control numbers
$w, "(OCoLC)606463433"; ISBN $z; ISSN $x; other identifiers $o, $r, $u, $y).
The LoC MARC to Dublin Core crosswalk maps 760-787 $o $t to Relation; these
were dropped (explore12/marc M8), which lost the link between a print book and
its online version. 773 (host item) is the container (:func:`ld.readers.
marc_crosswalk._host`), not a related item.

A name-title entry ("700 12 $a Ives, Charles, $d 1874-1954. $t Bewitched
fiddle.") names a work: its name is the work's creator, the subfields from $t
on its title; second indicator 2 (an analytic entry) says the record contains it.
"""

from __future__ import annotations

import re

import pymarc

from ld.model import Agent, Record, Related
from ld.readers.marc_fields import field
from ld.readers.marc_identifiers import find_isbn, find_issn, oclc_number, subfield_values
from ld.readers.marc_text import WORK_PARTS, add_new, clean, joined

__all__ = ["linking_entries", "name_part", "name_title"]

_LINKING = ("760", "762", "765", "767", "770", "772", "774", "775", "776", "777",
            "780", "785", "786", "787")
_RELATIONS = {"775": "version", "776": "format"}  # any other: "other"
_CONTROL_NUMBER = re.compile(r"^\(([^)]*)\)\s*(.+)$")  # "(OCoLC)606463433"
# the title of a name-title entry: $t and the work's parts that follow it
_WORK_TITLE = "t" + WORK_PARTS


def linking_entries(record: Record, tags: dict[str, list[pymarc.Field]]) -> None:
    """Every 760-787 linking entry but 773, in tag order, that names or numbers an item."""
    for tag in _LINKING:
        for fld in tags.get(tag, []):
            related = Related(relation=_RELATIONS.get(tag, "other"),
                              title=joined(fld, "t") or joined(fld, "s") or None,
                              heading=clean(fld.get("a")) or None,
                              edition=clean(fld.get("b"), keep_dot=True) or None,
                              label=clean(fld.get("i")) or None)
            _numbers(related, fld)
            if _named(related):
                record.related.append(related)


def name_part(fld: pymarc.Field) -> pymarc.Field:
    """The name heading of a name-title entry: its subfields before the first $t (a
    part number $n, or the work's authority link $0, after it is the work's, not the
    name's)."""
    return field(fld.tag, fld.indicators, fld.subfields[:_title_start(fld)])


def name_title(record: Record, fld: pymarc.Field, creator: Agent | None) -> None:
    """A 700/710/711 with $t: the work it names, by ``creator`` (its name heading)."""
    work = field(fld.tag, fld.indicators, fld.subfields[_title_start(fld):])
    title = joined(work, _WORK_TITLE)
    if title:
        relation = "part" if fld.indicator2 == "2" else "other"
        record.related.append(Related(relation=relation, title=title, creator=creator))


def _title_start(fld: pymarc.Field) -> int:
    """Where a name-title entry's title begins: its first $t (the whole field without)."""
    codes = [sub.code for sub in fld.subfields]
    return codes.index("t") if "t" in codes else len(codes)


def _numbers(related: Related, fld: pymarc.Field) -> None:
    """Control numbers ($w: OCLC and LC ones into their own lists), ISBNs ($z), ISSNs ($x)
    and the other numbers as written ($o other item, $r report, $u STRN, $y CODEN)."""
    for value in subfield_values([fld], "w"):
        match = _CONTROL_NUMBER.match(value)
        source, number = (match[1], match[2].strip()) if match else ("", value)
        if source == "OCoLC":
            add_new(related.oclc, oclc_number(value))
        elif source == "DLC":
            add_new(related.lccn, number.replace(" ", ""))
        else:
            add_new(related.identifiers, value)
    for value in fld.get_subfields("z"):
        add_new(related.isbn, find_isbn(value) or clean(value))
    for value in fld.get_subfields("x"):
        add_new(related.issn, find_issn(value) or clean(value))
    for value in fld.get_subfields("o", "r", "u", "y"):
        add_new(related.identifiers, clean(value))


def _named(related: Related) -> bool:
    """Whether the entry says which item it is: a title, a main entry or a number."""
    return bool(related.title or related.heading or related.isbn or related.issn
                or related.oclc or related.lccn or related.identifiers)
