"""Files kept for a snapshot are named with the code that made them (explore11 life 5).

The whole-dataset figures (``<store>/search/<snapshot>.figures/``), the dumps and
the sitemaps (``<store>/dumps/<hash>/``) were named by the snapshot and the key
alone: a server started after an upgrade served what the older ldpub had made
for that snapshot (a browse list without the dates the new code shows) until the
next load. Their names now include the installed ldpub's version and a FORMAT
per kind.

Real things: a store on disk, an HTTP server on 127.0.0.1, files written where
the older code wrote them, and fresh Python processes for "the server started
after the upgrade".
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ld import browse, dumps, made_by, sitemap, versioned
from ld.model import Agent, Record, Source
from ld.search_index import snapshot_of
from ld.store import snapshots
from ld.versioned_files import figures_dir
from tests.conftest_web import Site, start_site

TRUE_LABEL = "Render, Ruth"
OLD_LABEL = "Label the old code filed"


def _record(key: str) -> Record:
    return Record(id=key, source=Source("test", key, "test"), formats=["Book"],
                  title=f"Title of {key}", creators=[Agent(TRUE_LABEL)], issued="2001")


@pytest.fixture
def fresh_site(tmp_path: Path) -> Iterator[Site]:
    """A store loaded and published, served; nothing computed or dumped yet."""
    the_site, server = start_site(tmp_path, [_record("fv-1"), _record("fv-2")], [])
    yield the_site
    server.shutdown()


def _snapshot(site: Site) -> str:
    name = snapshots.current(site.store_dir)
    assert name is not None
    return name


# --- what the code before the fix filed, where it filed it ----------------------

def _file_figure_as_before(site: Site, key: tuple, value: object) -> Path:
    """A figure as ldpub filed it before its names carried a version."""
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    path = figures_dir(site.store_dir, _snapshot(site)) / f"{digest}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))
    return path


def test_browse_figures_an_older_ldpub_filed_are_not_served(fresh_site: Site) -> None:
    """Regression (life 5): the browse list showed the old code's label for the person."""
    site, base = fresh_site, fresh_site.settings.base_uri
    person = f"{base}id/person/render-ruth"
    _file_figure_as_before(site, ("top total", base, "person"), 1)
    _file_figure_as_before(site, ("top", base, "person", 1, browse.PAGE_SIZE),
                           [[person, OLD_LABEL, 2]])
    page = requests.get(f"{site.url}/browse/person", timeout=30)
    assert page.status_code == 200
    assert OLD_LABEL not in page.text and TRUE_LABEL in page.text


def _dumps_folder_as_before(site: Site) -> Path:
    """The folder of the snapshot's dumps and sitemaps as ldpub named it before."""
    name = hashlib.sha1(_snapshot(site).encode()).hexdigest()[:16]
    return site.settings.dumps_path / name


def _old_files(folder: Path, base: str) -> None:
    """Dumps and a sitemap that hold one triple / one URL no current record has."""
    folder.mkdir(parents=True)
    gone = f"<{base}doc/record/made-by-old-code>"
    line = f'{gone} <http://purl.org/dc/terms/title> "old" .\n'.encode()
    (folder / "dataset.nt.gz").write_bytes(gzip.compress(line))
    (folder / "dataset.ttl").write_bytes(line)
    (folder / "sitemaps").mkdir()
    (folder / "sitemaps" / sitemap.INDEX).write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{sitemap.NS}">'
        f"<sitemap><loc>{base}sitemaps/made-by-old-code.xml.gz</loc></sitemap>"
        "</sitemapindex>\n")


def _get(url: str) -> requests.Response:
    """Dumps and sitemaps are written on first request: 503 meanwhile."""
    deadline = time.monotonic() + 60
    while True:
        answer = requests.get(url, timeout=30)
        if answer.status_code != 503 or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


def test_dumps_and_sitemaps_an_older_ldpub_wrote_are_not_served(fresh_site: Site) -> None:
    """Regression (life 5): the dumps and sitemaps already written for the snapshot
    were served as they were, whatever the new code would write; they are pruned as
    another version's folder is."""
    site, base = fresh_site, fresh_site.settings.base_uri
    old = _dumps_folder_as_before(site)
    _old_files(old, base)
    for path, wanted in (("/dumps/dataset.nt.gz", f"<{base}doc/record/fv-1>"),
                         ("/dumps/dataset.ttl", f"<{base}doc/record/fv-1>"),
                         ("/sitemap.xml", f"{base}sitemaps/sitemap-1.xml.gz")):
        answer = _get(site.url + path)
        assert answer.status_code == 200, answer.text[:300]
        body = gzip.decompress(answer.content) if path.endswith(".gz") else answer.content
        assert b"made-by-old-code" not in body and wanted.encode() in body, path
    long_ago = time.time() - dumps.PRUNE_AFTER - 60
    os.utime(old, (long_ago, long_ago))
    assert _get(site.url + "/dumps/dataset.nq.gz").status_code == 200  # made, then pruned
    assert not old.exists()


# --- the next upgrade: a new version, or a raised FORMAT -------------------------

NEXT_SERVER = """
import json, sys, time
from ld import versioned
from ld.config import load_settings
from ld.store import open_reader

reader = open_reader(load_settings(env={}, store=sys.argv[1]))
def slowly(store):
    time.sleep(3)
    return "new code"
stale = versioned.cached(reader, ("life-5",), slowly, stale_ok=True)
exact = versioned.cached(reader, ("life-5",), lambda store: "new code")
print(json.dumps([stale, exact]))
"""


def _next_server(site: Site) -> list:
    """What a server started afterwards, with the installed code, gets for the figure."""
    done = subprocess.run([sys.executable, "-c", NEXT_SERVER, str(site.store_dir)],
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("change", ["version", "FORMAT"])
def test_figures_of_another_version_or_format_are_not_served(fresh_site: Site, change: str,
                                                             monkeypatch) -> None:
    """A figure filed by this process as another ldpub version (or FORMAT) made it is
    neither a fresh server's value nor its stale one (the home page's)."""
    if change == "version":
        monkeypatch.setattr(made_by, "installed", lambda: "0.0.1-older")
    else:
        monkeypatch.setattr(versioned, "FORMAT", versioned.FORMAT - 1)
    reader = fresh_site.reader()
    assert versioned.cached(reader, ("life-5",), lambda store: "old code") == "old code"
    older = versioned._path(reader, ("life-5",))
    assert older is not None and older.is_file()
    assert snapshot_of(reader) is not None
    monkeypatch.undo()
    assert versioned._path(reader, ("life-5",)) != older
    assert _next_server(fresh_site) == [None, "new code"]  # no stale value: nothing filed


@pytest.mark.parametrize("change", ["version", "dumps FORMAT", "sitemaps FORMAT"])
def test_dumps_and_sitemaps_of_another_version_or_format_are_elsewhere(
        fresh_site: Site, change: str, monkeypatch) -> None:
    settings, reader = fresh_site.settings, fresh_site.reader()
    folder = sitemap.ensure(settings, reader)
    made = dumps.directory(settings, reader)
    assert folder is not None and folder.parent == made
    if change == "version":
        monkeypatch.setattr(made_by, "installed", lambda: "0.0.1-older")
    elif change == "dumps FORMAT":
        monkeypatch.setattr(dumps, "FORMAT", dumps.FORMAT + 1)
    else:
        monkeypatch.setattr(sitemap, "FORMAT", sitemap.FORMAT + 1)
    other = sitemap.ensure(settings, reader)
    assert other is not None and other != folder and (other / sitemap.INDEX).is_file()
    assert (dumps.directory(settings, reader) != made) == (change != "sitemaps FORMAT")
