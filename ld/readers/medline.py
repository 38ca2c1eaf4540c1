"""MEDLINE/PubMed tagged text ("PMID- 123", PubMed's "MEDLINE" download format).

The same PubMed record as the XML in another dress, so it gets the same id
(``pmid-{PMID}``) and the same fields as :mod:`ld.readers.pubmed`, except
that the text format carries no MeSH unique ids (so MeSH subjects have no
IRI here). Streamed line by line; records are separated by blank lines.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from ld.errors import Location, ParseError, RecordError
from ld.model import Agent, Container, Record, Source, Subject
from ld.numbers import ascii_digits
from ld.readers.pubmed import ID_PREFIX
from ld.readers.pubmed_fields import (
    add_all,
    all_pages,
    is_article_number,
    orcid_iri,
    page_range,
    partial_date,
    says_more,
)
from ld.readers.pubmed_ids import add_correction
from ld.readers.pubmed_text import PLACEHOLDER_TITLES, nlm_title, vernacular_title

NAME = "medline"
DESCRIPTION = "MEDLINE/PubMed tagged text (PMID- ..., TI  - ...)"

_LINE = re.compile(r"^([A-Z]{2,4})\s*- (.*)$")
# the comment and correction tags, as the XML's CommentsCorrections RefTypes
_CORRECTIONS = {
    "RIN": "RetractionIn", "ROF": "RetractionOf", "RRI": "RetractedandRepublishedIn",
    "RRF": "RetractedandRepublishedFrom", "EIN": "ErratumIn", "EFR": "ErratumFor",
    "CRI": "CorrectedandRepublishedIn", "CRF": "CorrectedandRepublishedFrom",
    "ECI": "ExpressionOfConcernIn", "ECF": "ExpressionOfConcernFor", "UIN": "UpdateIn",
    "UOF": "UpdateOf", "CIN": "CommentIn", "CON": "CommentOn", "RPI": "RepublishedIn",
    "RPF": "RepublishedFrom", "SPIN": "SummaryForPatientsIn", "ORI": "OriginalReportIn",
}
# "N Engl J Med. 2000;5:1. PMID: 90000002": the XML's RefSource, then its PMID if any
_CORRECTION = re.compile(r"^(.*?)[.\s]*(?:PMID:\s*([0-9]+))?\s*$", re.S)
_SNIFF = re.compile(rb"^\s*PMID- \d+", re.M)


def sniff(head: bytes, filename: str) -> int:
    return 90 if _SNIFF.match(head) else 0


def read(stream: BinaryIO, filename: str) -> Iterator[Record | RecordError]:
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="strict", newline=None)
    number = 0
    try:
        for line_no, fields in _records(text):
            number += 1
            source = Source(filename, f"record {number} (line {line_no})", NAME)
            try:
                yield map_record(fields, source)
            except RecordError as exc:
                yield exc
            except ValueError as exc:  # a reader bug costs this record, not the whole load
                yield RecordError(f"cannot read this record ({type(exc).__name__}: {exc})",
                                  Location(filename, source.position),
                                  hint="this is a bug in ldpub's MEDLINE reader; please report it")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text: {exc.reason}", Location(file=filename),
                         hint="records before this point were read") from exc
    finally:
        text.detach()


def _records(lines: io.TextIOWrapper) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """(first line number, [(tag, value), ...]) per record; continuation lines joined."""
    fields: list[tuple[str, str]] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if fields:
                yield start, fields
            fields = []
            continue
        match = _LINE.match(line.rstrip("\n"))
        if match:
            start = start if fields else number
            fields.append((match.group(1), match.group(2).strip()))
        elif fields and line.startswith(" "):
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip()}")
    if fields:
        yield start, fields


def map_record(fields: list[tuple[str, str]], source: Source) -> Record:
    values = _by_tag(fields)
    pmid = _pmid(values, source)
    first = {tag: vals[0] for tag, vals in values.items()}
    record = Record(id=ID_PREFIX + pmid, source=source, pmid=pmid, formats=["Article"],
                    record_format="MEDLINE/PubMed",
                    abstracts=values.get("AB", []), languages=values.get("LA", []))
    _titles(record, first)
    _authors(record, fields)
    record.container = _journal(values, first)
    record.issued = _issued(first.get("DP"))
    record.dates_as_written = [first["DP"]] if says_more(first.get("DP")) else []  # "2000 Spring"
    _dois(record, values.get("AID", []) + values.get("LID", []))
    record.pmcid = first.get("PMC")
    record.grants = values.get("GR", [])
    _subjects(record, values)
    _corrections_and_rights(record, fields, values)
    return record


def _corrections_and_rights(record: Record, fields: list[tuple[str, str]],
                            values: dict[str, list[str]]) -> None:
    """What the XML reader reads of the same article: its comments and corrections (RIN,
    EIN, CON ...: a note and the link to the other article), its copyright (CI, as
    dcterms:rights) and, without pages, its article number (LID "e154225 [pii]")."""
    for tag, value in fields:
        if tag in _CORRECTIONS and (match := _CORRECTION.match(value)):
            add_correction(record, _CORRECTIONS[tag], match[1], match[2] or "")
    add_all(record.rights, values.get("CI", []))
    pii = [v[:-5].strip() for v in values.get("LID", []) if v.endswith("[pii]")]
    if record.container and not record.container.page_start:
        record.container.page_start = next((v for v in pii if is_article_number(v)), None)


def _titles(record: Record, first: dict[str, str]) -> None:
    """TI without NLM's final period and translation brackets, and TT (the title in the
    article's language, romanised) as an alternative title: as the XML reader gives the
    ArticleTitle and VernacularTitle, TT standing in for a placeholder TI."""
    title = first.get("TI") or ""
    vernacular = vernacular_title(nlm_title(first.get("TT") or ""), record.languages)
    if title.strip() in PLACEHOLDER_TITLES:
        record.title = vernacular or nlm_title(title) or None
        return
    record.title = nlm_title(title) or None
    add_all(record.alternative_titles, [vernacular])


def _until_author(fields: list[tuple[str, str]], name_tag: str) -> Iterator[tuple[str, str]]:
    """The fields before the first author (``name_tag`` or CN)."""
    for tag, value in fields:
        if tag in (name_tag, "CN"):
            return
        yield tag, value


def _by_tag(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for tag, value in fields:
        values.setdefault(tag, []).append(value)
    return values


def _pmid(values: dict[str, list[str]], source: Source) -> str:
    pmid = (values.get("PMID") or [""])[0]
    if not ascii_digits(pmid):
        raise RecordError(f"no usable PMID ({pmid!r})",
                          Location(source.file, source.position, field="PMID"))
    return pmid


def _journal(values: dict[str, list[str]], first: dict[str, str]) -> Container:
    """JT/TA/VI/IP/PG; an IS line is "1234-5678 (Print)": the ISSN is its first word, the
    one marked "(Linking)" is the ISSN-L that keys the journal, "(Electronic)" an eISSN."""
    start, end = page_range(first.get("PG"))
    lines = values.get("IS", [])
    return Container(
        title=first.get("JT"), iso_abbreviation=first.get("TA"), volume=first.get("VI"),
        issue=first.get("IP"), page_start=start, page_end=end, pages=all_pages(first.get("PG")),
        issn=[v.split(" ")[0] for v in lines],
        eissn=[v.split(" ")[0] for v in lines if "(Electronic)" in v],
        issn_l=next((v.split(" ")[0] for v in lines if "(Linking)" in v), None))


def _issued(written: str | None) -> str | None:
    """DP ("1998 Dec 15", "2000 Spring") as an ISO date; as written if it cannot ("1975-1976")."""
    parts = (written or "").split()
    return partial_date(*[*parts, None, None, None][:3]) or written


def _dois(record: Record, ids: list[str]) -> None:
    """AID/LID values tagged "[doi]", each once."""
    for value in ids:
        if value.endswith("[doi]") and value[:-5].strip() not in record.doi:
            record.doi.append(value[:-5].strip())


def _subjects(record: Record, values: dict[str, list[str]]) -> None:
    """Publication types (genres), MeSH headings without their "*" major marks, then the
    keywords that are not already a subject (whatever their case)."""
    for value in values.get("PT", []):
        record.subjects.append(Subject(value, kind="genre", scheme="mesh"))
    for value in values.get("MH", []):
        record.subjects.extend(mesh_heading(value))
    seen = {s.label.casefold() for s in record.subjects}
    for value in values.get("OT", []):
        if value.casefold() not in seen:  # "humans" beside MeSH's "Humans"
            seen.add(value.casefold())
            record.subjects.append(Subject(value, scheme="keyword"))


def mesh_heading(value: str) -> list[Subject]:
    """The subjects of one MH line, as the XML reader gives them: the descriptor, then
    descriptor/qualifier for each qualifier ("*Choroid/diagnostic imaging/*blood supply"
    is Choroid, Choroid/diagnostic imaging, Choroid/blood supply), each pair narrowing
    the descriptor; a "*" marks a major topic, as the XML's MajorTopicYN="Y".

    Taken as written, the line was one heading MeSH does not have, and the
    descriptor alone was never a subject, so an article described the same
    way in XML and in MEDLINE text got different subjects.
    """
    (descriptor, major), *qualifiers = (
        (part.replace("*", "").strip(), "*" in part) for part in value.split("/"))
    if not descriptor:
        return []
    return [Subject(descriptor, scheme="mesh", major=major),
            *(Subject(f"{descriptor}/{q}", scheme="mesh", major=starred, broader=descriptor)
              for q, starred in qualifiers if q)]


def _authors(record: Record, fields: list[tuple[str, str]]) -> None:
    """FAU (full name; AU when a record has none) or CN starts an author.

    AUID (ORCID) and AD (affiliation) lines that follow belong to that author. An AD
    before any author (older records, whose one address was the article's) is the
    first author's, as NLM's XML gives the same record's <Affiliation>.
    """
    name_tag = "FAU" if any(tag == "FAU" for tag, _ in fields) else "AU"
    current: Agent | None = None
    before = [value for tag, value in _until_author(fields, name_tag) if tag == "AD"]
    for tag, value in fields:
        if tag in (name_tag, "CN"):
            family, _, given = value.partition(",")
            person = tag != "CN"
            current = Agent(name=value, kind="person" if person else "organization",
                            family=family.strip() if person and given else None,
                            given=given.strip() if person and given else None,
                            affiliations=[] if record.creators else list(dict.fromkeys(before)))
            record.creators.append(current)
        elif tag == "AUID" and current is not None and orcid_iri(value):
            current.identifiers.append(orcid_iri(value) or "")
        elif tag == "AD" and current is not None and value not in current.affiliations:
            current.affiliations.append(value)
