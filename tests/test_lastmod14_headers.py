"""Last-Modified and If-Modified-Since beyond a record's RDF (explore12 interop, section 9).

Only a record's RDF and citations had a Last-Modified (its dcterms:modified). A
record's page, the documents of people, subjects, journals, organisations and
collections, /dataset, /vocab and /shapes sent an ETag only, so a client or cache
revalidating by date always got the whole body. Now the page of a record and
every document drawn from many records are dated by the publish of the snapshot
served; /vocab and /shapes by their files; a remote store, which has no such time,
sends none. If-Modified-Since at that date is a 304; If-None-Match still rules.
Real servers on 127.0.0.1 (ports 7460-7479), a real HTTP client.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from ld import describe, termdocs, uris
from ld.config import data_dir, load_settings
from ld.model import Agent, Container, Record, Source, Subject
from ld.store import snapshots
from ld.store.reader import CHECK_EVERY
from ld.web import create_app
from tests.conftest import oxigraph_executable
from tests.conftest_web import Site, _LateApp, load_records

PORTS = range(7460, 7480)
KINDS = ("person", "organization", "subject", "journal", "collection")


def _record(key: str, title: str = "Dated pages") -> Record:
    return Record(id=key, source=Source("test", key, "test"), formats=["Article"], title=title,
                  creators=[Agent("Tester, Tess"), Agent("Dating Society", kind="organization")],
                  subjects=[Subject("Caching", scheme="keyword")], collections=["Tests"],
                  container=Container(title="Journal of Dates", issn=["0317-8471"]),
                  issued="2003")


def _serve(app: Any) -> Any:
    """A threaded werkzeug server on the first free port of this test's range."""
    for port in PORTS:
        try:
            return make_server("127.0.0.1", port, app, threaded=True)
        except (OSError, SystemExit):  # werkzeug exits on a port in use
            continue
    pytest.skip("no free port in 7460-7479")


def _start(root: Path, records: list[Record], store: str | None = None) -> tuple[Site, Any]:
    late = _LateApp()
    server = _serve(late)
    url = f"http://127.0.0.1:{server.server_port}"
    settings = load_settings(env={}, store=store or str(root / "store"), base_uri=url + "/")
    load_records(settings, records)
    late.app = create_app(settings)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Site(url, settings, root / "store"), server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    the_site, server = _start(tmp_path_factory.mktemp("lastmod"), [_record("lm-a")])
    yield the_site
    server.shutdown()
    server.server_close()


def _get(url: str, **headers: str) -> requests.Response:
    describe.CACHE._data.clear()  # made from the store now, not kept from a request before
    describe.CACHE.bytes = 0
    return requests.get(url, headers=headers, timeout=30)


def _things(site: Site) -> dict[str, str]:
    """The document path of each kind of thing the record points to."""
    base, found = site.settings.base_uri, {}
    graph = site.reader().graph(uris.record_graph(base, "lm-a"))
    for obj in graph.objects():
        parts = str(obj)[len(base):].split("/") if str(obj).startswith(base + "id/") else []
        if len(parts) == 3 and parts[1] in KINDS:
            found[parts[1]] = f"/doc/{parts[1]}/{parts[2]}"
    assert set(found) == set(KINDS), found
    return found


def _snapshot_time(site: Site) -> datetime:
    published = snapshots.published(snapshots.current(site.store_dir) or "")
    assert published is not None
    return published.replace(microsecond=0)


def _revalidates(url: str, expected: datetime) -> None:
    """Last-Modified is ``expected``; a matching If-Modified-Since is a 304, unless an
    If-None-Match that does not match comes with it (RFC 9110 §13.2.2)."""
    first = _get(url)
    assert first.status_code == 200, (url, first.text)
    assert parsedate_to_datetime(first.headers["Last-Modified"]) == expected, url
    since = first.headers["Last-Modified"]
    again = _get(url, **{"If-Modified-Since": since})
    assert again.status_code == 304 and again.content == b"", url
    assert again.headers["ETag"] == first.headers["ETag"]
    other = _get(url, **{"If-Modified-Since": since, "If-None-Match": '"other"'})
    assert other.status_code == 200 and other.content == first.content, url


def test_pages_and_many_record_documents_are_dated_by_the_snapshot(site: Site) -> None:
    published = _snapshot_time(site)
    paths = ["/doc/record/lm-a.html", "/dataset", "/dataset.ttl", "/dataset.html"]
    for path in _things(site).values():
        paths += [path, f"{path}.ttl", f"{path}.jsonld", f"{path}.html"]
    for path in paths:
        _revalidates(site.url + path, published)


def test_vocab_and_shapes_are_dated_by_their_files(site: Site) -> None:
    for folder in termdocs.FOLDERS:
        files = Path(data_dir(folder)).glob("*.ttl")
        newest = max([*(datetime.fromtimestamp(p.stat().st_mtime, UTC) for p in files),
                      termdocs.STARTED])  # or the serving process's start (test_pin14_termdocs)
        for path in (f"/{folder}", f"/{folder}.ttl", f"/{folder}.html"):
            _revalidates(site.url + path, newest.replace(microsecond=0))


def test_a_record_s_rdf_keeps_its_own_date(site: Site) -> None:
    graph = site.reader().graph(uris.record_graph(site.settings.base_uri, "lm-a"))
    doc = uris.doc_uri(site.settings.base_uri, "record", "lm-a")
    (modified,) = (o.toPython() for s, p, o in graph if str(s) == doc
                   and str(p) == "http://purl.org/dc/terms/modified")
    _revalidates(f"{site.url}/doc/record/lm-a.ttl", modified.replace(microsecond=0))


def test_a_new_load_is_a_new_date_for_a_page_it_changes(tmp_path: Path) -> None:
    """lm-b is owl:sameAs lm-a (one DOI): lm-a's new title shows on lm-b's page, whose own
    dcterms:modified stays; dated by the snapshot, the page is not a stale 304, even with
    both loads in one second (then the second snapshot gives no date at all)."""
    first_a = _record("lm-a", "First title")
    first_a.doi = ["10.5555/lastmod.1"]
    second_b = _record("lm-b", "Second record")
    second_b.doi = ["10.5555/lastmod.1"]
    site, server = _start(tmp_path, [first_a, second_b])
    try:
        page = f"{site.url}/doc/record/lm-b.html"
        before = _get(page)
        assert "First title" in before.text
        changed = _record("lm-a", "Changed title")
        changed.doi = ["10.5555/lastmod.1"]
        load_records(site.settings, [changed])
        time.sleep(CHECK_EVERY + 0.2)  # the server's reader looks for a snapshot each second
        after = _get(page, **{"If-Modified-Since": before.headers["Last-Modified"]})
        assert after.status_code == 200 and "Changed title" in after.text
        published = snapshots.published(snapshots.current(site.store_dir) or "")
        if published is None:  # published in the first one's second: no date to give
            assert "Last-Modified" not in after.headers
        else:
            assert parsedate_to_datetime(after.headers["Last-Modified"]) == _snapshot_time(site)
    finally:
        server.shutdown()
        server.server_close()


def test_a_remote_store_sends_no_made_up_date(tmp_path: Path) -> None:
    """A SPARQL server has no publish time: ETag only, as before, and no 304 by date."""
    import subprocess

    exe = oxigraph_executable()
    port = next(p for p in reversed(PORTS) if _free(p))
    proc = subprocess.Popen([str(exe), "serve", "--location", str(tmp_path / "ox"),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        _wait_for(endpoint + "/query?query=ASK%7B%7D")
        site, server = _start(tmp_path, [_record("lm-a")], store=endpoint)
        try:
            for path in ["/doc/record/lm-a.html", "/dataset", *_things(site).values()]:
                answer = _get(site.url + path)
                assert answer.status_code == 200 and "Last-Modified" not in answer.headers
                dated = _get(site.url + path, **{"If-Modified-Since": answer.headers["Date"]})
                assert dated.status_code == 200, path
        finally:
            server.shutdown()
            server.server_close()
    finally:
        proc.terminate()
        proc.wait(10)


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
