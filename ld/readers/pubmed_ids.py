"""Identifiers of a PubMed record: its PMID (the record id) and the ids NLM lists for it,
and the PMIDs of the articles that retract, correct or comment on it (CommentsCorrections).

Apart from the element walk (:mod:`ld.readers.pubmed_article`,
:mod:`ld.readers.pubmed_book`) because both journal articles and book
chapters carry them the same way (ELocationID, ArticleIdList), and because
which of them are published, and as what, is one decision: a DOI becomes the
record's DOI (and its owl:sameAs doi.org link, used for identity across
sources), so whatever NLM doubts must stop here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from ld.errors import Location, RecordError
from ld.model import Record, Source
from ld.numbers import ascii_digits
from ld.readers.pubmed_fields import add_all

ID_PREFIX = "pmid-"
BOOKSHELF = "https://www.ncbi.nlm.nih.gov/books/"  # + the book accession (NBK1372)


def pmid(container: etree._Element | None, source: Source) -> str:
    """The numeric <PMID> of a MedlineCitation or BookDocument; a RecordError without one."""
    value = (container.findtext("PMID") if container is not None else "") or ""
    if not ascii_digits(value.strip()):
        raise RecordError(
            f"no usable PMID ({value.strip()!r})",
            Location(file=source.file, position=source.position, field="PMID"),
            hint="every PubMed record needs a numeric <PMID>; the record was skipped",
        )
    return value.strip()


def listed_id(element: etree._Element) -> str | None:
    """The record id by the first PMID anywhere in ``element`` (its citation's, else the one
    PubmedData lists), for naming a record that cannot be read."""
    for found in element.iterfind(".//PMID"):
        if ascii_digits((found.text or "").strip()):
            return ID_PREFIX + found.text.strip()
    listed = element.findtext(".//ArticleIdList/ArticleId[@IdType='pubmed']") or ""
    return ID_PREFIX + listed.strip() if ascii_digits(listed.strip()) else None


def missing_part(element: etree._Element, part: str, source: Source) -> RecordError:
    """A <PubmedArticle> without its <MedlineCitation> (or a book without <BookDocument>)."""
    return RecordError(f"<{element.tag}> has no <{part}>",
                       Location(source.file, source.position, listed_id(element), part),
                       hint=f"the <{part}> holds the record itself (title, authors, PMID); "
                            "the file is incomplete: fetch the record from PubMed again")


def identifiers(record: Record, elements: Iterator[etree._Element], attr: str) -> None:
    """DOIs and the PMC id into their fields, a Bookshelf accession as the record's page;
    other ids kept (unpublished) in ``extra``.

    An id NLM marks ValidYN="N" (an ELocationID it found to be wrong, e.g.
    a DOI that does not resolve) is kept in ``extra`` only, and so is every
    other mention of that DOI: published, it would say owl:sameAs a DOI
    that is not this article's and link it to whatever record holds it.
    """
    for element in elements:
        kind, value = element.get(attr), (element.text or "").strip()
        if value and kind not in ("pubmed", None):
            _identifier(record, kind, value, element.get("ValidYN") != "N")
    invalid = {doi.lower() for doi in record.extra.get("invalid_id:doi", [])}
    record.doi = [doi for doi in record.doi if doi.lower() not in invalid]


# PubMed's CommentsCorrections RefTypes, in the words of PubMed's own pages ("Retraction
# in: N Engl J Med. 2000;5:1"); "Cites" (the reference list) is no note and is left out
_CORRECTIONS = {
    "RetractionIn": "Retraction in", "RetractionOf": "Retraction of",
    "RetractedandRepublishedIn": "Retracted and republished in",
    "RetractedandRepublishedFrom": "Retracted and republished from",
    "ErratumIn": "Erratum in", "ErratumFor": "Erratum for",
    "CorrectedandRepublishedIn": "Corrected and republished in",
    "CorrectedandRepublishedFrom": "Corrected and republished from",
    "ExpressionOfConcernIn": "Expression of concern in",
    "ExpressionOfConcernFor": "Expression of concern for",
    "UpdateIn": "Update in", "UpdateOf": "Update of", "CommentIn": "Comment in",
    "CommentOn": "Comment on", "RepublishedIn": "Republished in",
    "RepublishedFrom": "Republished from", "ReprintIn": "Reprint in", "ReprintOf": "Reprint of",
    "SummaryForPatientsIn": "Summary for patients in", "OriginalReportIn": "Original report in",
}


def comments_corrections(record: Record, corrections: etree._Element | None) -> None:
    """What retracts, corrects, updates or comments on the article (or what it does so
    to): a note in PubMed's words, and the relation to the other record's PMID.

    A retraction is the most important thing a library can say of an article;
    it was read nowhere, so a retracted article carried no word of it.
    """
    for item in corrections.iterfind("CommentsCorrections") if corrections is not None else ():
        add_correction(record, item.get("RefType", ""), item.findtext("RefSource") or "",
                       item.findtext("PMID") or "")


def add_correction(record: Record, kind: str, source: str, number: str) -> None:
    """One comment or correction of RefType ``kind`` ("RetractionIn"), in the XML or
    MEDLINE text alike (:mod:`ld.readers.medline`), so the same article read in either
    format gets the same note and link; a kind not in the table ("Cites") is left out."""
    words, source, number = _CORRECTIONS.get(kind), source.strip(), number.strip()
    if words is None or not (source or number):
        return
    detail = " ".join(p for p in (source, f"PMID: {number}" if number else "") if p)
    add_all(record.notes, [f"{words}: {detail}"])
    if ascii_digits(number) and (kind, number) not in record.pubmed_relations:
        record.pubmed_relations.append((kind, number))


_NLM_PMC = re.compile(r"(PMC[0-9]+)\b")  # "PMC123456", "PMC2745432 [Available on 09/01/10]"


def nlm_pmcid(record: Record, citation: etree._Element) -> None:
    """The PMC id an older citation gives only as <OtherID Source="NLM">PMC123456</OtherID>
    (with, until it is free, "[Available on 09/01/10]"), when ArticleIdList gave none."""
    for other in citation.iterchildren("OtherID"):
        match = _NLM_PMC.match((other.text or "").strip())
        if other.get("Source") == "NLM" and match and not record.pmcid:
            record.pmcid = match[1]


def _identifier(record: Record, kind: str, value: str, valid: bool) -> None:
    if not valid:
        record.extra.setdefault(f"invalid_id:{kind}", []).append(value)
    elif kind == "doi":
        if value not in record.doi:
            record.doi.append(value)
    elif kind == "bookaccession":
        add_all(record.urls, [f"{BOOKSHELF}{value}/"])
    elif kind == "pmc":
        record.pmcid = record.pmcid or (value if value.startswith("PMC") else f"PMC{value}")
    else:
        record.extra.setdefault(f"id:{kind}", []).append(value)
