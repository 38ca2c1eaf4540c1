"""Vocabularies rdflib does not ship (BIBO) and our own (LDPUB).

Both are :class:`rdflib.namespace.DefinedNamespace` so that a typo in a term
fails at import time instead of minting a wrong IRI silently. Every LDPUB term
is described (rdfs:label, rdfs:comment) in ``vocab/ldpub.ttl``; a test keeps
this list and that file in step.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace
from rdflib.term import URIRef

LDPUB_NS = "https://w3id.org/ldpub/vocab#"


class BIBO(DefinedNamespace):
    """The Bibliographic Ontology (http://purl.org/ontology/bibo/), terms we use."""

    _fail = True
    _NS = Namespace("http://purl.org/ontology/bibo/")

    # classes
    AcademicArticle: URIRef
    Article: URIRef
    AudioDocument: URIRef
    AudioVisualDocument: URIRef
    Book: URIRef
    BookSection: URIRef
    Chapter: URIRef
    Collection: URIRef
    Document: URIRef
    EditedBook: URIRef
    Film: URIRef
    Image: URIRef
    Issue: URIRef
    Journal: URIRef
    Letter: URIRef
    Magazine: URIRef
    Manuscript: URIRef
    Map: URIRef
    Newspaper: URIRef
    Patent: URIRef
    Periodical: URIRef
    Proceedings: URIRef
    Report: URIRef
    Series: URIRef
    Standard: URIRef
    Thesis: URIRef
    Webpage: URIRef
    Website: URIRef
    # properties
    abstract: URIRef
    authorList: URIRef
    contributorList: URIRef
    editorList: URIRef
    doi: URIRef
    edition: URIRef
    editor: URIRef
    eissn: URIRef
    handle: URIRef
    identifier: URIRef
    isbn: URIRef
    isbn10: URIRef
    isbn13: URIRef
    issn: URIRef
    issue: URIRef
    lccn: URIRef
    numPages: URIRef
    oclcnum: URIRef
    pageEnd: URIRef
    pageStart: URIRef
    pages: URIRef
    pmid: URIRef
    shortTitle: URIRef
    uri: URIRef
    volume: URIRef


class LDPUB(DefinedNamespace):
    """ldpub's own small vocabulary; documented in vocab/ldpub.ttl."""

    _fail = True
    _NS = Namespace(LDPUB_NS)

    # classes
    RecordFormat: URIRef
    # properties
    pmcid: URIRef
    recordFormat: URIRef
    formatLabel: URIRef
    holdingInstitution: URIRef
    building: URIRef
    collection: URIRef
    sourceFile: URIRef
    warningCount: URIRef
    warning: URIRef
    publishable: URIRef
    affiliation: URIRef
    dates: URIRef
    role: URIRef
    contribution: URIRef  # [ agent, role ]: a role no relator stands for
    agent: URIRef
    series: URIRef
    responsibilityStatement: URIRef  # MARC 245 $c, as written
    dateAsWritten: URIRef  # "[between 1880 and 1893]", "1990 Spring"
    isoAbbreviation: URIRef
    grant: URIRef
    publicationPlace: URIRef
    invalidIsbn: URIRef
    invalidIssn: URIRef
    cancelledIsbn: URIRef  # MARC 020 $z: marked so by the record, no error
    cancelledIssn: URIRef  # MARC 022 $y/$z
    invalidDoi: URIRef
    invalidLink: URIRef
    invalidOrcid: URIRef
    invalidLanguage: URIRef  # a language value that names no language we can read
    droppedControlCharacters: URIRef  # C1 controls dropped from the title (mojibake)
    retractedBy: URIRef  # PubMed CommentsCorrections RetractionIn
    retractionOf: URIRef  # ... RetractionOf
    majorSubject: URIRef  # PubMed MajorTopicYN="Y": a main topic, besides dcterms:subject
    mainEntryHeading: URIRef  # a related item's main entry as written (MARC 76X-78X $a)
    relationshipLabel: URIRef  # how a related item relates, in words (MARC 76X-78X $i)
    ReadableRecordConstraintComponent: URIRef
    ReadableInputConstraintComponent: URIRef


DCMITYPE = Namespace("http://purl.org/dc/dcmitype/")
ISO639_2 = Namespace("http://id.loc.gov/vocabulary/iso639-2/")
ISO639_5 = Namespace("http://id.loc.gov/vocabulary/iso639-5/")  # families 639-2 lacks
MESH = Namespace("http://id.nlm.nih.gov/mesh/")
RELATORS = Namespace("http://id.loc.gov/vocabulary/relators/")
LDSH_NS = "https://w3id.org/ldpub/shapes#"
LDSH = Namespace(LDSH_NS)
# Hydra: the paging controls of a thing's paged record list (ld.document_meta)
HYDRA_NS = "http://www.w3.org/ns/hydra/core#"

# Prefixes used in every serialisation, SPARQL editor and JSON-LD @context.
PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": str(DCMITYPE),
    "bibo": str(BIBO._NS),
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "sh": "http://www.w3.org/ns/shacl#",
    "ldpub": LDPUB_NS,
    "ldsh": LDSH_NS,
    "relators": str(RELATORS),
    "hydra": HYDRA_NS,
}

# Superclasses the mapping states beside a thing's own class (ld.mapping_things:
# a person or organization is also a foaf:Agent, a journal or collection also a
# bibo:Collection), so that a shape checks "an agent" with one cheap sh:class.
# Pages show the thing's own class and leave these out.
STATED_SUPERCLASSES = frozenset({PREFIXES["foaf"] + "Agent", str(BIBO._NS) + "Collection"})



class Terms:
    """A namespace's terms as plain attributes, each looked up once.

    rdflib resolves every ``DCTERMS.title`` in DefinedNamespace's metaclass
    (checks, a new URIRef each time): 15-18% of a load's mapping CPU
    (docs/benchmarks.md, "Ingest"). The first access still goes through the
    real namespace, so an unknown term of a DefinedNamespace fails as before.
    """

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:  # only reached before the term is cached
        if name.startswith("__") or name.startswith("_mock"):
            raise AttributeError(name)  # introspection (copy, pickle, pytest), not a term
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return self._namespace[name]  # type: ignore[index]
