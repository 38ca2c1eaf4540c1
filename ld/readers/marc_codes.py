"""MARC code tables: formats from Leader/008, thesaurus codes, authority links.

Format labels are VuFind's (Book, eBook, Article, Journal, Serial, Thesis,
Map, Video, Sound Recording, Musical Score, Manuscript, Conference
Proceeding, Report, ...) so the mapper's one format table serves MARC and
VuFind records alike.
"""

from __future__ import annotations

import re

import pymarc

from ld.mapping_identifiers import clean_doi
from ld.model import Container
from ld.numbers import ascii_digits

# Leader/06 type of record -> label (language material is decided separately)
_TYPE_LABELS = {
    "c": "Musical Score", "d": "Musical Score", "e": "Map", "f": "Map",
    "i": "Sound Recording", "j": "Sound Recording", "k": "Image",
    "m": "Software", "o": "Kit", "p": "Mixed Materials", "r": "Physical Object",
    "t": "Manuscript",
}
_SERIAL_KINDS = {"p": "Journal", "n": "Newspaper", "m": "Serial", "w": "Website", "d": "Database"}
_ONLINE_FORMS = {"o", "q", "s"}

# 6XX second indicator -> thesaurus (MARC 21 "Subject Heading and Term Source Codes")
_IND2_SCHEMES = {"0": "lcsh", "1": "lcshac", "2": "mesh", "3": "nal", "5": "cash", "6": "rvm"}

_LOC_NAME = re.compile(r"^(n|nb|nr|no|ns)\s*\d")
_LOC_SUBJECT = re.compile(r"^(sh|sj|gf|dg|mp)\s*\d")


def formats(leader: str, f008: str, *, has_thesis_note: bool = False,
            has_conference: bool = False, gmd: str = "") -> list[str]:
    """Format labels from Leader/06-07 and 008 (VuFind's getFormats, condensed)."""
    rtype, level = (leader[6:7], leader[7:8]) if len(leader) >= 8 else ("", "")
    labels: list[str] = []
    if rtype == "a":
        labels.append(_text_format(level, f008, gmd))
    elif rtype == "t":  # manuscript language material: a manuscript, not a printed book
        labels.append("Manuscript")
    elif rtype == "g":
        labels.append("Video" if f008[33:34] in ("m", "v", "f") else "Projected Medium")
    elif rtype in _TYPE_LABELS:
        labels.append(_TYPE_LABELS[rtype])
    contents = f008[24:28] if rtype in ("a", "t") and level not in "bis" else ""
    if labels[:1] in (["Book"], ["eBook"]) and ("m" in contents or has_thesis_note):
        labels[0] = "Thesis"
    if "t" in contents:
        labels.append("Report")
    if has_conference or (rtype in ("a", "t") and f008[29:30] == "1" and level not in "bis"):
        labels.append("Conference Proceeding")
    return labels or ["Unknown"]


def _text_format(level: str, f008: str, gmd: str) -> str:
    if level == "b":
        return "Article"
    if level in ("s", "i"):
        return _SERIAL_KINDS.get(f008[21:22], "Serial")
    if level == "a":
        return "Book Chapter"
    online = f008[23:24] in _ONLINE_FORMS or "electronic resource" in gmd.lower()
    return "eBook" if online else "Book"


def subject_scheme(ind2: str | None, code2: str | None) -> str | None:
    """The thesaurus of a 6XX heading: second indicator, or $2 when ind2 is 7."""
    if ind2 == "7":
        return (code2 or "").strip().rstrip(".").lower() or None
    return _IND2_SCHEMES.get(ind2 or "")


_PREFIXED = re.compile(r"^\(([^)]+)\)\s*(.+)$")
_AUTHORITY_BASES = {
    "de-588": "https://d-nb.info/gnd/{}",
    "de-101": "https://d-nb.info/{}",
    "viaf": "http://viaf.org/viaf/{}",
    "orcid": "https://orcid.org/{}",
    "isni": "https://isni.org/isni/{}",
    "wikidata": "http://www.wikidata.org/entity/{}",
    "dnlm": "http://id.nlm.nih.gov/mesh/{}",
    "idref": "https://www.idref.fr/{}",
    "bnf": "https://catalogue.bnf.fr/ark:/12148/{}",
}


def authority_iri(link: str | None) -> str | None:
    """An IRI for a $0/$1 authority link, or None when the source is unknown.

    "(DE-588)118540238" -> GND, "(viaf)..." -> VIAF, "(DLC)n 79021164" ->
    id.loc.gov names, "(OCoLC)fst01234" -> FAST; an http(s) URI is kept.
    """
    value = (link or "").strip()
    if value.startswith(("http://", "https://")):
        return value
    match = _PREFIXED.match(value)
    if not match:
        return None
    prefix, ident = match.group(1).strip().lower(), match.group(2).strip()
    if prefix in ("uri", "url"):
        return ident if ident.startswith(("http://", "https://")) else None
    if prefix in ("dlc", "dlc-auth", "lc", "lcnaf", "lcsh"):
        return _loc_iri(ident)
    if prefix == "ocolc" and ident.startswith("fst"):
        number = ident[3:]  # ASCII digits: "²" is a digit to isdigit(), not to int()
        return f"http://id.worldcat.org/fast/{int(number)}" if ascii_digits(number) else None
    if prefix == "isni":
        ident = ident.replace(" ", "")
    template = _AUTHORITY_BASES.get(prefix)
    return template.format(ident) if template else None


def _loc_iri(ident: str) -> str | None:
    key = ident.replace(" ", "")
    if _LOC_NAME.match(ident):
        return f"http://id.loc.gov/authorities/names/{key}"
    if _LOC_SUBJECT.match(ident):
        kind = "genreForms" if key.startswith("gf") else "subjects"
        return f"http://id.loc.gov/authorities/{kind}/{key}"
    return None


_ISSN = re.compile(r"\b[0-9]{4}-?[0-9]{3}[0-9Xx]\b")
_VOLUME = re.compile(r"(?:\bvol\.?|\bv\.|\bvolume|\bBd\.?|\bvuosik\.?|\bårg\.?)\s*(\d+)", re.I)
_ISSUE = re.compile(r"(?:\bno\.?|\bnr\.?|\bn:o|\bissue|\bheft|\bh\.)\s*(\d+)", re.I)
_PAGES = re.compile(r"(?:\bpp?\.?|\bs\.|\bpages?)\s*(\d+)(?:\s*[-–]\s*(\d+))?", re.I)
_ENUM_Q = re.compile(r"^(\d+)(?::(\d+))?(?:<(\d+))?")
_PMC_URL = re.compile(r"/pmc/articles/(PMC[0-9]+)")
_PUBMED_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/([0-9]+)")


def host_item(fld: pymarc.Field) -> tuple[Container, str]:
    """773 host item -> (Container, $g as written).

    Title $t, ISSN $x; volume, issue and pages parsed from $g ("Vol. 19, no. 1
    (2019), p. 815-829", also Finnish/German/Scandinavian abbreviations) or
    from the $q enumeration ("19:1<815").
    """
    title = (fld.get("t") or fld.get("a") or "").strip().rstrip(".").strip()
    container = Container(title=title or None)
    for value in fld.get_subfields("x"):
        match = _ISSN.search(value)
        if match and match.group(0) not in container.issn:
            container.issn.append(match.group(0))
    related = " ".join(fld.get_subfields("g"))
    volume, issue, pages = _VOLUME.search(related), _ISSUE.search(related), _PAGES.search(related)
    container.volume = volume.group(1) if volume else None
    container.issue = issue.group(1) if issue else None
    if pages:
        container.page_start, container.page_end = pages.group(1), pages.group(2)
    enum = _ENUM_Q.match((fld.get("q") or "").strip())
    if enum:
        container.volume = container.volume or enum.group(1)
        container.issue = container.issue or enum.group(2)
        container.page_start = container.page_start or enum.group(3)
    return container, related


def ids_from_url(url: str) -> tuple[str | None, str | None, str | None]:
    """(DOI, PMCID, PMID) named by a link, for identity across sources."""
    # the mapping's rule (the DOI in a resolver link percent-decoded): read here otherwise,
    # "abc%2F12" and the mapping's "abc/12" were two DOIs of one record. A proxied link
    # ("...?url=https://doi.org/10.1/x") gives its DOI too, read as a resolver link's
    _, found, tail = url.partition("doi.org/10.")
    doi = clean_doi(f"https://doi.org/10.{tail}") if found else None
    pmc, pubmed = _PMC_URL.search(url), _PUBMED_URL.search(url)
    return doi, pmc.group(1) if pmc else None, pubmed.group(1) if pubmed else None


# Discontinued codes of the MARC Code List for Languages and the codes that replaced
# them; old records still carry them (LoC "Books All" has scr/scc). pycountry only
# knows current ISO 639-2 codes (and ISO 639-3 reuses many of these letters for other
# languages: tru is Turoyo there), so without this table those records were refused.
# Sources: LoC, "Changes/Additions to MARC Language Code List for compatibility with
# ISO 639-2" (2000, https://www.loc.gov/marc/isochange_ann.html: cam ... tsw); the MARC
# Code List for Languages' discontinued codes (gag; scc, scr and mol, 2008-2009).
# Left out: ajm (Aljamia), discontinued with no successor. esk (Eskimo languages) was
# deleted in 1999 without one (iku, ipk, kal and ypk came out of it): its ISO 639-5
# family, Eskimo-Aleut languages, is the code that still names all of them.
OBSOLETE_LANGUAGES = {
    "cam": "khm", "esp": "epo", "eth": "gez", "far": "fao", "fri": "fry", "gae": "gla",
    "gal": "orm", "gua": "grn", "int": "ina", "iri": "gle", "kus": "kos", "lan": "oci",
    "lap": "smi", "max": "glv", "mla": "mlg", "sao": "smo", "sho": "sna", "snh": "sin",
    "sso": "sot", "swz": "ssw", "tag": "tgl", "taj": "tgk", "tar": "tat", "tru": "chk",
    "tsw": "tsn", "gag": "glg", "scc": "srp", "scr": "hrv", "mol": "rum", "esk": "esx",
    # Not a MARC code at all but a miskeying of jpn that LoC's own records carry
    # (00033708, "Using Japanese", 041 $aengjap, 546 "English and Japanese"); Open
    # Library's MARC import reads it so too. No MARC code was ever "jap".
    "jap": "jpn",
}
