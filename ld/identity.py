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
``dcterms:modified``; a re-load of that first record adds no link (it has
nothing earlier to point to). Records of the same run that are not in the
store yet are found through an in-memory index, so a batch that holds the
same article twice links too.

Agents are not handled here: the mapper already gives people with an ORCID
or an authority link one URI across records (their strongest identifier is
their key), which is the "share one URI" rule for people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL

from ld.namespaces import BIBO, LDPUB
from ld.store.base import Store

Triple = tuple[URIRef, URIRef, URIRef]
KEYS = (BIBO.doi, BIBO.pmid, LDPUB.pmcid, BIBO.isbn13, BIBO.isbn10, BIBO.isbn)


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


class IdentityLinker:
    """Finds the first record sharing an identifier; returns the owl:sameAs to add.

    One linker per load run: ``link`` is called for each mapped record in
    load order, before it is stored, and remembers it for the rest of the run.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._seen: dict[tuple[str, str], str] = {}  # identifier -> first record IRI this run

    def link(self, graph: Graph, record_iri: str) -> list[Triple]:
        subject = URIRef(record_iri)
        keys = identifiers(graph, subject)
        if not keys:
            return []
        first = self._first_in_store(keys, record_iri) or self._first_in_run(keys, record_iri)
        for key in keys:
            self._seen.setdefault(key, first or record_iri)
        if not first or first == record_iri:
            return []
        return [(subject, OWL.sameAs, URIRef(first))]

    def _first_in_run(self, keys: Iterable[tuple[str, str]], record_iri: str) -> str | None:
        matches = [self._seen[k] for k in keys if k in self._seen]
        return next((m for m in matches if m != record_iri), None)

    def _first_in_store(self, keys: set[tuple[str, str]], record_iri: str) -> str | None:
        rows = [(str(r.get("modified") or ""), str(r["other"]))
                for r in self.store.select(first_match_query(keys))]
        others = sorted(row for row in rows if row[1] != record_iri)
        if not others:
            return None
        own = sorted(modified for modified, iri in rows if iri == record_iri)
        if own and own[0] <= others[0][0]:
            return record_iri  # this record was there first: a re-load, nothing to add
        return others[0][1]


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
