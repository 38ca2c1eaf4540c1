"""The hot path: record documents (and, via :mod:`ld.web.sparql_fast`, small
SPARQL queries) without Flask.

Profiling (docs/benchmarks.md, "Serving") showed that once a representation
is cached, most of a request's CPU goes to Flask itself (request context,
routing, response object, after-request hooks), not to ldpub. This WSGI
layer answers exactly one kind of request on its own: ``GET``/``HEAD
/doc/record/{id}[.ext]`` without a query string, from the cache
(:func:`ld.describe.cached`) or by making the representation with
:func:`ld.describe.represent`: RDF and citations alone, HTML inside a Flask
request context (Jinja's templates and context processor need one) but
without Flask's dispatch, which cost an HTML miss more than rendering the
page (docs/benchmarks.md, "Serving"). It uses the same negotiation
(:func:`ld.formats.negotiate`), the same renderer and headers
(:func:`ld.web.pages.render_document`, :func:`ld.web.http.document_headers`)
and the same conditional-request test (:func:`ld.web.http.precondition`: 304
here, a 412 is an error), so the answer is byte-for-byte what the Flask view
would send. ``/sparql`` goes to :class:`ld.web.sparql_fast.SparqlFastPath`.
Everything else (``?format=``, an error such as 412, 406, other URLs) goes to
Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from ld import describe, formats, uris
from ld.errors import LdpubError, NotAcceptable
from ld.web.context import EXTENSION
from ld.web.http import (
    BROWSER_DEFAULT,
    EXPOSED,
    document_headers,
    not_modified_headers,
    precondition,
    script_root,
)
from ld.web.linkeddata import document_key
from ld.web.pages import RECORD_FORMATS, render_document
from ld.web.security import HEADERS as SECURITY
from ld.web.sparql_fast import PATHS as SPARQL_PATHS
from ld.web.sparql_fast import Answer, SparqlFastPath

PREFIX = "/doc/record/"
CORS = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", EXPOSED)]
EXTRA = [*CORS, *SECURITY]  # after a document's own headers: what Flask's hooks add


class FastPath:
    """WSGI middleware in front of the Flask app (inside ProxyFix, if any)."""

    def __init__(self, app: Flask, wsgi: Callable[..., Iterable[bytes]]) -> None:
        self.app, self.wsgi = app, wsgi
        self.holder = app.extensions[EXTENSION]
        self.base = app.config["LDPUB"].base_uri
        self.flavour = app.config["LDPUB_FLAVOUR"]
        self.sparql = SparqlFastPath(app)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        answer = self.sparql.answer(environ) if path in SPARQL_PATHS else self.answer(environ)
        if answer is None:
            return self.wsgi(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def answer(self, environ: dict[str, Any]) -> Answer | None:
        """(status, headers, body) for a cached record document, else None (Flask answers)."""
        try:
            asked = _asked(environ, self.document_key)
            if asked is None:
                return None
            key, suffix, fmt = asked
            script = script_root(environ)
            rep, status = self.representation(environ, key, fmt, script)
        except LdpubError:
            return None  # Flask answers the error (a 412 too) in the negotiated format
        headers = self.reply_headers(rep, fmt, key, suffix is None)
        if status == 304:
            return "304 Not Modified", not_modified_headers(headers), b""
        return "200 OK", [*headers, ("Content-Length", str(len(rep.body)))], rep.body

    def document_key(self, name: str) -> tuple[str, str | None]:
        """The record and suffix ``name`` names, by the Flask view's rule (an id that
        itself ends in a suffix wins), so that both answer for the same record."""
        return document_key(self.holder.get(), self.base, "record", name, RECORD_FORMATS)

    def representation(self, environ: dict[str, Any], key: str, fmt: formats.Format,
                       script: str) -> tuple[describe.Representation, int]:
        """The record's representation and its status by the request's conditions (200
        or 304); an LdpubError (no store yet, a 412) is left to Flask to answer. The store
        is pinned: the cache key's version, the content and its date of one snapshot."""
        store = self.holder.get().pin()
        rep = (describe.cached(store, "record", key, fmt, root=script)
               or self.make(environ, store, key, fmt, script))
        return rep, precondition(environ, rep.etag, rep.last_modified)

    def reply_headers(self, rep: describe.Representation, fmt: formats.Format, key: str,
                      negotiated: bool) -> list[tuple[str, str]]:
        """The Flask view's headers for this document (the same function), CORS and the
        security headers (ld.web.security, which Flask adds to its own responses)."""
        return document_headers(rep, fmt, self.base, f"{PREFIX}{uris.encode_key(key)}",
                                RECORD_FORMATS, uris.doc_uri(self.base, "record", key),
                                negotiated=negotiated) + EXTRA

    def make(self, environ: dict[str, Any], store: Any, key: str, fmt: formats.Format,
             script: str) -> describe.Representation:
        """A cache miss: what `ldpub render` made, else made now; only rendering HTML
        needs Flask's request context (Jinja's context processor reads it)."""
        def html(document: describe.Document) -> str:
            with self.app.request_context(environ):
                return render_document(document)

        return describe.represent(store, self.base, "record", key, fmt, html=html,
                                  flavour=self.flavour, root=script,
                                  license=self.app.config["LDPUB"].license)


def _asked(environ: dict[str, Any], resolve: Callable[[str], tuple[str, str | None]]
           ) -> tuple[str, str | None, formats.Format] | None:
    """(record key, suffix, format) of a request this layer answers, else None: another
    method, URL or a query string (``?format=``, ``?page=``), or no acceptable format
    (Flask's 406)."""
    name = _record_name(environ)
    if name is None:
        return None
    key, suffix = resolve(name)
    try:
        fmt = formats.negotiate(RECORD_FORMATS, suffix=suffix, default=BROWSER_DEFAULT,
                                accept=environ.get("HTTP_ACCEPT"))
    except NotAcceptable:
        return None
    return key, suffix, fmt


def _record_name(environ: dict[str, Any]) -> str | None:
    """The ``{id}[.ext]`` of a ``GET``/``HEAD /doc/record/{id}[.ext]`` without a query
    string; the path arrives as WSGI's latin-1, the id is UTF-8."""
    path = environ.get("PATH_INFO", "")
    if (environ["REQUEST_METHOD"] not in ("GET", "HEAD") or not path.startswith(PREFIX)
            or environ.get("QUERY_STRING")):
        return None
    name = path[len(PREFIX):].encode("latin-1").decode("utf-8", "replace")
    return name if name and "/" not in name else None
