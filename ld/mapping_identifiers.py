"""Identifier rules of the mapping: DOI, PubMed and PMC ids, ISBN, ISSN, links,
and the ORCID or authority key that gives a person one URI.

Apart from :mod:`ld.mapping_terms` (the vocabulary tables and date forms a
new source extends) because identifiers follow fixed standards (DOI syntax,
ISBN, ISSN and ORCID check characters) rather than a source's habits, and
because they are what records and people meet on: the DOI IRI minted here is
the one :mod:`ld.identity` looks records up by, and :func:`person_key` keys
a person's URI across records. Like the other value rules, nothing here
raises for odd data: a value that is no valid identifier comes back cleaned
but unjudged, so the shapes can reject it showing what the source said.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from pyoxigraph import NamedNode
from rdflib import URIRef

from ld.uris import WEB_SCHEMES

# --- identifiers -------------------------------------------------------------
# Digits are [0-9], never \\d: Python's \\d also takes Arabic-Indic or fullwidth
# digits, which no identifier standard (nor the shapes' patterns) allows, so a
# "DOI" written with them was minted into a doi.org IRI and then rejected.

_DOI_PREFIX = re.compile(r"^(?:doi:\s*|info:doi/|https?://(?:dx\.|www\.)?doi\.org/)", re.I)
DOI_RESOLVER = re.compile(r"^https?://(?:dx\.|www\.)?doi\.org/", re.I)
DOI_SYNTAX = re.compile(r"10\.[0-9]{4,9}/\S+")
_PMID_URL = re.compile(r"(?:ncbi\.nlm\.nih\.gov/pubmed/|pubmed\.ncbi\.nlm\.nih\.gov/)([0-9]+)")
_PMC_URL = re.compile(r"(?:/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/)(PMC[0-9]+)", re.I)
_ISBN = re.compile(r"[0-9][0-9\- ]{8,15}[0-9Xx]")
_ISSN = re.compile(r"([0-9]{4})-?([0-9]{3}[0-9Xx])")
_IRI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_DOI_SAFE = "/:;()@!$&'*+,=~-._"  # a DOI's "#", "?" and "%" are part of it: encode them


def doi_from_url(url: str) -> str | None:
    """The DOI in a doi.org link (also www.doi.org, dx.doi.org), or None for any other URL."""
    if DOI_RESOLVER.match(url.strip()):
        return clean_doi(url)
    return None


def clean_doi(value: str) -> str:
    """DOI without "doi:" or resolver prefix; syntax is checked by the shapes.

    A DOI in a resolver URL is percent-encoded (DOI Handbook 2.5.2.4: "10.1002/
    %28SICI%29..."): decoded, or "abc%2F12" became another DOI, "abc%252F12" in its IRI.
    """
    text = value.strip()
    bare = _DOI_PREFIX.sub("", text).strip()
    return unquote(bare) if DOI_RESOLVER.match(text) else bare


def doi_iri(doi: str) -> URIRef | None:
    """https://doi.org/ IRI of a syntactically valid DOI (percent-encoded)."""
    if not DOI_SYNTAX.fullmatch(doi):
        return None
    return URIRef("https://doi.org/" + quote(doi, safe=_DOI_SAFE))


def pmid_from_url(url: str) -> str | None:
    """The PubMed id in a PubMed link (old or new address), or None."""
    m = _PMID_URL.search(url)
    return m[1] if m else None


def pmcid_from_url(url: str) -> str | None:
    """The PMC id ("PMC6839263", upper-cased) in a PubMed Central link, or None."""
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
    """Check digit of a cleaned ISBN-10 or ISBN-13 (see :func:`clean_isbn`); ASCII digits
    only ("²" passes isdigit() but not int())."""
    if not isbn.isascii():
        return False
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


_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


def web_link(value: str) -> str | None:
    """The IRI of a link a reader may follow (http, https, ftp), or None.

    foaf:page names a document, and the record page makes it a link: a
    "javascript:" or "data:" value would run whatever the source wrote in the
    reader's browser. Characters an IRI cannot hold as written (a lone "%",
    "[" or "]" after the host, a second "#") are percent-encoded; a value the
    store's own parser still refuses is None too. The caller sets a None
    apart as ``ldpub:invalidLink`` (a warning), so one odd link never costs
    the whole record.
    """
    iri = safe_iri(value)
    if iri is None or iri.partition(":")[0].lower() not in WEB_SCHEMES:
        return None
    head = match[0] if (match := _AUTHORITY.match(iri)) else ""
    path, hash_, fragment = iri[len(head):].replace("[", "%5B").replace("]", "%5D").partition("#")
    iri = _LONE_PERCENT.sub("%25", head + path + hash_ + fragment.replace("#", "%23"))
    try:
        NamedNode(iri)
    except ValueError:
        return None
    return iri


# --- people ------------------------------------------------------------------

_ORCID = re.compile(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]")
_ORCID_IRI = re.compile(r"^https?://(?:www\.)?orcid\.org/(.*?)/?$", re.I)


def orcid_valid(orcid: str) -> bool:
    """Form (0000-0002-1825-0097) and ISO 7064 MOD 11-2 check character of an ORCID iD.

    ORCID's check character catches a mistyped digit as ISBN's does; without it a
    typo became a person URI and an owl:sameAs to an iD nobody has.
    """
    if not _ORCID.fullmatch(orcid):
        return False
    total = 0
    for digit in orcid[:-1].replace("-", ""):
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return orcid[-1] == ("X" if check == 10 else str(check))


def failing_orcid(identifier: str) -> str | None:
    """The iD of an orcid.org IRI that is no valid ORCID iD, else None (also for any
    other identifier).

    The mapping sets such an iD apart (ldpub:invalidOrcid, a warning) as it does a
    failing ISBN or ISSN: it is neither the person's key nor an owl:sameAs.
    """
    match = _ORCID_IRI.match(identifier.strip())
    return match[1] if match and not orcid_valid(match[1]) else None


_AUTHORITIES = (  # (pattern of an authority IRI, key prefix): first match wins
    (re.compile(r"^https?://orcid\.org/([0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X])/?$"), ""),
    (re.compile(r"^https?://(?:www\.)?viaf\.org/viaf/([0-9]+)/?$"), "viaf-"),
    (re.compile(r"^https?://d-nb\.info/gnd/([\w-]+)/?$"), "gnd-"),
    (re.compile(r"^https?://id\.loc\.gov/authorities/names/(\w+?)(?:\.html)?/?$"), "lcnaf-"),
    (re.compile(r"^https?://isni\.org/isni/([0-9]{15}[0-9X])/?$"), "isni-"),
    (re.compile(r"^https?://www\.wikidata\.org/entity/(Q[0-9]+)/?$"), "wikidata-"),
)


def person_key(identifiers: list[str]) -> str | None:
    """The URI key of a person from a strong identifier, or None.

    An ORCID whose check character holds wins, then the first authority link
    (VIAF, GND, LCNAF, ISNI, Wikidata) in source order, so the same person shares
    one URI across records and sources even when the name is written differently.
    """
    for pattern, prefix in _AUTHORITIES:
        for ident in identifiers:
            if (match := pattern.match(ident.strip())) and (prefix or orcid_valid(match[1])):
                return prefix + match.group(1).lower()
    return None


_DEATH_ONLY = re.compile(r"^[-\u2010-\u2015]\s*(?=\S)")  # "-1950", "–1950": no birth date


def key_dates(dates: str) -> str:
    """A heading's dates as a person's name key spells them: as written, but a death date
    alone ("-1950", RDA's "died 1950") as AACR2 wrote it, "d. 1950".

    A slug drops the hyphen at either end, so "Smith, John, -1950" was keyed as his
    namesake born that year, "Smith, John, 1950-" (explore12/marc H1): one URI, two
    people. Every other form ("1950-", "1838-1904", "b. 1950") keeps its key.
    """
    return _DEATH_ONLY.sub("d. ", dates.strip())


def agent_identifiers(values: list[str]) -> tuple[list[str], list[str]]:
    """(identifier IRIs of an agent, ORCID iDs among them that fail their check):
    bare iDs as IRIs (:func:`agent_identifier`), failing ones set apart."""
    iris = [agent_identifier(v) for v in values if v.strip()]
    failing = [failing_orcid(iri) for iri in iris]
    return ([iri for iri, bad in zip(iris, failing, strict=True) if bad is None],
            [bad for bad in failing if bad is not None])


def agent_identifier(value: str) -> str:
    """A bare ORCID ("0000-0002-1825-0097") as its https://orcid.org/ IRI."""
    text = value.strip()
    return f"https://orcid.org/{text}" if _ORCID.fullmatch(text) else text


def pubmed_iri(pmid: str) -> str:
    """The PubMed page of a PMID, which a record names with rdfs:seeAlso and the articles
    that retract, correct or comment on it link to: one spelling, so the two meet."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid.strip()}/"
