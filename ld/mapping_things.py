"""The things a record points at and shares with other records: people,
organisations, subject concepts, journals and collections.

Apart from :mod:`ld.mapping` (the record's own description and document)
because these nodes are not the record's: each is keyed by its values alone
(an ORCID or authority link, a valid ISSN, else a slugged name; see
:mod:`ld.uris`), so every record naming the same person or journal meets it
on one URI and states the same triples about it. A change to a key here
re-keys that thing across every record already loaded, which is why the keys
are minted in this one place.

Agents are typed foaf:Agent as well as foaf:Person / foaf:Organization, and
journals and collections bibo:Collection as well as their own class: the
superclass is entailed anyway, and stating it lets a shape check "an agent"
or "a collection" with one cheap sh:class instead of a costly sh:or.

The functions write through the record's mapper (:class:`Writer`), so the
triples keep the mapping's one insertion order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from rdflib import BNode, Literal, URIRef
from rdflib import namespace as rdf_ns

from ld import mapping_identifiers as ids
from ld import mapping_terms as t
from ld import namespaces as ns
from ld.model import Agent, Container, Record, Subject
from ld.uris import slug

# looked up once (ld.namespaces.Terms), not through rdflib's namespace machinery per call
RDF, DCTERMS, FOAF, OWL, SKOS = (ns.Terms(n) for n in (
    rdf_ns.RDF, rdf_ns.DCTERMS, rdf_ns.FOAF, rdf_ns.OWL, rdf_ns.SKOS))
BIBO, DCMITYPE, LDPUB = ns.Terms(ns.BIBO), ns.Terms(ns.DCMITYPE), ns.Terms(ns.LDPUB)
SCHEMES = {  # thesaurus name -> skos:ConceptScheme IRI, when the scheme has one
    "mesh": URIRef("http://id.nlm.nih.gov/mesh/"),
    "lcsh": URIRef("http://id.loc.gov/authorities/subjects"),
    "lcgft": URIRef("http://id.loc.gov/authorities/genreForms"),
}


class Writer(Protocol):
    """What the things need of the record's mapper (``ld.mapping._Mapper``)."""

    r: Record
    s: URIRef

    def add(self, s: URIRef | BNode, p: URIRef, o: URIRef | BNode | Literal) -> None: ...

    def lit(self, p: URIRef, values: list[str] | str | None, s: URIRef | None = None
            ) -> None: ...

    def thing(self, kind: str, key: str) -> URIRef: ...

    def iri(self, value: str, field: str) -> URIRef: ...


def agents(m: Writer) -> None:
    """Creators in order (bibo:authorList), then contributors, editors and compilers
    among both in order too (bibo:editorList: a citation lists a book's editors as the
    source does); roles as relators.

    A creator whose roles are editing and not authorship (a MARC 100 "Warren, John
    Collins, $e ed.": AACR1 entered a compilation under its editor) is in the editor
    list, not the author list, as an added entry editor is (explore12/marc M2: he was
    cited as the author); he stays the record's dcterms:creator, its main entry.
    """
    authors, editors = [], []
    for a in m.r.creators:
        node = agent(m, a, DCTERMS.creator)
        (editors if t.is_editor(a.roles) and not t.is_author(a.roles) else authors).append(node)
    for a in m.r.contributors:
        node = agent(m, a, DCTERMS.contributor)
        if t.is_editor(a.roles):
            editors.append(node)
    _rdf_list(m, BIBO.authorList, authors)
    _rdf_list(m, BIBO.editorList, editors)


def _rdf_list(m: Writer, prop: URIRef, members: list[URIRef]) -> None:
    """``members`` as an rdf:List, as rdflib.collection.Collection writes it; none: nothing."""
    if not members:
        return
    cells = [BNode() for _ in members]
    for cell, member, rest in zip(cells, members, [*cells[1:], RDF.nil], strict=True):
        m.add(cell, RDF.first, member)
        m.add(cell, RDF.rest, rest)
    m.add(m.s, prop, cells[0])


def agent(m: Writer, who: Agent, prop: URIRef) -> URIRef:
    """One creator or contributor, linked by ``prop`` and by the relators of its roles."""
    node = agent_node(m, who)
    m.add(m.s, prop, node)
    m.lit(LDPUB.affiliation, who.affiliations, node)
    for role in who.roles:
        relator = t.relator_iri(role)
        if relator is not None:
            m.add(m.s, relator, node)
    _roles_as_written(m, node, [r for r in who.roles if t.relator_iri(r) is None])
    return node


def agent_node(m: Writer, who: Agent) -> URIRef:
    """The person or organisation ``who`` names, stated alike whichever record or field
    names it (a creator, a contributor, a related work's creator): its key, names and
    identifiers (owl:sameAs; a failing ORCID set apart, as a failing ISBN: the shapes warn)."""
    name = who.name.strip().rstrip(",;:/ ")
    identifiers, failing = ids.agent_identifiers(who.identifiers)
    if who.kind == "organization":
        node = organisation(m, name, who.alt_names)
    else:
        node = person(m, who, name, identifiers)
    for ident in identifiers:
        m.add(node, OWL.sameAs, m.iri(ident, "author"))
    m.lit(LDPUB.invalidOrcid, failing, node)
    return node


def _roles_as_written(m: Writer, node: URIRef, roles: list[str]) -> None:
    """Roles no relator stands for ("joint sponsor", "Mrs."), as the source wrote them:
    ``[ ldpub:agent node ; ldpub:role "..." ]``, the record's ldpub:contribution. Such a
    role was dropped, leaving a plain contributor (explore12/marc M1); a role is the
    record's, not the agent's (whom other records name in other roles), hence the node."""
    roles = [role.strip() for role in roles if role.strip()]
    if not roles:
        return
    contribution = BNode()
    m.add(m.s, LDPUB.contribution, contribution)
    m.add(contribution, LDPUB.agent, node)
    for role in roles:
        m.add(contribution, LDPUB.role, t.text_literal(role))


def person(m: Writer, agent: Agent, name: str, identifiers: list[str]) -> URIRef:
    """One URI per person: an ORCID or authority link when known, else the slug of
    "family given" (see :func:`ld.mapping_identifiers.person_key`) and its dates,
    which are also published (ldpub:dates), since the key alone tells no reader
    "Smith, John, 1950-" from "Smith, John, 1820-1890".

    A source that gave only a given name (a MARC forename heading, "John Paul
    II, Pope") is not split at its comma. The fuller form of the name (MARC $q) is
    keyed, not published as part of the given name.
    """
    family, given = agent.family, agent.given
    if not family and not given and ", " in name:
        family, given = (part.strip() for part in name.split(", ", 1))
    key = ids.person_key(identifiers) or _name_key(
        f"{family} {given or ''} {agent.fuller or ''}" if family else name, agent.dates)
    node = m.thing("person", key)
    m.add(node, RDF.type, FOAF.Person)
    m.add(node, RDF.type, FOAF.Agent)
    m.lit(FOAF.name, name, node)
    m.lit(FOAF.familyName, family, node)
    m.lit(FOAF.givenName, given, node)
    m.lit(LDPUB.dates, agent.dates, node)  # as written: what tells namesakes apart on a page
    m.lit(SKOS.altLabel, agent.alt_names, node)
    return node


def _name_key(name: str, dates: str | None) -> str:
    """A person's key without an identifier: the name's slug, with the heading's dates
    when it has them ("smith-john-1950"), so namesakes of other centuries stay apart;
    names without dates (PubMed, most VuFind authors) keep their key; a death date alone
    is keyed apart from a birth date (:func:`ld.mapping_identifiers.key_dates`)."""
    return slug(f"{name} {ids.key_dates(dates)}" if dates and dates.strip() else name)


def organisation(m: Writer, name: str, alt_names: list[str] | None = None) -> URIRef:
    """An organisation keyed by the slug of its name (there is no identifier to prefer).

    Its name in another script (a MARC 880) is skos:altLabel, as a person's is: the
    name stays one foaf:name, the one pages and lists show.
    """
    node = m.thing("organization", slug(name))
    m.add(node, RDF.type, FOAF.Organization)
    m.add(node, RDF.type, FOAF.Agent)
    m.lit(FOAF.name, name, node)
    m.lit(SKOS.altLabel, alt_names, node)
    return node


def organisations(m: Writer) -> None:
    """Publishers and holding institutions, with the places and buildings that go with them."""
    for name in filter(str.strip, m.r.publishers):
        node = organisation(m, name.strip().rstrip(",;:"), m.r.publisher_alt_names.get(name))
        m.add(m.s, DCTERMS.publisher, node)
    for name in filter(str.strip, m.r.institutions):
        m.add(m.s, LDPUB.holdingInstitution, organisation(m, name.strip()))
    m.lit(LDPUB.publicationPlace, m.r.publication_places)
    m.lit(LDPUB.building, m.r.buildings)


def subjects(m: Writer) -> None:
    """dcterms:subject for every topic with a label; dcterms:type for a genre or form
    (MARC 655, PubMed PublicationType, JATS article category), as the LoC MARC to
    Dublin Core crosswalk maps 655 to Type: "Journal Article" or "Pastoral fiction"
    says what kind of work the record is, not what it is about (explore12 pubmed H3)."""
    for subject in m.r.subjects:
        if subject.label.strip():
            prop = DCTERMS.type if subject.kind == "genre" else DCTERMS.subject
            node = concept(m, subject)
            m.add(m.s, prop, node)
            if subject.major and prop == DCTERMS.subject:  # PubMed's major topics ("*")
                m.add(m.s, LDPUB.majorSubject, node)


def concept(m: Writer, subject: Subject) -> URIRef:
    """A skos:Concept keyed by "scheme label", so one heading of one thesaurus meets."""
    label = " ".join(subject.label.split())
    scheme = (subject.scheme or "").lower()
    node = m.thing("subject", slug(f"{scheme} {label}" if scheme else label))
    m.add(node, RDF.type, SKOS.Concept)
    m.add(node, SKOS.prefLabel, t.text_literal(label))
    m.lit(SKOS.altLabel, subject.alt_labels, node)  # the heading in its original script (880)
    if scheme in SCHEMES:
        m.add(node, SKOS.inScheme, SCHEMES[scheme])
    if subject.iri:
        m.add(node, SKOS.exactMatch, m.iri(subject.iri, subject.kind))
    if subject.broader and subject.broader.strip():  # "Humans/analysis" narrows "Humans"
        m.add(node, SKOS.broader, concept(m, Subject(subject.broader, scheme=subject.scheme)))
    return node


def isbns(m: Writer, node: URIRef | BNode, values: list[str], *, forms: bool = False
          ) -> None:
    """Valid ISBNs as bibo:isbn, with bibo:isbn10/isbn13 by length when ``forms`` (a
    record's own); the rest as ldpub:invalidIsbn, set apart (the shapes warn by value:
    a harvested record must not be lost over one)."""
    for isbn in dict.fromkeys(map(ids.clean_isbn, filter(str.strip, values))):
        if not ids.isbn_valid(isbn):
            m.lit(LDPUB.invalidIsbn, isbn, node)
            continue
        m.lit(BIBO.isbn, isbn, node)
        if forms:
            m.lit(BIBO.isbn10 if len(isbn) == 10 else BIBO.isbn13, isbn, node)


def issns(m: Writer, node: URIRef | BNode, values: list[str],
          electronic: Iterable[str] = ()) -> None:
    """Valid ISSNs as bibo:issn, or bibo:eissn when the source marks them electronic
    (once, as electronic, when it also lists one unmarked, as PubMed's ISSN-L); the
    rest as ldpub:invalidIssn (the shapes warn)."""
    marked = {ids.clean_issn(v) for v in electronic}
    for issn in dict.fromkeys(ids.clean_issn(v) for v in values if v.strip()):
        valid = ids.issn_valid(issn)
        prop = (BIBO.eissn if issn in marked else BIBO.issn) if valid else LDPUB.invalidIssn
        m.lit(prop, issn, node)


def journal(m: Writer, container: Container, values: list[str]) -> URIRef | None:
    """The journal, keyed by its ISSN-L when the source gives one, else by its first valid
    ISSN, else by title; None without any.

    The ISSN-L first: a journal's print and electronic ISSNs come in either order
    (PubMed lists the print one first for some articles, the electronic one for
    others), so keying by the first gave one journal two URIs.
    """
    title = (container.title or "").strip()
    if not title and not values:
        return None
    linking = ids.clean_issn(container.issn_l or "")
    valid = [i for i in [linking, *map(ids.clean_issn, values)] if ids.issn_valid(i)]
    node = m.thing("journal", valid[0] if valid else slug(title or values[0]))
    m.add(node, RDF.type, BIBO.Journal)
    m.add(node, RDF.type, BIBO.Collection)
    m.lit(DCTERMS.title, title, node)
    issns(m, node, values, container.eissn)
    m.lit(LDPUB.isoAbbreviation, container.iso_abbreviation, node)
    return node


def collections(m: Writer) -> None:
    """The collections a record belongs to."""
    for name in filter(str.strip, m.r.collections):
        m.add(m.s, DCTERMS.isPartOf, collection(m, name))


def collection(m: Writer, name: str) -> URIRef:
    """A collection keyed by the slug of its name, typed and titled: one name is one
    collection, whether a record names it as a collection or as its host (a MARC 773
    that is no serial, :func:`ld.mapping_transcribed.host`)."""
    node = m.thing("collection", slug(name))
    m.add(node, RDF.type, DCMITYPE.Collection)
    m.add(node, RDF.type, BIBO.Collection)
    m.lit(DCTERMS.title, name, node)
    return node
