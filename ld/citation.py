"""Citations of a record: BibTeX, RIS and CSL-JSON, as doi.org serves them.

Built from :class:`ld.facts.Facts`, the same reading of the record the page
and its Highwire tags use. Authors are split as the data splits them
(foaf:familyName, foaf:givenName); any other name (an organisation, a MARC
forename heading such as "John Paul II, Pope") is one literal name, never
split at its comma. Editors (relators:edt) are cited as editors; a record
with no creator is cited by its other contributors. BibTeX special
characters are escaped so that a title with ``{``, ``%`` or ``&`` still
parses; url and doi are verbatim. Where a format keeps one value of several
(BibTeX's address, RIS CY and CSL's publisher-place: one place of
publication; the first DOI, ISBN, ISSN, abstract) it is the first in the
facts' fixed order (:mod:`ld.facts`: alphabetical, as RDF keeps no order), so
a citation is the same on every store.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from ld.facts import Facts, Link
from ld.labels import expand

_BIBTEX_SPECIAL = re.compile(r"([{}%&$#_\\])")


class Entry(NamedTuple):
    """How one kind of record is cited: its BibTeX, RIS and CSL types, the BibTeX field
    that names what it is part of (a journal, a book; "" when the type has none) and the
    one that names its publisher (a thesis names its school, a report its institution)."""

    bibtex: str
    ris: str
    csl: str
    host: str = ""
    publisher: str = "publisher"


ARTICLE = Entry("article", "JOUR", "article-journal", "journal")
BOOK = Entry("book", "BOOK", "book")
OTHER = Entry("misc", "GEN", "document")
PERIODICAL = Entry("misc", "JFULL", "periodical")
_CHAPTER = Entry("incollection", "CHAP", "chapter", "booktitle")
_VIDEO = Entry("misc", "VIDEO", "motion_picture")
# The one table of entry types: the first class here that the record has decides, so a
# chapter or a report is never taken for the article or book it is also typed as.
ENTRIES: dict[str, Entry] = {expand(curie): entry for curie, entry in (
    ("bibo:Chapter", _CHAPTER), ("bibo:BookSection", _CHAPTER),
    ("bibo:Thesis", Entry("phdthesis", "THES", "thesis", publisher="school")),
    ("bibo:Report", Entry("techreport", "RPRT", "report", publisher="institution")),
    ("bibo:Proceedings", Entry("proceedings", "CONF", "book")),
    ("bibo:Manuscript", Entry("unpublished", "MANSCPT", "manuscript")),
    ("bibo:Map", Entry("misc", "MAP", "map")), ("bibo:Image", Entry("misc", "ART", "graphic")),
    ("bibo:AudioDocument", Entry("misc", "SOUND", "song")),
    ("bibo:AudioVisualDocument", _VIDEO), ("bibo:Film", _VIDEO),
    ("bibo:Journal", PERIODICAL), ("bibo:Periodical", PERIODICAL),
    ("bibo:Newspaper", PERIODICAL), ("bibo:Magazine", PERIODICAL),
    ("bibo:Letter", Entry("misc", "PCOMM", "personal_communication")),
    ("bibo:Patent", Entry("misc", "PAT", "patent")),
    ("bibo:Webpage", Entry("misc", "ELEC", "webpage")),
    ("bibo:Website", Entry("misc", "ELEC", "webpage")),
    ("bibo:AcademicArticle", ARTICLE), ("bibo:Article", ARTICLE),
    ("bibo:Book", BOOK), ("bibo:EditedBook", BOOK))}


def entry(f: Facts) -> Entry:
    """The record's entry type: the first of :data:`ENTRIES` it is typed as; else (a
    bibo:Document) an article when it is in a journal, a book when it has an ISBN."""
    found = next((e for cls, e in ENTRIES.items() if cls in f.types), None)
    if found is not None:
        return found
    if f.journal is not None:
        return ARTICLE
    return BOOK if f.isbn else OTHER


def _host(f: Facts, e: Entry) -> str | None:
    """The title of what the record is part of: a chapter's book (the journal-like host
    or collection it is dcterms:isPartOf), anything else's journal."""
    if e.host == "booktitle":
        hosts = [f.journal] if f.journal else f.hosts
        return hosts[0].label if hosts and hosts[0].named else None
    # a journal known by its ISSN only (a dc:identifier) has no title to cite
    return f.journal.label if f.journal and f.journal.named else None


def _authors(f: Facts) -> list[Link]:
    """The creators but those cited as editors (a main entry whose role is editor,
    "Warren, John Collins, ed.", is the record's creator but no author: explore12/marc
    M2); a record without any creator is cited by its contributors other than its
    editors, rather than by nobody. One whose only creator is an editor has no author:
    its illustrators and sponsors are no authors either (review12 M1)."""
    editors = {e.iri for e in f.editors}
    if f.authors:
        return [a for a in f.authors if a.iri not in editors]
    return [c for c in f.contributors if c.iri not in editors]


def _pages(f: Facts, dash: str = "-") -> str | None:
    """Every page when there is more than one range ("1199-1201, 1205", bibo:pages: the
    first range alone would cite a part of the article), else the first to the last."""
    if f.pages:
        return _RANGE_DASH.sub(dash, f.pages)
    if f.page_start and f.page_end:
        return f"{f.page_start}{dash}{f.page_end}"
    return f.page_start


_RANGE_DASH = re.compile(r"\s*[-–]+\s*")


# a generational suffix ("Jr", "3rd", "III"), not a title ("Sir", "Pope") or dates
_SUFFIX = re.compile(r"(?:[JS]r|Junior|Senior|[IVX]{1,4}|[0-9]{1,2}(?:st|nd|rd|th))\.?", re.I)


def _suffix(a: Link) -> str | None:
    """The suffix the name (foaf:name) writes after the family and given names PubMed
    splits off ("Artino, Anthony R, Jr"): no name part of its own in the data, so it
    was dropped from every citation. Only a generational one, "Jr" or "3rd"."""
    if not a.family:
        return None
    split = f"{a.family}, {a.given}, " if a.given else f"{a.family}, "
    rest = a.label[len(split):].strip() if a.label.startswith(split) else ""
    return rest if _SUFFIX.fullmatch(rest) else None


def _bib_name(a: Link) -> str:
    """"Family, Given" (or "Family, Jr, Given") as BibTeX reads it, when the data splits
    the name. Any other name (an organisation, a forename heading, a name given whole)
    is braced: BibTeX would take its last word, or the part before a comma, for a family
    name."""
    if a.family and a.kind != "organization":
        if suffix := _suffix(a):
            return _bib(f"{a.family}, {suffix}, {a.given or ''}".rstrip())
        return _bib(f"{a.family}, {a.given}" if a.given else a.family)
    return "{" + _bib(a.label) + "}"


def _ris_name(a: Link) -> str:
    """RIS's "Family, Given, Suffix"."""
    if a.family:
        name = f"{a.family}, {a.given}" if a.given else a.family
        return f"{name}, {suffix}" if (suffix := _suffix(a)) else name
    return a.label


def _bib(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _bib_value(name: str, value: str) -> str:
    """A field's text: url and doi are verbatim in biblatex (a "%" escaped there is a
    backslash in the link), so only the braces that would unbalance the entry are
    percent-encoded; author and editor are escaped name by name; the rest escaped."""
    if name in ("url", "doi"):
        return value.replace("{", "%7B").replace("}", "%7D")
    return value if name in ("author", "editor") else _bib(value)


def cite_key(f: Facts, record_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_:-]", "_", record_id) or "record"


def bibtex(f: Facts, record_id: str) -> str:
    e = entry(f)
    fields = [
        ("title", f.title),
        ("author", " and ".join(_bib_name(a) for a in _authors(f)) or None),
        ("editor", " and ".join(_bib_name(a) for a in f.editors) or None),
        (e.host, _host(f, e) if e.host else None),
        ("year", f.year),
        ("volume", f.volume),
        ("number", f.issue),
        ("pages", _pages(f, "--")),  # BibTeX's range dash
        (e.publisher, ", ".join(f.publishers) or None),
        ("address", f.places[0] if f.places else None),
        ("edition", f.edition),
        ("doi", f.doi[0] if f.doi else None),
        ("isbn", f.isbn[0] if f.isbn else None),
        ("issn", f.issn[0] if f.issn else None),
        ("pmid", f.pmid),
        ("abstract", f.abstracts[0] if f.abstracts else None),
        ("url", f.thing),
    ]
    body = ",\n".join(f"  {name} = {{{_bib_value(name, value)}}}" for name, value in fields
                      if value)
    return f"@{e.bibtex}{{{cite_key(f, record_id)},\n{body}\n}}\n"


def ris(f: Facts, record_id: str) -> str:
    e = entry(f)
    lines = [("TY", e.ris), ("ID", record_id), ("TI", f.title)]
    lines += [("AU", _ris_name(a)) for a in _authors(f)]
    lines += [("ED", _ris_name(a)) for a in f.editors]
    lines += [("PY", f.year), ("DA", _ris_date(f.issued)), ("T2", _host(f, e)),
              ("VL", f.volume), ("IS", f.issue), ("SP", f.pages or f.page_start),
              ("EP", None if f.pages else f.page_end)]  # several ranges: all in SP (Zotero)
    lines += [("DO", d) for d in f.doi] + [("SN", s) for s in (f.issn or f.isbn)]
    lines += [("PB", p) for p in f.publishers] + [("CY", c) for c in f.places[:1]]
    lines += [("ET", f.edition)] + [("LA", x) for x in f.languages]
    lines += [("KW", s.label) for s in f.subjects]
    lines += [("AB", a) for a in f.abstracts] + [("UR", f.thing), ("ER", "")]
    out = [f"{tag}  - {' '.join(value.split())}" for tag, value in lines
           if value is not None and (value or tag == "ER")]  # "ER  - " keeps its space
    return "\r\n".join(out) + "\r\n"


def _ris_date(issued: str | None) -> str | None:
    """RIS's date form, YYYY/MM/DD/ with empty parts left empty ("2022/12//")."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", issued or "")
    return f"{match[1]}/{match[2] or ''}/{match[3] or ''}/" if match else None


def _csl_name(a: Link) -> dict[str, str]:
    """Family and given as the data splits them; any other name is one literal."""
    if a.family and a.kind != "organization":
        suffix = _suffix(a)
        return {"family": a.family, **({"given": a.given} if a.given else {}),
                **({"suffix": suffix} if suffix else {})}
    return {"literal": a.label}


def csl_json(f: Facts, record_id: str) -> str:
    e = entry(f)
    item: dict[str, object] = {"id": record_id, "type": e.csl, "URL": f.thing}
    if f.title:
        item["title"] = f.title
    for role, people in (("author", _authors(f)), ("editor", f.editors)):
        if people:
            item[role] = [_csl_name(a) for a in people]
    if f.issued and (span := re.fullmatch(r"(\d{4})/(\d{4}|\.\.)", f.issued)):
        # a range of years (MARC 008 q, dcterms:date "1880/1893"): CSL's date range, or
        # "circa" the earliest when the latest is open; "1893" is no month
        ends = [[int(y)] for y in span.groups() if y != ".."]
        item["issued"] = {"date-parts": ends, **({"circa": True} if len(ends) == 1 else {})}
    elif f.issued and (bce := re.fullmatch(r"-(\d{4})((?:-\d{2}){0,2})", f.issued)):
        # ISO 8601 counts 1 BCE as 0000, CSL as -1: "-0500" (501 BCE) is CSL's -501
        rest = [int(p) for p in bce[2].split("-")[1:]]
        item["issued"] = {"date-parts": [[-int(bce[1]) - 1, *rest]]}
    elif f.issued:
        parts = [int(p) for p in re.findall(r"\d+", f.issued)[:3]]
        if parts and parts[0] > 999:
            item["issued"] = {"date-parts": [parts]}
    optional = {"container-title": _host(f, e),
                "volume": f.volume, "issue": f.issue, "page": _pages(f),
                "DOI": f.doi[0] if f.doi else None, "PMID": f.pmid, "PMCID": f.pmcid,
                "ISSN": f.issn[0] if f.issn else None, "ISBN": f.isbn[0] if f.isbn else None,
                "abstract": f.abstracts[0] if f.abstracts else None,
                "publisher": ", ".join(f.publishers) or None,
                "publisher-place": f.places[0] if f.places else None, "edition": f.edition}
    item.update({k: v for k, v in optional.items() if v})
    return json.dumps([item], ensure_ascii=False, indent=1) + "\n"


WRITERS = {"bib": bibtex, "ris": ris, "csljson": csl_json}


def render(format_key: str, f: Facts, record_id: str) -> bytes:
    """The citation in the format whose key (``ld.formats``) is ``format_key``."""
    return WRITERS[format_key](f, record_id).encode("utf-8")
