"""Forward a checked query to a remote SPARQL server, with our timeout and row cap.

With a remote store there is no process to kill: the timeout goes to the
HTTP call (connect and every read) and to an overall deadline checked while
the answer streams; past it the connection is closed and the client gets
:class:`ld.errors.QueryTimeout`. Whether the server then stops working on
the query is up to the server (give it its own timeout too). SELECT results
are read as they stream, cut at ``max_rows`` with the same exact TSV cut as
the worker processes, and written in the negotiated format; graphs pass
through as the server wrote them.

The Accept header names one kind only, the one the query's form answers with
(RDF for CONSTRUCT/DESCRIBE, SPARQL results for SELECT/ASK): asked for both,
Virtuoso wrote every graph as a table of s/p/o bindings (the first type
named). An answer of the other kind is a failure that says so.

A query the server refuses (400) is read again by Oxigraph's parser here:
when that finds a syntax error, the client gets the explanation the embedded
store gives (:mod:`ld.sparql_messages`), not the server's own parser text.

The server's failures and odd answers are the remote store's
(:mod:`ld.store.remote_http`, :mod:`ld.store.remote_read`): a StoreError (503)
whose public text names neither the server's credentials nor what the server
said; an answer that is not SPARQL (an HTML page, a body cut short) is one
too, not a 500 or a page passed on as if it were the graph asked for.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import requests

from ld.capped import capped
from ld.config import Settings
from ld.errors import BadRequest, QueryTimeout, ServerError, StoreError
from ld.formats import formats_of
from ld.sparql import TRUNCATED_HEADER, Analysis, ProtocolRequest
from ld.sparql_messages import plain
from ld.sparql_pool import query_error
from ld.store.base import QueryResponse, Store
from ld.store.remote_http import check, redact, unreachable, why
from ld.store.remote_read import READ_ERRORS, Body, cut_at, not_sparql

SRJ = "application/sparql-results+json"
GRAPH_FORMS = frozenset({"CONSTRUCT", "DESCRIBE"})
RDF_TYPES = frozenset(f.media_type for f in formats_of("rdf", "dataset"))
CHUNK = 64 * 1024


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise QueryTimeout(f"the SPARQL server did not answer within {self.seconds:g} s; "
                               "the request was given up")
        return left


def forward(request: ProtocolRequest, analysis: Analysis, formats: Any, *, store: Store,
            settings: Settings) -> QueryResponse:
    """Send the query to the server behind ``store`` (a RemoteStore) and relay the answer."""
    deadline, limit = _Deadline(settings.query_timeout), settings.max_rows
    url = getattr(store, "query_url", "")
    response = _post(request, analysis, formats, store, deadline)
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if analysis.form in GRAPH_FORMS:
        return _graph(url, response, media_type, analysis, formats.graph, deadline)
    if media_type in RDF_TYPES:  # a graph, for a SELECT or an ASK
        response.close()
        raise _wrong_kind(url, analysis.form, SRJ, media_type)
    try:
        if media_type not in (SRJ, "application/json"):
            raise SyntaxError(f"a {media_type or 'body without a type'}, not a SPARQL answer")
        answer = ox.parse_query_results(Body(url, response, deadline.remaining),
                                        ox.QueryResultsFormat.JSON)
        if isinstance(answer, ox.QueryBoolean):
            body = answer.serialize(format=getattr(ox.QueryResultsFormat,
                                                   formats.results.oxigraph))
            return QueryResponse("boolean", formats.results.media_type, iter([body]))
        body, truncated = _capped(answer, formats.results.oxigraph, settings.max_rows)
        cap = cut_at(response)  # Virtuoso cut it at its own ResultSetMaxRows
        if cap is not None and not truncated:
            truncated, limit = True, cap
    except (SyntaxError, ValueError) as e:
        raise not_sparql(url, response, e) from None
    except READ_ERRORS as e:
        raise ServerError(f"reading the answer of the SPARQL server at {redact(url)} failed",
                          detail=why(e)) from None
    finally:
        response.close()
    headers = {TRUNCATED_HEADER: str(limit)} if truncated else {}
    return QueryResponse("bindings", formats.results.media_type, iter([body]), truncated,
                         headers)


def _graph(url: str, response: requests.Response, media_type: str, analysis: Analysis,
           fmt: Any, deadline: _Deadline) -> QueryResponse:
    """A CONSTRUCT's or DESCRIBE's answer passed through in the server's words."""
    if not fmt.matches(media_type):
        response.close()
        raise _wrong_kind(url, analysis.form, fmt.media_type, media_type)
    return QueryResponse("graph", fmt.media_type, _relay(url, response, deadline))


def _post(request: ProtocolRequest, analysis: Analysis, formats: Any, store: Store,
          deadline: _Deadline) -> requests.Response:
    url = getattr(store, "query_url", None)
    if url is None:
        raise StoreError("the remote store has no query URL")
    data = _form(request, analysis, store)
    accept = formats.graph.media_type if analysis.form in GRAPH_FORMS else SRJ
    response = _send(url, data, accept, deadline, getattr(store, "auth", None))
    try:
        check(response, url, "query")  # a 400 is the query's: BadRequest with the server's words
    except BadRequest as refused:
        raise _explained(request.text, analysis) or refused from None
    return response


def _explained(text: str, analysis: Analysis) -> BadRequest | None:
    """The embedded store's words for a query the server refused, when Oxigraph's
    parser finds a syntax error in it too (None: the server's words stand).

    Read by an empty in-memory store: a query that parses is not run (its answer
    is never read), an ASK is answered at once from no data."""
    try:
        ox.Store().query(text)
    except SyntaxError as e:
        return query_error({"kind": "syntax", "message": plain(str(e), text, analysis)})
    except (ValueError, RuntimeError, OSError):
        pass
    return None


def _wrong_kind(url: str, form: str | None, wanted: str, sent: str) -> ServerError:
    """A graph for a SELECT/ASK or a table for a CONSTRUCT/DESCRIBE: the server is
    a SPARQL server (its URL is right) that answered with another kind than asked."""
    kind = "RDF" if wanted != SRJ else "SPARQL results"
    return ServerError(f"the SPARQL server at {redact(url)} answered the {form} query with "
                       f"{sent or 'a body without a type'}, not {kind} ({wanted}) as asked",
                       hint="the server does not write that format for this query: ask for "
                            "another one (Accept)")


def _form(request: ProtocolRequest, analysis: Analysis, store: Store) -> list[tuple[str, str]]:
    """The query and its dataset as form fields (Oxigraph's union default graph when
    neither the request nor the query names a dataset)."""
    data = [("query", request.text)]
    data += [("default-graph-uri", g) for g in request.default_graphs]
    data += [("named-graph-uri", g) for g in request.named_graphs]
    if (getattr(store, "union_param", False) and not request.names_dataset
            and not analysis.names_dataset):
        data.append(("union-default-graph", ""))
    return data


def _send(url: str, data: list[tuple[str, str]], accept: str, deadline: _Deadline,
          auth: tuple[str, str] | None) -> requests.Response:
    """POST the form, within what is left of the deadline; network failures as our errors.

    Not retried: the visitor's time is the deadline's, and a query may be costly."""
    try:
        return requests.post(url, data=data, stream=True, timeout=(5, deadline.remaining()),
                             headers={"Accept": accept, "Accept-Encoding": "identity"},
                             auth=auth)
    except requests.Timeout:
        raise QueryTimeout(f"the SPARQL server did not answer within {deadline.seconds:g} s; "
                           "the request was given up") from None
    except requests.RequestException as e:
        raise unreachable(url, e) from None


def _capped(answer: ox.QuerySolutions, fmt: str, max_rows: int) -> tuple[bytes, bool]:
    target = getattr(ox.QueryResultsFormat, fmt)
    if max_rows <= 0:
        return answer.serialize(format=target), False
    return capped(answer, target, max_rows)


def _relay(url: str, response: requests.Response, deadline: _Deadline) -> Iterator[bytes]:
    with response:
        try:
            for chunk in response.iter_content(CHUNK):
                deadline.remaining()
                yield chunk
        except READ_ERRORS as e:
            raise ServerError(f"reading the answer of the SPARQL server at {redact(url)} "
                              "failed", detail=why(e)) from None
