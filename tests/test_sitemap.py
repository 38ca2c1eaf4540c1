"""Sitemaps and robots.txt: every record page reachable by a search engine's crawler.

The files are read with an independent XML parser (the standard library's
ElementTree) and checked against the records the store holds.
"""

from __future__ import annotations

import gzip
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import requests

from ld import sitemap
from tests.conftest_web import Site

NS = {"s": sitemap.NS}
W3C_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)")


def _record_pages(site: Site) -> set[str]:
    with site.reader() as store:
        rows = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {str(r["g"]) for r in rows if "/doc/record/" in str(r["g"])}


def _get(url: str) -> requests.Response:
    for _ in range(60):  # written on first request: 503 + Retry-After meanwhile
        response = requests.get(url, timeout=30)
        if response.status_code != 503:
            return response
        time.sleep(0.5)
    return response


def test_the_sitemap_lists_every_record_page_once(site: Site) -> None:
    index = _get(site.url + "/sitemap.xml")
    assert index.status_code == 200 and index.headers["Content-Type"].startswith(
        "application/xml")
    pages = [loc.text for loc in ET.fromstring(index.content).findall("s:sitemap/s:loc", NS)]
    assert pages and all(p.startswith(site.url + "/sitemaps/sitemap-") for p in pages)
    listed: list[str] = []
    for page in pages:
        body = gzip.decompress(_get(page).content)
        for url in ET.fromstring(body).findall("s:url", NS):
            listed.append(url.find("s:loc", NS).text)
            assert W3C_DATETIME.fullmatch(url.find("s:lastmod", NS).text)
    assert len(listed) == len(set(listed))
    assert set(listed) == _record_pages(site)
    assert requests.get(listed[0], timeout=10).status_code == 200  # a page, not a 303


def test_pages_hold_at_most_page_size_urls_and_the_index_comes_last(site: Site,
                                                                    tmp_path: Path) -> None:
    with site.reader() as store:
        pages = sitemap.write(store, site.settings.base_uri, tmp_path, page_size=10)
    expected = len(_record_pages(site))
    assert pages == -(-expected // 10)
    sizes = [len(ET.fromstring(gzip.decompress((tmp_path / sitemap.page_name(n)).read_bytes()))
                 .findall("s:url", NS)) for n in range(1, pages + 1)]
    assert sum(sizes) == expected and max(sizes) == 10
    index = ET.parse(tmp_path / sitemap.INDEX).getroot().findall("s:sitemap/s:loc", NS)
    assert [loc.text.rsplit("/", 1)[1] for loc in index] == [
        sitemap.page_name(n) for n in range(1, pages + 1)]
    assert not list(tmp_path.glob(".partial-*"))


def test_robots_points_crawlers_at_the_sitemap_and_away_from_queries(site: Site) -> None:
    robots = requests.get(site.url + "/robots.txt", timeout=10)
    assert robots.headers["Content-Type"].startswith("text/plain")
    lines = robots.text.splitlines()
    assert f"Sitemap: {site.url}/sitemap.xml" in lines
    assert "Disallow: /sparql?" in lines and "Disallow: /search" in lines


def test_an_unknown_sitemap_page_is_404(site: Site) -> None:
    for name in ("sitemap-999.xml.gz", "sitemap-0.xml.gz", "..%2Fsitemap.xml"):
        assert _get(site.url + "/sitemaps/" + name).status_code == 404
