"""Linked Data views: things 303 to documents, documents negotiate.

Each view parses HTTP, calls one domain function (:mod:`ld.describe`,
:mod:`ld.browse`) and renders; headers and 304s are in :mod:`ld.web.http`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote_plus

from flask import Blueprint, Response, current_app, redirect, render_template, request
from werkzeug.routing import PathConverter

from ld import browse, describe, formats, jsonld, uris, void
from ld.errors import BadRequest, NotFound
from ld.formats import Format
from ld.listing import page_count
from ld.numbers import whole_number
from ld.store.base import Store
from ld.web import http, pages
from ld.web.context import get_settings, get_store

bp = Blueprint("linkeddata", __name__)
HTML = formats.get("html")


class KeyConverter(PathConverter):
    """A key, which may hold "/" anywhere (sent as %2F, which the server decodes).

    werkzeug's ``path`` wants a first character other than "/": the id "/lead"
    (``/id/record/%2Flead``, that is ``/id/record//lead``) matched no rule, and
    the map's merge_slashes then redirected it (308) to the record "lead".
    Any character, a line break too: werkzeug compiles without DOTALL, so ".+"
    left a record whose id holds a line break with Flask's bare 404 at its /id/ URI.
    """

    regex = r"[\s\S]+"
    part_isolating = False  # werkzeug infers True from a regex without "/"


@bp.record_once
def _setup(state) -> None:  # type: ignore[no-untyped-def]
    # runs before the routes below are added (in order), which need the converter
    state.app.url_map.converters["key"] = KeyConverter
    http.install_cors(state.app)
    pages.install(state.app)


def _kind(kind: str) -> str:
    if kind not in uris.KINDS:
        raise NotFound(f"no such kind of thing: {kind!r}",
                       hint=f"URIs look like /id/{{{'|'.join(uris.KINDS)}}}/KEY")
    return kind


@bp.route("/id/<kind>/<key:key>")
def thing(kind: str, key: str) -> Response:
    """303 See Other from the thing to the document about it (404 for a thing we do not
    know: no round trip to a document that is not there)."""
    base = get_settings().base_uri
    if not describe.exists(get_store(), base, _kind(kind), key):
        raise NotFound(f"no {kind} {key!r} in this dataset",
                       hint="check the identifier, or search from the home page")
    target = f"{request.script_root}/doc/{kind}/{uris.encode_key(key)}"
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    response = redirect(target, code=303)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = http.described_by(uris.doc_uri(base, kind, key))
    return response


MAX_PAGE = 10**9  # far past any last page, and small enough for SQLite and SPARQL OFFSETs


def _page_arg() -> int:
    """?page=N: ASCII digits ("²" passes isdigit() but not int(): a 500), and not so
    large that the offset overflows the store (a 500 where a 404 is promised)."""
    raw = request.args.get("page", "1")
    page = whole_number(raw)
    if page is None or not 1 <= page <= MAX_PAGE:
        raise BadRequest(f"page must be a whole number from 1 to {MAX_PAGE:,}, not {raw!r}")
    return page


def document_key(store: Store, base: str, kind: str, name: str,
                 offered: Sequence[Format]) -> tuple[str, str | None]:
    """The key and format suffix the last segment of ``/doc/{kind}/{name}`` names.

    A record whose id is the whole segment wins ("data.ttl", "12345.xml" are ids,
    whose formats are then negotiated); only without one is a suffix a format
    ("data.ttl.ttl"). Only record ids can end in one: other keys are slugs,
    ISSNs, ORCIDs and authority numbers, which hold no ".", so cost no lookup.
    """
    key, suffix = http.split_suffix(name, offered)
    if suffix is not None and kind == "record" and describe.exists(store, base, kind, name):
        return name, None
    return key, suffix


@bp.route("/doc/<kind>/<key:name>")
def document(kind: str, name: str) -> Response:
    """The document about a thing, in the negotiated representation."""
    offered = pages.RECORD_FORMATS if _kind(kind) == "record" else pages.THING_FORMATS
    store, settings = get_store().pin(), get_settings()  # key, content and date: one snapshot
    key, suffix = document_key(store, settings.base_uri, kind, name, offered)
    fmt = http.negotiate(offered, suffix)
    rep = describe.represent(store, settings.base_uri, kind, key, fmt,
                             page=_page_arg(), html=pages.render_document,
                             flavour=current_app.config["LDPUB_FLAVOUR"],
                             root=request.script_root, license=settings.license)
    path = f"/doc/{kind}/{uris.encode_key(key)}"
    return http.respond(rep, fmt, path, offered, uris.doc_uri(settings.base_uri, kind, key),
                        negotiated=suffix is None)


@bp.route("/context.jsonld")
def context() -> Response:
    """Our JSON-LD context; every JSON-LD document refers to it (no remote contexts)."""
    response = Response(json.dumps(jsonld.context(), indent=1).encode(),
                        content_type="application/ld+json; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.add_etag()
    return http.conditional(response)


@bp.route("/")
@http.html_only
def home() -> str:
    store, settings = get_store(), get_settings()
    # figures of the previous snapshot while a new one's are computed (ld.versioned)
    return render_template("home.html",
                           holdings=browse.holdings(store, stale_ok=True),
                           total=browse.record_total(store, stale_ok=True),
                           recent=browse.recent(store, settings.base_uri, stale_ok=True),
                           kinds=browse.BROWSABLE,
                           triples=void.describe(store, settings, stale_ok=True),
                           downloads=pages.THING_FORMATS[1:])


@bp.route("/search")
@http.html_only
def search() -> str:
    text, page = request.args.get("q", ""), _page_arg()
    found = (browse.search_page(get_store(), get_settings().base_uri, text, page)
             if text.strip() else None)
    if found is not None and page > 1 and not found.rows:  # not "Page 5 of 4", "501–500"
        raise NotFound(f"there is no page {page} of results for “{' '.join(text.split())}”",
                       hint="start from the first page: "
                            f"{get_settings().base_uri}search?q={quote_plus(text)}")
    rows = found.rows if found else []
    return render_template("search.html", q=text, found=found, rows=rows,
                           triples=pages.row_triples(rows))


@bp.route("/browse")
@bp.route("/browse/<kind>")
@http.html_only
def browse_kind(kind: str | None = None) -> str:
    if kind is not None and kind not in browse.BROWSABLE:
        raise NotFound(f"cannot browse {kind!r}", hint="try " + ", ".join(browse.BROWSABLE))
    page, size = _page_arg(), browse.PAGE_SIZE
    store, base = get_store(), get_settings().base_uri
    total = browse.top_total(store, base, kind) if kind else 0
    last = page_count(total, size)
    rows = browse.top(store, base, kind, page, size) if kind and page <= last else []
    if kind and page > 1 and not rows:  # past the last page: not an empty table
        raise NotFound(f"there is no page {page} of {kind} to browse: the last is page {last}",
                       hint=f"start from the first page: {base}browse/{kind}")
    return render_template("browse.html", kind=kind, kinds=browse.BROWSABLE, rows=rows,
                           counts=browse.kind_counts(store, stale_ok=True) or {},
                           page=page, pages=last, total=total,
                           triples=pages.row_triples(rows))
