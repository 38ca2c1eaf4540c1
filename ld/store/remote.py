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

``user:password@`` in the URL is sent as basic auth and never shown
(:mod:`ld.store.remote_http`, which also turns every failure into a
StoreError and retries transient ones). How a batch is written, in one
atomic request or, for Virtuoso, in small ones, and the store's
``write_records`` and ``delete_records`` themselves: :mod:`ld.store.remote_write`.
Counts and dumps cover the record graphs only (a server's own graphs are no
part of the catalogue); dumps: :mod:`ld.store.remote_dump`. Given its
``base``, the record graphs are those under ``{base}doc/record/`` only: a
server is often shared (another catalogue, a staging copy under another
base), and any graph named ``.../doc/record/...`` was counted, dumped and
taken for the base check.

``version`` cannot see other writers of the server, so it changes with our
own writes and at least every :data:`VERSION_SECONDS`: caches keyed on it
(pages) are at most that stale. ``data_version`` changes with our own writes
only: the whole-dataset figures are filed under it and renewed in the
background (:mod:`ld.versioned`), since computing them may take longer than
a ``version`` lasts (none of the servers ldpub supports says when its data
changed, short of a scan as long as the figures').

A serving reader (``check_base``) checks the base at the server's first
answer (:class:`ld.store.minted.FirstAnswer`), and refuses every read after a
mismatch.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import pyoxigraph as ox
import requests
from rdflib import Graph
from rdflib.term import Node

from ld import formats
from ld.errors import BadRequest, ConfigError, NotAcceptable, ServerError
from ld.namespaces import PREFIXES
from ld.store import dump_dedup, minted, remote_dump, results
from ld.store.base import QueryResponse, Store
from ld.store.convert import from_ox, triples_to_graph
from ld.store.oxstore import has_dataset_clause, rdf_format
from ld.store.remote_http import WRITER, Http, Retry, redact, split_credentials
from ld.store.remote_read import Rows, relay
from ld.store.remote_read import results as read_results
from ld.store.remote_read import triples as read_triples
from ld.store.remote_write import RemoteWrites

VERSION_SECONDS = 10
SRJ = "application/sparql-results+json"
NT = "application/n-triples"
CONNECT_TIMEOUT, READ_TIMEOUT = 5.0, 300.0  # seconds; a load's batch may take minutes


class RemoteStore(RemoteWrites, Store):
    """Records as named graphs on a SPARQL 1.1 server."""

    snapshot_path: str | None = None

    def __init__(self, url: str, read_timeout: float = READ_TIMEOUT,
                 retry: Retry = WRITER, *, base: str | None = None,
                 check_base: bool = False) -> None:
        """``read_timeout``: how long to wait for an answer. A load waits minutes for a
        batch's update; a server waits as long as a query may run, so a hung SPARQL
        server gives 503s (and a failing /health) instead of taking every thread.
        ``base``: the record graphs are ``{base}doc/record/...`` (None: of any base);
        ``check_base``: see the module docstring."""
        plain, self.auth = split_credentials(url.rstrip("/"))
        self.url, self.shown = plain, redact(url.rstrip("/"))
        path = urlsplit(self.url).path
        if path in ("", "/") or path.endswith("/query"):
            root = self.url.removesuffix("/query")
            self.query_url, self.update_url = f"{root}/query", f"{root}/update"
            self.gsp_url: str | None = f"{root}/store"
            self.union_param = True
        else:
            self.query_url = self.update_url = self.url
            self.gsp_url, self.union_param = None, False
        self.http = Http(self.auth, (CONNECT_TIMEOUT, read_timeout), retry)
        self._id, self._writes = uuid.uuid4().hex[:8], 0
        self._minted: str | None = None  # the base its records were minted under; "" none
        self.base = base
        self.in_records = minted.in_records(base)  # the record graphs' statements
        self._first_answer = minted.FirstAnswer(base if check_base else None)

    @property
    def version(self) -> str:
        return f"{self.data_version}-{int(time.time() // VERSION_SECONDS)}"

    @property
    def data_version(self) -> str:
        """Changes with this process's own writes only (see the module docstring)."""
        return f"{self._id}-{self._writes}"

    def check_base(self) -> None:
        """Refuse (ConfigError) when the server holds record graphs, none of them
        under ``base``; for a serving reader only, once (:class:`minted.FirstAnswer`)."""
        self._first_answer(self)

    def pin(self) -> RemoteStore:
        """Itself (a server has no snapshots), once the base is checked: the home page
        reads only figures kept in memory, and is refused as every other page is."""
        self._checked()
        return self

    def _checked(self) -> None:
        """Before any request of a serving reader: :meth:`check_base`, refusals as 503s."""
        try:
            self._first_answer(self)
        except ConfigError:
            raise self._first_answer.refusal from None

    # --- HTTP -----------------------------------------------------------------

    def ask_server(self, query: str, accept: str, *, stream: bool = False,
                   default: Sequence[str] = (), named: Sequence[str] = ()
                   ) -> requests.Response:
        """POST a query; the answer, a success (failures are ServerError/BadRequest)."""
        data = [("query", query)]
        data += [("default-graph-uri", g) for g in default]
        data += [("named-graph-uri", g) for g in named]
        if self.union_param and not default and not named and not has_dataset_clause(query):
            data.append(("union-default-graph", ""))
        headers = {"Accept": accept, "Accept-Encoding": "identity"}
        self._checked()
        return self.http.send("POST", self.query_url, service="query", data=data,
                              headers=headers, stream=stream)

    def update(self, update: str) -> None:
        """A SPARQL Update of the endpoint's (a user's): sent once, a 400 is theirs."""
        self._update(update, own=False)

    def _update(self, update: str, *, own: bool = True) -> None:
        """ldpub's own updates replace or drop whole graphs: safe to send again."""
        headers = {"Content-Type": "application/sparql-update; charset=utf-8"}
        self._checked()
        self.http.send("POST", self.update_url, service="update", idempotent=own,
                       refused=ServerError if own else BadRequest,
                       data=update.encode("utf-8"), headers=headers).close()
        self._writes += 1

    def _answer(self, query: str, cut_ok: bool = False) -> bool | Rows:
        return read_results(self.query_url, self.ask_server(query, SRJ), cut_ok)

    def rows(self, query: str, cut_ok: bool = False) -> Rows:
        """A SELECT's variable names and rows of pyoxigraph terms (None when unbound);
        an answer the server cut short is an error unless ``cut_ok``."""
        answer = self._answer(query, cut_ok)
        if isinstance(answer, bool):
            raise BadRequest("select() needs a SELECT query")
        return answer

    @property
    def virtuoso(self) -> bool:
        """Is the server Virtuoso (its Server header)? Known once it has answered."""
        return "virtuoso" in self.http.server.lower()

    # --- writes (write_records, delete_records: remote_write.RemoteWrites) ------

    def publish(self, *, compact: bool = False) -> str:
        """Nothing to publish: the server serves what it holds."""
        return self.version

    # --- reads ----------------------------------------------------------------

    def has_graph(self, graph_iri: str) -> bool:
        return bool(self._answer(f"ASK {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"))

    def _graph_triples(self, graph_iri: str) -> list[ox.Triple] | None:
        if self.gsp_url:  # the one 404 that is no failure: no such graph
            self._checked()
            response = self.http.send("GET", self.gsp_url, service="graph store",
                                      missing_ok=True, params={"graph": graph_iri},
                                      headers={"Accept": NT})
            if response.status_code == 404:
                return None
            return read_triples(self.gsp_url, response)
        triples = read_triples(self.query_url, self.ask_server(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}", NT))
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
        names, rows = self.rows(query)
        return [{n: from_ox(v) for n, v in zip(names, row, strict=True) if v is not None}
                for row in rows]

    def ask(self, query: str) -> bool:
        answer = self._answer(query)
        if not isinstance(answer, bool):
            raise BadRequest("ask() needs an ASK query")
        return answer

    def construct(self, query: str) -> Graph:
        return triples_to_graph(read_triples(self.query_url, self.ask_server(query, NT)))

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
                relay(self.query_url, channel, response, fmt, media_type, max_rows)

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
            return self.ask_server(query, SRJ if is_results else fmt.media_type,
                                   stream=True, default=default, named=named)
        except NotAcceptable as exc:  # the query form wants the other kind of format
            other = ("rdf",) if is_results else ("results",)
            raise NotAcceptable(f"this query's results cannot be written as {media_type}",
                                [f.media_type for f in formats.formats_of(*other)]) from exc

    def dump(self, out: BinaryIO, media_type: str, *, scratch: Path | None = None) -> None:
        """The record graphs' statements (see :mod:`ld.store.remote_dump`); in a triples
        format each triple once (see :mod:`ld.store.dump_dedup`)."""
        fmt = rdf_format(media_type)
        if fmt.supports_datasets:
            ox.serialize(remote_dump.statements(self), out, fmt, prefixes=PREFIXES)
            return
        dump_dedup.write_triples(lambda sink: ox.serialize(
            remote_dump.statements(self), sink, ox.RdfFormat.N_QUADS), self.count_triples(),
            out, fmt, scratch)

    def count_triples(self) -> int:
        return self._count(f"SELECT (COUNT(*) AS ?n) WHERE {{ {self.in_records} }}")

    def record_count(self) -> int:
        return self._count(f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ {self.in_records} }}")

    def _count(self, query: str) -> int:
        cache: dict[tuple[str, str], int] = self.__dict__.setdefault("_counts", {})
        key = (query, self.version)
        if key not in cache:
            cache.clear()
            _, rows = self.rows(query)
            cache[key] = int(rows[0][0].value) if rows and rows[0][0] is not None else 0
        return cache[key]

    def close(self) -> None:
        self.http.close()

