"""Dublin Core values sorted into a Record's slots by their shape.

Dublin Core has no slots for ISBN/ISSN/DOI: they hide in ``dc:identifier``
next to URLs and local numbers, so identifiers are recognised by shape (and
check digit) and the rest kept in ``extra``. ``dc:type``, ``dc:language``
and ``dc:format`` are as loose (vocabulary IRIs, locales, media types next
to extents and file URLs). These rules are what a new repository's habits
extend; :mod:`ld.readers.oai_metadata` keeps the converters that call them.
"""

from __future__ import annotations

import re

from ld.mapping_identifiers import clean_doi
from ld.model import Record

DOI = re.compile(
    r"^(?:doi:\s*|info:doi/|https?://(?:dx\.|www\.)?doi\.org/)?(10\.[0-9]{4,9}/\S+)$", re.I)
_PMID = re.compile(r"^(?:pmid[:\s]\s*|info:pmid/)([0-9]{1,9})$", re.I)  # "PMID 123" too
_PMCID = re.compile(r"^(?:pmcid[:\s]\s*)?(PMC[0-9]{1,9})$", re.I)
_HANDLE = re.compile(r"^(?:hdl:\s*|info:hdl/)([0-9][^\s/]*/\S+)$", re.I)
# RFC 8141: urn:nbn:...; not urn:isbn:, an ISBN (checked as any ISBN is)
_URN = re.compile(r"^urn:(?!isbn:)[a-z0-9][a-z0-9-]{0,31}:\S+$", re.I)
_ARXIV = re.compile(r"^arxiv:\s*([0-9]{4}\.[0-9]{4,5}(?:v[0-9]+)?|[a-z-]+(?:\.[a-z]{2})?/[0-9]{7}"
                    r"(?:v[0-9]+)?)$", re.I)
_ISSN = re.compile(r"^(?:issn:?\s*)?([0-9]{4})-?([0-9]{3}[0-9X])$", re.I)
_ISBN = re.compile(r"^(?:urn:isbn:|isbn:?\s*)?([0-9][0-9\- ]{8,15}[0-9X])$", re.I)
_MEDIA_TYPE = re.compile(r"^[a-z]+/[\w.+-]+$", re.I)
_URL = re.compile(r"https?://\S+")


def unique(values: list[str]) -> list[str]:
    """The non-empty values, each once, in their first order: sources repeat them."""
    return list(dict.fromkeys(v for v in values if v))


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
    if DOI.match(value):
        record.doi.append(clean_doi(value))  # a resolver URL's DOI percent-decoded
    elif (m := _PMID.match(value)) and record.pmid is None:
        record.pmid = m.group(1)
    elif (m := _PMCID.match(value)) and record.pmcid is None:
        record.pmcid = m.group(1).upper()
    elif value.lower().startswith(("http://", "https://")):
        record.urls.append(value)
    elif (m := _ISSN.match(value)) and issn_ok((m.group(1) + m.group(2)).upper()):
        record.issn.append(f"{m.group(1)}-{m.group(2).upper()}")
    elif (m := _ISBN.match(value)) and (isbn_ok(re.sub(r"[\s-]", "", m.group(1)).upper())
                                        or value.lower().startswith(("urn:isbn:", "isbn"))):
        record.isbn.append(m.group(1))  # one that says it is an ISBN, set apart if it fails
    elif not _persistent_id(record, value):
        record.extra.setdefault("identifier", []).append(value)


def _persistent_id(record: Record, value: str) -> bool:
    """A repository item's handle, URN (URN:NBN) or arXiv id into its slot; False for
    any other value. They are what an institutional repository cites its items by."""
    if m := _HANDLE.match(value):
        record.handles.append(m.group(1))
    elif _URN.match(value):
        record.urns.append(value)
    elif m := _ARXIV.match(value):
        record.arxiv.append(m.group(1))
    else:
        return False
    return True


def sort_values(rec: Record, values: dict[str, list[str]]) -> None:
    """Types, languages, identifiers, formats and rights: sorted into slots by their shape."""
    rec.formats = _types(rec, unique(values.get("type", [])))
    rec.languages = _languages(rec, unique(values.get("language", [])))
    for value in unique(values.get("identifier", [])):
        classify_identifier(rec, value)
    _formats(rec, unique(values.get("format", [])))
    _rights(rec, unique(values.get("rights", [])))


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
    return unique(languages)


# Work types of the DRIVER (info:eu-repo/semantics/...) and DINI (doc-type:...)
# vocabularies that repositories put in dc:type, as the mapper's format labels.
_TYPE_PREFIXES = ("info:eu-repo/semantics/", "doc-type:")
_TYPES = {
    "article": "Article", "journalarticle": "Journal Article", "preprint": "Article",
    "contributiontoperiodical": "Article", "book": "Book", "bookpart": "Book Chapter",
    "doctoralthesis": "Thesis", "masterthesis": "Thesis", "bachelorthesis": "Thesis",
    "conferenceobject": "Conference Proceeding", "report": "Report",
    "workingpaper": "Report", "technicalreport": "Report", "patent": "Patent",
    "periodical": "Periodical", "review": "Review", "lecture": "Lecture",
    "dataset": "Dataset", "conferencepaper": "Conference Paper",
    "conferenceproceedings": "Conference Proceeding",
}
# The DCMI Type Vocabulary by IRI ("http://purl.org/dc/dcmitype/StillImage"): its name
_DCMITYPE = re.compile(r"^https?://purl\.org/dc/dcmitype/([A-Za-z]+)/?$")
# COAR Resource Types (OpenAIRE Guidelines 4), by the code of their IRI
# ("http://purl.org/coar/resource_type/c_6501"), as the same format labels
_COAR = re.compile(r"^https?://purl\.org/coar/resource_type/([A-Za-z0-9_-]+)/?$")
_COAR_TYPES = {
    "c_6501": "Journal Article", "c_2df8fbb1": "Journal Article", "c_beb9": "Journal Article",
    "c_dcae04bc": "Review", "c_efa0": "Review", "c_ba08": "Review", "c_b239": "Article",
    "c_3e5a": "Article", "c_816b": "Article", "c_2f33": "Book", "c_3248": "Book Chapter",
    "c_46ec": "Thesis", "c_7a1f": "Thesis", "c_bdcc": "Thesis", "c_db06": "Thesis",
    "c_5794": "Conference Paper", "c_c94f": "Conference Proceeding",
    "c_f744": "Conference Proceeding", "c_93fc": "Report", "c_18gh": "Report",
    "c_18ws": "Report", "c_18ww": "Report", "c_186u": "Report", "c_8042": "Report",
    "c_15cd": "Patent", "c_2659": "Periodical", "c_0857": "Letter", "c_8544": "Lecture",
    "c_18cf": "Text", "c_ddb1": "Dataset", "c_5ce6": "Software", "c_c950": "Software",
    "c_c513": "Image", "c_ecc8": "Still Image", "c_8a7e": "Moving Image", "c_12ce": "Video",
    "c_18cc": "Sound", "c_12cd": "Map", "c_12cc": "Map", "c_e9a0": "Interactive Resource",
    "c_7ad9": "Website", "c_18cw": "Musical Score",
}


def _types(rec: Record, values: list[str]) -> list[str]:
    """dc:type values as format labels; vocabulary IRIs translated, the original kept."""
    labels = []
    for value in values:
        label = _type_label(value)
        if label and label != value:
            rec.extra.setdefault("type", []).append(value)
        labels.append(label or value)
    return unique(labels)


def _type_label(value: str) -> str | None:
    """The format label of a DRIVER, DINI, DCMI Type or COAR term, else None."""
    if m := _DCMITYPE.match(value):
        return m.group(1)  # "StillImage": the mapper's table knows every DCMI type
    if m := _COAR.match(value):
        return _COAR_TYPES.get(m.group(1).lower())
    key = value
    for prefix in _TYPE_PREFIXES:
        key = key.removeprefix(prefix)
    return _TYPES.get(re.sub(r"[\s_-]", "", key.lower()))


def _formats(rec: Record, formats: list[str]) -> None:
    """``dc:format`` holds media types, extents, and sometimes a file URL: sort them."""
    for value in formats:
        rest = _URL.sub("", value).strip()
        rec.urls.extend(u for u in _URL.findall(value) if u not in rec.urls)
        if rest and _MEDIA_TYPE.match(rest):
            rec.extra.setdefault("format", []).append(rest)
        elif rest:
            rec.extent.append(rest)


_WHOLE_URL = re.compile(r"https?://\S+", re.I)
# the access levels of the OpenAIRE/DRIVER guidelines ("info:eu-repo/semantics/openAccess")
_ACCESS_LEVEL = re.compile(r"info:eu-repo/semantics/[a-z]+Access", re.I)


def _rights(rec: Record, values: list[str]) -> None:
    """``dc:rights``: a URL is the licence's address ("https://creativecommons.org/
    licenses/by/4.0/"), an OpenAIRE access level says who may access the work, and
    anything else is a statement of the rights in words."""
    for value in values:
        if _WHOLE_URL.fullmatch(value):
            rec.licenses.append(value)
        elif _ACCESS_LEVEL.fullmatch(value):
            rec.access_rights.append(value)
        else:
            rec.rights.append(value)
