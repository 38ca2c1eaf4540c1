"""MARC standard numbers (010, 020, 022, 024, 035) -> the record's identifiers.

Apart from the crosswalk for its size, and because an ISSN in a MARC record
means different things by the record's level: on a serial (or an article, an
integrating resource) the 022 is the record's own ISSN, or its journal's; on
a monograph it is the ISSN of the series the book is in (a "Materials
Research Society symposium proceedings" volume), which made a journal nobody
catalogued when it was published as one (:func:`series_issn`). Numbers the
record itself marks cancelled or invalid (020 $z, 022 $y/$z) are kept apart,
so they are published set apart and never taken for the work's own.
"""

from __future__ import annotations

import re

import pymarc

from ld.mapping_identifiers import clean_doi
from ld.model import Record
from ld.readers.marc_text import add_new

__all__ = ["find_isbn", "find_issn", "identifiers", "oclc_number", "series_issn"]

_ISBN = re.compile(r"[0-9][0-9Xx\-]{8,16}[0-9Xx]")
_ISSN = re.compile(r"\b([0-9]{4})-?([0-9]{3}[0-9Xx])\b")
_OCLC_PREFIX = re.compile(r"^\(OCoLC\)(ocm|ocn|on)?")
# Leader/07 of records whose 022 is their own ISSN (or their journal's): serial component
# part, integrating resource, serial. On any other (a monograph) it is its series' ISSN.
_SERIAL_LEVELS = ("b", "i", "s")


def subfield_values(fields: list[pymarc.Field], *codes: str) -> list[str]:
    """The non-empty values of subfields ``codes`` of ``fields``, stripped."""
    return [v.strip() for fld in fields for v in fld.get_subfields(*codes) if v and v.strip()]


def find_isbn(value: str) -> str | None:
    """The ISBN in a subfield as written ("0-19-852663-6 (pbk.)"), without hyphens."""
    match = _ISBN.search(value)
    return match.group(0).replace("-", "") if match else None


def find_issn(value: str) -> str | None:
    """The ISSN in a subfield as written, in its NNNN-NNNC form."""
    match = _ISSN.search(value)
    return f"{match[1]}-{match[2]}" if match else None


def identifiers(record: Record, tags: dict[str, list[pymarc.Field]]) -> None:
    """ISBNs, ISSNs, a DOI (024 7_ $2 doi), LCCNs and OCLC numbers; the cancelled ones."""
    for value in subfield_values(tags.get("020", []), "a"):
        add_new(record.isbn, find_isbn(value))
    for value in subfield_values(tags.get("022", []), "a"):
        add_new(record.issn, find_issn(value))
    _cancelled(record, tags)
    for fld in tags.get("024", []):
        scheme = (fld.get("2") or "").strip().lower()
        value = (fld.get("a") or "").strip()
        if fld.indicator1 == "7" and scheme == "doi" and value:
            add_new(record.doi, clean_doi(value))  # the one DOI rule: review12 M2
        elif value:
            record.extra.setdefault(f"024:{scheme or fld.indicator1}", []).append(value)
    for value in subfield_values(tags.get("010", []), "a"):
        add_new(record.lccn, value.replace(" ", ""))
    for value in subfield_values(tags.get("035", []), "a"):
        add_new(record.oclc, oclc_number(value))


def oclc_number(value: str) -> str | None:
    """The OCLC number of a control number "(OCoLC)ocm12345" (a 035, a linking entry's $w),
    without the ocm/ocn/on of the number's length; None for another source's number."""
    return _OCLC_PREFIX.sub("", value).strip() if value.startswith("(OCoLC)") else None


def _cancelled(record: Record, tags: dict[str, list[pymarc.Field]]) -> None:
    """ISBNs and ISSNs the record itself marks cancelled or invalid (020 $z, 022 $y
    incorrect and $z cancelled), as ld.mapping_transcribed sets them apart. The
    qualifier written with an ISBN ("(pbk. : acid-free paper)", 020 $q) is left out:
    the RDF has no place for it on a bare number."""
    for value in subfield_values(tags.get("020", []), "z"):
        add_new(record.cancelled_isbn, find_isbn(value) or value)
    for value in subfield_values(tags.get("022", []), "y", "z"):
        add_new(record.cancelled_issn, find_issn(value) or value)


def series_issn(record: Record, leader: str) -> None:
    """On a monograph, the 022 ISSNs are its series': each goes into the first series
    statement that gives no ISSN yet ("Materials Research Society symposium proceedings,
    ISSN 0272-9172 ; v. 583"), or is dropped when a statement gives it already. One with
    no series to go to stays the record's own ISSN (never a journal's: ld.mapping)."""
    if leader[7:8] in _SERIAL_LEVELS:
        return
    for issn in list(record.issn):
        free = next((i for i, s in enumerate(record.series) if ", ISSN " not in s), None)
        if any(issn in statement for statement in record.series):
            record.issn.remove(issn)
        elif free is not None:
            record.series[free] = _with_issn(record.series[free], issn)
            record.issn.remove(issn)


def _with_issn(statement: str, issn: str) -> str:
    """The series statement with its ISSN where ISBD puts it: after the title, before
    the numbering (" ; v. 583")."""
    title, mark, numbering = statement.partition(" ; ")
    return f"{title}, ISSN {issn}{mark}{numbering}"
