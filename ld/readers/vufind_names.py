"""Catalogue punctuation and headings: what MARC-derived VuFind values carry around them.

ISBD separators (" /", " :", trailing commas), the period closing a MARC
heading and a person heading's dates ("Vico, Giambattista, 1668-1744.")
are not part of the value. Apart from :mod:`ld.readers.vufind_fields` (the
field table) because these rules are about how catalogues write names and
titles, whatever the field.
"""

from __future__ import annotations

import re

from ld.model import Agent

_ISBD_TAIL = re.compile(r"(?:\s+[/:;=]|\s*,)\s*$")
_ISBD_ENDINGS = frozenset("/:;=, \t\n")
_HEADING_DATES = re.compile(
    r",\s*((?:b\.|d\.|fl\.|ca\.|active|born|died)?\s*\d{1,4}\??"
    r"(?:\s*-\s*(?:\d{1,4}\??)?)?(?:\s*(?:B\.C\.|A\.D\.))?)\.?\s*$"
)
_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]|\b(?:Jr|Sr|Ltd|Inc|Co|Bros|etc))\.$")


def trim_isbd(text: str) -> str:
    """Drop a trailing ISBD separator (" /", " :", " ;", " =", ",") left by MARC."""
    if text[-1:] not in _ISBD_ENDINGS:
        return text.strip()
    return _ISBD_TAIL.sub("", text).strip()


def trim_heading(text: str) -> str:
    """Drop the period closing a MARC heading, but not one ending an initial ("J.")."""
    text = trim_isbd(text)
    if text.endswith(".") and not _ABBREVIATION_END.search(text):
        text = text[:-1].rstrip()
    return text


def parse_agent(text: str, kind: str = "person", role: str | None = None) -> Agent:
    """ "Vico, Giambattista, 1668-1744." -> Agent(family Vico, given Giambattista, dates)."""
    name = text.strip()
    dates = None
    if kind == "person":
        match = _HEADING_DATES.search(name)
        if match:
            dates = match.group(1).strip()
            name = name[: match.start()]
    name = trim_heading(name)
    agent = Agent(name=name, kind=kind, dates=dates, roles=[role] if role else [])  # type: ignore[arg-type]
    if kind == "person" and "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        if family and given:
            agent.family, agent.given = family, given
    return agent
