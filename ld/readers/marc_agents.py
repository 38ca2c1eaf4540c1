"""MARC name entries (1XX, 7XX) -> the record's creators and contributors.

Apart from the crosswalk because a name heading carries more than a name:
how it is entered (indicator 1: surname or forename), numeration and titles
($b, $c) and dates ($d) that tell namesakes apart, roles ($e terms, $j in a
meeting name, where $e is a subordinate unit; $4 codes or relator URIs) and
authority links ($0, $1). One person may be named
twice, as author in the 100 and as illustrator in a 700: that is one agent
with both roles, not a second agent, nor a dropped role. A heading given
again in its original script (an 880 linked by $6) is that agent's other name.
"""

from __future__ import annotations

import re

import pymarc

from ld.mapping_terms import is_author
from ld.model import Agent, Record
from ld.readers.marc_codes import authority_iri
from ld.readers.marc_linkage import Scripts, in_original_script
from ld.readers.marc_relations import name_part, name_title
from ld.readers.marc_text import add_new, clean, joined

__all__ = ["agents"]

# "ed. and tr.", "ed. & tr.", "ed., tr." (explore12/marc M1: "&" was no separator)
_ROLE_SEPARATOR = re.compile(r"\s*,\s*(?:(?:and|&)\s+)?|\s+and\s+|\s*&\s*")
_RELATOR_URI = re.compile(r"^https?://id\.loc\.gov/vocabulary/relators/([a-z]{3})(?:\.\w+)?/?$")
# the subfields that make the name and those that give the roles, by kind of heading;
# in a meeting name (X11) $e is a subordinate unit ("Steering Committee") and $q a meeting
# named after a place, parts of the name, while its relator term is $j
_PERSON = ("abcq", "e4")
_ORGANIZATION = ("abcdn", "e4")
_MEETING = dict.fromkeys(("111", "711"), ("acdenq", "j4"))


def agents(record: Record, tags: dict[str, list[pymarc.Field]], scripts: Scripts) -> None:
    """Main entries are creators, added entries contributors unless their role is
    authorship; a name-title entry ($t) names a related work instead, and an added
    entry about the library's copy ($5) no agent of the work at all."""
    # the record's agents by heading, creators then contributors as the record lists them:
    # a paper with thousands of 700 fields compared each with every earlier one
    by_heading: dict[tuple[str, str], tuple[list[Agent], list[Agent]]] = {}
    for group, listed in enumerate((record.creators, record.contributors)):
        for known in listed:
            by_heading.setdefault((known.name, known.kind), ([], []))[group].append(known)
    for tag in ("100", "110", "111", "700", "710", "711", "720"):
        for fld in tags.get(tag, []):
            if tag.startswith("7") and fld.get("5"):
                _copy_specific(record, fld)
                continue
            if fld.get("t"):
                record.extra.setdefault("related_work", []).append(clean(fld.value()))
                name_title(record, fld, _agent(name_part(fld), record))  # a work, by its name
                continue
            agent = _agent(fld, record, scripts)
            if agent is None:
                continue
            same = by_heading.setdefault((agent.name, agent.kind), ([], []))
            if not _merged([*same[0], *same[1]], agent):
                # an added entry is a creator when a role is authorship: the table of
                # ld.mapping_terms knows "joint author", "auteur" and "aut" alike
                # (explore12/marc H2: the raw text was compared)
                is_creator = tag.startswith("1") or is_author(agent.roles)
                (record.creators if is_creator else record.contributors).append(agent)
                same[0 if is_creator else 1].append(agent)


def _copy_specific(record: Record, fld: pymarc.Field) -> None:
    """An added entry with $5 (the institution it applies to) is about that library's
    copy, not the work: "Copyright Paperback Collection (Library of Congress)$5DLC",
    a former owner, a binder. A corporate entry without a role names the special
    collection the copy is kept in, which the model has: the record's collections
    (published as dcterms:isPartOf a dcmitype:Collection, as VuFind's collections
    are). Anything else (a former owner, a donor) is kept in ``extra`` only: it
    says nothing of the work, and the model has no holdings to hang it on.
    """
    agent = _agent(fld, record)
    if agent is None:
        return
    if agent.kind == "organization" and not agent.roles:
        add_new(record.collections, agent.name)
        return
    heading = ", ".join([agent.name, *([agent.dates] if agent.dates else []), *agent.roles])
    record.extra.setdefault("copy_specific", []).append(
        f"{heading} ({clean(fld.get('5'))})")


def _merged(same_heading: list[Agent], agent: Agent) -> bool:
    """Give ``agent``'s roles and links to an agent with the same heading (same name
    and kind, given) and no other dates; False when there is none."""
    for known in same_heading:
        if not known.dates or not agent.dates or known.dates == agent.dates:
            for role in agent.roles:
                add_new(known.roles, role)
            for iri in agent.identifiers:
                add_new(known.identifiers, iri)
            for other in agent.alt_names:
                add_new(known.alt_names, other)
            known.dates = known.dates or agent.dates
            return True
    return False


def _agent(fld: pymarc.Field, record: Record, scripts: Scripts | None = None) -> Agent | None:
    person = fld.tag in ("100", "700") or (fld.tag == "720" and fld.indicator1 == "1")
    name_codes, role_codes = _PERSON if person else _MEETING.get(fld.tag, _ORGANIZATION)
    name = joined(fld, name_codes)
    if not name:
        return None
    agent = Agent(name=name, kind="person" if person else "organization")
    _original_name(agent, in_original_script(fld, scripts or {}), name_codes)
    if person:
        _name_parts(agent, fld)
    for role in fld.get_subfields(*role_codes):
        for part in _ROLE_SEPARATOR.split(role):
            add_new(agent.roles, _role(part))
    for link in fld.get_subfields("0", "1"):
        iri = authority_iri(link)
        if iri:
            add_new(agent.identifiers, iri)
        elif link.strip():
            record.extra.setdefault("authority", []).append(f"{name}: {link.strip()}")
    return agent


def _original_name(agent: Agent, original: pymarc.Field | None, codes: str) -> None:
    """The heading again in its original script (its 880), unless that says the same."""
    other = joined(original, codes) if original is not None else ""
    if other != agent.name:
        add_new(agent.alt_names, other)


def _role(value: str) -> str:
    """A relator term or code as written; a relator URI
    (http://id.loc.gov/vocabulary/relators/cmp) as its code."""
    match = _RELATOR_URI.match(value.strip())
    return match.group(1) if match else clean(value)


def _name_parts(agent: Agent, fld: pymarc.Field) -> None:
    """Family and given name, and dates, of a personal name heading.

    Indicator 1 says how the heading is entered: 1 a surname, "Family, Given"
    (split at the comma of $a/$q; $b numeration and $c titles stay in the name
    only) or a surname alone ("Perejaume"); 0 a forename ("John Paul II,
    Pope": $a is a given name, never split; $b numeration only occurs in
    forename headings, whatever the indicator says). A 720 is uncontrolled:
    without a comma its name is kept whole. $q, the fuller form ("Tarbell, H. S.
    $q (Horace Sumner)"), is no part of the given name, "H. S. (Horace Sumner)", which
    citations printed (explore12/marc L9), but is kept apart (``fuller``) for the key:
    it is what tells "Smith, J. (John)" from "Smith, J. (James)" (review12 H2).
    """
    heading = clean(fld.get("a"))
    if fld.indicator1 == "0" or fld.get("b"):
        agent.given = heading or None
    elif fld.indicator1 == "1" and ("," in heading or fld.tag != "720"):
        family, _, given = heading.partition(",")
        agent.family, agent.given = family.strip() or None, clean(given) or None
    agent.dates = clean(fld.get("d")) or None
    agent.fuller = clean(" ".join(fld.get_subfields("q"))) or None
