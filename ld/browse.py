"""Dataset-wide listings for the home, browse and search pages: no Flask here.

Every listing is one SPARQL query with LIMIT/OFFSET. The whole-dataset ones
(counts per class, recent records, the most used subjects/people/journals)
scan the store (0.4-4 s each at 100,000 records on the embedded store, see
docs/benchmarks.md "Serving"), so they are computed once per
``store.version`` and kept beside the snapshot for every serving process
(:mod:`ld.versioned`); the home page shows the previous figures meanwhile,
and the compute functions return JSON data, which is what is kept.

Search uses the snapshot's full-text index (:mod:`ld.search_index`) once it
is built; before that, and on a remote store, it is ``CONTAINS`` over
lower-cased titles and author names with a LIMIT: a linear scan, about 1.5 s
per query at 100,000 records.
"""

from __future__ import annotations

from dataclasses import dataclass

from ld import facts, search_index, uris
from ld.facts_index import text_order
from ld.labels import expand
from ld.listing import literal as _lit
from ld.listing import page_count
from ld.namespaces import LDPUB_NS, STATED_SUPERCLASSES
from ld.store.base import Store
from ld.versioned import cached

PREFIX = ("PREFIX dcterms: <http://purl.org/dc/terms/>\n"
          "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
          "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
KIND_LABELS = {"subject": "Subjects", "person": "People", "journal": "Journals",
               "organization": "Organizations", "collection": "Collections"}
BROWSABLE = tuple(KIND_LABELS)
PAGE_SIZE = 50  # rows of a browse page
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
    articles appear in; VoID (``/dataset``) keeps every class for programs.
    """
    found = _typed(store, stale_ok)
    if found is None:
        return None
    kept = [(iri, record, n) for iri, record, n in found if iri not in _NOT_HOLDINGS]
    return ([Row(iri, "", n) for iri, record, n in kept if record],
            [Row(iri, _KIND_OF_CLASS.get(iri, ""), n) for iri, record, n in kept if not record])


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


def recent(store: Store, base: str, limit: int = 10, *, stale_ok: bool = False
           ) -> list[Row] | None:
    """The most recently loaded records (``stale_ok``: see :mod:`ld.versioned`; None
    while a first computation runs)."""
    def compute(store: Store) -> list[tuple[str, str, str]]:
        rows = store.select(
            PREFIX + "SELECT ?doc ?m WHERE { GRAPH ?doc { ?doc dcterms:modified ?m } "
            f"FILTER(STRSTARTS(STR(?doc), {_lit(base + 'doc/record/')})) }}"
            f" ORDER BY DESC(?m) LIMIT {limit}")
        out = []
        for r in rows:
            key = uris.split(base, str(r["doc"]))
            if key:
                thing = uris.record_uri(base, key[2])
                out.append((thing, _title(store, thing) or key[2], str(r["m"])))
        return out
    found = cached(store, ("recent", base, limit), compute, stale_ok=stale_ok)
    return None if found is None else [Row(iri, label, date=date) for iri, label, date in found]


def _title(store: Store, thing: str) -> str | None:
    rows = store.select(PREFIX + f"SELECT ?t WHERE {{ GRAPH ?g {{ <{thing}> dcterms:title ?t }} }}"
                        " LIMIT 1")
    return str(rows[0]["t"]) if rows else None


# How records point to each browsable kind (so a listing reads those triples only).
LINKS = {
    "person": "dcterms:creator|dcterms:contributor",
    "organization": ("dcterms:creator|dcterms:contributor|dcterms:publisher|"
                     "<https://w3id.org/ldpub/vocab#holdingInstitution>"),
    "subject": "dcterms:subject",
    "journal": "dcterms:isPartOf",
    "collection": "dcterms:isPartOf",  # the IRI prefix tells them from journals
}


def _linked(base: str, kind: str) -> str:
    """The graph pattern of a browse list: records ``?r`` linking to things ``?e`` of
    ``kind``; :func:`top` and :func:`top_total` read the same one, so the pager's count
    is the number of rows the pages list."""
    if kind not in BROWSABLE:
        raise ValueError(f"cannot browse {kind!r}; one of {', '.join(BROWSABLE)}")
    return (f"GRAPH ?g {{ ?r {LINKS[kind]} ?e }} "
            f"FILTER(isIRI(?e) && STRSTARTS(STR(?e), {_lit(f'{base}id/{kind}/')}))")


def top_total(store: Store, base: str, kind: str) -> int:
    """How many things of ``kind`` :func:`top` lists, over all its pages (the pager's
    "Page 2 of 135": offering Next because a page was full offered a 404 when the
    count was a multiple of the page size). One count per snapshot."""
    pattern = _linked(base, kind)

    def compute(store: Store) -> int:
        rows = store.select(PREFIX + f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {pattern} }}")
        return int(rows[0]["n"]) if rows else 0
    return int(cached(store, ("top total", base, kind), compute))


def top(store: Store, base: str, kind: str, page: int = 1, size: int = PAGE_SIZE) -> list[Row]:
    """Things of ``kind`` by number of records pointing to them (one page).

    Counting first and fetching labels only for the page's rows keeps this to
    the linking triples: the first version (any predicate, labels inside the
    GROUP BY) took 200 s at 100,000 records.
    """
    pattern = _linked(base, kind)
    offset = (max(1, page) - 1) * size

    def compute(store: Store) -> list[tuple[str, str, int]]:
        rows = store.select(
            PREFIX + f"SELECT ?e (COUNT(DISTINCT ?r) AS ?n) WHERE {{ {pattern} }}"
            f" GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT {size} OFFSET {offset}")
        labels = _labels(store, [str(r["e"]) for r in rows])
        return [(str(r["e"]), labels.get(str(r["e"])) or _key(base, str(r["e"])), int(r["n"]))
                for r in rows]
    return [Row(iri, label, n) for iri, label, n
            in cached(store, ("top", base, kind, page, size), compute)]


def _labels(store: Store, iris: list[str]) -> dict[str, str]:
    """Each thing's label, a person's with its heading's dates ("Smith, John, 1950-"):
    two namesakes side by side in a list must not read the same. A thing several
    records name differently ("McGraw Hill", "McGraw-Hill") is called what its own
    page calls it (:meth:`ld.facts.Index.name`: the first name property it has, its
    first value by :func:`ld.facts_index.text_order`), never a store's SAMPLE."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    props = " ".join(f"<{expand(p)}>" for p in (*facts.NAME_PROPS, "ldpub:dates"))
    rows = store.select(f"SELECT DISTINCT ?e ?p ?l WHERE {{ VALUES ?e {{ {values} }} "
                        f"VALUES ?p {{ {props} }} GRAPH ?g {{ ?e ?p ?l }} }}")
    found: dict[str, dict[str, list[str]]] = {}
    for r in rows:
        found.setdefault(str(r["e"]), {}).setdefault(str(r["p"]), []).append(str(r["l"]))
    return {iri: label for iri, by_prop in found.items() if (label := _heading(by_prop))}


def _heading(by_prop: dict[str, list[str]]) -> str | None:
    """The name and dates chosen from a thing's values of each property (see _labels)."""
    first = [min(by_prop[p], key=text_order) for p in map(expand, facts.NAME_PROPS)
             if p in by_prop]
    if not first:
        return None
    dates = min(by_prop.get(f"{LDPUB_NS}dates", []), key=text_order, default=None)
    return ", ".join(x for x in (first[0], dates) if x)


@dataclass
class SearchPage:
    """One page of search results; ``total`` is None when only a scan answered."""

    rows: list[Row]
    page: int
    size: int
    total: int | None
    more: bool  # a next page exists

    @property
    def first(self) -> int:
        return (self.page - 1) * self.size + 1

    @property
    def pages(self) -> int | None:
        """How many pages there are (at least one); None when only a scan answered."""
        return None if self.total is None else page_count(self.total, self.size)


def search(store: Store, base: str, text: str, limit: int = 50) -> list[Row]:
    """Records whose title or authors' names match ``text``: the index, else a scan."""
    return search_page(store, base, text, 1, limit).rows


def search_page(store: Store, base: str, text: str, page: int = 1, size: int = 50
                ) -> SearchPage:
    """Page ``page`` of the matches: from the index (with the total), else a scan."""
    offset = (max(1, page) - 1) * size
    index = search_index.for_store(store, base)
    if index is not None:
        found, total = search_index.page(index, text, size, offset)
        return SearchPage(_with_details(store, base, [Row(r, t) for r, t in found]), page, size,
                          total, offset + len(found) < total)
    rows = _scan(store, base, text, size + 1, offset)
    return SearchPage(_with_details(store, base, rows[:size]), page, size, None, len(rows) > size)


def _with_details(store: Store, base: str, rows: list[Row]) -> list[Row]:
    """Each result's first author and year, as a catalogue's result list shows them.

    Titles alone do not tell two editions or two "Annual report"s apart. Read
    from each record's own graph with the record page's reading
    (:mod:`ld.facts`), so the first author is the first of the ordered list:
    a SPARQL join over the union graph met every record graph that names the
    same person (seconds per page at 100,000 records).
    """
    for row in rows:
        parts = uris.split(base, row.iri)
        triples = store.triples(uris.doc_uri(base, "record", parts[2])) if parts else None
        if triples:
            authors, year = facts.byline(facts.Index(triples), row.iri, base)
            row.by = (authors[0] if authors else "") + (" et al." if len(authors) > 1 else "")
            row.date = year or ""
    return rows


def search_ready(store: Store, base: str) -> bool:
    """Whether the full-text index is ready; starts building it when it is not."""
    return search_index.for_store(store, base) is not None


def _scan(store: Store, base: str, text: str, limit: int, offset: int = 0) -> list[Row]:
    """Records whose title or an author's name contains ``text`` (case-insensitive)."""
    needle = " ".join(text.replace('"', " ").split()).lower()  # quotes: the index's phrases
    if not needle:
        return []
    records = _lit(base + "id/record/")
    query = (
        PREFIX + "SELECT DISTINCT ?r ?t WHERE { GRAPH ?g { "
        "{ ?r dcterms:title ?t FILTER(CONTAINS(LCASE(STR(?t)), " + _lit(needle) + ")) } UNION "
        "{ ?r dcterms:creator|dcterms:contributor ?a . ?a foaf:name|skos:altLabel ?n "
        "FILTER(CONTAINS(LCASE(STR(?n)), " + _lit(needle) + ")) ?r dcterms:title ?t } "
        f"FILTER(STRSTARTS(STR(?r), {records})) }} }} LIMIT {limit} OFFSET {offset}")
    return [Row(str(r["r"]), str(r["t"])) for r in store.select(query)]


def _key(base: str, iri: str) -> str:
    parts = uris.split(base, iri)
    return parts[2] if parts else iri
