"""A remote store's dump: the statements of its record graphs, streamed or, where the
server cuts answers short, page by page.

Only record graphs (``{base}doc/record/...``, of the store's base) are dumped: a
server has graphs of its own (Virtuoso's system graphs: about 5,600 statements of
quad maps and ontologies), and maybe another catalogue's, which are no part of this
one.

One streamed SELECT is the fast way, and what an Oxigraph or Fuseki server
gets. Virtuoso cuts every SELECT at its ``ResultSetMaxRows`` (10,000 by
default), saying so only in an ``X-SPARQL-MaxRows`` header: that dump was
silently a part of the data. When the answer carries the header, the dump is
made again page by page: the record graphs listed in order (``ORDER BY`` with
a key, not ``OFFSET``, which Virtuoso refuses past 10,000 sorted rows), and
their statements read a group of graphs at a time, a group halved while its
answer reaches the cap, and each graph's statements written together. The
statements are always read as quads: a triples dump (N-Triples, Turtle) is
made of them by :mod:`ld.store.dump_dedup`, each triple once, paged or not,
rather than by a ``SELECT DISTINCT``, which has the server hold every distinct
triple in its memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from ld.errors import ServerError
from ld.store import minted
from ld.store.remote_read import Body, cut_at, not_sparql

GRAPH_PAGE = 5_000  # record graphs listed per request (fewer than the server's cap)
GROUP = 100  # record graphs whose statements are asked for at once, to start with
SRJ = "application/sparql-results+json"


def statements(store: Any) -> Iterator[ox.Quad]:
    """Every statement of the record graphs of ``store`` (a RemoteStore), under its base
    only: a server shared by two catalogues holds the other's too."""
    query = f"SELECT ?s ?p ?o ?g WHERE {{ {store.in_records} }}"
    response = store.ask_server(query, SRJ, stream=True)
    with response:
        cap = cut_at(response)
        if cap is None:
            yield from _streamed(store.query_url, response)
            return
    yield from _paged(store, cap)


def _streamed(url: str, response: Any) -> Iterator[ox.Quad]:
    try:
        answer = ox.parse_query_results(Body(url, response), ox.QueryResultsFormat.JSON)
        for row in answer:
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])
    except (SyntaxError, ValueError) as exc:
        raise not_sparql(url, response, exc) from None


def _paged(store: Any, cap: int) -> Iterator[ox.Quad]:
    for graphs in _record_graphs(store, max(1, min(cap - 1, GRAPH_PAGE))):
        for start in range(0, len(graphs), GROUP):
            yield from _group(store, graphs[start:start + GROUP], cap)


def _record_graphs(store: Any, page: int) -> Iterator[list[str]]:
    """The record graphs' IRIs in order, a page at a time."""
    last, ours = "", minted.record_graph(store.base)
    while True:
        after = f' && STR(?g) > "{minted.escaped(last)}"' if last else ""
        _, rows = store.rows(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                             f"FILTER({ours}{after}) }} ORDER BY STR(?g) LIMIT {page}")
        graphs = [row[0].value for row in rows if row[0] is not None]
        if graphs:
            yield graphs
        if len(graphs) < page:
            return
        last = graphs[-1]


def _group(store: Any, graphs: list[str], cap: int) -> Iterator[ox.Quad]:
    """The statements of ``graphs``, asked for in halves while an answer reaches the cap."""
    values = " ".join(f"<{g}>" for g in graphs)
    _, rows = store.rows(f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {values} }} "
                         "GRAPH ?g { ?s ?p ?o } }", cut_ok=True)
    if len(rows) >= cap:
        if len(graphs) == 1:
            raise ServerError(f"the record graph <{graphs[0]}> has more statements than "
                              f"the SPARQL server returns at once ({cap})",
                              hint="raise its limit (Virtuoso: ResultSetMaxRows in "
                                   "virtuoso.ini, [SPARQL] section)")
        half = len(graphs) // 2
        yield from _group(store, graphs[:half], cap)
        yield from _group(store, graphs[half:], cap)
        return
    yield from _by_graph(rows)


def _by_graph(rows: list[Any]) -> Iterator[ox.Quad]:
    """The rows as quads, each graph's together: Virtuoso interleaves the graphs of a
    group, and a JSON-LD dump starts a new top-level object at each change of graph
    (a record in up to 119 pieces). Grouped here rather than by ORDER BY ?g, which
    would have Virtuoso sort every row of the group."""
    graphs: dict[str, list[ox.Quad]] = {}
    for s, p, o, g in rows:
        graphs.setdefault(g.value, []).append(ox.Quad(s, p, o, g))
    for quads in graphs.values():
        yield from quads
