"""Behind a reverse proxy (``--trust-proxy``): which X-Forwarded-* headers count.

A proxy passes on every header a client sends unless told to set or strip it
(nginx does), so each forwarded value may be the client's own. Only these
count, each its last value (the one the proxy in front added):

* ``X-Forwarded-Proto``: ``http`` or ``https``; anything else is ignored.
* ``X-Forwarded-Host``, ``X-Forwarded-Port``: the host the client asked for.
  Only the base of relative IRIs in a SPARQL request depends on it: every
  link, redirect and header the site writes names the base URI or a
  root-relative path (a forged host is the same as a forged ``Host``).
* ``X-Forwarded-Prefix``: the path the site is served under, written before
  every link of the pages; honoured only when it is a plain path
  (:func:`plain_prefix`), since ``//evil.example`` made every stylesheet,
  script and ``/id/`` redirect point at another host.

``X-Forwarded-For`` is not read: nothing in ldpub uses the client's address
(the proxy keeps the access log).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from werkzeug.middleware.proxy_fix import ProxyFix

_SEGMENT = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")  # decoded: controls, a slash, a backslash
SCHEMES = ("http", "https")
Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def behind_proxy(wsgi: Wsgi) -> Wsgi:
    """``wsgi`` reading the forwarded headers above, and no others."""
    return ProxyFix(_Refuse(wsgi), x_for=0, x_proto=1, x_host=1, x_port=1, x_prefix=1)


def plain_prefix(prefix: str) -> bool:
    """Whether a forwarded prefix is a path to put before the site's links: ``/`` and
    segments of URL characters (anything else percent-encoded), no empty segment (``//``
    starts another host), no ``.`` or ``..``, no escaped slash, backslash or control."""
    if not prefix.startswith("/"):
        return False
    return all(_plain_segment(s) for s in prefix.rstrip("/").split("/")[1:])


def _plain_segment(segment: str) -> bool:
    decoded = unquote(segment)
    return (_SEGMENT.fullmatch(segment) is not None and decoded not in (".", "..")
            and _UNSAFE.search(decoded) is None)


class _Refuse:
    """Inside ProxyFix: a forwarded prefix or scheme it took that is not plain is put
    back to the server's own value, as if the header had not been sent."""

    def __init__(self, wsgi: Wsgi) -> None:
        self.wsgi = wsgi

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        original = environ["werkzeug.proxy_fix.orig"]
        script = environ.get("SCRIPT_NAME", "")
        if script != (original["SCRIPT_NAME"] or "") and not plain_prefix(script):
            environ["SCRIPT_NAME"] = original["SCRIPT_NAME"] or ""
        if environ.get("wsgi.url_scheme") not in SCHEMES:
            environ["wsgi.url_scheme"] = original["wsgi.url_scheme"]
        return self.wsgi(environ, start_response)
