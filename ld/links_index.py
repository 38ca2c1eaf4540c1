"""What points to each person, subject, organisation and journal: one table per snapshot.

Why: the pages of those things list the records that point to them, newest
first, paged. By SPARQL (:func:`ld.listing.sparql_listing`: COUNT
DISTINCT, GROUP BY, ORDER BY over every pointing record) a page of a subject
or journal with 7,000-12,000 records took 0.2-1.5 s at 100,000 records;
from this table it takes a few milliseconds, whatever the page.

Where and when: ``<store>/search/<snapshot>.links.sqlite``, next to the
snapshot's full-text index and built by the same background builder, after
it (:mod:`ld.search_index`), from the same immutable snapshot, so it never
needs invalidating. Until it exists the pages use SPARQL.

The table holds record IRIs in IRI order (their row ids), so "newest first,
then by IRI" is one index range: ``links(thing, date DESC, rec)``. Titles,
dates and IRIs are stored once per record, predicates once, things once.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox

from ld import index_builder

SUFFIX = ".links.sqlite"

_LINKS = """SELECT ?r ?via ?o
WHERE { GRAPH ?g { ?r ?via ?o }
        FILTER(isIRI(?o) && STRSTARTS(STR(?o), THINGS) && !STRSTARTS(STR(?o), RECORDS)
               && STRSTARTS(STR(?r), RECORDS)) }"""
_RECORDS = """PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?r ?t ?d
WHERE { GRAPH ?g { ?r dcterms:identifier ?id OPTIONAL { ?r dcterms:title ?t }
                   OPTIONAL { ?r dcterms:issued ?d } }
        FILTER(STRSTARTS(STR(?r), RECORDS)) }"""
_SCHEMA = """
CREATE TABLE recs (id INTEGER PRIMARY KEY, record TEXT UNIQUE, title TEXT, date TEXT);
CREATE TABLE things (id INTEGER PRIMARY KEY, iri TEXT UNIQUE);
CREATE TABLE vias (id INTEGER PRIMARY KEY, iri TEXT UNIQUE);
CREATE TABLE links (thing INTEGER, rec INTEGER, via INTEGER, date TEXT);
CREATE TEMP TABLE rec_rows (record TEXT, title TEXT, date TEXT);
CREATE TEMP TABLE pointers (thing TEXT, record TEXT, via TEXT);
"""
_FILL = """
INSERT INTO recs (record, title, date)
    SELECT record, min(title), min(date) FROM rec_rows GROUP BY record ORDER BY record;
INSERT OR IGNORE INTO recs (record) SELECT DISTINCT record FROM pointers ORDER BY record;
INSERT INTO things (iri) SELECT DISTINCT thing FROM pointers;
INSERT INTO vias (iri) SELECT DISTINCT via FROM pointers;
INSERT INTO links
    SELECT t.id, r.id, min(v.id), r.date FROM pointers p
    JOIN things t ON t.iri = p.thing JOIN recs r ON r.record = p.record
    JOIN vias v ON v.iri = p.via GROUP BY t.id, r.id;
CREATE INDEX links_by_thing ON links (thing, date DESC, rec);
"""
_PAGE = """SELECT r.record, v.iri, r.title, r.date FROM links l
JOIN recs r ON r.id = l.rec JOIN vias v ON v.id = l.via
WHERE l.thing = (SELECT id FROM things WHERE iri = ?)
ORDER BY l.date DESC, l.rec LIMIT ? OFFSET ?"""
_TOTAL = "SELECT count(*) FROM links WHERE thing = (SELECT id FROM things WHERE iri = ?)"


def links_path(root: Path, snapshot: str) -> Path:
    return Path(root) / "search" / f"{snapshot}{SUFFIX}"


def build(store: ox.Store, base: str, path: Path) -> int:
    """Write the links of ``store``'s records to ``path`` (atomically); returns their number."""
    records, things = str(ox.Literal(base + "id/record/")), str(ox.Literal(base + "id/"))
    with index_builder.written(path) as tmp, closing(sqlite3.connect(tmp)) as db, db:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO rec_rows VALUES (?, ?, ?)", (
            (r["r"].value, r["t"].value if r["t"] else None, r["d"].value if r["d"] else None)
            for r in store.query(_RECORDS.replace("RECORDS", records))))
        db.executemany("INSERT INTO pointers VALUES (?, ?, ?)", (
            (r["o"].value, r["r"].value, r["via"].value)
            for r in store.query(_LINKS.replace("THINGS", things).replace("RECORDS", records))))
        db.executescript(_FILL)
        count = db.execute("SELECT count(*) FROM links").fetchone()[0]
    return int(count)


def page(path: Path, thing: str, limit: int, offset: int = 0
         ) -> tuple[list[dict[str, str]], int]:
    """One page of the records pointing to ``thing``, newest first, and how many in all.

    Row for row what :func:`ld.listing.sparql_listing` answers on the
    snapshot the table was built from.
    """
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(_PAGE, (thing, limit, offset)).fetchall()
        total = db.execute(_TOTAL, (thing,)).fetchone()[0]
    finally:
        db.close()
    return [{"record": r, "via": v, "title": t or "", "date": d or ""}
            for r, v, t, d in rows], int(total)
