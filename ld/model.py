"""The record model every reader yields and the mapper consumes.

Plain dataclasses, no rdflib: a reader's job ends at "what the source says",
in the source's own words (a language name or code, a date as written, a
format label); the mapper decides what that means in RDF. Keeping the raw
values lets every input format meet the same mapping and the same shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AgentKind = Literal["person", "organization"]


@dataclass(frozen=True)
class Source:
    """Where a record came from, for error messages and the rejects report."""

    file: str  # path, URL, or "-" for standard input
    position: str  # "record 3", "line 120", "offset 4096", "oai:repo:123"
    format: str  # reader name: "vufind-json", "vufind-text", "marc", ...


@dataclass
class Agent:
    """A person or an organisation named by a record.

    ``name`` is as written ("Clavel, Nathalie"); ``family``/``given`` are
    filled when the source splits them or the name is "Family, Given"; a
    name entered under a forename ("John Paul II, Pope") has ``given`` only.
    ``identifiers`` holds IRIs that identify the agent elsewhere (ORCID,
    VIAF, id.loc.gov, ...): the mapper links them with owl:sameAs and uses the
    strongest one for the agent's key. Without one, the key is the name and
    the heading's ``dates``, so two John Smiths of other centuries stay apart.
    ``alt_names`` are the same name in another script (MARC 880: "影山, 輝国"
    for "Kageyama, Terukuni"), published as skos:altLabel: ``name`` stays the
    one foaf:name pages, lists and citations read.
    """

    name: str
    kind: AgentKind = "person"
    family: str | None = None
    given: str | None = None
    roles: list[str] = field(default_factory=list)  # relator terms or codes as written
    identifiers: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    dates: str | None = None  # "1668-1744" as written
    alt_names: list[str] = field(default_factory=list)  # in another script, as written
    # the fuller form of the name (MARC $q, "(Horace Sumner)"): no part of ``given`` that
    # pages and citations print, but part of the key, as it tells namesakes apart
    fuller: str | None = None


class Text(str):
    """A text with the language its source states for that very text, as written
    ("rus" for a PubMed OtherAbstract, "en-GB" for a JATS xml:lang), else None.

    Why a str: every reader that yields plain strings, and everything that
    reads the text, stays as it is; only the mapper asks for ``language``
    (and turns it into a BCP 47 tag, :func:`ld.mapping_languages.language_tag`).
    A reader never guesses it: a text whose source says nothing has none.
    """

    __slots__ = ("language",)
    language: str | None

    def __new__(cls, text: str, language: str | None = None) -> Text:
        self = super().__new__(cls, text)
        self.language = (language.strip() or None) if language else None
        return self

    def __repr__(self) -> str:
        return f"Text({str(self)!r}, language={self.language!r})"


def language_of(text: str) -> str | None:
    """The language the source states for ``text`` (a :class:`Text`), else None."""
    return text.language if isinstance(text, Text) else None


@dataclass
class Subject:
    """A subject heading, keyword or genre.

    ``scheme`` names the thesaurus ("mesh", "lcsh", "keyword", ...) when the
    source says so; ``iri`` is the heading's own IRI in that thesaurus (e.g.
    http://id.nlm.nih.gov/mesh/D012345) when the source gives an id.
    """

    label: str
    kind: Literal["topic", "genre"] = "topic"
    scheme: str | None = None
    iri: str | None = None
    # a main topic of the work, as the source marks it (PubMed MajorTopicYN="Y", the
    # MEDLINE "*"): ldpub:majorSubject besides dcterms:subject
    major: bool = False
    # the label of the heading this one narrows in the same scheme: a MeSH
    # descriptor/qualifier pair's descriptor ("Humans" for "Humans/analysis"), skos:broader
    broader: str | None = None
    # the heading in another script (a MARC 880: "Наполеон I ..." for "Napoleon I ..."),
    # skos:altLabel: ``label`` stays the heading the scheme gives
    alt_labels: list[str] = field(default_factory=list)


@dataclass
class Container:
    """The journal (or other host item) an article is part of."""

    title: str | None = None
    issn: list[str] = field(default_factory=list)  # every ISSN, print and electronic
    # those of ``issn`` the source marks electronic (PubMed IssnType, JATS pub-type
    # "epub", DOAJ eissn), published as bibo:eissn; a subset, so ``issn`` keeps its
    # order and the journal its key
    eissn: list[str] = field(default_factory=list)
    issn_l: str | None = None  # the linking ISSN, one for all the journal's media
    volume: str | None = None
    issue: str | None = None
    page_start: str | None = None
    page_end: str | None = None
    # every page when there is more than one range ("1199-1201, 1205", PubMed MedlinePgn):
    # bibo:pages beside the first range's page_start/page_end, which would drop the rest
    pages: str | None = None
    iso_abbreviation: str | None = None
    # False for a host that is no serial (MARC 773 on a monograph: an LC collection, the
    # book a chapter is in): published as a collection it is part of, never a bibo:Journal
    serial: bool = True


@dataclass
class Related:
    """Another work or item a record links to, as the record transcribes it (MARC 775
    other edition, 776 other physical form, any 760-787 linking entry but 773, a 7XX
    name-title entry): it has no record of its own here, so it is kept by what the
    record says of it, its title, main entry, edition and numbers.

    ``relation`` says how it relates: "version" (775), "format" (776), "part" (an
    analytic name-title entry, second indicator 2) or "other".
    """

    relation: Literal["version", "format", "part", "other"]
    title: str | None = None
    heading: str | None = None  # its main entry heading as written (MARC 76X-78X $a)
    creator: Agent | None = None  # the name of a name-title entry, a controlled heading
    edition: str | None = None
    label: str | None = None  # the relationship as written ($i: "Online version")
    isbn: list[str] = field(default_factory=list)
    issn: list[str] = field(default_factory=list)
    oclc: list[str] = field(default_factory=list)
    lccn: list[str] = field(default_factory=list)
    # any other number as written: "(DE-600)2020720-4" ($w), $o, $r, $u, $y
    identifiers: list[str] = field(default_factory=list)


@dataclass
class Record:
    """One catalogue record, in the source's own words.

    Only ``id`` and ``source`` are required; readers leave a field empty
    rather than guess. ``extra`` keeps fields a reader recognised but the
    model has no slot for (never published, useful for debugging).
    """

    id: str
    source: Source
    formats: list[str] = field(default_factory=list)  # "Article", "Book", "Journal", ...
    title: str | None = None
    title_full: str | None = None
    title_short: str | None = None
    title_sub: str | None = None
    alternative_titles: list[str] = field(default_factory=list)
    creators: list[Agent] = field(default_factory=list)  # in source order
    contributors: list[Agent] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    publication_places: list[str] = field(default_factory=list)
    # a publisher's name in another script (MARC 880), by its name as in ``publishers``
    publisher_alt_names: dict[str, list[str]] = field(default_factory=dict)
    institutions: list[str] = field(default_factory=list)  # holding institutions
    buildings: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    issued: str | None = None  # date as written: "2019", "2019-11", "2019-11-08", "c1992."
    copyrighted: list[str] = field(default_factory=list)  # as written: "©2018" (MARC 264 _4)
    languages: list[str] = field(default_factory=list)  # names ("English") or codes ("eng")
    subjects: list[Subject] = field(default_factory=list)
    # class numbers (MARC 050/060/080/082/084, VuFind callnumber-a, dewey-full), each a
    # Subject whose label is the number and whose scheme names the classification
    # ("lcc", "ddc", "nlm", "udc", or the 084 $2 code)
    classifications: list[Subject] = field(default_factory=list)
    # a plain str, or a Text when the source states the abstract's language
    abstracts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    # what a link is, as the source words it (MARC 856 $3/$y: "Table of contents"), by
    # url as in ``urls``; apart from ``urls`` so every reader without labels stays as is
    link_labels: dict[str, str] = field(default_factory=dict)
    isbn: list[str] = field(default_factory=list)
    issn: list[str] = field(default_factory=list)
    doi: list[str] = field(default_factory=list)
    pmid: str | None = None
    pmcid: str | None = None
    oclc: list[str] = field(default_factory=list)
    lccn: list[str] = field(default_factory=list)
    container: Container | None = None
    series: list[str] = field(default_factory=list)
    extent: list[str] = field(default_factory=list)  # "296 p. : ill. ; 24 cm."
    edition: str | None = None
    record_format: str | None = None  # "MEDLINE/PubMed", "marc", ...
    same_as: list[str] = field(default_factory=list)  # IRIs of the same work elsewhere
    grants: list[str] = field(default_factory=list)
    # rights, as the source words them: the IRIs of the licences the record is under
    # (MARC 540 $u, JATS license/@xlink:href or ali:license_ref, a dc:rights that is a
    # URL), statements of the terms of use (MARC 540, dc:rights, JATS license-p) and of
    # who may access it (MARC 506)
    licenses: list[str] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)
    access_rights: list[str] = field(default_factory=list)
    # identifiers the source itself marks cancelled or invalid (MARC 020 $z, 022 $y/$z),
    # as written: published apart (ldpub:cancelledIsbn / cancelledIssn), never as identifiers
    cancelled_isbn: list[str] = field(default_factory=list)
    cancelled_issn: list[str] = field(default_factory=list)
    # the dates as the source writes them ("[between 1880 and 1893]", "1998 Dec-1999 Jan",
    # "1990 Spring"): ldpub:dateAsWritten beside the normalised dcterms:issued
    dates_as_written: list[str] = field(default_factory=list)
    responsibility: str | None = None  # statement of responsibility, as written (MARC 245 $c)
    alt_editions: list[str] = field(default_factory=list)  # in another script (MARC 880)
    # notes with a property of their own: audience (MARC 521), provenance (561)
    audience: list[str] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)
    # persistent identifiers of repository items (oai_dc dc:identifier), as written
    # without their scheme prefix: handles ("1765/320", bibo:handle and a hdl.handle.net
    # page), URNs ("urn:nbn:de:0001-12345", bibo:uri) and arXiv ids ("2101.00001")
    handles: list[str] = field(default_factory=list)
    urns: list[str] = field(default_factory=list)
    arxiv: list[str] = field(default_factory=list)
    # the PubMed records that retract, correct, update or comment on this one, or that this
    # one does so to, as (PubMed's CommentsCorrections RefType, PMID): ("RetractionIn", "123")
    pubmed_relations: list[tuple[str, str]] = field(default_factory=list)
    # other works and items the record links to, as it transcribes them (MARC 760-787
    # linking entries, 700/710/711 name-title entries), published; a name-title entry's
    # whole field, as written, is also in ``extra["related_work"]`` (unpublished, as
    # all of ``extra``: what the source said, for a reader of the Record)
    related: list[Related] = field(default_factory=list)
    extra: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Deletion:
    """A source says this record is gone (OAI-PMH status="deleted")."""

    id: str
    source: Source
