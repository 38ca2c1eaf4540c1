"""The whole-dataset figures of the home and browse pages: entities per class, the
holdings a catalogue states (records by type, then what they link to), the number of
records and of things of each browsable kind. No Flask here.

Each scans the store (0.4-4 s at 100,000 records on the embedded store, see
docs/benchmarks.md "Serving"), so it is computed once per ``store.version`` and
kept beside the snapshot for every serving process (:mod:`ld.versioned`). Split
from :mod:`ld.browse` (which re-exports these) to keep that module's size in bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from ld.namespaces import STATED_SUPERCLASSES
from ld.store.base import Store
from ld.versioned import cached

PREFIX = ("PREFIX dcterms: <http://purl.org/dc/terms/>\n"
          "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
          "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
_KIND_OF_CLASS = {"http://www.w3.org/2004/02/skos/core#Concept": "subject",
                  "http://xmlns.com/foaf/0.1/Person": "person",
                  "http://purl.org/ontology/bibo/Journal": "journal",
                  "http://xmlns.com/foaf/0.1/Organization": "organization",
                  "http://purl.org/dc/dcmitype/Collection": "collection"}
# Stated for the shapes' sake (superclasses) or once per record (its document):
# counted in VoID, but on the home page they would only repeat other rows.
_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
_NOT_HOLDINGS = STATED_SUPERCLASSES | {_DOCUMENT}


@dataclass
class Row:
    """One row of a listing: a class or thing with its count, or a record found."""

    iri: str
    label: str
    count: int = 0
    date: str = ""
    by: str = ""  # a search result's first author, "et al." when there are more


def class_counts(store: Store, *, stale_ok: bool = False) -> list[Row] | None:
    """Entities per class, most frequent first (``stale_ok``: see :mod:`ld.versioned`;
    None while a first computation runs)."""
    found = _typed(store, stale_ok)
    if found is None:
        return None
    totals: dict[str, int] = {}
    for iri, _record, n in found:
        totals[iri] = totals.get(iri, 0) + n
    return [Row(iri, "", n) for iri, n in sorted(totals.items(), key=lambda kv: -kv[1])]


def holdings(store: Store, *, stale_ok: bool = False) -> tuple[list[Row], list[Row]] | None:
    """The class counts as a catalogue states its holdings: records by type, then the
    things they link to (a row's ``label`` is its browse kind, when it has one).

    The table of RDF classes listed "Agent", "Document" and "Collection (BIBO)"
    beside "Person", "Organization" and "Journal", which count the same things
    again, and its "Journal" mixed records of journals with the journals that
    articles appear in; VoID (``/dataset``) keeps every class for programs. Subjects are
    the topics the browse list counts (:func:`_topics`), not every skos:Concept.
    """
    found, topics = _typed(store, stale_ok), _topics(store, stale_ok)
    if found is None or topics is None:
        return None
    kept = [(iri, record, n) for iri, record, n in found if iri not in _NOT_HOLDINGS]
    kinds = [(iri, _KIND_OF_CLASS.get(iri, ""), n) for iri, record, n in kept if not record]
    return ([Row(iri, "", n) for iri, record, n in kept if record],
            [Row(iri, kind, topics if kind == "subject" else n) for iri, kind, n in kinds])


def _topics(store: Store, stale_ok: bool) -> int | None:
    """How many concepts records are dcterms:subject of, as the subjects browse list
    counts them: a genre/form concept (dcterms:type) is a skos:Concept too, and the
    home page's "Subjects" counted it (review12 L9)."""
    def compute(store: Store) -> int:
        rows = store.select(PREFIX + "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { "
                            "?r dcterms:subject ?e . ?e a skos:Concept } }")
        return int(rows[0]["n"]) if rows else 0
    return cached(store, ("topics",), compute, stale_ok=stale_ok)


def record_total(store: Store, *, stale_ok: bool = False) -> int | None:
    """How many records there are: their documents (foaf:Document), one each. The
    records-by-type table adds up to more (a proceedings is a book too)."""
    found = _typed(store, stale_ok)
    if found is None:
        return None
    return next((n for iri, record, n in found if iri == _DOCUMENT and not record), 0)


def kind_counts(store: Store, *, stale_ok: bool = False) -> dict[str, int] | None:
    """How many things of each browsable kind there are (from :func:`holdings`)."""
    found = holdings(store, stale_ok=stale_ok)
    return None if found is None else {row.label: row.count for row in found[1] if row.label}


def _typed(store: Store, stale_ok: bool) -> list[tuple[str, bool, int]] | None:
    """(class, of records?, subjects), most frequent first; kept per snapshot
    (:mod:`ld.versioned`). Records are the primary topics of the documents: two
    scans of 0.3 and 0.6-0.8 s at 100,000 records, where telling records apart by
    their IRIs (STRSTARTS on every typed subject) took 1.6-1.8 s."""
    def compute(store: Store) -> list[tuple[str, bool, int]]:
        totals = {str(r["c"]): int(r["n"]) for r in store.select(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c")}
        records = {str(r["c"]): int(r["n"]) for r in store.select(
            PREFIX + "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { "
            "?g foaf:primaryTopic ?s . ?s a ?c } } GROUP BY ?c")}
        rows = [(iri, True, records[iri]) for iri in records if iri in totals]
        rows += [(iri, False, n - records.get(iri, 0)) for iri, n in totals.items()
                 if n > records.get(iri, 0)]
        return sorted(rows, key=lambda row: -row[2])
    return cached(store, ("classes", "by record"), compute, stale_ok=stale_ok)
