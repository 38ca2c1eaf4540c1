"""The Host header a client sends names nothing in a response (explore10/web defect 6).

Regression: werkzeug's own permanent redirects (``/dumps`` -> ``/dumps/``, doubled
slashes merged) wrote ``http://<Host>/...`` into ``Location`` and the page, and every
document's ``Content-Location`` and ``Link rel=alternate`` (and the paging links) named
the request's host, while ``rel=canonical`` named the base URI. All of them are cached
(308 heuristically, documents ``public, max-age=300`` with only ``Vary: Accept``), so a
cache in front kept one client's forged Host for every visitor. Now the redirects are
root-relative and the documents' links start from the base URI, as the canonical does.
"""

from __future__ import annotations

import pytest
import requests

EVIL = "evil.example"
FORGED = {"Host": EVIL}
RECORD = "/doc/record/test-article"


@pytest.mark.parametrize(("path", "target"), [
    ("/dumps", "/dumps/"),
    ("/dumps?x=1", "/dumps/?x=1"),
    ("/browse//person", "/browse/person"),
])
def test_slash_redirects_are_root_relative(site, path: str, target: str) -> None:
    for method in (requests.get, requests.head):
        r = method(site.url + path, headers=FORGED, allow_redirects=False, timeout=10)
        assert r.status_code == 308, (path, r.status_code)
        assert r.headers["Location"] == target
        assert EVIL not in r.text and "127.0.0.1" not in r.text


def _links(response: requests.Response) -> list[str]:
    return [link["url"] for link in requests.utils.parse_header_links(response.headers["Link"])]


@pytest.mark.parametrize(("path", "accept", "location"), [
    (RECORD, "text/html", RECORD + ".html"),  # the fast path, negotiated
    (RECORD + ".ttl", None, RECORD + ".ttl"),  # the fast path, a suffix
    (RECORD + "?format=jsonld", None, RECORD + ".jsonld"),  # Flask's view
    ("/doc/person/prolific-pat", "text/turtle", "/doc/person/prolific-pat.ttl"),
    ("/doc/person/prolific-pat?page=2", "text/html",
     "/doc/person/prolific-pat.html?page=2"),
    ("/dataset", "text/turtle", "/dataset.ttl"),
])
def test_document_links_start_from_the_base_uri(site, path: str, accept: str | None,
                                                 location: str) -> None:
    headers = {**FORGED, **({"Accept": accept} if accept else {})}
    base = site.settings.base_uri.rstrip("/")
    r = requests.get(site.url + path, headers=headers, timeout=10)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Location"] == base + location
    assert all(url.startswith(base + "/") for url in _links(r)), _links(r)
    assert not any(EVIL in value for value in r.headers.values()), dict(r.headers)
    again = requests.get(site.url + path, timeout=10,
                         headers={**headers, "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    assert not any(EVIL in value for value in again.headers.values()), dict(again.headers)
