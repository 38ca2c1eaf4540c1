"""Human labels for the terms pages show, so readers see words, not IRIs.

Labels for the standard vocabularies (DCTerms, BIBO, FOAF, SKOS, RDF(S),
OWL, VoID, SHACL) and the MARC relator roles are written here because their ontologies are not
available offline; our own vocabulary's labels come from ``vocab/*.ttl``
(``rdfs:label``), read once. Anything else falls back to its local name
split into words ("isPartOf" -> "is part of"), never to the bare IRI.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ld.namespaces import PREFIXES

_STANDARD: dict[str, str] = {
    # DCTerms
    "dcterms:title": "Title", "dcterms:alternative": "Other title",
    "dcterms:creator": "Author", "dcterms:contributor": "Contributor",
    "dcterms:publisher": "Publisher", "dcterms:issued": "Published",
    "dcterms:date": "Date", "dcterms:created": "Created", "dcterms:modified": "Modified",
    "dcterms:abstract": "Abstract", "dcterms:description": "Description",
    "dcterms:subject": "Subject", "dcterms:language": "Language",
    "dcterms:identifier": "Identifier", "dcterms:isPartOf": "Part of",
    "dcterms:hasPart": "Has part", "dcterms:type": "Type", "dcterms:format": "Format",
    "dcterms:extent": "Extent", "dcterms:license": "License", "dcterms:rights": "Rights",
    "dcterms:accessRights": "Access rights",
    "dcterms:source": "Source", "dcterms:conformsTo": "Conforms to",
    "dcterms:bibliographicCitation": "Citation", "dcterms:spatial": "Place",
    "dcterms:temporal": "Period", "dcterms:relation": "Related",
    "dcterms:references": "References", "dcterms:isReferencedBy": "Referenced by",
    "dcterms:tableOfContents": "Contents", "dcterms:audience": "Audience",
    "dcterms:medium": "Medium", "dcterms:hasVersion": "Other version",
    "dcterms:isVersionOf": "Version of",
    # BIBO
    "bibo:Document": "Document", "bibo:AcademicArticle": "Academic article",
    "bibo:Article": "Article", "bibo:Book": "Book", "bibo:BookSection": "Book section",
    "bibo:Chapter": "Chapter", "bibo:Journal": "Journal", "bibo:Periodical": "Periodical",
    "bibo:Thesis": "Thesis", "bibo:Report": "Report", "bibo:Proceedings": "Proceedings",
    "bibo:Series": "Series", "bibo:Issue": "Issue", "bibo:Manuscript": "Manuscript",
    "bibo:Map": "Map", "bibo:Film": "Film", "bibo:Image": "Image",
    "bibo:AudioDocument": "Audio document", "bibo:AudioVisualDocument": "Audio-visual document",
    "bibo:Webpage": "Web page",
    "bibo:Website": "Web site", "bibo:Collection": "Collection (BIBO)",
    "bibo:EditedBook": "Edited book", "bibo:Letter": "Letter", "bibo:Patent": "Patent",
    "bibo:Standard": "Standard", "bibo:Newspaper": "Newspaper", "bibo:Magazine": "Magazine",
    "bibo:abstract": "Abstract", "bibo:authorList": "Authors (in order)",
    "bibo:contributorList": "Contributors (in order)", "bibo:doi": "DOI",
    "bibo:edition": "Edition", "bibo:editor": "Editor", "bibo:eissn": "eISSN",
    "bibo:handle": "Handle", "bibo:identifier": "Identifier", "bibo:isbn": "ISBN",
    "bibo:isbn10": "ISBN-10",
    "bibo:isbn13": "ISBN-13", "bibo:issn": "ISSN", "bibo:issue": "Issue",
    "bibo:lccn": "LCCN", "bibo:numPages": "Number of pages", "bibo:oclcnum": "OCLC number",
    "bibo:pageEnd": "Last page", "bibo:pageStart": "First page", "bibo:pages": "Pages",
    "bibo:pmid": "PubMed ID", "bibo:shortTitle": "Short title", "bibo:uri": "URI",
    "bibo:volume": "Volume",
    # FOAF. foaf:Document types each record's description (its document, only counted in
    # VoID); bibo:Document, a record of no known type, keeps the plain word readers see
    "foaf:Person": "Person", "foaf:Organization": "Organization", "foaf:Agent": "Agent",
    "foaf:Document": "Document (FOAF)", "foaf:name": "Name", "foaf:familyName": "Family name",
    "foaf:givenName": "Given name", "foaf:page": "Web page", "foaf:homepage": "Home page",
    "foaf:primaryTopic": "About", "foaf:isPrimaryTopicOf": "Described by",
    "foaf:made": "Made", "foaf:maker": "Maker",
    # SKOS
    "skos:Concept": "Concept", "skos:ConceptScheme": "Concept scheme",
    "skos:prefLabel": "Label", "skos:altLabel": "Other label", "skos:notation": "Notation",
    "skos:inScheme": "In scheme", "skos:broader": "Broader", "skos:narrower": "Narrower",
    "skos:related": "Related", "skos:exactMatch": "Same concept",
    "skos:closeMatch": "Similar concept", "skos:definition": "Definition",
    "skos:scopeNote": "Scope note", "skos:note": "Note",
    # RDF, RDFS, OWL
    "rdf:type": "Type", "rdfs:label": "Label", "rdfs:comment": "Comment",
    "rdfs:seeAlso": "See also", "rdfs:isDefinedBy": "Defined by",
    "rdfs:Class": "Class", "rdf:Property": "Property", "owl:sameAs": "Same as",
    "owl:Class": "Class", "owl:ObjectProperty": "Object property",
    "owl:DatatypeProperty": "Datatype property", "owl:Ontology": "Ontology",
    # VoID, SHACL
    "void:Dataset": "Dataset", "void:triples": "Triples", "void:entities": "Entities",
    "void:sparqlEndpoint": "SPARQL endpoint", "void:dataDump": "Data dump",
    "void:uriSpace": "URI space", "void:exampleResource": "Example resource",
    "void:vocabulary": "Vocabulary", "void:classPartition": "Class partition",
    "void:classes": "Classes", "void:properties": "Properties",
    "void:class": "Class", "sh:NodeShape": "Node shape", "sh:PropertyShape": "Property shape",
    # dcmitype
    "dcmitype:Text": "Text", "dcmitype:Image": "Image", "dcmitype:Sound": "Sound",
    "dcmitype:MovingImage": "Moving image", "dcmitype:Dataset": "Dataset",
    "dcmitype:Collection": "Collection", "dcmitype:StillImage": "Still image",
    "dcmitype:PhysicalObject": "Physical object", "dcmitype:Software": "Software",
    "dcmitype:InteractiveResource": "Interactive resource", "dcmitype:Event": "Event",
    "dcmitype:Service": "Service",
}

# The MARC Code List for Relators (id.loc.gov/vocabulary/relators), code -> label, so a
# role such as relators:ill reads "illustrator" (and the page never shows "Ill").
_RELATOR_TERMS = """abr abridger|acp art copyist|act actor|adi art director|adp adapter|
aft author of afterword, colophon, etc.|anc announcer|anl analyst|anm animator|ann annotator|
ant bibliographic antecedent|ape appellee|apl appellant|app applicant|
aqt author in quotations or text abstracts|arc architect|ard artistic director|arr arranger|
art artist|asg assignee|asn associated name|ato autographer|att attributed name|
auc auctioneer|aud author of dialog|aue audio engineer|aui author of introduction, etc.|
aup audio producer|aus screenwriter|aut author|bdd binding designer|bjd bookjacket designer|
bka book artist|bkd book designer|bkp book producer|blw blurb writer|bnd binder|
bpd bookplate designer|brd broadcaster|brl braille embosser|bsl bookseller|
cad casting director|cas caster|ccp conceptor|chr choreographer|clb collaborator|cli client|
cll calligrapher|clr colorist|clt collotyper|cmm commentator|cmp composer|cmt compositor|
cnd conductor|cng cinematographer|cns censor|coe contestant-appellee|col collector|
com compiler|con conservator|cop camera operator|cor collection registrar|cos contestant|
cot contestant-appellant|cou court governed|cov cover designer|cpc copyright claimant|
cpe complainant-appellee|cph copyright holder|cpl complainant|cpt complainant-appellant|
cre creator|crp correspondent|crr corrector|crt court reporter|csl consultant|
csp consultant to a project|cst costume designer|ctb contributor|cte contestee-appellee|
ctg cartographer|ctr contractor|cts contestee|ctt contestee-appellant|cur curator|
cwt commentator for written text|dbd dubbing director|dbp distribution place|dfd defendant|
dfe defendant-appellee|dft defendant-appellant|dgc degree committee member|
dgg degree granting institution|dgs degree supervisor|dis dissertant|djo DJ|dln delineator|
dnc dancer|dnr donor|dpc depicted|dpt depositor|drm draftsman|drt director|dsr designer|
dst distributor|dtc data contributor|dte dedicatee|dtm data manager|dto dedicator|
dub dubious author|edc editor of compilation|edd editorial director|
edm editor of moving image work|edt editor|egr engraver|elg electrician|elt electrotyper|
eng engineer|enj enacting jurisdiction|etr etcher|evp event place|exp expert|
fac facsimilist|fds film distributor|fld field director|flm film editor|fmd film director|
fmk filmmaker|fmo former owner|fmp film producer|fnd funder|fon founder|fpy first party|
frg forger|gdv game developer|gis geographic information specialist|
grt graphic technician|his host institution|hnr honoree|hst host|ill illustrator|
ilu illuminator|ins inscriber|inv inventor|isb issuing body|itr instrumentalist|
ive interviewee|ivr interviewer|jud judge|jug jurisdiction governed|lbr laboratory|
lbt librettist|ldr laboratory director|led lead|lee libelee-appellee|lel libelee|len lender|
let libelee-appellant|lgd lighting designer|lie libelant-appellee|lil libelant|
lit libelant-appellant|lsa landscape architect|lse licensee|lso licensor|ltg lithographer|
lyr lyricist|mcp music copyist|mdc metadata contact|med medium|mfp manufacture place|
mfr manufacturer|mka makeup artist|mod moderator|mon monitor|mrb marbler|mrk markup editor|
msd musical director|mte metal-engraver|mtk minute taker|mup music programmer|mus musician|
mxe mixing engineer|nan news anchor|nrt narrator|onp onscreen participant|opn opponent|
org originator|orm organizer|osp onscreen presenter|oth other|own owner|pad place of address|
pan panelist|pat patron|pbd publishing director|pbl publisher|pdr project director|
pfr proofreader|pht photographer|plt platemaker|pma permitting agency|
pmn production manager|pop printer of plates|ppm papermaker|ppt puppeteer|pra praeses|
prc process contact|prd production personnel|pre presenter|prf performer|prg programmer|
prm printmaker|prn production company|pro producer|prp production place|
prs production designer|prt printer|prv provider|pta patent applicant|
pte plaintiff-appellee|ptf plaintiff|pth patent holder|ptt plaintiff-appellant|
pup publication place|rap rapporteur|rbr rubricator|rcd recordist|rce recording engineer|
rcp addressee|rdd radio director|red redaktor|ren renderer|res researcher|rev reviewer|
rpc radio producer|rps repository|rpt reporter|rpy responsible party|
rse respondent-appellee|rsg restager|rsp respondent|rsr restorationist|
rst respondent-appellant|rth research team head|rtm research team member|
rxa remix artist|sad scientific advisor|sce scenarist|scl sculptor|scr scribe|
sde sound engineer|sds sound designer|sec secretary|sfx special effects provider|
sgd stage director|sgn signer|sht supporting host|sll seller|sng singer|spk speaker|
spn sponsor|spy second party|srv surveyor|std set designer|stg setting|stl storyteller|
stm stage manager|stn standards body|str stereotyper|swd software developer|
tad technical advisor|tau television writer|tcd technical director|tch teacher|
ths thesis advisor|tld television director|tlg television guest|tlh television host|
tlp television producer|trc transcriber|trl translator|tyd type designer|tyg typographer|
uvp university place|vac voice actor|vdg videographer|vfx visual effects provider|
voc vocalist|wac writer of added commentary|wal writer of added lyrics|
wam writer of accompanying material|wat writer of added text|wdc woodcutter|
wde wood engraver|wfs writer of film story|wft writer of intertitles|
win writer of introduction|wit witness|wpr writer of preface|
wst writer of supplementary textual content|wts writer of television story"""
RELATORS_NS = PREFIXES["relators"]
RELATOR_ROLES: dict[str, str] = {
    RELATORS_NS + code: role for code, role in (
        item.strip().split(" ", 1) for item in _RELATOR_TERMS.split("|"))}

ISO639_2_NS = "http://id.loc.gov/vocabulary/iso639-2/"
ISO639_5_NS = "http://id.loc.gov/vocabulary/iso639-5/"  # language families 639-2 lacks
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=4096)
def expand(curie: str) -> str:
    """``dcterms:title`` -> full IRI (unknown prefixes are returned unchanged)."""
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else curie


@lru_cache(maxsize=16384)
def compact(iri: str) -> str:
    """Full IRI -> ``prefix:local`` when a known prefix matches, else the IRI."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table = {expand(k): v for k, v in _STANDARD.items()}
    table.update(RELATOR_ROLES)
    table.update(SCHEME_LABELS)
    table.update(_vocab_labels())
    return table


# The concept schemes subjects are stated to be in (ld.mapping_things.SCHEMES), by the
# names librarians know them by: a subject page said "In scheme
# http://id.loc.gov/authorities/subjects", and two subjects of one label from two
# schemes could not be told apart.
SCHEME_LABELS = {
    "http://id.nlm.nih.gov/mesh/": "MeSH (Medical Subject Headings)",
    "http://id.loc.gov/authorities/subjects": "LCSH (Library of Congress Subject Headings)",
    "http://id.loc.gov/authorities/genreForms": "LCGFT (Library of Congress Genre/Form Terms)",
    # the classifications of class numbers (ld.mapping_classes.CLASS_SCHEMES)
    "http://id.loc.gov/authorities/classification": "LCC (Library of Congress Classification)",
    "http://id.loc.gov/vocabulary/classSchemes/ddc": "DDC (Dewey Decimal Classification)",
    "http://id.loc.gov/vocabulary/classSchemes/nlm": "NLM Classification",
    "http://id.loc.gov/vocabulary/classSchemes/udc": "UDC (Universal Decimal Classification)",
}


def _vocab_labels() -> dict[str, str]:
    """``rdfs:label``s (English first) from every Turtle file in vocab/ and shapes/."""
    import pyoxigraph as ox

    from ld.config import data_dir

    labels: dict[str, str] = {}
    label_iri = ox.NamedNode(expand("rdfs:label"))
    for folder in ("vocab", "shapes"):
        for path in sorted(Path(data_dir(folder)).glob("*.ttl")):
            try:
                with path.open("rb") as f:
                    for t in ox.parse(f, format=ox.RdfFormat.TURTLE):
                        if t.predicate != label_iri or not isinstance(t.object, ox.Literal):
                            continue
                        if t.object.language in (None, "en") or t.subject.value not in labels:
                            labels[t.subject.value] = t.object.value
            except (OSError, SyntaxError, ValueError):
                continue  # a broken vocab file must not take pages down
    return labels


def known(iri: str) -> str | None:
    """A label we really know (vocabularies, ISO 639-2 languages, ISO 639-5 families),
    else None."""
    found = _table().get(iri)
    if found:  # "illustrator" -> "Illustrator"; a word cased inside ("eISSN") as written
        return found if found[1:2].isupper() else found[:1].upper() + found[1:]
    for namespace in (ISO639_2_NS, ISO639_5_NS):
        if iri.startswith(namespace):
            from ld.mapping_languages import language_name

            return language_name(iri[len(namespace):])
    return None


def label(iri: str) -> str:
    """The label of a term or class IRI; the local name in words as a fallback."""
    found = known(iri)
    if found:
        return found
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    words = _CAMEL.sub(" ", local).replace("_", " ")
    return words[:1].upper() + words[1:]


def role(iri: str) -> str | None:
    """The role a MARC relator property names, in lower case as it reads beside a name
    ("illustrator"); an unknown code as itself; None for any other property."""
    if not iri.startswith(RELATORS_NS):
        return None
    return RELATOR_ROLES.get(iri, iri[len(RELATORS_NS):])


def preload() -> None:
    """Read the vocabulary files now (so the first request does not pay)."""
    _table()
