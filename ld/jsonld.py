"""Compact JSON-LD with ldpub's own published ``@context``, written fast.

Why not rdflib or pyld: both are two orders of magnitude too slow for the
request path (rdflib's JSON-LD serializer and pyld's compaction cost
milliseconds per record), and pyoxigraph writes expanded JSON-LD only. The
context is ours and fixed, so compaction is a table lookup: a predicate with
a term in :data:`TERMS` is written under that term, otherwise as a compact
IRI (``bibo:pmid``) from :data:`ld.namespaces.PREFIXES`.

Correctness first: a term that coerces its values to IRIs (``"@type":
"@id"``) is used only for IRIs, blank nodes and lists of them; a literal
under such a predicate is written with the compact-IRI key and an explicit
value object, so every document expands to exactly the triples it was given.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Protocol

import pyoxigraph as ox

from ld.labels import compact, expand
from ld.namespaces import PREFIXES

RDF_TYPE = expand("rdf:type")
XSD_STRING = expand("xsd:string")
RDF_NIL = expand("rdf:nil")
FIRST, REST = "rdf:first", "rdf:rest"  # the keys _key_and_value gives them

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
    "rights": ("dcterms:rights", False),
    "accessRights": ("dcterms:accessRights", False),
    "source": ("dcterms:source", True),
    "extent": ("dcterms:extent", False),
    "name": ("foaf:name", False),
    "familyName": ("foaf:familyName", False),
    "givenName": ("foaf:givenName", False),
    "primaryTopic": ("foaf:primaryTopic", True),
    "isPrimaryTopicOf": ("foaf:isPrimaryTopicOf", True),
    "prefLabel": ("skos:prefLabel", False),
    "altLabel": ("skos:altLabel", False),
    "inScheme": ("skos:inScheme", True),
    "notation": ("skos:notation", False),
    "label": ("rdfs:label", False),
    "sameAs": ("owl:sameAs", True),
    "authorList": ("bibo:authorList", True),
    "editorList": ("bibo:editorList", True),
    "doi": ("bibo:doi", False),
    "pmid": ("bibo:pmid", False),
    "issn": ("bibo:issn", False),
    "eissn": ("bibo:eissn", False),
    "isbn": ("bibo:isbn", False),
    "volume": ("bibo:volume", False),
    "issue": ("bibo:issue", False),
    "pageStart": ("bibo:pageStart", False),
    "pageEnd": ("bibo:pageEnd", False),
    "pmcid": ("ldpub:pmcid", False),
    "dates": ("ldpub:dates", False),
}
_BY_IRI = {expand(curie): (term, coerced) for term, (curie, coerced) in TERMS.items()}


def context() -> dict[str, Any]:
    """The document served at ``/context.jsonld`` (and only referenced elsewhere)."""
    ctx: dict[str, Any] = dict(PREFIXES)
    for term, (curie, coerced) in TERMS.items():
        ctx[term] = {"@id": curie, "@type": "@id"} if coerced else curie
    return {"@context": ctx}


_NAMED, _BLANK = ox.NamedNode, ox.BlankNode


@lru_cache(maxsize=4096)
def _key(predicate: str) -> tuple[str | None, bool, str]:
    """(term of our context or None, does it coerce to IRIs, compact IRI): once per IRI."""
    term, coerced = _BY_IRI.get(predicate, (None, False))
    return term, coerced, compact(predicate)


@lru_cache(maxsize=1024)
def _type(iri: str) -> str:
    return compact(iri)


def _literal(obj: ox.Literal) -> dict[str, str]:
    if obj.language:
        return {"@value": obj.value, "@language": obj.language}
    datatype = obj.datatype.value
    if datatype != XSD_STRING:
        return {"@value": obj.value, "@type": _type(datatype)}
    return {"@value": obj.value}


def _key_and_value(predicate: str, obj: Any) -> tuple[str, Any]:
    """The node key and JSON value of one statement (see the module docstring).

    A blank node goes under the term too, coerced or not: a node object
    (``{"@id": "_:b"}``) is not touched by ``"@type": "@id"``, and the term is
    the key a reader of the context looks for (an author list is one).
    """
    term, coerced, curie = _key(predicate)
    kind = type(obj)
    if kind is _NAMED:
        if term is None:
            return curie, {"@id": obj.value}
        return term, (obj.value if coerced else {"@id": obj.value})
    if kind is _BLANK:
        return (curie if term is None else term), {"@id": f"_:{obj.value}"}
    value = _literal(obj)
    if term is None or coerced:
        return curie, value
    return term, value["@value"] if len(value) == 1 else value


class Cells(Protocol):
    """Where the cells of RDF lists are found: in the same document, or (the dump, which
    sees one subject at a time) in a table of every cell (:mod:`ld.dumps_jsonld`)."""

    def cell(self, node_id: str) -> tuple[Any, Any] | None:
        """The ``rdf:first`` and ``rdf:rest`` values of a list cell used once, else None."""

    def consumed(self, chain: list[str]) -> None:
        """These cells are written inside a ``@list`` now: not as node objects."""


def nodes(triples: Iterable[ox.Triple | ox.Quad], cells: Cells | None = None
          ) -> list[dict[str, Any]]:
    """Group triples into compact node objects, in first-seen subject order; the lists
    whose cells are here (or in ``cells``) written as ``{"@list": [...]}``.

    Written for speed (it runs on every JSON-LD and HTML miss): one pass,
    type checks by identity, per-IRI work cached.
    """
    by_subject: dict[str, dict[str, Any]] = {}
    for t in triples:
        subject = t.subject
        sid = subject.value if type(subject) is _NAMED else f"_:{subject.value}"
        node = by_subject.get(sid)
        if node is None:
            node = by_subject[sid] = {"@id": sid}
        predicate, obj = t.predicate.value, t.object
        if predicate == RDF_TYPE and type(obj) is _NAMED:
            node.setdefault("@type", []).append(_type(obj.value))
            continue
        key, value = _key_and_value(predicate, obj)
        node.setdefault(key, []).append(value)
    if cells is not None:
        write_lists(by_subject, cells)
    elif any(FIRST in node for node in by_subject.values()):  # most documents have none
        local = _LocalCells(by_subject)
        write_lists(by_subject, local)
        local.drop()
    for node in by_subject.values():
        for key, values in node.items():
            if type(values) is list and len(values) == 1:
                node[key] = values[0]
    return list(by_subject.values())


def cell(run: Sequence[ox.Triple]) -> tuple[str, Any, Any]:
    """A list cell's id, ``rdf:first`` and ``rdf:rest`` values as :func:`nodes` writes
    them, from its two statements alone: what :mod:`ld.dumps_jsonld` notes of every
    cell of a dump (without building a node and looking for lists in it)."""
    values = dict(_key_and_value(t.predicate.value, t.object) for t in run)
    return f"_:{run[0].subject.value}", values[FIRST], values[REST]


def cell_of(node: dict[str, Any]) -> tuple[Any, Any] | None:
    """(first, rest) of a node that is a list cell: a blank node with exactly one
    ``rdf:first``, one ``rdf:rest`` and nothing else (singletons or one-item lists)."""
    if set(node) != {"@id", FIRST, REST} or not node["@id"].startswith("_:"):
        return None
    first, rest = node[FIRST], node[REST]
    firsts = first if type(first) is list else [first]
    rests = rest if type(rest) is list else [rest]
    return (firsts[0], rests[0]) if len(firsts) == len(rests) == 1 else None


def write_lists(by_subject: dict[str, dict[str, Any]], cells: Cells) -> None:
    """Well-formed RDF lists of blank nodes become ``{"@list": [...]}`` values, in place.

    The author list is the one place order matters in a record, and a chain of
    ``rdf:first``/``rdf:rest`` nodes is what every JSON-LD consumer has to
    untangle by hand. A list is rewritten only when all of it is known: every
    cell a blank node with exactly one ``rdf:first``, one ``rdf:rest`` and
    nothing else, used once, ending in ``rdf:nil``; it expands to the same
    triples (fresh blank nodes for the cells). Under a term that coerces to
    IRIs (``authorList``) the members are written as strings, as a JSON-LD
    1.1 processor compacts them.
    """
    for node in by_subject.values():
        if cell_of(node) is not None:
            continue  # a cell itself: its rest is the tail of a list, not a list of its own
        for key, values in node.items():
            for i, value in enumerate(values if type(values) is list else ()):
                if type(value) is dict and value.get("@id", "").startswith("_:"):
                    items = _list_items(cells, value)
                    if items is not None:
                        values[i] = {"@list": _coerced(key, items)}


def _list_items(cells: Cells, value: Any) -> list[Any] | None:
    """The members of the list ``value`` heads, its cells then consumed; None if it is
    not one."""
    items: list[Any] = []
    chain: list[str] = []  # the cells in order; ``seen`` the same, to test at once
    seen: set[str] = set()
    while type(value) is dict and value.get("@id") != RDF_NIL:
        node_id = value.get("@id", "")
        found = cells.cell(node_id) if node_id.startswith("_:") else None
        if found is None or node_id in seen:
            return None
        chain.append(node_id)
        seen.add(node_id)
        items.append(found[0])
        value = found[1]
    if type(value) is not dict or not chain:
        return None
    cells.consumed(chain)
    return items


def _coerced(key: str, items: list[Any]) -> list[Any]:
    """List members under ``key``: node references as plain strings when the term coerces
    them to IRIs (``"authorList": {"@list": ["http://..."]}``)."""
    if not TERMS.get(key, ("", False))[1]:
        return items
    return [v["@id"] if type(v) is dict and len(v) == 1 and "@id" in v else v for v in items]


class _LocalCells:
    """The cells of one document, found in its own node objects."""

    def __init__(self, by_subject: dict[str, dict[str, Any]]) -> None:
        self.by_subject, self.used = by_subject, []
        self.uses: dict[str, int] = {}
        for node in by_subject.values():
            for values in node.values():
                for value in values if type(values) is list else ():
                    if type(value) is dict and value.get("@id", "").startswith("_:"):
                        self.uses[value["@id"]] = self.uses.get(value["@id"], 0) + 1

    def cell(self, node_id: str) -> tuple[Any, Any] | None:
        node = self.by_subject.get(node_id)
        return None if node is None or self.uses.get(node_id) != 1 else cell_of(node)

    def consumed(self, chain: list[str]) -> None:
        self.used.extend(chain)

    def drop(self) -> None:
        """Remove the consumed cells' node objects (not while the lists are written)."""
        for node_id in self.used:
            del self.by_subject[node_id]


def document(triples: Iterable[ox.Triple | ox.Quad], context_url: str) -> bytes:
    """A compact JSON-LD document referring to our published context."""
    doc = {"@context": context_url, "@graph": nodes(triples)}
    # no indent: with one, json falls back to its pure-Python encoder (3.5x slower)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
