"""H2: one OAI-PMH answer is capped in size, counted as it is read and gzip is undone.

The harvester held a whole answer in memory: a 4 GB stream, or a 2 MB gzip that
inflates to 2 GB, ended in MemoryError (exit 1). Now an answer over the cap is a
HarvestError naming the URL and the cap (exit code 2). A real server on 127.0.0.1
streams the answers; the cap is made small through the client's ``max_bytes``.
"""

from __future__ import annotations

import contextlib
import gzip
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from ld.harvest_client import MAX_RESPONSE_BYTES, Client, HarvestError
from tests.oai_server import LoopbackServer

CAP = 100_000
BLOCK = b"<!-- padding -->" * 4096  # 64 KiB of XML comment
PAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
 <responseDate>2024-01-01T00:00:00Z</responseDate>
 <request verb="ListRecords" metadataPrefix="oai_dc">http://127.0.0.1/oai</request>
 <ListRecords>
  <record><header><identifier>oai:big:1</identifier><datestamp>2024-01-01</datestamp></header>
   <metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A record</dc:title>
     <dc:date>2020</dc:date><dc:type>Text</dc:type></oai_dc:dc></metadata></record>
 </ListRecords>
</OAI-PMH>
"""


class _Endless(BaseHTTPRequestHandler):
    """An OAI-PMH start, then padding until the client hangs up (at most 64 MB)."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Connection", "close")
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(PAGE.split(b"<ListRecords>")[0])
            for _ in range(1024):
                self.wfile.write(BLOCK)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Bomb(_Endless):
    """A small gzip body (about 10 KB) that inflates to 10 MB."""

    def do_GET(self) -> None:
        packed = gzip.compress(PAGE.split(b"<ListRecords>")[0] + b" " * 10_000_000)
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(packed)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(packed)


class _Page(_Endless):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


def _fetch(handler: type[BaseHTTPRequestHandler], cap: int) -> Any:
    with LoopbackServer(handler) as server:
        client = Client(server.url, timeout=20, max_retries=0, max_wait=0, max_bytes=cap)
        return server.url, client.harvest(verb="ListRecords", metadataPrefix="oai_dc")


@pytest.mark.parametrize("handler", [_Endless, _Bomb], ids=["stream", "gzip-bomb"])
def test_an_answer_over_the_cap_is_a_harvest_error(handler: type[BaseHTTPRequestHandler]) -> None:
    with pytest.raises(HarvestError) as caught:
        _fetch(handler, CAP)
    error = caught.value
    assert f"larger than {CAP:,} bytes" in error.message
    assert error.location.file.startswith("http://127.0.0.1:")
    assert error.exit_code == 2


def test_a_page_within_the_cap_is_read() -> None:
    _, response = _fetch(_Page, len(PAGE))
    assert [item.id for item in response.items] == ["oai:big:1"]


def test_the_default_cap_is_generous_but_bounded() -> None:
    assert 64 * 2**20 <= MAX_RESPONSE_BYTES <= 1024 * 2**20
