"""HTTP plumbing shared by the Linked Data views: negotiation, headers, CORS.

One place decides the headers every negotiated response carries (Vary,
Content-Location, Link alternate/canonical, strong ETag, Last-Modified,
Cache-Control) and answers conditional requests (304 and 412, by
:func:`precondition`), so no view can forget one of them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import flask
from flask import Flask, Response, request
from werkzeug.datastructures import ETags
from werkzeug.http import http_date, parse_date, parse_etags, remove_entity_headers
from werkzeug.security import safe_join

from ld import formats
from ld.describe import Representation
from ld.errors import NotFound, PreconditionFailed
from ld.formats import Format
from ld.listing import page_query
from ld.web.context import get_settings
from ld.web.errors import set_format
from ld.web.ranges import requested

# what a cache may serve without asking again: documents, and dumps and sitemaps,
# whose URLs stay the same across loads (an hour kept a dump stale that long)
MAX_AGE = 300
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
EXPOSED = "Link, Content-Location, ETag, Last-Modified, Vary, Retry-After"
# a preflight that names no headers: every header a conditional request may send
ALLOWED = ("Accept, Content-Type, If-Match, If-None-Match, If-Modified-Since, "
           "If-Unmodified-Since")
BROWSER_DEFAULT = formats.get("ttl")
HTML = formats.get("html")


def split_suffix(name: str, offered: Sequence[Format]) -> tuple[str, str | None]:
    """``"x.ttl"`` -> ``("x", "ttl")`` when the suffix names a format in the table."""
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix.lower() in formats.BY_SUFFIX:
        return stem, suffix
    return name, None


def negotiate(offered: Sequence[Format], suffix: str | None = None,
              default: Format | None = None) -> Format:
    """suffix > ?format= > Accept, through the one negotiate function."""
    fmt = formats.negotiate(offered, suffix=suffix, format_param=request.args.get("format"),
                            accept=request.headers.get("Accept"),
                            default=default or BROWSER_DEFAULT)
    set_format(fmt)
    return fmt


def html_only(view: Callable[..., Any]) -> Callable[..., Response]:
    """A page that is HTML only (home, search, browse, the dumps list) negotiates too,
    through the one negotiate function: ``?format=`` or an Accept that rules HTML out
    is a 406 listing ``text/html``, as for every other resource (it was a page, 200,
    whatever was asked); no Accept, ``*/*`` and a browser's Accept get the page."""

    @functools.wraps(view)
    def negotiated(*args: Any, **kwargs: Any) -> Response:
        negotiate((HTML,), default=HTML)
        response = flask.make_response(view(*args, **kwargs))
        response.vary.add("Accept")
        return response

    return negotiated


def script_root(environ: Mapping[str, Any]) -> str:
    """The app's root path from a WSGI environ, as ``request.script_root`` gives it
    (UTF-8, no trailing slash: a proxy's ``X-Forwarded-Prefix: /cat/`` is ``/cat``), for
    the fast path, which has no request object: both must name one root alike."""
    raw = environ.get("SCRIPT_NAME", "")
    return raw.encode("latin-1").decode("utf-8", "replace").rstrip("/")


@lru_cache(maxsize=8192)
def link_header(root: str, path: str, offered: tuple[str, ...], canonical: str,
                query: str = "") -> str:
    """Link: rel=alternate for each offered format key, and rel=canonical (each with
    ``query``, the ``?page=N`` of a page of a thing's record list); a thing's document
    (``/doc/...``) also names the dataset's VoID as rel=describedby."""
    links = [f'<{root}{path}.{key}{query}>; rel="alternate"; '
             f'type="{formats.get(key).media_type}"' for key in offered]
    links.append(f'<{canonical}{query}>; rel="canonical"')
    if path.startswith("/doc/"):
        links.append(described_by(f"{root}/dataset"))
    return ", ".join(links)


def document_headers(rep: Representation, fmt: Format, base: str, path: str,
                     offered: Sequence[Format], canonical: str,
                     negotiated: bool) -> list[tuple[str, str]]:
    """Every header of a Linked Data document response (also used by ld.web.fastpath).

    Content-Location and the links start from ``base``, the base URI, as the canonical
    link does, never from the request's Host: these headers are cached for every
    visitor, and a client may send any Host (or a proxy the address of ldpub itself).

    Page N > 1 of a thing's record list keeps its ``?page=N`` in Content-Location,
    the alternates and the canonical link: each page is a document of its own (other
    record links), not a copy of page 1, so it is its own canonical (RFC 6596 names
    a duplicate's preferred copy), and "Turtle" must save this page, not the first.
    """
    query, root = rep.page_query, base.rstrip("/")
    headers = [("Content-Type", rep.content_type), ("ETag", f'"{rep.etag}"'),
               ("Cache-Control", CACHE_CONTROL)]
    if fmt.suffixes:  # expanded JSON-LD (a profile asked for in Accept) has no URL of its own
        headers.append(("Content-Location", f"{root}{path}.{fmt.key}{query}"))
    headers.append(("Link", link_header(root, path, tuple(f.key for f in offered), canonical,
                                        query)))
    if rep.last_modified is not None:
        headers.append(("Last-Modified", http_date(rep.last_modified)))
    if negotiated:
        headers.append(("Vary", "Accept"))
    if rep.pages is not None:
        headers.append(("Link", page_links(f"{root}{path}", *rep.pages)))
    return headers


def described_by(target: str) -> str:
    """RFC 8288 ``rel="describedby"`` (POWDER, LDP): where a generic client finds the
    description of what it fetched: a thing's document from its IRI's 303, the dataset's
    VoID (licence, SPARQL endpoint, dumps) from a document."""
    return f'<{target}>; rel="describedby"'


def page_links(url: str, page: int, last: int) -> str:
    """RFC 8288 first/prev/next/last links of a thing's paged record list: its RDF holds
    one page of links, and a program must be able to find the others."""
    links = {"first": 1, "prev": min(page - 1, last) or None,  # never past the last
             "next": page + 1 if page < last else None, "last": last}
    return ", ".join(f'<{url}{page_query(n)}>; rel="{rel}"'  # page 1: the document itself
                     for rel, n in links.items() if n)


def respond(rep: Representation, fmt: Format, path: str, offered: Sequence[Format],
            canonical: str, *, negotiated: bool = True) -> Response:
    """The response for one representation with every Linked Data header; 304 if fresh,
    :class:`PreconditionFailed` (412) if a precondition is false."""
    status = precondition(request.environ, rep.etag, rep.last_modified)
    headers = document_headers(rep, fmt, get_settings().base_uri, path, offered, canonical,
                               negotiated)
    return Response(rep.body, status=status, headers=headers)  # werkzeug trims a 304


# the headers of a conditional request, as WSGI names them
_IF_MATCH, _IF_UNMODIFIED = "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"
_IF_NONE_MATCH, _IF_MODIFIED = "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"


def precondition(environ: Mapping[str, Any], etag: str | None,
                 last_modified: datetime | None, *, weak: bool = False) -> int:
    """200 or 304 for a representation with this (unquoted) ETag and Last-Modified, in
    the order of RFC 9110 §13.2.2; raises :class:`PreconditionFailed` for a 412.

    Why not werkzeug's ``is_resource_modified``/``make_conditional``: they ignore
    If-Unmodified-Since, refuse ``If-Match: *``, let a matching If-Match hide a
    matching If-None-Match, and say "not modified" for a failed If-Match, which
    a caller must then tell apart from a 304 (the fast path did not: it sent 304).
    The Flask views and the fast path both call this, so they cannot disagree.
    """
    modified = _whole_seconds(last_modified)
    failed = _failed_precondition(environ, etag, modified, weak=weak)
    if failed:
        raise PreconditionFailed(failed, hint="fetch the resource again for its current "
                                              "ETag and Last-Modified")
    if not _client_copy_is_current(environ, etag, modified):
        return 200
    if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
        return 304
    raise PreconditionFailed("If-None-Match: the resource has a current representation")


def _failed_precondition(environ: Mapping[str, Any], etag: str | None,
                         modified: datetime | None, *, weak: bool) -> str | None:
    """Steps 1 and 2: why If-Match (strong comparison, ``*`` matches any representation)
    or, only without If-Match, a valid If-Unmodified-Since is false; None if neither is."""
    if_match = _etags(environ.get(_IF_MATCH))
    if if_match is not None:
        if if_match.star_tag or (etag is not None and not weak and if_match.is_strong(etag)):
            return None
        return f"If-Match: the current ETag of this representation is {_quoted(etag)}"
    since = parse_date(environ.get(_IF_UNMODIFIED))
    if since is not None and modified is not None and modified > since:
        return f"If-Unmodified-Since: this representation was modified {http_date(modified)}"
    return None


def _client_copy_is_current(environ: Mapping[str, Any], etag: str | None,
                            modified: datetime | None) -> bool:
    """Steps 3 and 4: If-None-Match (weak comparison, ``*`` matches), or, only without
    it and only for GET/HEAD, a valid If-Modified-Since not older than the resource."""
    if_none_match = _etags(environ.get(_IF_NONE_MATCH))
    if if_none_match is not None:
        return if_none_match.star_tag or (etag is not None and if_none_match.contains_weak(etag))
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    since = parse_date(environ.get(_IF_MODIFIED))
    return since is not None and modified is not None and modified <= since


def _etags(value: str | None) -> ETags | None:
    """The entity tags of a header, or None when it is absent or empty (not sent)."""
    tags = parse_etags(value)
    return tags if tags else None


def _quoted(etag: str | None) -> str:
    return "none" if etag is None else f'"{etag}"'


def _whole_seconds(stamp: datetime | None) -> datetime | None:
    """HTTP dates have whole seconds in UTC: a Last-Modified as the client saw it."""
    if stamp is None:
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).replace(microsecond=0)


def not_modified_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers of a 304 made without a Response object (the fast path): what werkzeug
    leaves of the same headers in the Flask view's 304, so both send the same."""
    kept = list(headers)
    remove_entity_headers(kept)
    return kept


def conditional(response: Response, *, ranges: bool = False) -> Response:
    """A response that carries its own ETag and Last-Modified (the JSON-LD context, dumps,
    sitemaps) made conditional by :func:`precondition`; with ``ranges``, a Range request
    is answered (206, by :func:`ld.web.ranges.requested`) only after the preconditions
    hold, as §13.2.2 step 5 says."""
    tag, weak = response.get_etag()
    if precondition(request.environ, tag, response.last_modified, weak=weak) == 304:
        response.status_code = 304
    elif ranges:
        # werkzeug serves the one byte range ld.web.ranges chose, shown nothing else
        span = requested(request.environ, tag, weak, _whole_seconds(response.last_modified),
                         response.content_length)
        environ = {"REQUEST_METHOD": request.method}
        if span is not None:
            environ["HTTP_RANGE"] = f"bytes={span[0]}-{span[1] - 1}"
        response.make_conditional(environ, accept_ranges=True,
                                  complete_length=response.content_length)
    return response


def send_file(path: Path, **options: Any) -> Response:
    """:func:`flask.send_file` (ETag, Last-Modified, ranges) with conditional requests
    answered by :func:`conditional` instead of werkzeug's own test."""
    response = flask.send_file(path, conditional=False, **options)
    try:
        return conditional(response, ranges=True)
    except Exception:  # 412, or 416 for a range past the end: the file is not sent
        response.close()
        raise


def install_static(app: Flask) -> None:
    """Flask's ``static`` endpoint (``url_for('static', ...)`` unchanged) answered by
    :func:`send_file`: a stylesheet answers conditional requests as the documents and
    dumps do (werkzeug's own check ignores If-Unmodified-Since, refuses ``If-Match: *``)."""
    folder = str(app.static_folder)

    def static(filename: str) -> Response:
        path = safe_join(folder, filename)
        if path is None or not Path(path).is_file():
            raise NotFound(f"no static file {filename!r}")
        return send_file(Path(path), max_age=app.get_send_file_max_age(filename))

    app.view_functions["static"] = static


def install_cors(app: Flask) -> None:
    """CORS on every response; preflight (OPTIONS) answered by Flask's automatic OPTIONS,
    allowing the methods the resource has (its ``Allow``): a fixed list offered POST to
    documents that answer it 405."""

    @app.after_request
    def _cors(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Access-Control-Allow-Origin", "*")
        headers.setdefault("Access-Control-Expose-Headers", EXPOSED)
        if request.method == "OPTIONS":
            if "Allow" in headers:
                headers.setdefault("Access-Control-Allow-Methods", headers["Allow"])
            asked = request.headers.get("Access-Control-Request-Headers")
            headers.setdefault("Access-Control-Allow-Headers", asked or ALLOWED)
            headers.setdefault("Access-Control-Max-Age", "86400")
        return response
