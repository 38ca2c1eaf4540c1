"""Identity across sources: the same work from VuFind JSON, MARC and PubMed XML.

Decision: each source's record keeps its own URI and named graph, and a
later record says ``owl:sameAs`` the FIRST record loaded that shares a
strong identifier with it (DOI, PMID, PMCID or ISBN-13). URIs are not
shared because a record's graph is replaced or deleted as a unit when its
source is re-loaded or withdraws it: two sources writing one subject would
let one source's update silently remove what the other said, and provenance
(which catalogue said what) would be lost. With owl:sameAs both descriptions
stay, each under its source's control, and a reasoner or a SPARQL property
path (``owl:sameAs*``) joins them. Linking to the first (not to every
match) keeps the links a star around one stable node instead of a clique.

"First" is the matching record whose document has the earliest
``dcterms:modified`` (records of one load share it: then the one that links
to no other record); a re-load of that first record adds no link (it has
nothing earlier to point to). The store is asked once per load for every
stored identifier; records of the same run that are not in the store yet
are added to that in-memory index as they are linked, so a batch that holds
the same article twice links too. ``ldpub load`` links in its main process,
after validation (see :mod:`ld.ingest`).

Agents are not handled here: the mapper already gives people with an ORCID
or an authority link one URI across records (their strongest identifier is
their key), which is the "share one URI" rule for people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL

from ld.namespaces import BIBO, LDPUB
from ld.store.base import Store

Triple = tuple[URIRef, URIRef, URIRef]
KEYS = (BIBO.doi, BIBO.pmid, LDPUB.pmcid, BIBO.isbn13, BIBO.isbn10, BIBO.isbn)
_KEYSET = frozenset(KEYS)


def identifiers(graph: Graph, subject: URIRef) -> set[tuple[str, str]]:
    """Normalised (kind, value) pairs that identify the work: DOI lower-cased, ISBN-13."""
    found: set[tuple[str, str]] = set()
    for predicate in KEYS:
        for value in graph.objects(subject, predicate):
            key = normalise(predicate, str(value))
            if key:
                found.add(key)
    return found


def normalise(predicate: URIRef, value: str) -> tuple[str, str] | None:
    text = value.strip()
    if not text:
        return None
    if predicate == BIBO.doi:
        return "doi", text.lower()
    if predicate == BIBO.pmid:
        return ("pmid", text.lstrip("0")) if text.isdigit() else None
    if predicate == LDPUB.pmcid:
        digits = text.upper().removeprefix("PMC")
        return ("pmcid", f"PMC{digits}") if digits.isdigit() else None
    isbn = isbn13(text)
    return ("isbn", isbn) if isbn else None


def isbn13(value: str) -> str | None:
    """ISBN-13 digits for an ISBN-10 or ISBN-13 (hyphens ignored), else None."""
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    if len(digits) == 13 and digits.isdigit():
        return digits
    if len(digits) == 10 and digits[:9].isdigit():
        core = "978" + digits[:9]
        check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core)) % 10)
        return core + str(check % 10)
    return None


def triple_keys(triples: Iterable[tuple[Any, Any, Any]]) -> tuple[tuple[str, str], ...]:
    """The identifiers of the record a set of mapped triples describes (any subject).

    The load's workers call this on the triples they mapped and send the keys
    with the record's N-Quads, so the main process links without parsing. Only
    the record itself carries these predicates in a mapped graph.
    """
    keys = {key for _, p, o in triples if p in _KEYSET and (key := normalise(p, str(o)))}
    return tuple(sorted(keys))


class IdentityLinker:
    """Finds the first record sharing an identifier; returns the owl:sameAs to add.

    One linker per load run: ``link`` (or ``link_keys``) is called for each
    mapped record in load order, before it is stored, and remembers it for
    the rest of the run. The store is asked once, on first use: one SELECT
    reads every stored record's identifiers and its document's
    dcterms:modified into an index (identifier -> first record), so linking
    costs a few dict look-ups per record instead of a query per record.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._first: dict[tuple[str, str], str] | None = None  # identifier -> first record

    def link(self, graph: Graph, record_iri: str) -> list[Triple]:
        subject = URIRef(record_iri)
        first = self.link_keys(identifiers(graph, subject), record_iri)
        return [(subject, OWL.sameAs, URIRef(first))] if first else []

    def link_keys(self, keys: Iterable[tuple[str, str]], record_iri: str) -> str | None:
        """The IRI of the first record sharing one of ``keys``, or None; remembers this one."""
        index = self._index()
        keys = list(keys)
        first = next((index[k] for k in keys if index.get(k, record_iri) != record_iri), None)
        for key in keys:
            index.setdefault(key, first or record_iri)
        return first

    def _index(self) -> dict[tuple[str, str], str]:
        if self._first is None:
            self._first = {}
            rows = self.store.select(INDEX_QUERY)
            linked = {str(r["record"]) for r in rows if r.get("linked") is not None}
            ordered = sorted(  # earliest first; on a tie, a record that links to none
                {(str(r.get("modified") or "\uffff"), str(r["record"]) in linked,
                  str(r["record"]), str(r["p"]), str(r["v"])) for r in rows})
            for _, _, record, predicate, value in ordered:
                key = normalise(URIRef(predicate), value)
                if key:
                    self._first.setdefault(key, record)
        return self._first


# Every stored identifier with its record's dcterms:modified, and whether the
# record already says owl:sameAs another stored record (then it was not first:
# records loaded in one run share their modified time).
INDEX_QUERY = (
    "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
    "SELECT ?record ?p ?v ?modified ?linked WHERE {\n"
    f"  VALUES ?p {{ {' '.join(k.n3() for k in KEYS)} }}\n"
    "  GRAPH ?g { ?record ?p ?v .\n"
    "    OPTIONAL { ?doc foaf:primaryTopic ?record ; dcterms:modified ?modified }\n"
    "    OPTIONAL { ?record owl:sameAs ?linked .\n"
    "      GRAPH ?h { ?linked foaf:isPrimaryTopicOf ?other } } }\n"
    "}"
)


def first_match_query(keys: Iterable[tuple[str, str]]) -> str:
    """SELECT the records (with their document's dcterms:modified) holding any of ``keys``."""
    values = []
    for kind, value in sorted(keys):
        for predicate, literal in _patterns(kind, value):
            values.append(f"({predicate.n3()} {Literal(literal).n3()})")
    return (
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "SELECT DISTINCT ?other ?modified WHERE {\n"
        f"  VALUES (?p ?v) {{ {' '.join(values)} }}\n"
        "  GRAPH ?g { ?other ?p ?v .\n"
        "    OPTIONAL { ?doc foaf:primaryTopic ?other ; dcterms:modified ?modified } }\n"
        "}"
    )


def _patterns(kind: str, value: str) -> list[tuple[URIRef, str]]:
    """The literal forms a stored record may use for one normalised identifier."""
    if kind == "doi":
        return [(BIBO.doi, value), (BIBO.doi, value.upper())]
    if kind == "pmid":
        return [(BIBO.pmid, value)]
    if kind == "pmcid":
        return [(LDPUB.pmcid, value), (LDPUB.pmcid, value.removeprefix("PMC"))]
    forms = [(BIBO.isbn13, value), (BIBO.isbn, value)]
    if value.startswith("978"):  # the same book catalogued with its ISBN-10
        core = value[3:12]
        check = sum((10 - i) * int(d) for i, d in enumerate(core)) % 11
        isbn10 = core + ("X" if (11 - check) % 11 == 10 else str((11 - check) % 11))
        forms += [(BIBO.isbn10, isbn10), (BIBO.isbn, isbn10)]
    return forms
