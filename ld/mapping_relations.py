"""The works and items a record links to (:attr:`ld.model.Record.related`: MARC 760-787
linking entries, 7XX name-title entries), as Qualified Dublin Core relations.

An other edition (MARC 775) is ``dcterms:hasVersion``, another physical form (776,
"Online version:") ``dcterms:hasFormat``, a work an analytic name-title entry says
the record contains (7XX second indicator 2) ``dcterms:hasPart``, any other
``dcterms:relation`` (the LoC MARC to Dublin Core crosswalk: 760-787 to Relation).

The related item is a blank node typed ``dcterms:BibliographicResource``, with
what the record says of it: ``dcterms:title``, ``bibo:edition``, its main entry
as written (``ldpub:mainEntryHeading``), the relationship in words
(``ldpub:relationshipLabel``), a name-title entry's name as ``dcterms:creator``
(a person or organisation, keyed and stated as every other, its authority link
as owl:sameAs included: :func:`ld.mapping_things.agent_node`), and its numbers (``bibo:isbn``,
``bibo:issn``, ``bibo:oclcnum``, ``bibo:lccn``, ``bibo:identifier``).

Why a blank node, not an IRI: the item has no record of its own here, so no IRI
under our base would dereference, and an IRI minted from one of its numbers (a
WorldCat IRI from its OCLC number) would have every record that links it state
its own transcription of the title about one node (a 776 often abbreviates it), and
describe a thing that is not ours. Its numbers are published as literals, so a
consumer joins on them (``?print dcterms:hasFormat [ bibo:oclcnum ?n ]``).
Why not ``bibo:Document``: that is the class of our records (shapes/record.ttl
targets it and requires each to have a document); ``dcterms:BibliographicResource``
is the DCMI class of any bibliographic resource. A number that fails its check is
set apart (``ldpub:invalidIsbn``/``invalidIssn``) as on the record, and the shapes warn.
The identity linker (:mod:`ld.identity`) reads ISBNs of records only, not of these.
"""

from __future__ import annotations

from rdflib import BNode
from rdflib import namespace as rdf_ns

from ld import namespaces as ns
from ld.mapping_things import Writer, agent_node, isbns, issns
from ld.model import Related

RDF, DCTERMS = ns.Terms(rdf_ns.RDF), ns.Terms(rdf_ns.DCTERMS)
BIBO, LDPUB = ns.Terms(ns.BIBO), ns.Terms(ns.LDPUB)
_PROPERTIES = {"version": DCTERMS.hasVersion, "format": DCTERMS.hasFormat,
               "part": DCTERMS.hasPart, "other": DCTERMS.relation}


def related(m: Writer) -> None:
    """Each related item, linked from the record by its relation."""
    for item in m.r.related:
        node = BNode()
        m.add(m.s, _PROPERTIES[item.relation], node)
        m.add(node, RDF.type, DCTERMS.BibliographicResource)
        m.lit(DCTERMS.title, item.title, node)
        m.lit(BIBO.edition, item.edition, node)
        m.lit(LDPUB.mainEntryHeading, item.heading, node)
        m.lit(LDPUB.relationshipLabel, item.label, node)
        if item.creator is not None:
            m.add(node, DCTERMS.creator, agent_node(m, item.creator))
        _numbers(m, node, item)


def _numbers(m: Writer, node: BNode, item: Related) -> None:
    """ISBNs (valid ones as bibo:isbn, the rest ldpub:invalidIsbn), ISSNs alike, OCLC
    numbers, LCCNs and the other numbers as written."""
    isbns(m, node, item.isbn)
    issns(m, node, item.issn)
    m.lit(BIBO.oclcnum, item.oclc, node)
    m.lit(BIBO.lccn, item.lccn, node)
    m.lit(BIBO.identifier, item.identifiers, node)
