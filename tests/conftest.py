"""Shared fixtures. Helpers append fixtures here; never rewrite existing ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ld.config import Settings, load_settings

# the live-site fixtures, loaded once for every test module (several import from it)
pytest_plugins = ["tests.conftest_web"]

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The third-party records in ../shared/data; skips cleanly when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA} (see README, 'Tests')")
    return SHARED_DATA


@pytest.fixture
def seed_record(shared_data: Path) -> Path:
    return shared_data / "seed" / "pubmed-6839263.txt"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh embedded store under tmp_path; no environment read."""
    return load_settings(env={}, store=str(tmp_path / "store"))


# --- added by helper "store" -------------------------------------------------

def oxigraph_executable() -> Path:
    """The `oxigraph` server program beside this Python or on PATH; skips without it."""
    import shutil
    import sys

    exe = Path(sys.executable).parent / "oxigraph"
    if not exe.exists():
        exe = Path(shutil.which("oxigraph") or "")
    if not exe.is_file():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    return exe


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    """A real Oxigraph SPARQL server (pip package `oxigraph`) on a free local port.

    Yields its root URL (``http://127.0.0.1:PORT``: /query, /update, /store).
    Skips when the `oxigraph` executable is not installed.
    """
    import socket
    import subprocess
    import time
    import urllib.request

    exe = oxigraph_executable()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    location = tmp_path_factory.mktemp("oxigraph-server")
    log = open(location.parent / f"oxigraph-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([str(exe), "serve", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"oxigraph server did not start; see {log.name}")
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


# --- SPARQL endpoint tests (helper "sparql") ----------------------------------------

@pytest.fixture(scope="session")
def sparql_site():  # type: ignore[no-untyped-def]
    """Start a live server over a store of mapped records, without SHACL validation.

    Returns ``start(root, records, paths, **setting_overrides) -> (Site, server)``.
    The records are read and mapped by the real readers and mapper and written
    to a real embedded store, then published; validation is skipped because
    the SPARQL tests are about the endpoint, not the shapes (and pySHACL takes
    seconds per record). Call ``server.shutdown()`` when done.
    """
    import threading

    from werkzeug.serving import make_server

    from ld.mapping import map_record
    from ld.model import Record
    from ld.readers import read_path
    from ld.store import open_store
    from ld.store.base import RecordGraph
    from ld.uris import record_graph
    from ld.web import create_app

    def start(root: Path, records: list, paths: list[str], **overrides):  # type: ignore[no-untyped-def]
        from tests.conftest_web import Site, _LateApp

        late = _LateApp()
        server = make_server("127.0.0.1", 0, late, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        settings = load_settings(env={}, store=str(root / "store"), base_uri=url + "/",
                                 **overrides)
        items = [*records, *(i for p in paths for i in read_path(p))]
        batch = [RecordGraph(r.id, record_graph(settings.base_uri, r.id),
                             map_record(r, settings.base_uri))
                 for r in items if isinstance(r, Record)]
        with open_store(settings) as store:
            store.write_records(batch)
            store.publish()
        late.app = create_app(settings)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return Site(url, settings, root / "store"), server

    return start


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # from ../shared/TOOLS.md: no network chatter, runs as root


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven headless by Playwright (no browser download here)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed: run scripts/install-system-deps.sh")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
