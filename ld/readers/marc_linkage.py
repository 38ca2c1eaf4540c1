"""MARC 880 fields: a field again, in its original script.

A record catalogued in romanised form ("Kageyama, Terukuni") may repeat a field
in the script of its language ("影山, 輝国") as an 880 whose $6 names the field
it goes with: the 700 says "$6 880-03", its 880 "$6 700-03/$1" (tag, occurrence
number, then the script). Apart from the readers of names and imprints because
both pair fields this way; occurrence "00" is an 880 without a romanised field,
which has nothing to pair with.
"""

from __future__ import annotations

import re

import pymarc

__all__ = ["in_original_script", "in_original_scripts", "original_scripts", "with_original_scripts"]

_LINK = re.compile(r"\s*([0-9]{3})-([0-9]{2,})")

Scripts = dict[tuple[str, str], pymarc.Field]


def original_scripts(tags: dict[str, list[pymarc.Field]]) -> Scripts:
    """The record's 880 fields by the (tag, occurrence) of the field each gives again."""
    found: Scripts = {}
    for fld in tags.get("880", []):
        link = _LINK.match(fld.get("6") or "")
        if link and link[2].strip("0"):
            found.setdefault((link[1], link[2]), fld)
    return found


def in_original_script(fld: pymarc.Field, scripts: Scripts) -> pymarc.Field | None:
    """The 880 that gives ``fld`` in its original script, if any ($6 "880-03")."""
    if not scripts:  # a record without 880s (most): no $6 to read
        return None
    link = _LINK.match(fld.get("6") or "")
    return scripts.get((fld.tag, link[2])) if link and link[1] == "880" else None


def with_original_scripts(tags: dict[str, list[pymarc.Field]], scripts: Scripts, first: str
                          ) -> dict[str, list[pymarc.Field]]:
    """The fields of the tags that start with ``first`` ("5": the notes) by tag, each
    followed by the 880 that gives it in its original script, so it is published in both
    scripts; only those tags, once a record (review12 L11: every tag, twice)."""
    if not scripts:  # most records: no 880, no field to look one up for
        return {tag: list(fields) for tag, fields in tags.items() if tag.startswith(first)}
    return {tag: [f for fld in fields for f in (fld, in_original_script(fld, scripts)) if f]
            for tag, fields in tags.items() if tag.startswith(first)}


def in_original_scripts(tags: dict[str, list[pymarc.Field]], scripts: Scripts, first: str
                        ) -> dict[str, list[pymarc.Field]]:
    """The 880s that give the fields of the tags that start with one of ``first`` ("48":
    series statements) again, by the tag they give again."""
    if not scripts:  # most records: no 880, and no tag to go through
        return {}
    return {tag: [f for fld in fields if (f := in_original_script(fld, scripts))]
            for tag, fields in tags.items() if tag.startswith(tuple(first))}
