"""What a record says, read from its triples: one reading for pages and citations.

The record page, the Highwire ``citation_*`` tags and the BibTeX/RIS/CSL-JSON
citations all need the same handful of facts (title, ordered authors, date,
journal, volume, pages, identifiers). They are read here once from the
record's named graph (pyoxigraph terms, no rdflib), so the three outputs can
never disagree. Values RDF gives no order (subjects, languages, places,
publishers, people without a list) are in a fixed order, by label
(:func:`ld.facts_index.text_order`), never the store's: a record reads the
same on every store, and where one value is kept (a citation's place) it is
the first of them. The people are read by :mod:`ld.facts_people`, the identifiers,
links and rights by :mod:`ld.facts_links`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import pyoxigraph as ox

from ld.facts_index import NAME_PROPS, Index, _key, text_order
from ld.facts_links import TitleLookup, read_identifiers, read_rights, unnamed_labels
from ld.facts_people import Link, by_label, link, ordered, person, read_people
from ld.facts_scripts import original_titles
from ld.labels import expand, known
from ld.numbers import whole_number

T = expand  # short alias: T("dcterms:title") is the full IRI
__all__ = ["NAME_PROPS", "Facts", "Index", "Link", "byline", "link", "read", "year_of"]


@dataclass
class Facts:
    thing: str
    doc: str
    title: str | None = None
    original_titles: list[str] = field(default_factory=list)  # in another script (MARC 880)
    authors: list[Link] = field(default_factory=list)
    contributors: list[Link] = field(default_factory=list)
    editors: list[Link] = field(default_factory=list)
    issued: str | None = None
    dates_as_written: list[str] = field(default_factory=list)  # ldpub:dateAsWritten
    journal: Link | None = None
    hosts: list[Link] = field(default_factory=list)  # all it is dcterms:isPartOf
    volume: str | None = None
    issue: str | None = None
    page_start: str | None = None
    page_end: str | None = None
    pages: str | None = None  # every range when there is more than one (bibo:pages)
    abstracts: list[str] = field(default_factory=list)
    subjects: list[Link] = field(default_factory=list)  # headings and class numbers
    classes: list[tuple[Link, str]] = field(default_factory=list)  # (number, its scheme)
    genres: list[Link] = field(default_factory=list)  # genre/form concepts (dcterms:type)
    publishers: list[str] = field(default_factory=list)
    publisher_links: list[Link] = field(default_factory=list)  # the same, linked, by label
    places: list[str] = field(default_factory=list)  # of publication
    edition: str | None = None
    responsibility: str | None = None  # as transcribed (ldpub:responsibilityStatement)
    languages: list[str] = field(default_factory=list)
    invalid_languages: list[str] = field(default_factory=list)  # naming none (as given)
    types: list[str] = field(default_factory=list)
    doi: list[str] = field(default_factory=list)
    pmid: str | None = None
    pmcid: str | None = None
    isbn: list[str] = field(default_factory=list)
    issn: list[str] = field(default_factory=list)
    urls: list[tuple[str, str | None]] = field(default_factory=list)  # (url, label or None)
    licenses: list[str] = field(default_factory=list)  # dcterms:license IRIs
    rights: list[str] = field(default_factory=list)  # dcterms:rights statements
    access_rights: list[str] = field(default_factory=list)  # dcterms:accessRights
    linked: set[str] = field(default_factory=set)  # targets (ld.facts_links.target) of the above
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (what, value as given)
    modified: datetime | None = None
    conforms_to: list[str] = field(default_factory=list)
    warning_count: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def year(self) -> str | None:
        return year_of(self.issued)

    @property
    def headings(self) -> list[Link]:
        """The subjects that are no class number (those are :attr:`classes`)."""
        numbers = {c.iri for c, _ in self.classes}
        return [s for s in self.subjects if s.iri not in numbers]


def read(index: Index, thing: str, doc: str, base: str, titles: TitleLookup | None = None
         ) -> Facts:
    """The facts about ``thing`` (the record) and ``doc`` (its document).

    Things of ours the record links without a name in its graph are labelled
    first, into ``index.shown`` (so the page's other tables read them too): an
    untitled journal by its ISSN, another record (owl:sameAs) by its title when
    ``titles`` can look it up (:func:`ld.facts_links.stored_titles`), else by key.
    """
    index.shown.update(unnamed_labels(index, thing, base, titles))
    f = Facts(thing, doc, title=index.first(thing, "dcterms:title", "rdfs:label"))
    read_people(index, f, base)
    _read_host(index, f, base)
    _read_content(index, f, base)
    read_identifiers(index, f)
    read_rights(index, f)
    _read_doc(index, f)
    return f


def byline(index: Index, thing: str, base: str) -> tuple[list[str], str | None]:
    """The record's authors' names, in order, and its year: what a result list shows,
    without the rest of a record's reading (roles, editors, hosts, identifiers)."""
    authors = [link(index, a, base).label
               for a in ordered(index, thing, "bibo:authorList", "dcterms:creator")]
    return authors, year_of(index.first(thing, *_ISSUED))


def year_of(issued: str | None) -> str | None:
    """The year a date of issue starts with, as written: "-0500" (501 BCE by ISO 8601's
    count, as ``dcterms:issued`` writes it) too, never "-050"."""
    year = _YEAR_START.match(issued or "")
    return year[0] if year else None


_YEAR_START = re.compile(r"-?[0-9]{4}")


_ISSUED = ("dcterms:issued", "dcterms:date", "dcterms:created")


def _read_host(index: Index, f: Facts, base: str) -> None:
    """Date, journal, volume, issue and pages: where and when the record was published."""
    thing = f.thing
    f.issued = index.first(thing, *_ISSUED)
    f.dates_as_written = index.values(thing, "ldpub:dateAsWritten")
    f.hosts = by_label([link(index, h, base) for h in index.objects(thing, "dcterms:isPartOf")])
    f.journal = _journal(index, f.hosts)
    f.volume = index.first(thing, "bibo:volume")
    f.issue = index.first(thing, "bibo:issue")
    f.page_start, f.page_end = _page_range(index.first(thing, "bibo:pageStart"),
                                           index.first(thing, "bibo:pageEnd"))
    f.pages = index.first(thing, "bibo:pages")


# a first page that holds the whole range ("1730-1753", "S12–S19"), as some sources store it
_RANGE = re.compile(r"\s*([^\s\-–—]*\d[^\s\-–—]*)\s*[-–—]+\s*([^\s\-–—]*\d[^\s\-–—]*)\s*")


def _page_range(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """(first, last) page: a range stored whole as the first page is split, so every
    output writes its own dash between them (BibTeX "--", RIS SP/EP, the page "–")."""
    match = _RANGE.fullmatch(start or "") if not end else None
    return (match[1], match[2]) if match else (start, end)


def _journal(index: Index, hosts: list[Link]) -> Link | None:
    """The first host (by label) that is a journal (ours by kind, or typed bibo:Journal)."""
    journals = [j for j in hosts
                if j.kind == "journal" or T("bibo:Journal") in index.values(j.iri, "rdf:type")]
    return journals[0] if journals else None


def _read_content(index: Index, f: Facts, base: str) -> None:
    """Abstracts, subjects, genres (a dcterms:type that is a skos:Concept, not a DCMI
    type), publishers, places, edition, languages and types; each list
    by label (the places too: MARC's order of an imprint's places is not in the RDF)."""
    thing = f.thing
    f.abstracts = _texts(index, thing, "bibo:abstract", "dcterms:abstract")
    f.subjects = by_label([link(index, s, base) for s in index.objects(thing, "dcterms:subject")])
    f.classes = [(s, _scheme(index, s.iri)) for s in f.subjects
                 if index.first(s.iri, "skos:notation")]
    f.genres = by_label([link(index, g, base) for g in index.objects(thing, "dcterms:type")
                          if T("skos:Concept") in index.values(_key(g), "rdf:type")])
    f.publisher_links = _publishers(index, thing, base)
    f.publishers = [x.label for x in f.publisher_links]  # read once: the same, by label
    f.original_titles = original_titles(index, f.thing, f.title)
    f.places = index.values(thing, "ldpub:publicationPlace")  # term_order: by text
    f.edition = index.first(thing, "bibo:edition")
    f.responsibility = index.first(thing, "ldpub:responsibilityStatement")
    f.languages = _sorted([_label_or_value(index, x)
                           for x in index.objects(thing, "dcterms:language")])
    f.invalid_languages = index.values(thing, "ldpub:invalidLanguage")
    f.types = index.values(thing, "rdf:type")


def _scheme(index: Index, concept: str) -> str:
    return scheme_name(index.first(concept, "skos:inScheme"))


def scheme_name(scheme: str | None) -> str:
    """A class number's classification by its short name ("DDC", from "DDC (Dewey
    Decimal Classification)"), which pages write before the number (explore12 browser
    D12: "005.133" among the subject headings could not be told from one)."""
    name = (known(scheme) or "") if scheme else ""
    return name.split(" (", 1)[0] or "Class"


def _publishers(index: Index, thing: str, base: str) -> list[Link]:
    """The publishers as links to their pages, as authors are: a page links every thing it
    names (Linked Data's 4th rule), and the publisher was the one left as text."""
    return by_label([_publisher(index, p, base)
                      for p in index.objects(thing, "dcterms:publisher")])


def _publisher(index: Index, node: object, base: str) -> Link:
    if not isinstance(node, ox.NamedNode):
        return Link("", node.value)  # type: ignore[attr-defined]  # a name as text: no page
    found = person(index, node, base)
    found.label = _label_or_value(index, node)  # the name the citations give
    return found


def _sorted(texts: list[str]) -> list[str]:
    return sorted(texts, key=text_order)


def _texts(index: Index, subject: str, *curies: str) -> list[str]:
    """:meth:`Index.values`, each a :class:`ld.model.Text` with its literal's language
    tag, so a page can mark which language it is in (lang="ru")."""
    return list(dict.fromkeys(index.texts(subject, *curies)))


def _read_doc(index: Index, f: Facts) -> None:
    modified = index.first(f.doc, "dcterms:modified") or index.first(f.thing, "dcterms:modified")
    f.modified = _datetime(modified)
    f.conforms_to = index.values(f.doc, "dcterms:conformsTo")
    count = index.first(f.doc, "ldpub:warningCount") or index.first(f.thing, "ldpub:warningCount")
    f.warning_count = whole_number(count)
    f.warnings = sorted(index.values(f.doc, "ldpub:warning"))


def _label_or_value(index: Index, node: object) -> str:
    if isinstance(node, ox.Literal):
        return node.value
    key = _key(node)
    return index.label(key) or known(key) or key.rstrip("/").rsplit("/", 1)[-1]


def _datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
