"""A record's rights -> DCMI terms: what a re-user of the data looks for first.

The source's rights come in three kinds (:class:`ld.model.Record`), published
with the three DCMI properties made for them, as the Library of Congress MARC
to Dublin Core crosswalk maps 506 and 540 to Rights:

- ``dcterms:license <IRI>``: the licence the work is under, by its IRI (MARC
  540 $u, JATS ``license/@xlink:href`` or ``ali:license_ref``, a ``dc:rights``
  that is a URL), so a consumer can select "everything under CC BY 4.0" by
  one IRI. Only an http or https IRI that passes the links' check
  (:func:`ld.mapping_identifiers.web_link`) is one: a licence is a document
  to read, and a page links it. Any other value ("CC BY 4.0", "ftp://...")
  is not lost but published as what it then is, a statement in words.
- ``dcterms:rights "..."``: the terms of use in words (MARC 540, ``dc:rights``,
  the JATS licence's paragraphs).
- ``dcterms:accessRights "..."``: who may access the work (MARC 506,
  OpenAIRE's access levels in ``dc:rights``).

Apart from :mod:`ld.mapping` to keep that module's size in bounds; it writes
through the record's mapper (:class:`ld.mapping_things.Writer`).
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib import namespace as rdf_ns

from ld import mapping_identifiers as ids
from ld import namespaces as ns
from ld.mapping_things import Writer

DCTERMS = ns.Terms(rdf_ns.DCTERMS)
LICENSE_SCHEMES = ("http", "https")


def rights(m: Writer) -> None:
    """The record's licences (dcterms:license), rights and access rights statements."""
    r = m.r
    for value in dict.fromkeys(v.strip() for v in r.licenses if v.strip()):
        iri = license_iri(value)
        if iri is None:  # not a licence's address: keep the words the source gave
            m.lit(DCTERMS.rights, value)
        else:
            m.add(m.s, DCTERMS.license, URIRef(iri))
    m.lit(DCTERMS.rights, r.rights)
    m.lit(DCTERMS.accessRights, r.access_rights)


def license_iri(value: str) -> str | None:
    """The IRI of a licence written ``value``: an http or https web link, else None."""
    link = ids.web_link(value)
    if link is None or link.partition(":")[0].lower() not in LICENSE_SCHEMES:
        return None
    return link
