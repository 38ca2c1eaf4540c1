"""Compact JSON-LD with ldpub's own published ``@context``, written fast.

Why not rdflib or pyld: both are two orders of magnitude too slow for the
request path (rdflib's JSON-LD serializer and pyld's compaction cost
milliseconds per record), and pyoxigraph writes expanded JSON-LD only. The
context is ours and fixed, so compaction is a table lookup: a predicate with
a term in :data:`TERMS` is written under that term, otherwise as a compact
IRI (``bibo:pmid``) from :data:`ld.namespaces.PREFIXES`.

Correctness first: a term that coerces its values to IRIs (``"@type":
"@id"``) is used only for IRI values; a literal under such a predicate is
written with the compact-IRI key and an explicit value object, so every
document expands to exactly the triples it was given.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from ld.labels import compact, expand
from ld.namespaces import PREFIXES

RDF_TYPE = expand("rdf:type")
XSD_STRING = expand("xsd:string")

# term -> (CURIE, coerced to IRI?)
TERMS: dict[str, tuple[str, bool]] = {
    "title": ("dcterms:title", False),
    "alternative": ("dcterms:alternative", False),
    "creator": ("dcterms:creator", True),
    "contributor": ("dcterms:contributor", True),
    "publisher": ("dcterms:publisher", True),
    "issued": ("dcterms:issued", False),
    "modified": ("dcterms:modified", False),
    "abstract": ("dcterms:abstract", False),
    "description": ("dcterms:description", False),
    "subject": ("dcterms:subject", True),
    "language": ("dcterms:language", True),
    "identifier": ("dcterms:identifier", False),
    "isPartOf": ("dcterms:isPartOf", True),
    "conformsTo": ("dcterms:conformsTo", True),
    "license": ("dcterms:license", True),
    "source": ("dcterms:source", True),
    "extent": ("dcterms:extent", False),
    "name": ("foaf:name", False),
    "familyName": ("foaf:familyName", False),
    "givenName": ("foaf:givenName", False),
    "primaryTopic": ("foaf:primaryTopic", True),
    "isPrimaryTopicOf": ("foaf:isPrimaryTopicOf", True),
    "prefLabel": ("skos:prefLabel", False),
    "inScheme": ("skos:inScheme", True),
    "label": ("rdfs:label", False),
    "sameAs": ("owl:sameAs", True),
    "authorList": ("bibo:authorList", True),
    "doi": ("bibo:doi", False),
    "pmid": ("bibo:pmid", False),
    "issn": ("bibo:issn", False),
    "isbn": ("bibo:isbn", False),
    "volume": ("bibo:volume", False),
    "issue": ("bibo:issue", False),
    "pageStart": ("bibo:pageStart", False),
    "pageEnd": ("bibo:pageEnd", False),
    "pmcid": ("ldpub:pmcid", False),
}
_BY_IRI = {expand(curie): (term, coerced) for term, (curie, coerced) in TERMS.items()}


def context() -> dict[str, Any]:
    """The document served at ``/context.jsonld`` (and only referenced elsewhere)."""
    ctx: dict[str, Any] = dict(PREFIXES)
    for term, (curie, coerced) in TERMS.items():
        ctx[term] = {"@id": curie, "@type": "@id"} if coerced else curie
    return {"@context": ctx}


def _node_id(term: ox.NamedNode | ox.BlankNode) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _value(obj: Any) -> dict[str, str]:
    if isinstance(obj, (ox.NamedNode, ox.BlankNode)):
        return {"@id": _node_id(obj)}
    if obj.language:
        return {"@value": obj.value, "@language": obj.language}
    if obj.datatype.value != XSD_STRING:
        return {"@value": obj.value, "@type": compact(obj.datatype.value)}
    return {"@value": obj.value}


def _key_and_value(predicate: str, obj: Any) -> tuple[str, Any]:
    term, coerced = _BY_IRI.get(predicate, (None, False))
    is_iri = isinstance(obj, ox.NamedNode)
    if term and coerced and is_iri:
        return term, obj.value
    if term and not coerced:
        value = _value(obj)
        return term, value["@value"] if list(value) == ["@value"] else value
    return compact(predicate), _value(obj)


def nodes(triples: Iterable[ox.Triple | ox.Quad]) -> list[dict[str, Any]]:
    """Group triples into compact node objects, in first-seen subject order."""
    by_subject: dict[str, dict[str, Any]] = {}
    for t in triples:
        sid = _node_id(t.subject)
        node = by_subject.setdefault(sid, {"@id": sid})
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(t.object.value))
            continue
        key, value = _key_and_value(t.predicate.value, t.object)
        node.setdefault(key, []).append(value)
    for node in by_subject.values():
        for key, values in node.items():
            if isinstance(values, list) and len(values) == 1:
                node[key] = values[0]
    return list(by_subject.values())


def document(triples: Iterable[ox.Triple | ox.Quad], context_url: str) -> bytes:
    """A compact JSON-LD document referring to our published context."""
    doc = {"@context": context_url, "@graph": nodes(triples)}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
