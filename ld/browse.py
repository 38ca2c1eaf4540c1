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
per query at 100,000 records. The dataset's figures (counts per class, the
holdings) are in :mod:`ld.browse_figures`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ld import facts, search_index, uris
from ld.browse_figures import PREFIX, Row, class_counts, holdings, kind_counts, record_total
from ld.facts_index import text_order
from ld.labels import expand
from ld.listing import literal as _lit
from ld.listing import page_count
from ld.namespaces import LDPUB_NS
from ld.store.base import Store
from ld.versioned import cached

KIND_LABELS = {"subject": "Subjects", "person": "People", "journal": "Journals",
               "organization": "Organizations", "collection": "Collections"}
BROWSABLE = tuple(KIND_LABELS)
PAGE_SIZE = 50  # rows of a browse page
__all__ = ["BROWSABLE", "KIND_LABELS", "LINKS", "PAGE_SIZE", "PREFIX", "Row", "SearchPage",
           "class_counts", "holdings", "kind_counts", "recent", "record_total", "search",
           "search_page", "search_ready", "top", "top_total"]  # the figures: browse_figures


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
    props = " ".join(f"<{expand(p)}>" for p in (*facts.NAME_PROPS, "ldpub:dates", *_CLASS))
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
    notation, scheme = (min(by_prop.get(expand(p), [""]), key=text_order) for p in _CLASS)
    if notation:  # a class number, after its scheme: "DDC 005.133"
        return f"{facts.scheme_name(scheme or None)} {first[0]}"
    return ", ".join(x for x in (first[0], dates) if x)


_CLASS = ("skos:notation", "skos:inScheme")  # what makes a concept a class number


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
