"""Deleting records: ``ldpub delete``, a load's deletions (PubMed's
DeleteCitation) and a harvest's OAI-PMH deleted records all come to
:func:`delete_records`.

Dropping a record's graph is not all: the records that said ``owl:sameAs``
it (:mod:`ld.identity`: a later record points to the first one loaded that
shares a strong identifier) kept pointing at a 404, and were no longer
joined by anything (explore11 life 2). So those followers are linked again
first, as a fresh load of the remaining records would link them
(:meth:`ld.identity.IdentityLinker.relink`), and rewritten through the
store's normal write with a later ``dcterms:modified``, so that pre-rendered
pages, ETags and snapshots follow. The store is asked only about the
deleted records' followers (one SELECT per
:data:`ld.identity_queries.QUERY_SIZE` deleted records), their graphs and
their identifiers, as a load asks about its batch's: never a scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from datetime import UTC, datetime, timedelta

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

from ld.identity import IdentityLinker, identifiers
from ld.identity_queries import chunks, followers_query
from ld.store.base import RecordGraph, Store
from ld.uris import record_graph, record_uri, split

Follower = tuple[str, Graph]  # a follower's graph IRI and its stored graph


def delete_records(store: Store, base: str, record_ids: Iterable[str],
                   linker: IdentityLinker | None = None) -> int:
    """Delete these records, linking their followers again first; how many existed.
    ``linker``: a load's own (deleting a harvest's deleted records), which then
    forgets what it remembered, as it must: it may name a deleted record.

    Linked again before the deletion: should the deletion then fail, the
    records are still there and the command can be run again; the other way
    round, a failure would leave links to records that are gone, and nothing
    would ever mend them (the ids are no longer in the store).
    """
    ids = list(dict.fromkeys(record_ids))
    store.write_records(relinked(store, base, {record_uri(base, i) for i in ids}, linker))
    return store.delete_records([record_graph(base, i) for i in ids])


def relinked(store: Store, base: str, gone: Set[str],
             linker: IdentityLinker | None = None) -> list[RecordGraph]:
    """The stored records that say owl:sameAs one of ``gone`` (record IRIs), rewritten
    to say what a fresh load of the records left, in their load order (their
    dcterms:modified, then IRI, as the linker orders), would have them say."""
    followers = _followers(store, gone)
    order = sorted(followers, key=lambda r: (_modified(followers[r]) or "", r))  # load order
    links = (linker or IdentityLinker(store)).relink(
        [(r, identifiers(followers[r][1], URIRef(r))) for r in order], gone)
    now = datetime.now(UTC).replace(microsecond=0)
    return [_rewrite(base, r, followers[r], links.get(r), gone, now) for r in order]


def _followers(store: Store, gone: Set[str]) -> dict[str, Follower]:
    """record IRI -> (graph IRI, graph) of the stored records, not themselves ``gone``,
    that say owl:sameAs one of ``gone``."""
    graphs = {str(row["record"]): str(row["graph"]) for chunk in chunks(sorted(gone))
              for row in store.select(followers_query(chunk))}
    found = {r: (g, store.graph(g)) for r, g in graphs.items() if r not in gone}
    return {r: (g, graph) for r, (g, graph) in found.items() if graph is not None}


def _modified(follower: Follower) -> str | None:
    """The lexical dcterms:modified of a follower's document, as the linker orders by."""
    graph_iri, graph = follower
    value = graph.value(URIRef(graph_iri), DCTERMS.modified)
    return str(value) if value is not None else None


def _rewrite(base: str, record: str, follower: Follower, first: str | None,
             gone: Set[str], now: datetime) -> RecordGraph:
    """A follower saying owl:sameAs ``first`` (None: nobody) in place of ``gone``."""
    graph_iri, graph = follower
    subject = URIRef(record)
    for target in gone:
        graph.remove((subject, OWL.sameAs, URIRef(target)))
    if first is not None:
        graph.add((subject, OWL.sameAs, URIRef(first)))
    doc = URIRef(graph_iri)
    graph.set((doc, DCTERMS.modified, Literal(_later(graph.value(doc, DCTERMS.modified), now))))
    parts = split(base, record)
    return RecordGraph(parts[2] if parts else record, graph_iri, graph=graph)


def _later(was: object, now: datetime) -> datetime:
    """``now``, or a second after ``was`` when that is not earlier: the new
    dcterms:modified must differ from the old one even within the second the
    record was loaded in, or what is keyed by it (ETags, Last-Modified, the
    sitemap's lastmod) would not change with the graph."""
    when = was.toPython() if isinstance(was, Literal) else None
    if isinstance(when, datetime) and when.tzinfo is not None:
        return max(now, when + timedelta(seconds=1))
    return now
