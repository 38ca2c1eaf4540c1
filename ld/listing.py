"""One page of the records that point to a thing (a person, subject, organisation, journal).

From the snapshot's links table once it is built (:mod:`ld.links_index`, a
few milliseconds), else by SPARQL, one page at a time (LIMIT/OFFSET), so a
person with 5,000 records is never loaded whole. Also the one place that
turns text into a SPARQL string literal for the queries of ld.browse and
ld.void.
"""

from __future__ import annotations

from dataclasses import dataclass

from ld import links_index, search_index
from ld.store.base import Store

PAGE_SIZE = 50


def page_count(total: int, size: int) -> int:
    """How many pages of ``size`` hold ``total`` items: at least one (an empty list
    has its first page)."""
    return max(1, -(-total // size))


def page_query(page: int) -> str:
    """``?page=N`` for a page after the first, else "": what a page's links to itself
    (Content-Location, alternates, downloads) must keep, or they name page 1."""
    return f"?page={page}" if page > 1 else ""


@dataclass
class Listing:
    """One page of the records that point to a thing."""

    items: list[dict[str, str]]
    page: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)


def records_pointing_to(store: Store, base: str, thing: str, page: int = 1,
                        size: int = PAGE_SIZE) -> Listing:
    """One page of records linking to ``thing``, newest first; never all of them.

    From the snapshot's links table once it is built (milliseconds), else by
    SPARQL (0.2-1.5 s for a subject with 12,000 records at 100,000).

    Only records that point at ``thing`` directly: each item is published as that
    statement (:func:`ld.document.load`), and a record names a related work's creator
    through a blank node (``?record dcterms:hasPart [ dcterms:creator <thing> ]``),
    stating none; following that hop would cost little (~0.2 ms a page by SPARQL on
    20,000 MARC records) but would publish a statement no record makes (README, MARC).
    """
    page = max(1, page)
    table = search_index.links_for_store(store, base)
    if table is not None:
        items, total = links_index.page(table, thing, size, (page - 1) * size)
        return Listing(items, page, size, total)
    return sparql_listing(store, base, thing, page, size)


def sparql_listing(store: Store, base: str, thing: str, page: int, size: int) -> Listing:
    """:func:`records_pointing_to` by SPARQL: for remote stores and until the index is built."""
    records = f"{base}id/record/"
    where = (f"GRAPH ?g {{ ?record ?via <{thing}> . "
             f"FILTER(STRSTARTS(STR(?record), {literal(records)})) }}")
    total_rows = store.select(f"SELECT (COUNT(DISTINCT ?record) AS ?n) WHERE {{ {where} }}")
    total = int(total_rows[0]["n"]) if total_rows else 0
    query = (
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        f"SELECT ?record (SAMPLE(?v) AS ?via) (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date)\n"
        f"WHERE {{ {where} BIND(?via AS ?v) OPTIONAL {{ GRAPH ?g {{ ?record dcterms:title ?t }} }}"
        f" OPTIONAL {{ GRAPH ?g {{ ?record dcterms:issued ?d }} }} }}\n"
        f"GROUP BY ?record ORDER BY DESC(?date) ?record LIMIT {size} OFFSET {(page - 1) * size}")
    items = [{"record": str(r["record"]), "via": str(r["via"]),
              "title": str(r.get("title") or ""), "date": str(r.get("date") or "")}
             for r in store.select(query)]
    return Listing(items, page, size, total)


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def literal(text: str) -> str:
    """A SPARQL string literal of any text (user input included): escaped, never code."""
    return '"' + text.translate(_ESCAPES) + '"'
