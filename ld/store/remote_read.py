"""Reading a SPARQL server's answers: SPARQL JSON results and N-Triples, checked.

Why: an answer that is not SPARQL (a proxy's 404 or maintenance page served
with 200, another web site at a mistyped store URL, a body cut short, the
server going away during a dump) ended in a Python traceback and exit code 1,
which means "some records were rejected". Here every such answer becomes a
:class:`ServerError` (exit code 2, a 503 on the web) that says what came back.

Virtuoso names blank nodes ``nodeID://b10001`` in its results, which is no
blank node label (pyoxigraph refuses it: every dump failed, and the SPARQL
endpoint answered 500 for any result with a blank node); the prefix is
dropped as the answer is read, streamed or not.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
import requests
import urllib3

from ld.errors import ServerError
from ld.numbers import whole_number
from ld.store.oxstore import results_format, write_answer
from ld.store.remote_http import LOG, redact, why
from ld.store.results import CHUNK

#: Virtuoso's blank node, as its SPARQL JSON writes it: {"type": "bnode", "value": "nodeID://b1"}
_VIRTUOSO_BNODE = re.compile(rb'("type"\s{0,8}:\s{0,8}"bnode"\s{0,8},\s{0,8}"value"\s{0,8}:'
                             rb'\s{0,8}")nodeID://')
_KEEP = 128  # bytes held back between reads: longer than any match of the pattern above
Rows = tuple[list[str], list[list[Any]]]  # variable names, rows of pyoxigraph terms or None
CAP_HEADER = "X-SPARQL-MaxRows"  # Virtuoso's word that it cut the answer at that many rows
READ_ERRORS = (OSError, requests.RequestException, urllib3.exceptions.HTTPError)


def plain_bnodes(data: bytes) -> bytes:
    """SPARQL JSON with Virtuoso's ``nodeID://`` blank nodes as plain labels."""
    return _VIRTUOSO_BNODE.sub(rb"\1", data) if b"nodeID://" in data else data


def not_sparql(url: str, response: requests.Response, exc: BaseException,
               what: str = "SPARQL results") -> ServerError:
    """The error for an answer that does not parse as ``what``."""
    kind = response.headers.get("Content-Type", "no Content-Type").split(";")[0]
    return ServerError(f"the SPARQL server at {redact(url)} did not answer with {what} "
                       f"(it sent {kind})", detail=(str(exc).splitlines() or [""])[0][:200],
                       hint="check the store URL (--store / LDPUB_STORE): it must be a "
                            "SPARQL endpoint, e.g. http://host:7878 for an Oxigraph server")


def cut_at(response: requests.Response) -> int | None:
    """The row count the server cut the answer at (Virtuoso's ResultSetMaxRows), if it did."""
    cap = response.headers.get(CAP_HEADER, "").strip()
    return whole_number(cap)


def cut_short(url: str, cap: int) -> ServerError:
    return ServerError(f"the SPARQL server at {redact(url)} cut its answer at {cap:,} rows",
                       hint="raise its limit (Virtuoso: ResultSetMaxRows in the [SPARQL] "
                            "section of virtuoso.ini)")


def results(url: str, response: requests.Response, cut_ok: bool = False) -> bool | Rows:
    """A whole (not streamed) SPARQL JSON answer: a bool for ASK, else names and rows.

    An answer the server cut short is a ServerError unless ``cut_ok`` (the
    caller counts the rows and asks again)."""
    cap = cut_at(response)
    if cap is not None and not cut_ok:
        raise cut_short(url, cap)
    try:
        answer = ox.parse_query_results(plain_bnodes(response.content),
                                        ox.QueryResultsFormat.JSON)
        if isinstance(answer, ox.QueryBoolean):
            return bool(answer)
        variables = answer.variables
        return [v.value for v in variables], [[row[v] for v in variables] for row in answer]
    except (SyntaxError, ValueError) as exc:
        raise not_sparql(url, response, exc) from None


def triples(url: str, response: requests.Response) -> list[ox.Triple]:
    """A whole N-Triples answer (a graph read or a CONSTRUCT)."""
    try:
        return list(ox.parse(response.content, ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError) as exc:
        raise not_sparql(url, response, exc, "N-Triples") from None


class Body(io.RawIOBase):
    """A streamed HTTP body as a binary file for pyoxigraph's parsers.

    Virtuoso's blank nodes are renamed on the way (see the module doc), and a
    read that fails (the connection closed, a body shorter than announced) is
    a ServerError; ``before_read`` runs before every read (a deadline check).
    """

    def __init__(self, url: str, response: requests.Response,
                 before_read: Callable[[], object] | None = None) -> None:
        self.url, self.raw, self.before_read = url, response.raw, before_read
        self.raw.decode_content = True
        self.pending, self.ended = b"", False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.ended and len(self.pending) <= _KEEP:
            self._fill(len(buffer))
        size = min(len(buffer), len(self.pending) if self.ended else
                   len(self.pending) - _KEEP)
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size

    def _fill(self, size: int) -> None:
        if self.before_read is not None:
            self.before_read()
        try:
            data = self.raw.read(max(size, 8192))
        except READ_ERRORS as exc:
            raise ServerError(f"reading the answer of the SPARQL server at "
                              f"{redact(self.url)} failed: {why(exc)}",
                              hint="the server may have stopped; try again") from None
        self.ended = not data
        self.pending = plain_bnodes(self.pending + data)


def relay(url: str, channel: Any, response: requests.Response, fmt: Any, media_type: str,
          max_rows: int | None) -> None:
    """A streamed answer into ``channel`` (:class:`ld.store.results.Channel`): results
    re-written in ``media_type`` (marked truncated when the server cut them), graphs
    as the server wrote them (``fmt``: the format table's row)."""
    if fmt.kind != "results":
        channel.header(kind="graph", media_type=fmt.media_type, truncated=False)
        try:
            for chunk in response.iter_content(CHUNK):
                channel.put(chunk)
        except READ_ERRORS as exc:
            raise ServerError(f"reading the answer of the SPARQL server at {redact(url)} "
                              "failed", detail=why(exc)) from None
        return
    cap = cut_at(response)
    if cap is not None:
        LOG.warning("%s; the answer is marked truncated", cut_short(url, cap))
    try:
        answer = ox.parse_query_results(Body(url, response), ox.QueryResultsFormat.JSON)
        if cap is None or not isinstance(answer, ox.QuerySolutions) or (
                max_rows is not None and max_rows < cap):
            write_answer(channel, answer, media_type, max_rows)
            return
        target = results_format(media_type)
        channel.header(kind="bindings", media_type=target.media_type, truncated=True)
        answer.serialize(channel, getattr(ox.QueryResultsFormat, target.oxigraph or "JSON"))
    except (SyntaxError, ValueError) as exc:
        raise not_sparql(url, response, exc) from None
