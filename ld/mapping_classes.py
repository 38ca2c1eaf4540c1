"""Class numbers -> SKOS concepts of their classification, subjects of the record.

A class number (``Record.classifications``: MARC 050/060/080/082/084, VuFind
``callnumber-a`` and ``dewey-full``) is the main subject access of many
catalogues; the Library of Congress MARC to Dublin Core crosswalk maps it to
Subject with the scheme's encoding (LCC, NLM, UDC, DDC). It is published as
subjects with a scheme are (:func:`ld.mapping_things.concept`): a
``skos:Concept`` the record is ``dcterms:subject`` of, keyed by scheme and
number (``{base}id/subject/lcc-pq2603-e362``, ``ddc-843-914``), so every
record of one class meets on one URI and a query can ask for a class without
knowing its wording. The concept has the number as ``skos:notation`` (the
SKOS property for a code of a classification) and as its ``skos:prefLabel``,
since no caption is known ("843.914" names it better than nothing), and
``skos:inScheme`` the scheme's IRI where it has one. A literal such as
``dcterms:subject "843.914"^^ex:DDC`` would give no node to link, browse or
describe, and would mix text and things under one property.

The key keeps numbers of a scheme apart: LCC, NLM and DDC numbers are letters,
digits, points and spaces, which the slug keeps apart; a number with other
punctuation (UDC "821.111-31" and "821.111.31", most 084 schemes) gets a short
hash of its exact text as well.
"""

from __future__ import annotations

import hashlib
import re

from rdflib import URIRef
from rdflib import namespace as rdf_ns

from ld import mapping_terms as t
from ld import namespaces as ns
from ld.mapping_things import Writer
from ld.uris import slug

RDF, DCTERMS, SKOS = (ns.Terms(n) for n in (rdf_ns.RDF, rdf_ns.DCTERMS, rdf_ns.SKOS))
CLASS_SCHEMES = {  # scheme name -> the classification's IRI (the LCC linked data service;
    # LoC's Classification Scheme Source Codes for the others)
    "lcc": URIRef("http://id.loc.gov/authorities/classification"),
    "ddc": URIRef("http://id.loc.gov/vocabulary/classSchemes/ddc"),
    "nlm": URIRef("http://id.loc.gov/vocabulary/classSchemes/nlm"),
    "udc": URIRef("http://id.loc.gov/vocabulary/classSchemes/udc"),
}
_PLAIN = re.compile(r"[A-Za-z0-9. ]+")  # what a slug keeps apart as written


def classifications(m: Writer) -> None:
    """dcterms:subject for every class number of the record that names its scheme."""
    for subject in m.r.classifications:
        notation, scheme = " ".join(subject.label.split()), (subject.scheme or "").lower()
        if notation and scheme:
            m.add(m.s, DCTERMS.subject, class_concept(m, scheme, notation))


def class_concept(m: Writer, scheme: str, notation: str) -> URIRef:
    """The class's skos:Concept: its number (notation and label) and its scheme."""
    node = m.thing("subject", class_key(scheme, notation))
    m.add(node, RDF.type, SKOS.Concept)
    m.add(node, SKOS.prefLabel, t.text_literal(notation))
    m.add(node, SKOS.notation, t.text_literal(notation))
    if scheme in CLASS_SCHEMES:
        m.add(node, SKOS.inScheme, CLASS_SCHEMES[scheme])
    return node


def class_key(scheme: str, notation: str) -> str:
    """"lcc-pq2603-e362"; with a hash of the number when the slug would lose some of it."""
    key = slug(f"{scheme} {notation}")
    if _PLAIN.fullmatch(notation):
        return key
    return f"{key}-{hashlib.sha256(notation.encode()).hexdigest()[:8]}"

