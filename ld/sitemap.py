"""Sitemaps (sitemaps.org) of the record pages, so that search engines find every record.

A catalogue on the web is found mostly through search engines (Google
Scholar reads the Highwire tags of the record pages), and a crawler finds
only the records it can reach by links: a sitemap lists them all. The
protocol allows 50,000 URLs a file, so ``sitemap.xml`` is a sitemap index
of pages ``sitemap-1.xml.gz``, ``sitemap-2.xml.gz``, ... each listing record
pages (``{base}doc/record/{id}``, the URL that answers 200) with their last
modification (the document's ``dcterms:modified``).

Written once per store version in one streamed pass over the documents, in
whatever order the store yields them: a page per SPARQL query needs ORDER
BY with OFFSET for stable pages, which took 5 s a page at 100,000 records.
The files sit beside that version's dumps and are made the same way
(:mod:`ld.dumps`: on first request, under a file lock, each file renamed
into place): the pages first and the index last, so a crawler that finds
the index finds every page it lists.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO
from xml.sax.saxutils import escape

from ld import dumps
from ld.atomic import write_atomically
from ld.config import Settings
from ld.listing import literal
from ld.store.base import Store

PAGE_SIZE = 50_000  # the protocol's limit of URLs per sitemap file
# Of the sitemaps: raise it when what they hold changes, so the sitemaps an older ldpub
# wrote for a snapshot are not served after an upgrade (ld/made_by.py). They are kept in
# a folder named with it ("sitemaps-1") inside the dumps' folder, which is named with
# the ldpub version; an older format's folder goes when that folder is pruned.
FORMAT = 1
INDEX = "sitemap.xml"
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_DOCUMENTS = """SELECT ?doc ?modified
WHERE {{ GRAPH ?doc {{ ?doc <http://purl.org/dc/terms/modified> ?modified }}
         FILTER(STRSTARTS(STR(?doc), {prefix})) }}"""


def page_name(number: int) -> str:
    return f"sitemap-{number}.xml.gz"


def write(store: Store, base: str, folder: Path, page_size: int = PAGE_SIZE) -> int:
    """Write every page, then the index that lists them; returns how many pages."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = 0
    for pages, chunk in enumerate(_chunks(documents(store, base), page_size), start=1):
        _atomically(folder / page_name(pages), lambda out, c=chunk: _urlset(out, c), zipped=True)
    _atomically(folder / INDEX, lambda out: _index(out, base, pages), zipped=False)
    return pages


def documents(store: Store, base: str) -> Iterator[tuple[str, str]]:
    """(record page URL, dcterms:modified) of every record, streamed as CSV."""
    answer = store.query(_DOCUMENTS.format(prefix=literal(base + "doc/record/")), "text/csv")
    rows = csv.reader(_lines(answer.chunks))
    next(rows, None)  # the header: doc,modified
    for row in rows:
        if len(row) == 2:
            yield row[0], row[1]


def _lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Text lines of a byte stream whose chunks may split a line or a character."""
    decoder, rest = codecs.getincrementaldecoder("utf-8")(), ""
    for chunk in chunks:
        *whole, rest = (rest + decoder.decode(chunk)).split("\n")
        yield from whole
    rest += decoder.decode(b"", final=True)
    if rest:
        yield rest


def _chunks(items: Iterator[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    chunk: list[tuple[str, str]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _urlset(out: TextIO, rows: list[tuple[str, str]]) -> None:
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">\n')
    for url, modified in rows:
        out.write(f"<url><loc>{escape(url)}</loc><lastmod>{escape(_w3c(modified))}</lastmod>"
                  "</url>\n")
    out.write("</urlset>\n")


def _index(out: TextIO, base: str, pages: int) -> None:
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NS}">\n')
    for number in range(1, pages + 1):
        out.write(f"<sitemap><loc>{escape(base + 'sitemaps/' + page_name(number))}</loc>"
                  "</sitemap>\n")
    out.write("</sitemapindex>\n")


def _w3c(modified: str) -> str:
    """xsd:dateTime to the W3C Datetime sitemaps take: whole seconds, as written."""
    head, dot, tail = modified.partition(".")
    return head + tail.lstrip("0123456789") if dot else modified


def _atomically(target: Path, write: Callable[[TextIO], None], *, zipped: bool) -> None:
    def binary(raw: BinaryIO) -> None:
        sink = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if zipped else raw
        with io.TextIOWrapper(sink, encoding="utf-8", newline="\n") as out:
            write(out)
    write_atomically(target, binary)


def ensure(settings: Settings, store: Store, wait: float = 20.0) -> Path | None:
    """This store version's sitemap folder once its index is written; None while it is
    being written (the web answers 503 + Retry-After, as for a dump)."""
    store = store.pin()  # the version whose folder is checked is the one written
    folder = dumps.directory(settings, store) / f"sitemaps-{FORMAT}"
    index = folder / INDEX
    made = dumps.in_background(index, lambda: _make(settings, store, folder), wait)
    return None if made is None else folder


def _make(settings: Settings, store: Store, folder: Path) -> None:
    dumps.made(folder / INDEX, lambda: write(store, settings.base_uri, folder))
    dumps.prune(settings, folder.parent)
