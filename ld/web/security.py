"""What a response lets a browser or a cache do with it, on every response.

Security headers (:data:`HEADERS`): the site shows text third parties wrote
(catalogue records, harvested feeds) on every page; escaping is the first line
of defence, and a strict Content-Security-Policy the second: pages run only
the site's own scripts (none inline), load styles, images and data from the
site (images also as ``data:`` URLs, the favicon), submit forms to it, and may
not be framed. ``nosniff`` keeps a browser from running plain text, CSV or
BibTeX that echoes input as something else, and the referrer policy sends other
sites the origin only. Flask's responses get them from one ``after_request``
hook; the WSGI fast paths that bypass Flask (:mod:`ld.web.fastpath`,
:mod:`ld.web.sparql_fast`) append the same list. CORS is untouched: other sites'
scripts may read documents and query ``/sparql``.

Redirects: werkzeug's own (``/dumps`` -> ``/dumps/``, doubled slashes merged)
are made root-relative, so no Host a client sent is kept by a cache.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.routing import RequestRedirect

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
           ("Referrer-Policy", "strict-origin-when-cross-origin"))


def install(app: Flask) -> None:
    """The security headers on every Flask response, and root-relative slash redirects."""

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS:
            response.headers.setdefault(name, value)
        return response

    @app.before_request
    def _local_redirect() -> None:
        # werkzeug names the request's Host in the Location of a 308 a cache may keep;
        # replaced before Flask raises it (as the /id/ 303s, root-relative)
        redirect = request.routing_exception
        if isinstance(redirect, RequestRedirect):
            request.routing_exception = RequestRedirect(local_url(redirect.new_url))


def local_url(url: str) -> str:
    """``http://host/a/b?q`` -> ``/a/b?q``, with one leading slash (``//x`` is a host)."""
    parts = urlsplit(url)
    return "/" + parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
