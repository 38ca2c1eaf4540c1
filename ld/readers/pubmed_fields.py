"""Small parsers for PubMed XML values (dates, pages, ORCIDs, abstracts, authors), and
the record fields journal articles and book chapters fill alike.

Kept apart from the element walks (:mod:`ld.readers.pubmed_article`,
:mod:`ld.readers.pubmed_book`) so they can be tested on their own and
reused by the JATS reader.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable

from lxml import etree

from ld.model import Agent, Record, Text
from ld.numbers import ascii_digits
from ld.readers.pubmed_text import marked_text
from ld.readers.xml_text import children, text_of


def _text(element: etree._Element | None) -> str | None:
    return element.text if element is not None else None

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_name) if name})
# year, then a month (name or number) and a day, each a whole word: "2010 1st Quarter" has
# no month (the "1" of "1st" is no January), "2001 Mar 5th" no day
_MEDLINE_DATE = re.compile(r"([0-9]{4})(?:\s+([A-Za-z]{3,9}|[0-9]{1,2})\b(?:\s+([0-9]{1,2})\b)?)?")
_PAGES = re.compile(r"^\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*(?:[-–]\s*([A-Za-z]*)(\d+)([A-Za-z]*))?")
_ROMAN_PAGES = re.compile(r"([ivxlcdm]+)\s*[-–]\s*([ivxlcdm]+)", re.I)
# four groups of four, joined by hyphens, spaces (ISNI's display form) or nothing
_ORCID = re.compile(r"(?<![0-9])([0-9]{4})[-\s]?([0-9]{4})[-\s]?([0-9]{4})[-\s]?([0-9]{3}[0-9Xx])"
                    r"(?![0-9Xx])")
_ORCID_SITE = re.compile(r"^\s*(?:https?://)?(?:www\.)?orcid\.org/", re.I)


def month_number(value: str | None) -> int | None:
    """"Sep" / "September" / "9" / "09" -> 9; seasons and junk -> None."""
    text = (value or "").strip().lower()
    if ascii_digits(text):
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(text[:3]) if text[:3] in _MONTHS else None


def partial_date(year: str | None, month: str | None = None, day: str | None = None) -> str | None:
    """The most precise ISO date the parts allow: "2019", "2019-11" or "2019-11-08"."""
    if not year or not re.fullmatch(r"[0-9]{4}", year.strip()):
        return None
    result = year.strip()
    number = month_number(month)
    if number is None:
        return result
    result += f"-{number:02d}"
    if day and ascii_digits(day.strip()):
        try:
            return datetime.date(int(year), number, int(day)).isoformat()
        except ValueError:
            return result  # no such day: keep what is certain
    return result


# a publisher's article number ("e154225", "euae122", "10046"), not the long PII of a
# publisher's system ("S0002-9297(24)00257-X", SciELO's "S0004-28032022000200219", and
# Elsevier's without its punctuation, "S0002929724002573": S and the journal's ISSN)
_ARTICLE_NUMBER = re.compile(r"(?!S[0-9]{4}-|S[0-9]{8})[A-Za-z]{0,6}[0-9][0-9A-Za-z.-]{0,15}")


def is_article_number(pii: str) -> bool:
    """Whether a PII (PubMed ELocationID "pii", MEDLINE LID "[pii]") is the article number
    NLM cites in the pages' place ("2022;132(10):e154225"), not a publisher's long PII."""
    return bool(_ARTICLE_NUMBER.fullmatch(pii.strip()))


def says_more(written: str | None) -> bool:
    """Whether a date as written says more than the ISO date made of it (so it is kept as
    ldpub:dateAsWritten): a range ("1998 Dec-1999 Jan", "2020 Jan-Feb"), a season, a day
    that is no number; not "2020 Jan 05" beside "2020-01-05", which repeats it."""
    words = (written or "").split()
    if not words or len(words) > 3:
        return bool(words)
    month = words[1].lower() if len(words) > 1 else "jan"
    if month not in _MONTHS and not ascii_digits(month):  # "Jan-Feb" is no month
        return True
    iso = partial_date(*words)
    return iso is None or iso.count("-") + 1 != len(words)


def pub_date(element: etree._Element | None) -> tuple[str | None, str | None]:
    """(best partial ISO date, the date as written) from a <PubDate>-like element.

    MedlineDate ("1998 Dec-1999 Jan", "2000 Spring", "1975-1976") gives the
    first date it names, as precisely as it names it.
    """
    if element is None:
        return None, None
    kids = children(element)
    medline = _text(kids.get("MedlineDate"))
    if medline:
        match = _MEDLINE_DATE.search(medline)
        if not match:
            return None, medline.strip()
        return partial_date(match.group(1), match.group(2), match.group(3)), medline.strip()
    year, month, day, season = (_text(kids.get(t)) for t in ("Year", "Month", "Day", "Season"))
    written = " ".join(p.strip() for p in (year, month or season, day) if p and p.strip())
    return partial_date(year, month, day), written or None


def page_range(medline_pgn: str | None) -> tuple[str | None, str | None]:
    """"739-48" -> ("739", "748"); "S12-5" -> ("S12", "S15"); "e2308706120" -> (it, None);
    "iii-v" -> ("iii", "v").

    MEDLINE abbreviates the end page to the digits that change; they are
    restored from the start page.
    """
    text = (medline_pgn or "").split(",")[0].split(";")[0].strip()
    roman = _ROMAN_PAGES.fullmatch(text)
    if roman:  # front matter: "iii-v"
        return roman.group(1), roman.group(2)
    match = _PAGES.match(text)
    if not match:
        return (text or None), None
    prefix, start, suffix, end_prefix, end, end_suffix = match.groups()
    if end is None:
        return text, None
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return f"{prefix}{start}{suffix}", f"{end_prefix or prefix}{end}{end_suffix}"


def all_pages(medline_pgn: str | None) -> str | None:
    """Every range of a MedlinePgn of more than one ("1199-201, 1205" -> "1199-1201, 1205",
    each end page spelled out as :func:`page_range` does), else None: bibo:pages, as
    page_range keeps only the first range and the rest was lost unseen."""
    parts = [p.strip() for p in re.split(r"[,;]", medline_pgn or "") if p.strip()]
    if len(parts) < 2:
        return None
    return ", ".join(_spelled_out(part) for part in parts)


def _spelled_out(part: str) -> str:
    """One range with its end page spelled out, after a leading word if any
    ("discussion 117-8" -> "discussion 117-118")."""
    word, rest = _LEADING_WORDS.fullmatch(part).groups()  # type: ignore[union-attr]
    return word + "-".join(filter(None, page_range(rest)))


_LEADING_WORDS = re.compile(r"((?:[^\W\d]+\.?\s+)*)(.*)", re.S)


def orcid_iri(value: str | None) -> str | None:
    """Any written form of an ORCID iD -> "https://orcid.org/0000-0002-1825-0097".

    The check character is not judged here: the mapping sets a failing iD apart
    (ld.mapping_identifiers.agent_identifiers), with a warning, rather than the
    reader dropping it unseen.
    """
    match = _ORCID.search(value or "")
    if not match:
        return None
    return "https://orcid.org/" + "-".join(match.groups()).upper()


def orcid_identifier(value: str | None) -> str | None:
    """An ORCID iD as its IRI (:func:`orcid_iri`) or, when it is none, as an orcid.org IRI
    of what was written, which the mapping sets apart as ldpub:invalidOrcid with a
    warning: a reader that dropped it left no trace of the iD. None when empty."""
    text = (value or "").strip()
    if not text:
        return None
    return orcid_iri(text) or "https://orcid.org/" + _ORCID_SITE.sub("", text)


def abstract_text(abstract: etree._Element | None) -> str | None:
    """Sections joined as "LABEL: text LABEL: text", as PubMed and VuFind show them."""
    if abstract is None:
        return None
    parts = []
    for section in abstract.iterchildren("AbstractText"):
        text = marked_text(section)
        label = (section.get("Label") or "").strip()
        if label and text:
            parts.append(f"{label}: {text}")
        elif text:
            parts.append(text)
    return " ".join(parts) or None


EQUAL_CONTRIBUTOR = "equal contributor"  # a role no relator names, as the page shows it


def agent_from_author(author: etree._Element) -> Agent | None:
    """One pass over the author's children (this runs for every author of every article).
    EqualContrib="Y" (the authors who contributed equally) is the role "equal contributor"."""
    parts, identifiers, affiliations = _author_parts(author)
    agent = _author_name(parts)
    if agent is None:
        return None
    agent.identifiers, agent.affiliations = identifiers, affiliations
    if author.get("EqualContrib") == "Y":
        agent.roles.append(EQUAL_CONTRIBUTOR)
    return agent


def _author_parts(author: etree._Element) -> tuple[dict[str, etree._Element], list[str], list[str]]:
    """(name parts by tag, ORCID IRIs, affiliations): each IRI and affiliation once, in order."""
    parts: dict[str, etree._Element] = {}
    identifiers: list[str] = []
    affiliations: list[str] = []
    for child in author:
        tag = child.tag
        if tag == "Identifier":
            iri = orcid_identifier(child.text) if child.get("Source") == "ORCID" else None
            if iri and iri not in identifiers:
                identifiers.append(iri)
        elif tag == "AffiliationInfo":
            text = text_of(child.find("Affiliation"))
            if text and text not in affiliations:
                affiliations.append(text)
        elif isinstance(tag, str):
            parts[tag] = child
    return parts, identifiers, affiliations


def _author_name(parts: dict[str, etree._Element]) -> Agent | None:
    """A CollectiveName is an organization; a person needs a LastName ("Smith, John, Jr")."""
    family = text_of(parts.get("LastName"))
    if "CollectiveName" in parts and text_of(parts["CollectiveName"]):
        return Agent(name=text_of(parts["CollectiveName"]), kind="organization")
    if not family:
        return None
    given = text_of(parts.get("ForeName")) or text_of(parts.get("Initials"))
    name = f"{family}, {given}" if given else family
    suffix = text_of(parts["Suffix"]) if "Suffix" in parts else ""
    return Agent(name=f"{name}, {suffix}" if suffix else name,
                 family=family, given=given or None)


# --- record fields shared by articles and books -------------------------------

def add_all(target: list[str], values: list[str | None]) -> None:
    """Append each non-empty value not already there (sources repeat themselves)."""
    for value in values:
        if value and value not in target:
            target.append(value)


def authors(record: Record, author_list: etree._Element | None) -> None:
    """Authors as creators; an editors' list as contributors with the role "editor".

    NLM keeps a misspelt author with ValidYN="N" beside the corrected one: skipped.
    """
    if author_list is None:
        return
    editors = author_list.get("Type") == "editors"
    for author in author_list.iterfind("Author"):
        agent = agent_from_author(author) if author.get("ValidYN") != "N" else None
        if agent is None:
            continue
        if editors:
            agent.roles.append("editor")
            record.contributors.append(agent)
        else:
            record.creators.append(agent)


def abstracts(record: Record, abstract: etree._Element | None,
              others: Iterable[etree._Element] = ()) -> None:
    """The abstract, then each OtherAbstract (e.g. a translation) not already given, in
    the language its Language attribute states ("rus"). The Abstract states none (the
    article's <Language> is the article's, not necessarily its abstract's): untagged."""
    record.abstracts = [a for a in [abstract_text(abstract)] if a]
    add_all(record.rights, [abstract_copyright(abstract)])
    for other in others:
        text = abstract_text(other)
        add_all(record.abstracts, [Text(text, other.get("Language")) if text else None])
        add_all(record.rights, [abstract_copyright(other)])


def abstract_copyright(abstract: etree._Element | None) -> str | None:
    """The publisher's <CopyrightInformation> of an abstract ("Copyright 2001 Elsevier
    Science."): the terms its republished text comes under, so published with it
    (dcterms:rights), as MARC 540 and JATS licences are."""
    return text_of(abstract.find("CopyrightInformation")) if abstract is not None else None


def languages(elements: Iterable[etree._Element]) -> list[str]:
    return [t.strip() for t in (e.text for e in elements) if t]
