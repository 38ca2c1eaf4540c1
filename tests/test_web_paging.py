"""Paged pages: search results, the records of a thing, browse lists.

Regressions found with every real record loaded: a page past the last one
answered 200 with an empty list ("Page 5 of 4", "501–500", "Page 2 of 0");
a thing page's download links and alternates dropped ``?page=N`` (Turtle
saved page 1); titles did not say which search or which page; the browse
pager had no "Page N of M", no last page, and offered a Next that was a 404
when a kind had exactly a multiple of the page size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ld.browse import PAGE_SIZE
from tests.conftest_web import Site
from tests.real_people import people_records, people_site
from tests.test_web_pages import HTML, Page
from tests.web_records import MANY, PROLIFIC

PAT = "/doc/person/prolific-pat"
SUFFIXES = ["", ".html", ".ttl", ".jsonld"]


def fetch(site, path: str, **headers: str) -> requests.Response:
    return requests.get(site.url + path, headers={**HTML, **headers}, timeout=30)


def link_rels(response: requests.Response) -> dict[str, str]:
    """The RFC 8288 links of a response, by relation (first/prev/next/last/canonical)."""
    links = requests.utils.parse_header_links(response.headers.get("Link", ""))
    return {link["rel"]: link["url"] for link in links if link["rel"] != "alternate"}


# --- 1. a page past the last one is a 404, for every representation -----------------

@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(("path", "page"), [
    (PAT, 4),  # 120 records: 3 pages
    (PAT, 99),
    ("/doc/person/jones-bob", 2),  # one record: one page
    ("/doc/subject/mesh-tea", 2),
    ("/doc/journal/0028-0836", 2),
    ("/doc/organization/biomed-central", 2),
])
def test_a_thing_page_past_the_last_is_a_404(site, path: str, page: int, suffix: str) -> None:
    r = fetch(site, f"{path}{suffix}?page={page}")
    assert r.status_code == 404, r.text[:300]
    assert "start from the first page" in r.text and path in r.text
    # by its public address (the base URI), which a proxy prefix cannot break
    assert f"start from the first page: {site.settings.base_uri}{path[1:]}" in r.text
    assert "prev" not in link_rels(r) and "next" not in link_rels(r)


@pytest.mark.parametrize(("query", "page"), [("volume", 4), ("volume", 50), ("zzqqxx", 2)])
def test_a_search_page_past_the_last_is_a_404(site, query: str, page: int) -> None:
    r = requests.get(site.url + "/search", params={"q": query, "page": page}, headers=HTML,
                     timeout=30)
    assert r.status_code == 404, r.text[:300]
    assert "start from the first page" in r.text and f"/search?q={query}" in r.text
    assert f"start from the first page: {site.settings.base_uri}search?q={query}" in r.text


@pytest.fixture
def small_pages(monkeypatch) -> int:
    """Browse pages of 10 rows: the test site has fewer than 50 things of any kind."""
    from ld import browse

    monkeypatch.setattr(browse, "PAGE_SIZE", 10)
    return 10


@pytest.mark.parametrize(("path", "last"), [
    (PAT, 3), ("/search?q=volume", 3), ("/browse/person", 3)])
def test_every_pager_link_answers(site, small_pages: int, path: str, last: int) -> None:
    """From the first page to the last and back: every link of every pager is a page."""
    seen, todo = set(), [path]
    while todo:
        url = todo.pop()
        r = fetch(site, url)
        assert r.status_code == 200, url
        seen.add(url)
        nav = re.search(r'<nav class="pager".*?</nav>', r.text, re.S)
        for href in re.findall(r'href="([^"]+)"', nav.group(0) if nav else ""):
            target = url.split("?")[0] + href.replace("&amp;", "&")
            if target not in seen:
                todo.append(target)
    pages = {int(m) for u in seen for m in re.findall(r"[?&]page=(\d+)", u)}
    assert pages == set(range(1, last + 1))


@pytest.mark.parametrize(("page", "shown"), [
    (1, "120 results for “volume”: 1–50"), (2, "120 results for “volume”: 51–100"),
    (3, "120 results for “volume”: 101–120")])
def test_a_search_from_the_index_says_how_many_pages(site, page: int, shown: str) -> None:
    """With the full-text index (the total known), the search pager is the pager of every
    other list: "Page 2 of 3 (120 results)", first and last pages linked."""
    import time

    from ld import browse

    reader = site.reader()
    try:
        deadline = time.monotonic() + 30
        while not browse.search_ready(reader, site.settings.base_uri):
            assert time.monotonic() < deadline, "the search index was not built within 30 s"
            time.sleep(0.05)
    finally:
        reader.close()
    r = fetch(site, f"/search?q=volume&page={page}")
    assert shown in " ".join(Page(r.text).text)
    nav = _pager(r.text)
    assert f"Page {page} of 3 (120 results)" in nav
    assert ('href="?q=volume&amp;page=3"' in nav) == (page < 3)
    assert ('href="?q=volume&amp;page=1"' in nav) == (page > 1)


@pytest.mark.parametrize("page", [1, 2, 3])
def test_paged_link_headers_point_at_pages_that_exist(site, page: int) -> None:
    r = fetch(site, f"{PAT}.ttl?page={page}")
    rels = link_rels(r)
    for rel in ("first", "prev", "next", "last"):
        if rel in rels:
            assert requests.get(rels[rel], headers={"Accept": "text/turtle"},
                                timeout=30).status_code == 200, (rel, rels[rel])
    assert ("prev" in rels) == (page > 1) and ("next" in rels) == (page < 3)


# --- 2. downloads, Content-Location and alternates keep ?page=N ----------------------

def test_a_paged_thing_page_downloads_that_page(site) -> None:
    r = fetch(site, f"{PAT}?page=2")
    page = Page(r.text)
    links = dict(page.links)
    for label, ext in [("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("RDF/XML", "rdf"),
                       ("N-Triples", "nt")]:
        assert links[label] == f"{PAT}.{ext}?page=2"
    alternates = re.findall(r'<link rel="alternate"[^>]*href="([^"]+)"', r.text)
    assert alternates and all(a.endswith("?page=2") for a in alternates)
    assert r.headers["Content-Location"] == f"{site.url}{PAT}.html?page=2"
    header_alternates = [link["url"] for link in requests.utils.parse_header_links(
        r.headers["Link"]) if link["rel"] == "alternate"]
    assert header_alternates and all(a.endswith("?page=2") for a in header_alternates)
    turtle = requests.get(site.url + links["Turtle"], timeout=30)
    assert turtle.headers["Content-Location"] == f"{site.url}{PAT}.ttl?page=2"
    newest = f"test-many-{MANY - 1:03d}"  # first on page 1 (newest first)
    on_page_2 = f"test-many-{MANY - 51:03d}"
    assert on_page_2 in turtle.text and newest not in turtle.text


@pytest.mark.parametrize(("path", "canonical"), [
    (f"{PAT}?page=2", "doc/person/prolific-pat?page=2"),
    (f"{PAT}.ttl?page=3", "doc/person/prolific-pat?page=3"),
    (PAT, "doc/person/prolific-pat"), (f"{PAT}?page=1", "doc/person/prolific-pat")])
def test_each_page_is_its_own_canonical_document(site, path: str, canonical: str) -> None:
    r = fetch(site, path)
    assert link_rels(r)["canonical"] == site.settings.base_uri + canonical
    if "ttl" not in path:
        assert f'<link rel="canonical" href="{site.settings.base_uri}{canonical}">' in r.text


def test_the_first_page_has_no_page_in_its_links(site) -> None:
    r = fetch(site, PAT)
    assert r.headers["Content-Location"] == f"{site.url}{PAT}.html"
    assert dict(Page(r.text).links)["Turtle"] == f"{PAT}.ttl"


# --- 3. titles say which search and which page ----------------------------------------

@pytest.mark.parametrize(("path", "title"), [
    ("/search", "Search"),
    ("/search?q=volume", "“volume” – search"),
    ("/search?q=volume&page=2", "“volume” – search, page 2"),
    ("/search?q=%3Cb%3E", "“&lt;b&gt;” – search"),
    (PAT, PROLIFIC),
    (f"{PAT}?page=2", f"{PROLIFIC}, page 2"),
])
def test_titles_name_the_query_and_the_page(site, path: str, title: str) -> None:
    r = fetch(site, path)
    assert r.status_code == 200
    assert f"<title>{title} · {site.settings.dataset_title}</title>" in r.text


# --- 4. the browse pager is the pager of every other page, with the real count --------

def _pager(html: str) -> str:
    nav = re.search(r'<nav class="pager" aria-label="Pages">.*?</nav>', html, re.S)
    assert nav, "a pager with an aria-label"
    return nav.group(0)


def test_the_browse_pager_says_where_you_are_and_links_the_last_page(site,
                                                                    small_pages: int) -> None:
    """The count in the pager is the number of rows browse lists, page after page."""
    from ld import browse

    reader = site.reader()
    try:
        total = browse.top_total(reader, site.settings.base_uri, "person")
    finally:
        reader.close()
    pages = -(-total // small_pages)
    assert pages >= 3, "the test site has 24 people"
    first = _pager(fetch(site, "/browse/person").text)
    assert f"Page 1 of {pages} ({total} people)" in first
    assert f'href="?page={pages}"' in first and 'href="?page=2"' in first
    rows = []
    for n in range(1, pages + 1):
        page = Page(fetch(site, f"/browse/person?page={n}").text)
        rows += [href for _, href in page.links if href.startswith("/id/person/")]
    assert len(rows) == len(set(rows)) == total
    assert 'rel="next"' not in _pager(fetch(site, f"/browse/person?page={pages}").text)
    assert fetch(site, f"/browse/person?page={pages + 1}").status_code == 404


@pytest.fixture
def listed(tmp_path: Path, entries: int) -> Iterator[Site]:
    """A site of its own whose store names exactly ``entries`` people."""
    with people_site(tmp_path, people_records(entries, per_record=10)) as listed_site:
        yield listed_site


@pytest.mark.parametrize(("entries", "pages"), [
    (PAGE_SIZE, 1), (2 * PAGE_SIZE, 2), (2 * PAGE_SIZE + 1, 3)])
def test_a_browse_list_of_exactly_full_pages_offers_no_next(listed: Site, entries: int,
                                                             pages: int) -> None:
    """Regression: Next was offered whenever a page was full, so a kind with exactly 100
    entries offered a Next from page 2 that answered 404."""
    last = fetch(listed, f"/browse/person?page={pages}")
    assert last.status_code == 200
    shown = [href for _, href in Page(last.text).links if href.startswith("/id/person/")]
    assert len(shown) == entries - (pages - 1) * PAGE_SIZE
    nav = _pager(last.text) if '<nav class="pager"' in last.text else ""  # none: one page
    assert 'rel="next"' not in nav and "Next" not in nav
    assert pages == 1 or f"Page {pages} of {pages} ({entries} people)" in nav
    assert fetch(listed, f"/browse/person?page={pages + 1}").status_code == 404
