"""The SPARQL hot path: small queries answered without Flask.

The commonest query a program sends is "everything about <this IRI>". It
runs in the serving thread (:mod:`ld.sparql_local`) in a fraction of a
millisecond, so Flask's request and response objects cost as much as the
query (docs/benchmarks.md, "SPARQL"). This layer answers exactly the
queries of that lane, a checked read-only query that
:func:`ld.sparql_local.bounded` accepts, on an embedded store, with the
endpoint's own functions: :func:`ld.sparql.parse_request`,
:func:`ld.sparql.check`, :func:`ld.web.sparql.negotiate` and
:func:`ld.sparql_run.run_query`, and the view's headers, so the answer is
byte for byte what the Flask view sends (tests/test_sparql_local.py).
Everything else goes to Flask: the editor, the service description,
updates, queries for a worker process, every refusal and error, and any
request whose URL or body is not cleanly percent-encoded UTF-8.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Flask

from ld import sparql_local
from ld.errors import LdpubError
from ld.sparql import MAX_BODY, check, parse_request, query_args
from ld.sparql_run import run_query
from ld.web.context import EXTENSION as STORE_EXTENSION
from ld.web.security import HEADERS as SECURITY
from ld.web.sparql import ANSWER, CORS, EXTENSION, endpoint_url, negotiate

PATHS = ("/sparql", "/sparql/")
Answer = tuple[str, list[tuple[str, str]], bytes]


class SparqlFastPath:
    """Answers bounded SPARQL queries for :class:`ld.web.fastpath.FastPath`."""

    def __init__(self, app: Flask) -> None:
        self.settings = app.config["LDPUB"]
        self.holder = app.extensions[STORE_EXTENSION]
        self.extensions = app.extensions  # the endpoint's Pools arrive with its blueprint

    def answer(self, environ: dict[str, Any]) -> Answer | None:
        """(status, headers, body) for a bounded query, else None (Flask answers)."""
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "POST") or self.settings.store_is_remote:
            return None
        body = _body(environ) if method == "POST" else b""
        if body is None:
            return None
        try:
            return self.run(environ, method, query_args(environ.get("QUERY_STRING", "")), body)
        except LdpubError:
            return None  # Flask answers the refusal or the error

    def run(self, environ: dict[str, Any], method: str, args: dict[str, list[str]],
            body: bytes) -> Answer | None:
        """Parse, check, negotiate and run, as the view does; None when not this lane's."""
        operation = parse_request(method, args, environ.get("CONTENT_TYPE"), body)
        if operation is None or operation.operation != "query":
            return None
        analysis = check(operation, self.settings, environ.get("HTTP_AUTHORIZATION"))
        if not sparql_local.bounded(analysis, self.settings.max_rows):
            return None
        chosen = negotiate(analysis.form, environ.get("HTTP_ACCEPT"), operation.format)
        if chosen is None:
            return None
        result = run_query(operation, analysis, chosen, store=self.holder.get(),
                           settings=self.settings, pools=self.extensions[EXTENSION],
                           base_iri=endpoint_url(environ, self.settings), bounded=True)
        data = b"".join(result.chunks)
        fmt = chosen.graph if result.kind == "graph" else chosen.results
        return "200 OK", [("Content-Type", fmt.content_type), ("Content-Length", str(len(data))),
                          *result.headers.items(), *ANSWER, *CORS, *SECURITY], data


def _body(environ: dict[str, Any]) -> bytes | None:
    """The POST body, put back for Flask; None when its length is unknown or too large."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        return None
    if length < 0 or length > MAX_BODY:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body if len(body) == length else None  # a short body: Flask reports it
