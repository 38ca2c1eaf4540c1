"""With ``--trust-proxy``, a forwarded header a client wrote itself cannot move the site
to another host (explore10/web defect 1).

Regression: ProxyFix took any ``X-Forwarded-Prefix`` as the site's root, and a proxy
that sets only Proto/Host passes a client's own on, so ``X-Forwarded-Prefix:
//evil.example`` gave ``Location: //evil.example/doc/...`` (an open redirect) and cached
pages whose stylesheet, scripts and links pointed at that host; ``X-Forwarded-Host``
made ``/dumps``'s permanent redirect and every document's Content-Location. Now a
prefix counts only when it is a plain path, a scheme only when http or https, and no
link, redirect or header depends on the forwarded host. A real server over the shared
test site with ``trust_proxy``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
import requests

from ld.web import create_app
from ld.web.proxy import plain_prefix
from tests.conftest_web import Site, serve_app

RECORD = "/doc/record/test-article"
THING = "/id/record/test-article"
HTML = {"Accept": "text/html"}
REFUSED = ["//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
           "http://evil.example", "https:", "javascript:alert(1)", "evil.example",
           "/%2F%2Fevil.example", "/%5Cevil.example", "/cat//x", "/a/../b", "/./x",
           "/%2e%2e/x", "/x y", "/x\ty", "/x%00", "/%zz", "/x<b>", '/x"y', "/x?y", "/x#y",
           "/caf\xc3\xa9"]  # raw UTF-8 (as WSGI's latin-1): must be percent-encoded
HONOURED = [("/cat", "/cat"), ("/cat/", "/cat"), ("/a/b", "/a/b"),
            ("/caf%C3%A9", "/caf%C3%A9"), ("/x&y", "/x&y"), ("/", "")]


@pytest.fixture(scope="module")
def proxied(site: Site) -> Iterator[str]:
    """The shared site's store served by a second app with trust_proxy."""
    url, server = serve_app(create_app(site.settings.replace(trust_proxy=True)))
    yield url
    server.shutdown()


def _get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, allow_redirects=False, timeout=10)


def _root_links(page: str) -> list[str]:
    return [unescape(x) for x in re.findall(r'(?:href|src|action)="(/[^"]*)"', page)]


def _assert_rooted(url: str, prefix: str, root: str) -> None:
    """The /id/ 303, the slash redirect, and every root-relative link of a record page
    (the fast path and Flask's view) and of the SPARQL editor start with ``root``."""
    forwarded = {"X-Forwarded-Prefix": prefix}
    assert _get(url + THING, **forwarded).headers["Location"] == root + RECORD
    assert _get(url + "/dumps", **forwarded).headers["Location"] == root + "/dumps/"
    for path in (RECORD, RECORD + "?format=html", "/sparql"):
        page = _get(url + path, **forwarded, **HTML)
        assert page.status_code == 200, (path, page.text[:300])
        links = _root_links(page.text)
        assert f"{root}/static/ldpub.css" in links, (path, links[:3])
        assert links and all(x.startswith(root + "/") and not x.startswith("//")
                             for x in links), (path, links[:5])


@pytest.mark.parametrize("prefix", REFUSED)
def test_a_prefix_that_is_not_a_plain_path_is_ignored(proxied: str, prefix: str) -> None:
    _assert_rooted(proxied, prefix, "")


@pytest.mark.parametrize(("prefix", "root"), HONOURED)
def test_a_plain_prefix_roots_every_link(proxied: str, prefix: str, root: str) -> None:
    _assert_rooted(proxied, prefix, root)


def test_a_prefix_counts_only_with_trust_proxy(site: Site) -> None:
    _assert_rooted(site.url, "/cat", "")


def test_a_forwarded_host_names_nothing_the_site_writes(proxied: str, site: Site) -> None:
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Port": "8443",
              "X-Forwarded-Proto": "https"}
    answers = [_get(proxied + path, **forged, **accept) for path, accept in [
        (THING, {}), ("/dumps", {}), (RECORD, HTML), (RECORD, {}), (RECORD + ".ttl", {}),
        (RECORD + "?format=jsonld", {}), ("/doc/person/prolific-pat", {}), ("/", HTML),
        ("/sparql", HTML)]]
    for answer in answers:
        assert answer.status_code in (200, 303, 308), (answer.url, answer.status_code)
        values = [*answer.headers.values(), answer.text]
        assert not any("evil.example" in value for value in values), answer.url
    assert answers[4].headers["Content-Location"] == site.settings.base_uri + RECORD[1:] + ".ttl"


def _query_base(url: str, **headers: str) -> str:
    """The IRI a relative ``<x>`` of a SPARQL query resolves to (the endpoint's URL)."""
    answer = requests.get(url + "/sparql", params={"query": "SELECT (<x> AS ?x) {}"},
                          headers={"Accept": "text/csv", **headers}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.text.splitlines()[1]


@pytest.mark.parametrize(("proto", "scheme"), [("https", "https"), ("http", "http"),
                                               ("javascript", "http"), ("evil", "http")])
def test_a_forwarded_scheme_counts_only_when_http_or_https(proxied: str, proto: str,
                                                           scheme: str) -> None:
    host = proxied.removeprefix("http://")
    assert _query_base(proxied, **{"X-Forwarded-Proto": proto}) == f"{scheme}://{host}/x"


@pytest.mark.parametrize("prefix", REFUSED)
def test_plain_prefix_refuses(prefix: str) -> None:
    assert not plain_prefix(prefix)


@pytest.mark.parametrize(("prefix", "root"), HONOURED)
def test_plain_prefix_accepts(prefix: str, root: str) -> None:
    assert plain_prefix(prefix)
