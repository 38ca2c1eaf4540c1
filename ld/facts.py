"""What a record says, read from its triples: one reading for pages and citations.

The record page, the Highwire ``citation_*`` tags and the BibTeX/RIS/CSL-JSON
citations all need the same handful of facts (title, ordered authors, date,
journal, volume, pages, identifiers). They are read here once from the
record's named graph (pyoxigraph terms, no rdflib), so the three outputs can
never disagree. Values RDF gives no order (subjects, languages, places,
publishers, people without a list) are in a fixed order, by label
(:func:`ld.facts_index.text_order`), never the store's: a record reads the
same on every store, and where one value is kept (a citation's place) it is
the first of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import pyoxigraph as ox

from ld.facts_index import NAME_PROPS, Index, _key, text_order
from ld.facts_links import TitleLookup, read_identifiers, read_rights, unnamed_labels
from ld.labels import expand, role
from ld.model import Text
from ld.numbers import ascii_digits, whole_number

T = expand  # short alias: T("dcterms:title") is the full IRI
__all__ = ["NAME_PROPS", "Facts", "Index", "Link", "byline", "link", "read", "year_of"]


@dataclass
class Link:
    """A node the record points to, with its label (never a bare IRI when one is known)."""

    iri: str
    label: str
    kind: str = ""  # "person", "organization", ... when the IRI is ours
    named: bool = True  # False: the label is the IRI's key, the data gives no name
    family: str | None = None  # a person's foaf:familyName / givenName, for citations
    given: str | None = None
    roles: list[str] = field(default_factory=list)  # "illustrator", from MARC relators
    dates: str | None = None  # a person's heading dates (ldpub:dates): "1950-"

    @property
    def heading(self) -> str:
        """The name as a list shows it, with the dates that tell namesakes apart
        ("Smith, John, 1950-"); citations keep ``label``, the name alone."""
        return f"{self.label}, {self.dates}" if self.dates else self.label


@dataclass
class Facts:
    thing: str
    doc: str
    title: str | None = None
    authors: list[Link] = field(default_factory=list)
    contributors: list[Link] = field(default_factory=list)
    editors: list[Link] = field(default_factory=list)
    issued: str | None = None
    journal: Link | None = None
    hosts: list[Link] = field(default_factory=list)  # all it is dcterms:isPartOf
    volume: str | None = None
    issue: str | None = None
    page_start: str | None = None
    page_end: str | None = None
    abstracts: list[str] = field(default_factory=list)
    subjects: list[Link] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # of publication
    edition: str | None = None
    languages: list[str] = field(default_factory=list)
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


def link(index: Index, node: object, base: str) -> Link:
    """The link to ``node`` (a term, or the key ``_key`` makes of one)."""
    from ld import uris

    key = node if isinstance(node, str) else _key(node)
    parts = uris.split(base, key)
    fallback = parts[2] if parts else key
    label = index.label(key)
    return Link(key, label or fallback, parts[1] if parts else "", named=bool(index.name(key)))


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
    _read_people(index, f, base)
    _read_host(index, f, base)
    _read_content(index, f, base)
    read_identifiers(index, f)
    read_rights(index, f)
    _read_doc(index, f)
    return f


def _read_people(index: Index, f: Facts, base: str) -> None:
    """Authors and editors (in the order of the record's bibo:authorList or
    bibo:editorList when it has one) and the other people, each with their roles."""
    thing, roles = f.thing, _roles(index, f.thing)
    f.authors = [_person(index, a, base, roles, _AUTHORS_ROLES)
                 for a in _ordered(index, thing, "bibo:authorList", "dcterms:creator")]
    f.editors = [_person(index, a, base) for a in _ordered(
        index, thing, "bibo:editorList", "relators:edt", "bibo:editor")]
    f.contributors = _contributors(index, f, base, roles)


def byline(index: Index, thing: str, base: str) -> tuple[list[str], str | None]:
    """The record's authors' names, in order, and its year: what a result list shows,
    without the rest of a record's reading (roles, editors, hosts, identifiers)."""
    authors = [link(index, a, base).label
               for a in _ordered(index, thing, "bibo:authorList", "dcterms:creator")]
    return authors, year_of(index.first(thing, *_ISSUED))


def year_of(issued: str | None) -> str | None:
    return issued[:4] if issued and ascii_digits(issued[:4]) else None


_ISSUED = ("dcterms:issued", "dcterms:date", "dcterms:created")
# roles a list already says by being that list: the author line, "Contributors"
_AUTHORS_ROLES, _CONTRIBUTORS_ROLES = frozenset({"author", "creator"}), frozenset({"contributor"})


def _roles(index: Index, thing: str) -> dict[str, list[str]]:
    """Each agent's roles in the record, in words, from the MARC relator properties that
    link it ("illustrator", "binding designer"); sorted, since RDF keeps no order."""
    found: dict[str, set[str]] = defaultdict(set)
    for pred, objects in index.by_s.get(thing, {}).items():
        if (name := role(pred)) is not None:
            for o in objects:
                found[_key(o)].add(name)
    return {key: sorted(names) for key, names in found.items()}


def _contributors(index: Index, f: Facts, base: str, roles: dict[str, list[str]]
                  ) -> list[Link]:
    """Everyone else the record names (dcterms:contributor, or by a role), each once, by
    name (RDF keeps no order): not its authors, nor a publisher whose one stated role
    (relators:pbl) is publishing (it has its own line)."""
    publishers = {_key(p) for p in index.objects(f.thing, "dcterms:publisher")}
    shown = {a.iri for a in f.authors}
    keys = [*(_key(c) for c in index.objects(f.thing, "dcterms:contributor")), *roles]
    people = [_person(index, key, base, roles, _CONTRIBUTORS_ROLES)
              for key in dict.fromkeys(keys) if key not in shown
              and not (key in publishers and roles.get(key) == ["publisher"])]
    return _by_label(people)


def _ordered(index: Index, thing: str, list_prop: str, *props: str) -> list:
    """The members of the record's ``list_prop`` rdf:List (the source's order) when it
    has one, else the objects of ``props``, each once, by label (RDF keeps no order)."""
    ordered = [o for h in index.objects(thing, list_prop) for o in index.rdf_list(_key(h))]
    if ordered:
        return ordered
    found = {_key(o): o for p in props for o in index.objects(thing, p)}
    return [found[k] for k in sorted(found, key=lambda k: (*text_order(index.label(k) or k), k))]


def _person(index: Index, node: object, base: str, roles: dict[str, list[str]] | None = None,
            unsaid: frozenset[str] = frozenset()) -> Link:
    """A person's (or organisation's) link with the name split as the data splits it (a
    citation must not split "John Paul II, Pope", a forename heading, at its comma) and
    its ``roles`` but those its place on the page already says (``unsaid``)."""
    found = link(index, node, base)
    found.roles = [r for r in (roles or {}).get(found.iri, []) if r not in unsaid]
    if T("foaf:Organization") in index.values(found.iri, "rdf:type"):
        found.kind = "organization"  # one name, never split (also when not ours)
    found.family = index.first(found.iri, "foaf:familyName")
    found.given = index.first(found.iri, "foaf:givenName")
    found.dates = index.first(found.iri, "ldpub:dates")
    return found


def _read_host(index: Index, f: Facts, base: str) -> None:
    """Date, journal, volume, issue and pages: where and when the record was published."""
    thing = f.thing
    f.issued = index.first(thing, *_ISSUED)
    f.hosts = _by_label([link(index, h, base) for h in index.objects(thing, "dcterms:isPartOf")])
    f.journal = _journal(index, f.hosts)
    f.volume = index.first(thing, "bibo:volume")
    f.issue = index.first(thing, "bibo:issue")
    f.page_start, f.page_end = _page_range(index.first(thing, "bibo:pageStart"),
                                           index.first(thing, "bibo:pageEnd"))


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
    """Abstracts, subjects, publishers, places, edition, languages and types; each list
    by label (the places too: MARC's order of an imprint's places is not in the RDF)."""
    thing = f.thing
    f.abstracts = _texts(index, thing, "bibo:abstract", "dcterms:abstract")
    f.subjects = _by_label([link(index, s, base) for s in index.objects(thing, "dcterms:subject")])
    f.publishers = _sorted([_label_or_value(index, p)
                            for p in index.objects(thing, "dcterms:publisher")])
    f.places = index.values(thing, "ldpub:publicationPlace")  # term_order: by text
    f.edition = index.first(thing, "bibo:edition")
    f.languages = _sorted([_label_or_value(index, x)
                           for x in index.objects(thing, "dcterms:language")])
    f.types = index.values(thing, "rdf:type")


def _by_label(links: list[Link]) -> list[Link]:
    """``links`` by label (case-folded first), then IRI: RDF keeps no order."""
    return sorted(links, key=lambda x: (*text_order(x.label), x.iri))


def _sorted(texts: list[str]) -> list[str]:
    return sorted(texts, key=text_order)


def _texts(index: Index, subject: str, *curies: str) -> list[str]:
    """:meth:`Index.values`, each a :class:`ld.model.Text` with its literal's language
    tag, so a page can mark which language it is in (lang="ru")."""
    texts = (Text(o.value, getattr(o, "language", None))
             for c in curies for o in index.objects(subject, c))
    return list(dict.fromkeys(texts))


def _read_doc(index: Index, f: Facts) -> None:
    modified = index.first(f.doc, "dcterms:modified") or index.first(f.thing, "dcterms:modified")
    f.modified = _datetime(modified)
    f.conforms_to = index.values(f.doc, "dcterms:conformsTo")
    count = index.first(f.doc, "ldpub:warningCount") or index.first(f.thing, "ldpub:warningCount")
    f.warning_count = whole_number(count)
    f.warnings = sorted(index.values(f.doc, "ldpub:warning"))


def _label_or_value(index: Index, node: object) -> str:
    from ld.labels import known

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
