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

People, subjects, organisations and journals have no graph of their own: their
document gathers the triples about them from every record graph, plus one
page of the records that point to them (SPARQL LIMIT/OFFSET), so a person
with 5,000 records is never loaded whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

import pyoxigraph as ox
from markupsafe import escape

from ld import citation, jsonld, renders, uris
from ld import document_meta as meta
from ld.errors import NotFound
from ld.facts import Facts, Index, read
from ld.facts_index import in_order
from ld.facts_links import TitleLookup, stored_titles
from ld.formats import Format
from ld.listing import PAGE_SIZE, Listing, page_query, records_pointing_to
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


@dataclass
class Document:
    """Everything a page about one thing needs; the costly readings only on demand.

    RDF representations need only ``triples`` (and ``modified``), so the
    index and the facts (needed by HTML and citations) are computed lazily.
    """

    kind: str
    key: str
    thing: str
    doc: str
    triples: list[ox.Triple] | list[ox.Quad]  # a record: its graph's quads, as the store gives them
    listing: Listing | None = None
    titles: TitleLookup | None = None  # a linked record's title, from the store

    @cached_property
    def index(self) -> Index:
        return Index(self.triples, ordered=self.kind != "record")  # load() sorted a thing's

    @cached_property
    def facts(self) -> Facts | None:
        if self.kind != "record":
            return None
        return read(self.index, self.thing, self.doc, self.base, self.titles)

    @property
    def base(self) -> str:
        return self.thing[: self.thing.index("id/" + self.kind + "/")]

    @property
    def label(self) -> str:
        if self.facts is not None:
            return self.facts.title or self.key
        return self.index.label(self.thing) or self.key

    @cached_property
    def modified(self) -> datetime | None:
        """dcterms:modified of the document (one pass over the triples, no index)."""
        for t in self.triples:
            if t.predicate == _MODIFIED and t.subject.value == self.doc:
                return _timestamp(t.object.value)
        return None


_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")


CACHE = Cache()  # finished representations, per worker process


def store_version(store: Store) -> str:
    return str(getattr(store, "version", ""))


def exists(store: Store, base: str, kind: str, key: str) -> bool:
    """Whether the dataset knows ``{base}id/{kind}/{key}``: one index lookup, so that an
    unknown thing is a 404 at once instead of a 303 to a document that is a 404."""
    if kind == "record":
        return store.has_graph(uris.doc_uri(base, kind, key))
    thing = uris.thing_uri(base, kind, key)
    return store.ask(f"ASK {{ {{ <{thing}> ?p ?o }} UNION {{ ?s ?p <{thing}> }} }}")


def load(store: Store, base: str, kind: str, key: str, page: int = 1,
         size: int = PAGE_SIZE, *, license: str | None = None) -> Document:
    """Read the document about ``{base}id/{kind}/{key}``; NotFound when we know nothing.
    A thing's document also says what it is (:mod:`ld.document_meta`, with ``license``,
    the dataset's); a record's graph says so itself, but for the dataset's licence, a
    setting of the serving process, not of the load that stored the graph."""
    thing, doc = uris.thing_uri(base, kind, key), uris.doc_uri(base, kind, key)
    if kind == "record":
        triples = store.triples(doc)
        if not triples:
            raise NotFound(f"no record {key!r} in this dataset",
                           hint="check the identifier, or search from the home page")
        triples = _with_license(triples, doc, license)  # never the store's own list
        return Document(kind, key, thing, doc, triples, titles=stored_titles(store, base))
    about = _about(store, thing)
    listing = records_pointing_to(store, base, thing, page, size)
    if not about and not listing.total:
        raise NotFound(f"no {kind} {key!r} in this dataset",
                       hint="check the identifier, or browse from the home page")
    if page > listing.pages:  # past the last page: not an empty list ("Page 5 of 4")
        raise NotFound(f"there is no page {page} of the records of this {kind}: "
                       f"the last is page {listing.pages}",
                       hint=f"start from the first page: {doc}")  # public, any proxy prefix
    links = [ox.Triple(ox.NamedNode(i["record"]), ox.NamedNode(i["via"]), ox.NamedNode(thing))
             for i in listing.items]
    own = meta.describing(doc, thing, base, license) + meta.paging(doc, listing)
    ordered = in_order(about + links + own)  # not the store's order
    return Document(kind, key, thing, doc, ordered, listing)


def _with_license(triples: list[ox.Quad], doc: str, license: str | None
                  ) -> list[ox.Quad | ox.Triple]:
    """The record's statements with the dataset's licence just after the document's own
    (the store gives a subject's statements together), so Turtle writes the document
    in one block, not a second ``<doc> dcterms:license`` at the end."""
    subject = ox.NamedNode(doc)
    own = [i for i, t in enumerate(triples) if t.subject == subject]
    at = own[-1] + 1 if own else len(triples)
    return [*triples[:at], *meta.licensed(doc, license), *triples[at:]]


def _about(store: Store, thing: str) -> list[ox.Triple]:
    rows = store.select(f"SELECT DISTINCT ?p ?o WHERE {{ GRAPH ?g {{ <{thing}> ?p ?o }} }}")
    subject = ox.NamedNode(thing)
    return [ox.Triple(subject, ox.NamedNode(str(r["p"])), _ox(r["o"])) for r in rows
            if not _is_blank(r["o"])]


def _is_blank(term: object) -> bool:
    from rdflib import BNode

    return isinstance(term, BNode)


def _ox(term: object) -> ox.NamedNode | ox.Literal:
    from rdflib import Literal

    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.NamedNode(str(term))


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
    render for ``root``; ``license`` is the dataset's (one per serving process)."""
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
    document = load(store, base, kind, key, page, license=license)
    rep = finished(body_of(document, base, fmt, html), fmt, document.modified)
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
    return finished(body, fmt, _timestamp(modified))


_ROOT_MARK = renders.ROOT_MARK.encode("ascii")


def finished(body: bytes, fmt: Format, modified: datetime | None) -> Representation:
    """``body`` as a representation; its strong ETag is a hash of the bytes, its
    Last-Modified ``modified`` unless :func:`dated` says the date would be wrong."""
    etag = hashlib.blake2b(body, digest_size=16).hexdigest()
    return Representation(body, fmt.content_type, etag, modified if dated(fmt) else None)


def dated(fmt: Format) -> bool:
    """Whether a document's ``dcterms:modified`` is the Last-Modified of this format: not
    for HTML.

    A record's page also shows what other records' graphs say (the title of a
    record it is owl:sameAs or part of), so its bytes change when they change
    while its own date stays: a client revalidating with If-Modified-Since got
    304 and kept the stale page (RFC 9110 §8.8.2 dates the representation).
    The latest date of every record shown would cost their look-ups on every
    request, and a pre-rendered page's row knows only its record's date; the
    ETag, a hash of the bytes, is exact, so HTML is validated by it alone (in
    the fast path and the Flask view, pre-rendered or not: both call
    :func:`finished`). RDF and citations are the record's own graph.
    """
    return fmt.kind != "html"


def _timestamp(text: str | None) -> datetime | None:
    """An xsd:dateTime as an aware datetime (UTC when it has no zone), or None."""
    if text is None:
        return None
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


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
