"""Harvesting from repositories that misbehave in ways pyoai's server cannot be made to:
each test starts its own small HTTP server on 127.0.0.1 (``Odd``) that answers as told."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ld.config import Settings
from ld.harvest import harvest, state_file

OAI_PAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
 <responseDate>2024-01-01T00:00:00Z</responseDate>
 <request verb="ListRecords" metadataPrefix="oai_dc">http://127.0.0.1/oai</request>
 <ListRecords>
  <record><header><identifier>oai:odd:1</identifier><datestamp>2024-01-01</datestamp></header>
   <metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A record</dc:title>
     <dc:date>2020</dc:date><dc:type>Text</dc:type></oai_dc:dc></metadata></record>
 </ListRecords>
</OAI-PMH>
"""

Answer = Callable[[BaseHTTPRequestHandler], None]


class Odd:
    """An HTTP server whose every GET is answered by ``answer(handler)``."""

    def __init__(self, answer: Answer) -> None:
        handler = type("Handler", (_Handler,), {"answer": staticmethod(answer)})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/oai"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Odd:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    answer: Answer

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the harvester gave up
            self.answer(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _headers(handler: BaseHTTPRequestHandler, status: int, body: bytes,
             content_type: str = "text/xml; charset=utf-8") -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()


@pytest.fixture
def store(settings: Settings) -> Iterator[object]:
    from ld.store import open_store

    with open_store(settings) as opened:
        yield opened


def _drip(handler: BaseHTTPRequestHandler) -> None:
    """One byte every 0.2 s for 10 s (a requests timeout never fires), then the rest."""
    _headers(handler, 200, OAI_PAGE)
    stop = time.monotonic() + 10
    sent = 0
    while time.monotonic() < stop:
        handler.wfile.write(OAI_PAGE[sent:sent + 1])
        handler.wfile.flush()
        sent += 1
        time.sleep(0.2)
    handler.wfile.write(OAI_PAGE[sent:])


def test_a_server_that_drips_is_given_up_after_the_timeout(settings: Settings, store: object,
                                                            tmp_path: Path) -> None:
    with Odd(_drip) as server:
        started = time.monotonic()
        result = harvest(server.url, settings=settings, store=store, timeout=1.5, jobs=0)
        took = time.monotonic() - started
    assert took < 1.5 + 3, f"a 1.5 s timeout took {took:.1f} s"
    (error,) = result.summary.errors
    assert error.startswith(server.url) and "did not arrive within 1.5 s" in error
    assert not result.complete and result.exit_code == 2
    assert not state_file(settings).exists()
