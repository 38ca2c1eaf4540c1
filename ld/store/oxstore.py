"""Reads over a pyoxigraph Store, shared by the primary and the snapshot reader.

Subclasses give :meth:`_ox` (the pyoxigraph Store to read now) and
``version``. Queries see the union of the record graphs as their default
graph (``use_default_graph_as_union``) unless the caller or the query itself
(FROM / FROM NAMED) names the graphs: pyoxigraph lets the union flag override
a query's FROM, so we look for FROM in the query text first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from ld import formats
from ld.capped import capped
from ld.errors import BadRequest, NotAcceptable, StoreError
from ld.namespaces import PREFIXES
from ld.store import dump_dedup, results
from ld.store.base import QueryResponse, Store
from ld.store.convert import ask_answer, named, select_rows, triples_to_graph

# strings, IRIs and comments are blanked out before looking for a FROM keyword
_NOT_CODE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_FROM = re.compile(r"(?<![?$\w:])FROM\s+(?:NAMED\s+)?(?:<>|[A-Za-z_][\w.-]*:|:)",
                   re.IGNORECASE)
_FROM_ANYWHERE = re.compile("FROM", re.IGNORECASE)


def has_dataset_clause(query: str) -> bool:
    """Does the query name its own dataset (FROM <iri>, FROM NAMED <iri>)?"""
    if not _FROM_ANYWHERE.search(query):  # most queries: spares blanking a long text
        return False
    blanked = _NOT_CODE.sub(lambda m: "<>" if m.group().startswith("<") else " ", query)
    return bool(_FROM.search(blanked))


def rdf_format(media_type: str, kinds: tuple[str, ...] = ("rdf", "dataset")) -> ox.RdfFormat:
    """The pyoxigraph RdfFormat for a media type of the format table, or 406."""
    offered = formats.formats_of(*kinds)
    fmt = formats.by_media_type(media_type, offered)
    if fmt is None or fmt.oxigraph is None:
        raise NotAcceptable(f"the store cannot write {media_type}",
                            offered=[f.media_type for f in offered])
    return getattr(ox.RdfFormat, fmt.oxigraph)


def results_format(media_type: str) -> formats.Format:
    """The row of the format table for a SPARQL results media type, or 406."""
    offered = formats.formats_of("results")
    fmt = formats.by_media_type(media_type, offered)
    if fmt is None:
        raise NotAcceptable(f"SELECT and ASK results cannot be written as {media_type}",
                            offered=[f.media_type for f in offered])
    return fmt


class OxigraphReads(Store):
    """Every read of the Store interface, over ``self._ox()``."""

    version: str = ""

    def _ox(self) -> ox.Store:
        raise NotImplementedError

    def has_graph(self, graph_iri: str) -> bool:
        return self._ox().contains_named_graph(named(graph_iri))

    def graph(self, graph_iri: str) -> Graph | None:
        store, g = self._ox(), named(graph_iri)
        if not store.contains_named_graph(g):
            return None
        return triples_to_graph(store.quads_for_pattern(None, None, None, g))

    def serialize_graph(self, graph_iri: str, media_type: str) -> bytes | None:
        fmt = rdf_format(media_type, ("rdf",))
        store, g = self._ox(), named(graph_iri)
        body = store.dump(format=fmt, from_graph=g, prefixes=PREFIXES)
        if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE):
            # no header (Turtle writes its prefixes with the first triple), so empty means
            # no graph: saves contains_named_graph, ~6% of a Turtle miss
            return body or None
        return body if store.contains_named_graph(g) else None

    def triples(self, graph_iri: str) -> list | None:
        """The graph's quads as pyoxigraph objects: no N-Triples written and re-parsed."""
        quads = list(self._ox().quads_for_pattern(None, None, None, named(graph_iri)))
        return quads or None

    def value(self, graph_iri: str, subject: str, predicate: str) -> str | None:
        quads = self._ox().quads_for_pattern(named(subject), named(predicate), None,
                                             named(graph_iri))
        quad = next(quads, None)
        return None if quad is None else quad.object.value

    def _run(self, query: str, **dataset: Any) -> Any:
        if not dataset and not has_dataset_clause(query):
            dataset = {"use_default_graph_as_union": True}
        try:
            return self._ox().query(query, **dataset)
        except SyntaxError as exc:
            raise BadRequest(f"SPARQL syntax error: {exc}",
                             hint="fix the query at the position given") from exc
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"query failed: {exc}") from exc

    def select(self, query: str) -> list[dict[str, Node]]:
        return select_rows(self._run(query))

    def ask(self, query: str) -> bool:
        return ask_answer(self._run(query))

    def construct(self, query: str) -> Graph:
        triples = self._run(query)
        if not isinstance(triples, ox.QueryTriples):
            raise BadRequest("construct() needs a CONSTRUCT or DESCRIBE query")
        return triples_to_graph(triples)

    def query(
        self,
        query: str,
        media_type: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        max_rows: int | None = None,
    ) -> QueryResponse:
        dataset: dict[str, Any] = {}
        if default_graph_uris or named_graph_uris:  # SPARQL Protocol: exactly these graphs
            dataset["default_graph"] = [named(g) for g in default_graph_uris]
            dataset["named_graphs"] = [named(g) for g in named_graph_uris]
        head, chunks = results.produce(
            lambda channel: write_answer(channel, self._run(query, **dataset),
                                         media_type, max_rows))
        return QueryResponse(head["kind"], head["media_type"], _guarded(chunks),
                             truncated=head["truncated"])

    def dump(self, out: BinaryIO, media_type: str, *, scratch: Path | None = None) -> None:
        """A dataset format is the store's own dump; a triples format holds the union
        graph, each triple once, made from that dump in bounded memory (see
        :mod:`ld.store.dump_dedup`; ``scratch`` is where its temporary files go)."""
        fmt = rdf_format(media_type)
        try:
            store = self._ox()
            if fmt.supports_datasets:
                store.dump(out, fmt, prefixes=PREFIXES)
                return
            dump_dedup.write_triples(lambda sink: store.dump(sink, ox.RdfFormat.N_QUADS),
                                     self.count_triples(), out, fmt, scratch)
        except BrokenPipeError:
            raise  # the output's reader went away (`ldpub dump | head`): not the store's fault
        except OSError as exc:
            raise StoreError(f"dump failed: {exc}") from exc

    def count_triples(self) -> int:
        """Quads in the store: triples summed over record graphs (cached per version)."""
        return self._cached("triples", lambda store: len(store))

    def record_count(self) -> int:
        return self._cached("records", lambda store: sum(1 for _ in store.named_graphs()))

    def _cached(self, key: str, compute: Any) -> int:
        cache: dict[tuple[str, str], int] = self.__dict__.setdefault("_counts", {})
        store, version = self._ox(), self.version
        if (key, version) not in cache:
            cache.clear() if len(cache) > 8 else None
            cache[(key, version)] = compute(store)
        return cache[(key, version)]


def write_answer(channel: results.Channel, answer: Any, media_type: str,
                 max_rows: int | None) -> None:
    """Send a pyoxigraph query answer through ``channel``: header, then chunks."""
    if isinstance(answer, ox.QuerySolutions):
        fmt = results_format(media_type)
        target = getattr(ox.QueryResultsFormat, fmt.oxigraph or "JSON")
        if max_rows is None:  # streamed as pyoxigraph writes it
            channel.header(kind="bindings", media_type=fmt.media_type, truncated=False)
            answer.serialize(channel, target)
            return
        body, truncated = capped(answer, target, max_rows)  # the flag is known up front
        channel.header(kind="bindings", media_type=fmt.media_type, truncated=truncated)
        channel.write(body)
    elif isinstance(answer, ox.QueryBoolean):
        fmt = results_format(media_type)
        channel.header(kind="boolean", media_type=fmt.media_type, truncated=False)
        channel.write(answer.serialize(format=getattr(ox.QueryResultsFormat, fmt.oxigraph)))
    else:
        rdf = rdf_format(media_type)
        channel.header(kind="graph", media_type=rdf.media_type, truncated=False)
        ox.serialize(answer, channel, rdf, prefixes=PREFIXES)


def _guarded(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Evaluation errors surface while rows are pulled: report them as StoreError."""
    try:
        yield from chunks
    except (OSError, RuntimeError) as exc:
        raise StoreError(f"query evaluation failed: {exc}") from exc
