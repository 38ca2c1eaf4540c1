"""Record model -> RDF (DCTerms, BIBO, FOAF, SKOS and our ldpub vocabulary).

:func:`map_record` is pure: the same record, base and ``modified`` give the
same (isomorphic) graph, and nothing outside the record is consulted. That is
what lets a re-load replace a record's named graph wholesale, lets batches
map in worker processes, and makes every person, organisation, journal and
subject meet on one URI across records: their keys come from the values
alone (see :mod:`ld.uris`). This module maps the record itself and its
document; those shared things are minted and described in
:mod:`ld.mapping_things`. Value-level rules live in :mod:`ld.mapping_terms`
(format table, languages, dates, relators) and :mod:`ld.mapping_identifiers`
(DOI, PubMed, ISBN, ISSN, links); the record's licences and rights statements
in :mod:`ld.mapping_rights`, class numbers in :mod:`ld.mapping_classes`.

The mapper publishes what the source says and leaves judging it to the
shapes. An identifier that fails its check (an ISBN or ISSN check digit, a
DOI that is not one) or a link without a scheme is published apart
(``ldpub:invalidIsbn``, ``invalidIssn``, ``invalidDoi``, ``invalidLink``, as
MARC keeps a wrong ISBN in 020 $z), never as an identifier or a link, and
the shapes warn: the record is published without it. It raises
:class:`RecordError` only for what it cannot turn into RDF at all (no id).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as rdf_ns

from ld import document_meta
from ld import mapping_classes as classes
from ld import mapping_identifiers as ids
from ld import mapping_pids as pids
from ld import mapping_relations as relations
from ld import mapping_rights as rights
from ld import mapping_terms as t
from ld import mapping_things as things
from ld import mapping_transcribed as transcribed
from ld import namespaces as ns
from ld.errors import Location, RecordError
from ld.mapping_languages import language_tag, read_languages
from ld.model import Container, Record, language_of
from ld.uris import record_graph, record_uri, split, thing_uri, unusable_key

# namespaces whose terms are looked up once (ld.namespaces.Terms: rdflib's own lookup
# was 15-18% of the mapping's CPU)
RDF, DCTERMS, FOAF, OWL, RDFS, SKOS, VOID = (ns.Terms(n) for n in (
    rdf_ns.RDF, rdf_ns.DCTERMS, rdf_ns.FOAF, rdf_ns.OWL, rdf_ns.RDFS, rdf_ns.SKOS, rdf_ns.VOID))
BIBO, LDPUB = ns.Terms(ns.BIBO), ns.Terms(ns.LDPUB)
RECORD_SHAPE = ns.LDSH.RecordShape
_PERIODICALS = {BIBO.Journal, BIBO.Periodical, BIBO.Newspaper, BIBO.Magazine}
# a record of these classes (or of none the formats name: bibo:Document) can be in a
# journal, so the ISSN it carries is its journal's; any other (a book, whose 022 is its
# series' ISSN) keeps its ISSN itself
_JOURNAL_PARTS = {BIBO.Article, BIBO.AcademicArticle, BIBO.Document}


def dataset_iri(base: str) -> URIRef:
    """The VoID dataset every record document is void:inDataset of."""
    return URIRef(document_meta.dataset_iri(base))


Triple = tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal]


def map_record(record: Record, base: str, *, modified: datetime | None = None) -> Graph:
    """The triples of ``record``'s named graph (``{base}doc/record/{id}``)."""
    graph = Graph(identifier=URIRef(record_graph(base, record.id)))
    graph += map_triples(record, base, modified=modified)
    return graph


def map_triples(record: Record, base: str, *, modified: datetime | None = None
                ) -> dict[Triple, None]:
    """What :func:`map_record` puts in the graph, as an insertion-ordered set of triples.

    The load pipeline uses this directly: adding a triple to an rdflib Graph
    (context bookkeeping, events) cost about half of the mapping's time, and
    the workers only need to validate the triples and write them as N-Quads.
    """
    _check_id(record)
    if not base.endswith("/"):
        raise ValueError(f"base URI must end with '/': {base!r}")
    mapper = _Mapper(record, base)
    mapper.run(modified or datetime.now(UTC))
    return mapper.triples


def _check_id(record: Record) -> None:
    """Refuse an id no URI can be minted from (none), or whose URI could not be
    fetched (:func:`ld.uris.unusable_key`): a page would link a 404."""
    if not record.id or not record.id.strip():
        raise RecordError("record has no id", _where(record, "id"),
                          "every record needs an id; check the source's id field")
    unusable = unusable_key(record.id)
    if unusable:
        raise RecordError(unusable, _where(record, "id"),
                          "change the id in the source (e.g. put 'rec-' before it) "
                          "and load the record again")


# Names, labels, people, subjects and journals come back in record after record;
# building an rdflib term is a good part of the mapping's cost (profiled), and
# terms are immutable, so the recent ones are shared (t.text_literal's cache).
_plain = t.text_literal


@lru_cache(maxsize=8192)
def _thing(base: str, kind: str, key: str) -> URIRef:
    return URIRef(thing_uri(base, kind, key))


_LAST_MODIFIED: tuple[datetime | None, Literal | None] = (None, None)


def _modified_literal(when: datetime) -> Literal:
    """``Literal(when)``, made once for a load's records, which share one ``modified``
    object (~3 us a record: rdflib formats the datetime). Kept by identity, not by
    equality: an equal instant at another UTC offset is another literal."""
    global _LAST_MODIFIED
    last, literal = _LAST_MODIFIED  # one tuple: read whole even if threads map at once
    if last is not when or literal is None:
        literal = Literal(when)
        _LAST_MODIFIED = (when, literal)
    return literal


def _where(record: Record, field: str) -> Location:
    return Location(record.source.file, record.source.position, record.id, field)


class _Mapper:
    """One record's mapping; a class only to share the triples and the base.

    It is the :class:`ld.mapping_things.Writer` the shared things write through.
    """

    def __init__(self, record: Record, base: str) -> None:
        self.r = record
        self.base = base
        self.doc = URIRef(record_graph(base, record.id))
        self.s = URIRef(record_uri(base, record.id))
        self.triples: dict[Triple, None] = {}  # a set that keeps the mapping's order

    def add(self, s: URIRef | BNode, p: URIRef, o: URIRef | BNode | Literal) -> None:
        self.triples[(s, p, o)] = None

    def lit(self, p: URIRef, values: list[str] | str | None, s: URIRef | None = None) -> None:
        """Literals, skipping empty values; a :class:`ld.model.Text` whose source states
        its language is tagged with it (BCP 47), any other value is a plain literal."""
        if not values:  # most calls: a field this record does not have
            return
        subject = s or self.s
        for v in [values] if isinstance(values, str) else values:
            text = v.strip() if v else ""  # stripped once: ~30 values a record come here
            if text:
                stated = None if type(v) is str else language_of(v)
                self.triples[(subject, p, _plain(text, stated and language_tag(stated)))] = None

    def thing(self, kind: str, key: str) -> URIRef:
        return _thing(self.base, kind, key)

    def iri(self, value: str, field: str) -> URIRef:
        iri = ids.safe_iri(value)
        if iri is None:
            raise RecordError(f"{value!r} is not an absolute URL", _where(self.r, field),
                              "give the full link including its scheme, e.g. https://")
        return URIRef(iri)

    def run(self, modified: datetime) -> None:
        self.types()
        self.titles()
        things.agents(self)
        things.organisations(self)
        self.dates()
        self.languages()
        things.subjects(self)
        classes.classifications(self)
        self.texts()
        transcribed.transcribed(self)
        rights.rights(self)
        pids.persistent_ids(self)
        pids.pubmed_relations(self)
        relations.related(self)
        self.links()
        self.container()
        things.collections(self)
        self.document(modified)

    def types(self) -> None:
        r = self.r
        scholarly = bool(r.pmid or r.pmcid or (r.container and (r.container.title or
                         r.container.issn)) or "pubmed" in (r.record_format or "").lower())
        classes, dcmi = t.record_types(r.formats, scholarly)
        for cls in classes:
            self.add(self.s, RDF.type, cls)
        for typ in dcmi:
            self.add(self.s, DCTERMS.type, typ)
        self.lit(LDPUB.formatLabel, r.formats)
        self.lit(DCTERMS.identifier, r.id)

    def titles(self) -> None:
        r = self.r
        titles = (r.title, r.title_full, r.title_short)
        title = next((x for x in titles if x and x.strip()), None)
        self.lit(DCTERMS.title, title)
        # the C1 controls text_literal drops are mojibake's sign: noted, the shapes warn
        if dropped := len(t.C1_CONTROLS.findall(title or "")):
            self.add(self.s, LDPUB.droppedControlCharacters, Literal(dropped))
        self.lit(BIBO.shortTitle, r.title_short)
        self.lit(DCTERMS.alternative, [r.title_sub or "", *r.alternative_titles])

    def dates(self) -> None:
        """dcterms:issued, and dcterms:dateCopyrighted (MARC 264 _4 "©2018") as a year."""
        for year in filter(None, map(t.year_literal, self.r.copyrighted)):
            self.add(self.s, DCTERMS.dateCopyrighted, year)
        if not self.r.issued or not self.r.issued.strip():
            return
        issued = None if transcribed.is_range(self.r.issued) else t.issued_literal(self.r.issued)
        if issued is not None:  # a range ("1880/1893", MARC 008 q) is no date of issue
            self.add(self.s, DCTERMS.issued, issued)
        else:  # keep what the source says; the shape warns that there is no date
            self.lit(DCTERMS.date, self.r.issued)

    def languages(self) -> None:
        """ISO 639-2 IRIs, one for each language a value names ("en; fr": two); a part
        naming none ("Deutsch", "qaa") is set apart as ldpub:invalidLanguage, as a failing
        ISBN is (the shapes warn: a harvested record must not be lost over it)."""
        for value in filter(str.strip, self.r.languages):
            found = read_languages(value)
            for iri in found.iris:
                self.add(self.s, DCTERMS.language, iri)
            self.lit(LDPUB.invalidLanguage, list(found.unread))

    def texts(self) -> None:
        r = self.r
        self.lit(DCTERMS.abstract, r.abstracts)
        self.lit(SKOS.note, r.notes)
        self.lit(LDPUB.series, r.series)
        self.lit(DCTERMS.extent, r.extent)
        self.lit(BIBO.edition, r.edition)
        self.lit(LDPUB.grant, r.grants)
        self.lit(BIBO.oclcnum, r.oclc)
        self.lit(BIBO.lccn, r.lccn)
        things.isbns(self, self.s, r.isbn, forms=True)

    def links(self) -> None:
        """foaf:page for every link, with its label; DOI, PubMed and PMC ids from links
        and fields."""
        r = self.r
        dois, pmids, pmcids = list(map(ids.clean_doi, r.doi)), [r.pmid], [r.pmcid]
        for url in filter(str.strip, r.urls):
            link = ids.web_link(url)
            if link is None:  # no web link: set apart as text, and the shapes warn
                self.lit(LDPUB.invalidLink, url)
                continue
            self.add(self.s, FOAF.page, URIRef(link))
            self.link_label(URIRef(link), r.link_labels.get(url))
            dois.append(ids.doi_from_url(url))
            pmids.append(ids.pmid_from_url(url))
            pmcids.append(ids.pmcid_from_url(url))
        self.dois(dois)
        for pmid in dict.fromkeys(p.strip() for p in pmids if p and p.strip()):
            self.lit(BIBO.pmid, pmid)
            self.add(self.s, RDFS.seeAlso, self.iri(ids.pubmed_iri(pmid), "pmid"))
        for pmcid in dict.fromkeys(ids.clean_pmcid(p) for p in pmcids if p and p.strip()):
            self.lit(LDPUB.pmcid, pmcid)
            self.add(self.s, RDFS.seeAlso,
                     self.iri(f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/", "pmcid"))
        for same in r.same_as:
            self.add(self.s, OWL.sameAs, self.iri(same, "same_as"))

    def link_label(self, link: URIRef, label: str | None) -> None:
        """``<link> dcterms:title "Table of contents"``: what the source says the linked
        document is (MARC 856 $3/$y).

        dcterms:title rather than rdfs:label: the label names the document at the
        link, which is what a title is, in the vocabulary every other title here
        uses (a consumer reads one property for every titled thing); the record
        page's reading (:mod:`ld.facts`) takes it as the link's text. A link to
        one of our own things gets none: its own graph says what it is called.
        """
        if label and label.strip() and split(self.base, str(link)) is None:
            self.add(link, DCTERMS.title, _plain(label.strip()))

    def dois(self, dois: list[str | None]) -> None:
        """bibo:doi once per DOI, as first written, and owl:sameAs its doi.org IRI.

        DOIs ignore case, so the IRI is minted from the lower-cased DOI:
        records that write one DOI differently then name the same IRI, which
        both a consumer's join and the identity look-up (:mod:`ld.identity`) use.
        """
        unique: dict[str, str] = {}
        for doi in filter(None, dois):
            unique.setdefault(doi.lower(), doi)
        for doi in unique.values():
            iri = ids.doi_iri(doi.lower())
            if iri is None:  # not a DOI: set apart (not linked), and the shapes warn
                self.lit(LDPUB.invalidDoi, doi)
                continue
            self.lit(BIBO.doi, doi)
            self.add(self.s, OWL.sameAs, iri)

    def container(self) -> None:
        """The journal an article is in, or the collection a host that is no serial is;
        the ISSN of a periodical, book or any other record no journal holds stays on it."""
        r, c = self.r, self.r.container or Container()
        kinds = {cls for cls in t.RECORD_CLASSES if (self.s, RDF.type, cls) in self.triples}
        own = bool(kinds & _PERIODICALS) or not kinds <= _JOURNAL_PARTS
        issns = [i for i in c.issn + ([] if own else r.issn) if i.strip()]
        if own:
            things.issns(self, self.s, r.issn)
        self.lit(BIBO.volume, c.volume)
        self.lit(BIBO.issue, c.issue)
        self.lit(BIBO.pageStart, c.page_start)
        self.lit(BIBO.pageEnd, c.page_end)
        self.lit(BIBO.pages, c.pages)  # "1199-1201, 1205": more than the one range above
        journal = things.journal(self, c, issns) if c.serial else transcribed.host(self, c)
        if journal is not None:
            self.add(self.s, DCTERMS.isPartOf, journal)

    def document(self, modified: datetime) -> None:
        """The record's document: what the store holds and the web serves about it."""
        doc = self.doc
        self.add(doc, RDF.type, FOAF.Document)
        self.add(doc, FOAF.primaryTopic, self.s)
        self.add(self.s, FOAF.isPrimaryTopicOf, doc)
        self.add(doc, DCTERMS.modified, _modified_literal(modified))
        self.add(doc, DCTERMS.conformsTo, RECORD_SHAPE)
        self.add(doc, VOID.inDataset, dataset_iri(self.base))
        self.lit(LDPUB.recordFormat, self.r.record_format, doc)
