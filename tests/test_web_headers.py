"""HTTP headers of the Linked Data responses: caching, CORS, HEAD, proxies."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
import requests
from rdflib import Dataset, Graph

from ld.lru import Cache
from ld.web import create_app

RECORD = "/doc/record/test-article"
EVERY_PAGE = ["/", "/search?q=tea", "/browse", "/browse/person", "/id/record/test-article",
              RECORD, RECORD + ".jsonld", RECORD + ".bib", "/doc/person/prolific-pat",
              "/dataset", "/.well-known/void", "/vocab", "/shapes.ttl", "/dumps/",
              "/context.jsonld", "/doc/record/missing"]


def test_negotiated_response_carries_every_linked_data_header(site) -> None:
    r = requests.get(site.url + RECORD, headers={"Accept": "text/turtle"}, timeout=10)
    h = r.headers
    assert h["Vary"] == "Accept"
    assert h["Content-Location"] == site.url + RECORD + ".ttl"
    links = requests.utils.parse_header_links(h["Link"])
    alternates = {link["type"]: link["url"] for link in links if link["rel"] == "alternate"}
    for media_type, ext in [("text/turtle", "ttl"), ("application/ld+json", "jsonld"),
                            ("application/rdf+xml", "rdf"), ("application/n-triples", "nt"),
                            ("text/html", "html"), ("application/x-bibtex", "bib")]:
        assert alternates[media_type] == f"{site.url}{RECORD}.{ext}"
    canonical = [link["url"] for link in links if link["rel"] == "canonical"]
    assert canonical == [site.settings.base_uri + RECORD.lstrip("/")]
    assert h["ETag"].startswith('"') and not h["ETag"].startswith("W/")
    assert "max-age" in h["Cache-Control"]
    assert h["Access-Control-Allow-Origin"] == "*"
    exposed = {x.strip() for x in h["Access-Control-Expose-Headers"].split(",")}
    assert {"Link", "Content-Location", "ETag"} <= exposed


def test_last_modified_is_the_records_modification_time(site) -> None:
    r = requests.get(site.url + RECORD + ".nt", timeout=10)
    graph = Graph().parse(data=r.text, format="nt")
    modified = [o.toPython() for s, p, o in graph
                if str(p) == "http://purl.org/dc/terms/modified"]
    assert len(modified) == 1
    last_modified = parsedate_to_datetime(r.headers["Last-Modified"])
    assert abs(last_modified - modified[0].replace(microsecond=0)) < timedelta(seconds=1)


def test_each_representation_has_its_own_strong_etag(site) -> None:
    tags = {ext: requests.get(f"{site.url}{RECORD}.{ext}", timeout=10).headers["ETag"]
            for ext in ("ttl", "jsonld", "rdf", "nt", "html", "bib", "ris", "csljson")}
    assert len(set(tags.values())) == len(tags)
    again = requests.get(f"{site.url}{RECORD}.ttl", timeout=10).headers["ETag"]
    assert again == tags["ttl"]


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "text/html"])
def test_if_none_match_gives_304_without_a_body(site, accept: str) -> None:
    first = requests.get(site.url + RECORD, headers={"Accept": accept}, timeout=10)
    second = requests.get(site.url + RECORD, timeout=10,
                          headers={"Accept": accept, "If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304
    assert second.content == b""
    assert second.headers["ETag"] == first.headers["ETag"]
    other = requests.get(site.url + RECORD, timeout=10,
                         headers={"Accept": accept, "If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_if_modified_since(site) -> None:
    first = requests.get(site.url + RECORD + ".ttl", timeout=10)
    since = first.headers["Last-Modified"]
    fresh = requests.get(site.url + RECORD + ".ttl", headers={"If-Modified-Since": since},
                         timeout=10)
    assert fresh.status_code == 304 and fresh.content == b""
    older = format_datetime(parsedate_to_datetime(since) - timedelta(days=1), usegmt=True)
    stale = requests.get(site.url + RECORD + ".ttl", headers={"If-Modified-Since": older},
                         timeout=10)
    assert stale.status_code == 200 and stale.content == first.content


@pytest.mark.parametrize("path", EVERY_PAGE)
def test_head_works_everywhere_and_matches_get(site, path: str) -> None:
    get = requests.get(site.url + path, allow_redirects=False, timeout=10)
    head = requests.head(site.url + path, allow_redirects=False, timeout=10)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    if "Content-Length" in get.headers:
        assert head.headers["Content-Length"] == get.headers["Content-Length"]


@pytest.mark.parametrize("path", [RECORD, "/id/record/test-article", "/dataset",
                                  "/context.jsonld", "/dumps/dataset.ttl"])
def test_cors_preflight_is_answered(site, path: str) -> None:
    r = requests.options(site.url + path, timeout=10, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "accept, if-none-match"})
    assert r.status_code in (200, 204)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in r.headers["Access-Control-Allow-Methods"]
    assert "if-none-match" in r.headers["Access-Control-Allow-Headers"].lower()


def test_forwarded_headers_only_count_when_trusted(site) -> None:
    from tests.conftest_web import serve_app

    forwarded = {"Accept": "text/turtle", "X-Forwarded-Proto": "https",
                 "X-Forwarded-Host": "data.example.org"}
    ignored = requests.get(site.url + RECORD, headers=forwarded, timeout=10)
    assert ignored.headers["Content-Location"] == site.url + RECORD + ".ttl"
    url, server = serve_app(create_app(site.settings.replace(trust_proxy=True)))
    try:
        honoured = requests.get(url + RECORD, headers=forwarded, timeout=10)
        redirect = requests.get(url + "/id/record/test-article", headers=forwarded,
                                allow_redirects=False, timeout=10)
    finally:
        server.shutdown()
    # the document's links name the base URI whatever host is forwarded (explore10/web 6)
    assert honoured.headers["Content-Location"] == site.url + RECORD + ".ttl"
    assert redirect.status_code == 303
    assert redirect.headers["Location"] in (RECORD, "https://data.example.org" + RECORD)


def test_dumps_have_length_ranges_and_the_whole_dataset(site) -> None:
    reader = site.reader()
    try:
        import io

        buffer = io.BytesIO()
        reader.dump(buffer, "application/n-triples")
    finally:
        reader.close()
    expected = Graph().parse(data=buffer.getvalue().decode(), format="nt")
    ttl = requests.get(site.url + "/dumps/dataset.ttl", timeout=60)
    assert ttl.status_code == 200
    # regression: an hour, during which a cache kept serving the dump from before a load
    assert "max-age=300" in ttl.headers["Cache-Control"]
    assert int(ttl.headers["Content-Length"]) == len(ttl.content)
    assert len(Graph().parse(data=ttl.text, format="turtle")) == len(expected)
    part = requests.get(site.url + "/dumps/dataset.ttl", headers={"Range": "bytes=10-109"},
                        timeout=10)
    assert part.status_code == 206
    assert part.content == ttl.content[10:110]
    assert part.headers["Content-Range"] == f"bytes 10-109/{len(ttl.content)}"
    nt = requests.get(site.url + "/dumps/dataset.nt.gz", timeout=60)
    assert nt.headers["Content-Type"] == "application/gzip"
    assert len(Graph().parse(data=gzip.decompress(nt.content).decode(), format="nt")) == len(
        expected)
    quads = Dataset().parse(data=gzip.decompress(requests.get(
        site.url + "/dumps/dataset.nq.gz", timeout=60).content).decode(), format="nquads")
    union, graphs = Graph(), set()
    for s_, p, o, g in quads.quads():
        union.add((s_, p, o))
        graphs.add(str(g))
    assert len(union) == len(expected)  # the same statements, each in its record's graph
    assert graphs and all(g.startswith(site.url + "/doc/record/") for g in graphs)
    doc = requests.get(site.url + "/dumps/dataset.jsonld", timeout=60).json()
    assert doc["@context"] == site.url + "/context.jsonld"
    from tests.web_rdf import pyld_graph, same

    assert same(pyld_graph(doc, site), expected)
    index = requests.get(site.url + "/dumps/", timeout=10).text
    assert "dataset.ttl" in index and "bytes" in index
    json.dumps(doc)  # round-trips as plain JSON


@pytest.mark.parametrize(("key", "accept"), [
    ("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("html", "text/html"),
    ("bib", "application/x-bibtex"), ("ttl", None)])
def test_fast_path_answers_exactly_as_the_flask_view(site, key: str,
                                                     accept: str | None) -> None:
    """?format= always goes through Flask; the same request by Accept through the fast path."""
    path = site.url + "/doc/record/test-many-042"
    headers = {} if accept is None else {"Accept": accept}
    by_flask = requests.get(path, params={"format": key}, timeout=10)
    fast = [requests.get(path, headers=headers, timeout=10) for _ in range(2)]
    skip = {"Date", "Server", "Connection", "Keep-Alive"}
    for answer in fast:
        assert answer.content == by_flask.content
        assert ({k: v for k, v in answer.headers.items() if k not in skip}
                == {k: v for k, v in by_flask.headers.items() if k not in skip})
    fresh = requests.get(path, headers={**headers, "If-None-Match": by_flask.headers["ETag"]},
                         timeout=10)
    assert fresh.status_code == 304 and fresh.content == b""
    for name in ("ETag", "Vary", "Content-Location", "Link", "Access-Control-Allow-Origin"):
        assert fresh.headers[name] == by_flask.headers[name]


def test_fast_path_leaves_queries_and_errors_to_flask(site) -> None:
    from werkzeug.test import EnvironBuilder

    app = create_app(site.settings)
    fast = app.wsgi_app

    def environ(path: str, accept: str = "text/turtle") -> dict:
        return EnvironBuilder(path=path, base_url=site.url,
                              headers={"Accept": accept}).get_environ()

    path = "/doc/record/test-many-043"
    status, headers_, body = fast.answer(environ(path))  # RDF: made without Flask
    assert status == "200 OK" and body.startswith(b"@prefix") and ("Vary", "Accept") in headers_
    assert fast.answer(environ(path, "text/html"))[0] == "200 OK"  # HTML: made here too
    assert fast.answer(environ(path + "?format=ttl")) is None  # query strings go to Flask
    assert fast.answer(environ(path, "application/pdf")) is None  # 406 comes from Flask
    assert fast.answer(environ("/doc/record/missing")) is None  # 404 comes from Flask


def test_fast_path_makes_an_html_miss_exactly_as_the_flask_view(site, monkeypatch) -> None:
    """An HTML miss made by the fast path (no cache) equals Flask's page, header for header."""
    from werkzeug.test import EnvironBuilder

    from ld import describe

    fast = create_app(site.settings).wsgi_app
    path = "/doc/record/test-many-044"
    environ = EnvironBuilder(path=path, base_url=site.url,
                             headers={"Accept": "text/html"}).get_environ()
    monkeypatch.setattr(describe, "CACHE", Cache())  # a miss for both
    status, headers, body = fast.answer(environ)
    assert describe.CACHE.get(("record", "test-many-044", "html", 1,
                               site.reader().version, "")) is not None  # made, not found
    monkeypatch.setattr(describe, "CACHE", Cache())
    by_flask = requests.get(site.url + path, params={"format": "html"}, timeout=10)
    assert status == "200 OK" and body == by_flask.content and b"<html" in body
    skip = {"Date", "Server", "Connection", "Keep-Alive"}
    assert dict(headers) == {k: v for k, v in by_flask.headers.items() if k not in skip}


def test_a_paged_thing_document_links_its_other_pages(site) -> None:
    """Regression: the RDF of a thing with more records than a page listed the first 50
    and nothing said there were more; RFC 8288 links now name the other pages."""
    url = f"{site.url}/doc/person/prolific-pat"
    first = requests.get(url, headers={"Accept": "text/turtle"}, timeout=10)
    links = requests.utils.parse_header_links(first.headers["Link"])
    by_rel = {link["rel"]: link["url"] for link in links if link["rel"] in
              ("first", "prev", "next", "last")}
    assert by_rel == {"first": url, "next": url + "?page=2",  # page 1: the canonical URL,
                      "last": url + "?page=3"}, first.headers["Link"]  # as hydra:first
    last = requests.get(by_rel["last"], headers={"Accept": "text/turtle"}, timeout=10)
    rels = {link["rel"] for link in requests.utils.parse_header_links(last.headers["Link"])}
    assert "prev" in rels and "next" not in rels
    second = requests.get(url + "?page=2", headers={"Accept": "text/turtle"}, timeout=10)
    assert {link["rel"]: link["url"] for link in requests.utils.parse_header_links(
        second.headers["Link"])}["prev"] == url  # was ?page=1: the same document twice
    one = requests.get(f"{site.url}/doc/record/pubmed-6839263.ttl", timeout=10)
    assert 'rel="next"' not in one.headers["Link"]
