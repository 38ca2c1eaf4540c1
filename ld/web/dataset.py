"""Dataset-level views: VoID, dumps, the vocabulary and the shapes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from ld import describe, dumps, sitemap, termdocs, void
from ld.describe import Representation
from ld.errors import NotFound, Overloaded
from ld.formats import Format
from ld.web import http, pages
from ld.web.context import get_settings, get_store

bp = Blueprint("dataset", __name__)
OFFERED = pages.THING_FORMATS


def represent_triples(key: tuple, triples: list[ox.Triple], base: str, fmt: Format,
                      html: Callable[[], str], modified: datetime | None) -> Representation:
    """A representation of a fixed set of triples (VoID, vocabulary, shapes), cached under
    ``key`` and the format; HTML also under the request's root path, which it names.
    ``modified``: its Last-Modified (the snapshot's publish, the files' time)."""
    cache_key = (*key, fmt.key, request.script_root if fmt.kind == "html" else "")
    found = describe.CACHE.get(cache_key)
    if found is not None:
        return found
    body = (html().encode("utf-8") if fmt.kind == "html"
            else describe.serialize(triples, base, fmt))
    result = describe.finished(body, fmt, modified)
    describe.CACHE.put(cache_key, result)
    return result


def _void(suffix: str | None, path: str) -> Response:
    fmt = http.negotiate(OFFERED, suffix)
    store, settings = get_store().pin(), get_settings()  # figures and ETag of one snapshot
    triples = void.describe(store, settings)

    def html() -> str:
        dataset = void.dataset_iri(settings.base_uri)
        about = [t for t in triples if t.subject.value == dataset
                 and t.predicate.value != pages.VOID_PARTITION]
        return render_template("void.html", triples=triples, groups=pages.grouped(about),
                               partitions=pages.class_partitions(triples),
                               downloads=OFFERED[1:], path=path)

    rep = represent_triples(("void", describe.store_version(store)), triples,
                            settings.base_uri, fmt, html, store.published)
    return http.respond(rep, fmt, path, OFFERED, void.dataset_iri(settings.base_uri),
                        negotiated=suffix is None)


@bp.route("/.well-known/void")
def well_known_void() -> Response:
    return _void(None, "/dataset")


@bp.route("/dataset")
@bp.route("/dataset.<ext>")
def dataset(ext: str | None = None) -> Response:
    return _void(ext, "/dataset")


@bp.route("/dumps/")
@http.html_only
def dump_index() -> str:
    ready = dumps.existing(get_settings(), get_store())
    return render_template("dumps.html", dumps=dumps.DUMPS, ready=ready)


@bp.route("/dumps/<name>")
def dump_file(name: str) -> Response:
    """A dump file, made on first request; ranges and conditional GET by http.send_file."""
    dump = dumps.BY_NAME.get(name)
    if dump is None:
        raise NotFound(f"no dump called {name!r}",
                       hint="the dumps are " + ", ".join(dumps.BY_NAME))
    path = dumps.ensure(get_settings(), get_store(), name)
    if path is None:
        raise _being_written(f"the dump {name}")
    mimetype = "application/gzip" if dump.encoding == "gzip" else dump.media_type
    return http.send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                          max_age=http.MAX_AGE)


@bp.route("/sitemap.xml")
def sitemap_index() -> Response:
    return _sitemap_file(sitemap.INDEX, "application/xml")


@bp.route("/sitemaps/<name>")
def sitemap_page(name: str) -> Response:
    if not _SITEMAP_PAGE.fullmatch(name):  # the folder also holds the index and a lock
        raise _no_sitemap_page(name)
    return _sitemap_file(name, "application/gzip")


_SITEMAP_PAGE = re.compile(r"sitemap-[1-9][0-9]*\.xml\.gz")


def _sitemap_file(name: str, mimetype: str) -> Response:
    folder = sitemap.ensure(get_settings(), get_store())
    if folder is None:
        raise _being_written("the sitemap")
    if not (folder / name).is_file():
        raise _no_sitemap_page(name)
    return http.send_file(folder / name, mimetype=mimetype, max_age=http.MAX_AGE)


# A client retrying a file still being written: each request waits up to 20 s for it
# (dumps.ensure), so retries 30 s apart cover a dump of 100,000 records (39-51 s,
# docs/benchmarks.md "Dumps") by the first retry; /dataset's figures say 60 s
WRITING_RETRY = 30


def _being_written(what: str) -> Overloaded:
    return Overloaded(f"{what} is being written now; try again in {WRITING_RETRY} s",
                      retry_after=WRITING_RETRY)


def _no_sitemap_page(name: str) -> NotFound:
    return NotFound(f"no sitemap page called {name!r}", hint="start from /sitemap.xml")


@bp.route("/robots.txt")
def robots() -> Response:
    """Crawlers: every page, the sitemap of the records; not SPARQL queries or searches
    (endless, costly, and each record is reachable by the sitemap)."""
    root = request.script_root
    text = (f"User-agent: *\nDisallow: {root}/sparql?\nDisallow: {root}/search\n"
            f"Sitemap: {get_settings().base_uri}sitemap.xml\n")
    return Response(text, content_type="text/plain; charset=utf-8")


def _terms(folder: str, title: str, ext: str | None) -> Response:
    fmt = http.negotiate(OFFERED, ext)
    settings = get_settings()
    triples = list(termdocs.triples(folder))

    def html() -> str:
        return render_template("terms.html", title=title, folder=folder,
                               terms=termdocs.terms(folder), path=f"/{folder}",
                               downloads=OFFERED[1:], triples=triples)

    rep = represent_triples((folder,), triples, settings.base_uri, fmt, html,
                            termdocs.modified(folder))
    return http.respond(rep, fmt, f"/{folder}", OFFERED, f"{settings.base_uri}{folder}",
                        negotiated=ext is None)


@bp.route("/vocab")
@bp.route("/vocab.<ext>")
def vocab(ext: str | None = None) -> Response:
    return _terms("vocab", "ldpub vocabulary", ext)


@bp.route("/shapes")
@bp.route("/shapes.<ext>")
def shapes(ext: str | None = None) -> Response:
    return _terms("shapes", "ldpub SHACL shapes", ext)

