"""MARC classification numbers (050, 060, 080, 082, 084) -> ``Record.classifications``.

The Library of Congress MARC to Dublin Core crosswalk maps them to Subject,
each in its scheme: 050 LCC, 060 NLM, 080 UDC, 082 DDC, 084 the scheme its $2
names (a code of LoC's Classification Scheme Source Codes: "ykl", "bcl").
Only the class number is kept: $a (UDC with its common auxiliaries, $x). The
item number ($b: "E8 2019", a Cutter number and a date) makes the call number
of one book; a class is what many records share. The same numbers are
shared by VuFind's index (:mod:`ld.readers.vufind_classes`), so the rules for
what a number of each scheme looks like live here, once.

Not every $a is a class number. The Library of Congress puts its shelf
numbers in 050 too ("MLCS 2003/06323 (B)", "CPB Box no. 1580 vol. 17",
"Microfiche 2000/60221"), and 082 has LC's "B" (biography), "[E]" and
"[Fic]" (juvenile books), and the number of a series, marked " s" ("510 s"),
beside the book's own. Those are left out: published as LCC or DDC classes
they would be classes no scheme has.
"""

from __future__ import annotations

import re

import pymarc

from ld.model import Record, Subject

__all__ = ["add_class", "class_number", "classifications"]

_SCHEMES = {"050": "lcc", "060": "nlm", "080": "udc", "082": "ddc"}
# what a number of each scheme looks like: one to three capitals then a digit (LCC, NLM:
# "QA76.73.P98", "WB 320"), three digits with decimals (DDC); any other scheme: anything
_SHAPES = {
    "lcc": re.compile(r"[A-Z]{1,3}\d.*"),
    "nlm": re.compile(r"[A-Z]{1,2} ?\d.*"),
    "ddc": re.compile(r"\d{3}(\.\d+)?"),
}
_SOURCE_CODE = re.compile(r"[a-z0-9-]{1,12}")  # a source code: lowercase, digits, hyphen
_LCC_SPACE = re.compile(r"^([A-Z]{1,3}) (?=\d)")  # "QA 76.73": the space LCC does not write
_NLM_LETTERS = re.compile(r"^([A-Z]{1,2})(?=\d)")  # "WB320": NLM writes "WB 320"


def classifications(record: Record, tags: dict[str, list[pymarc.Field]]) -> None:
    """Every class number of the record, in tag order, each once per scheme."""
    for tag in ("050", "060", "080", "082", "084"):
        for fld in tags.get(tag, []):
            scheme = _SCHEMES.get(tag) or _source(fld.get("2"))
            for written in _numbers(fld) if scheme else []:
                add_class(record.classifications, scheme, written)


def add_class(found: list[Subject], scheme: str, written: str) -> None:
    """``written`` as a class number of ``scheme`` added to ``found``, unless it is no
    number of the scheme (:func:`class_number`) or ``found`` has it already."""
    number = class_number(scheme, written)
    if number and all((s.scheme, s.label) != (scheme, number) for s in found):
        found.append(Subject(number, scheme=scheme))


def class_number(scheme: str, written: str) -> str | None:
    """The class number as the scheme writes it, or None when it is no number of the
    scheme: spaces collapsed, LCC's space after the class letters dropped ("QA 76.73")
    and NLM's made ("WB320"), DDC's segmentation marks ("843/.914", "813'.54") and
    brackets ("[017.2]") dropped."""
    text = " ".join(written.split()).rstrip(" ,;:")
    if scheme == "ddc":
        text = text.replace("/", "").replace("'", "").strip("[]")
    elif scheme == "lcc" and (space := _LCC_SPACE.match(text)):
        text = space[1] + text[space.end():]
    elif scheme == "nlm" and (letters := _NLM_LETTERS.match(text)):  # NLM writes "WB 320"
        text = f"{letters[1]} {text[letters.end():]}"
    shape = _SHAPES.get(scheme)
    if not text or (shape is not None and not shape.fullmatch(text)):
        return None
    return text


def _numbers(fld: pymarc.Field) -> list[str]:
    """Each $a of the field; in 080 (UDC) with the $x auxiliaries that follow it."""
    numbers: list[str] = []
    for sub in fld.subfields:
        if sub.code == "a":
            numbers.append(sub.value)
        elif sub.code == "x" and fld.tag == "080" and numbers:
            numbers[-1] += sub.value.strip()
    return numbers


def _source(code: str | None) -> str | None:
    """The scheme of an 084 from its $2 ("ykl", "kssb/8": the code before the edition)."""
    scheme = (code or "").strip().lower().partition("/")[0]
    return scheme if _SOURCE_CODE.fullmatch(scheme) else None
