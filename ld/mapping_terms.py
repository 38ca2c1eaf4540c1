"""Value-level rules of the mapping: format table, languages, dates, identifiers.

Kept apart from :mod:`ld.mapping` (which decides *which* triples a record
gives) because these are the parts that change when a new source shows up
with a new way of writing the same thing. Each function takes a value as the
source wrote it and returns the RDF term, or None when the value means
nothing we can publish; none of them raises for odd data, because deciding
what is publishable is the shapes' job (they report the value and the field).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from urllib.parse import quote

import pycountry
from rdflib import Literal, URIRef
from rdflib.namespace import XSD as _XSD

from ld import namespaces as ns
from ld.namespaces import ISO639_2, RELATORS

# looked up once (ld.namespaces.Terms), not through rdflib's namespace machinery per call
BIBO, DCMITYPE, XSD = ns.Terms(ns.BIBO), ns.Terms(ns.DCMITYPE), ns.Terms(_XSD)

# --- formats -------------------------------------------------------------
# label (lower case, as VuFind/MARC readers write it) -> (bibo class, DCMI type).
# None for a class means "says nothing about the kind of work" (carrier labels
# such as "Online" or "Print"); the record then falls back to bibo:Document.
FORMATS: dict[str, tuple[URIRef | None, URIRef | None]] = {
    "article": (BIBO.Article, DCMITYPE.Text),  # AcademicArticle when scholarly, see below
    "journal article": (BIBO.AcademicArticle, DCMITYPE.Text),
    "book": (BIBO.Book, DCMITYPE.Text),
    "ebook": (BIBO.Book, DCMITYPE.Text),
    "e-book": (BIBO.Book, DCMITYPE.Text),
    "book chapter": (BIBO.Chapter, DCMITYPE.Text),
    "chapter": (BIBO.Chapter, DCMITYPE.Text),
    "journal": (BIBO.Journal, DCMITYPE.Text),
    "ejournal": (BIBO.Journal, DCMITYPE.Text),
    "serial": (BIBO.Periodical, DCMITYPE.Text),
    "periodical": (BIBO.Periodical, DCMITYPE.Text),
    "newspaper": (BIBO.Newspaper, DCMITYPE.Text),
    "magazine": (BIBO.Magazine, DCMITYPE.Text),
    "thesis": (BIBO.Thesis, DCMITYPE.Text),
    "dissertation": (BIBO.Thesis, DCMITYPE.Text),
    "report": (BIBO.Report, DCMITYPE.Text),
    "manuscript": (BIBO.Manuscript, DCMITYPE.Text),
    "letter": (BIBO.Letter, DCMITYPE.Text),
    "conference proceeding": (BIBO.Proceedings, DCMITYPE.Text),
    "proceedings": (BIBO.Proceedings, DCMITYPE.Text),
    "patent": (BIBO.Patent, DCMITYPE.Text),
    "standard": (BIBO.Standard, DCMITYPE.Text),
    "musical score": (BIBO.Document, DCMITYPE.Text),
    "map": (BIBO.Map, DCMITYPE.StillImage),
    "atlas": (BIBO.Map, DCMITYPE.StillImage),
    "globe": (BIBO.Map, DCMITYPE.PhysicalObject),
    "image": (BIBO.Image, DCMITYPE.StillImage),
    "photo": (BIBO.Image, DCMITYPE.StillImage),
    "photograph": (BIBO.Image, DCMITYPE.StillImage),
    "slide": (BIBO.Image, DCMITYPE.StillImage),
    "drawing": (BIBO.Image, DCMITYPE.StillImage),
    "video": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "videorecording": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "dvd": (BIBO.AudioVisualDocument, DCMITYPE.MovingImage),
    "film": (BIBO.Film, DCMITYPE.MovingImage),
    "sound recording": (BIBO.AudioDocument, DCMITYPE.Sound),
    "music recording": (BIBO.AudioDocument, DCMITYPE.Sound),
    "audio": (BIBO.AudioDocument, DCMITYPE.Sound),
    "cd": (BIBO.AudioDocument, DCMITYPE.Sound),
    "website": (BIBO.Website, DCMITYPE.InteractiveResource),
    "web page": (BIBO.Webpage, DCMITYPE.Text),
    "dataset": (BIBO.Document, DCMITYPE.Dataset),
    "software": (BIBO.Document, DCMITYPE.Software),
    "computer file": (BIBO.Document, DCMITYPE.Software),
    "kit": (BIBO.Document, DCMITYPE.PhysicalObject),
    "physical object": (BIBO.Document, DCMITYPE.PhysicalObject),
    "text": (None, DCMITYPE.Text),
    "online": (None, None),
    "electronic": (None, None),
    "print": (None, None),
    "microfilm": (None, None),
    "microfiche": (None, None),
}

# Every class a record can get; the record shape targets exactly these.
RECORD_CLASSES: frozenset[URIRef] = frozenset(
    {c for c, _ in FORMATS.values() if c is not None} | {BIBO.AcademicArticle, BIBO.Document}
)


def record_types(labels: list[str], scholarly: bool) -> tuple[list[URIRef], list[URIRef]]:
    """(bibo classes, DCMI types) for a record's format labels, in label order.

    An "Article" that comes with a journal or a PubMed/PMC id is a
    bibo:AcademicArticle; unknown labels are kept on the record as
    ldpub:formatLabel by the caller, and a record no label classifies is a
    bibo:Document.
    """
    classes: list[URIRef] = []
    types: list[URIRef] = []
    for label in labels:
        cls, dcmi = FORMATS.get(" ".join(label.lower().split()), (None, None))
        if cls == BIBO.Article and scholarly:
            cls = BIBO.AcademicArticle
        if cls is not None and cls not in classes:
            classes.append(cls)
        if dcmi is not None and dcmi not in types:
            types.append(dcmi)
    return classes or [BIBO.Document], types


# --- languages -------------------------------------------------------------


@lru_cache(maxsize=4096)  # pure, and the same values recur record after record
def language_iri(value: str) -> URIRef | None:
    """id.loc.gov ISO 639-2 IRI for a language name or code, via pycountry.

    Codes are looked up as codes only (a name lookup of "en" finds the En
    language, not English); the bibliographic code wins where ISO 639-2 has
    two ("fre", "ger"). Collective codes come from ISO 639-5 ("gem").
    """
    text = " ".join(value.split())
    locale = re.fullmatch(r"([A-Za-z]{2,3})[-_][A-Za-z]{2}", text)  # "en_US", "fr-CA"
    candidates = [text, locale[1] if locale else "", re.split(r"[;,(]", text)[0].strip()]
    for candidate in candidates:
        code = _language_code(candidate) if candidate else None
        if code:
            return ISO639_2[code]
    if text.lower() in ("multiple", "multilingual"):  # VuFind's label for ISO 639-2 "mul"
        return ISO639_2["mul"]
    return None


def _language_code(text: str) -> str | None:
    if re.fullmatch(r"[A-Za-z]{2}", text):
        lang = pycountry.languages.get(alpha_2=text.lower())
    elif re.fullmatch(r"[A-Za-z]{3}", text):
        code = text.lower()
        lang = (pycountry.languages.get(alpha_3=code)
                or pycountry.languages.get(bibliographic=code)
                or pycountry.language_families.get(alpha_3=code))
    else:
        try:
            lang = pycountry.languages.lookup(text)
        except LookupError:
            try:
                lang = pycountry.language_families.lookup(text)
            except LookupError:
                return None
    if lang is None:
        return None
    return getattr(lang, "bibliographic", None) or lang.alpha_3


# --- dates -------------------------------------------------------------------

_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.Z+-]*)?\s*")
_MONTH = re.compile(r"\s*(\d{4})-(\d{2})\s*")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@lru_cache(maxsize=4096)  # pure, and the same values recur record after record
def issued_literal(value: str) -> Literal | None:
    """xsd:date, xsd:gYearMonth or xsd:gYear, as precise as the value allows.

    Catalogue dates come as "2019-11-08", "2019-11", "c1992.", "[1992?]" or
    "1922-1975" (a run of years: the first is the date of issue). None when
    no year can be found ("19--", "n.d."): the caller keeps the text as
    dcterms:date and the record shape warns about the missing date.
    """
    if m := _DAY.fullmatch(value):
        try:
            return Literal(date(int(m[1]), int(m[2]), int(m[3])).isoformat(), datatype=XSD.date)
        except ValueError:
            pass
    if (m := _MONTH.fullmatch(value)) and 1 <= int(m[2]) <= 12:
        return Literal(f"{m[1]}-{m[2]}", datatype=XSD.gYearMonth)
    if m := _YEAR.search(value):
        return Literal(m[1], datatype=XSD.gYear)
    return None


# --- identifiers --------------------------------------------------------------

_DOI_PREFIX = re.compile(r"^(?:doi:\s*|info:doi/|https?://(?:dx\.)?doi\.org/)", re.I)
DOI_SYNTAX = re.compile(r"10\.\d{4,9}/\S+")
_PMID_URL = re.compile(r"(?:ncbi\.nlm\.nih\.gov/pubmed/|pubmed\.ncbi\.nlm\.nih\.gov/)(\d+)")
_PMC_URL = re.compile(r"(?:/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/)(PMC\d+)", re.I)
_ISBN = re.compile(r"[0-9][0-9\- ]{8,15}[0-9Xx]")
_ISSN = re.compile(r"(\d{4})-?(\d{3}[\dXx])")
_IRI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_DOI_SAFE = "/:;()@!$&'*+,=~-._"  # a DOI's "#", "?" and "%" are part of it: encode them


def doi_from_url(url: str) -> str | None:
    """The DOI in a doi.org link, or None for any other URL."""
    if re.match(r"https?://(?:dx\.)?doi\.org/", url, re.I):
        return clean_doi(url)
    return None


def clean_doi(value: str) -> str:
    """DOI without "doi:" or resolver prefix; syntax is checked by the shapes."""
    return _DOI_PREFIX.sub("", value.strip()).strip()


def doi_iri(doi: str) -> URIRef | None:
    """https://doi.org/ IRI of a syntactically valid DOI (percent-encoded)."""
    if not DOI_SYNTAX.fullmatch(doi):
        return None
    return URIRef("https://doi.org/" + quote(doi, safe=_DOI_SAFE))


def pmid_from_url(url: str) -> str | None:
    m = _PMID_URL.search(url)
    return m[1] if m else None


def pmcid_from_url(url: str) -> str | None:
    m = _PMC_URL.search(url)
    return m[1].upper() if m else None


def clean_pmcid(value: str) -> str:
    """"6839263" and "pmc6839263" both become "PMC6839263"."""
    text = value.strip().upper()
    return text if text.startswith("PMC") else f"PMC{text}"


def clean_isbn(value: str) -> str:
    """Digits (and final X) of the ISBN in a value such as "0-12-345678-9 (pbk.)".

    A value without anything ISBN-like is returned stripped, so the shapes
    can reject it showing what the source said.
    """
    m = _ISBN.search(value)
    if not m:
        return value.strip()
    return re.sub(r"[\- ]", "", m[0]).upper()


def clean_issn(value: str) -> str:
    """ISSN as NNNN-NNNC (upper-case X); stripped value when not ISSN-like."""
    m = _ISSN.search(value)
    return f"{m[1]}-{m[2].upper()}" if m else value.strip()


def isbn_valid(isbn: str) -> bool:
    """Check digit of a cleaned ISBN-10 or ISBN-13 (see :func:`clean_isbn`)."""
    if len(isbn) == 10 and isbn[:9].isdigit() and (isbn[9].isdigit() or isbn[9] == "X"):
        digits = [int(c) for c in isbn[:9]] + [10 if isbn[9] == "X" else int(isbn[9])]
        return sum((10 - i) * d for i, d in enumerate(digits)) % 11 == 0
    if len(isbn) == 13 and isbn.isdigit() and isbn.startswith(("978", "979")):
        return sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(isbn)) % 10 == 0
    return False


def issn_valid(issn: str) -> bool:
    """Check digit of an ISSN in NNNN-NNNC form (see :func:`clean_issn`)."""
    if not _ISSN.fullmatch(issn) or len(issn) != 9:
        return False
    digits = [int(c) for c in issn[:4] + issn[5:8]]
    check = 10 if issn[8] == "X" else int(issn[8])
    return (sum((8 - i) * d for i, d in enumerate(digits)) + check) % 11 == 0


def safe_iri(value: str) -> str | None:
    """An absolute IRI with unsafe characters (spaces, quotes, braces) encoded.

    None when the value has no scheme ("www.example.org"): the caller
    reports it, because guessing "http://" would publish a link nobody gave.
    """
    text = value.strip()
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:\S", text):
        return None
    return quote(text, safe=_IRI_SAFE)


# --- relator roles --------------------------------------------------------------
# The common MARC relator terms (https://id.loc.gov/vocabulary/relators) by
# their term; codes ("edt") are taken as they are when they look like one.
RELATOR_TERMS: dict[str, str] = {
    "author": "aut", "editor": "edt", "translator": "trl", "illustrator": "ill",
    "compiler": "com", "contributor": "ctb", "photographer": "pht", "composer": "cmp",
    "director": "drt", "performer": "prf", "narrator": "nrt", "publisher": "pbl",
    "thesis advisor": "ths", "degree supervisor": "dgs", "author of introduction": "aui",
    "writer of preface": "wpr", "creator": "cre", "producer": "pro", "arranger": "arr",
    "lyricist": "lyr", "cartographer": "ctg", "interviewer": "ivr", "interviewee": "ive",
}


@lru_cache(maxsize=4096)  # pure, and the same values recur record after record
def relator_iri(role: str) -> URIRef | None:
    """MARC relator property for a role code or one of the common terms."""
    text = role.strip().strip(".,;:").lower()
    code = text if re.fullmatch(r"[a-z]{3}", text) else RELATOR_TERMS.get(text)
    return RELATORS[code] if code else None


_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")


_AUTHORITIES = (  # (pattern of an authority IRI, key prefix): first match wins
    (re.compile(r"^https?://orcid\.org/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/?$"), ""),
    (re.compile(r"^https?://(?:www\.)?viaf\.org/viaf/(\d+)/?$"), "viaf-"),
    (re.compile(r"^https?://d-nb\.info/gnd/([\w-]+)/?$"), "gnd-"),
    (re.compile(r"^https?://id\.loc\.gov/authorities/names/(\w+?)(?:\.html)?/?$"), "lcnaf-"),
    (re.compile(r"^https?://isni\.org/isni/(\d{15}[\dX])/?$"), "isni-"),
    (re.compile(r"^https?://www\.wikidata\.org/entity/(Q\d+)/?$"), "wikidata-"),
)


def person_key(identifiers: list[str]) -> str | None:
    """The URI key of a person from a strong identifier, or None.

    An ORCID wins, then the first authority link (VIAF, GND, LCNAF, ISNI,
    Wikidata) in source order, so the same person shares one URI across
    records and sources even when the name is written differently.
    """
    for pattern, prefix in _AUTHORITIES:
        for ident in identifiers:
            if match := pattern.match(ident.strip()):
                return prefix + match.group(1).lower()
    return None


def agent_identifier(value: str) -> str:
    """A bare ORCID ("0000-0002-1825-0097") as its https://orcid.org/ IRI."""
    text = value.strip()
    return f"https://orcid.org/{text}" if _ORCID.fullmatch(text) else text
