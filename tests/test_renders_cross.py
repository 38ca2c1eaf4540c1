"""Pre-rendered pages that show another record: never served with its old title.

A record page names a record it is owl:sameAs (or links otherwise) by that
record's stored title, read from the other record's graph; the row is keyed
by its own record's version. Regression (explore11/life 1): after the other
record was retitled or deleted, the row stayed "current" and the page kept
the old title for ever, also after ``ldpub render``. Real store on disk, real
HTTP server on 127.0.0.1, real ``ldpub load``/``delete``/``render``.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import zlib
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from ld import describe, renders, uris
from ld.cli import main
from ld.model import Record, Source
from ld.store.reader import CHECK_EVERY
from ld.web.prerender import render_store
from tests.conftest_web import Site, load_records, start_site

ISBN = "034075978X"


def _record(key: str, title: str, **more: object) -> Record:
    return Record(id=key, source=Source("test", key, "test"), formats=["Book"], title=title,
                  issued="2001", **more)  # type: ignore[arg-type]


@pytest.fixture
def site(tmp_path: Path):
    the_site, server = start_site(tmp_path, [_record("recX", "Alpha original title",
                                                     isbn=[ISBN])], [])
    yield the_site
    server.shutdown()


def _page(site: Site, key: str) -> str:
    describe.CACHE._data.clear()  # every request must reach the renders or the store
    describe.CACHE.bytes = 0
    time.sleep(CHECK_EVERY + 0.2)  # the server's reader looks for a new snapshot once a second
    response = requests.get(f"{site.url}/doc/record/{key}", headers={"Accept": "text/html"},
                            timeout=10)
    assert response.status_code == 200
    return response.text


def _row(site: Site, key: str) -> str | None:
    """The HTML row of record ``key``, None when there is none."""
    graph = uris.record_graph(site.settings.base_uri, key)
    with sqlite3.connect(site.store_dir / renders.FILE) as db:
        found = db.execute("SELECT body FROM reps WHERE graph=? AND format='html'",
                           (graph,)).fetchone()
    return None if found is None else zlib.decompress(found[0]).decode("utf-8")


def _same_as(html: str) -> str:
    found = re.search(r"<dt>Same as</dt><dd>(.*?)</dd>", html)
    return found[1] if found else ""


def _cli(site: Site, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(site.store_dir), "--base-uri",
                                       site.settings.base_uri, *args])
    assert result.exit_code == 0, result.output
    return result.output


def _load(site: Site, tmp_path: Path, key: str, title: str) -> str:
    path = tmp_path / f"{key}-{abs(hash(title))}.json"
    path.write_text(json.dumps([{"id": key, "title": title, "format": ["Book"],
                                 "publishDate": ["2001"], "isbn": [ISBN]}]))
    return _cli(site, "load", "--jobs", "0", str(path))


def test_a_retitled_or_deleted_same_as_record_is_never_shown_by_its_old_title(
        site, tmp_path: Path) -> None:
    render_store(site.settings, jobs=0)  # as `ldpub load --render`: opted in
    _load(site, tmp_path, "recY", "Beta title")  # says owl:sameAs recX
    assert "Alpha original title" in _same_as(_row(site, "recY") or "")
    assert "Alpha original title" in _same_as(_page(site, "recY"))

    _load(site, tmp_path, "recX", "Alpha changed title")  # its render-after-load
    assert "Alpha changed title" in _same_as(_row(site, "recY") or "")
    page = _page(site, "recY")
    assert "Alpha changed title" in _same_as(page) and "Alpha original" not in page
    assert "already current 2" in _cli(site, "render", "--jobs", "0")

    _cli(site, "delete", "recX")
    assert _row(site, "recY") is None  # forgotten before the store changed
    assert "Alpha" not in _page(site, "recY")  # made from the store meanwhile
    assert "rendered 1," in _cli(site, "render", "--jobs", "0")
    assert "Alpha" not in (_row(site, "recY") or "") and "Alpha" not in _page(site, "recY")


def test_a_new_record_that_another_names_already_gets_its_title_on_that_page(site) -> None:
    """A fresh load (the bulk path) forgets the rows of the records naming the new one:
    before it they showed its key, after it its title."""
    base = site.settings.base_uri
    load_records(site.settings, [_record("recA", "Gamma title",
                                         same_as=[uris.record_uri(base, "recB")])])
    render_store(site.settings, jobs=0)
    assert _same_as(_row(site, "recA") or "").endswith(">recB</a>")
    load_records(site.settings, [_record("recB", "Delta title")])
    assert _row(site, "recA") is None
    assert "Delta title" in _same_as(_page(site, "recA"))
    summary = render_store(site.settings, jobs=0)
    assert summary.rendered == 2  # recA again, recB new
    assert "Delta title" in _same_as(_row(site, "recA") or "")
    assert "Delta title" in _same_as(_page(site, "recA"))
