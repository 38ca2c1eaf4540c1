"""Fixtures for the web tests: a real store on disk, a real HTTP server.

Loaded for every test module by ``pytest_plugins`` in tests/conftest.py.
One session-wide site: the bundled sample record plus generated records
(one author with 120 records for paging, a journal article with every
citation field, a record whose title is an XSS attempt), loaded through the
real pipeline (readers -> mapping -> SHACL -> embedded store -> published
snapshot) and served by werkzeug's threaded server on 127.0.0.1 from the
read-only snapshot reader, exactly as ``ldpub serve`` does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from ld.config import Settings, load_settings
from ld.model import Record
from tests.web_records import generated_records, sample_paths


def load_records(settings: Settings, records: list[Any], paths: list[str] = ()) -> None:
    """Load through the real pipeline into the embedded store and publish a snapshot,
    noting the base and the URI rules' version as ``ldpub load`` does (a store without
    them is an older ldpub's: ``ldpub serve`` then checks it and warns)."""
    from ld.ingest import ingest_items, read_paths
    from ld.store import minted, open_store

    with open_store(settings) as store:
        if not settings.store_is_remote:  # as `ldpub load` does: the base and URI rules
            minted.note(store, settings.store, settings.base_uri)
        items = [*read_paths(list(paths)), *records]
        summary = ingest_items(items, settings=settings, store=store, jobs=0)
        assert summary.rejected == 0, summary.to_dict()
        store.publish()  # type: ignore[attr-defined]


class _LateApp:
    """The server's port must be known before the app (its base URI) exists."""

    app: Any = None

    def __call__(self, environ: dict, start_response: Any) -> Any:
        return self.app(environ, start_response)


@dataclass
class Site:
    url: str  # "http://127.0.0.1:PORT" (no trailing slash)
    settings: Settings
    store_dir: Path

    def reader(self) -> Any:
        from ld.store import open_reader

        return open_reader(self.settings)


def start_site(root: Path, records: list[Record], paths: list[str], **overrides: Any
               ) -> tuple[Site, Any]:
    from ld.web import create_app

    late = _LateApp()
    server = make_server("127.0.0.1", 0, late, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    settings = load_settings(env={}, store=str(root / "store"), base_uri=url + "/",
                             **overrides)
    load_records(settings, records, paths)
    late.app = create_app(settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return Site(url, settings, root / "store"), server


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The shared test site (sample + generated records) on a live server."""
    root = tmp_path_factory.mktemp("web-site")
    the_site, server = start_site(root, generated_records(), sample_paths())
    yield the_site
    server.shutdown()


def serve_app(app: Any) -> tuple[str, Any]:
    """Serve another app (e.g. other settings over the same store) on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server
