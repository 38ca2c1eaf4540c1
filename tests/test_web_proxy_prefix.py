"""Behind a proxy path prefix: every page names the root of its own request.

Regression: the per-process representation cache was keyed by document,
format, page and snapshot but not by the site's root path, so whichever
prefix asked first (``X-Forwarded-Prefix: /cat`` through a proxy, or none
from a direct client) was served to every later visitor, stylesheet and
links included, until the next snapshot. Two live servers with
``trust_proxy`` (one with ``ldpub render``'s rows, one without) are asked in
both orders, through the fast path (record documents without a query
string) and through Flask (``?format=``, people, subjects, VoID, the
vocabulary).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ld import describe, renders, uris
from ld.lru import Cache
from ld.model import Agent, Record, Source, Subject
from tests.conftest_web import Site, start_site

PREFIX = "/cat"
KEY = "prefix-1"
LINKS = re.compile(r'(?:href|src|action)="(/[^"]*)"')
HTML = {"Accept": "text/html"}
# (path, query) of pages whose HTML the server caches
PAGES = [
    (f"/doc/record/{KEY}.html", ""),  # the fast path
    (f"/doc/record/{KEY}", ""),  # the fast path, negotiated
    (f"/doc/record/{KEY}", "?format=html"),  # Flask's view
    ("/doc/person/prefix-pam", ""),
    ("/doc/subject/mesh-tea", ""),
    ("/dataset", ""),
    ("/vocab", ""),
]


def _records() -> list[Record]:
    src = Source("test", "record 1", "test")
    return [Record(id=key, source=src, formats=["Book"], title=f"Prefixed {key}",
                   creators=[Agent("Prefix, Pam")], subjects=[Subject("Tea", scheme="mesh")],
                   issued="2001") for key in (KEY, "prefix-2")]


def _start(root: Path, rendered: bool) -> tuple[Site, object]:
    site, server = start_site(root, _records(), [], trust_proxy=True)
    if rendered:
        from ld.web.prerender import flavour, render_store

        render_store(site.settings, jobs=0)
        reader = site.reader()
        graph = uris.record_graph(site.settings.base_uri, KEY)
        assert reader.rendered(graph, "html", flavour(site.settings)) is not None
    return site, server


@pytest.fixture(scope="module", params=["on demand", "pre-rendered"])
def proxied(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Site]:
    site, server = _start(tmp_path_factory.mktemp("proxied"), request.param == "pre-rendered")
    yield site
    server.shutdown()  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(describe, "CACHE", Cache())  # the first request of each test misses


def _get(site: Site, path: str, prefix: str | None, **headers: str) -> requests.Response:
    if prefix is not None:
        headers["X-Forwarded-Prefix"] = prefix
    response = requests.get(site.url + path, headers=headers, timeout=10)
    assert response.status_code == 200, (path, prefix, response.text[:300])
    return response


def _root_of(prefix: str | None) -> str:
    return (prefix or "").rstrip("/")


def _assert_rooted(body: str, root: str) -> None:
    """Every root-relative link (stylesheet, alternates, menu) starts with ``root``."""
    links = LINKS.findall(body)
    assert f'href="{root}/static/ldpub.css"' in body
    assert renders.ROOT_MARK not in body
    wrong = [x for x in links if not x.startswith(root + "/") or (not root and
                                                                  x.startswith(PREFIX + "/"))]
    assert links and wrong == [], wrong[:5]


ORDERS = [(None, PREFIX), (PREFIX, None), (PREFIX, "/other/place"), ("/cat/", None)]


@pytest.mark.parametrize(("first", "then"), ORDERS)
@pytest.mark.parametrize(("path", "query"), PAGES)
def test_html_names_the_root_of_each_request(proxied: Site, path: str, query: str,
                                             first: str | None, then: str | None) -> None:
    one = _get(proxied, path + query, first, **HTML)
    two = _get(proxied, path + query, then, **HTML)
    _assert_rooted(one.text, _root_of(first))
    _assert_rooted(two.text, _root_of(then))
    assert one.headers["ETag"] != two.headers["ETag"]  # other bytes, other ETag
    again = _get(proxied, path + query, first, **HTML)
    assert again.content == one.content and again.headers["ETag"] == one.headers["ETag"]


@pytest.mark.parametrize("path", [p for p, q in PAGES if not q])
def test_a_prefix_etag_is_not_fresh_without_the_prefix(proxied: Site, path: str) -> None:
    """A cache in front (or a browser) revalidating the /cat page's ETag at the direct
    address must get the direct page, not a 304 for the other one."""
    tag = _get(proxied, path, PREFIX, **HTML).headers["ETag"]
    direct = _get(proxied, path, None, **HTML, **{"If-None-Match": tag})
    assert direct.status_code == 200 and direct.headers["ETag"] != tag


@pytest.mark.parametrize(("first", "then"), ORDERS)
@pytest.mark.parametrize(("path", "accept"), [
    (f"/doc/record/{KEY}.ttl", None), (f"/doc/record/{KEY}", "text/turtle"),
    (f"/doc/record/{KEY}", "application/ld+json"), (f"/doc/record/{KEY}.bib", None),
    ("/doc/person/prefix-pam.jsonld", None), ("/doc/subject/mesh-tea", "text/turtle"),
])
def test_other_formats_link_headers_name_the_base_uri_under_any_prefix(
        proxied: Site, path: str, accept: str | None, first: str | None,
        then: str | None) -> None:
    """Content-Location and the alternates start from the base URI, as the canonical
    link does (a cached header must not name what one request said: explore10/web 6)."""
    headers = {"Accept": accept} if accept else {}
    for prefix in (first, then, first):
        response = _get(proxied, path, prefix, **headers)
        root = proxied.settings.base_uri.rstrip("/")
        links = [link["url"] for link in requests.utils.parse_header_links(
            response.headers["Link"]) if link["rel"] == "alternate"]
        assert links and all(x.startswith(root + "/doc/") for x in links), links
        assert not any(x.startswith(proxied.url + PREFIX) for x in links)
        assert response.headers["Content-Location"].startswith(root + "/doc/")
        assert b"__ldpub_root__" not in response.content


def test_a_prefix_is_text_not_markup(proxied: Site) -> None:
    """The pre-rendered rows' placeholder was replaced by the raw prefix, where the
    templates escape it: a proxy passing on a client's X-Forwarded-Prefix let it write
    markup into the page. (A prefix with ``<`` or a space is now no prefix at all:
    tests/test_web_forwarded_headers.py; ``&`` and ``'`` are URL characters.)"""
    page = _get(proxied, f"/doc/record/{KEY}.html", "/x&y'z", **HTML)
    assert "/x&y'z" not in page.text
    assert 'href="/x&amp;y&#39;z/doc/record/prefix-1.ttl"' in page.text
