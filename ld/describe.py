"""What a Linked Data document needs, read from the store: no Flask here.

A record's document is its named graph. Everything a record's
representations need comes from ONE store call (the graph as N-Triples,
serialised by the store) parsed by pyoxigraph; Turtle and RDF/XML are then
written by pyoxigraph, JSON-LD by :mod:`ld.jsonld`, citations by
:mod:`ld.citation`. rdflib stays off this path (it is ~60x slower).

Finished representations are cached per process in an LRU keyed by
``(document, format, page, store.version)`` and, for HTML, the site's root
path: ``version`` changes whenever ``ldpub load`` publishes new data, so a
re-loaded record is never served stale, and the ETag (a hash of the bytes)
changes with it; a page's links and stylesheet name the root of the request
(a proxy prefix), so a page made for one root is never served to another.

Reading a document from the store (a record's graph; for people, subjects,
organisations and journals, what every record says of them and one page of the
records that point to them) is :mod:`ld.document`; its ``Document``, ``load``
and ``exists`` are importable from here too, as before that split.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pyoxigraph as ox
from markupsafe import escape

from ld import citation, jsonld, renders, uris
from ld.document import Document, load, timestamp
from ld.document import exists as exists  # importable from here, as before the split
from ld.errors import NotFound
from ld.facts_index import in_order
from ld.formats import Format
from ld.listing import page_query
from ld.lru import Cache
from ld.namespaces import PREFIXES
from ld.store.base import Store

CONTEXT_PATH = "context.jsonld"


@dataclass
class Representation:
    body: bytes
    content_type: str
    etag: str  # strong, without quotes
    last_modified: datetime | None = None
    pages: tuple[int, int] | None = None  # (this page, last page) of a thing's record list

    @property
    def page_query(self) -> str:
        """:func:`ld.listing.page_query` of this page of a thing's record list."""
        return page_query(self.pages[0]) if self.pages is not None else ""


CACHE = Cache()  # finished representations, per worker process


def store_version(store: Store) -> str:
    return str(getattr(store, "version", ""))



def cache_key(kind: str, key: str, fmt: Format, page: int, store: Store, root: str) -> tuple:
    """Where a representation is cached: HTML names the site's root path (``root``, the
    request's script root: a proxy prefix or none), so only HTML is keyed by it."""
    return (kind, key, fmt.key, page, store_version(store), root if fmt.kind == "html" else "")


def cached(store: Store, kind: str, key: str, fmt: Format, page: int = 1, root: str = ""
           ) -> Representation | None:
    """The representation if this process has it for the current store version."""
    return CACHE.get(cache_key(kind, key, fmt, page, store, root))


def represent(store: Store, base: str, kind: str, key: str, fmt: Format, *,
              page: int = 1, html: Callable[[Document], str] | None = None,
              flavour: str | None = None, root: str = "",
              license: str | None = None) -> Representation:
    """The bytes of one representation: per-process cache, else what ``ldpub render``
    made (when ``flavour``, the serving app's, matches), else made now. ``html`` must
    render for ``root``; ``license`` is the dataset's (one per serving process).

    The store is pinned to its current snapshot first (:meth:`Store.pin`): a reader may
    switch to a newer one between two reads, and then the cache key's version, the
    content and its Last-Modified came from different snapshots (A's content dated by
    B's publish: a later If-Modified-Since with B's date got a 304, keeping A's stale
    content)."""
    store = store.pin()  # one snapshot for the key, the content and the date
    the_key = cache_key(kind, key, fmt, page, store, root)
    found = CACHE.get(the_key)
    if found is not None:
        return found
    result = None
    if kind == "record" and flavour is not None:
        result = prerendered(store, base, key, fmt, flavour, root)
    if result is None:
        result = make(store, base, kind, key, fmt, page=page, html=html, license=license)
    CACHE.put(the_key, result)
    return result


def make(store: Store, base: str, kind: str, key: str, fmt: Format, *, page: int = 1,
         html: Callable[[Document], str] | None = None,
         license: str | None = None) -> Representation:
    """A representation made from the store now, bypassing every cache. A record's
    Turtle, N-Triples and RDF/XML are not the store's own writing of its graph: they
    hold the dataset's licence, which the stored graph does not (:func:`load` adds it),
    so pyoxigraph writes them from the graph's triples, as every other format."""
    store = store.pin()  # the document and its date from one snapshot (see represent)
    document = load(store, base, kind, key, page, license=license)
    modified = last_modified(store, kind, fmt, document.modified)  # pinned: see there
    rep = finished(body_of(document, base, fmt, html), fmt, modified)
    listing = document.listing
    if listing is not None and listing.pages > 1:  # the RDF holds one page of record links
        rep.pages = (listing.page, listing.pages)
    return rep


def prerendered(store: Store, base: str, key: str, fmt: Format, flavour: str,
                root: str) -> Representation | None:
    """The record's representation as ``ldpub render`` kept it, if still current.

    HTML was rendered with :data:`ld.renders.ROOT_MARK` for the site's root
    path (the same pages serve under any proxy prefix); it is put back here.
    """
    if fmt.key not in renders.FORMATS:
        return None
    found = store.rendered(uris.doc_uri(base, "record", key), fmt.key, flavour)
    if found is None:
        return None
    body, modified = found
    if fmt.kind == "html":  # escaped as the templates escape it: a prefix is not markup
        body = body.replace(_ROOT_MARK, str(escape(root)).encode("utf-8"))
    return finished(body, fmt, last_modified(store, "record", fmt, timestamp(modified)))


_ROOT_MARK = renders.ROOT_MARK.encode("ascii")


def finished(body: bytes, fmt: Format, modified: datetime | None) -> Representation:
    """``body`` as a representation; its strong ETag is a hash of the bytes, its
    Last-Modified ``modified`` (:func:`last_modified` chooses it)."""
    etag = hashlib.blake2b(body, digest_size=16).hexdigest()
    return Representation(body, fmt.content_type, etag, modified)


def last_modified(store: Store, kind: str, fmt: Format, modified: datetime | None
                  ) -> datetime | None:
    """The Last-Modified of a document's representation (RFC 9110 §8.8.2), the one place
    that chooses it (the fast path and the Flask view, pre-rendered or not).

    A record's RDF and citations are its own graph: its ``dcterms:modified``
    (``modified``). Its page (HTML) also shows what other records' graphs say
    (the title of a record it is owl:sameAs or part of), so its bytes change
    while its own date stays: dated by it, If-Modified-Since got 304 and kept
    the stale page. That page and a thing's document (drawn from many records)
    are dated by the publish of the snapshot served (``store.published``),
    later than any change they show; None on a remote store, which knows no
    such time. ``store`` must be the pinned view the document was read from
    (:func:`represent` pins it): a date from a newer snapshot than the content
    is the unsafe case (an If-Modified-Since with it is a 304 for content that
    is already stale), and an unpinned reader may switch snapshots in between.
    """
    if kind == "record" and fmt.kind != "html":
        return modified
    return store.published


def serialize(triples: list[ox.Triple] | list[ox.Quad], base: str, fmt: Format) -> bytes:
    """RDF bytes: JSON-LD by ld.jsonld, everything else by pyoxigraph.

    A record's quads (one graph) are written as its triples, in the store's order
    with the dataset's licence among the document's statements (:func:`load`): the
    store's own dump of the graph plus that one statement, so a record ``ldpub
    render`` made is the one made on demand. JSON-LD is written in
    :func:`ld.facts_index.in_order`, the same from every store, expanded or not.
    """
    if fmt.key == "jsonld":
        return jsonld.document(in_order(triples), base + CONTEXT_PATH)
    rdf_format = getattr(ox.RdfFormat, fmt.oxigraph or "")
    if rdf_format == ox.RdfFormat.JSON_LD:  # the expanded form: the same from every store too
        triples = in_order(triples)
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    plain = [t.triple if isinstance(t, ox.Quad) else t for t in triples]
    return ox.serialize(plain, format=rdf_format, prefixes=prefixes) or b""


def body_of(document: Document, base: str, fmt: Format,
            html: Callable[[Document], str] | None) -> bytes:
    """The bytes of one format of a loaded document (no cache, no headers)."""
    if fmt.kind == "html":
        if html is None:
            raise ValueError("an HTML representation needs a renderer")
        return html(document).encode("utf-8")
    if fmt.kind == "citation":
        if document.facts is None:
            raise NotFound(f"{document.kind} pages have no citation; records do")
        return citation.render(fmt.key, document.facts, document.key)
    return serialize(document.triples, base, fmt)
