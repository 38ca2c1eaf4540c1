"""HTTP plumbing shared by the Linked Data views: negotiation, headers, CORS.

One place decides the headers every negotiated response carries (Vary,
Content-Location, Link alternate/canonical, strong ETag, Last-Modified,
Cache-Control) and answers conditional requests (304), so no view can forget
one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from flask import Flask, Response, request
from werkzeug.http import http_date

from ld import formats
from ld.describe import Representation
from ld.formats import Format
from ld.web.errors import set_format

# what a cache may serve without asking again: documents, and dumps and sitemaps,
# whose URLs stay the same across loads (an hour kept a dump stale that long)
MAX_AGE = 300
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
EXPOSED = "Link, Content-Location, ETag, Last-Modified, Vary, Retry-After"
BROWSER_DEFAULT = formats.get("ttl")


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


def root_url() -> str:
    """This server's URL up to the app root (X-Forwarded-* count only through ProxyFix)."""
    return request.host_url.rstrip("/") + request.script_root


def absolute(path: str) -> str:
    return root_url() + path


@lru_cache(maxsize=8192)
def link_header(root: str, path: str, offered: tuple[str, ...], canonical: str) -> str:
    """Link: rel=alternate for each offered format key, and rel=canonical."""
    links = [f'<{root}{path}.{key}>; rel="alternate"; type="{formats.get(key).media_type}"'
             for key in offered]
    links.append(f'<{canonical}>; rel="canonical"')
    return ", ".join(links)


def document_headers(rep: Representation, fmt: Format, root: str, path: str,
                     offered: Sequence[Format], canonical: str,
                     negotiated: bool) -> list[tuple[str, str]]:
    """Every header of a Linked Data document response (also used by ld.web.fastpath)."""
    headers = [("Content-Type", rep.content_type), ("ETag", f'"{rep.etag}"'),
               ("Cache-Control", CACHE_CONTROL),
               ("Content-Location", f"{root}{path}.{fmt.key}"),
               ("Link", link_header(root, path, tuple(f.key for f in offered), canonical))]
    if rep.last_modified is not None:
        headers.append(("Last-Modified", http_date(rep.last_modified)))
    if negotiated:
        headers.append(("Vary", "Accept"))
    if rep.pages is not None:
        headers.append(("Link", page_links(f"{root}{path}", *rep.pages)))
    return headers


def page_links(url: str, page: int, last: int) -> str:
    """RFC 8288 first/prev/next/last links of a thing's paged record list: its RDF holds
    one page of links, and a program must be able to find the others."""
    links = {"first": 1, "prev": page - 1 if page > 1 else None,
             "next": page + 1 if page < last else None, "last": last}
    return ", ".join(f'<{url}?page={n}>; rel="{rel}"' for rel, n in links.items() if n)


def respond(rep: Representation, fmt: Format, path: str, offered: Sequence[Format],
            canonical: str, *, negotiated: bool = True) -> Response:
    """The response for one representation with every Linked Data header; 304 if fresh."""
    headers = document_headers(rep, fmt, root_url(), path, offered, canonical, negotiated)
    response = Response(rep.body, headers=headers)
    return response.make_conditional(request)


def install_cors(app: Flask) -> None:
    """CORS on every response; preflight (OPTIONS) answered by Flask's automatic OPTIONS."""

    @app.after_request
    def _cors(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Access-Control-Allow-Origin", "*")
        headers.setdefault("Access-Control-Expose-Headers", EXPOSED)
        if request.method == "OPTIONS":
            headers.setdefault("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS, POST")
            asked = request.headers.get("Access-Control-Request-Headers")
            headers.setdefault("Access-Control-Allow-Headers",
                               asked or "Accept, Content-Type, If-None-Match, If-Modified-Since")
            headers.setdefault("Access-Control-Max-Age", "86400")
        return response
