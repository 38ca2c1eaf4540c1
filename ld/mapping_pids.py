"""Persistent identifiers of repository items that have no property of their own in
:mod:`ld.mapping`: handles, URNs (URN:NBN) and arXiv ids; and the PubMed records that
retract, correct, update or comment on a record, by their PMID.

Institutional repositories cite their items by these (oai_dc ``dc:identifier``
"hdl:1765/320", "urn:nbn:de:0001-12345", "arXiv:2101.00001"); a reader that
found no slot for them kept them in ``extra``, which is never published, so
they were lost with no word. Each is published as BIBO's identifier for it
(``bibo:handle``, ``bibo:uri`` for a URN, ``bibo:identifier`` "arXiv:..." for
arXiv, which BIBO has none for), never as ``dcterms:identifier``, which is the
record's own id (exactly one, shapes/record.ttl). A handle and an arXiv id
also get the page of their resolver (``foaf:page``), as a DOI gets its
doi.org IRI; a URN gets none, since URN:NBN resolvers differ by country.

A PubMed CommentsCorrections relation (:attr:`ld.model.Record.pubmed_relations`)
links the other article by its PubMed IRI (https://pubmed.ncbi.nlm.nih.gov/{PMID}/), the
one its own record names with rdfs:seeAlso, so it is a link whether or not that record
is loaded: a retraction as ``ldpub:retractedBy`` / ``ldpub:retractionOf`` (DCMI has no
term for it), an update as ``dcterms:isReplacedBy`` / ``dcterms:replaces``, a reprint or
republication as ``dcterms:hasVersion`` / ``dcterms:isVersionOf``, a patient summary's
"Original report in" as ``dcterms:references`` (the summary names the original), any
other ("Erratum in", "Comment on") as ``dcterms:isReferencedBy`` when the other article
is about this one, else ``dcterms:references``.

Apart from :mod:`ld.mapping` to keep that module's size in bounds; it writes
through the record's mapper (:class:`ld.mapping_things.Writer`).
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import URIRef
from rdflib import namespace as rdf_ns

from ld import namespaces as ns
from ld.mapping_identifiers import pubmed_iri
from ld.mapping_things import Writer

BIBO, FOAF, LDPUB = ns.Terms(ns.BIBO), ns.Terms(rdf_ns.FOAF), ns.Terms(ns.LDPUB)
DCTERMS = ns.Terms(rdf_ns.DCTERMS)
_RESOLVERS = {"handle": "https://hdl.handle.net/", "arxiv": "https://arxiv.org/abs/"}
_RELATIONS = {  # PubMed RefType -> property; any other: by its "In" (see the docstring)
    "RetractionIn": LDPUB.retractedBy, "RetractedandRepublishedIn": LDPUB.retractedBy,
    "RetractionOf": LDPUB.retractionOf, "RetractedandRepublishedFrom": LDPUB.retractionOf,
    "UpdateIn": DCTERMS.isReplacedBy, "UpdateOf": DCTERMS.replaces,
    # on a patient summary, naming the article it summarises: no "In" of another article
    "OriginalReportIn": DCTERMS.references,
    # the same article printed again elsewhere: a version of it, not words about it
    "ReprintIn": DCTERMS.hasVersion, "RepublishedIn": DCTERMS.hasVersion,
    "ReprintOf": DCTERMS.isVersionOf, "RepublishedFrom": DCTERMS.isVersionOf,
}


def persistent_ids(m: Writer) -> None:
    """bibo:handle, bibo:uri and bibo:identifier "arXiv:..." of the record, with pages."""
    r = m.r
    for handle in _unique(r.handles):
        m.lit(BIBO.handle, handle)
        _page(m, "handle", handle)
    m.lit(BIBO.uri, _unique(r.urns))
    for arxiv in _unique(r.arxiv):
        m.lit(BIBO.identifier, f"arXiv:{arxiv}")
        _page(m, "arxiv", arxiv)


def pubmed_relations(m: Writer) -> None:
    """The PubMed articles that retract, correct or comment on the record, or it on them."""
    for kind, pmid in dict.fromkeys(m.r.pubmed_relations):
        inward = DCTERMS.isReferencedBy if kind.endswith("In") else DCTERMS.references
        other = URIRef(pubmed_iri(pmid))
        m.add(m.s, _RELATIONS.get(kind, inward), other)


def _page(m: Writer, scheme: str, value: str) -> None:
    """The resolver's page of an identifier; its "/" kept, anything else unsafe encoded."""
    m.add(m.s, FOAF.page, URIRef(_RESOLVERS[scheme] + quote(value, safe="/:.-_~")))


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))
