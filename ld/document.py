"""A document read from the store: what a page about one thing is made of.

A record's document is its named graph (one store call). People, subjects,
organisations and journals have no graph of their own: their document gathers
the triples about them from every record graph, plus one page of the records
that point to them (SPARQL LIMIT/OFFSET), so a person with 5,000 records is
never loaded whole.

Apart from :mod:`ld.describe`, which turns a document into the bytes of a
format and caches them, because reading is a job of its own: what the store
holds about a thing, and what its document adds about itself
(:mod:`ld.document_meta`); the pages, dumps and citations all start from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

import pyoxigraph as ox

from ld import document_meta as meta
from ld import uris
from ld.errors import NotFound
from ld.facts import Facts, Index, read
from ld.facts_index import in_order
from ld.facts_links import TitleLookup, stored_titles
from ld.listing import PAGE_SIZE, Listing, records_pointing_to
from ld.store.base import Store


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
                return timestamp(t.object.value)
        return None


_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")


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


def timestamp(text: str | None) -> datetime | None:
    """An xsd:dateTime as an aware datetime (UTC when it has no zone), or None."""
    if text is None:
        return None
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
