"""VuFind's class-number fields -> ``Record.classifications``, as MARC's are read.

VuFind indexes a record's LC class number and Dewey number beside the MARC
record: ``callnumber-a`` is 050 $a as written ("DG848.15"), ``dewey-full`` the
whole 082 number (also as written, "813/.54"; ``dewey-raw`` is the same in
older indexes). Read with the MARC rules (:func:`ld.readers.marc_classes.
class_number`), so a VuFind record and the MARC record it was indexed from
name one class concept.

Left in ``extra``: ``callnumber-label`` ("PS3552" of "PS3552.R878": cut at
the first Cutter number, so not the class assigned), ``callnumber-raw`` (with
the item number of one copy), and the facets derived from these numbers
(``callnumber-first``, ``-subject``, ``dewey-hundreds``, ``-tens``, ``-ones``).
"""

from __future__ import annotations

from ld.model import Subject
from ld.readers.marc_classes import add_class

__all__ = ["classifications"]


def classifications(lcc: list[str], ddc: list[str]) -> list[Subject]:
    """The LCC numbers (callnumber-a), then the DDC numbers (dewey-full, else dewey-raw),
    each once; what is no number of its scheme is left out, as in MARC."""
    found: list[Subject] = []
    for scheme, values in (("lcc", lcc), ("ddc", ddc)):
        for value in values:
            add_class(found, scheme, value)
    return found
