"""What a response lets a cache or a browser do with it, on every response.

Redirects: werkzeug's own (``/dumps`` -> ``/dumps/``, doubled slashes merged)
are made root-relative, so no Host a client sent is kept by a cache.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.routing import RequestRedirect


def install(app: Flask) -> None:
    """Root-relative slash redirects."""

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
