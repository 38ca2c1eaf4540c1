"""Forward a checked query to a remote SPARQL server, with our timeout and row cap.

With a remote store there is no process to kill: the timeout goes to the
HTTP call (connect and every read) and to an overall deadline checked while
the answer streams; past it the connection is closed and the client gets
:class:`ld.errors.QueryTimeout`. Whether the server then stops working on
the query is up to the server (give it its own timeout too). SELECT results
are read as they stream, cut at ``max_rows`` with the same exact TSV cut as
the worker processes, and written in the negotiated format; graphs pass
through as the server wrote them.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import requests

from ld.capped import capped
from ld.config import Settings
from ld.errors import BadRequest, QueryTimeout, StoreError
from ld.sparql import TRUNCATED_HEADER, Analysis, ProtocolRequest
from ld.store.base import QueryResponse, Store

SRJ = "application/sparql-results+json"
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


class _Body(io.RawIOBase):
    """The streamed HTTP body as a file for pyoxigraph's parser, minding the deadline."""

    def __init__(self, response: requests.Response, deadline: _Deadline) -> None:
        self.raw, self.deadline = response.raw, deadline
        self.raw.decode_content = True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self.deadline.remaining()
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def forward(request: ProtocolRequest, analysis: Analysis, formats: Any, *, store: Store,
            settings: Settings) -> QueryResponse:
    """Send the query to the server behind ``store`` (a RemoteStore) and relay the answer."""
    deadline = _Deadline(settings.query_timeout)
    response = _post(request, analysis, formats, store, deadline)
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if media_type != SRJ:  # a graph: pass it through in the server's words
        return QueryResponse("graph", formats.graph.media_type,
                             _relay(response, deadline))
    try:
        answer = ox.parse_query_results(_Body(response, deadline), ox.QueryResultsFormat.JSON)
        if isinstance(answer, ox.QueryBoolean):
            body = answer.serialize(format=getattr(ox.QueryResultsFormat,
                                                   formats.results.oxigraph))
            return QueryResponse("boolean", formats.results.media_type, iter([body]))
        body, truncated = _capped(answer, formats.results.oxigraph, settings.max_rows)
    except (OSError, requests.RequestException) as e:
        raise StoreError(f"reading the SPARQL server's answer failed: {e}") from None
    finally:
        response.close()
    headers = {TRUNCATED_HEADER: str(settings.max_rows)} if truncated else {}
    return QueryResponse("bindings", formats.results.media_type, iter([body]), truncated,
                         headers)


def _post(request: ProtocolRequest, analysis: Analysis, formats: Any, store: Store,
          deadline: _Deadline) -> requests.Response:
    url = getattr(store, "query_url", None)
    if url is None:
        raise StoreError("the remote store has no query URL")
    data = _form(request, analysis, store)
    accept = f"{SRJ}, {formats.graph.media_type};q=0.9"
    response = _send(url, data, accept, deadline)
    _check_status(response)
    return response


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


def _send(url: str, data: list[tuple[str, str]], accept: str,
          deadline: _Deadline) -> requests.Response:
    """POST the form, within what is left of the deadline; network failures as our errors."""
    try:
        return requests.post(url, data=data, stream=True, timeout=(5, deadline.remaining()),
                             headers={"Accept": accept, "Accept-Encoding": "identity"})
    except requests.Timeout:
        raise QueryTimeout(f"the SPARQL server did not answer within {deadline.seconds:g} s; "
                           "the request was given up") from None
    except requests.RequestException as e:
        raise StoreError(f"cannot reach the SPARQL server at {url}: {e}") from None


def _check_status(response: requests.Response) -> None:
    """A refused query is the client's (400); any other failure is the server's."""
    if response.status_code == 400:
        raise BadRequest(f"the SPARQL server refused the query: {response.text.strip()[:2000]}")
    if response.status_code >= 300:
        raise StoreError(f"the SPARQL server answered {response.status_code}: "
                         f"{response.text.strip()[:500]}")


def _capped(answer: ox.QuerySolutions, fmt: str, max_rows: int) -> tuple[bytes, bool]:
    target = getattr(ox.QueryResultsFormat, fmt)
    if max_rows <= 0:
        return answer.serialize(format=target), False
    return capped(answer, target, max_rows)


def _relay(response: requests.Response, deadline: _Deadline) -> Iterator[bytes]:
    with response:
        for chunk in response.iter_content(CHUNK):
            deadline.remaining()
            yield chunk
