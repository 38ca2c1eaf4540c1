"""Conditional requests (RFC 9110 §13) on a real server over a real store.

Regression: on record documents answered by the fast path (:mod:`ld.web.fastpath`),
a failed ``If-Match`` got ``304 Not Modified`` instead of ``412 Precondition
Failed`` (the Flask view, reached with ``?format=``, said 412), and everywhere
``If-Unmodified-Since`` was ignored. Each request below is checked against the
order of RFC 9110 §13.2.2: If-Match, else If-Unmodified-Since (412), then
If-None-Match, else If-Modified-Since (304), for a pre-rendered record (served
from ``renders.sqlite``), a record made on request, the VoID description (dated by
its snapshot since explore12 interop section 9) and the dumps; and the fast path must
answer exactly as the Flask view, header for header, for every format and HEAD.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from ld import describe, formats, renders, uris
from ld.lru import Cache
from ld.model import Agent, Record, Source
from ld.web.pages import RECORD_FORMATS
from ld.web.prerender import render_store
from tests.conftest_web import Site, start_site

RENDERED, PLAIN = "cond-rendered", "cond-plain"  # a pre-rendered record, one made on request
OLD = "Thu, 01 Jan 2015 00:00:00 GMT"  # before any record here was modified
SKIP = {"Date", "Server", "Connection", "Keep-Alive"}  # set by the HTTP server, not by ldpub

# (name, request headers, status for a resource with Last-Modified, status without one
# or None when the case needs a Last-Modified); "{etag}" is the current (quoted) ETag,
# "{last}" the current Last-Modified
CASES = [
    ("no-conditions", {}, 200, 200),
    ("if-match-other", {"If-Match": '"xyz"'}, 412, 412),
    ("if-match-current", {"If-Match": "{etag}"}, 200, 200),
    ("if-match-one-of", {"If-Match": '"xyz", {etag}'}, 200, 200),
    ("if-match-star", {"If-Match": "*"}, 200, 200),
    ("if-match-weak-is-never-strong", {"If-Match": "W/{etag}"}, 412, 412),
    ("ius-before", {"If-Unmodified-Since": OLD}, 412, 200),
    ("ius-at-last-modified", {"If-Unmodified-Since": "{last}"}, 200, None),
    ("ius-invalid-is-ignored", {"If-Unmodified-Since": "yesterday"}, 200, 200),
    ("ius-ignored-with-if-match", {"If-Match": "{etag}", "If-Unmodified-Since": OLD}, 200, 200),
    ("if-match-before-inm", {"If-Match": '"xyz"', "If-None-Match": "{etag}"}, 412, 412),
    ("ius-before-inm", {"If-Unmodified-Since": OLD, "If-None-Match": "{etag}"}, 412, 304),
    ("if-match-then-inm", {"If-Match": "{etag}", "If-None-Match": "{etag}"}, 304, 304),
    ("ius-then-inm", {"If-Unmodified-Since": "{last}", "If-None-Match": "{etag}"}, 304, None),
    ("inm-current", {"If-None-Match": "{etag}"}, 304, 304),
    ("inm-weak-compares-weakly", {"If-None-Match": "W/{etag}"}, 304, 304),
    ("inm-star", {"If-None-Match": "*"}, 304, 304),
    ("inm-other", {"If-None-Match": '"xyz"'}, 200, 200),
    ("ims-at-last-modified", {"If-Modified-Since": "{last}"}, 304, None),
    ("ims-before", {"If-Modified-Since": OLD}, 200, 200),
    ("ims-invalid-is-ignored", {"If-Modified-Since": "yesterday"}, 200, 200),
    ("ims-ignored-with-inm", {"If-None-Match": '"xyz"', "If-Modified-Since": "{last}"}, 200,
     None),
]
BY_NAME = {name: (headers, dated, undated) for name, headers, dated, undated in CASES}


def _record(key: str) -> Record:
    return Record(id=key, source=Source("test", key, "test"), formats=["Book"],
                  title=f"Conditional {key}", creators=[Agent("Tester, Tess")], issued="2003")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Two records, both rendered by `ldpub render`; PLAIN's rows are then dropped."""
    root: Path = tmp_path_factory.mktemp("conditional")
    the_site, server = start_site(root, [_record(RENDERED), _record(PLAIN)], [])
    render_store(the_site.settings, jobs=0)
    with sqlite3.connect(root / "store" / renders.FILE) as db:
        db.execute("DELETE FROM reps WHERE graph=?",
                   (uris.record_graph(the_site.settings.base_uri, PLAIN),))
        rows = {g for (g,) in db.execute("SELECT graph FROM reps")}
    assert rows == {uris.record_graph(the_site.settings.base_uri, RENDERED)}
    yield the_site
    server.shutdown()


Get = Callable[..., requests.Response]


@pytest.fixture
def cold(monkeypatch: pytest.MonkeyPatch) -> Get:
    """A request through `cold` finds nothing in the per-process cache, so a record comes
    from its pre-rendered row or from the store, not from an earlier request."""
    def get(url: str, headers: dict[str, str], method: str = "GET") -> requests.Response:
        monkeypatch.setattr(describe, "CACHE", Cache())
        return requests.request(method, url, headers=headers, timeout=10)
    return get


def _filled(headers: dict[str, str], current: requests.Response) -> dict[str, str]:
    """The case's headers with the resource's current ETag and Last-Modified put in."""
    values = {"etag": current.headers["ETag"], "last": current.headers.get("Last-Modified")}
    return {name: value.format(**values) for name, value in headers.items()}


def _forms(path: str, media_type: str, key: str) -> list[tuple[str, dict[str, str]]]:
    """The three ways to ask for one format: Accept, a suffix, ``?format=``."""
    return [(path, {"Accept": media_type}), (f"{path}.{key}", {}), (f"{path}?format={key}", {})]


@pytest.mark.parametrize("form", [0, 1, 2], ids=["negotiated", "suffix", "format-param"])
@pytest.mark.parametrize("key", [RENDERED, PLAIN])
@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_record_preconditions(site: Site, cold: Get, case: str, key: str, form: int) -> None:
    url, asked = _forms(f"{site.url}/doc/record/{key}", "text/turtle", "ttl")[form]
    headers, expected, _ = BY_NAME[case]
    current = cold(url, asked)
    assert current.status_code == 200 and current.headers["Last-Modified"]
    answer = cold(url, {**asked, **_filled(headers, current)})
    assert answer.status_code == expected, answer.text
    if expected == 304:
        assert answer.content == b"" and answer.headers["ETag"] == current.headers["ETag"]


@pytest.mark.parametrize("form", [0, 1, 2], ids=["negotiated", "suffix", "format-param"])
@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_dataset_preconditions(site: Site, case: str, form: int) -> None:
    """The VoID description's Last-Modified is its snapshot's publish (explore12 interop
    section 9; it had none): date conditions count as for a record."""
    url, asked = _forms(f"{site.url}/dataset", "text/turtle", "ttl")[form]
    headers, expected, _ = BY_NAME[case]
    current = requests.get(url, headers=asked, timeout=10)
    assert current.status_code == 200 and current.headers["Last-Modified"]
    answer = requests.get(url, headers={**asked, **_filled(headers, current)}, timeout=10)
    assert answer.status_code == expected, answer.text


def _comparable(answer: requests.Response) -> tuple[int, dict[str, str], bytes]:
    return (answer.status_code,
            {k: v for k, v in answer.headers.items() if k not in SKIP}, answer.content)


AGREEMENT = ["no-conditions", "if-match-other", "if-match-star", "ius-before", "inm-current",
             "ims-at-last-modified"]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("key", [RENDERED, PLAIN])
@pytest.mark.parametrize("fmt", [f.key for f in RECORD_FORMATS])
def test_fast_path_and_flask_view_agree(site: Site, cold: Get, fmt: str, key: str,
                                        method: str) -> None:
    """Fast path (no query string) and Flask view (``?page=1``, the default page) answer
    every precondition alike: status, headers and body, by Accept and by suffix."""
    path = f"{site.url}/doc/record/{key}"
    media_type = formats.get(fmt).media_type
    for url, asked in _forms(path, media_type, fmt)[:2]:
        current = cold(url, asked)
        column = 1 if "Last-Modified" in current.headers else 2  # HTML has none
        for case in AGREEMENT:
            if BY_NAME[case][column] is None:
                continue
            headers = {**asked, **_filled(BY_NAME[case][0], current)}
            fast = cold(url, headers, method)
            by_flask = cold(url + "?page=1", headers, method)
            assert fast.status_code == BY_NAME[case][column], (case, url, fast.status_code)
            assert _comparable(fast) == _comparable(by_flask), (case, url)


@pytest.mark.parametrize(("case", "expected"), [
    ("no-conditions", 200), ("if-match-star", 200), ("if-match-other", 412),
    ("ius-before", 412), ("ius-at-last-modified", 200), ("inm-current", 304),
    ("ims-at-last-modified", 304), ("ius-before-inm", 412)])
def test_dump_preconditions(site: Site, case: str, expected: int) -> None:
    url = f"{site.url}/dumps/dataset.ttl"
    current = requests.get(url, timeout=60)
    assert current.status_code == 200 and current.headers["Last-Modified"]
    answer = requests.get(url, headers=_filled(BY_NAME[case][0], current), timeout=10)
    assert answer.status_code == expected
    if expected == 200:
        assert answer.content == current.content


def test_dump_ranges_are_served_once_the_preconditions_hold(site: Site) -> None:
    """Range is step 5 of §13.2.2: after the preconditions, and only when If-Range holds."""
    url = f"{site.url}/dumps/dataset.ttl"
    whole = requests.get(url, timeout=60).content
    etag = requests.head(url, timeout=10).headers["ETag"]
    part = requests.get(url, headers={"Range": "bytes=5-14", "If-Match": etag}, timeout=10)
    assert part.status_code == 206 and part.content == whole[5:15]
    assert part.headers["Content-Range"] == f"bytes 5-14/{len(whole)}"
    stale = requests.get(url, headers={"Range": "bytes=5-14", "If-Range": '"xyz"'}, timeout=10)
    assert stale.status_code == 200 and stale.content == whole
    refused = requests.get(url, headers={"Range": "bytes=5-14", "If-Unmodified-Since": OLD},
                           timeout=10)
    assert refused.status_code == 412


def test_precondition_failed_says_why_in_the_negotiated_format(site: Site) -> None:
    answer = requests.get(f"{site.url}/doc/record/{PLAIN}",
                          headers={"Accept": "text/turtle", "If-Match": '"xyz"'}, timeout=10)
    assert answer.status_code == 412
    assert answer.headers["Content-Type"].startswith("text/turtle")
    assert answer.text.startswith("# 412 Precondition Failed") and "If-Match" in answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_context_document_honours_if_match_star(site: Site) -> None:
    url = f"{site.url}/context.jsonld"
    assert requests.get(url, headers={"If-Match": "*"}, timeout=10).status_code == 200
    assert requests.get(url, headers={"If-Match": '"xyz"'}, timeout=10).status_code == 412
