"""The store as any SPARQL 1.1 server (Query, Update, Graph Store Protocol).

``LDPUB_STORE`` names the server in one of two ways:

* ``http://host:port`` (no path) or a URL ending in ``/query``: the Oxigraph
  server layout. Queries go to ``/query``, updates to ``/update``, graphs are
  read through the Graph Store Protocol at ``/store?graph=...``. Queries that
  name no graphs are sent with Oxigraph's ``union-default-graph`` parameter,
  so the default graph is the union of the record graphs as the embedded
  store has it (no need to start the server with ``--union-default-graph``).
* any other URL, e.g. Fuseki's ``http://host:3030/ds`` or Virtuoso's
  ``http://host:8890/sparql``: query and update both go to that URL, graphs
  are read with CONSTRUCT. The server's default graph must be the union of
  its named graphs (Virtuoso does that; Fuseki needs ``tdb2:unionDefaultGraph
  true``).

A batch is one SPARQL Update request (DROP SILENT GRAPH + one INSERT DATA
for every graph of the batch); a single update request is atomic on Oxigraph,
Fuseki and Virtuoso, so a batch is all-or-nothing like the embedded store's.

``version`` cannot see other writers of the server, so it changes with our
own writes and at least every :data:`VERSION_SECONDS`: caches keyed on it
are at most that stale.
"""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import pyoxigraph as ox
import requests
from rdflib import Graph
from rdflib.term import Node

from ld import formats
from ld.errors import BadRequest, NotAcceptable, StoreError
from ld.namespaces import PREFIXES
from ld.store import results
from ld.store.base import QueryResponse, RecordGraph, Store, WriteResult
from ld.store.convert import ask_answer, record_quads, select_rows, triples_to_graph
from ld.store.oxstore import has_dataset_clause, rdf_format, write_answer

VERSION_SECONDS = 10
SRJ = "application/sparql-results+json"
NT = "application/n-triples"
CONNECT_TIMEOUT, READ_TIMEOUT = 5.0, 300.0  # seconds; a load's batch may take minutes


class RemoteStore(Store):
    """Records as named graphs on a SPARQL 1.1 server."""

    snapshot_path: str | None = None

    def __init__(self, url: str, read_timeout: float = READ_TIMEOUT) -> None:
        """``read_timeout``: how long to wait for an answer. A load waits minutes for a
        batch's update; a server waits as long as a query may run, so a hung SPARQL
        server gives 503s (and a failing /health) instead of taking every thread."""
        self.url = url.rstrip("/")
        self.timeout = (CONNECT_TIMEOUT, read_timeout)
        path = urlsplit(self.url).path
        if path in ("", "/") or path.endswith("/query"):
            root = self.url.removesuffix("/query")
            self.query_url, self.update_url = f"{root}/query", f"{root}/update"
            self.gsp_url: str | None = f"{root}/store"
            self.union_param = True
        else:
            self.query_url = self.update_url = self.url
            self.gsp_url, self.union_param = None, False
        self.http = requests.Session()
        self._id, self._writes = uuid.uuid4().hex[:8], 0

    @property
    def version(self) -> str:
        return f"{self._id}-{self._writes}-{int(time.time() // VERSION_SECONDS)}"

    # --- HTTP -----------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.http.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise StoreError(f"cannot reach the SPARQL server at {url}: {exc}",
                             hint="is it running? check --store / LDPUB_STORE") from exc
        if response.status_code == 400:
            raise BadRequest(f"the SPARQL server refused the request: {response.text.strip()}")
        if response.status_code == 406:
            raise NotAcceptable(f"the SPARQL server cannot answer with "
                                f"{kwargs.get('headers', {}).get('Accept')}")
        if response.status_code >= 400 and response.status_code != 404:
            raise StoreError(f"the SPARQL server at {url} answered {response.status_code}: "
                             f"{response.text.strip()[:500]}")
        return response

    def _query(self, query: str, accept: str, *, stream: bool = False,
               default: Sequence[str] = (), named: Sequence[str] = ()) -> requests.Response:
        data = [("query", query)]
        data += [("default-graph-uri", g) for g in default]
        data += [("named-graph-uri", g) for g in named]
        if self.union_param and not default and not named and not has_dataset_clause(query):
            data.append(("union-default-graph", ""))
        headers = {"Accept": accept, "Accept-Encoding": "identity"}
        return self._send("POST", self.query_url, data=data, headers=headers, stream=stream)

    def update(self, update: str) -> None:
        headers = {"Content-Type": "application/sparql-update; charset=utf-8"}
        self._send("POST", self.update_url, data=update.encode("utf-8"), headers=headers)
        self._writes += 1

    def _solutions(self, query: str) -> ox.QuerySolutions | ox.QueryBoolean:
        body = self._query(query, SRJ).content
        return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)

    # --- writes ---------------------------------------------------------------

    def write_records(self, batch: Sequence[RecordGraph]) -> WriteResult:
        if not batch:
            return WriteResult()
        by_graph = {r.graph_iri: r for r in batch}
        quads = {iri: record_quads(r) for iri, r in by_graph.items()}
        existing = self._existing(by_graph)
        parts = [f"DROP SILENT GRAPH <{g}> ;\n" for g in by_graph]
        parts.append("INSERT DATA {\n")
        for iri, graph_quads_ in quads.items():
            parts.append(f"GRAPH <{iri}> {{\n")
            parts.extend(f"{q.subject} {q.predicate} {q.object} .\n" for q in graph_quads_)
            parts.append("}\n")
        parts.append("}\n")
        self.update("".join(parts))
        triples = sum(len(qs) for qs in quads.values())
        return WriteResult(written=len(by_graph), replaced=len(existing), triples=triples)

    def _existing(self, graph_iris: Iterable[str]) -> list[str]:
        values = " ".join(f"<{g}>" for g in graph_iris)
        if not values:
            return []
        answer = self._solutions(f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} "
                                 "FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }")
        return [sol["g"].value for sol in answer]

    def delete_records(self, graph_iris: Iterable[str]) -> int:
        existing = self._existing(dict.fromkeys(graph_iris))
        if existing:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in existing))
        return len(existing)

    def publish(self, *, compact: bool = False) -> str:
        """Nothing to publish: the server serves what it holds."""
        return self.version

    # --- reads ----------------------------------------------------------------

    def has_graph(self, graph_iri: str) -> bool:
        return bool(self._solutions(f"ASK {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"))

    def _graph_triples(self, graph_iri: str) -> list[ox.Triple] | None:
        if self.gsp_url:
            response = self._send("GET", self.gsp_url, params={"graph": graph_iri},
                                  headers={"Accept": NT})
            if response.status_code == 404:
                return None
            return list(ox.parse(response.content, ox.RdfFormat.N_TRIPLES))
        body = self._query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> "
                           f"{{ ?s ?p ?o }} }}", NT).content
        triples = list(ox.parse(body, ox.RdfFormat.N_TRIPLES))
        return triples or None

    def triples(self, graph_iri: str) -> list | None:
        return self._graph_triples(graph_iri)

    def graph(self, graph_iri: str) -> Graph | None:
        triples = self._graph_triples(graph_iri)
        return None if triples is None else triples_to_graph(triples)

    def serialize_graph(self, graph_iri: str, media_type: str) -> bytes | None:
        fmt = rdf_format(media_type, ("rdf",))
        triples = self._graph_triples(graph_iri)
        return None if triples is None else ox.serialize(triples, format=fmt, prefixes=PREFIXES)

    def select(self, query: str) -> list[dict[str, Node]]:
        return select_rows(self._solutions(query))

    def ask(self, query: str) -> bool:
        return ask_answer(self._solutions(query))

    def construct(self, query: str) -> Graph:
        body = self._query(query, NT).content
        return triples_to_graph(ox.parse(body, ox.RdfFormat.N_TRIPLES))

    def query(
        self,
        query: str,
        media_type: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        max_rows: int | None = None,
    ) -> QueryResponse:
        """Results come back as SPARQL JSON and are re-written (to cut at ``max_rows``
        and to learn SELECT from ASK); graphs pass through as the server wrote them."""
        fmt = formats.by_media_type(media_type)
        if fmt is None:
            raise NotAcceptable(f"no format {media_type}", [f.media_type for f in formats.FORMATS])

        def work(channel: results.Channel) -> None:
            response = self._send_query(query, fmt, media_type,
                                        default_graph_uris, named_graph_uris)
            with response:
                _relay(channel, response, fmt, media_type, max_rows)

        head, chunks = results.produce(work)
        return QueryResponse(head["kind"], head["media_type"], chunks,
                             truncated=head["truncated"])

    def _send_query(self, query: str, fmt: formats.Format, media_type: str,
                    default: Sequence[str], named: Sequence[str]) -> requests.Response:
        """Send the query for SPARQL JSON results, or for the graph format ``fmt``.

        A query whose form gives the other kind of answer is NotAcceptable,
        with the formats it can be written as."""
        is_results = fmt.kind == "results"
        try:
            return self._query(query, SRJ if is_results else fmt.media_type,
                               stream=True, default=default, named=named)
        except NotAcceptable as exc:  # the query form wants the other kind of format
            other = ("rdf",) if is_results else ("results",)
            raise NotAcceptable(f"this query's results cannot be written as {media_type}",
                                [f.media_type for f in formats.formats_of(*other)]) from exc

    def dump(self, out: BinaryIO, media_type: str) -> None:
        fmt = rdf_format(media_type)
        if fmt.supports_datasets:
            query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        else:
            query = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"
        with self._query(query, SRJ, stream=True) as response:
            answer = ox.parse_query_results(_Body(response), ox.QueryResultsFormat.JSON)
            ox.serialize(_statements(answer, fmt.supports_datasets), out, fmt, prefixes=PREFIXES)

    def count_triples(self) -> int:
        return self._count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")

    def record_count(self) -> int:
        return self._count("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")

    def _count(self, query: str) -> int:
        cache: dict[tuple[str, str], int] = self.__dict__.setdefault("_counts", {})
        key = (query, self.version)
        if key not in cache:
            cache.clear()
            cache[key] = int(next(iter(self._solutions(query)))["n"].value)
        return cache[key]

    def close(self) -> None:
        self.http.close()


def _relay(channel: results.Channel, response: requests.Response, fmt: formats.Format,
           media_type: str, max_rows: int | None) -> None:
    """The server's answer into ``channel``: results re-written, graphs as the server wrote them."""
    if fmt.kind == "results":
        answer = ox.parse_query_results(_Body(response), ox.QueryResultsFormat.JSON)
        write_answer(channel, answer, media_type, max_rows)
        return
    channel.header(kind="graph", media_type=fmt.media_type, truncated=False)
    for chunk in response.iter_content(results.CHUNK):
        channel.put(chunk)


def _statements(answer: ox.QuerySolutions, quads: bool) -> Iterator[ox.Quad | ox.Triple]:
    for row in answer:
        if quads:
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])
        else:
            yield ox.Triple(row["s"], row["p"], row["o"])


class _Body(io.RawIOBase):
    """A streamed HTTP body as a binary file for pyoxigraph's parsers."""

    def __init__(self, response: requests.Response) -> None:
        self.raw = response.raw
        self.raw.decode_content = True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

