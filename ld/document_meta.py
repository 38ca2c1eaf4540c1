"""What the document about a person, organisation, journal, subject or collection says
of itself: no Flask here, no store.

A record's document describes itself in its stored graph (:meth:`ld.mapping.Mapper.document`).
The other things have no graph of their own: :func:`ld.document.load` gathers their
document from every record graph, so it adds these statements when it is read. Without
them a client that dereferences ``/id/person/x`` found no link to the document, the
dataset (VoID section 7: ``void:inDataset`` on every document), its licence or its
SPARQL endpoint.

A thing's record list is paged (50 a page). Its RDF then says so in Hydra, the
vocabulary Linked Data Fragments clients (Comunica) and lobid read: the document is a
``hydra:Collection`` with ``hydra:totalItems``, and each page a
``hydra:PartialCollectionView`` with first/previous/next/last. Without them page 1
looked complete (50 of 159 records). The first page is the canonical document IRI,
never ``?page=1``, which would name the same document twice.
"""

from __future__ import annotations

import pyoxigraph as ox

from ld.labels import expand
from ld.listing import Listing, page_query

_TYPE = ox.NamedNode(expand("rdf:type"))


def _n(iri_or_curie: str) -> ox.NamedNode:
    return ox.NamedNode(expand(iri_or_curie))


def dataset_iri(base: str) -> str:
    """The dataset every document is in (its VoID description: ld.void)."""
    return f"{base}dataset"


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n("xsd:integer"))


def describing(doc: str, thing: str, base: str, license: str | None) -> list[ox.Triple]:
    """``<doc> a foaf:Document; foaf:primaryTopic <thing>; void:inDataset <{base}dataset>``
    and, when the dataset has one, the licence of its metadata (``dcterms:license``)."""
    d = _n(doc)
    return [ox.Triple(d, _TYPE, _n("foaf:Document")),
            ox.Triple(d, _n("foaf:primaryTopic"), _n(thing)),
            ox.Triple(d, _n("void:inDataset"), _n(dataset_iri(base))),
            *licensed(doc, license)]


def licensed(doc: str, license: str | None) -> list[ox.Triple]:
    """``<doc> dcterms:license <license>`` for a record's document, when the dataset has a
    licence: a record's document said none, though every other document did."""
    if not license:
        return []
    return [ox.Triple(_n(doc), _n("dcterms:license"), _n(license))]


def paging(doc: str, listing: Listing) -> list[ox.Triple]:
    """The Hydra controls of one page of a record list that has more than one page."""
    if listing.pages <= 1:
        return []
    d, view = _n(doc), _n(doc + page_query(listing.page))
    links = {"first": 1, "previous": listing.page - 1, "last": listing.pages,
             "next": listing.page + 1 if listing.page < listing.pages else 0}
    triples = [ox.Triple(d, _TYPE, _n("hydra:Collection")),
               ox.Triple(d, _n("hydra:totalItems"), integer(listing.total)),
               ox.Triple(d, _n("hydra:view"), view),
               ox.Triple(view, _TYPE, _n("hydra:PartialCollectionView")),
               ox.Triple(view, _n("hydra:itemsPerPage"), integer(listing.size))]
    return triples + [ox.Triple(view, _n(f"hydra:{rel}"), _n(doc + page_query(n)))
                      for rel, n in links.items() if n >= 1]
