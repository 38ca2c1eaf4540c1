"""Fixes for explore11/client (findings 2-4), on a real server over a real store.

2. A record's HTML page shows the titles of the records it links, read from
   their graphs, yet its Last-Modified was its own ``dcterms:modified``: after
   a linked record changed, If-Modified-Since got 304 and kept the stale page.
   HTML now has no Last-Modified (its ETag, a hash of the bytes, validates it).
3. JSON-LD author lists were keyed ``bibo:authorList`` (the context's
   ``authorList`` unused), and in ``/dumps/dataset.jsonld`` bare
   ``rdf:first``/``rdf:rest`` chains: both now ``"authorList": {"@list": [...]}``.
4. Range on dumps, sitemaps and static files (RFC 9110 §14): an unknown unit or
   several ranges got 416, a 416 had no ``Content-Range: bytes */N``, and
   If-Range with a weak tag matched.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ld import describe
from ld.store.reader import CHECK_EVERY
from tests.conftest_web import Site, load_records, start_site

# the tester's crafted VuFind records (explore11/client/craft): cli-b shares cli-a's DOI
A1 = {"id": "cli-a", "recordtype": "ldpub", "format": ["Article"],
      "title": "Original title of A", "author": ["Tester, Ann"], "publishDate": ["2020"],
      "language": ["English"], "doi_str_mv": ["10.5555/cli.1"]}
A2 = {**A1, "title": "Changed title of A"}
B = {**A1, "id": "cli-b", "title": "Title of B"}


def _file(folder: Path, record: dict) -> str:
    path = folder / f"{record['id']}-{len(record['title'])}.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    return str(path)


@pytest.fixture
def linked(tmp_path: Path) -> Iterator[Site]:
    """cli-a loaded, then cli-b (owl:sameAs cli-a: the same DOI)."""
    the_site, server = start_site(tmp_path, [], [_file(tmp_path, A1)])
    load_records(the_site.settings, [], [_file(tmp_path, B)])
    yield the_site
    server.shutdown()


def _get(url: str, **headers: str) -> requests.Response:
    describe.CACHE._data.clear()  # from the store (or renders.sqlite), not this process
    describe.CACHE.bytes = 0
    return requests.get(url, headers=headers, timeout=10)


def test_a_page_showing_a_changed_record_is_not_304_to_if_modified_since(
        linked: Site, tmp_path: Path) -> None:
    """The report's steps: the page of cli-b shows cli-a's title; cli-a changes."""
    page = f"{linked.url}/doc/record/cli-b.html"
    first = _get(page)
    assert first.status_code == 200 and "Original title of A" in first.text
    since = first.headers.get("Last-Modified") or _get(
        f"{linked.url}/doc/record/cli-b.ttl").headers["Last-Modified"]
    load_records(linked.settings, [], [_file(tmp_path, A2)])
    time.sleep(CHECK_EVERY + 0.2)  # the server's reader looks for a new snapshot once a second
    again = _get(page, **{"If-Modified-Since": since})
    assert again.status_code == 200 and "Changed title of A" in again.text
    assert again.headers["ETag"] != first.headers["ETag"]
    assert "Last-Modified" not in again.headers
    # the Turtle of cli-b did not change: its date still validates it
    ttl = _get(f"{linked.url}/doc/record/cli-b.ttl", **{"If-Modified-Since": since})
    assert ttl.status_code == 304
