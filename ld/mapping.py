"""Record model -> RDF (DCTerms, BIBO, FOAF, SKOS and our ldpub vocabulary).

:func:`map_record` is pure: the same record, base and ``modified`` give the
same (isomorphic) graph, and nothing outside the record is consulted. That is
what lets a re-load replace a record's named graph wholesale, lets batches
map in worker processes, and makes every person, organisation, journal and
subject meet on one URI across records: their keys come from the values
alone (see :mod:`ld.uris`). Value-level rules (format table, languages,
dates, identifiers) live in :mod:`ld.mapping_terms`.

Agents are typed foaf:Agent as well as foaf:Person / foaf:Organization, and
journals and collections bibo:Collection as well as their own class: the
superclass is entailed anyway, and stating it lets a shape check "an agent"
or "a collection" with one cheap sh:class instead of a costly sh:or.

The mapper publishes what the source says and leaves judging it to the
shapes: an odd DOI is published as written and the DOI shape rejects the
record, naming the value. It raises :class:`RecordError` only for what it
cannot turn into RDF at all (no id, a link without a scheme).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as rdf_ns

from ld import mapping_terms as t
from ld import namespaces as ns
from ld.errors import Location, RecordError
from ld.model import Agent, Container, Record, Subject
from ld.uris import record_graph, record_uri, slug, thing_uri

# namespaces whose terms are looked up once (ld.namespaces.Terms: rdflib's own lookup
# was 15-18% of the mapping's CPU)
RDF, DCTERMS, FOAF, OWL, RDFS, SKOS, VOID = (ns.Terms(n) for n in (
    rdf_ns.RDF, rdf_ns.DCTERMS, rdf_ns.FOAF, rdf_ns.OWL, rdf_ns.RDFS, rdf_ns.SKOS, rdf_ns.VOID))
BIBO, DCMITYPE, LDPUB = ns.Terms(ns.BIBO), ns.Terms(ns.DCMITYPE), ns.Terms(ns.LDPUB)
RECORD_SHAPE = ns.LDSH.RecordShape
SCHEMES = {  # thesaurus name -> skos:ConceptScheme IRI, when the scheme has one
    "mesh": URIRef("http://id.nlm.nih.gov/mesh/"),
    "lcsh": URIRef("http://id.loc.gov/authorities/subjects"),
    "lcgft": URIRef("http://id.loc.gov/authorities/genreForms"),
}
_PERIODICALS = {BIBO.Journal, BIBO.Periodical, BIBO.Newspaper, BIBO.Magazine}


def dataset_iri(base: str) -> URIRef:
    """The VoID dataset every record document is void:inDataset of."""
    return URIRef(f"{base}dataset")


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
    if not record.id or not record.id.strip():
        raise RecordError("record has no id", _where(record, "id"),
                          "every record needs an id; check the source's id field")
    if not base.endswith("/"):
        raise ValueError(f"base URI must end with '/': {base!r}")
    mapper = _Mapper(record, base)
    mapper.run(modified or datetime.now(UTC))
    return mapper.triples


# Names, labels, people, subjects and journals come back in record after record;
# building an rdflib term is a good part of the mapping's cost (profiled), and
# terms are immutable, so the recent ones are shared.
@lru_cache(maxsize=8192)
def _plain(text: str) -> Literal:
    return Literal(text)


@lru_cache(maxsize=8192)
def _thing(base: str, kind: str, key: str) -> URIRef:
    return URIRef(thing_uri(base, kind, key))


def _where(record: Record, field: str) -> Location:
    return Location(record.source.file, record.source.position, record.id, field)


class _Mapper:
    """One record's mapping; a class only to share the triples and the base."""

    def __init__(self, record: Record, base: str) -> None:
        self.r = record
        self.base = base
        self.doc = URIRef(record_graph(base, record.id))
        self.s = URIRef(record_uri(base, record.id))
        self.triples: dict[Triple, None] = {}  # a set that keeps the mapping's order

    def add(self, s: URIRef | BNode, p: URIRef, o: URIRef | BNode | Literal) -> None:
        self.triples[(s, p, o)] = None

    def lit(self, p: URIRef, values: list[str] | str | None, s: URIRef | None = None) -> None:
        """Plain literals, skipping empty values."""
        for v in [values] if isinstance(values, str) else values or []:
            if v and v.strip():
                self.add(s or self.s, p, _plain(v.strip()))

    def thing(self, kind: str, key: str) -> URIRef:
        return _thing(self.base, kind, key)

    def iri(self, value: str, field: str) -> URIRef:
        iri = t.safe_iri(value)
        if iri is None:
            raise RecordError(f"{value!r} is not an absolute URL", _where(self.r, field),
                              "give the full link including its scheme, e.g. https://")
        return URIRef(iri)

    def run(self, modified: datetime) -> None:
        self.types()
        self.titles()
        self.agents()
        self.organisations()
        self.dates()
        self.languages()
        self.subjects()
        self.texts()
        self.links()
        self.container()
        self.collections()
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
        self.lit(DCTERMS.title, next((x for x in titles if x and x.strip()), None))
        self.lit(BIBO.shortTitle, r.title_short)
        self.lit(DCTERMS.alternative, [r.title_sub or "", *r.alternative_titles])

    def agents(self) -> None:
        """Creators in order (bibo:authorList), then contributors; roles as relators."""
        creators = [self.agent(a, DCTERMS.creator) for a in self.r.creators]
        for a in self.r.contributors:
            self.agent(a, DCTERMS.contributor)
        if creators:  # an rdf:List, as rdflib.collection.Collection writes it
            cells = [BNode() for _ in creators]
            for cell, creator, rest in zip(cells, creators, [*cells[1:], RDF.nil],
                                           strict=True):
                self.add(cell, RDF.first, creator)
                self.add(cell, RDF.rest, rest)
            self.add(self.s, BIBO.authorList, cells[0])

    def agent(self, agent: Agent, prop: URIRef) -> URIRef:
        name = agent.name.strip().rstrip(",;:/ ")
        identifiers = [t.agent_identifier(i) for i in agent.identifiers if i.strip()]
        if agent.kind == "organization":
            node = self.organisation(name)
        else:
            node = self.person(agent, name, identifiers)
        self.add(self.s, prop, node)
        for ident in identifiers:
            self.add(node, OWL.sameAs, self.iri(ident, "author"))
        self.lit(LDPUB.affiliation, agent.affiliations, node)
        for role in agent.roles:
            relator = t.relator_iri(role)
            if relator is not None:
                self.add(self.s, relator, node)
        return node

    def person(self, agent: Agent, name: str, identifiers: list[str]) -> URIRef:
        """One URI per person: an ORCID or authority link when known, else the slug of
        "family given" (see :func:`ld.mapping_terms.person_key`)."""
        family, given = agent.family, agent.given
        if not family and ", " in name:
            family, given = (part.strip() for part in name.split(", ", 1))
        key = t.person_key(identifiers)
        node = self.thing("person", key or slug(f"{family} {given or ''}" if family else name))
        self.add(node, RDF.type, FOAF.Person)
        self.add(node, RDF.type, FOAF.Agent)
        self.lit(FOAF.name, name, node)
        self.lit(FOAF.familyName, family, node)
        self.lit(FOAF.givenName, given, node)
        return node

    def organisation(self, name: str) -> URIRef:
        node = self.thing("organization", slug(name))
        self.add(node, RDF.type, FOAF.Organization)
        self.add(node, RDF.type, FOAF.Agent)
        self.lit(FOAF.name, name, node)
        return node

    def organisations(self) -> None:
        for name in filter(str.strip, self.r.publishers):
            self.add(self.s, DCTERMS.publisher, self.organisation(name.strip().rstrip(",;:")))
        for name in filter(str.strip, self.r.institutions):
            self.add(self.s, LDPUB.holdingInstitution, self.organisation(name.strip()))
        self.lit(LDPUB.publicationPlace, self.r.publication_places)
        self.lit(LDPUB.building, self.r.buildings)

    def dates(self) -> None:
        if not self.r.issued or not self.r.issued.strip():
            return
        issued = t.issued_literal(self.r.issued)
        if issued is not None:
            self.add(self.s, DCTERMS.issued, issued)
        else:  # keep what the source says; the shape warns that there is no date
            self.lit(DCTERMS.date, self.r.issued)

    def languages(self) -> None:
        """ISO 639-2 IRIs; an unknown language stays a literal and the shape rejects it."""
        for value in filter(str.strip, self.r.languages):
            iri = t.language_iri(value)
            self.add(self.s, DCTERMS.language, iri if iri is not None else Literal(value.strip()))

    def subjects(self) -> None:
        for subject in self.r.subjects:
            if subject.label.strip():
                self.add(self.s, DCTERMS.subject, self.concept(subject))

    def concept(self, subject: Subject) -> URIRef:
        label = " ".join(subject.label.split())
        scheme = (subject.scheme or "").lower()
        node = self.thing("subject", slug(f"{scheme} {label}" if scheme else label))
        self.add(node, RDF.type, SKOS.Concept)
        self.add(node, SKOS.prefLabel, Literal(label))
        if scheme in SCHEMES:
            self.add(node, SKOS.inScheme, SCHEMES[scheme])
        if subject.iri:
            self.add(node, SKOS.exactMatch, self.iri(subject.iri, subject.kind))
        return node

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
        for isbn in map(t.clean_isbn, filter(str.strip, r.isbn)):
            if not t.isbn_valid(isbn):  # kept so the shapes can reject it by value
                self.lit(LDPUB.invalidIsbn, isbn)
                continue
            self.lit(BIBO.isbn, isbn)
            self.lit(BIBO.isbn10 if len(isbn) == 10 else BIBO.isbn13, isbn)

    def issns(self, node: URIRef, values: list[str]) -> None:
        """Valid ISSNs as bibo:issn, the rest as ldpub:invalidIssn (the shapes reject it)."""
        for issn in dict.fromkeys(t.clean_issn(v) for v in values if v.strip()):
            self.lit(BIBO.issn if t.issn_valid(issn) else LDPUB.invalidIssn, issn, node)

    def links(self) -> None:
        """foaf:page for every link; DOI, PubMed and PMC ids from links and fields."""
        r = self.r
        dois, pmids, pmcids = list(map(t.clean_doi, r.doi)), [r.pmid], [r.pmcid]
        for url in filter(str.strip, r.urls):
            self.add(self.s, FOAF.page, self.iri(url, "url"))
            dois.append(t.doi_from_url(url))
            pmids.append(t.pmid_from_url(url))
            pmcids.append(t.pmcid_from_url(url))
        self.dois(dois)
        for pmid in dict.fromkeys(p.strip() for p in pmids if p and p.strip()):
            self.lit(BIBO.pmid, pmid)
            self.add(self.s, RDFS.seeAlso, self.iri(f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
                                                    "pmid"))
        for pmcid in dict.fromkeys(t.clean_pmcid(p) for p in pmcids if p and p.strip()):
            self.lit(LDPUB.pmcid, pmcid)
            self.add(self.s, RDFS.seeAlso,
                     self.iri(f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/", "pmcid"))
        for same in r.same_as:
            self.add(self.s, OWL.sameAs, self.iri(same, "same_as"))

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
            self.lit(BIBO.doi, doi)
            if (iri := t.doi_iri(doi.lower())) is not None:
                self.add(self.s, OWL.sameAs, iri)

    def container(self) -> None:
        """The journal an article is in; a periodical's own ISSN stays on the record."""
        r, c = self.r, self.r.container or Container()
        periodical = any((self.s, RDF.type, cls) in self.triples for cls in _PERIODICALS)
        issns = [i for i in c.issn + ([] if periodical else r.issn) if i.strip()]
        if periodical:
            self.issns(self.s, r.issn)
        self.lit(BIBO.volume, c.volume)
        self.lit(BIBO.issue, c.issue)
        self.lit(BIBO.pageStart, c.page_start)
        self.lit(BIBO.pageEnd, c.page_end)
        title = (c.title or "").strip()
        if not title and not issns:
            return
        valid = [i for i in map(t.clean_issn, issns) if t.issn_valid(i)]
        journal = self.thing("journal", valid[0] if valid else slug(title or issns[0]))
        self.add(journal, RDF.type, BIBO.Journal)
        self.add(journal, RDF.type, BIBO.Collection)
        self.lit(DCTERMS.title, title, journal)
        self.issns(journal, issns)
        self.lit(LDPUB.isoAbbreviation, c.iso_abbreviation, journal)
        self.add(self.s, DCTERMS.isPartOf, journal)

    def collections(self) -> None:
        for name in filter(str.strip, self.r.collections):
            node = self.thing("collection", slug(name))
            self.add(node, RDF.type, DCMITYPE.Collection)
            self.add(node, RDF.type, BIBO.Collection)
            self.lit(DCTERMS.title, name, node)
            self.add(self.s, DCTERMS.isPartOf, node)

    def document(self, modified: datetime) -> None:
        """The record's document: what the store holds and the web serves about it."""
        doc = self.doc
        self.add(doc, RDF.type, FOAF.Document)
        self.add(doc, FOAF.primaryTopic, self.s)
        self.add(self.s, FOAF.isPrimaryTopicOf, doc)
        self.add(doc, DCTERMS.modified, Literal(modified))
        self.add(doc, DCTERMS.conformsTo, RECORD_SHAPE)
        self.add(doc, VOID.inDataset, dataset_iri(self.base))
        self.lit(LDPUB.recordFormat, self.r.record_format, doc)
