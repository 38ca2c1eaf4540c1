"""`ldpub render`: pre-rendered record representations, served only while current.

Real store on disk, real HTTP server on 127.0.0.1, real SQLite file. The
rows are proved to be *used* by tampering with one (the server then sends
the tampered bytes) and proved never *stale* by re-loading, updating and
deleting records after rendering.
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
from rdflib import Graph
from rdflib.compare import isomorphic

from ld import describe, renders, uris
from ld.cli import main
from ld.model import Agent, Record, Source
from ld.store.reader import CHECK_EVERY
from ld.web import create_app
from ld.web.prerender import flavour, render_store
from tests.conftest_web import load_records, serve_app, start_site

ACCEPT = {"ttl": "text/turtle", "jsonld": "application/ld+json", "html": "text/html"}
KEY = "render-1"


def _record(title: str, key: str = KEY) -> Record:
    return Record(id=key, source=Source("test", "record 1", "test"), formats=["Book"],
                  title=title, creators=[Agent("Render, Ruth")], issued="2001")


@pytest.fixture
def site(tmp_path: Path):
    the_site, server = start_site(tmp_path, [_record("First title"), _record("Other", "render-2")],
                                  [])
    yield the_site
    server.shutdown()


def _get(site, fmt: str, key: str = KEY) -> requests.Response:
    describe.CACHE._data.clear()  # every request below must reach the store or the renders
    describe.CACHE.bytes = 0
    return requests.get(f"{site.url}/doc/record/{key}", headers={"Accept": ACCEPT[fmt]},
                        timeout=10)


def _rows(site) -> dict[tuple[str, str], tuple[str, bytes]]:
    with sqlite3.connect(site.store_dir / renders.FILE) as db:
        return {(g, f): (v, zlib.decompress(b))
                for g, f, v, b in db.execute("SELECT graph, format, version, body FROM reps")}


def _tamper(site, fmt: str, marker: bytes) -> None:
    graph = uris.record_graph(site.settings.base_uri, KEY)
    _, body = _rows(site)[(graph, fmt)]
    with sqlite3.connect(site.store_dir / renders.FILE) as db:
        db.execute("UPDATE reps SET body=? WHERE graph=? AND format=?",
                   (zlib.compress(body + marker), graph, fmt))


def test_rendered_bytes_are_what_the_server_makes_on_demand(site) -> None:
    before = {fmt: _get(site, fmt) for fmt in ACCEPT}
    summary = render_store(site.settings, jobs=0)
    assert (summary.records, summary.rendered, summary.current) == (2, 2, 0)
    for fmt, response in before.items():
        after = _get(site, fmt)
        assert after.status_code == 200
        assert after.headers["Content-Type"] == response.headers["Content-Type"]
        assert after.headers.get("Last-Modified") == response.headers.get("Last-Modified")
        assert after.content == response.content, fmt  # so ETags agree as well
        assert after.headers["ETag"] == response.headers["ETag"]
        if fmt != "html":  # and an independent parser reads the same graph
            kind = "json-ld" if fmt == "jsonld" else "turtle"
            assert isomorphic(Graph().parse(data=after.content, format=kind),
                              Graph().parse(data=response.content, format=kind))


@pytest.mark.parametrize("fmt", list(ACCEPT))
def test_server_sends_the_rendered_row(site, fmt: str) -> None:
    render_store(site.settings, jobs=0)
    marker = b"\n# RENDERED-ROW\n" if fmt == "ttl" else b" "
    plain = _get(site, fmt).content
    _tamper(site, fmt, marker)
    assert _get(site, fmt).content == plain + marker


def test_another_flavour_ignores_the_rows(site) -> None:
    render_store(site.settings, jobs=0)
    _tamper(site, "html", b"<!-- RENDERED-ROW -->")
    other = site.settings.__class__(**{**site.settings.__dict__, "dataset_title": "Renamed"})
    assert flavour(other) != flavour(site.settings)
    url, server = serve_app(create_app(other))
    try:
        describe.CACHE._data.clear()
        page = requests.get(f"{url}/doc/record/{KEY}", headers={"Accept": "text/html"},
                            timeout=10)
    finally:
        server.shutdown()
    assert b"RENDERED-ROW" not in page.content and b"Renamed" in page.content


def test_reloaded_record_is_never_served_stale_even_within_the_same_second(site) -> None:
    render_store(site.settings, jobs=0)
    assert b"First title" in _get(site, "html").content
    load_records(site.settings, [_record("Second title")])  # same dcterms:modified second
    graph = uris.record_graph(site.settings.base_uri, KEY)
    assert not [k for k in _rows(site) if k[0] == graph]  # the load forgot them first
    time.sleep(CHECK_EVERY + 0.2)  # the server's reader looks for a new snapshot once a second
    for fmt in ACCEPT:
        body = _get(site, fmt).content
        assert b"Second title" in body and b"First title" not in body, fmt
    summary = render_store(site.settings, jobs=0)
    assert (summary.rendered, summary.current) == (1, 1)  # only the changed record
    assert b"Second title" in _get(site, "html").content


def test_sparql_update_and_delete_invalidate(site) -> None:
    from ld.store import open_store

    render_store(site.settings, jobs=0)
    graph = uris.record_graph(site.settings.base_uri, KEY)
    thing = uris.record_uri(site.settings.base_uri, KEY)
    with open_store(site.settings) as store:
        store.update(f'DELETE WHERE {{ GRAPH <{graph}> {{ <{thing}> '
                     f'<http://purl.org/dc/terms/title> ?t }} }} ;\n'
                     f'INSERT DATA {{ GRAPH <{graph}> {{ <{thing}> '
                     f'<http://purl.org/dc/terms/title> "Updated title" }} }}')
        store.publish()
    assert _rows(site) == {}
    time.sleep(CHECK_EVERY + 0.2)
    assert b"Updated title" in _get(site, "html").content
    render_store(site.settings, jobs=0)
    result = CliRunner().invoke(main, ["--store", str(site.store_dir), "--base-uri",
                                       site.settings.base_uri, "delete", KEY])
    assert result.exit_code == 0, result.output
    time.sleep(CHECK_EVERY + 0.2)
    assert _get(site, "ttl").status_code == 404
    summary = render_store(site.settings, jobs=0)
    assert (summary.records, summary.removed) == (1, 0)  # delete already forgot its rows
    assert {g for g, _ in _rows(site)} == {uris.record_graph(site.settings.base_uri, "render-2")}


def test_html_rows_take_the_site_root_of_each_request(site) -> None:
    render_store(site.settings, jobs=0)
    app = create_app(site.settings)
    describe.CACHE._data.clear()
    page = app.test_client().get(f"/doc/record/{KEY}", headers={"Accept": "text/html"},
                                 environ_overrides={"SCRIPT_NAME": "/catalogue"})
    assert page.status_code == 200
    assert renders.ROOT_MARK.encode() not in page.data
    assert b'href="/catalogue/static/ldpub.css"' in page.data
    links = re.findall(rb'(?:href|src|action)="(/[^"]*)"', page.data)
    assert b"/catalogue/doc/record/" + KEY.encode() + b".ttl" in links  # the alternates too
    assert [x for x in links if not x.startswith(b"/catalogue/")] == []


def test_render_in_worker_processes_matches_in_process(site) -> None:
    render_store(site.settings, jobs=0)
    alone = _rows(site)
    (site.store_dir / renders.FILE).unlink()
    summary = render_store(site.settings, jobs=2)
    assert summary.rendered == 2
    assert _rows(site) == alone


def test_cli_render(site) -> None:
    args = ["--store", str(site.store_dir), "--base-uri", site.settings.base_uri]
    first = CliRunner().invoke(main, [*args, "render", "--jobs", "0", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["rendered"] == 2
    again = CliRunner().invoke(main, [*args, "render", "--jobs", "0"])
    assert again.exit_code == 0 and "already current 2" in again.output


def test_cli_render_refuses_a_remote_store() -> None:
    result = CliRunner().invoke(main, ["--store", "http://127.0.0.1:9/sparql", "render"])
    assert result.exit_code == 2
    assert "embedded store" in result.output


def test_cli_load_render_renders_what_it_loaded(tmp_path: Path) -> None:
    from tests.web_records import sample_paths

    args = ["--store", str(tmp_path / "store"), "--base-uri", "http://example.org/"]
    result = CliRunner().invoke(main, [*args, "load", "--jobs", "0", "--render", "--json",
                                       *sample_paths()])
    assert result.exit_code in (0, 1), result.output
    loaded = json.loads(result.stdout)["loaded"]  # standard error says what was rendered
    with sqlite3.connect(tmp_path / "store" / renders.FILE) as db:
        rows = db.execute("SELECT COUNT(DISTINCT graph), COUNT(*) FROM reps").fetchone()
    assert rows == (loaded, loaded * len(renders.FORMATS))


def test_a_damaged_renders_file_is_a_miss_for_the_server_and_a_clear_refusal_for_writers(
        site) -> None:
    render_store(site.settings, jobs=0)
    plain = _get(site, "ttl").content
    (site.store_dir / renders.FILE).write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (site.store_dir / (renders.FILE + suffix)).unlink(missing_ok=True)
    assert _get(site, "ttl").content == plain  # rendered on request instead
    args = ["--store", str(site.store_dir), "--base-uri", site.settings.base_uri]
    for command in (["render", "--jobs", "0"], ["delete", KEY]):
        result = CliRunner().invoke(main, [*args, *command])
        assert result.exit_code == 2, (command, result.output)
        assert "pre-rendered records" in result.output and renders.FILE in result.output
    assert _get(site, "ttl").status_code == 200  # the refused delete removed nothing


def _load_cli(site, tmp_path: Path, title: str, *flags: str) -> None:
    path = tmp_path / f"{abs(hash(title))}.json"
    path.write_text(json.dumps([{"id": KEY, "title": title, "format": ["Book"],
                                 "author": ["Render, Ruth"], "publishDate": ["2001"]}]))
    args = ["--store", str(site.store_dir), "--base-uri", site.settings.base_uri]
    result = CliRunner().invoke(main, [*args, "load", "--jobs", "0", *flags, str(path)])
    assert result.exit_code in (0, 1), result.output


def test_loads_keep_rendered_records_current_once_opted_in(site, tmp_path: Path) -> None:
    graph = uris.record_graph(site.settings.base_uri, KEY)
    _load_cli(site, tmp_path, "Before any render")
    assert not (site.store_dir / renders.FILE).exists()  # not opted in: nothing rendered
    render_store(site.settings, jobs=0)
    _load_cli(site, tmp_path, "Rendered by the load itself")
    assert b"Rendered by the load itself" in _rows(site)[(graph, "html")][1]
    _load_cli(site, tmp_path, "Not rendered", "--no-render")
    assert not [k for k in _rows(site) if k[0] == graph]


def test_the_render_after_a_load_makes_only_what_the_load_changed(site, tmp_path: Path
                                                                  ) -> None:
    """Regression: every load with renders compared every record's version with its rows
    (a scan of the whole store, ~1 s per 100,000 records) to find the one it changed."""
    from ld.store import open_store

    render_store(site.settings, jobs=0)
    graph = uris.record_graph(site.settings.base_uri, KEY)
    other = uris.record_graph(site.settings.base_uri, "render-2")
    sidecar = renders.Renders(site.store_dir / renders.FILE, writable=True)
    assert sidecar.pending() == []  # a full render leaves nothing pending
    _load_cli(site, tmp_path, "Changed title", "--no-render")
    assert sidecar.pending() == [graph]
    with open_store(site.settings) as store:
        summary = render_store(site.settings, store=store, jobs=0, changed_only=True)
    assert (summary.records, summary.rendered) == (1, 1)
    assert b"Changed title" in _rows(site)[(graph, "html")][1]
    assert (other, "html") in _rows(site) and sidecar.pending() == []
    with open_store(site.settings) as store:  # a SPARQL Update may change any record
        store.update(f'INSERT DATA {{ GRAPH <{other}> {{ <{other}> '
                     f'<http://purl.org/dc/terms/description> "x" }} }}')
        store.publish()
    assert sidecar.pending() is None
    with open_store(site.settings) as store:
        summary = render_store(site.settings, store=store, jobs=0, changed_only=True)
    assert summary.records == 2 and sidecar.pending() == []  # compared everything
    sidecar.close()


def test_a_renders_file_of_an_older_ldpub_is_compared_in_full_once(site) -> None:
    """Its loads did not note what they changed: the next render cannot trust 'pending'."""
    render_store(site.settings, jobs=0)
    with sqlite3.connect(site.store_dir / renders.FILE) as db:
        db.execute("DROP TABLE pending")
    sidecar = renders.Renders(site.store_dir / renders.FILE, writable=True)
    assert sidecar.pending() is None
    sidecar.close()


def test_after_a_flavour_change_the_render_after_a_load_compares_everything(site, tmp_path
                                                                            ) -> None:
    """A new title (or template, or ldpub version) makes every row unusable: the next
    load's render must not make only its own record and leave the rest to on-demand."""
    from dataclasses import replace

    from ld.store import open_store

    render_store(site.settings, jobs=0)
    _load_cli(site, tmp_path, "Changed title", "--no-render")
    retitled = replace(site.settings, dataset_title="Another catalogue")
    with open_store(retitled) as store:
        summary = render_store(retitled, store=store, jobs=0, changed_only=True)
    assert (summary.records, summary.rendered) == (2, 2)
    versions = {v for v, _ in _rows(site).values()}
    assert {v.split(" ")[0] for v in versions} == {flavour(retitled)}


def test_a_render_leaves_no_write_ahead_log_behind(tmp_path: Path) -> None:
    """Regression: after `ldpub render` the renders file's WAL stayed as large as the
    file itself (137 MB beside 128 MB), for good."""
    path = tmp_path / renders.FILE
    db = renders.Renders(path, writable=True)
    with db._db:
        db._db.executemany("INSERT INTO reps (graph, format, version, body) VALUES (?,?,?,?)",
                           [(f"g{i}", "ttl", "v", b"x" * 4000) for i in range(500)])
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 1_000_000
    serving = renders.Renders(path)  # a serving worker keeps the file open meanwhile
    serving._db.execute("SELECT count(*) FROM reps").fetchall()
    try:
        db.close()
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        serving.close()
