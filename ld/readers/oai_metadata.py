"""Metadata formats found inside OAI-PMH records, each turned into a Record.

A converter takes the root element of an OAI-PMH ``<metadata>`` block and
returns a :class:`~ld.model.Record` in the source's own words. Converters
are chosen by the metadata element's qualified name, not by the
``metadataPrefix``: the prefix is a name each repository picks ("marc21",
"marcxml", "MARC21" all occur) while the namespace names the format itself.

Dublin Core has no slots for ISBN/ISSN/DOI: they hide in ``dc:identifier``
next to URLs and local numbers, so identifiers are recognised by shape (and
check digit) and the rest kept in ``extra``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from ld.errors import Location, RecordError
from ld.model import Agent, Container, Record, Source, Subject

NS_OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_MARC = "http://www.loc.gov/MARC21/slim"
NS_DOAJ = "http://doaj.org/features/oai_doaj/1.0/"
_DC_ANY, _DC_CUT = f"{{{NS_DC}}}*", len(NS_DC) + 2

Converter = Callable[[etree._Element, str, Source], Record]

_DOI = re.compile(
    r"^(?:doi:\s*|info:doi/|https?://(?:dx\.)?doi\.org/)?(10\.[0-9]{4,9}/\S+)$", re.I)
_PMID = re.compile(r"^(?:pmid:\s*|info:pmid/)([0-9]{1,9})$", re.I)
_ISSN = re.compile(r"^(?:issn:?\s*)?([0-9]{4})-?([0-9]{3}[0-9X])$", re.I)
_ISBN = re.compile(r"^(?:urn:isbn:|isbn:?\s*)?([0-9][0-9\- ]{8,15}[0-9X])$", re.I)
_MEDIA_TYPE = re.compile(r"^[a-z]+/[\w.+-]+$", re.I)
_URL = re.compile(r"https?://\S+")


def clean(text: str | None) -> str:
    """Collapse the layout whitespace that XML pretty-printing puts into values."""
    return " ".join(text.split()) if text else ""


def isbn_ok(digits: str) -> bool:
    """Check digit of an ISBN-10 or ISBN-13 (digits only, 'X' allowed last in ISBN-10)."""
    if len(digits) == 10 and digits[:9].isdigit():
        values = [10 if c == "X" else int(c) for c in digits]
        return sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        return sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits)) % 10 == 0
    return False


def issn_ok(digits: str) -> bool:
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def classify_identifier(record: Record, value: str) -> None:
    """Put one ``dc:identifier`` value into the slot its shape says it belongs to."""
    if m := _DOI.match(value):
        record.doi.append(m.group(1))
    elif (m := _PMID.match(value)) and record.pmid is None:
        record.pmid = m.group(1)
    elif value.lower().startswith(("http://", "https://")):
        record.urls.append(value)
    elif (m := _ISSN.match(value)) and issn_ok((m.group(1) + m.group(2)).upper()):
        record.issn.append(f"{m.group(1)}-{m.group(2).upper()}")
    elif (m := _ISBN.match(value)) and isbn_ok(re.sub(r"[\s-]", "", m.group(1)).upper()):
        record.isbn.append(m.group(1))
    else:
        record.extra.setdefault("identifier", []).append(value)


def person(name: str, *, roles: list[str] | None = None) -> Agent:
    """An agent from a name as written; "Family, Given" is split, anything else kept whole."""
    family, sep, given = name.partition(",")
    if sep and family.strip() and given.strip():
        return Agent(name=name, family=family.strip(), given=given.strip(), roles=roles or [])
    return Agent(name=name, roles=roles or [])


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


# --- oai_dc ------------------------------------------------------------------

def dc_record(elem: etree._Element, record_id: str, source: Source) -> Record:
    """Simple Dublin Core (``oai_dc:dc``): every element is optional and repeatable."""
    values = _dc_values(elem)
    rec = Record(id=record_id, source=source, record_format="oai_dc")
    _dc_described(rec, values)
    dates = _unique(values.get("date", []))
    rec.issued = dates[0] if dates else None
    _dc_sorted(rec, values)
    _dc_extra(rec, values, dates[1:])
    return rec


def _dc_values(elem: etree._Element) -> dict[str, list[str]]:
    """The non-empty values of each DC element, by local name, in document order."""
    values: dict[str, list[str]] = {}
    for child in elem.iterchildren(_DC_ANY):
        if text := clean(child.text):
            values.setdefault(child.tag[_DC_CUT:], []).append(text)  # tag minus "{ns}"
    return values


def _dc_described(rec: Record, values: dict[str, list[str]]) -> None:
    """Titles, creators, contributors, subjects, abstracts and publishers, as written."""
    titles = _unique(values.get("title", []))
    rec.title = titles[0] if titles else None
    rec.alternative_titles = titles[1:]
    rec.creators = [person(n) for n in _unique(values.get("creator", []))]
    rec.contributors = [person(n) for n in _unique(values.get("contributor", []))]
    rec.subjects = [Subject(label=s) for s in _unique(values.get("subject", []))]
    rec.abstracts = _unique(values.get("description", []))
    rec.publishers = _unique(values.get("publisher", []))


def _dc_sorted(rec: Record, values: dict[str, list[str]]) -> None:
    """Types, languages, identifiers and formats: sorted into slots by their shape."""
    rec.formats = _types(rec, _unique(values.get("type", [])))
    rec.languages = _languages(rec, _unique(values.get("language", [])))
    for value in _unique(values.get("identifier", [])):
        classify_identifier(rec, value)
    _dc_format(rec, _unique(values.get("format", [])))


def _dc_extra(rec: Record, values: dict[str, list[str]], more_dates: list[str]) -> None:
    """What has no slot of its own (source, relation, coverage, rights, later dates)."""
    for name in ("source", "relation", "coverage", "rights"):
        if name in values:
            rec.extra[name] = _unique(values[name])
    if more_dates:
        rec.extra["date"] = more_dates


_LOCALE = re.compile(r"^([A-Za-z]{2,3})[_-][A-Za-z]{2}$")


def _languages(rec: Record, values: list[str]) -> list[str]:
    """DSpace writes locales ("en_US") and "other" in dc:language: keep the language part.

    "other" names no language; it is kept in ``extra`` rather than published.
    """
    languages = []
    for value in values:
        if value.lower() == "other":
            rec.extra.setdefault("language", []).append(value)
        elif m := _LOCALE.match(value):
            languages.append(m.group(1).lower())
        else:
            languages.append(value)
    return _unique(languages)


# Work types of the DRIVER (info:eu-repo/semantics/...) and DINI (doc-type:...)
# vocabularies that repositories put in dc:type, as the mapper's format labels.
_TYPE_PREFIXES = ("info:eu-repo/semantics/", "doc-type:")
_TYPES = {
    "article": "Article", "journalarticle": "Journal Article", "preprint": "Article",
    "contributiontoperiodical": "Article", "book": "Book", "bookpart": "Book Chapter",
    "doctoralthesis": "Thesis", "masterthesis": "Thesis", "bachelorthesis": "Thesis",
    "conferenceobject": "Conference Proceeding", "report": "Report",
    "workingpaper": "Report", "technicalreport": "Report", "patent": "Patent",
    "periodical": "Periodical",
}


def _types(rec: Record, values: list[str]) -> list[str]:
    """dc:type values as format labels; vocabulary IRIs translated, the original kept."""
    labels = []
    for value in values:
        key = value
        for prefix in _TYPE_PREFIXES:
            key = key.removeprefix(prefix)
        label = _TYPES.get(re.sub(r"[\s_-]", "", key.lower()))
        if label and label != value:
            rec.extra.setdefault("type", []).append(value)
        labels.append(label or value)
    return _unique(labels)


def _dc_format(rec: Record, formats: list[str]) -> None:
    """``dc:format`` holds media types, extents, and sometimes a file URL: sort them."""
    for value in formats:
        rest = _URL.sub("", value).strip()
        rec.urls.extend(u for u in _URL.findall(value) if u not in rec.urls)
        if rest and _MEDIA_TYPE.match(rest):
            rec.extra.setdefault("format", []).append(rest)
        elif rest:
            rec.extent.append(rest)


# --- oai_doaj ----------------------------------------------------------------

def _doaj(elem: etree._Element, name: str) -> list[str]:
    return [t for c in elem.iterfind(f".//{{{NS_DOAJ}}}{name}") if (t := clean(c.text))]


def _doaj_one(elem: etree._Element, name: str) -> str | None:
    found = _doaj(elem, name)
    return found[0] if found else None


def doaj_record(elem: etree._Element, record_id: str, source: Source) -> Record:
    """A DOAJ article (``oai_doaj:doajArticle``): an article in a journal, always."""
    rec = Record(id=record_id, source=source, formats=["Article"], record_format="oai_doaj")
    rec.title = _doaj_one(elem, "title")
    rec.creators = _doaj_authors(elem)
    rec.abstracts = _doaj(elem, "abstract")
    rec.publishers = _doaj(elem, "publisher")
    rec.issued = _doaj_one(elem, "publicationDate")
    rec.languages = _doaj(elem, "language")
    rec.doi = [m.group(1) for d in _doaj(elem, "doi") if (m := _DOI.match(d))]
    rec.urls = _unique(_doaj(elem, "fullTextUrl"))
    rec.issn = _unique(_doaj(elem, "issn") + _doaj(elem, "eissn"))
    keywords = (k.strip(" ;,") for k in _doaj(elem, "keyword"))
    rec.subjects = [Subject(label=k, scheme="keyword") for k in _unique(list(keywords))]
    rec.container = Container(
        title=_doaj_one(elem, "journalTitle"), issn=list(rec.issn),
        volume=_doaj_one(elem, "volume"), issue=_doaj_one(elem, "issue"),
        page_start=_doaj_one(elem, "startPage"), page_end=_doaj_one(elem, "endPage"),
    )
    return rec


def _doaj_authors(elem: etree._Element) -> list[Agent]:
    """Authors in order; affiliations are listed apart and joined by affiliationId."""
    names = {
        a.get("affiliationId"): t
        for a in elem.iterfind(f".//{{{NS_DOAJ}}}affiliationName")
        if (t := clean(a.text))
    }
    authors = []
    for author in elem.iterfind(f".//{{{NS_DOAJ}}}author"):
        name = _doaj_one(author, "name")
        if not name:
            continue
        agent = person(name)
        agent.affiliations = [names[i] for i in _doaj(author, "affiliationId") if i in names]
        agent.identifiers = [_orcid(o) for o in _doaj(author, "orcid_id")]
        authors.append(agent)
    return authors


def _orcid(value: str) -> str:
    return value if value.startswith("http") else f"https://orcid.org/{value}"


# --- marc21 (MARCXML) --------------------------------------------------------

def marc_record(elem: etree._Element, record_id: str, source: Source) -> Record:
    """MARCXML goes through the MARC readers' own mapping, so it looks the same in RDF.

    The record keeps the OAI identifier as its id: deletions arrive with
    nothing else to name the record by. For the same reason a record without
    a 001 is not refused here: the OAI identifier stands in for it.
    """
    rec = _read_marcxml(elem, record_id, source)
    if rec.id != record_id:
        rec.extra.setdefault("marc_id", []).append(rec.id)
    rec.id = record_id
    rec.source = source
    return rec


def _read_marcxml(elem: etree._Element, record_id: str, source: Source) -> Record:
    """The MARC readers' Record, any error located at the OAI record."""
    where = Location(file=source.file, position=source.position, record_id=record_id)
    try:
        return _marc_crosswalk(elem, record_id, source)
    except RecordError as exc:
        raise RecordError(exc.message, Location(where.file, where.position, record_id,
                                                exc.location.field), exc.hint) from exc
    except (ValueError, IndexError, KeyError) as exc:
        raise RecordError(f"MARCXML record cannot be read: {exc}", where) from exc


def _marc_crosswalk(elem: etree._Element, record_id: str, source: Source) -> Record:
    """MARCXML to pymarc (the OAI identifier as 001 when it has none), then crosswalked."""
    import pymarc

    from ld.readers.marc import from_pymarc  # the MARC readers own the crosswalk
    from ld.readers.marcxml import to_pymarc

    marc = to_pymarc(elem)
    if not any((f.data or "").strip() for f in marc.get_fields("001")):
        marc.add_field(pymarc.Field(tag="001", data=record_id))
    return from_pymarc(marc, source)


CONVERTERS: dict[str, Converter] = {
    f"{{{NS_OAI_DC}}}dc": dc_record,
    f"{{{NS_MARC}}}record": marc_record,
    f"{{{NS_DOAJ}}}doajArticle": doaj_record,
}
